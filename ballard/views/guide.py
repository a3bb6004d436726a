"""Viewer pages. Every story fact comes through the horizon gate; see ballard/horizon.py."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for

from ballard import horizon
from ballard.db import get_session
from ballard.forms import ProgressForm
from ballard.progress import read_progress, save_progress

bp = Blueprint("guide", __name__)

NOTICES = {
    "unreadable": (
        "We could not read your saved progress, so nothing past the premise is shown. "
        "Set how far you have watched below."
    ),
}


def _gate(show: str, h: str) -> horizon.Gate:
    return horizon.open_gate(get_session(), show, h)


@bp.get("/")
def index():
    return render_template("guide/index.html", shows=horizon.list_shows(get_session()))


@bp.get("/<show>/")
def show_home(show: str):
    """Send the reader to their saved horizon, or to h = 0 when there is none."""
    info = horizon.find_show(get_session(), show)
    saved = read_progress(request, info.slug, info.episode_count)
    params = {"notice": "unreadable"} if saved.unreadable else {}
    return redirect(url_for("guide.home", show=info.slug, h=saved.h or 0, **params))


@bp.get("/<show>/at/<h>/")
def home(show: str, h: str):
    gate = _gate(show, h)
    notice = NOTICES.get(request.args.get("notice", ""))
    form = ProgressForm(gate.show.episode_count, horizon=gate.h)
    return render_template(
        "guide/home.html", gate=gate, form=form, notice=notice,
        current=gate.current_episode(), stops=gate.slider_stops(),
    )


@bp.get("/<show>/at/<h>/episodes/")
def episodes(show: str, h: str):
    gate = _gate(show, h)
    return render_template("guide/episodes.html", gate=gate, episodes=gate.episodes())


@bp.get("/<show>/at/<h>/episodes/<slug>")
def episode(show: str, h: str, slug: str):
    gate = _gate(show, h)
    return render_template("guide/episode.html", gate=gate, recap=gate.recap(slug))


@bp.post("/<show>/progress")
def set_progress(show: str):
    """The slider's form: validate, save the cookie, redirect (POST/redirect/GET)."""
    info = horizon.find_show(get_session(), show)
    form = ProgressForm(info.episode_count)
    if not form.validate_on_submit():
        saved = read_progress(request, info.slug, info.episode_count)
        gate = horizon.Gate(get_session(), info, saved.h or 0)
        return render_template(
            "guide/progress_error.html", gate=gate, form=form, stops=gate.slider_stops(),
        ), 400
    response = redirect(url_for("guide.home", show=info.slug, h=form.horizon.data), code=303)
    save_progress(response, info.slug, form.horizon.data)
    return response
