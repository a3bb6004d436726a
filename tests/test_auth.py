"""Editor accounts: the create command, signing in and out, rate limiting, the session."""

import datetime as dt
import time

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select, update
from werkzeug.security import generate_password_hash

from ballard.db import get_session
from ballard.editor.accounts import FAILURE_WINDOW, MAX_FAILURES_PER_ACCOUNT, session_fingerprint
from ballard.models import LoginAttempt, User
from tests.conftest import (
    EDITOR_EMAIL,
    EDITOR_PASSWORD,
    csrf_from,
    make_editor,
    sign_in,
)


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _users(app) -> list[User]:
    with app.app_context():
        return get_session().scalars(select(User)).all()


# --- flask editor create ------------------------------------------------------------------------


def test_create_command_asks_for_the_password_twice(app, runner):
    result = runner.invoke(
        args=["editor", "create", "Ed@Example.COM"], input="correct horse battery\ncorrect horse battery\n"
    )
    assert result.exit_code == 0, result.output
    assert "Editor ed@example.com created." in result.output
    assert result.output.count("Password") == 1 and "Repeat for confirmation" in result.output
    assert "correct horse battery" not in result.output  # hidden input, not echoed
    [user] = _users(app)
    assert user.email == "ed@example.com"
    assert user.password_hash.startswith("scrypt:")
    assert "correct horse battery" not in user.password_hash


def test_create_command_refuses_a_mismatched_confirmation(app, runner):
    result = runner.invoke(
        args=["editor", "create", "ed@example.com"], input="correct horse battery\ncorrect horse batterY\n"
    )
    assert result.exit_code != 0
    assert "do not match" in result.output
    assert _users(app) == []


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("ed@example.com", "too short", "at least 12 characters"),
        ("not-an-email", "correct horse battery", "is not an email address"),
    ],
)
def test_create_command_explains_bad_input(app, runner, email, password, message):
    result = runner.invoke(args=["editor", "create", email], input=f"{password}\n{password}\n")
    assert result.exit_code == 1
    assert message in result.output
    assert _users(app) == []


def test_create_command_refuses_a_second_account_for_one_email(app, runner):
    make_editor(app, "ed@example.com")
    result = runner.invoke(
        args=["editor", "create", "ED@example.com"], input="correct horse battery\ncorrect horse battery\n"
    )
    assert result.exit_code == 1
    assert "already an editor with the email ed@example.com" in result.output
    assert len(_users(app)) == 1


# --- signing in ----------------------------------------------------------------------------------


def test_login_page_has_a_form_with_csrf(app, client):
    page = soup(client.get("/auth/login?next=/editor/tiny/"))
    form = page.find("form", action="/auth/login")
    assert form["method"] == "post"
    names = {i["name"] for i in form.find_all("input")}
    assert names == {"csrf_token", "email", "password", "next"}
    assert form.find("input", {"name": "next"})["value"] == "/editor/tiny/"
    assert form.find("input", {"name": "password"})["type"] == "password"


def test_login_signs_in_and_goes_to_next_with_a_safe_cookie(tiny, client, auth):
    make_editor(tiny)
    response = auth.login(next="/editor/tiny/")
    assert response.status_code == 303
    assert response.headers["Location"] == "/editor/tiny/"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("session=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = soup(client.get("/editor/tiny/"))
    assert page.h1.text == "Tiny Show"
    assert EDITOR_EMAIL in page.select_one(".logout-form").text


@pytest.mark.parametrize(
    ("email", "password"),
    [
        (EDITOR_EMAIL, "the wrong password"),
        ("nobody@example.com", EDITOR_PASSWORD),
    ],
)
def test_wrong_credentials_are_refused_alike(tiny, client, auth, email, password):
    make_editor(tiny)
    response = auth.login(email, password)
    assert response.status_code == 400
    page = soup(response)
    assert [li.text for li in page.select("form .field-errors li")] == [
        "That email and password do not match an editor account."
    ]
    assert page.find("input", {"name": "email"})["value"] == email
    assert page.find("input", {"name": "password"}).get("value") in (None, "")  # never echoed
    assert client.get("/editor/").status_code == 302


def test_login_form_says_what_is_missing(client):
    token = csrf_from(client, "/auth/login")
    response = client.post("/auth/login", data={"csrf_token": token, "email": " "})
    assert response.status_code == 400
    page = soup(response)
    assert page.select_one("#email-errors").text.strip() == "Enter your email address."
    assert page.select_one("#password-errors").text.strip() == "Enter your password."


def test_login_without_csrf_is_refused(tiny, client):
    make_editor(tiny)
    response = client.post("/auth/login", data={"email": EDITOR_EMAIL, "password": EDITOR_PASSWORD})
    assert response.status_code == 400
    assert "Form not accepted" in response.get_data(as_text=True)
    assert client.get("/editor/").status_code == 302


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/editor/",
        "/tiny/at/1/",
        "/editor/../auth/login",
        "/editor//evil.example",
        "/editor/\\evil",
        "javascript:alert(1)",
    ],
)
def test_next_cannot_leave_the_editor(tiny, client, auth, target):
    make_editor(tiny)
    response = auth.login(next=target)
    assert response.headers["Location"] == "/editor/"


def test_signed_in_editor_visiting_login_goes_to_the_editor(editor):
    response = editor.get("/auth/login?next=/editor/tiny/history")
    assert response.status_code == 302
    assert response.headers["Location"] == "/editor/tiny/history"


# --- rate limiting -------------------------------------------------------------------------------


def test_repeated_failures_are_rate_limited_per_address_and_email(tiny, client, auth):
    make_editor(tiny)
    make_editor(tiny, "other@example.com")
    for _ in range(MAX_FAILURES_PER_ACCOUNT):
        assert auth.login(password="not it at all").status_code == 400
    # Now even the right password is not tried for this email from this address.
    response = auth.login()
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= FAILURE_WINDOW.total_seconds() + 1
    assert "Too many failed sign-ins" in soup(response).select_one(".field-errors").text
    assert client.get("/editor/").status_code == 302
    # Another account from the same address is not locked out by these failures.
    assert auth.login("other@example.com").status_code == 303


def test_limit_lifts_when_the_window_has_passed(tiny, client, auth):
    make_editor(tiny)
    for _ in range(MAX_FAILURES_PER_ACCOUNT):
        auth.login(password="not it at all")
    assert auth.login().status_code == 429
    with tiny.app_context():
        session = get_session()
        session.execute(
            update(LoginAttempt).values(
                attempted_at=LoginAttempt.attempted_at - FAILURE_WINDOW - dt.timedelta(seconds=1)
            )
        )
        session.commit()
    assert auth.login().status_code == 303


def test_success_clears_earlier_failures(tiny, client, auth):
    make_editor(tiny)
    for _ in range(MAX_FAILURES_PER_ACCOUNT - 1):
        auth.login(password="not it at all")
    assert auth.login().status_code == 303
    with tiny.app_context():
        assert get_session().scalar(select(func.count()).select_from(LoginAttempt)) == 0


def test_invalid_forms_are_not_counted_as_attempts(tiny, client):
    token = csrf_from(client, "/auth/login")
    for _ in range(MAX_FAILURES_PER_ACCOUNT + 2):
        client.post("/auth/login", data={"csrf_token": token, "email": EDITOR_EMAIL})
    with tiny.app_context():
        assert get_session().scalar(select(func.count()).select_from(LoginAttempt)) == 0


# --- signing out, and sessions that stop being valid -------------------------------------------


def test_logout_signs_out(editor, auth):
    response = auth.logout()
    assert response.status_code == 303
    assert response.headers["Location"] == "/auth/login"
    assert "You are signed out." in soup(editor.get("/auth/login")).text
    assert editor.get("/editor/").status_code == 302


def test_logout_needs_post_and_csrf(editor):
    assert editor.get("/auth/logout").status_code == 405
    response = editor.post("/auth/logout")
    assert response.status_code == 400
    assert editor.get("/editor/").status_code == 200


def test_changing_the_password_signs_out_other_sessions(editor, tiny):
    assert editor.get("/editor/").status_code == 200
    with tiny.app_context():
        session = get_session()
        session.execute(update(User).values(password_hash="scrypt:changed"))
        session.commit()
    assert editor.get("/editor/").status_code == 302


def test_a_deleted_account_is_signed_out(editor, tiny):
    with tiny.app_context():
        session = get_session()
        session.delete(session.scalar(select(User)))
        session.commit()
    assert editor.get("/editor/").status_code == 302


def _fingerprint(app, user_id: int, secret_key: str | None = None) -> str:
    with app.app_context():
        user = get_session().get_one(User, user_id)
        return session_fingerprint(user, secret_key or app.config["SECRET_KEY"])


@pytest.mark.parametrize(
    "forged",
    [
        "guessed fingerprint",
        "right shape, wrong fingerprint",
        "no fingerprint",
        "an int",
        "another editor's fingerprint",
        "fingerprint under another key",
        "signed in",
    ],
)
def test_a_forged_session_is_not_an_editor(tiny, client, forged):
    """Flask-Login keeps "<id>:<fingerprint>" in `_user_id`; only the real pair signs in."""
    user_id, other_id = make_editor(tiny), make_editor(tiny, "other@example.com", "another password!")
    login_id = {
        "guessed fingerprint": f"{user_id}:guessed",
        "right shape, wrong fingerprint": f"{user_id}:{'0' * 32}",
        "no fingerprint": str(user_id),
        "an int": user_id,
        "another editor's fingerprint": f"{user_id}:{_fingerprint(tiny, other_id)}",
        "fingerprint under another key": f"{user_id}:{_fingerprint(tiny, user_id, 'another-key-' * 4)}",
        "signed in": f"{user_id}:{_fingerprint(tiny, user_id)}",
    }[forged]
    with client.session_transaction() as session:
        session["_user_id"] = login_id
        session["signed_in_at"] = int(time.time())  # only the login id is forged
    expected = 200 if forged == "signed in" else 302
    assert client.get("/editor/").status_code == expected


def test_the_session_holds_the_id_and_fingerprint_not_the_hash(tiny, client, auth):
    user_id = make_editor(tiny)
    assert auth.login().status_code == 303
    with client.session_transaction() as session:
        assert session["_user_id"] == f"{user_id}:{_fingerprint(tiny, user_id)}"
        assert "scrypt" not in repr(dict(session))


def test_signing_in_sets_only_the_session_cookie(tiny, client, auth):
    """No Flask-Login "remember me" cookie: closing the browser ends the session."""
    make_editor(tiny)
    response = auth.login()
    assert response.status_code == 303
    cookies = response.headers.getlist("Set-Cookie")
    assert len(cookies) == 1 and cookies[0].startswith("session=")
    assert "Expires" not in cookies[0] and "Max-Age" not in cookies[0]
    assert client.get_cookie("remember_token") is None


def test_an_editor_whose_address_changes_stays_signed_in(editor):
    """Flask-Login's session protection is off: "strong" would sign editors out on every
    new network, and the password fingerprint is what ends sessions here."""
    assert editor.get("/editor/").status_code == 200
    moved = {"REMOTE_ADDR": "203.0.113.9", "HTTP_USER_AGENT": "another browser"}
    assert editor.get("/editor/", environ_base=moved).status_code == 200


def test_signing_in_again_after_a_password_change_works(editor, tiny, auth):
    with tiny.app_context():
        session = get_session()
        session.execute(update(User).values(password_hash=generate_password_hash("a brand new password")))
        session.commit()
    assert editor.get("/editor/").status_code == 302
    assert auth.login(password="a brand new password").status_code == 303
    assert editor.get("/editor/").status_code == 200


def test_control_characters_in_the_email_are_refused_before_any_lookup(client):
    token = csrf_from(client, "/auth/login")
    response = client.post(
        "/auth/login", data={"csrf_token": token, "email": "ed\x00@example.com", "password": "whatever it is"}
    )
    assert response.status_code == 400
    assert "control characters" in soup(response).select_one("#email-errors").text


# --- one app context held around several requests ----------------------------------------------
# Flask-Login keeps the request's user on `g`, and `g` lives as long as the app context. A
# request reuses an app context that is already pushed (tests hold one around several
# requests), so each of these would see the user of the request before it if that stayed.


def test_a_held_app_context_does_not_carry_the_editor_to_another_client(editor, tiny):
    stranger = tiny.test_client()
    with tiny.app_context():
        assert editor.get("/editor/").status_code == 200
        assert stranger.get("/editor/").status_code == 302
        assert editor.get("/editor/").status_code == 200


def test_a_held_app_context_sees_a_sign_out_and_the_other_editors(editor, tiny, auth):
    other = tiny.test_client()
    sign_in(tiny, other, make_editor(tiny, "other@example.com"))
    with tiny.app_context():
        assert editor.get("/editor/").status_code == 200
        auth.logout()
        assert editor.get("/editor/").status_code == 302
        assert other.get("/editor/").status_code == 200
        assert editor.get("/editor/").status_code == 302


@pytest.mark.parametrize("where", ["in the held context", "in another context"])
def test_a_held_app_context_sees_a_password_change(editor, tiny, where):
    with tiny.app_context():
        assert editor.get("/editor/").status_code == 200
        # Held here, the account stays in the held context's SQLAlchemy session, which
        # the next request reuses: it must read the row again, not trust this object.
        user = get_session().scalar(select(User))
        if where == "in the held context":
            user.password_hash = "scrypt:changed"
            get_session().commit()
        else:
            with tiny.app_context():
                get_session().execute(update(User).values(password_hash="scrypt:changed"))
                get_session().commit()
        assert editor.get("/editor/").status_code == 302


def test_answers_that_read_no_cookie_do_not_vary_by_cookie(tiny):
    """Signing in must not make every answer vary by cookie: the API's answers, the one
    404 and /healthz are the same for every reader (and shared caches may keep them)."""
    client = tiny.test_client()
    for url in (
        "/api/v1/shows",
        "/api/v1/shows/tiny/at/2/characters",
        "/api/v1/nope",
        "/tiny/at/0/characters/nobody",
        "/zz-unknown/address",
        "/healthz",
    ):
        response = client.get(url)
        # (API answers vary by Accept-Encoding: the front keeps a gzip copy of each.)
        assert "Cookie" not in response.headers.get("Vary", ""), (url, response.headers["Vary"])
    # A viewer page does vary: the share guard reads the progress cookie.
    assert "Cookie" in client.get("/tiny/at/0/").headers.get("Vary", "")
