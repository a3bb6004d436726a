"""content version token

A random token beside the content version number, new with every bump. The page caches
key on both: a restore (or a recreated database) puts the number back, and the next edit
reuses it for different content; the token it draws is new, so no worker serves a page
it kept for the number before the restore.

Revision ID: c4f1a9d27e30
Revises: d5f9b2e3c847
Create Date: 2026-12-06 21:00:00

"""
import secrets
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = 'c4f1a9d27e30'
down_revision: Union[str, Sequence[str], None] = 'd5f9b2e3c847'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('content_version') as batch_op:
        batch_op.add_column(sa.Column('token', sa.String(length=32), nullable=True))
    op.execute(sa.text("UPDATE content_version SET token = :token")
               .bindparams(token=secrets.token_hex(16)))


def downgrade() -> None:
    with op.batch_alter_table('content_version') as batch_op:
        batch_op.drop_column('token')
