"""Machinery for the future-invariance property (DESIGN.md §2).

For every route and every horizon h, the response rendered from the full database must
equal, byte for byte, the response rendered from a database whose rows stamped after h
are deleted. Routes come from the app's URL map; each URL argument is filled in from the
database by its name, so a new route is covered without editing the tests (and a new
argument name fails loudly until it gets a provider here).

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
from sqlalchemy import select, update

from ballard.content.pack import bump_version
from ballard.db import get_session
from ballard.models import (
    Character,
    CharacterAlias,
    CharacterBio,
    CharacterStatus,
    Episode,
    PlotPoint,
    Question,
    Season,
    Show,
    Storyline,
    StorylineStatus,
    plot_point_characters,
)

INVARIANCE_CONFIG = {"WTF_CSRF_ENABLED": False}
UNKNOWN = "zz-unknown-slug"
_COOKIE_EXPIRES = re.compile(r"Expires=[^;]+; ")


@dataclass(frozen=True)
class Snapshot:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


def snapshot(client, url: str, method: str = "GET", data: dict | None = None,
             cookie: str | None = None) -> Snapshot:
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
            "question": [*s.scalars(select(Question.slug)), UNKNOWN],
            "filename": ["guide.css", "guide.js"],
        }


def search_terms(app: Flask) -> list[str]:
    """Words a reader might type: every name, alias, title, and each storyline's words."""
    with app.app_context():
        s = get_session()
        terms = {*s.scalars(select(Character.name)), *s.scalars(select(CharacterAlias.alias)),
                 *s.scalars(select(Storyline.title)), *s.scalars(select(Episode.title))}
        for names in s.scalars(select(Character.short_names)):
            terms.update(names)
    return sorted(t for t in terms if t) + ["", "nonsenseword"]


# Query strings tried per endpoint; every other route is requested without one.
def query_variants(app: Flask) -> dict[str, list[str]]:
    return {
        "guide.search": [urlencode({"q": t}) for t in search_terms(app)],
        "guide.home": ["", "notice=unreadable"],
    }


def urls_at(app: Flask, h: int, values: dict[str, list[str]],
            queries: dict[str, list[str]]) -> Iterator[tuple[str, str, str]]:
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


def prune_after(app: Flask, h: int) -> None:
    """Delete every row stamped after h (and blank an unwatched episode's stamped fields).

    An episode's existence and code ("S1E7") are premise-level facts; its title, date and
    credits are stamped at its own position.
    """
    with app.app_context():
        s = get_session()
        late_points = select(PlotPoint.id).where(PlotPoint.revealed_in > h)
        late_characters = select(Character.id).where(Character.introduced_in > h)
        s.execute(plot_point_characters.delete().where(
            plot_point_characters.c.plot_point_id.in_(late_points)
            | plot_point_characters.c.character_id.in_(late_characters)))
        s.execute(PlotPoint.__table__.delete().where(PlotPoint.revealed_in > h))
        for model in (StorylineStatus, CharacterBio, CharacterStatus, CharacterAlias):
            s.execute(model.__table__.delete().where(model.revealed_in > h))
        for model in (CharacterBio, CharacterStatus, CharacterAlias):
            s.execute(model.__table__.delete().where(model.character_id.in_(late_characters)))
        s.execute(Character.__table__.delete().where(Character.introduced_in > h))
        late_storylines = select(Storyline.id).where(Storyline.introduced_in > h)
        s.execute(StorylineStatus.__table__.delete().where(
            StorylineStatus.storyline_id.in_(late_storylines)))
        s.execute(Storyline.__table__.delete().where(Storyline.introduced_in > h))
        s.execute(Question.__table__.delete().where(Question.raised_in > h))
        s.execute(update(Question).where(Question.answered_in > h)
                  .values(answered_in=None, answer=None))
        s.execute(update(Episode).where(Episode.position > h).values(
            title=None, release_date=None, runtime_minutes=None, writer=None, director=None))
        bump_version(s)  # a content change, so no page cached from the full data survives
        s.commit()
