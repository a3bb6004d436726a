"""search index

search_entries holds every searchable text with the stamp from which it is visible
(derived from the story rows; see ballard/content/search_index.py). SQLite gets an FTS5
table over it, kept in step by triggers; PostgreSQL a GIN index on its english tsvector.
Those engine objects are not in the models, and migrations/env.py keeps autogenerate
from proposing to drop them. Existing shows are indexed here.

Revision ID: 5e4c0a1f9b21
Revises: 2279cbda2fbf
Create Date: 2026-12-01 21:00:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '5e4c0a1f9b21'
down_revision: Union[str, Sequence[str], None] = '2279cbda2fbf'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# show_id is indexed as a token too, so a search reads one show's postings and not the
# whole catalogue's (its MATCH is "show_id : 12 AND body : (...)").
SQLITE_OBJECTS = [
    "CREATE VIRTUAL TABLE search_fts USING fts5(body, show_id, content='search_entries', "
    "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER search_fts_insert AFTER INSERT ON search_entries BEGIN "
    "INSERT INTO search_fts(rowid, body, show_id) VALUES (new.id, new.body, new.show_id); END",
    "CREATE TRIGGER search_fts_delete AFTER DELETE ON search_entries BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, body, show_id) "
    "VALUES ('delete', old.id, old.body, old.show_id); END",
    "CREATE TRIGGER search_fts_update AFTER UPDATE ON search_entries BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, body, show_id) "
    "VALUES ('delete', old.id, old.body, old.show_id); "
    "INSERT INTO search_fts(rowid, body, show_id) VALUES (new.id, new.body, new.show_id); END",
]
POSTGRESQL_OBJECTS = [
    "CREATE INDEX search_fts_gin ON search_entries "
    "USING gin (to_tsvector('english'::regconfig, folded))",
]


def upgrade() -> None:
    op.create_table('search_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('show_id', sa.Integer(), nullable=False),
    sa.Column('document', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('target', sa.String(length=80), nullable=False),
    sa.Column('title', sa.String(length=400), nullable=False),
    sa.Column('weight', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('folded', sa.Text(), nullable=False),
    sa.Column('words', sa.Integer(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('visible_from', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['show_id'], ['shows.id'], name=op.f('fk_search_entries_show_id_shows'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_entries'))
    )
    with op.batch_alter_table('search_entries', schema=None) as batch_op:
        batch_op.create_index('ix_search_entries_show_visible', ['show_id', 'visible_from'], unique=False)
    bind = op.get_bind()
    for statement in SQLITE_OBJECTS if bind.dialect.name == "sqlite" else POSTGRESQL_OBJECTS:
        op.execute(statement)

    from sqlalchemy.orm import Session

    from ballard.content.search_index import rebuild_show

    session = Session(bind=bind)
    for (show_id,) in bind.execute(sa.text("SELECT id FROM shows")):
        rebuild_show(session, show_id)
    session.flush()


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("search_fts_insert", "search_fts_delete", "search_fts_update"):
            op.execute(f"DROP TRIGGER {name}")
        op.execute("DROP TABLE search_fts")
    with op.batch_alter_table('search_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_search_entries_show_visible')
    op.drop_table('search_entries')
