"""The canary pack: the Ballard pack's shape with a unique token in every viewer-visible field.

Each token carries its row's stamp ("canary0042at07" is visible from h = 7), so a test can
assert that no response at h contains a token stamped after h.
"""

from __future__ import annotations

import re
from itertools import count
from pathlib import Path

from ballard.content.pack import assemble, pack_to_yaml, read_pack, split
from ballard.content.schema import ShowContent

TOKEN = re.compile(r"canary\d{4}at(\d{2})")


def write_canary(paths: list[Path], folder: Path) -> list[Path]:
    """The canary of a show's season files, written as season files into `folder`."""
    show = canary_pack(assemble([(str(p), read_pack(p)) for p in paths]))
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for file in split(show):
        path = folder / f"season-{file.season.number}.yaml"
        path.write_text(pack_to_yaml(file), encoding="utf-8")
        written.append(path)
    return written


def canary_pack(pack: ShowContent) -> ShowContent:
    numbers = count(1)

    def token(stamp: int) -> str:
        return f"canary{next(numbers):04d}at{stamp:02d}"

    late = count()

    def revealed(position: int, given: int | None) -> int | None:
        # Every third point is learned two episodes later (within its season), so the
        # canary also covers rows whose reveal comes after the episode that shows them.
        last = pack.season_of(position).last_position
        if given is None and position < last and next(late) % 3 == 0:
            return min(last, position + 2)
        return given

    characters = []
    slug_map: dict[str, str] = {}
    for c in pack.characters:
        slug = token(c.introduced_in)
        slug_map[c.slug] = slug
        characters.append(
            c.model_copy(
                update={
                    "slug": slug,
                    "name": token(c.introduced_in),
                    "short_names": [],
                    "role": token(c.introduced_in),
                    "actor": token(c.introduced_in) if c.actor else None,
                    "bios": [b.model_copy(update={"text": token(b.revealed_in)}) for b in c.bios],
                    "statuses": [
                        s.model_copy(
                            update={
                                "status": token(s.revealed_in),
                                "note": token(s.revealed_in) if s.note else None,
                            }
                        )
                        for s in c.statuses
                    ],
                    "aliases": [a.model_copy(update={"alias": token(a.revealed_in)}) for a in c.aliases],
                }
            )
        )
    storylines = []
    storyline_map: dict[str, str] = {}
    for s in pack.storylines:
        slug = token(s.introduced_in)
        storyline_map[s.slug] = slug
        storylines.append(
            s.model_copy(
                update={
                    "slug": slug,
                    "title": token(s.introduced_in),
                    "summary": token(s.introduced_in),
                    "statuses": [st.model_copy(update={"note": token(st.revealed_in)}) for st in s.statuses],
                }
            )
        )
    episodes: dict[int, list] = {}
    for season, e, position, _code in pack.episodes():
        episodes.setdefault(season.number, []).append(
            e.model_copy(
                update={
                    "title": token(position),
                    "writer": token(position),
                    "director": token(position),
                    "summary": token(position),
                    "before_next": token(position),
                    "release_date": e.release_date,
                    "runtime_minutes": 40 + position,
                    "plot_points": [
                        p.model_copy(
                            update={
                                "revealed_in": (stamp := revealed(position, p.revealed_in)),
                                "slug": token(stamp or position),
                                "text": token(stamp or position),
                                "storyline": storyline_map[p.storyline],
                                "characters": [slug_map[c] for c in p.characters],
                            }
                        )
                        for p in e.plot_points
                    ],
                }
            )
        )
    questions = [
        q.model_copy(
            update={
                "slug": token(q.raised_in),
                "text": token(q.raised_in),
                "answer": token(q.answered_in) if q.answered_in is not None else None,
                "former_slugs": [token(q.raised_in) for _ in q.former_slugs],
            }
        )
        for q in pack.questions
    ]
    relationships = [
        r.model_copy(
            update={
                "slug": token(r.revealed_in),
                "who": slug_map[r.who],
                "whom": slug_map[r.whom],
                "note": token(r.revealed_in) if r.note else None,
            }
        )
        for r in pack.relationships
    ]
    return pack.model_copy(
        update={
            "show": pack.show.model_copy(update={"title": "Canary", "slug": "canary", "premise": token(0)}),
            "storylines": storylines,
            "characters": characters,
            "questions": questions,
            "relationships": relationships,
            "seasons": [s.model_copy(update={"episodes": episodes.get(s.number, [])}) for s in pack.seasons],
        }
    )


def later_tokens(text: str, h: int) -> list[str]:
    return [m.group(0) for m in TOKEN.finditer(text) if int(m.group(1)) > h]
