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

WORDS = ["harbor", "detective", "ledger", "witness", "alibi", "motive", "orchard", "warrant", "archive", "night", "bridge", "signal", "verdict", "shadow", "cipher", "station", "river", "ashes"]


def _text(*parts: int) -> str:
    return " ".join(WORDS[(p * 7 + i) % len(WORDS)] for i, p in enumerate(parts * 4)) + "."


def generated_show(n: int, episodes: int = 10, points_per_episode: int = 60) -> PackIn:
    storylines = [
        StorylineIn(slug=f"case-{s}", title=f"Case {s}", introduced_in=1 + s % 3,
                    summary=_text(n, s),
                    statuses=[StorylineStatusIn(revealed_in=1 + s % 3, status="open")])
        for s in range(8)
    ]
    characters = [
        CharacterIn(slug=f"person-{c}", name=f"Person {n}-{c}", introduced_in=1 + c % episodes,
                    role=_text(c), statuses=[CharacterStatusIn(revealed_in=1 + c % episodes,
                                                               status="active")])
        for c in range(25)
    ]
    eps = []
    for e in range(1, episodes + 1):
        points = []
        for p in range(points_per_episode):
            story = storylines[p % len(storylines)]
            cast = [ch.slug for ch in characters if ch.introduced_in <= e][:2]
            points.append(PlotPointIn(
                storyline=story.slug if story.introduced_in <= e else "case-0",
                level=("minor", "major", "twist")[p % 3], characters=cast,
                text=_text(n, e, p)))
        eps.append(EpisodeIn(number=e, title=f"Chapter {e}", release_date=dt.date(2025, 1, e),
                             plot_points=points))
    questions = [QuestionIn(slug=f"q-{q}", text=f"Question {q}?", raised_in=1 + q % episodes)
                 for q in range(25)]
    return PackIn(format=1, show=ShowIn(slug=f"show-{n}", title=f"Show {n}", premise=_text(n)),
                  season=SeasonIn(number=1, first_position=1), storylines=storylines,
                  characters=characters, episodes=eps, questions=questions)
