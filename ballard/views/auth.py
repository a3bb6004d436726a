"""Signing editors in and out. Viewers never sign in; only the editor needs an account.

Flask-Login keeps the signed-in editor in the session cookie (Flask's signed cookie:
HttpOnly, SameSite=Lax, Secure and `__Host-` in production; see ballard/config.py). The
id it keeps is the editor's id plus a fingerprint of their password hash and session
generation: sign-out and a password change raise the generation, which ends every
session of that editor on the server, a copied cookie's too. A session also ends
EDITOR_SESSION_LIFETIME seconds after sign-in. No "remember me" cookie is ever set.
"""

from __future__ import annotations

import hmac
import math
import re
import time

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user

from ballard.db import get_session
from ballard.editor import accounts
from ballard.editor.forms import LoginForm
from ballard.models import User
from ballard.redirects import safe_local_path

bp = Blueprint("auth", __name__)


class _LoginManager(LoginManager):
    """Flask-Login without its "remember me" cookie, which editors never get.

    Its after-request hook for that cookie reads the session on every response, and a
    read session makes Flask add `Vary: Cookie`: every API answer and every 404 would
    then vary by cookie, which they do not (and shared caches could not share them).
    """

    def _update_remember_cookie(self, response):
        return response


login_manager = _LoginManager()
# "strong" would sign an editor out whenever their address changes (mobile, VPN) and
# "basic" only marks the session not fresh, which nothing here looks at: the password
# fingerprint is what ends sessions.
login_manager.session_protection = None

# Flask-Login's `_user_id` in the session: "<user id>:<fingerprint>" (see SignedInEditor).
# ASCII only, as hmac.compare_digest requires of str.
_LOGIN_ID = re.compile(r"([0-9]{1,18}):[0-9a-f]{1,64}")
SIGNED_IN_AT = "signed_in_at"  # in the session: when the password was checked (Unix seconds)


class SignedInEditor(UserMixin):
    """The signed-in editor as Flask-Login sees them; models.User stays a plain model."""

    def __init__(self, user: User) -> None:
        self.user = user

    def get_id(self) -> str:
        # Flask-Login's "alternative token": a new password gives a new id, which no
        # session from before holds, so the loader turns those away.
        fingerprint = accounts.session_fingerprint(self.user, current_app.config["SECRET_KEY"])
        return f"{self.user.id}:{fingerprint}"


def init_app(app: Flask) -> None:
    """Register the login manager (called by the app factory)."""
    # Templates get `editor` from the editor's context processor; Flask-Login's own would
    # look the user up on every viewer page too.
    login_manager.init_app(app, add_context_processor=False)
    app.teardown_request(_forget_editor)


@login_manager.user_loader
def _load_editor(login_id: str) -> SignedInEditor | None:
    """The editor whose session holds `login_id`, if their password and session
    generation are still the same and they signed in less than the lifetime ago."""
    match = _LOGIN_ID.fullmatch(login_id) if isinstance(login_id, str) else None
    if match is None or not _within_lifetime(session.get(SIGNED_IN_AT)):
        return None
    # populate_existing: read the row even if this SQLAlchemy session already holds the
    # object (an app context kept across requests keeps its session), so that a password
    # changed since is seen.
    user = get_session().get(User, int(match[1]), populate_existing=True)
    if user is None:
        return None
    editor = SignedInEditor(user)
    return editor if hmac.compare_digest(editor.get_id(), login_id) else None


def _within_lifetime(signed_in_at: object) -> bool:
    if not isinstance(signed_in_at, int) or isinstance(signed_in_at, bool):
        return False
    age = time.time() - signed_in_at
    return -60 <= age < current_app.config["EDITOR_SESSION_LIFETIME"]  # a minute of clock skew


def _forget_editor(_exc: BaseException | None = None) -> None:
    """Drop Flask-Login's per-request cache of the user (`g._login_user`) as the request
    ends. `g` belongs to the app context, and a request reuses one already pushed (tests
    hold one around several requests): the next request, maybe another browser's, must
    load its own user."""
    g.pop("_login_user", None)


def current_editor() -> User | None:
    """The signed-in editor's account, or None (also outside a request)."""
    signed_in = current_user._get_current_object()
    return signed_in.user if isinstance(signed_in, SignedInEditor) else None


def signed_in_editor() -> User:
    """The editor's account in a view only a signed-in editor reaches (the editor
    blueprint's sign-in check runs first)."""
    user = current_editor()
    assert user is not None, "an editor view without a signed-in editor"
    return user


def start_session(user: User) -> None:
    """Sign `user` in on this browser (after the password was checked)."""
    session.clear()  # nothing from before sign-in carries over
    session[SIGNED_IN_AT] = int(time.time())
    login_user(SignedInEditor(user))  # remember=False: no long-lived cookie


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
    # Reserved (recorded as a failure) before the password is checked, so concurrent
    # attempts cannot all pass the count first (accounts.reserve_attempt).
    throttle = accounts.reserve_attempt(db, ip, form.email.data)
    if not throttle.allowed:
        minutes = math.ceil(throttle.retry_after_seconds / 60)
        form.form_errors.append(
            f"Too many failed sign-ins. Wait {minutes} minute{'s' if minutes != 1 else ''} and try again."
        )
        return (
            render_template("auth/login.html", form=form),
            429,
            {"Retry-After": str(throttle.retry_after_seconds)},
        )
    user = accounts.authenticate(db, form.email.data, form.password.data)
    if user is None:  # the reservation stays, as this failure
        form.form_errors.append("That email and password do not match an editor account.")
        return render_template("auth/login.html", form=form), 400
    accounts.clear_failures(db, ip, form.email.data)
    db.commit()
    start_session(user)
    return redirect(safe_next(form.next.data) or url_for("editor.index"), code=303)


@bp.post("/logout")
def logout():
    """POST only (with the CSRF token CSRFProtect checks), so a link cannot sign you out."""
    editor = current_editor()
    if editor is not None:  # nobody signed in: nothing to change, not even the session cookie
        db = get_session()
        accounts.end_sessions(db, editor)  # a copy of the cookie stops working too
        db.commit()
        logout_user()
        session.clear()
        flash("You are signed out.", "success")
    return redirect(url_for("auth.login"), code=303)
