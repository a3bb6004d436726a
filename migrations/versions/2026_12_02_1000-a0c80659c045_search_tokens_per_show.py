"""search tokens per show

The engines index a new column, search_entries.tokens: the folded text with the show's
marker before every word ("s12xledger"; a word of one or two characters also gets a "0"
after it: "s12xas0"), so a word's postings, and a prefix's words, are
one show's, however many shows the catalogue holds. SQLite's FTS5 table is rebuilt over
it; PostgreSQL gets a text search configuration of its own (search_english: english
stems, also for words with digits, and no stopwords, as FTS5 has none) and a GIN index
on it. Self-contained: the marker and the SQL are written out here, not imported, so a
later change to the app cannot change what this revision does.

Revision ID: a0c80659c045
Revises: 5e4c0a1f9b21
Create Date: 2026-12-02 10:00:00

"""
import re
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = 'a0c80659c045'
down_revision: Union[str, Sequence[str], None] = '5e4c0a1f9b21'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

WORD = re.compile(r"[^\W_]+")
TOKENIZE = "tokenize='porter unicode61 remove_diacritics 2'"
SQLITE_TRIGGERS = ("search_fts_insert", "search_fts_delete", "search_fts_update")


def _sqlite_objects(columns: str) -> list[str]:
    """The FTS5 table over `columns` of search_entries and the triggers keeping it in step."""
    new = ", ".join(f"new.{c}" for c in columns.split(", "))
    old = ", ".join(f"old.{c}" for c in columns.split(", "))
    return [
        f"CREATE VIRTUAL TABLE search_fts USING fts5({columns}, content='search_entries', "
        f"content_rowid='id', {TOKENIZE})",
        f"CREATE TRIGGER search_fts_insert AFTER INSERT ON search_entries BEGIN "
        f"INSERT INTO search_fts(rowid, {columns}) VALUES (new.id, {new}); END",
        f"CREATE TRIGGER search_fts_delete AFTER DELETE ON search_entries BEGIN "
        f"INSERT INTO search_fts(search_fts, rowid, {columns}) "
        f"VALUES ('delete', old.id, {old}); END",
        f"CREATE TRIGGER search_fts_update AFTER UPDATE ON search_entries BEGIN "
        f"INSERT INTO search_fts(search_fts, rowid, {columns}) "
        f"VALUES ('delete', old.id, {old}); "
        f"INSERT INTO search_fts(rowid, {columns}) VALUES (new.id, {new}); END",
        "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
    ]


def _drop_sqlite_objects() -> None:
    for name in SQLITE_TRIGGERS:
        op.execute(f"DROP TRIGGER {name}")
    op.execute("DROP TABLE search_fts")


POSTGRESQL_UP = [
    "CREATE TEXT SEARCH DICTIONARY search_english_stem (TEMPLATE = snowball, Language = english)",
    "CREATE TEXT SEARCH CONFIGURATION search_english (COPY = english)",
    "ALTER TEXT SEARCH CONFIGURATION search_english ALTER MAPPING FOR asciiword, word, "
    "numword, asciihword, hword, numhword, hword_asciipart, hword_part, hword_numpart "
    "WITH search_english_stem",
    # fastupdate off: no pending list of new entries for every search to read through
    # until a vacuum merges it (after a content load, that list holds the whole load).
    "CREATE INDEX search_fts_gin ON search_entries "
    "USING gin (to_tsvector('search_english'::regconfig, tokens)) WITH (fastupdate = off)",
]
POSTGRESQL_DOWN = [
    "DROP INDEX search_fts_gin",
    "DROP TEXT SEARCH CONFIGURATION search_english",
    "DROP TEXT SEARCH DICTIONARY search_english_stem",
]
POSTGRESQL_BEFORE = "CREATE INDEX search_fts_gin ON search_entries " \
    "USING gin (to_tsvector('english'::regconfig, folded))"


def _fill_tokens(bind) -> None:
    entries = sa.table("search_entries", sa.column("id", sa.Integer), sa.column("show_id", sa.Integer),
                       sa.column("folded", sa.Text), sa.column("tokens", sa.Text))
    rows = bind.execute(sa.select(entries.c.id, entries.c.show_id, entries.c.folded)).all()
    if rows:
        bind.execute(
            entries.update().where(entries.c.id == sa.bindparam("entry"))
            .values(tokens=sa.bindparam("marked")),
            [{"entry": i, "marked": _tokens(folded, show)} for i, show, folded in rows])


def _tokens(folded: str, show: int) -> str:
    """Every word with its show's marker before it, and "0" after it when it is one or two
    characters long (so FTS5's stemmer, which leaves short words alone, still does)."""
    return WORD.sub(lambda m: f"s{show}x{m.group(0)}{'0' if len(m.group(0)) <= 2 else ''}", folded)


def upgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    if sqlite:
        _drop_sqlite_objects()
    else:
        op.execute("DROP INDEX search_fts_gin")
    with op.batch_alter_table('search_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tokens', sa.Text(), nullable=True))
    _fill_tokens(bind)
    with op.batch_alter_table('search_entries', schema=None) as batch_op:
        batch_op.alter_column('tokens', existing_type=sa.Text(), nullable=False)
    for statement in _sqlite_objects("tokens") if sqlite else POSTGRESQL_UP:
        op.execute(statement)


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        _drop_sqlite_objects()
    else:
        for statement in POSTGRESQL_DOWN:
            op.execute(statement)
    with op.batch_alter_table('search_entries', schema=None) as batch_op:
        batch_op.drop_column('tokens')
    for statement in _sqlite_objects("body, show_id") if sqlite else [POSTGRESQL_BEFORE]:
        op.execute(statement)
