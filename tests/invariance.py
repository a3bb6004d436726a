"""Machinery for the future-invariance property (DESIGN.md §2).

For every route and every horizon h, the response rendered from the full database must
equal, byte for byte, the response rendered from a database pruned to h (`prune_after`:
rows stamped after h deleted, fields revealed after h blanked). Routes come from the
app's URL map; each URL argument is filled in from the database by its name, so a new
route is covered without editing the tests (and a new argument name fails loudly until
it gets a provider here).

Per-request values are handled in this one place: `INVARIANCE_CONFIG` turns off CSRF
tokens (the only per-request value in page bodies), and `snapshot()` drops the two
clock readings in headers (`Date` on static files, a cookie's `Expires`), which say when
the request ran, not what it showed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlencode

from flask import Flask
from sqlalchemy import Column, select

from ballard.content.pack import bump_version
from ballard.db import REVEALS_INFO, Base, get_session, stamp_columns
from ballard.models import (
    Character,
    CharacterAlias,
    Episode,
    PlotPoint,
    Question,
    Relationship,
    Season,
    Show,
    Storyline,
)

INVARIANCE_CONFIG = {"WTF_CSRF_ENABLED": False}
UNKNOWN = "zz-unknown-slug"
_COOKIE_EXPIRES = re.compile(r"Expires=[^;]+; ")


@dataclass(frozen=True)
class Snapshot:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


def snapshot(
    client, url: str, method: str = "GET", data: dict | None = None, cookie: str | None = None
) -> Snapshot:
    headers = {"Cookie": cookie} if cookie else {}
    response = client.open(url, method=method, data=data, headers=headers)
    try:
        headers = tuple(
            (name, _COOKIE_EXPIRES.sub("", value) if name == "Set-Cookie" else value)
            for name, value in response.headers.items()
            if name != "Date"
        )
        return Snapshot(response.status_code, headers, response.get_data())
    finally:
        response.close()


def argument_values(app: Flask) -> dict[str, list[str]]:
    """Every value each URL argument can take in the FULL database, plus an unknown one."""
    with app.app_context():
        s = get_session()
        episodes = s.execute(
            select(Season.number, Episode.number).join(Season, Episode.season_id == Season.id)
        ).all()
        return {
            "show": [*s.scalars(select(Show.slug)), UNKNOWN],
            "episode": [f"s{a}e{b}" for a, b in episodes] + ["s1e99", UNKNOWN],
            "character": [*s.scalars(select(Character.slug)), UNKNOWN],
            "storyline": [*s.scalars(select(Storyline.slug)), UNKNOWN],
            # former slugs too: their redirect must come and go with the question
            "question": [
                *s.scalars(select(Question.slug)),
                *(old for olds in s.scalars(select(Question.former_slugs)) for old in olds),
                UNKNOWN,
            ],
            "relationship": [*s.scalars(select(Relationship.slug)), UNKNOWN],
            "filename": ["guide.css", "guide.js", "favicon.svg"],
            "season": [*(str(n) for n in sorted(set(s.scalars(select(Season.number))))), "9", UNKNOWN],
            # Editor pages only (a sign-in redirect for these readers): a few suffice.
            "point": [*s.scalars(select(PlotPoint.slug).order_by(PlotPoint.id).limit(3)), UNKNOWN],
        }


def search_terms(app: Flask) -> list[str]:
    """Words a reader might type: every name, alias and title (later ones included), each
    name as a quoted phrase and as the prefix being typed, a sample of the words of every
    kind of text (plot points, summaries, roles, questions, answers) and a stem family."""
    with app.app_context():
        s = get_session()
        names = {*s.scalars(select(Character.name)), *s.scalars(select(CharacterAlias.alias))}
        terms = {*names, *s.scalars(select(Storyline.title)), *s.scalars(select(Episode.title))}
        for short in s.scalars(select(Character.short_names)):
            terms.update(short)
        texts = [
            *s.scalars(select(PlotPoint.text)),
            *s.scalars(select(Storyline.summary)),
            *s.scalars(select(Character.role)),
            *s.scalars(select(Question.text)),
            *s.scalars(select(Question.answer)),
            *s.scalars(select(Relationship.note)),
        ]
    terms.update(f'"{n}"' for n in names if n and " " in n)
    terms.update(n[:4] for n in names if n and len(n) > 4)
    words = sorted({w for t in texts if t for w in re.findall(r"[^\W_]{4,}", t.casefold())})
    terms.update(words[:: max(1, len(words) // 20)])
    terms.update(["kill", "killed", "killing", "Renee", "canary", "ca"])
    return sorted(t for t in terms if t) + ["", "nonsenseword"]


# Query strings tried per endpoint; every other route is requested without one.
def query_variants(app: Flask) -> dict[str, list[str]]:
    terms = search_terms(app)
    filtered = [
        urlencode({"q": t, **extra})
        for t in terms[::15]
        for extra in ({"kind": "plot point"}, {"kind": "character"}, {"page": "2"})
    ]
    return {
        "guide.search": [urlencode({"q": t}) for t in terms] + filtered,
        "api.search": [urlencode({"q": t}) for t in terms[::5]] + filtered[::3],
        "api.suggest": [urlencode({"q": t}) for t in terms[::5]],
        "guide.home": ["", "notice=unreadable"],
    }


def urls_at(
    app: Flask, h: int, values: dict[str, list[str]], queries: dict[str, list[str]]
) -> Iterator[tuple[str, str, str]]:
    """(endpoint, method, url) for every rule and every combination of argument values."""
    from itertools import product

    with app.test_request_context():
        from flask import url_for

        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
            methods = sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
            names = sorted(rule.arguments - {"h"})
            missing = [n for n in names if n not in values]
            if missing:
                raise AssertionError(
                    f"route {rule.rule} has arguments {missing} that tests/invariance.py "
                    "cannot fill: add a provider to argument_values()"
                )
            for combo in product(*(values[n] for n in names)):
                args = dict(zip(names, combo, strict=True))
                if "h" in rule.arguments:
                    args["h"] = str(h)
                url = url_for(rule.endpoint, **args)
                for method in methods:
                    for query in queries.get(rule.endpoint, [""]) if method == "GET" else [""]:
                        yield rule.endpoint, method, f"{url}?{query}" if query else url


def progress_forms(app: Flask, values: dict[str, list[str]]) -> list[dict[str, str]]:
    """What the header's picker and the "I have watched" buttons post besides the
    horizon: `next` naming every guide page (every argument value, known or not, so the
    landing page or its parent at the posted horizon is checked for each) and `forward`
    on every other one. The posted horizon is the run's h, so the answer is "at h"."""
    forms = []
    for endpoint, method, url in urls_at(app, 0, values, {}):
        if method == "GET" and endpoint.startswith("guide.") and "/at/0/" in url:
            forms.append({"next": url, **({"forward": "1"} if len(forms) % 2 else {})})
    forms.append({"next": f"{forms[0]['next']}search?q=a#main", "forward": "1"})
    return forms


# Story tables without a stamp: every fact in them is known at h = 0, so pruning never
# touches them. tests/test_pruning.py fails for any other story table without a stamp
# (but for link tables, whose rows go with either end).
PREMISE_LEVEL: dict[type[Base], str] = {
    Show: "the show's title, network and premise are what a viewer who has seen nothing reads",
    Season: "a season's number and first position frame the episode codes (S1E7), which are "
    "premise-level; nothing in a season row tells what happens in it",
}


def stamped_columns() -> list[Column]:
    """Every stamped column in the schema, the tables that others reference first."""
    return [column for table in Base.metadata.sorted_tables for column in stamp_columns(table)]


def prune_after(app: Flask, h: int) -> None:
    """Take the database back to what a viewer at h has seen, by the stamps alone.

    Stamped columns declare themselves (ballard/db.py), and this names no table: a plain
    stamp after h deletes its row, and ON DELETE CASCADE removes the rows that hang off
    it (statuses, bios, plot point and character links); a stamp that reveals columns
    keeps its row and blanks them, and itself when it may be NULL (an unwatched episode
    keeps its code, an open question its text).
    """
    with app.app_context():
        s = get_session()
        columns = stamped_columns()
        # Deletions first, parents first, so that the cascade does its share of the work.
        for column in columns:
            if REVEALS_INFO not in column.info:
                s.execute(column.table.delete().where(column > h))
        for column in columns:
            if REVEALS_INFO in column.info:
                blank = dict.fromkeys(column.info[REVEALS_INFO])
                if column.nullable:
                    blank[column.name] = None
                s.execute(column.table.update().where(column > h).values(blank))
        bump_version(s)  # a content change, so no page cached from the full data survives
        s.commit()
