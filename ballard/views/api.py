"""The read-only JSON API: the viewer pages as JSON, under /api/v1/.

Same rules as the HTML pages (ballard/views/guide.py): the horizon is in the path, every
story fact comes through the horizon gate (ballard/horizon.py) as frozen dataclasses, and
this module only turns those into JSON. There is no share guard and no opt-in to upcoming
titles: the API reads no cookies, so an answer is a pure function of its URL and the
content version. Episodes after h are `{"position", "code", "watched": false}` and nothing
else.

URL arguments have the same names as the HTML routes' (show, h, episode, character,
storyline, question), so the future-invariance test covers these routes as it finds them.
Errors are `{"error": {"code", "message"}}` (ballard/errors.py); the document describing
all of this is ballard/openapi.py, served at /api/v1/openapi.json.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, request, url_for

from ballard import horizon, page_cache
from ballard.db import get_session
from ballard.errors import json_error
from ballard.views.guide import CONDENSED_LEVELS, MAX_QUERY_LENGTH

bp = Blueprint("api", __name__, url_prefix="/api/v1")

# Query parameters each endpoint reads; anything else is a 400, so a typo such as
# `?query=` is reported instead of silently searching for nothing.
QUERY_PARAMETERS = {"api.search": {"q"}}

Json = dict[str, Any]


@bp.before_request
def reject_unknown_parameters():
    allowed = QUERY_PARAMETERS.get(request.endpoint or "", set())
    unknown = sorted(set(request.args) - allowed)
    if unknown:
        accepted = ", ".join(sorted(allowed)) or "none"
        return json_error(400, "bad_request",
                          f"Unknown query parameter {unknown[0]!r}. Accepted here: {accepted}.")
    repeated = sorted(name for name in allowed if len(request.args.getlist(name)) > 1)
    if repeated:
        return json_error(400, "bad_request", f"Give the query parameter {repeated[0]!r} once.")
    return page_cache.lookup(cookie_free=True)


@bp.after_request
def cache_headers(response):
    """Answers depend on the URL alone (no cookies): any cache may keep them, and must
    revalidate with the ETag (a hash of the exact bytes), since content can be edited."""
    if request.method in ("GET", "HEAD") and response.status_code == 200:
        response.headers["Cache-Control"] = "public, no-cache"
        response.add_etag()
        page_cache.store(response)
        response.make_conditional(request)
    return response


def _gate(show: str, h: str) -> horizon.Gate:
    # Never the upcoming-titles opt-in: the API has no cookies, so no opt-in.
    return horizon.open_gate(get_session(), show, h, show_upcoming_titles=False)


def _url(gate: horizon.Gate, endpoint: str, **values: str) -> str:
    return url_for(endpoint, show=gate.show.slug, h=gate.h, **values)


# --- the gate's dataclasses as JSON ---------------------------------------------------------


def show_json(show: horizon.ShowInfo) -> Json:
    """A show's h = 0 facts."""
    return {
        "slug": show.slug,
        "title": show.title,
        "network": show.network,
        "premise": show.premise,
        "episode_count": show.episode_count,
        "url": url_for("api.show", show=show.slug),
        "start": url_for("api.home", show=show.slug, h=0),
    }


def _envelope(gate: horizon.Gate, **data: Any) -> Json:
    return {"show": {"slug": gate.show.slug, "title": gate.show.title,
                     "episode_count": gate.show.episode_count},
            "h": gate.h, **data}


def episode_json(gate: horizon.Gate, card: horizon.EpisodeCard) -> Json:
    """A watched episode in full; an unwatched one as its position and code only."""
    if not card.watched:
        return {"position": card.position, "code": card.code, "watched": False}
    return {
        "position": card.position,
        "code": card.code,
        "slug": card.slug,
        "watched": True,
        "title": card.title,
        "display_title": card.display_title,
        "release_date": card.release_date.isoformat() if card.release_date else None,
        "runtime_minutes": card.runtime_minutes,
        "writer": card.writer,
        "director": card.director,
        "url": _url(gate, "api.recap", episode=card.slug),
    }


def episode_ref(card: horizon.EpisodeCard | None) -> Json | None:
    """The episode a stamped row dates from; None for a row known from the premise."""
    if card is None:
        return None
    return {"position": card.position, "code": card.code}


def character_ref(gate: horizon.Gate, ref: horizon.CharacterRef) -> Json:
    return {"slug": ref.slug, "name": ref.name,
            "url": _url(gate, "api.character", character=ref.slug)}


def storyline_ref(gate: horizon.Gate, ref: horizon.StorylineRef) -> Json:
    return {"slug": ref.slug, "title": ref.title,
            "url": _url(gate, "api.storyline", storyline=ref.slug)}


def status_json(view: horizon.StatusView | None) -> Json | None:
    if view is None:
        return None
    return {"status": view.status, "note": view.note, "episode": episode_ref(view.episode)}


def point_json(gate: horizon.Gate, point: horizon.PlotPointView) -> Json:
    return {"text": point.text, "level": point.level, "twist": point.is_twist,
            "characters": [character_ref(gate, c) for c in point.characters]}


def points_by_episode(gate: horizon.Gate, groups) -> list[Json]:
    return [{"episode": episode_ref(card), "points": [point_json(gate, p) for p in points]}
            for card, points in groups]


def question_json(gate: horizon.Gate, q: horizon.QuestionView) -> Json:
    return {
        "slug": q.slug,
        "text": q.text,
        "raised": episode_ref(q.raised),
        "answer": q.answer,
        "answered": episode_ref(q.answered),
        "url": _url(gate, "api.question", question=q.slug),
    }


def news_json(gate: horizon.Gate, news: horizon.EpisodeNews) -> Json:
    return {
        "characters_introduced": [character_ref(gate, c) for c in news.characters_introduced],
        "status_changes": [
            {"kind": change.url_kind, "slug": change.slug, "name": change.subject,
             "change": status_json(change.change),
             "url": _url(gate, f"api.{change.url_kind}", **{change.url_kind: change.slug})}
            for change in news.status_changes
        ],
        "questions_raised": [question_json(gate, q) for q in news.questions_raised],
        "questions_answered": [question_json(gate, q) for q in news.questions_answered],
    }


def storyline_json(gate: horizon.Gate, s: horizon.StorylineView, *, points: bool,
                   history: bool = False) -> Json:
    data = {"slug": s.slug, "title": s.title, "summary": s.summary,
            "status": status_json(s.status),
            "url": _url(gate, "api.storyline", storyline=s.slug)}
    if history:
        data["history"] = [status_json(row) for row in s.history]
    if points:
        data["episodes"] = points_by_episode(gate, s.points)
    return data


def character_json(gate: horizon.Gate, c: horizon.CharacterSummary) -> Json:
    return {"slug": c.slug, "name": c.name, "role": c.role, "actor": c.actor,
            "status": status_json(c.status), "aliases": list(c.aliases),
            "url": _url(gate, "api.character", character=c.slug)}


def hit_json(hit: horizon.SearchHit) -> Json:
    """A search hit links to the API resource and to the HTML page it came from."""
    args = dict(hit.args)
    api_endpoint = "api." + hit.endpoint.removeprefix("guide.")
    return {"kind": hit.kind, "title": hit.title, "snippet": hit.snippet,
            "url": url_for(api_endpoint, **args), "page": url_for(hit.endpoint, **args)}


# --- endpoints (named as in guide.py) ------------------------------------------------------


@bp.get("/openapi.json")
def openapi():
    from ballard.openapi import document_json

    return current_app.response_class(document_json(), mimetype="application/json")


@bp.get("/shows")
def index():
    return jsonify({"shows": [show_json(s) for s in horizon.list_shows(get_session())]})


@bp.get("/shows/<slug:show>")
def show(show: str):
    return jsonify(show_json(horizon.find_show(get_session(), show)))


@bp.get("/shows/<slug:show>/at/<h>")
def home(show: str, h: str):
    gate = _gate(show, h)
    current = gate.current_episode()
    return jsonify(_envelope(
        gate,
        premise=gate.show.premise,
        current_episode=episode_json(gate, current) if current else None,
        news=news_json(gate, gate.episode_news(current.position)) if current else None,
        horizons=[{"h": stop.value, "label": stop.label} for stop in gate.slider_stops()],
        links={name: _url(gate, f"api.{name}") for name in
               ("episodes", "story", "story_full", "storylines", "characters", "questions",
                "next_season", "timeline", "search")},
    ))


@bp.get("/shows/<slug:show>/at/<h>/episodes")
def episodes(show: str, h: str):
    gate = _gate(show, h)
    return jsonify(_envelope(gate, episodes=[episode_json(gate, e) for e in gate.episodes()]))


@bp.get("/shows/<slug:show>/at/<h>/episodes/<episode_code:episode>")
def recap(show: str, h: str, episode: str):
    gate = _gate(show, h)
    recap = gate.recap(episode)
    following = recap.next if recap.next and recap.next.watched else None
    return jsonify(_envelope(
        gate,
        episode=episode_json(gate, recap.episode),
        storylines=[{"storyline": storyline_ref(gate, section.storyline),
                     "points": [point_json(gate, p) for p in section.points]}
                    for section in recap.sections],
        news=news_json(gate, gate.episode_news(recap.episode.position)),
        previous=episode_json(gate, recap.previous) if recap.previous else None,
        next=episode_json(gate, following) if following else None,
    ))


@bp.get("/shows/<slug:show>/at/<h>/story")
def story(show: str, h: str):
    gate = _gate(show, h)
    return jsonify(_envelope(gate, view="condensed", storylines=[
        storyline_json(gate, s, points=True) for s in gate.storylines(CONDENSED_LEVELS)]))


@bp.get("/shows/<slug:show>/at/<h>/story/full")
def story_full(show: str, h: str):
    gate = _gate(show, h)
    return jsonify(_envelope(gate, view="full", storylines=[
        storyline_json(gate, s, points=True) for s in gate.storylines()]))


@bp.get("/shows/<slug:show>/at/<h>/storylines")
def storylines(show: str, h: str):
    gate = _gate(show, h)
    return jsonify(_envelope(gate, storylines=[
        storyline_json(gate, s, points=False) for s in gate.storylines()]))


@bp.get("/shows/<slug:show>/at/<h>/storylines/<slug:storyline>")
def storyline(show: str, h: str, storyline: str):
    gate = _gate(show, h)
    view = gate.storyline(storyline)
    return jsonify(_envelope(gate, storyline=storyline_json(gate, view, points=True,
                                                            history=True)))


@bp.get("/shows/<slug:show>/at/<h>/characters")
def characters(show: str, h: str):
    gate = _gate(show, h)
    return jsonify(_envelope(gate, characters=[character_json(gate, c)
                                               for c in gate.characters()]))


@bp.get("/shows/<slug:show>/at/<h>/characters/<slug:character>")
def character(show: str, h: str, character: str):
    gate = _gate(show, h)
    detail = gate.character(character)
    return jsonify(_envelope(gate, character={
        **character_json(gate, detail.summary),
        "introduced": episode_ref(detail.introduced),
        "bios": [{"text": b.text, "episode": episode_ref(b.episode)} for b in detail.bios],
        "history": [status_json(row) for row in detail.history],
        "appearances": [episode_ref(card) for card in detail.appearances],
    }))


@bp.get("/shows/<slug:show>/at/<h>/questions")
def questions(show: str, h: str):
    gate = _gate(show, h)
    board = gate.questions()
    return jsonify(_envelope(gate, open=[question_json(gate, q) for q in board.open],
                             answered=[question_json(gate, q) for q in board.answered]))


@bp.get("/shows/<slug:show>/at/<h>/questions/<slug:question>")
def question(show: str, h: str, question: str):
    gate = _gate(show, h)
    return jsonify(_envelope(gate, question=question_json(gate, gate.question(question))))


@bp.get("/shows/<slug:show>/at/<h>/next-season")
def next_season(show: str, h: str):
    """Before the finale horizon: `finished: false` and nothing else (no count, no list)."""
    gate = _gate(show, h)
    found = gate.next_season_questions()
    return jsonify(_envelope(
        gate, finished=found is not None,
        questions=None if found is None else [question_json(gate, q) for q in found],
    ))


@bp.get("/shows/<slug:show>/at/<h>/timeline")
def timeline(show: str, h: str):
    gate = _gate(show, h)
    return jsonify(_envelope(
        gate,
        episodes=[episode_ref(card) for card in gate.episodes()[: gate.h]],
        storylines=[{"storyline": storyline_ref(gate, row.storyline), "counts": list(row.counts)}
                    for row in gate.timeline()],
    ))


@bp.get("/shows/<slug:show>/at/<h>/search")
def search(show: str, h: str):
    gate = _gate(show, h)
    raw = request.args.get("q", "")
    if len(raw) > MAX_QUERY_LENGTH:
        return json_error(400, "bad_request",
                          f"Searches are limited to {MAX_QUERY_LENGTH} characters.")
    query = raw.strip()
    results = gate.search(query) if query else horizon.SearchResults(query, (), ())
    return jsonify(_envelope(gate, query=query, hits=[hit_json(hit) for hit in results.hits],
                             suggestions=list(results.suggestions)))
