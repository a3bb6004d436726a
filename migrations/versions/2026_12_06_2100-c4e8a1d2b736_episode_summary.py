"""episode summary and before_next

Two optional texts of an episode, shown from its own position: what the episode is
about, and what to remember going into the next one.

Revision ID: c4e8a1d2b736
Revises: 7b3d9e2a4c15
Create Date: 2026-12-06 21:00:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = 'c4e8a1d2b736'
down_revision: Union[str, Sequence[str], None] = '7b3d9e2a4c15'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('episodes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('summary', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('before_next', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('episodes', schema=None) as batch_op:
        batch_op.drop_column('before_next')
        batch_op.drop_column('summary')
