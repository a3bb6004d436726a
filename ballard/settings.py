"""Every setting in one table: name, default, type, meaning, and whether BALLARD_* may set it.

`ballard.config.load_config` fills app.config from this table and turns each `BALLARD_*`
string into a typed value through it; the README's configuration table is this table
rendered (`readme_table`, checked by tests/test_settings.py). No Flask here, so the
table can be rendered and tested without an app: `python -m ballard.settings`.

Not pydantic-settings: tried (2.16.3, env_prefix BALLARD_, extra="forbid"), it ignores a
misspelt BALLARD_PAGE_CACHE_M where this refuses it naming BALLARD_PAGE_CACHE_MB, takes
"+5" and "nan" where this refuses them, and answers "Input should be a valid integer"
where this says "BALLARD_PAGE_CACHE_MB must be a whole number of megabytes ≥ 0, not
'lots'". Keeping tests/test_settings.py's messages would take this module's parsers,
messages and scan of the environment anyway.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

ENV_PREFIX = "BALLARD_"
ENVIRONMENTS = ("production", "development", "testing")
DAY = 60 * 60 * 24


class ConfigError(RuntimeError):
    """The configuration cannot run safely; the message says what to set."""


@dataclass(frozen=True)
class SettingType:
    """How a `BALLARD_*` string becomes a typed value, and what to say when it cannot."""

    expected: str  # completes "BALLARD_X must be ..."
    parse: Callable[[str], Any]  # raises ValueError or LookupError for a value it refuses
    shown: Callable[[str], str] = str  # how a refused value appears in the error


def _text(raw: str) -> str:
    return raw


def whole_number(minimum: int, unit: str = "") -> SettingType:
    def parse(raw: str) -> int:
        # Digits only: int() would also take "+5", "1_000" and "٣", none of which a
        # person writing a number into an environment file means.
        if not re.fullmatch(r"[0-9]+", raw.strip()) or int(raw) < minimum:
            raise ValueError(raw)
        return int(raw)

    what = f"a whole number of {unit}" if unit else "a whole number"
    return SettingType(f"{what} ≥ {minimum}", parse)


def number(minimum: float, unit: str) -> SettingType:
    def parse(raw: str) -> float:
        # Plain decimals: float() would also take "nan", "inf" and "1_0".
        if not re.fullmatch(r"[0-9]+(\.[0-9]*)?|\.[0-9]+", raw.strip()) or float(raw) < minimum:
            raise ValueError(raw)
        return float(raw)

    return SettingType(f"a number of {unit} ≥ {minimum:g}", parse)


def optional(kind: SettingType) -> SettingType:
    """`kind`, or None spelled "none"."""

    def parse(raw: str) -> Any:
        return None if raw.strip().lower() == "none" else kind.parse(raw)

    return SettingType(f"{kind.expected}, or none", parse, kind.shown)


def choice(*options: str) -> SettingType:
    canonical = {option.lower(): option for option in options}

    def parse(raw: str) -> str:
        return canonical[raw.strip().lower()]  # KeyError is a LookupError, see _coerce

    listed = ", ".join(options[:-1]) + " or " + options[-1]
    return SettingType(f"one of {listed}", parse)


_BOOLEANS = {
    "true": True,
    "1": True,
    "yes": True,
    "on": True,
    "false": False,
    "0": False,
    "no": False,
    "off": False,
}


def _boolean(raw: str) -> bool:
    return _BOOLEANS[raw.strip().lower()]


def _database_url(raw: str) -> str:
    # make_url: ArgumentError when it is not a URL at all. get_dialect loads the dialect
    # class (not the driver), so "postgres://" or "sqlit:///" fail here, at start, with
    # the variable's name, rather than at the first request.
    make_url(raw.strip()).get_dialect()
    return raw.strip()


def _hide_password(raw: str) -> str:
    # A refused URL is echoed back to the operator, but never with its password (which
    # may itself hold an unescaped "@", hence up to the last one).
    return re.sub(r"(://[^:/@]*:).*@", r"\1***@", raw)


TEXT = SettingType("text", _text)
BOOLEAN = SettingType("true or false (or 1/0, yes/no, on/off)", _boolean)
DATABASE_URL = SettingType(
    "a database URL such as sqlite:///path/to/ballard.db or postgresql://user@host/db",
    _database_url,
    _hide_password,
)


@dataclass(frozen=True)
class Setting:
    name: str  # the app.config key; BALLARD_<name> in the environment
    default: Any
    kind: SettingType
    meaning: str  # one line; the README's "meaning" column
    env: bool = True  # may BALLARD_<name> set it? (if not, setting it refuses to start)
    tests_only: bool = False  # read by the test suite from os.environ, never put in app.config
    default_note: str = ""  # shown after the default in the README
    default_in_instance: Callable[[Path], Any] | None = None  # a default inside instance/

    @property
    def variable(self) -> str:
        return ENV_PREFIX + self.name

    def default_for(self, instance_path: Path) -> Any:
        if self.default_in_instance is not None:
            return self.default_in_instance(instance_path)
        return self.default


_COOKIE_DAYS = 400  # people come back between episodes, and browsers cap cookies at 400 days

SETTINGS: tuple[Setting, ...] = (
    Setting(
        "ENV",
        "production",
        choice(*ENVIRONMENTS),
        "`production`, `development` or `testing`. Production requires a strong secret key "
        "and marks cookies `Secure`.",
        default_note="(`make` sets `development`)",
    ),
    Setting(
        "SECRET_KEY",
        None,
        TEXT,
        "Signs the progress cookie and CSRF tokens. At least 32 characters in production.",
        default_note="(generated into `instance/dev-secret-key` outside production)",
    ),
    Setting(
        "DATABASE_URL",
        None,
        DATABASE_URL,
        "SQLAlchemy URL. `postgresql://user@host/db` uses psycopg 3.",
        default_in_instance=lambda instance: "sqlite:///" + str(instance / "ballard.db"),
    ),
    Setting(
        "HORIZON_COOKIE_MAX_AGE",
        _COOKIE_DAYS * DAY,
        whole_number(1, "seconds"),
        "Lifetime of the saved watch progress (and of the upcoming-titles opt-in), in seconds.",
        default_note=f"({_COOKIE_DAYS} days)",
    ),
    Setting(
        "EDITOR_SESSION_LIFETIME",
        8 * 60 * 60,
        whole_number(60, "seconds"),
        "Seconds an editor stays signed in after signing in; then they sign in again. "
        "Sign-out and `flask editor set-password` end sessions at once.",
        default_note="(8 hours)",
    ),
    Setting(
        "PAGE_CACHE_MB",
        64,
        whole_number(0, "megabytes"),
        "Megabytes of rendered pages and API answers each worker process keeps (least "
        "recently read out first); 0 turns every cache off.",
    ),
    Setting(
        "PAGE_CACHE_VERSION_TTL",
        1.0,
        number(0, "seconds"),
        "Seconds a worker trusts its last read of the content version: other workers' "
        "changes show within this time, its own at once. `testing` makes it 0 unless set.",
    ),
    Setting(
        "SHARED_CACHE_MAX_AGE",
        60,
        whole_number(0, "seconds"),
        "Seconds a shared cache (Varnish, a CDN) may keep a reader page or API answer "
        "(`s-maxage`; browsers still revalidate); 0 keeps every answer private.",
    ),
    Setting(
        "SHARED_CACHE_STALE",
        30,
        whole_number(0, "seconds"),
        "`stale-while-revalidate`: seconds a shared cache may answer from an expired "
        "copy while it fetches a fresh one.",
    ),
    Setting(
        "SHARED_CACHE_STALE_IF_ERROR",
        86400,
        whole_number(0, "seconds"),
        "`stale-if-error`: seconds a shared cache may answer from an expired copy while the app fails.",
        default_note="(1 day)",
    ),
    Setting(
        "SHARED_CACHE_URLS",
        "",
        TEXT,
        "Space-separated addresses of the shared caches to purge on every content change "
        "(`BAN`, see deploy/varnish/ballard.vcl), e.g. `http://127.0.0.1:6081/`; empty: "
        "no purging, changes show within `s-maxage`.",
    ),
    Setting(
        "TRUSTED_PROXIES",
        0,
        whole_number(0),
        "Proxies in front of the app that set `X-Forwarded-For/-Proto` (1 behind one load balancer).",
    ),
    Setting(
        "MAX_CONTENT_LENGTH",
        64 * 1024,
        whole_number(1, "bytes"),
        "Largest request body accepted, in bytes (larger: 413).",
    ),
    Setting(
        "DATABASE_LOCK_TIMEOUT",
        5.0,
        number(0.001, "seconds"),
        "Seconds a statement waits for a lock (SQLite's busy timeout, PostgreSQL's "
        "`lock_timeout`) before the save or load fails with a 503 or exit status 1.",
    ),
    Setting("SQL_ECHO", False, BOOLEAN, "Log every SQL statement (SQLAlchemy's `echo`)."),
    Setting(
        "TEST_DATABASE_URL",
        None,
        DATABASE_URL,
        "Tests only: run the suite against this PostgreSQL database instead. Its `public` "
        "schema is dropped and rebuilt.",
        tests_only=True,
        default_note="(tests use a temporary SQLite file)",
    ),
    Setting(
        "TEST_PGBIN",
        None,
        TEXT,
        "Tests only: the PostgreSQL binaries (`initdb`, `pg_ctl`, `pg_dump`) the fault tests "
        "use for a cluster of their own.",
        tests_only=True,
        default_note="(the newest `/usr/lib/postgresql/*/bin`; without one those tests skip)",
    ),
    # Fixed in code: changing them weakens the app, so the environment cannot.
    Setting(
        "SESSION_COOKIE_HTTPONLY",
        True,
        BOOLEAN,
        "The editor's session cookie is out of reach of scripts.",
        env=False,
    ),
    Setting(
        "SESSION_COOKIE_SAMESITE",
        "Lax",
        choice("Lax", "Strict"),
        "The editor's session cookie is not sent with cross-site POSTs.",
        env=False,
    ),
    Setting(
        "WTF_CSRF_TIME_LIMIT",
        None,
        optional(whole_number(1, "seconds")),
        "CSRF tokens do not expire: a reader may leave the slider open between episodes.",
        env=False,
    ),
    # Derived by load_config from ENV; listed so that setting them is refused, not ignored.
    Setting(
        "SESSION_COOKIE_SECURE",
        False,
        BOOLEAN,
        "Cookies are sent over HTTPS only: set from `ENV` (production only).",
        env=False,
    ),
    Setting("TESTING", False, BOOLEAN, "Flask's testing mode: set from `ENV` (testing).", env=False),
    Setting(
        "SESSION_COOKIE_NAME",
        "session",
        TEXT,
        "The editor's session cookie: `__Host-session` in production (set from `ENV`).",
        env=False,
    ),
    Setting(
        "PERMANENT_SESSION_LIFETIME",
        None,
        TEXT,
        "How long Flask accepts a session cookie after signing it: set from `EDITOR_SESSION_LIFETIME`.",
        env=False,
    ),
)
BY_NAME: Mapping[str, Setting] = {setting.name: setting for setting in SETTINGS}


def defaults(instance_path: Path) -> dict[str, Any]:
    """Every app setting at its default (the tests-only ones are not app settings)."""
    return {s.name: s.default_for(instance_path) for s in SETTINGS if not s.tests_only}


def from_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    """The typed app settings given by `BALLARD_*` variables in `environ`.

    Refuses, all problems in one message, a value its setting cannot take, a setting the
    environment may not set, and an unknown `BALLARD_*` name: a typo silently ignored
    would leave the default in force. An empty value counts as unset.
    """
    values: dict[str, Any] = {}
    problems: list[str] = []
    for variable, raw in sorted(environ.items()):
        if not variable.startswith(ENV_PREFIX) or raw == "":
            continue
        setting = BY_NAME.get(variable.removeprefix(ENV_PREFIX))
        if setting is None:
            problems.append(_unknown(variable))
        elif not setting.env:
            problems.append(f"{variable} cannot be set from the environment ({setting.meaning})")
        else:
            try:
                value = _coerce(setting, raw)
            except ConfigError as error:
                problems.append(str(error))
                continue
            if not setting.tests_only:
                values[setting.name] = value
    if problems:
        raise ConfigError("\n".join(problems))
    return values


def _coerce(setting: Setting, raw: str) -> Any:
    try:
        return setting.kind.parse(raw)
    except (ValueError, LookupError, ArgumentError, NoSuchModuleError):
        raise ConfigError(
            f"{setting.variable} must be {setting.kind.expected}, not {setting.kind.shown(raw)!r}"
        ) from None


def _unknown(variable: str) -> str:
    known = [s.variable for s in SETTINGS if s.env]
    close = difflib.get_close_matches(variable, known, n=1)
    hint = f"did you mean {close[0]}? " if close else ""
    return (
        f"{variable} is not a Ballard setting ({hint}the settings are: {', '.join(known)}; "
        "README.md, Configuration)"
    )


def shown_default(setting: Setting) -> str:
    """A default as the README shows it: `value` or "unset", then its note."""
    value = setting.default_for(Path("instance"))
    if value is None:
        shown = "unset"
    elif isinstance(value, bool):
        shown = f"`{str(value).lower()}`"
    else:
        shown = f"`{value}`"
    return f"{shown} {setting.default_note}" if setting.default_note else shown


def readme_table(settings: Iterable[Setting] = SETTINGS) -> str:
    """The README's configuration table: one row per setting the environment can set."""
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    rows += [f"| `{s.variable}` | {shown_default(s)} | {s.meaning} |" for s in settings if s.env]
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    print(readme_table(), end="")
