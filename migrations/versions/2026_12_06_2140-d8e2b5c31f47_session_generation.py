"""session generation

A number per editor account that is part of what the session cookie must match: sign-out
and a password change raise it, so every session cookie issued before (a copied one
included) stops working on the server, not only in the browser that signed out.

Revision ID: d8e2b5c31f47
Revises: c4f1a9d27e30
Create Date: 2026-12-06 21:10:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = 'd8e2b5c31f47'
down_revision: Union[str, Sequence[str], None] = 'c4f1a9d27e30'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('users') as batch_op:
        batch_op.add_column(sa.Column('session_generation', sa.Integer(), nullable=False,
                                      server_default='0'))


def downgrade() -> None:
    with op.batch_alter_table('users') as batch_op:
        batch_op.drop_column('session_generation')
