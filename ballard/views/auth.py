"""Signing editors in and out. Viewers never sign in; only the editor needs an account.

The session cookie (Flask's signed cookie: HttpOnly, SameSite=Lax, Secure in production;
see ballard/config.py) holds the editor's id and a fingerprint of their password hash,
so changing a password signs out every other session.
"""

from __future__ import annotations

import hmac
import math

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from ballard.db import get_session
from ballard.editor import accounts
from ballard.editor.forms import LoginForm
from ballard.models import User
from ballard.redirects import safe_local_path

bp = Blueprint("auth", __name__)

_USER_KEY, _FINGERPRINT_KEY = "editor_id", "editor_auth"


def current_editor() -> User | None:
    """The signed-in editor, or None.

    Not cached on `g`: an app context can outlive a request (tests push one around many
    requests), and the session's identity map already makes repeated lookups free.
    """
    user_id = session.get(_USER_KEY)
    if type(user_id) is not int:
        return None
    user = get_session().get(User, user_id)
    if user is None:
        return None
    fingerprint = accounts.session_fingerprint(user, current_app.config["SECRET_KEY"])
    given = session.get(_FINGERPRINT_KEY)
    return user if isinstance(given, str) and hmac.compare_digest(given, fingerprint) else None


def is_editor() -> bool:
    return current_editor() is not None


def safe_next(target: str | None) -> str | None:
    """`next` only when it is a path inside the editor (no open redirects)."""
    return safe_local_path(target, "/editor/")


def login_redirect():
    """Send an anonymous request to the sign-in page, remembering where it was going."""
    target = request.full_path.removesuffix("?") if request.method == "GET" else request.path
    code = 302 if request.method == "GET" else 303
    return redirect(url_for("auth.login", next=target), code=code)


@bp.after_request
def never_cache(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next")) or ""
        if is_editor():
            return redirect(form.next.data or url_for("editor.index"))
        return render_template("auth/login.html", form=form)
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), 400

    db = get_session()
    ip = request.remote_addr or "unknown"
    throttle = accounts.check_throttle(db, ip, form.email.data)
    if not throttle.allowed:
        minutes = math.ceil(throttle.retry_after_seconds / 60)
        form.form_errors.append(
            f"Too many failed sign-ins. Wait {minutes} minute{'s' if minutes != 1 else ''} "
            "and try again.")
        return (render_template("auth/login.html", form=form), 429,
                {"Retry-After": str(throttle.retry_after_seconds)})
    user = accounts.authenticate(db, form.email.data, form.password.data)
    if user is None:
        accounts.record_failure(db, ip, form.email.data)
        db.commit()
        form.form_errors.append("That email and password do not match an editor account.")
        return render_template("auth/login.html", form=form), 400
    accounts.clear_failures(db, ip, form.email.data)
    db.commit()
    session.clear()
    session[_USER_KEY] = user.id
    session[_FINGERPRINT_KEY] = accounts.session_fingerprint(user, current_app.config["SECRET_KEY"])
    return redirect(safe_next(form.next.data) or url_for("editor.index"), code=303)


@bp.post("/logout")
def logout():
    """POST only (with the CSRF token CSRFProtect checks), so a link cannot sign you out."""
    if is_editor():  # nobody signed in: nothing to change, not even the session cookie
        session.clear()
        flash("You are signed out.", "success")
    return redirect(url_for("auth.login"), code=303)
