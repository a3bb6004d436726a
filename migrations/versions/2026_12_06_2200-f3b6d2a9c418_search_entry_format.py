"""search entry format

Two changes to what the search index holds (issue 22), made here for databases indexed
before them (a `content load` would also make them, but a running site need not reload):

- a character's role and actor are kept apart in its text ("The detective · Pat
  Example", was "The detective Pat Example"), so a snippet does not run them together;
- a plot point's document names it by its slug ("plot:s1e4/owen-confesses", was
  "plot:s1e4/3"), the anchor its hit links to in its recap.

Folding is one character for one, so the folded text and its tokens change only where
the separator goes in. Self-contained: the rules are written out here, not imported.

Revision ID: f3b6d2a9c418
Revises: e5a7c9b1d203
Create Date: 2026-12-06 22:00:00

"""
import re
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = 'f3b6d2a9c418'
down_revision: Union[str, Sequence[str], None] = 'e5a7c9b1d203'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

WORD = re.compile(r"[^\W_]+")
ENTRIES = sa.table(
    "search_entries", sa.column("id", sa.Integer), sa.column("show_id", sa.Integer),
    sa.column("document", sa.Text), sa.column("kind", sa.Text), sa.column("target", sa.Text),
    sa.column("body", sa.Text), sa.column("folded", sa.Text), sa.column("tokens", sa.Text),
    sa.column("sort_order", sa.Integer))


def _tokens(folded: str, show: int) -> str:
    def word(m: re.Match) -> str:
        w = m.group(0)
        return f"s{show}y{w}0" if len(w) <= 2 else f"s{show}x{w}"
    return WORD.sub(word, folded)


def _characters(bind, joiner: str, was: str) -> None:
    """Each character's role-and-actor entry, from `was` between them to `joiner`."""
    characters = bind.execute(sa.text(
        "SELECT show_id, slug, role, actor FROM characters "
        "WHERE role IS NOT NULL AND actor IS NOT NULL AND role <> '' AND actor <> ''")).all()
    changed = []
    for show, slug, role, actor in characters:
        for entry, body, folded in bind.execute(
                sa.select(ENTRIES.c.id, ENTRIES.c.body, ENTRIES.c.folded)
                .where(ENTRIES.c.show_id == show, ENTRIES.c.document == f"character:{slug}",
                       ENTRIES.c.body == role + was + actor)):
            cut = len(role)
            new_folded = folded[:cut] + joiner + folded[cut + len(was):]
            changed.append({"entry": entry, "new_body": role + joiner + actor,
                            "new_folded": new_folded, "new_tokens": _tokens(new_folded, show)})
    if changed:
        bind.execute(ENTRIES.update().where(ENTRIES.c.id == sa.bindparam("entry"))
                     .values(body=sa.bindparam("new_body"), folded=sa.bindparam("new_folded"),
                             tokens=sa.bindparam("new_tokens")), changed)


def _plot_points(bind, by_slug: bool) -> None:
    """Each plot point's document: named by its slug, or (going down) by its place."""
    points = bind.execute(sa.text(
        "SELECT show_id, episode_position, sort_order, slug FROM plot_points")).all()
    changed = []
    for show, position, order, slug in points:
        for entry, target in bind.execute(
                sa.select(ENTRIES.c.id, ENTRIES.c.target)
                .where(ENTRIES.c.show_id == show, ENTRIES.c.kind == "plot point",
                       ENTRIES.c.sort_order == position * 1000 + order)):
            changed.append({"entry": entry,
                            "new_document": f"plot:{target}/{slug if by_slug else order}"})
    if changed:
        bind.execute(ENTRIES.update().where(ENTRIES.c.id == sa.bindparam("entry"))
                     .values(document=sa.bindparam("new_document")), changed)


def upgrade() -> None:
    bind = op.get_bind()
    _characters(bind, " · ", " ")
    _plot_points(bind, by_slug=True)


def downgrade() -> None:
    bind = op.get_bind()
    _characters(bind, " ", " · ")
    _plot_points(bind, by_slug=False)
