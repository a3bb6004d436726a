"""question former slugs

Old slugs of a renamed question: their addresses redirect to the question's own, from
the episode that raises it. Existing questions have none.

Revision ID: d5f9b2e3c847
Revises: c4e8a1d2b736
Create Date: 2026-12-06 21:10:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = 'd5f9b2e3c847'
down_revision: Union[str, Sequence[str], None] = 'c4e8a1d2b736'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('former_slugs', sa.JSON(), nullable=False,
                                      server_default='[]'))


def downgrade() -> None:
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.drop_column('former_slugs')
