"""short word marker

A word of one or two characters was indexed with a "0" after it ("s12x" + "10" + "0"),
which is how "100" was indexed too: searching 100 found 10, 380 found 38. A short word's
marker now ends in "y" ("s12y100" for 10, "s12x100" for 100), so no two words share a
token. The tokens of every entry are derived again; the SQLite FTS5 table follows
through its update trigger, PostgreSQL's GIN index through the expression it indexes.
Self-contained: the rule is written out here, not imported.

Revision ID: e5a7c9b1d203
Revises: d8e2b5c31f47
Create Date: 2026-12-06 21:20:00

"""
import re
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = 'e5a7c9b1d203'
down_revision: Union[str, Sequence[str], None] = 'd8e2b5c31f47'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

WORD = re.compile(r"[^\W_]+")


def _now(word: str, show: int) -> str:
    return f"s{show}y{word}0" if len(word) <= 2 else f"s{show}x{word}"


def _before(word: str, show: int) -> str:
    return f"s{show}x{word}{'0' if len(word) <= 2 else ''}"


def _fill_tokens(rule) -> None:
    bind = op.get_bind()
    entries = sa.table("search_entries", sa.column("id", sa.Integer),
                       sa.column("show_id", sa.Integer), sa.column("folded", sa.Text),
                       sa.column("tokens", sa.Text))
    rows = bind.execute(sa.select(entries.c.id, entries.c.show_id, entries.c.folded,
                                  entries.c.tokens)).all()
    changed = []
    for entry, show, folded, tokens in rows:
        marked = WORD.sub(lambda m: rule(m.group(0), show), folded)
        if marked != tokens:
            changed.append({"entry": entry, "marked": marked})
    if changed:
        bind.execute(entries.update().where(entries.c.id == sa.bindparam("entry"))
                     .values(tokens=sa.bindparam("marked")), changed)


def upgrade() -> None:
    _fill_tokens(_now)


def downgrade() -> None:
    _fill_tokens(_before)
