"""Everything a viewer at h can read, as plain lines, for editors to review.

It walks the same gate the pages use, so it shows exactly what the site would show.
"""

from __future__ import annotations

from collections.abc import Iterator

from ballard.horizon import EpisodeCard, Gate


def _code(card: EpisodeCard | None) -> str:
    return card.code if card else "premise"


def audit_lines(gate: Gate) -> Iterator[str]:
    show = gate.show
    yield f"# {show.title} at h = {gate.h}"
    yield f"premise: {show.premise}"
    for stop in gate.slider_stops():
        yield f"slider {stop.value}: {stop.label}"
    for card in gate.episodes():
        credits = ", ".join(
            f"{label} {value}"
            for label, value in (
                ("written by", card.writer),
                ("directed by", card.director),
                ("released", card.release_date),
                ("runtime", card.runtime_minutes),
            )
            if value
        )
        yield f"episode {card.code}: {card.display_title}" + (f" ({credits})" if credits else "")
        if card.summary:
            yield f"  summary: {card.summary}"
        if card.before_next:
            yield f"  before the next episode: {card.before_next}"
    for s in gate.storylines():
        yield f"storyline {s.slug}: {s.title} | {s.summary}"
        for row in s.history:
            yield f"  status {_code(row.episode)}: {row.status}" + (f" | {row.note}" if row.note else "")
        for card, points in s.points:
            for p in points:
                names = ", ".join(c.name for c in p.characters)
                yield f"  {card.code} [{p.level}] {p.text}" + (f" (with {names})" if names else "")
    for c in gate.characters():
        detail = gate.character(c.slug)
        yield f"character {c.slug}: {c.name} | {c.role}" + (f" | played by {c.actor}" if c.actor else "")
        for alias in c.aliases:
            yield f"  alias: {alias}"
        for bio in detail.bios:
            yield f"  bio {_code(bio.episode)}: {bio.text}"
        for row in detail.history:
            yield f"  status {_code(row.episode)}: {row.status}" + (f" | {row.note}" if row.note else "")
    board = gate.questions()
    for q in (*board.open, *board.answered):
        yield f"question {q.slug} ({q.raised.code}): {q.text}"
        if q.answered:
            yield f"  answer {q.answered.code}: {q.answer}"
    upcoming = gate.next_season_questions()
    if upcoming is not None:
        yield f"after season {upcoming[0].number}: {len(upcoming[1])} open questions"
        finale = gate.season_finale(upcoming[0].number)
        for standing in finale.standings if finale else ():
            status = standing.status
            yield (
                f"  stands {standing.character.name}: "
                + (
                    f"{status.status} ({_code(status.episode)})"
                    + (f" | {status.note}" if status.note else "")
                    if status
                    else "no status"
                )
            )
        for point in finale.cliffhangers if finale else ():
            yield f"  cliffhanger: {point.text}"
