"""The read-only JSON API: the viewer pages as JSON, under /api/v1/.

Same rules as the HTML pages (ballard/views/guide.py): the horizon is in the path, every
story fact comes through the horizon gate (ballard/horizon/) as frozen dataclasses, and
this module only turns those into the answer shapes of ballard/views/api_shapes.py (which
the OpenAPI document, ballard/views/openapi.py, is generated from). There is no share guard and
no opt-in to upcoming titles: the API reads no cookies, so an answer is a pure function of
its URL and the content version. Episodes after h are `{"position", "code", "watched": false}` and nothing
else.

URL arguments have the same names as the HTML routes' (show, h, episode, character,
storyline, question), so the future-invariance test covers these routes as it finds them.
Errors are `{"error": {"code", "message"}}` (ballard/errors.py); the document is served
at /api/v1/openapi.json.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal, cast

from flask import Blueprint, Response, current_app, g, jsonify, request, url_for
from pydantic import BaseModel

from ballard import horizon, page_cache
from ballard.db import get_session
from ballard.errors import json_error
from ballard.views import links, page_gate
from ballard.views.api_shapes import (
    Bio,
    Character,
    CharacterDetail,
    CharacterList,
    CharacterRef,
    CharacterSummary,
    Connection,
    ConnectionList,
    EpisodeList,
    EpisodePoints,
    EpisodeRef,
    Home,
    Links,
    News,
    NextSeason,
    PlotPoint,
    Question,
    QuestionAnswer,
    QuestionBoard,
    Recap,
    RecapSection,
    SearchCount,
    SearchHit,
    SearchKind,
    SearchResults,
    Show,
    ShowBrief,
    ShowList,
    SliderStop,
    Status,
    StatusChange,
    Story,
    Storyline,
    StorylineDetail,
    StorylineList,
    StorylineRef,
    StorylineStory,
    StorylineSummary,
    Suggestions,
    Tie,
    Timeline,
    TimelineRow,
    UnwatchedEpisode,
    WatchedEpisode,
)
from ballard.views.guide import (
    CONDENSED_LEVELS,
    MAX_QUERY_LENGTH,
    query_too_long,
    search_options,
)

bp = Blueprint("api", __name__, url_prefix="/api/v1")

# Query parameters each endpoint reads; anything else is a 400, so a typo such as
# `?query=` is reported instead of silently searching for nothing.
QUERY_PARAMETERS = {"api.search": {"q", "kind", "page"}, "api.suggest": {"q"}}


@bp.before_request
def reject_unknown_parameters():
    allowed = QUERY_PARAMETERS.get(request.endpoint or "", set())
    unknown = sorted(set(request.args) - allowed)
    if unknown:
        accepted = ", ".join(sorted(allowed)) or "none"
        return json_error(
            400, "bad_request", f"Unknown query parameter {unknown[0]!r}. Accepted here: {accepted}."
        )
    repeated = sorted(name for name in allowed if len(request.args.getlist(name)) > 1)
    if repeated:
        return json_error(400, "bad_request", f"Give the query parameter {repeated[0]!r} once.")
    return None


@bp.after_request
def cache_headers(response):
    """Answers depend on the URL alone (no cookies): any cache may keep them, and must
    revalidate with the ETag (a hash of the exact bytes), since content can be edited."""
    if request.method in ("GET", "HEAD") and response.status_code == 200:
        response.headers["Cache-Control"] = "public, no-cache"
        response.add_etag()
        page_cache.store(response, cookie_free=True)
        response.make_conditional(request)
    return response


def _answer(shape: BaseModel) -> Response:
    # jsonify sorts keys, so the bytes do not depend on the order fields are declared in.
    return jsonify(shape.model_dump(mode="json"))


def _gate(show: str, h: str) -> horizon.Gate:
    # Never the upcoming-titles opt-in: the API has no cookies, so no opt-in.
    return horizon.open_gate(get_session(), show, h, show_upcoming_titles=False)


# Opened once per request into g.gate, after the query parameters are checked above
# (views/page_gate.py).
page_gate.open_once_per_request(bp, _gate)


def _url(gate: horizon.Gate, endpoint: str, **values: str) -> str:
    return links.gate_url(gate, endpoint, **values)  # url_for's answer, built faster


# --- the gate's dataclasses as answer shapes ---------------------------------------------------


def show_shape(show: horizon.ShowInfo) -> Show:
    """A show's h = 0 facts."""
    return Show(
        slug=show.slug,
        title=show.title,
        network=show.network,
        premise=show.premise,
        episode_count=show.episode_count,
        url=url_for("api.show", show=show.slug),
        start=url_for("api.home", show=show.slug, h=0),
    )


def _at(gate: horizon.Gate) -> dict[str, Any]:
    """The fields every answer at a horizon starts with (api_shapes.At)."""
    return {
        "show": ShowBrief(slug=gate.show.slug, title=gate.show.title, episode_count=gate.show.episode_count),
        "h": gate.h,
    }


def watched_episode(gate: horizon.Gate, card: horizon.EpisodeCard) -> WatchedEpisode:
    # `watched` is the card's own flag, so an unwatched card here fails loudly (the shape
    # accepts only True) instead of being labelled watched.
    return WatchedEpisode(
        # (a bool where the shape wants Literal[True]: the runtime check is the point)
        position=card.position,
        code=card.code,
        slug=card.slug,
        watched=card.watched,  # type: ignore[arg-type]
        title=card.title,
        display_title=card.display_title,
        release_date=card.release_date,
        runtime_minutes=card.runtime_minutes,
        writer=card.writer,
        director=card.director,
        summary=card.summary,
        before_next=card.before_next,
        url=_url(gate, "api.recap", episode=card.slug),
    )


def episode_shape(gate: horizon.Gate, card: horizon.EpisodeCard) -> WatchedEpisode | UnwatchedEpisode:
    """A watched episode in full; an unwatched one as its position and code only."""
    if not card.watched:
        return UnwatchedEpisode(position=card.position, code=card.code, watched=False)
    return watched_episode(gate, card)


def episode_ref(card: horizon.EpisodeCard) -> EpisodeRef:
    return EpisodeRef(position=card.position, code=card.code)


def since(card: horizon.EpisodeCard | None) -> EpisodeRef | None:
    """The episode a stamped row dates from; None for a row known from the premise."""
    return None if card is None else episode_ref(card)


def character_ref(gate: horizon.Gate, ref: horizon.CharacterRef) -> CharacterRef:
    return CharacterRef(slug=ref.slug, name=ref.name, url=_url(gate, "api.character", character=ref.slug))


def storyline_ref(gate: horizon.Gate, ref: horizon.StorylineRef) -> StorylineRef:
    return StorylineRef(slug=ref.slug, title=ref.title, url=_url(gate, "api.storyline", storyline=ref.slug))


StatusKind = Literal["character", "storyline"]


def status_shape(view: horizon.StatusView) -> Status:
    return Status(status=view.status, note=view.note, episode=since(view.episode))


def current_status(view: horizon.StatusView | None) -> Status | None:
    return None if view is None else status_shape(view)


def point_shape(gate: horizon.Gate, point: horizon.PlotPointView) -> PlotPoint:
    return PlotPoint(
        text=point.text,
        level=point.level,
        twist=point.is_twist,
        characters=[character_ref(gate, c) for c in point.characters],
    )


def points_by_episode(gate: horizon.Gate, groups) -> list[EpisodePoints]:
    return [
        EpisodePoints(episode=episode_ref(card), points=[point_shape(gate, p) for p in points])
        for card, points in groups
    ]


def question_shape(gate: horizon.Gate, q: horizon.QuestionView) -> Question:
    return Question(
        slug=q.slug,
        text=q.text,
        raised=since(q.raised),
        answer=q.answer,
        answered=since(q.answered),
        url=_url(gate, "api.question", question=q.slug),
    )


def news_shape(gate: horizon.Gate, news: horizon.EpisodeNews) -> News:
    return News(
        characters_introduced=[character_ref(gate, c) for c in news.characters_introduced],
        status_changes=[
            StatusChange(
                kind=cast(StatusKind, change.url_kind),
                slug=change.slug,
                name=change.subject,
                change=status_shape(change.change),
                url=_url(gate, f"api.{change.url_kind}", **{change.url_kind: change.slug}),
            )
            for change in news.status_changes
        ],
        questions_raised=[question_shape(gate, q) for q in news.questions_raised],
        questions_answered=[question_shape(gate, q) for q in news.questions_answered],
        ties_revealed=[tie_shape(gate, t) for t in news.ties_revealed],
        ties_ended=[tie_shape(gate, t) for t in news.ties_ended],
    )


def tie_shape(gate: horizon.Gate, tie: horizon.TieView) -> Tie:
    return Tie(
        who=character_ref(gate, tie.who),
        kind=tie.kind,
        words=tie.words,
        whom=character_ref(gate, tie.whom),
        note=tie.note,
        since=episode_ref(tie.since),
        ended=since(tie.ended),
    )


def connection_shape(gate: horizon.Gate, c: horizon.ConnectionView) -> Connection:
    return Connection(
        other=character_ref(gate, c.other),
        kind=c.kind,
        words=c.words,
        note=c.note,
        since=episode_ref(c.since),
        ended=since(c.ended),
    )


def _storyline_fields(gate: horizon.Gate, s: horizon.StorylineView) -> dict[str, Any]:
    """The fields of StorylineSummary, which the longer storyline shapes extend."""
    return {
        "slug": s.slug,
        "title": s.title,
        "summary": s.summary,
        "status": current_status(s.status),
        "url": _url(gate, "api.storyline", storyline=s.slug),
    }


def _character_fields(gate: horizon.Gate, c: horizon.CharacterSummary) -> dict[str, Any]:
    """The fields of CharacterSummary, which CharacterDetail extends."""
    return {
        "slug": c.slug,
        "name": c.name,
        "role": c.role,
        "actor": c.actor,
        "status": current_status(c.status),
        "aliases": list(c.aliases),
        "url": _url(gate, "api.character", character=c.slug),
    }


def hit_shape(gate: horizon.Gate, hit: horizon.SearchHit) -> SearchHit:
    """A search hit links to the API resource and to the HTML page it came from."""
    args = dict(hit.args)
    api_endpoint = "api." + hit.endpoint.removeprefix("guide.")
    return SearchHit(
        kind=cast(SearchKind, hit.kind),
        title=hit.title,
        snippet=hit.snippet,
        snippet_html=str(hit.snippet_html),
        url=_url(gate, api_endpoint, **args),
        page=_url(gate, hit.endpoint, **args) + (f"#{hit.fragment}" if hit.fragment else ""),
    )


# --- endpoints (named as in guide.py) ------------------------------------------------------


@bp.get("/openapi.json")
def openapi():
    from ballard.views.openapi import document_json

    return current_app.response_class(document_json(), mimetype="application/json")


@bp.get("/shows")
def index():
    return _answer(ShowList(shows=[show_shape(s) for s in horizon.list_shows(get_session())]))


@bp.get("/shows/<slug:show>")
def show(show: str):
    return _answer(show_shape(horizon.find_show(get_session(), show)))


@bp.get("/shows/<slug:show>/at/<h>")
def home():
    gate = g.gate
    current = gate.current_episode()
    return _answer(
        Home(
            **_at(gate),
            premise=gate.show.premise,
            current_episode=watched_episode(gate, current) if current else None,
            news=news_shape(gate, gate.episode_news(current.position)) if current else None,
            horizons=[SliderStop(h=stop.value, label=stop.label) for stop in gate.slider_stops()],
            links=Links(**{name: _url(gate, f"api.{name}") for name in Links.model_fields}),
        )
    )


@bp.get("/shows/<slug:show>/at/<h>/episodes")
def episodes():
    gate = g.gate
    return _answer(EpisodeList(**_at(gate), episodes=[episode_shape(gate, e) for e in gate.episodes()]))


@bp.get("/shows/<slug:show>/at/<h>/episodes/<episode_code:episode>")
def recap(episode: str):
    gate = g.gate
    recap = gate.recap(episode)
    following = recap.next if recap.next and recap.next.watched else None
    return _answer(
        Recap(
            **_at(gate),
            episode=watched_episode(gate, recap.episode),
            storylines=[
                RecapSection(
                    storyline=storyline_ref(gate, section.storyline),
                    points=[point_shape(gate, p) for p in section.points],
                )
                for section in recap.sections
            ],
            news=news_shape(gate, gate.episode_news(recap.episode.position)),
            previous=watched_episode(gate, recap.previous) if recap.previous else None,
            next=watched_episode(gate, following) if following else None,
        )
    )


def _story(
    gate: horizon.Gate, view: Literal["condensed", "full"], storylines: Iterable[horizon.StorylineView]
) -> Story:
    return Story(
        **_at(gate),
        view=view,
        storylines=[
            StorylineStory(**_storyline_fields(gate, s), episodes=points_by_episode(gate, s.points))
            for s in storylines
        ],
    )


@bp.get("/shows/<slug:show>/at/<h>/story")
def story():
    gate = g.gate
    return _answer(_story(gate, "condensed", gate.storylines(CONDENSED_LEVELS)))


@bp.get("/shows/<slug:show>/at/<h>/story/full")
def story_full():
    gate = g.gate
    return _answer(_story(gate, "full", gate.storylines()))


@bp.get("/shows/<slug:show>/at/<h>/storylines")
def storylines():
    gate = g.gate
    return _answer(
        StorylineList(
            **_at(gate),
            storylines=[StorylineSummary(**_storyline_fields(gate, s)) for s in gate.storylines()],
        )
    )


@bp.get("/shows/<slug:show>/at/<h>/storylines/<slug:storyline>")
def storyline(storyline: str):
    gate = g.gate
    view = gate.storyline(storyline)
    return _answer(
        Storyline(
            **_at(gate),
            storyline=StorylineDetail(
                **_storyline_fields(gate, view),
                history=[status_shape(row) for row in view.history],
                episodes=points_by_episode(gate, view.points),
            ),
        )
    )


@bp.get("/shows/<slug:show>/at/<h>/characters")
def characters():
    gate = g.gate
    return _answer(
        CharacterList(
            **_at(gate),
            characters=[CharacterSummary(**_character_fields(gate, c)) for c in gate.characters()],
        )
    )


@bp.get("/shows/<slug:show>/at/<h>/characters/<slug:character>")
def character(character: str):
    gate = g.gate
    detail = gate.character(character)
    return _answer(
        Character(
            **_at(gate),
            character=CharacterDetail(
                **_character_fields(gate, detail.summary),
                introduced=since(detail.introduced),
                bios=[Bio(text=b.text, episode=since(b.episode)) for b in detail.bios],
                history=[status_shape(row) for row in detail.history],
                appearances=[episode_ref(card) for card in detail.appearances],
                connections=[connection_shape(gate, c) for c in detail.connections],
            ),
        )
    )


@bp.get("/shows/<slug:show>/at/<h>/connections")
def connections():
    gate = g.gate
    found = gate.connections()
    return _answer(
        ConnectionList(
            **_at(gate),
            characters=[character_ref(gate, c) for c in found.characters],
            ties=[tie_shape(gate, t) for t in found.ties],
        )
    )


@bp.get("/shows/<slug:show>/at/<h>/questions")
def questions():
    gate = g.gate
    board = gate.questions()
    return _answer(
        QuestionBoard(
            **_at(gate),
            open=[question_shape(gate, q) for q in board.open],
            answered=[question_shape(gate, q) for q in board.answered],
        )
    )


@bp.get("/shows/<slug:show>/at/<h>/questions/<slug:question>")
def question(question: str):
    gate = g.gate
    return _answer(QuestionAnswer(**_at(gate), question=question_shape(gate, gate.question(question))))


@bp.get("/shows/<slug:show>/at/<h>/next-season")
def next_season():
    """Before the first finale: `finished: false` and nothing else (no count, no list)."""
    gate = g.gate
    found = gate.next_season_questions()
    return _answer(
        NextSeason(
            **_at(gate),
            finished=found is not None,
            season=None if found is None else found[0].number,
            questions=None if found is None else [question_shape(gate, q) for q in found[1]],
        )
    )


@bp.get("/shows/<slug:show>/at/<h>/next-season/<season>")
def season_left_open(season: str):
    """Before that season's finale: `finished: false` and nothing else."""
    gate = g.gate
    span = gate.season_span(horizon.parse_season(season))
    found = gate.left_open_after(span.number)
    return _answer(
        NextSeason(
            **_at(gate),
            finished=found is not None,
            season=span.number,
            questions=None if found is None else [question_shape(gate, q) for q in found],
        )
    )


@bp.get("/shows/<slug:show>/at/<h>/timeline")
def timeline():
    gate = g.gate
    return _answer(
        Timeline(
            **_at(gate),
            episodes=[episode_ref(card) for card in gate.episodes()[: gate.h]],
            storylines=[
                TimelineRow(storyline=storyline_ref(gate, row.storyline), counts=list(row.counts))
                for row in gate.timeline()
            ],
        )
    )


@bp.get("/shows/<slug:show>/at/<h>/search")
def search():
    gate = g.gate
    raw = request.args.get("q", "")
    if query_too_long(raw):
        return json_error(400, "bad_request", f"Searches are limited to {MAX_QUERY_LENGTH} characters.")
    options = search_options(request.args)
    if isinstance(options, str):
        return json_error(400, "bad_request", options)
    kind, number = options
    query = raw.strip()
    # The raw text: a last word with no space after it is still being typed (a prefix).
    results = (
        gate.search(raw, kind, number)
        if query
        else horizon.SearchResults(query, (), (), kind=kind, page=number)
    )
    return _answer(
        SearchResults(
            **_at(gate),
            query=query,
            hits=[hit_shape(gate, hit) for hit in results.hits],
            suggestions=list(results.suggestions),
            total=results.total,
            counts=[SearchCount(kind=cast(SearchKind, k), hits=n) for k, n in results.counts],
            kind=cast(SearchKind | None, results.kind),
            page=results.page,
            pages=results.pages,
        )
    )


@bp.get("/shows/<slug:show>/at/<h>/suggest")
def suggest():
    gate = g.gate
    raw = request.args.get("q", "")
    if query_too_long(raw):
        return json_error(400, "bad_request", f"Searches are limited to {MAX_QUERY_LENGTH} characters.")
    return _answer(
        Suggestions(**_at(gate), query=raw, suggestions=list(gate.suggest(raw)) if raw.strip() else [])
    )
