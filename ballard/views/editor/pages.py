"""The editor's pages: the show's overview, then one edit page per entity, created,
edited and deleted through the shared controller."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from ballard.db import get_session
from ballard.editor.catalogue import Catalogue, EpisodeSlot
from ballard.editor.changes import ChangeBlocked, add_season, lint_show, version_token
from ballard.editor.entities import (
    ChangeRefused,
    move_within_episode,
    next_episode_code,
    suggest_point_key,
)
from ballard.editor.forms import DeleteForm, EntityForm
from ballard.models import EntityKind, PlotPoint, Season, Show, SluggedRow
from ballard.story.fields import parse_episode_code
from ballard.story.kinds import KINDS, SLUGGED_LISTS, StoryKind
from ballard.views.editor import bp
from ballard.views.editor.controller import EditPage, change, delete, edit, problem_page
from ballard.views.editor.history import revisions
from ballard.views.editor.lookups import (
    episode_points,
    exists_or_404,
    on_get,
    ref_choices,
    show_contents,
    show_or_404,
    slot_or_404,
    slugs,
)
from ballard.views.editor.previews import Preview, at, episode_previews, point_previews

RESERVED_SLUGS = frozenset({"new"})  # /editor/<show>/characters/new is the create form


# --- the show -------------------------------------------------------------------------------


@bp.get("/")
def index():
    shows = get_session().scalars(select(Show).order_by(Show.title)).all()
    return render_template("editor/index.html", shows=shows)


@bp.get("/<slug:show>/")
def overview(show: str):
    row = show_or_404(show)
    session = get_session()
    catalogue = Catalogue(session, row)
    try:
        findings, lint_error = lint_show(session, row), None
    except ChangeBlocked as blocked:
        findings, lint_error = [], "; ".join(p.message for p in blocked.problems)
    return render_template(
        "editor/show.html",
        show=row,
        catalogue=catalogue,
        **show_contents(row),
        recent=revisions(row, limit=10),
        findings=[str(f) for f in findings],
        lint_error=lint_error,
        can_add_episode=next_episode_code(session, row) is not None,
        seasons=season_numbers(row),
        previews=[
            Preview(f"At {at(h)}", url_for("guide.home", show=row.slug, h=h))
            for h in range(catalogue.last_position + 1)
        ],
    )


# --- episodes ---------------------------------------------------------------------------------


def season_numbers(row: Show) -> list[int]:
    return list(
        get_session().scalars(select(Season.number).where(Season.show_id == row.id).order_by(Season.number))
    )


def _episode_form(catalogue: Catalogue, code: str, **kwargs) -> EntityForm:
    _season, number = parse_episode_code(code) or (0, 0)  # the code comes from the show's list
    return KINDS[EntityKind.EPISODE].form(catalogue, fixed={"number": number}, **kwargs)


@bp.route("/<slug:show>/seasons/new", methods=["GET", "POST"])
def new_season(show: str):
    """One button: open the next season, after the show's last episode."""
    row = show_or_404(show)
    form = DeleteForm(prefix="season")
    back = url_for("editor.overview", show=row.slug)
    if request.method == "POST":
        if not form.validate_on_submit():
            return problem_page(
                row,
                400,
                "No season added",
                form.version_token.errors or ["The form expired; open it again."],
                back,
            )
        try:
            season = add_season(get_session(), row)
        except ChangeRefused as refused:
            return problem_page(row, 409, "No season added", [str(refused)], back)
        flash(f"Season {season.number} added; now add its episodes.", "success")
        return redirect(url_for("editor.new_season_episode", show=row.slug, season=season.number), code=303)
    form.version_token.data = "new"
    return render_template("editor/new_season.html", show=row, form=form)


@bp.route("/<slug:show>/seasons/<season>/episodes/new", methods=["GET", "POST"])
def new_season_episode(show: str, season: str):
    row = show_or_404(show)
    if not (season.isascii() and season.isdigit()) or int(season) not in season_numbers(row):
        abort(404)
    try:
        code = next_episode_code(get_session(), row, int(season))
    except ChangeRefused as refused:
        return problem_page(
            row, 409, "No episode added", [str(refused)], url_for("editor.overview", show=row.slug)
        )
    if code is None:
        abort(404)
    return _new_episode(row, code)


@bp.route("/<slug:show>/episodes/new", methods=["GET", "POST"])
def new_episode(show: str):
    row = show_or_404(show)
    code = next_episode_code(get_session(), row)
    if code is None:
        abort(404)
    return _new_episode(row, code)


def _new_episode(row: Show, code: str):
    session = get_session()
    return edit(
        EditPage(
            row,
            EntityKind.EPISODE.value,
            code,
            _episode_form(Catalogue(session, row), code),
            lambda: url_for("editor.episode", show=row.slug, episode=code),
            {"heading": f"New episode {code.upper()}", "points": [], "previews": []},
            creating=True,
        )
    )


@bp.route("/<slug:show>/episodes/<episode_code:episode>", methods=["GET", "POST"])
def episode(show: str, episode: str):
    row = show_or_404(show)
    session = get_session()
    catalogue = Catalogue(session, row)
    slot = slot_or_404(catalogue, episode)
    kind = KINDS[EntityKind.EPISODE]
    current = kind.snapshot(session, row, slot.code)
    form = _episode_form(catalogue, slot.code, data=on_get(kind.form.initial(current or {})))
    return edit(
        EditPage(
            row,
            EntityKind.EPISODE.value,
            slot.code,
            form,
            lambda: url_for("editor.episode", show=row.slug, episode=slot.code),
            {
                "heading": slot.label,
                "slot": slot,
                "points": _with_move_forms(row, slot),
                "previews": episode_previews(row, slot),
            },
        )
    )


def _with_move_forms(row: Show, slot: EpisodeSlot) -> list[tuple[PlotPoint, DeleteForm]]:
    """Each point of the episode with the token form its up and down buttons post."""
    session, kind = get_session(), KINDS[EntityKind.PLOT_POINT]
    return [
        (
            p,
            DeleteForm(
                prefix="delete",
                formdata=None,
                version_token=version_token(p.slug, kind.snapshot(session, row, p.slug)),
            ),
        )
        for p in episode_points(row, slot)
    ]


@bp.post("/<slug:show>/episodes/<episode_code:episode>/delete")
def delete_episode(show: str, episode: str):
    row = show_or_404(show)
    slot = slot_or_404(Catalogue(get_session(), row), episode)
    return delete(
        row,
        EntityKind.EPISODE.value,
        slot.code,
        url_for("editor.overview", show=row.slug),
        url_for("editor.episode", show=row.slug, episode=slot.code),
    )


# --- plot points ------------------------------------------------------------------------------
# A plot point is named by its key wherever it is told; its episode and slot are its place.


def _point_form(catalogue: Catalogue, row: Show, slot: EpisodeSlot, **kwargs) -> EntityForm:
    return KINDS[EntityKind.PLOT_POINT].form(
        catalogue, choices=ref_choices(row), floors={"revealed_in": slot.position}, **kwargs
    )


def _point_or_404(row: Show, key: str) -> tuple[dict, EpisodeSlot, Catalogue]:
    session = get_session()
    current = KINDS[EntityKind.PLOT_POINT].snapshot(session, row, key)
    if current is None:
        abort(404)
    catalogue = Catalogue(session, row)
    return current, slot_or_404(catalogue, current["episode"]), catalogue


@bp.route("/<slug:show>/episodes/<episode_code:episode>/plot-points/new", methods=["GET", "POST"])
def new_plot_point(show: str, episode: str):
    row = show_or_404(show)
    catalogue = Catalogue(get_session(), row)
    slot = slot_or_404(catalogue, episode)
    form = _point_form(
        catalogue,
        row,
        slot,
        creating=True,
        taken=slugs(PlotPoint, row),
        data=on_get(
            {
                "revealed_in": slot.position,
                "level": "minor",
                "confidence": "sure",
                "slug": suggest_point_key(get_session(), row, slot.code),
            }
        ),
    )
    key = form.slug.data if request.method == "POST" and form.slug.data else ""
    return edit(
        EditPage(
            row,
            EntityKind.PLOT_POINT.value,
            key,
            form,
            lambda: url_for("editor.episode", show=row.slug, episode=slot.code),
            {"heading": f"New plot point in {slot.label}", "slot": slot, "previews": []},
            creating=True,
            token_key="new",
            place={"episode": slot.code},
        )
    )


@bp.route("/<slug:show>/plot-points/<slug:point>", methods=["GET", "POST"])
def plot_point(show: str, point: str):
    row = show_or_404(show)
    current, slot, catalogue = _point_or_404(row, point)
    form = _point_form(
        catalogue,
        row,
        slot,
        fixed={"slug": point},
        data=on_get(KINDS[EntityKind.PLOT_POINT].form.initial(current)),
    )
    return edit(
        EditPage(
            row,
            EntityKind.PLOT_POINT.value,
            point,
            form,
            lambda: url_for("editor.plot_point", show=row.slug, point=point),
            {
                "heading": f"Plot point {point} in {slot.label}",
                "slot": slot,
                "point": point,
                "episodes": catalogue.slots,
                "previews": point_previews(row, slot, current["revealed_in"]),
            },
        )
    )


@bp.post("/<slug:show>/plot-points/<slug:point>/move")
def move_plot_point(show: str, point: str):
    """Move a point up or down in its episode (`step`), or to another episode (`episode`):
    an explicit edit, with its revision, checked like any other."""
    row = show_or_404(show)
    current, slot, catalogue = _point_or_404(row, point)
    back = url_for("editor.plot_point", show=row.slug, point=point)
    target = request.form.get("episode")
    if target:
        to = slot_or_404(catalogue, target)
        data: dict[str, Any] | None = {
            **{k: v for k, v in current.items() if k != "sort_order"},
            "episode": to.code,
            "revealed_in": max(current["revealed_in"], to.position),
        }
        done = url_for("editor.episode", show=row.slug, episode=to.code)
    else:
        step = {"up": -1, "down": 1}.get(request.form.get("step", ""))
        data = move_within_episode(get_session(), row, point, step) if step else None
        done = url_for("editor.episode", show=row.slug, episode=slot.code)
        if data is None:
            return redirect(done, code=303)
    return change(row, EntityKind.PLOT_POINT.value, point, data, done, back, "Plot point moved.")


@bp.post("/<slug:show>/plot-points/<slug:point>/delete")
def delete_plot_point(show: str, point: str):
    row = show_or_404(show)
    _current, slot, _catalogue = _point_or_404(row, point)
    return delete(
        row,
        EntityKind.PLOT_POINT.value,
        point,
        url_for("editor.episode", show=row.slug, episode=slot.code),
        url_for("editor.plot_point", show=row.slug, point=point),
    )


# --- storylines, characters, questions (slugged) ---------------------------------------------


def _model(kind: StoryKind) -> type[SluggedRow]:
    assert issubclass(kind.model, SluggedRow), f"{kind.name} is not a slugged kind"
    return kind.model


def _new_slugged(kind: StoryKind, show: str):
    row = show_or_404(show)
    form = kind.form(
        Catalogue(get_session(), row),
        creating=True,
        taken=slugs(_model(kind), row) | RESERVED_SLUGS,
        choices=ref_choices(row),
    )
    slug = form.slug.data if request.method == "POST" and form.slug.data else ""
    return edit(
        EditPage(
            row,
            kind.name,
            slug,
            form,
            lambda: url_for(kind.endpoint, show=row.slug, **kind.url_args(slug)),
            {"heading": f"New {kind.label}", "previews": []},
            creating=True,
            token_key="new",
        )
    )


def _edit_slugged(kind: StoryKind, show: str, slug: str):
    row = show_or_404(show)
    session = get_session()
    current = kind.snapshot(session, row, slug)
    if current is None:
        abort(404)
    form = kind.form(
        Catalogue(session, row),
        fixed={"slug": slug},
        data=on_get(kind.form.initial(current)),
        choices=ref_choices(row),
    )
    return edit(
        EditPage(
            row,
            kind.name,
            slug,
            form,
            lambda: url_for(kind.endpoint, show=row.slug, **kind.url_args(slug)),
            # A kind with no title or name (a question, a tie): its kind and slug, then.
            {
                "heading": current.get("title") or current.get("name") or f"{kind.label.capitalize()} {slug}",
                "delete_url": url_for(f"editor.delete_{kind.name}", show=row.slug, **kind.url_args(slug)),
                "previews": kind.previews(row, current) if kind.previews else [],
            },
        )
    )


def _delete_slugged(kind: StoryKind, show: str, slug: str):
    row = show_or_404(show)
    exists_or_404(row, kind.name, slug)
    return delete(
        row,
        kind.name,
        slug,
        url_for("editor.overview", show=row.slug),
        url_for(kind.endpoint, show=row.slug, **kind.url_args(slug)),
    )


def add_slugged_routes(kind: StoryKind) -> None:
    """A slugged kind's three pages, added in a loop over the kinds below (Flask's
    register_api pattern): /<show>/<list_name>/new, /<show>/<list_name>/<slug> and its
    /delete, at the endpoints new_<kind>, <kind> and delete_<kind>."""
    name, arg = kind.name, kind.arg
    assert arg is not None, name
    base = f"/<slug:show>/{kind.list_name}"

    def new(show: str):
        return _new_slugged(kind, show)

    def edit(show: str, **key: str):
        return _edit_slugged(kind, show, key[arg])

    def remove(show: str, **key: str):
        return _delete_slugged(kind, show, key[arg])

    bp.add_url_rule(f"{base}/new", f"new_{name}", new, methods=["GET", "POST"])
    bp.add_url_rule(f"{base}/<slug:{arg}>", name, edit, methods=["GET", "POST"])
    bp.add_url_rule(f"{base}/<slug:{arg}>/delete", f"delete_{name}", remove, methods=["POST"])


for _kind in SLUGGED_LISTS.values():
    add_slugged_routes(_kind)
