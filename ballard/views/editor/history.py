"""The revision history: each change field by field, and restoring an earlier version
(itself a new revision, linted like any change)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask import abort, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ballard.db import get_session
from ballard.editor.changes import ChangeBlocked, StaleChange, restore, version_token
from ballard.editor.entities import ChangeRefused
from ballard.editor.forms import RestoreForm
from ballard.models import Revision, Show
from ballard.story.fields import has_control_characters
from ballard.story.kinds import KINDS, edit_url_args
from ballard.views.auth import signed_in_editor
from ballard.views.editor import bp
from ballard.views.editor.controller import flash_saved, problem_page, refusal, show_value
from ballard.views.editor.lookups import show_or_404

HISTORY_PAGE_SIZE = 50


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


def revisions(
    row: Show,
    kind: str | None = None,
    key: str | None = None,
    limit: int = HISTORY_PAGE_SIZE,
    offset: int = 0,
) -> list[Change]:
    session = get_session()
    query = (
        select(Revision)
        .where(Revision.show_id == row.id)
        .order_by(Revision.id.desc())
        .limit(limit)
        .offset(offset)
        .options(selectinload(Revision.user))
    )
    if kind:
        query = query.where(Revision.entity_kind == kind)
    if key:
        query = query.where(Revision.entity_key == key)
    found = session.scalars(query).all()
    now = {
        (r.entity_kind, r.entity_key): KINDS[r.entity_kind].snapshot(session, row, r.entity_key)
        for r in found
    }
    return [_change(row, r, now[r.entity_kind, r.entity_key]) for r in found]


def _change(row: Show, r: Revision, current: dict | None) -> Change:
    before, after = r.before or {}, r.after or {}
    action = "created" if r.before is None else "deleted" if r.after is None else "changed"
    names = list(dict.fromkeys([*before, *after]))
    fields = [
        (n, show_value(before.get(n)), show_value(after.get(n)))
        for n in names
        if before.get(n) != after.get(n)
    ]
    edit_url = None
    if current:
        endpoint, args = edit_url_args(r.entity_kind, r.entity_key)
        edit_url = url_for(endpoint, show=row.slug, **args)
    return Change(
        r,
        action,
        fields,
        edit_url,
        restore_after=r.after is not None and r.after != current,
        restore_before=r.before is not None and r.before != current,
        token=version_token(r.entity_key, current),
    )


@bp.get("/<slug:show>/history")
def history(show: str):
    row = show_or_404(show)
    kind = request.args.get("kind") or None
    key = request.args.get("key") or None
    page = request.args.get("page", "1")
    if kind is not None and kind not in KINDS:
        abort(400, description=f"There is no kind {kind[:40]!r}; use one of {', '.join(KINDS)}.")
    if key is not None and (len(key) > 120 or has_control_characters(key)):
        abort(400, description="That is not an entity key.")
    if not re.fullmatch(r"[1-9][0-9]{0,5}", page):
        abort(400, description="The page must be a whole number from 1.")
    number = int(page)
    changes = revisions(row, kind, key, HISTORY_PAGE_SIZE + 1, (number - 1) * HISTORY_PAGE_SIZE)
    more = len(changes) > HISTORY_PAGE_SIZE
    args: dict[str, Any] = {k: v for k, v in (("kind", kind), ("key", key)) if v}
    return render_template(
        "editor/history.html",
        show=row,
        changes=changes[:HISTORY_PAGE_SIZE],
        kind=kind,
        key=key,
        newer=url_for("editor.history", show=row.slug, page=number - 1, **args) if number > 1 else None,
        older=url_for("editor.history", show=row.slug, page=number + 1, **args) if more else None,
    )


@bp.post("/<slug:show>/history/restore")
def restore_revision(show: str):
    row = show_or_404(show)
    form = RestoreForm()
    back = url_for("editor.history", show=row.slug)
    if not form.validate_on_submit():
        messages = [m for errors in form.errors.values() for m in errors]
        return problem_page(row, 400, "Not restored", messages, back)
    session = get_session()
    revision = session.scalar(
        select(Revision).where(Revision.id == int(form.revision.data), Revision.show_id == row.id)
    )
    if revision is None:
        abort(404)
    kind, key = revision.entity_kind, revision.entity_key
    back = url_for("editor.history", show=row.slug, kind=kind, key=key)
    if (revision.before if form.which.data == "before" else revision.after) is None:
        return problem_page(
            row,
            400,
            "Not restored",
            ["That version is the one where it did not exist; delete it from its page instead."],
            back,
        )
    try:
        saved = restore(session, row, signed_in_editor(), revision, form.which.data, form.version_token.data)
    except (StaleChange, ChangeRefused, ChangeBlocked) as exc:
        return problem_page(row, *refusal(exc, KINDS[kind].label, "restored", "the history"), back)
    flash_saved(saved, f"Restored {KINDS[kind].label} {key} from revision {revision.id}.")
    return redirect(back, code=303)
