"""Viewer pages. Every story fact comes through the horizon gate; see ballard/horizon/.

URL arguments are named after what they point at (episode, character, storyline,
question), so tests can find every route and fill it in from the URL map alone.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, g, redirect, render_template, request, url_for

from ballard import horizon, page_cache
from ballard.db import get_session
from ballard.forms import ProgressForm, UpcomingTitlesForm
from ballard.models import SpoilerLevel
from ballard.progress import (
    REACHES,
    guard_state,
    read_progress,
    save_progress,
    save_upcoming_titles,
    wants_upcoming_titles,
)
from ballard.views import links, page_gate, palette
from ballard.views.auth import is_editor
from ballard.views.network import FAMILIES, ego_layout, family_of, layout
from ballard.views.progress_target import same_page_at

bp = Blueprint("guide", __name__)

MAX_QUERY_LENGTH = 200
_PAGE = re.compile(r"[1-9][0-9]{0,3}")  # as the OpenAPI document says
CONDENSED_LEVELS = (SpoilerLevel.MAJOR.value, SpoilerLevel.TWIST.value)
NOTICES = {
    "unreadable": (
        "We could not read your saved progress, so nothing past the premise is shown. "
        "Set how far you have watched below."
    ),
}


# Links in templates: gate_url(gate, endpoint, ...), episode_link, character_links.
bp.add_app_template_global(links.gate_url)
bp.add_app_template_global(links.episode_link)
bp.add_app_template_global(links.character_links)
bp.add_app_template_global(links.plot_points_html)
bp.add_app_template_global(palette.storyline_class)
bp.add_app_template_global(palette.avatar_class)
bp.add_app_template_global(palette.initials)
bp.add_app_template_global(family_of)
bp.add_app_template_global(tuple(FAMILIES), "families")  # type: ignore[arg-type]  # a value


class ShareGuard(Exception):
    """The URL's horizon is ahead of the reader's saved one: ask before showing anything."""

    def __init__(self, gate: horizon.Gate, saved_h: int | None):
        super().__init__(gate.h)
        self.gate = gate
        self.saved_h = saved_h


def _gate(show: str, h: str) -> horizon.Gate:
    """The page's gate, or the share guard when the page is ahead of the reader."""
    gate = horizon.open_gate(get_session(), show, h, wants_upcoming_titles(request))
    saved = read_progress(request, gate.show.slug, gate.show.episode_count)
    state = guard_state(gate.h, saved.h)
    page_cache.note_reader_state(state, gate.show_upcoming_titles)
    if state != REACHES:
        # Signed-in editors previewing the site skip the guard; what they see then is
        # not for readers with the same cookies, so it must not enter the page cache.
        if not is_editor():
            raise ShareGuard(gate, saved.h)
        page_cache.never_cache_this_response()
    return gate


# The gate of a page at a horizon, opened once per request into g.gate (views/page_gate.py).
page_gate.open_once_per_request(bp, _gate)


@bp.app_template_global()
def link_preview(gate: horizon.Gate | None) -> dict[str, str]:
    """Title and description for <meta>, OpenGraph and Twitter cards: from the URL's
    horizon alone, never from the reader's cookie, and safe for someone at h = 0."""
    if gate is None:
        return {
            "title": "Ballard Guide",
            "description": "Spoiler-safe episode guides that stop where you stopped.",
        }
    reach = f"episodes 1 to {gate.h}" if gate.h else "the premise only"
    return {
        "title": f"{gate.show.title} guide",
        "description": f"A spoiler-safe guide to {gate.show.title}: recaps, characters "
        f"and open questions, covering {reach}.",
    }


@bp.errorhandler(ShareGuard)
def share_guard(guard: ShareGuard):
    gate = guard.gate
    query = request.query_string.decode()
    suffix = f"?{query}" if query else ""
    if guard.saved_h:
        assert request.endpoint is not None  # a guard comes from a matched guide route
        at_mine = url_for(request.endpoint, **{**(request.view_args or {}), "h": guard.saved_h}) + suffix
    else:
        # A newcomer starts from the premise; the same page at h = 0 may not exist yet.
        at_mine = url_for("guide.home", show=gate.show.slug, h=0)
    form = ProgressForm(gate.show.episode_count, horizon=gate.h, next=request.path + suffix)
    return render_template(
        "guide/guard.html",
        gate=gate,
        saved_h=guard.saved_h,
        at_mine=at_mine,
        form=form,
    )


@bp.after_request
def cache_headers(response):
    """Pages depend on the URL and, through the guard, on the progress cookie: caches
    must key on both, and revalidate with the ETag (a hash of the exact bytes)."""
    if response.status_code in (200, 301, 302, 303, 304, 307, 308):
        response.vary.add("Cookie")
        response.headers["Cache-Control"] = "private, no-cache"
    if request.method in ("GET", "HEAD") and response.status_code == 200:
        response.add_etag()  # HEAD too: the headers GET would send (RFC 9110, 9.3.2)
        page_cache.store(response)  # a GET only
        response.make_conditional(request)
    return response


def _page(template: str, gate: horizon.Gate, **context):
    return render_template(template, gate=gate, **context)


@bp.get("/")
def index():
    return render_template("guide/index.html", shows=horizon.list_shows(get_session()))


@bp.get("/<slug:show>/")
def show_home(show: str):
    """Send the reader to their saved horizon, or to h = 0 when there is none."""
    info = horizon.find_show(get_session(), show)
    saved = read_progress(request, info.slug, info.episode_count)
    params: dict[str, Any] = {"notice": "unreadable"} if saved.unreadable else {}
    return redirect(url_for("guide.home", show=info.slug, h=saved.h or 0, **params))


@bp.get("/<slug:show>/at/<h>/")
def home():
    gate = g.gate
    current = gate.current_episode()
    return _page(
        "guide/home.html",
        gate,
        form=ProgressForm(gate.show.episode_count, horizon=gate.h),
        preferences=UpcomingTitlesForm(enabled=gate.show_upcoming_titles),
        notice=NOTICES.get(request.args.get("notice", "")),
        current=current,
        news=gate.episode_news(current.position) if current else None,
        stops=gate.slider_stops(),
    )


@bp.get("/<slug:show>/at/<h>/episodes")
def episodes():
    gate = g.gate
    return _page("guide/episodes.html", gate, seasons=gate.seasons())


@bp.get("/<slug:show>/at/<h>/episodes/<episode_code:episode>")
def recap(episode: str):
    gate = g.gate
    recap = gate.recap(episode)
    return _page("guide/recap.html", gate, recap=recap, news=gate.episode_news(recap.episode.position))


@bp.get("/<slug:show>/at/<h>/story")
def story():
    gate = g.gate
    return _page("guide/story.html", gate, storylines=gate.storylines(CONDENSED_LEVELS), full=False)


@bp.get("/<slug:show>/at/<h>/story/full")
def story_full():
    gate = g.gate
    return _page("guide/story.html", gate, storylines=gate.storylines(), full=True)


@bp.get("/<slug:show>/at/<h>/storylines/<slug:storyline>")
def storyline(storyline: str):
    gate = g.gate
    return _page("guide/storyline.html", gate, storyline=gate.storyline(storyline))


@bp.get("/<slug:show>/at/<h>/characters")
def characters():
    gate = g.gate
    return _page("guide/characters.html", gate, characters=gate.characters())


@bp.get("/<slug:show>/at/<h>/characters/<slug:character>")
def character(character: str):
    gate = g.gate
    found = gate.character(character)
    picture = ego_layout(found.summary.slug, found.summary.name, found.connections)
    return _page("guide/character.html", gate, character=found, picture=picture)


@bp.get("/<slug:show>/at/<h>/questions")
def questions():
    gate = g.gate
    return _page("guide/questions.html", gate, board=gate.questions())


@bp.get("/<slug:show>/at/<h>/questions/<slug:question>")
def question(question: str):
    gate = g.gate
    return _page("guide/question.html", gate, question=gate.question(question))


@bp.get("/<slug:show>/at/<h>/next-season")
def next_season():
    """The list for the latest season finished by h."""
    season = g.gate.latest_finished_season()
    return _season_page(season, g.gate.season_finale(season.number) if season else None)


@bp.get("/<slug:show>/at/<h>/next-season/<season>")
def season_left_open(season: str):
    """What season `season` left open, once h reaches its finale ("finish the season
    first" before that, and nothing else). A season the show lacks is the one 404."""
    span = g.gate.season_span(horizon.parse_season(season))
    return _season_page(span, g.gate.season_finale(span.number))


def _season_page(season, finale):
    """The page of what a season left open (its finale, once h reaches it)."""
    return _page(
        "guide/next_season.html",
        g.gate,
        season=season,
        finale=finale,
        questions=list(finale.questions) if finale else None,
        seasons=g.gate.seasons(),
    )


@bp.get("/<slug:show>/at/<h>/timeline")
def timeline():
    gate = g.gate
    return _page("guide/timeline.html", gate, rows=gate.timeline(), episodes=gate.episodes()[: gate.h])


@bp.get("/<slug:show>/at/<h>/connections")
def connections():
    gate = g.gate
    found = gate.connections()
    return _page("guide/connections.html", gate, connections=found, network=layout(found))


@bp.get("/<slug:show>/at/<h>/previously")
def previously():
    gate = g.gate
    return _page("guide/previously.html", gate, recap=gate.previously())


def search_options(args) -> tuple[str | None, int] | str:
    """The search's kind filter and page from a query string, or what is wrong with them."""
    kind = args.get("kind")  # absent: every kind; empty is no kind, so a 400
    if kind is not None and kind not in horizon.SEARCH_KINDS:
        return "Unknown kind: choose one of " + ", ".join(horizon.SEARCH_KINDS) + "."
    raw = args.get("page", "1")
    if not _PAGE.fullmatch(raw):
        return "The page is a whole number from 1 to 9999."
    return kind, int(raw)


def query_too_long(raw: str) -> bool:
    """One rule for the search page, the API's search and its suggestions: the query as
    sent, spaces included (it is what the search reads: a trailing space ends a word)."""
    return len(raw) > MAX_QUERY_LENGTH


@bp.get("/<slug:show>/at/<h>/search")
def search():
    gate = g.gate
    raw = request.args.get("q", "")
    query = raw.strip()
    options = search_options(request.args)
    if query_too_long(raw) or isinstance(options, str):
        error = (
            options if isinstance(options, str) else f"Searches are limited to {MAX_QUERY_LENGTH} characters."
        )
        return _page(
            "guide/search.html", gate, results=None, query=query[:MAX_QUERY_LENGTH], error=error
        ), 400
    kind, number = options
    # The raw text: a last word with no space after it is still being typed (a prefix).
    results = gate.search(raw, kind, number) if query else None
    return _page("guide/search.html", gate, results=results, query=query, error=None)


@bp.post("/<slug:show>/progress")
def set_progress(show: str):
    """The slider's form: validate, save the cookie, redirect (POST/redirect/GET)."""
    info = horizon.find_show(get_session(), show)
    form = ProgressForm(info.episode_count)
    if not form.validate_on_submit():
        saved = read_progress(request, info.slug, info.episode_count)
        gate = horizon.Gate(get_session(), info, saved.h or 0)
        return _page("guide/progress_error.html", gate, form=form, stops=gate.slider_stops()), 400
    h = form.horizon.data
    # The same page at the new horizon (or its nearest parent there), else home.
    target = same_page_at(horizon.Gate(get_session(), info, h), form.safe_next(info.slug))
    response = redirect(target or url_for("guide.home", show=info.slug, h=h), code=303)
    furthest = read_progress(request, info.slug, info.episode_count).h or 0
    save_progress(response, info.slug, max(h, furthest) if form.forward.data else h)
    return response


@bp.post("/<slug:show>/preferences")
def set_preferences(show: str):
    """Save the "show upcoming episode titles" opt-in and go back to the reader's home."""
    info = horizon.find_show(get_session(), show)
    form = UpcomingTitlesForm()  # CSRFProtect has already checked the token
    saved = read_progress(request, info.slug, info.episode_count)
    response = redirect(url_for("guide.home", show=info.slug, h=saved.h or 0), code=303)
    save_upcoming_titles(response, bool(form.enabled.data))
    return response
