"""The editor: create, edit and delete episodes, storylines, characters, plot points and
questions; preview as a viewer; revision history and restore.

Not viewer-side: it reads story tables directly, and every route requires a signed-in
editor (`require_editor` runs before each one). Each change goes through
ballard.editor.changes.save_change, which lints the whole show before committing.
Forms follow POST/redirect/GET; a rejected form is re-rendered with the editor's input
and a message next to each field: 400 for invalid input or a spoiler the lint caught,
409 when someone else saved first or the change conflicts with other rows.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ballard.db import get_session
from ballard.editor.changes import (
    ChangeBlocked,
    Saved,
    StaleChange,
    lint_show,
    restore,
    save_change,
    version_token,
)
from ballard.editor.entities import (
    KINDS,
    Catalogue,
    ChangeRefused,
    EpisodeSlot,
    next_episode_code,
    next_point_key,
)
from ballard.editor.forms import (
    CharacterForm,
    DeleteForm,
    EntityForm,
    EpisodeForm,
    PlotPointForm,
    QuestionForm,
    RestoreForm,
    StorylineForm,
)
from ballard.models import (
    Character,
    EntityKind,
    PlotPoint,
    Question,
    Revision,
    Show,
    Storyline,
)
from ballard.views.auth import current_editor, login_redirect

bp = Blueprint("editor", __name__)

HISTORY_PAGE_SIZE = 50
RESERVED_SLUGS = frozenset({"new"})  # /editor/<show>/characters/new is the create form
_POINT = re.compile(r"0|[1-9][0-9]{0,5}")


@bp.before_request
def require_editor():
    if current_editor() is None:
        return login_redirect()
    return None


@bp.after_request
def never_cache(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.context_processor
def editor_context() -> dict[str, Any]:
    return {"editor": current_editor()}


# --- lookups ----------------------------------------------------------------------------------


def _key(value: str) -> str:
    """A slug or key from the URL, fit to compare in SQL: PostgreSQL refuses a NUL byte
    (an error, not "no row"), and no stored key can hold one."""
    if "\x00" in value:
        abort(404)
    return value


def _show(slug: str) -> Show:
    show = get_session().scalar(select(Show).where(Show.slug == _key(slug)))
    if show is None:
        abort(404)
    return show


def _episode(catalogue: Catalogue, code: str) -> EpisodeSlot:
    slot = catalogue.by_code(code)
    if slot is None:
        abort(404)
    return slot


def _point_key(slot: EpisodeSlot) -> str:
    """The plot point named by ?point=N within an episode, as its natural key."""
    number = request.args.get("point", "")
    if not _POINT.fullmatch(number):
        abort(404)
    return f"{slot.code}/{number}"


def _exists(show: Show, kind: str, key: str) -> None:
    if KINDS[kind].load(get_session(), show, key) is None:
        abort(404)


def _on_get(data: dict[str, Any]) -> dict[str, Any] | None:
    """Initial form data from the database on GET; a POST is read from the request alone."""
    return data if request.method == "GET" else None


def _slugs(model: type, show: Show) -> frozenset[str]:
    return frozenset(get_session().scalars(select(model.slug).where(model.show_id == show.id)))


# --- preview links ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Preview:
    label: str
    url: str


def _at(h: int) -> str:
    return f"E{h}" if h else "the premise (E0)"


def _previews(show: Show, links: list[tuple[int, str, str, dict[str, str]]]) -> list[Preview]:
    """(horizon, why, endpoint, args) -> links to the viewer pages, once per URL."""
    seen: set[str] = set()
    result = []
    for h, why, endpoint, args in sorted(links, key=lambda link: link[0]):
        if h < 0:
            continue
        url = url_for(endpoint, show=show.slug, h=h, **args)
        if url not in seen:
            seen.add(url)
            result.append(Preview(f"At {_at(h)}: {why}", url))
    return result


def _stamped_previews(show: Show, first: int, what: str, endpoint: str, args: dict[str, str],
                      list_endpoint: str, rows: list[tuple[int, str]]) -> list[Preview]:
    """The page from the entity's first stamp, the list just before it, and each row's stamp."""
    links = [(first, f"{what} appears", endpoint, args),
             (first - 1, "just before, not there yet", list_endpoint, {})]
    links += [(stamp, why, endpoint, args) for stamp, why in rows]
    return _previews(show, links)


# --- one edit page for every kind ------------------------------------------------------------


@dataclass
class EditPage:
    """What the shared edit handler needs to know about one entity's page."""

    show: Show
    kind: str
    key: str
    form: EntityForm
    template: str
    done: Callable[[], str]  # where to go after saving
    context: dict[str, Any]
    creating: bool = False
    # What the version token is computed on; a new slugged row has no key until posted.
    token_key: str | None = None

    @property
    def fingerprint_key(self) -> str:
        return self.key if self.token_key is None else self.token_key


def _edit(page: EditPage):
    """GET: the form. POST: validate, save (lint, revision), redirect; or re-render."""
    form, session = page.form, get_session()
    if request.method == "GET":
        current = KINDS[page.kind].snapshot(session, page.show, page.key)
        form.version_token.data = version_token(page.fingerprint_key, current)
        form.add_blank_rows()
        return _render_edit(page)
    if not form.validate_on_submit():
        return _render_edit(page), 400
    try:
        saved = save_change(session, page.show, current_editor(), page.kind, page.key,
                            form.to_data(), form.version_token.data, token_key=page.token_key)
    except StaleChange as stale:
        form.version_token.data = version_token(page.fingerprint_key, stale.current)
        return _render_edit(page, conflict=_conflict(page, stale)), 409
    except ChangeBlocked as blocked:
        return _render_edit(page, blocked=_attach(form, blocked)), 400
    except ChangeRefused as refused:
        form.form_errors.append(str(refused))
        return _render_edit(page), 409
    _flash_saved(saved, f"{KINDS[page.kind].label.capitalize()} saved.")
    return redirect(page.done(), code=303)


def _render_edit(page: EditPage, conflict: dict | None = None,
                 blocked: tuple[list[str], dict[str, list[str]]] | None = None):
    kind = KINDS[page.kind]
    history = None if page.creating else url_for(
        "editor.history", show=page.show.slug, kind=page.kind, key=page.key)
    general, row_problems = blocked or ([], {})
    return render_template(
        page.template, show=page.show, form=page.form, kind=kind, key=page.key,
        creating=page.creating, conflict=conflict, lint_blocked=blocked is not None,
        blocked=general, row_problems=row_problems,
        history_url=history,
        delete_form=DeleteForm(prefix="delete", version_token=page.form.version_token.data),
        **page.context,
    )


def _attach(form: EntityForm, blocked: ChangeBlocked) -> tuple[list[str], dict[str, list[str]]]:
    """Put each problem next to its field. Returns the problems that belong to no single
    field, and those about stamped rows (bios[1]) by list, shown above that list."""
    general: list[str] = []
    rows: dict[str, list[str]] = {}
    for problem in blocked.problems:
        field = form._fields.get(problem.field) if problem.field else None
        if field is None:
            general.append(problem.message)
        elif problem.field in form.ROW_LISTS:
            rows.setdefault(problem.field, []).append(problem.message)
        else:
            field.errors = [*field.errors, problem.message]
    return general, rows


def _conflict(page: EditPage, stale: StaleChange) -> dict[str, Any]:
    """Who saved in between, and their saved values next to the editor's input."""
    last = stale.last
    mine = page.form.to_data()
    theirs = stale.current or {}
    rows = [
        (name, _show_value(theirs.get(name)), _show_value(value))
        for name, value in mine.items()
        if stale.current is None or theirs.get(name) != value
    ]
    return {
        "who": last.user.email if last else None,
        "when": last.created_at if last else None,
        "what": "added" if page.creating else "deleted" if stale.current is None else "changed",
        "rows": [] if page.creating else rows,
    }


def _flash_saved(saved: Saved, message: str) -> None:
    if saved.revision is None:
        flash("Nothing changed, so nothing was saved.", "notice")
        return
    flash(f"{message} Revision {saved.revision.id}, content version "
          f"{saved.revision.content_version}.", "success")
    for warning in saved.warnings:
        flash(f"Lint {warning}", "warning")


def _delete(show: Show, kind: str, key: str, done: str, back: str):
    """POST: delete one entity (recorded as a revision, so it can be restored)."""
    form = DeleteForm(prefix="delete")
    if not form.validate_on_submit():
        return _problem_page(show, 400, "Not deleted", form.version_token.errors, back)
    try:
        saved = save_change(get_session(), show, current_editor(), kind, key, None,
                            form.version_token.data)
    except StaleChange:
        return _problem_page(show, 409, "Changed since you opened it", [
            f"Someone saved this {KINDS[kind].label} after you opened it, so it was not "
            "deleted. Open it again to see the current version."], back)
    except ChangeRefused as refused:
        return _problem_page(show, 409, "Not deleted", [str(refused)], back)
    except ChangeBlocked as blocked:
        return _problem_page(show, 400, "Not deleted: the spoiler lint objects",
                             [p.message for p in blocked.problems], back)
    _flash_saved(saved, f"{KINDS[kind].label.capitalize()} {key} deleted; it can be restored "
                        "from the history.")
    return redirect(done, code=303)


def _problem_page(show: Show, code: int, title: str, messages: list[str], back: str):
    return render_template("editor/problem.html", show=show, title=title, messages=messages,
                           back=back), code


# --- the show -------------------------------------------------------------------------------


@bp.get("/")
def index():
    shows = get_session().scalars(select(Show).order_by(Show.title)).all()
    return render_template("editor/index.html", shows=shows)


@bp.get("/<show>/")
def overview(show: str):
    row = _show(show)
    session = get_session()
    catalogue = Catalogue(session, row)
    counts = dict(session.execute(
        select(PlotPoint.episode_position, func.count())
        .where(PlotPoint.show_id == row.id).group_by(PlotPoint.episode_position)).all())
    try:
        findings = lint_show(session, row)
        lint_error = None
    except ChangeBlocked as blocked:
        findings, lint_error = [], "; ".join(p.message for p in blocked.problems)
    return render_template(
        "editor/show.html", show=row, catalogue=catalogue, counts=counts,
        storylines=session.scalars(select(Storyline).where(Storyline.show_id == row.id)
                                   .order_by(Storyline.sort_order)).all(),
        characters=session.scalars(select(Character).where(Character.show_id == row.id)
                                   .order_by(Character.sort_order)).all(),
        questions=session.scalars(select(Question).where(Question.show_id == row.id)
                                  .order_by(Question.sort_order)).all(),
        recent=_revisions(row, limit=10),
        findings=[str(f) for f in findings], lint_error=lint_error,
        can_add_episode=next_episode_code(session, row) is not None,
        previews=[Preview(f"At {_at(h)}", url_for("guide.home", show=row.slug, h=h))
                  for h in range(catalogue.last_position + 1)],
    )


# --- episodes ---------------------------------------------------------------------------------


@bp.route("/<show>/episodes/new", methods=["GET", "POST"])
def new_episode(show: str):
    row = _show(show)
    session = get_session()
    code = next_episode_code(session, row)
    if code is None:
        abort(404)
    catalogue = Catalogue(session, row)
    return _edit(EditPage(
        row, EntityKind.EPISODE.value, code, EpisodeForm(catalogue), "editor/episode.html",
        lambda: url_for("editor.episode", show=row.slug, episode=code),
        {"heading": f"New episode {code.upper()}", "points": [], "previews": []}, creating=True))


@bp.route("/<show>/episodes/<episode>", methods=["GET", "POST"])
def episode(show: str, episode: str):
    row = _show(show)
    session = get_session()
    catalogue = Catalogue(session, row)
    slot = _episode(catalogue, episode)
    current = KINDS[EntityKind.EPISODE].snapshot(session, row, slot.code)
    points = session.scalars(
        select(PlotPoint).where(PlotPoint.show_id == row.id,
                                PlotPoint.episode_position == slot.position)
        .order_by(PlotPoint.sort_order).options(selectinload(PlotPoint.storyline))).all()
    previews = _previews(row, [
        (slot.position, "its recap", "guide.recap", {"episode": slot.code}),
        (slot.position - 1, "just before, still locked", "guide.episodes", {}),
    ])
    form = EpisodeForm(catalogue, data=_on_get(EpisodeForm.initial(current or {})))
    return _edit(EditPage(
        row, EntityKind.EPISODE.value, slot.code, form, "editor/episode.html",
        lambda: url_for("editor.episode", show=row.slug, episode=slot.code),
        {"heading": slot.label, "slot": slot, "points": points, "previews": previews}))


@bp.post("/<show>/episodes/<episode>/delete")
def delete_episode(show: str, episode: str):
    row = _show(show)
    slot = _episode(Catalogue(get_session(), row), episode)
    return _delete(row, EntityKind.EPISODE.value, slot.code,
                   url_for("editor.overview", show=row.slug),
                   url_for("editor.episode", show=row.slug, episode=slot.code))


# --- plot points ------------------------------------------------------------------------------


def _point_form(catalogue: Catalogue, row: Show, slot: EpisodeSlot, **kwargs) -> PlotPointForm:
    session = get_session()
    storylines = session.execute(select(Storyline.slug, Storyline.title).where(
        Storyline.show_id == row.id).order_by(Storyline.sort_order)).all()
    characters = session.execute(select(Character.slug, Character.name).where(
        Character.show_id == row.id).order_by(Character.sort_order)).all()
    return PlotPointForm(catalogue, episode_position=slot.position,
                         storylines=[tuple(s) for s in storylines],
                         characters=[tuple(c) for c in characters], **kwargs)


def _point_previews(row: Show, slot: EpisodeSlot, revealed: int) -> list[Preview]:
    before = ("guide.recap", {"episode": slot.code}) if revealed - 1 >= slot.position \
        else ("guide.episodes", {})
    return _previews(row, [
        (revealed, "the recap shows it", "guide.recap", {"episode": slot.code}),
        (revealed - 1, "just before, not shown yet", *before),
    ])


@bp.route("/<show>/episodes/<episode>/plot-points/new", methods=["GET", "POST"])
def new_plot_point(show: str, episode: str):
    row = _show(show)
    session = get_session()
    catalogue = Catalogue(session, row)
    slot = _episode(catalogue, episode)
    key = next_point_key(session, row, catalogue, slot.code)
    form = _point_form(catalogue, row, slot, data=_on_get({
        "revealed_in": slot.position, "level": "minor", "confidence": "sure"}))
    return _edit(EditPage(
        row, EntityKind.PLOT_POINT.value, key, form, "editor/plot_point.html",
        lambda: url_for("editor.episode", show=row.slug, episode=slot.code),
        {"heading": f"New plot point in {slot.label}", "slot": slot, "previews": []},
        creating=True))


@bp.route("/<show>/episodes/<episode>/plot-points/edit", methods=["GET", "POST"])
def plot_point(show: str, episode: str):
    row = _show(show)
    session = get_session()
    catalogue = Catalogue(session, row)
    slot = _episode(catalogue, episode)
    key = _point_key(slot)
    current = KINDS[EntityKind.PLOT_POINT].snapshot(session, row, key)
    if current is None:
        abort(404)
    form = _point_form(catalogue, row, slot, data=_on_get(PlotPointForm.initial(current)))
    number = key.rsplit("/", 1)[1]
    return _edit(EditPage(
        row, EntityKind.PLOT_POINT.value, key, form, "editor/plot_point.html",
        lambda: url_for("editor.plot_point", show=row.slug, episode=slot.code, point=number),
        {"heading": f"Plot point {number} in {slot.label}", "slot": slot, "point": number,
         "previews": _point_previews(row, slot, current["revealed_in"])}))


@bp.post("/<show>/episodes/<episode>/plot-points/delete")
def delete_plot_point(show: str, episode: str):
    row = _show(show)
    slot = _episode(Catalogue(get_session(), row), episode)
    key = _point_key(slot)
    _exists(row, EntityKind.PLOT_POINT.value, key)
    return _delete(row, EntityKind.PLOT_POINT.value, key,
                   url_for("editor.episode", show=row.slug, episode=slot.code),
                   url_for("editor.plot_point", show=row.slug, episode=slot.code,
                           point=key.rsplit("/", 1)[1]))


# --- storylines, characters, questions (slugged) ---------------------------------------------


@dataclass(frozen=True)
class Slugged:
    kind: str
    model: type
    form: type[EntityForm]
    template: str
    endpoint: str  # the edit page
    arg: str  # its URL argument
    previews: Callable[[Show, dict[str, Any]], list[Preview]]


def _storyline_previews(row: Show, s: dict[str, Any]) -> list[Preview]:
    rows = [(st["revealed_in"], f"status {st['status']}") for st in s["statuses"]]
    return _stamped_previews(row, s["introduced_in"], "the storyline", "guide.storyline",
                             {"storyline": s["slug"]}, "guide.story", rows)


def _character_previews(row: Show, c: dict[str, Any]) -> list[Preview]:
    rows = [(b["revealed_in"], "a bio row") for b in c["bios"]]
    rows += [(st["revealed_in"], f"status {st['status']}") for st in c["statuses"]]
    rows += [(a["revealed_in"], f"alias {a['alias']}") for a in c["aliases"]]
    return _stamped_previews(row, c["introduced_in"], "the character", "guide.character",
                             {"character": c["slug"]}, "guide.characters", rows)


def _question_previews(row: Show, q: dict[str, Any]) -> list[Preview]:
    links = [(q["raised_in"], "raised", "guide.question", {"question": q["slug"]}),
             (q["raised_in"] - 1, "just before, not raised yet", "guide.questions", {})]
    if q["answered_in"] is not None:
        links += [(q["answered_in"], "answered", "guide.question", {"question": q["slug"]}),
                  (q["answered_in"] - 1, "just before, still open", "guide.question",
                   {"question": q["slug"]})]
    return _previews(row, links)


SLUGGED = {
    "storyline": Slugged(EntityKind.STORYLINE.value, Storyline, StorylineForm,
                         "editor/storyline.html", "editor.storyline", "storyline",
                         _storyline_previews),
    "character": Slugged(EntityKind.CHARACTER.value, Character, CharacterForm,
                         "editor/character.html", "editor.character", "character",
                         _character_previews),
    "question": Slugged(EntityKind.QUESTION.value, Question, QuestionForm,
                        "editor/question.html", "editor.question", "question",
                        _question_previews),
}


def _new_slugged(spec: Slugged, show: str):
    row = _show(show)
    catalogue = Catalogue(get_session(), row)
    form = spec.form(catalogue, creating=True, taken=_slugs(spec.model, row) | RESERVED_SLUGS)
    slug = form.slug.data if request.method == "POST" and form.slug.data else ""
    return _edit(EditPage(
        row, spec.kind, slug, form, spec.template,
        lambda: url_for(spec.endpoint, show=row.slug, **{spec.arg: slug}),
        {"heading": f"New {KINDS[spec.kind].label}", "previews": []}, creating=True,
        token_key="new"))


def _edit_slugged(spec: Slugged, show: str, slug: str):
    row = _show(show)
    session = get_session()
    current = KINDS[spec.kind].snapshot(session, row, _key(slug))
    if current is None:
        abort(404)
    form = spec.form(Catalogue(session, row), data=_on_get(spec.form.initial(current)))
    return _edit(EditPage(
        row, spec.kind, slug, form, spec.template,
        lambda: url_for(spec.endpoint, show=row.slug, **{spec.arg: slug}),
        {"heading": current.get("title") or current.get("name") or current["slug"],
         "previews": spec.previews(row, current)}))


def _delete_slugged(spec: Slugged, show: str, slug: str):
    row = _show(show)
    _exists(row, spec.kind, _key(slug))
    return _delete(row, spec.kind, slug, url_for("editor.overview", show=row.slug),
                   url_for(spec.endpoint, show=row.slug, **{spec.arg: slug}))


@bp.route("/<show>/storylines/new", methods=["GET", "POST"])
def new_storyline(show: str):
    return _new_slugged(SLUGGED["storyline"], show)


@bp.route("/<show>/storylines/<storyline>", methods=["GET", "POST"])
def storyline(show: str, storyline: str):
    return _edit_slugged(SLUGGED["storyline"], show, storyline)


@bp.post("/<show>/storylines/<storyline>/delete")
def delete_storyline(show: str, storyline: str):
    return _delete_slugged(SLUGGED["storyline"], show, storyline)


@bp.route("/<show>/characters/new", methods=["GET", "POST"])
def new_character(show: str):
    return _new_slugged(SLUGGED["character"], show)


@bp.route("/<show>/characters/<character>", methods=["GET", "POST"])
def character(show: str, character: str):
    return _edit_slugged(SLUGGED["character"], show, character)


@bp.post("/<show>/characters/<character>/delete")
def delete_character(show: str, character: str):
    return _delete_slugged(SLUGGED["character"], show, character)


@bp.route("/<show>/questions/new", methods=["GET", "POST"])
def new_question(show: str):
    return _new_slugged(SLUGGED["question"], show)


@bp.route("/<show>/questions/<question>", methods=["GET", "POST"])
def question(show: str, question: str):
    return _edit_slugged(SLUGGED["question"], show, question)


@bp.post("/<show>/questions/<question>/delete")
def delete_question(show: str, question: str):
    return _delete_slugged(SLUGGED["question"], show, question)


# --- history ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One revision as the history page shows it."""

    revision: Revision
    action: str  # "created", "changed", "deleted"
    fields: list[tuple[str, str, str]]  # (name, before, after) for what differs
    edit_url: str | None
    restore_after: bool  # "restore this version" makes sense (it differs from now)
    restore_before: bool
    token: str


def _revisions(row: Show, kind: str | None = None, key: str | None = None,
               limit: int = HISTORY_PAGE_SIZE, offset: int = 0) -> list[Change]:
    session = get_session()
    query = (select(Revision).where(Revision.show_id == row.id)
             .order_by(Revision.id.desc()).limit(limit).offset(offset)
             .options(selectinload(Revision.user)))
    if kind:
        query = query.where(Revision.entity_kind == kind)
    if key:
        query = query.where(Revision.entity_key == key)
    revisions = session.scalars(query).all()
    now = {(r.entity_kind, r.entity_key): KINDS[r.entity_kind].snapshot(session, row, r.entity_key)
           for r in revisions}
    return [_change(row, r, now[r.entity_kind, r.entity_key]) for r in revisions]


def _change(row: Show, r: Revision, current: dict | None) -> Change:
    before, after = r.before or {}, r.after or {}
    action = "created" if r.before is None else "deleted" if r.after is None else "changed"
    names = list(dict.fromkeys([*before, *after]))
    fields = [(n, _show_value(before.get(n)), _show_value(after.get(n)))
              for n in names if before.get(n) != after.get(n)]
    return Change(
        r, action, fields, _edit_url(row, r.entity_kind, r.entity_key) if current else None,
        restore_after=r.after is not None and r.after != current,
        restore_before=r.before is not None and r.before != current,
        token=version_token(r.entity_key, current),
    )


def _edit_url(row: Show, kind: str, key: str) -> str:
    if kind == EntityKind.EPISODE:
        return url_for("editor.episode", show=row.slug, episode=key)
    if kind == EntityKind.PLOT_POINT:
        code, number = key.split("/")
        return url_for("editor.plot_point", show=row.slug, episode=code, point=number)
    spec = SLUGGED[kind]
    return url_for(spec.endpoint, show=row.slug, **{spec.arg: key})


def _show_value(value: Any) -> str:
    """A snapshot value as text for the history and conflict tables."""
    if value is None or value == [] or value == "":
        return "—"
    if isinstance(value, list) and all(isinstance(v, dict) for v in value):
        return "; ".join(" · ".join(f"{k} {v}" for k, v in item.items() if v is not None)
                         for item in value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


@bp.get("/<show>/history")
def history(show: str):
    row = _show(show)
    kind = request.args.get("kind") or None
    key = request.args.get("key") or None
    page = request.args.get("page", "1")
    if kind is not None and kind not in KINDS:
        abort(400, description=f"There is no kind {kind[:40]!r}; use one of {', '.join(KINDS)}.")
    if key is not None and (len(key) > 120 or "\x00" in key):
        abort(400, description="That is not an entity key.")
    if not re.fullmatch(r"[1-9][0-9]{0,5}", page):
        abort(400, description="The page must be a whole number from 1.")
    number = int(page)
    changes = _revisions(row, kind, key, HISTORY_PAGE_SIZE + 1, (number - 1) * HISTORY_PAGE_SIZE)
    more = len(changes) > HISTORY_PAGE_SIZE
    args = {k: v for k, v in (("kind", kind), ("key", key)) if v}
    return render_template(
        "editor/history.html", show=row, changes=changes[:HISTORY_PAGE_SIZE], kind=kind, key=key,
        newer=url_for("editor.history", show=row.slug, page=number - 1, **args) if number > 1 else None,
        older=url_for("editor.history", show=row.slug, page=number + 1, **args) if more else None,
    )


@bp.post("/<show>/history/restore")
def restore_revision(show: str):
    row = _show(show)
    form = RestoreForm()
    back = url_for("editor.history", show=row.slug)
    if not form.validate_on_submit():
        messages = [m for errors in form.errors.values() for m in errors]
        return _problem_page(row, 400, "Not restored", messages, back)
    session = get_session()
    revision = session.scalar(select(Revision).where(
        Revision.id == int(form.revision.data), Revision.show_id == row.id))
    if revision is None:
        abort(404)
    kind, key = revision.entity_kind, revision.entity_key
    back = url_for("editor.history", show=row.slug, kind=kind, key=key)
    if (revision.before if form.which.data == "before" else revision.after) is None:
        return _problem_page(row, 400, "Not restored", [
            "That version is the one where it did not exist; delete it from its page instead."],
            back)
    try:
        saved = restore(session, row, current_editor(), revision, form.which.data,
                        form.version_token.data)
    except StaleChange as stale:
        who = f" by {stale.last.user.email}" if stale.last else ""
        return _problem_page(row, 409, "Changed since you opened the history", [
            f"This {KINDS[kind].label} was changed{who} after you opened the history, so "
            "nothing was restored. Look at the history again, then choose."], back)
    except ChangeRefused as refused:
        return _problem_page(row, 409, "Not restored", [str(refused)], back)
    except ChangeBlocked as blocked:
        return _problem_page(row, 400, "Not restored: the spoiler lint objects",
                             [p.message for p in blocked.problems], back)
    _flash_saved(saved, f"Restored {KINDS[kind].label} {key} from revision {revision.id}.")
    return redirect(back, code=303)
