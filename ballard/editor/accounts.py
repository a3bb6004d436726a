"""Editor accounts: creating them, checking passwords, and rate-limiting sign-in.

Passwords are hashed with scrypt (werkzeug.security's default). Failed sign-ins are
counted in the database, not in memory: production runs several gunicorn workers behind
a load balancer, and an in-process counter (or Flask-Limiter's default memory storage)
would give an attacker a fresh allowance per worker and forget everything on restart.
The database is already shared by every worker, so it needs no new service.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from ballard.models import LoginAttempt, User

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
# At most this many failed sign-ins per (address, email), and per address, in the window.
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 20
FAILURE_WINDOW = dt.timedelta(minutes=15)

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Compared against when the email is unknown, so a wrong email costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password-0123456789")


class AccountError(ValueError):
    """An account cannot be created; the message says why."""


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def normalize_email(email: str) -> str:
    return email.strip().lower()


def check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"The password must be at least {MIN_PASSWORD_LENGTH} characters long.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(f"The password must be at most {MAX_PASSWORD_LENGTH} characters long.")


def create_editor(session: Session, email: str, password: str) -> User:
    """A new editor account; the caller commits."""
    email = normalize_email(email)
    if not _EMAIL.match(email) or len(email) > 254:
        raise AccountError(f"{email!r} is not an email address.")
    if session.scalar(select(User).where(User.email == email)) is not None:
        raise AccountError(f"There is already an editor with the email {email}.")
    check_new_password(password)
    user = User(email=email, password_hash=generate_password_hash(password), created_at=utcnow())
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The editor with this email and password, or None. Takes as long either way."""
    user = session.scalar(select(User).where(User.email == normalize_email(email)))
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


def session_fingerprint(user: User, secret_key: str) -> str:
    """Part of the id Flask-Login keeps in the session cookie (ballard/views/auth.py);
    changes when the password or the session generation does, which ends every session
    of that editor issued before, wherever its cookie is."""
    material = f"{user.session_generation}:{user.password_hash}".encode()
    return hmac.new(secret_key.encode(), material, hashlib.sha256).hexdigest()[:32]


def end_sessions(session: Session, user: User) -> None:
    """End every session of `user` on the server (sign-out, a password change): a copied
    session cookie stops working too. The caller commits."""
    session.execute(
        update(User).where(User.id == user.id).values(session_generation=User.session_generation + 1)
    )
    session.refresh(user)


def set_password(session: Session, user: User, password: str) -> None:
    """A new password for `user`, which ends every session they have. The caller commits."""
    check_new_password(password)
    user.password_hash = generate_password_hash(password)
    session.flush()
    end_sessions(session, user)


@dataclass(frozen=True)
class Throttle:
    """Whether a sign-in from `ip` for `email` may be tried now."""

    allowed: bool
    retry_after_seconds: int = 0


def check_throttle(
    session: Session, ip: str, email: str, now: dt.datetime | None = None, besides: int | None = None
) -> Throttle:
    """Whether the failures in the window leave room for one more attempt (`besides`:
    the id of this attempt's own reservation, which is not counted)."""
    now = now or utcnow()
    since = now - FAILURE_WINDOW
    email = normalize_email(email)
    recent = select(LoginAttempt.attempted_at).where(LoginAttempt.ip == ip, LoginAttempt.attempted_at > since)
    if besides is not None:
        recent = recent.where(LoginAttempt.id != besides)
    per_address = session.scalars(recent.order_by(LoginAttempt.attempted_at)).all()
    per_account = session.scalars(
        recent.where(LoginAttempt.email == email).order_by(LoginAttempt.attempted_at)
    ).all()
    for attempts, limit in ((per_account, MAX_FAILURES_PER_ACCOUNT), (per_address, MAX_FAILURES_PER_ADDRESS)):
        if len(attempts) >= limit:
            # Allowed again once the oldest counted failure leaves the window.
            free_at = attempts[len(attempts) - limit] + FAILURE_WINDOW
            return Throttle(False, max(1, int((free_at - now).total_seconds()) + 1))
    return Throttle(True)


def reserve_attempt(session: Session, ip: str, email: str, now: dt.datetime | None = None) -> Throttle:
    """Record a sign-in attempt as a failure before its password is checked, then count.

    The attempt is committed first and counted after, so concurrent attempts (each
    worker thread, each worker, each instance) cannot all pass the count before any is
    recorded: an attempt counts every attempt committed before its count, and the last
    of any group to count sees the whole group, so at most the limit are allowed, on
    SQLite and PostgreSQL alike, without a lock. A refused attempt takes its reservation
    back (it checked no password); an allowed one stays a failure unless the password is
    right (`clear_failures`). Commits.
    """
    now = now or utcnow()
    session.execute(delete(LoginAttempt).where(LoginAttempt.attempted_at <= now - FAILURE_WINDOW))
    attempt = LoginAttempt(ip=ip[:64], email=normalize_email(email)[:254], attempted_at=now)
    session.add(attempt)
    session.commit()
    throttle = check_throttle(session, attempt.ip, attempt.email, now, besides=attempt.id)
    if not throttle.allowed:
        session.execute(delete(LoginAttempt).where(LoginAttempt.id == attempt.id))
        session.commit()
    return throttle


def clear_failures(session: Session, ip: str, email: str) -> None:
    session.execute(
        delete(LoginAttempt).where(
            LoginAttempt.ip == ip[:64], LoginAttempt.email == normalize_email(email)[:254]
        )
    )
