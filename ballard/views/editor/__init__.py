"""The editor: create, edit and delete episodes, storylines, characters, plot points and
questions; preview as a viewer; revision history and restore.

Not viewer-side: it reads story tables directly, and every route requires a signed-in
editor (`require_editor` runs before each one). Each change goes through
ballard.editor.changes.save_change, which lints the whole show before committing.

  registry.py    the editable kinds: form, template, page, previews
  lookups.py     rows named by the URL, and the lists the pages show
  previews.py    links to the viewer pages at an entity's stamps
  controller.py  the one edit/delete handler every kind's page uses
  pages.py       the routes: the show, episodes, plot points, slugged kinds
  history.py     the revision history and restoring from it
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from ballard.views.auth import current_editor, login_redirect

bp = Blueprint("editor", __name__)


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


from ballard.views.editor import history, pages  # noqa: E402,F401  (they add the routes)
