"""search index

search_entries holds every searchable text with the stamp from which it is visible
(derived from the story rows; see ballard/content/search_index.py). SQLite gets an FTS5
table over it, kept in step by triggers; PostgreSQL a GIN index on its english tsvector.
Those engine objects are not in the models, and migrations/env.py keeps autogenerate
from proposing to drop them. Existing shows are indexed here, by this file's own copy
of the derivation (the tables, stamps and text folding as they are at this revision), so
later changes to the models or the app cannot change what this revision does.

Revision ID: 5e4c0a1f9b21
Revises: 2279cbda2fbf
Create Date: 2026-12-01 21:00:00

"""
import re
import unicodedata
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

    rows = _entries(bind)
    if rows:
        op.bulk_insert(ENTRIES, rows)


# --- the index as this revision derives it -------------------------------------------------

NAME, TEXT = 4, 1  # weights: a name, alias or title against plot text
NO_MARKUP = str.maketrans("<>&", "   ")
ENTRIES = sa.table(
    "search_entries", sa.column("show_id", sa.Integer), sa.column("document", sa.String),
    sa.column("kind", sa.String), sa.column("target", sa.String), sa.column("title", sa.String),
    sa.column("weight", sa.Integer), sa.column("body", sa.Text), sa.column("folded", sa.Text),
    sa.column("words", sa.Integer), sa.column("sort_order", sa.Integer),
    sa.column("visible_from", sa.Integer))


def _fold(text: str) -> str:
    out = []
    for c in text:
        base = "".join(ch for ch in unicodedata.normalize("NFD", c) if not unicodedata.combining(ch))
        out.append(base if len(base) == 1 else c)
    return "".join(out)


def _clean(text: str) -> str:
    return "".join(" " if unicodedata.category(c) == "Cc" else c for c in text)


def _entries(bind) -> list[dict]:
    """Every show's entries: (document, kind, target, title, sort order), weight, text, stamp."""
    word = re.compile(r"[^\W_]+")
    found = []

    def add(show, doc, weight, body, stamp):
        text = _clean(body or "")
        if text.strip():
            found.append({"show_id": show, "document": doc[0], "kind": doc[1], "target": doc[2],
                          "title": doc[3], "sort_order": doc[4], "weight": weight, "body": text,
                          "folded": _fold(text).translate(NO_MARKUP),
                          "words": len(word.findall(text)), "visible_from": stamp})

    q = lambda sql: bind.execute(sa.text(sql)).all()  # noqa: E731
    titles = {}
    for show, position, number, title, season in q(
            "SELECT e.show_id, e.position, e.number, e.title, s.number FROM episodes e "
            "JOIN seasons s ON s.id = e.season_id ORDER BY e.show_id, e.position"):
        code = f"S{season}E{number}"
        titles[show, position] = f"{code} {title or f'Episode {number}'}"
        doc = (f"episode:{code.lower()}", "episode", code.lower(), titles[show, position], position)
        add(show, doc, NAME, titles[show, position], position)
    for show, slug, name, role, actor, introduced, order in q(
            "SELECT show_id, slug, name, role, actor, introduced_in, sort_order FROM characters "
            "ORDER BY show_id, id"):
        doc = (f"character:{slug}", "character", slug, name, order)
        add(show, doc, NAME, name, introduced)
        add(show, doc, TEXT, " ".join(filter(None, (role, actor))), introduced)
    for show, slug, name, order, introduced, alias, revealed in q(
            "SELECT c.show_id, c.slug, c.name, c.sort_order, c.introduced_in, a.alias, "
            "a.revealed_in FROM character_aliases a JOIN characters c ON c.id = a.character_id "
            "ORDER BY c.show_id, a.id"):
        doc = (f"character:{slug}", "character", slug, name, order)
        add(show, doc, NAME, alias, max(revealed, introduced))
    introduced_in = {}
    for sid, show, slug, title, summary, introduced, order in q(
            "SELECT id, show_id, slug, title, summary, introduced_in, sort_order FROM storylines "
            "ORDER BY show_id, id"):
        introduced_in[sid] = introduced
        doc = (f"storyline:{slug}", "storyline", slug, title, order)
        add(show, doc, NAME, title, introduced)
        add(show, doc, TEXT, summary, introduced)
    for show, position, order, text, revealed, storyline in q(
            "SELECT show_id, episode_position, sort_order, text, revealed_in, storyline_id "
            "FROM plot_points ORDER BY show_id, id"):
        code = titles[show, position].split(" ", 1)[0].lower()
        doc = (f"plot:{code}/{order}", "plot point", code, titles[show, position],
               position * 1000 + order)
        add(show, doc, TEXT, text, max(revealed, introduced_in[storyline]))
    for show, slug, text, raised, answer, answered, order in q(
            "SELECT show_id, slug, text, raised_in, answer, answered_in, sort_order "
            "FROM questions ORDER BY show_id, id"):
        doc = (f"question:{slug}", "question", slug, text, order)
        add(show, doc, TEXT, text, raised)
        if answer and answered is not None:
            add(show, doc, TEXT, answer, answered)
    return found


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("search_fts_insert", "search_fts_delete", "search_fts_update"):
            op.execute(f"DROP TRIGGER {name}")
        op.execute("DROP TABLE search_fts")
    with op.batch_alter_table('search_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_search_entries_show_visible')
    op.drop_table('search_entries')
