"""The one handler behind every edit and delete: validate, save through
ballard.editor.changes.save_change (lint, revision, commit), then redirect; or say why not.

A rejected form is re-rendered with the editor's input and a message next to each field:
400 for invalid input or a spoiler the lint caught, 409 when someone else saved first or
the change conflicts with other rows, 503 (with Retry-After) when the database could not
take the write (lock timeout, full or read-only disk, lost connection). A refused delete
or restore gets a short page with the same statuses. `refusal()` is the one place that
turns a refused change into words.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from sqlalchemy.exc import DBAPIError

from ballard.availability import RETRY_AFTER_SECONDS, describe, is_outage, schema_check
from ballard.db import get_session
from ballard.editor.changes import ChangeBlocked, Saved, StaleChange, save_change, version_token
from ballard.editor.entities import ChangeRefused
from ballard.editor.forms import DeleteForm, EntityForm
from ballard.models import Show
from ballard.story.kinds import KINDS
from ballard.views.auth import signed_in_editor


@dataclass
class EditPage:
    """What the shared edit handler needs to know about one entity's page."""

    show: Show
    kind: str
    key: str
    form: EntityForm
    done: Callable[[], str]  # where to go after saving
    context: dict[str, Any]
    creating: bool = False
    # What the version token is computed on; a new slugged row has no key until posted.
    token_key: str | None = None
    # Where the entity goes that its form does not say (a new plot point's episode).
    place: dict[str, Any] = field(default_factory=dict)

    @property
    def fingerprint_key(self) -> str:
        return self.key if self.token_key is None else self.token_key


def edit(page: EditPage):
    """GET: the form. POST: validate, save (lint, revision), redirect; or re-render."""
    form, session = page.form, get_session()
    if request.method == "GET":
        current = KINDS[page.kind].snapshot(session, page.show, page.key)
        form.version_token.data = version_token(page.fingerprint_key, current)
        form.add_blank_rows()
        return _render(page)
    if not form.validate_on_submit():
        return _render(page), 400
    try:
        saved = save_change(
            session,
            page.show,
            signed_in_editor(),
            page.kind,
            page.key,
            {**page.place, **form.to_data()},
            form.version_token.data,
            token_key=page.token_key,
        )
    except StaleChange as stale:
        form.version_token.data = version_token(page.fingerprint_key, stale.current)
        return _render(page, conflict=_conflict(page, stale)), 409
    except ChangeBlocked as blocked:
        return _render(page, blocked=_attach(form, blocked)), 400
    except ChangeRefused as refused:
        form.form_errors.append(str(refused))
        return _render(page), 409
    except DBAPIError as exc:
        if not is_outage(exc):
            raise
        # save_change rolled back: nothing was written. The input stays on the page.
        form.form_errors.append(NOT_SAVED)
        return _render(page), 503, _write_failed(exc)
    flash_saved(saved, f"{KINDS[page.kind].label.capitalize()} saved.")
    return redirect(page.done(), code=303)


NOT_SAVED = (
    "Not saved: the database could not take the change just now (it may be busy, "
    "restarting or out of space). Nothing was written. Try saving again in a few seconds."
)


def _write_failed(exc: DBAPIError) -> dict[str, str]:
    """Log it, have the next request check the database again; the 503's headers."""
    schema_check().forget()
    current_app.logger.warning("editor save failed: %s", describe(exc))
    return {"Retry-After": str(RETRY_AFTER_SECONDS)}


def _render(
    page: EditPage,
    conflict: dict | None = None,
    blocked: tuple[list[str], dict[str, list[str]]] | None = None,
):
    history = (
        None
        if page.creating
        else url_for("editor.history", show=page.show.slug, kind=page.kind, key=page.key)
    )
    general, row_problems = blocked or ([], {})
    return render_template(
        KINDS[page.kind].template,
        show=page.show,
        form=page.form,
        kind=KINDS[page.kind],
        key=page.key,
        creating=page.creating,
        conflict=conflict,
        lint_blocked=blocked is not None,
        blocked=general,
        row_problems=row_problems,
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
        (name, show_value(theirs.get(name)), show_value(value))
        for name, value in mine.items()
        if stale.current is None or theirs.get(name) != value
    ]
    return {
        "who": last.user.email if last else None,
        "when": last.created_at if last else None,
        "what": "added" if page.creating else "deleted" if stale.current is None else "changed",
        "rows": [] if page.creating else rows,
    }


def show_value(value: Any) -> str:
    """A snapshot value as text for the history and conflict tables."""
    if value is None or value == [] or value == "":
        return "—"
    if isinstance(value, list) and all(isinstance(v, dict) for v in value):
        return "; ".join(" · ".join(f"{k} {v}" for k, v in item.items() if v is not None) for item in value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def flash_saved(saved: Saved, message: str) -> None:
    if saved.revision is None:
        flash("Nothing changed, so nothing was saved.", "notice")
        return
    flash(
        f"{message} Revision {saved.revision.id}, content version {saved.revision.content_version}.",
        "success",
    )
    for warning in saved.warnings:
        flash(f"Lint {warning}", "warning")


def refusal(exc: Exception, label: str, done: str, opened: str = "it") -> tuple[int, str, list[str]]:
    """(status, title, messages) for a change that was not made. `done` is what did not
    happen ("deleted", "restored"); `opened` what the editor had open."""
    if isinstance(exc, StaleChange):
        who = f" by {exc.last.user.email}" if exc.last else ""
        return (
            409,
            f"Changed since you opened {opened}",
            [
                f"This {label} was changed{who} after you opened {opened}, so it was not {done}. "
                "Look at it again, then choose."
            ],
        )
    if isinstance(exc, ChangeBlocked):
        return 400, f"Not {done}: the spoiler lint objects", [p.message for p in exc.problems]
    return 409, f"Not {done}", [str(exc)]


def delete(show: Show, kind: str, key: str, done: str, back: str):
    """POST: delete one entity (recorded as a revision, so it can be restored)."""
    label = KINDS[kind].label
    return change(
        show,
        kind,
        key,
        None,
        done,
        back,
        f"{label.capitalize()} {key} deleted; it can be restored from the history.",
        "deleted",
    )


def change(
    show: Show,
    kind: str,
    key: str,
    data: dict | None,
    done: str,
    back: str,
    message: str,
    verb: str = "changed",
):
    """POST from a one-button form (delete, move): save `data` for the entity, checked
    against the version token the page was rendered with, like any edit."""
    form = DeleteForm(prefix="delete")
    if not form.validate_on_submit():
        return problem_page(show, 400, f"Not {verb}", form.version_token.errors, back)
    label = KINDS[kind].label
    try:
        saved = save_change(get_session(), show, signed_in_editor(), kind, key, data, form.version_token.data)
    except (StaleChange, ChangeRefused, ChangeBlocked) as exc:
        return problem_page(show, *refusal(exc, label, verb), back)
    except DBAPIError as exc:
        if not is_outage(exc):
            raise
        return (*problem_page(show, 503, f"Not {verb}", [NOT_SAVED], back), _write_failed(exc))
    flash_saved(saved, message)
    return redirect(done, code=303)


def problem_page(show: Show, code: int, title: str, messages: list[str], back: str):
    return render_template("editor/problem.html", show=show, title=title, messages=messages, back=back), code
