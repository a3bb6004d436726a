"""A generated catalogue for scale runs: many shows shaped like a real season."""

from __future__ import annotations

import datetime as dt

from ballard.content.schema import (
    CharacterIn,
    CharacterStatusIn,
    EpisodeIn,
    PackIn,
    PlotPointIn,
    QuestionIn,
    SeasonIn,
    ShowIn,
    StorylineIn,
    StorylineStatusIn,
)

WORDS = [
    "harbor",
    "detective",
    "ledger",
    "witness",
    "alibi",
    "motive",
    "orchard",
    "warrant",
    "archive",
    "night",
    "bridge",
    "signal",
    "verdict",
    "shadow",
    "cipher",
    "station",
    "river",
    "ashes",
]


def _text(*parts: int) -> str:
    return " ".join(WORDS[(p * 7 + i) % len(WORDS)] for i, p in enumerate(parts * 4)) + "."


def generated_show(n: int, episodes: int = 10, points_per_episode: int = 60) -> PackIn:
    storylines = [
        StorylineIn(
            slug=f"case-{s}",
            title=f"Case {s}",
            introduced_in=1 + s % 3,
            summary=_text(n, s),
            statuses=[StorylineStatusIn(revealed_in=1 + s % 3, status="open")],
        )
        for s in range(8)
    ]
    characters = [
        CharacterIn(
            slug=f"person-{c}",
            name=f"Person {n}-{c}",
            introduced_in=1 + c % episodes,
            role=_text(c),
            statuses=[CharacterStatusIn(revealed_in=1 + c % episodes, status="active")],
        )
        for c in range(25)
    ]
    eps = []
    for e in range(1, episodes + 1):
        points = []
        for p in range(points_per_episode):
            story = storylines[p % len(storylines)]
            cast = [ch.slug for ch in characters if ch.introduced_in <= e][:2]
            points.append(
                PlotPointIn(
                    slug=f"e{e}-p{p}",
                    storyline=story.slug if story.introduced_in <= e else "case-0",
                    level=("minor", "major", "twist")[p % 3],
                    characters=cast,
                    text=_text(n, e, p),
                )
            )
        eps.append(
            EpisodeIn(number=e, title=f"Chapter {e}", release_date=dt.date(2025, 1, e), plot_points=points)
        )
    questions = [
        QuestionIn(slug=f"q-{q}", text=f"Question {q}?", raised_in=1 + q % episodes) for q in range(25)
    ]
    return PackIn(
        format=1,
        show=ShowIn(slug=f"show-{n}", title=f"Show {n}", premise=_text(n)),
        season=SeasonIn(number=1, first_position=1),
        storylines=storylines,
        characters=characters,
        episodes=eps,
        questions=questions,
    )


def insert_catalogue(session, shows: int, start: int = 0) -> None:
    """Insert generated shows with bulk Core inserts (the ORM loader is far slower at
    this size). Rows are equivalent to what load_show would write for generated_show(n)."""
    from sqlalchemy import insert, select

    from ballard.content.search_index import rebuild_show
    from ballard.models import (
        Character,
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

    for n in range(start, start + shows):
        pack = generated_show(n)
        show_id = session.execute(
            insert(Show)
            .values(slug=pack.show.slug, title=pack.show.title, premise=pack.show.premise, network=None)
            .returning(Show.id)
        ).scalar_one()
        season_id = session.execute(
            insert(Season).values(show_id=show_id, number=1, first_position=1).returning(Season.id)
        ).scalar_one()
        session.execute(
            insert(Episode),
            [
                {
                    "show_id": show_id,
                    "season_id": season_id,
                    "position": e.number,
                    "number": e.number,
                    "title": e.title,
                    "release_date": e.release_date,
                    "runtime_minutes": None,
                    "writer": None,
                    "director": None,
                }
                for e in pack.episodes
            ],
        )
        session.execute(
            insert(Storyline),
            [
                {
                    "show_id": show_id,
                    "slug": s.slug,
                    "title": s.title,
                    "summary": s.summary,
                    "introduced_in": s.introduced_in,
                    "sort_order": i,
                }
                for i, s in enumerate(pack.storylines)
            ],
        )
        storyline_ids = dict(
            session.execute(select(Storyline.slug, Storyline.id).where(Storyline.show_id == show_id)).all()
        )
        session.execute(
            insert(StorylineStatus),
            [
                {
                    "storyline_id": storyline_ids[s.slug],
                    "revealed_in": st.revealed_in,
                    "status": st.status.value,
                    "note": None,
                }
                for s in pack.storylines
                for st in s.statuses
            ],
        )
        session.execute(
            insert(Character),
            [
                {
                    "show_id": show_id,
                    "slug": c.slug,
                    "name": c.name,
                    "short_names": [],
                    "introduced_in": c.introduced_in,
                    "role": c.role,
                    "actor": None,
                    "sort_order": i,
                }
                for i, c in enumerate(pack.characters)
            ],
        )
        character_ids = dict(
            session.execute(select(Character.slug, Character.id).where(Character.show_id == show_id)).all()
        )
        session.execute(
            insert(CharacterStatus),
            [
                {
                    "character_id": character_ids[c.slug],
                    "revealed_in": s.revealed_in,
                    "status": s.status,
                    "note": None,
                }
                for c in pack.characters
                for s in c.statuses
            ],
        )
        session.execute(
            insert(PlotPoint),
            [
                {
                    "show_id": show_id,
                    "slug": p.slug,
                    "episode_position": e.number,
                    "revealed_in": e.number,
                    "storyline_id": storyline_ids[p.storyline],
                    "spoiler_level": p.level.value,
                    "sort_order": i,
                    "text": p.text,
                    "confidence": "sure",
                    "sources": [],
                }
                for e in pack.episodes
                for i, p in enumerate(e.plot_points)
            ],
        )
        point_ids = {
            (position, order): pid
            for pid, position, order in session.execute(
                select(PlotPoint.id, PlotPoint.episode_position, PlotPoint.sort_order).where(
                    PlotPoint.show_id == show_id
                )
            )
        }
        session.execute(
            insert(plot_point_characters),
            [
                {"plot_point_id": point_ids[e.number, i], "character_id": character_ids[slug]}
                for e in pack.episodes
                for i, p in enumerate(e.plot_points)
                for slug in p.characters
            ],
        )
        session.execute(
            insert(Question),
            [
                {
                    "show_id": show_id,
                    "slug": q.slug,
                    "text": q.text,
                    "raised_in": q.raised_in,
                    "answered_in": None,
                    "answer": None,
                    "confidence": "sure",
                    "sources": [],
                    "sort_order": i,
                }
                for i, q in enumerate(pack.questions)
            ],
        )
        rebuild_show(session, show_id)  # as load_show does
    session.commit()
