"""Fuzzing every input a stranger controls: zero 5xx, and each bad input a clear 4xx.

Two parts, both on the shipped Ballard pack:

- Schemathesis generates requests from the OpenAPI document (/api/v1/openapi.json):
  documented examples, boundary and invalid values (its coverage phase) and random ones.
  Every answer must be a documented status with a body that matches its schema.
- Hypothesis drives the HTML routes (and the API's paths) with hostile horizons and slugs,
  long and odd query strings, oversized and tampered cookies, the progress slider and the
  preferences form with missing or wrong CSRF tokens and out-of-range values. Each test
  states what the right answer is, not only that it is not a 500.
  Wrong methods are tried exhaustively: every route, every method it does not allow.

Script payloads in editor fields belong to the editor's own tests.

Runs are reproducible and bounded: one fixed Hypothesis profile (derandomized, no example
database, no deadline, a fixed number of examples per test). CI runs the suite twice on
two cores, so the whole file is sized to stay well under a minute a run (about 35 s on
SQLite and 45 s on PostgreSQL on a busy two-core machine).
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote, unquote, urlencode, urlsplit

import pytest
import schemathesis
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from itsdangerous import URLSafeSerializer

from ballard.cli import load_packs
from ballard.content import shipped_packs
from ballard.content.pack import read_pack
from ballard.progress import _SALT, UPCOMING_TITLES_COOKIE, cookie_name, upcoming_titles_value
from ballard.views.openapi import DOCUMENT
from tests.conftest import PLAIN_HTTP, SECRET, _empty_tables, get_engine_dispose, make_app, progress_cookie
from tests.invariance import argument_values

settings.register_profile(
    "ballard-fuzz",
    derandomize=True,  # the same cases every run, on every machine
    database=None,  # no example database: nothing carried from one run to the next
    deadline=None,  # CI machines are slow and shared; time is bounded by max_examples
    max_examples=60,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
FUZZ = settings.get_profile("ballard-fuzz")

SHOW = "ballard"
BALLARD_PACK_PATH = next(p for p in shipped_packs() if p.parent.name == SHOW)
BALLARD_PACK = read_pack(BALLARD_PACK_PATH)
LAST = len(BALLARD_PACK.episodes)  # 10
HTML_PAGES = [
    "",
    "episodes",
    "story",
    "story/full",
    "characters",
    "questions",
    "next-season",
    "timeline",
    "search?q=rawls",
    "episodes/s1e1",
    "characters/renee-ballard",
    "storylines/cover-up",
    "questions/who-killed-sarah",
]
# The detail pages above, and the first horizon at which each exists.
FIRST_VISIBLE = {
    "episodes/s1e1": 1,
    "storylines/cover-up": 1,
    "questions/who-killed-sarah": 1,
    "characters/renee-ballard": 0,
}
API_PAGES = [
    "",
    "/episodes",
    "/story",
    "/characters",
    "/questions",
    "/next-season",
    "/timeline",
    "/search?q=rawls",
    "/episodes/s1e1",
    "/characters/renee-ballard",
    "/storylines/cover-up",
    "/questions/who-killed-sarah",
]


@pytest.fixture(scope="module")
def fuzz_app(migrated):
    """The app with the shipped Ballard pack and CSRF protection on, as in production."""
    app = make_app(migrated)
    with app.app_context():
        _empty_tables()
        load_packs([BALLARD_PACK_PATH])
    yield app
    get_engine_dispose(app)


@pytest.fixture(scope="module")
def known(fuzz_app):
    values = argument_values(fuzz_app)
    assert len([v for v in values["episode"] if re.fullmatch(r"s1e\d+", v)]) >= LAST
    return {name: set(v) - {"zz-unknown-slug", "s1e99"} for name, v in values.items()}


@pytest.fixture(scope="module")
def renamed():
    """Former question slugs (argument_values lists them too), each with its question's."""
    return {old: q.slug for q in BALLARD_PACK.questions for old in q.former_slugs}


@pytest.fixture(scope="module")
def references(fuzz_app):
    """The one HTML 404 and the one JSON 404 that every not-found must equal."""
    client = fuzz_app.test_client(use_cookies=False)
    html = client.get("/zz/unknown/address")
    api = client.get("/api/zz/unknown/address")
    assert (html.status_code, api.status_code) == (404, 404)
    return {"html": html.get_data(), "api": api.get_data()}


def _reader(app, h: int = LAST) -> str:
    """A Cookie header for a reader who has watched through h, as the slider saves it."""
    return "=".join(progress_cookie(app, SHOW, h))


def _get(app, url: str, cookie: str | None = None):
    client = app.test_client(use_cookies=False)
    response = client.get(url, headers={"Cookie": cookie} if cookie else {})
    response.get_data()
    return response


def _assert_not_found(response, references, url):
    """The one 404 for this part of the site. An empty path segment ("/at//episodes")
    may instead get Werkzeug's redirect to the address with the slashes merged."""
    path = unquote(urlsplit(url).path)
    if response.status_code == 308 and "//" in path:
        assert "//" not in urlsplit(response.headers["Location"]).path, url
        return
    assert response.status_code == 404, (url, response.status_code)
    kind = "api" if url.startswith("/api/") else "html"
    assert response.get_data() == references[kind], url


# --- Schemathesis over the OpenAPI document ----------------------------------------------------


def _seeded_document() -> dict:
    """The document with each path parameter narrowed to the pack's own values, so that
    generated requests reach real pages at every horizon instead of mostly 404s; anything
    outside those values is then "negative" data, which must get a 4xx."""
    document = json.loads(json.dumps(DOCUMENT))
    season = BALLARD_PACK.season.number
    values = {
        "show": [BALLARD_PACK.show.slug],
        "episode": [f"s{season}e{e.number}" for e in BALLARD_PACK.episodes],
        "character": [c.slug for c in BALLARD_PACK.characters],
        "storyline": [s.slug for s in BALLARD_PACK.storylines],
        "question": [q.slug for q in BALLARD_PACK.questions],
    }
    parameters = document["components"]["parameters"]
    for name, allowed in values.items():
        parameters[name]["schema"] = {"type": "string", "enum": sorted(allowed)}
    parameters["h"]["schema"] = {"type": "integer", "minimum": 0, "maximum": len(BALLARD_PACK.episodes)}
    return document


# Schemathesis asks for gzip like `requests` does, but over WSGI nothing decodes it: ask
# for the plain bytes (the gzip copies are those bytes compressed; tests/test_wire.py).
PLAIN = {"Accept-Encoding": "identity"}
DOCUMENTED = schemathesis.openapi.from_dict(json.loads(json.dumps(DOCUMENT)))
SEEDED = schemathesis.openapi.from_dict(_seeded_document())


@DOCUMENTED.parametrize()
@settings(FUZZ, max_examples=20)
def test_api_conforms_to_its_document_under_fuzzing(case, fuzz_app):
    """No 5xx; every status documented; every body matches its schema; invalid input
    (a value outside a parameter's schema) is refused with a 4xx."""
    response = case.call_and_validate(app=fuzz_app, headers=PLAIN)
    assert response.status_code < 500


@SEEDED.parametrize()
@settings(FUZZ, max_examples=20)
def test_api_conforms_on_real_content_under_fuzzing(case, fuzz_app):
    """The same checks, with the pack's own slugs and horizons, so most answers are real
    pages (at every h) whose bodies are checked against the document."""
    response = case.call_and_validate(app=fuzz_app, headers=PLAIN)
    assert response.status_code < 500


# --- hostile horizons ---------------------------------------------------------------------------

HORIZONS = st.one_of(
    st.integers(min_value=0, max_value=LAST).map(str),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.integers(min_value=0, max_value=LAST).map(lambda n: f"0{n}"),
    st.integers(min_value=0, max_value=LAST).map(lambda n: f"{n}.0"),
    st.integers(min_value=0, max_value=LAST).map(lambda n: f" {n}"),
    st.sampled_from(
        [
            "",
            "-0",
            "+1",
            "1e1",
            "0x5",
            "٣",
            "①",
            "¹",
            "NaN",
            "inf",
            "None",
            "..",
            "%00",
            "4/../5",
            "4;5",
            "4%2F5",
            "true",
            "[4]",
        ]
    ),
    st.text(max_size=40),
)


@settings(FUZZ, max_examples=150)
@given(
    raw=HORIZONS,
    page=st.sampled_from([("html", p) for p in HTML_PAGES] + [("api", p) for p in API_PAGES]),
    with_cookie=st.booleans(),
)
def test_hostile_horizons(fuzz_app, references, raw, page, with_cookie):
    """A horizon is "0" to "10" exactly; anything else is the one 404, on every page."""
    kind, path = page
    h = quote(raw, safe="")
    url = f"/{SHOW}/at/{h}/{path}" if kind == "html" else f"/api/v1/shows/{SHOW}/at/{h}{path}"
    response = _get(fuzz_app, url, _reader(fuzz_app) if with_cookie else None)
    if raw not in {str(n) for n in range(LAST + 1)}:
        _assert_not_found(response, references, url)
        return
    h = int(raw)
    guarded = kind == "html" and not with_cookie and h > 0  # the share guard asks first
    if guarded or h >= FIRST_VISIBLE.get(path.strip("/"), 0):
        assert response.status_code == 200, (url, response.status_code)
    else:
        _assert_not_found(response, references, url)


# --- hostile slugs ------------------------------------------------------------------------------

KINDS = {"characters": "character", "storylines": "storyline", "questions": "question", "episodes": "episode"}


@st.composite
def slugs(draw, known_values):
    base = draw(st.sampled_from(sorted(known_values)))
    mutated = draw(
        st.sampled_from(
            [
                base,
                base.upper(),
                base + " ",
                " " + base,
                base + "-",
                base + "\x00",
                base + "/",
                base + "%",
                base.replace("-", "_"),
                base + "\u200b",
                base * 3,
                base[:-1],
            ]
        )
    )
    return draw(
        st.one_of(
            st.just(mutated),
            st.text(max_size=60),
            st.from_regex(r"[a-z0-9-]{1,90}", fullmatch=True),
            st.text(alphabet="aeiou-./\\%?#&=;:@ \t", max_size=30),
            st.just("x" * 3000),
        )
    )


@settings(FUZZ, max_examples=150)
@given(data=st.data(), kind=st.sampled_from(sorted(KINDS)), api=st.booleans())
def test_hostile_slugs(fuzz_app, known, references, renamed, data, kind, api):
    """At the finale everything is visible: a slug answers 200 iff it exists exactly (a
    question's former slug: 308 to its new one), otherwise the one 404 (for shows too)."""
    slug = data.draw(slugs(known[KINDS[kind]]), label="slug")
    tail = f"{kind}/{quote(slug, safe='')}"
    url = f"/api/v1/shows/{SHOW}/at/{LAST}/{tail}" if api else f"/{SHOW}/at/{LAST}/{tail}"
    response = _get(fuzz_app, url, _reader(fuzz_app))
    if kind == "questions" and slug in renamed:
        assert response.status_code == 308, url
        assert response.headers["Location"] == url.replace(f"/{slug}", f"/{renamed[slug]}")
    elif slug in known[KINDS[kind]]:
        assert response.status_code == 200, url
    else:
        _assert_not_found(response, references, url)
    show = data.draw(slugs(known["show"]), label="show")
    show_url = (
        f"/api/v1/shows/{quote(show, safe='')}/at/1/characters"
        if api
        else f"/{quote(show, safe='')}/at/1/characters"
    )
    response = _get(fuzz_app, show_url, _reader(fuzz_app))
    if show in known["show"]:
        assert response.status_code == 200, show_url
    else:
        _assert_not_found(response, references, show_url)


# --- long and odd query strings -----------------------------------------------------------------

QUERY_TEXT = st.one_of(
    st.text(max_size=400),
    st.text(alphabet=" \t\n", max_size=300),
    st.text(min_size=190, max_size=260, alphabet=st.characters(codec="utf-8")),
    st.sampled_from(
        [
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "%",
            "_",
            "\\",
            "\x00",
            "a" * 200,
            "a" * 201,
            "é" * 201,
            "𝔅" * 150,
            "\ud800".encode("utf-8", "surrogatepass").decode("latin-1"),
        ]
    ),
)
RAW_QUERY = st.one_of(
    st.text(alphabet="%&=+;?#/ abcdefFF0123456789", max_size=80),
    st.binary(max_size=60).map(lambda b: "".join(f"%{byte:02X}" for byte in b)),
)


@settings(FUZZ, max_examples=120)
@given(q=QUERY_TEXT, api=st.booleans())
def test_search_queries(fuzz_app, q, api):
    """A search answers 200, or 400 with a message when the query is too long."""
    if api:
        url = f"/api/v1/shows/{SHOW}/at/{LAST}/search?{urlencode({'q': q})}"
    else:
        url = f"/{SHOW}/at/{LAST}/search?{urlencode({'q': q})}"
    response = _get(fuzz_app, url, _reader(fuzz_app))
    # The HTML page strips the query before measuring it; the API measures what was sent.
    sent = q.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    too_long = len(sent if api else sent.strip()) > 200
    if too_long:
        assert response.status_code == 400, url
        if api:
            assert json.loads(response.get_data())["error"]["code"] == "bad_request"
        else:
            assert "limited to 200 characters" in response.get_data(as_text=True)
    else:
        assert response.status_code == 200, (url, response.status_code)


@settings(FUZZ, max_examples=120)
@given(
    raw=RAW_QUERY,
    page=st.sampled_from(
        [f"/{SHOW}/at/4/{p}" for p in ("", "characters", "search", "episodes/s1e2")]
        + [f"/{SHOW}/", "/", "/api/v1/shows", f"/api/v1/shows/{SHOW}/at/4/search"]
    ),
)
def test_odd_query_strings(fuzz_app, raw, page):
    """Raw query strings (broken escapes, invalid UTF-8, stray separators) never break a
    page: HTML pages ignore what they do not read; the API names what it does not accept."""
    url = f"{page}?{raw}"
    response = _get(fuzz_app, url, _reader(fuzz_app))
    assert response.status_code < 500, url
    if page.startswith("/api/"):
        assert response.status_code in (200, 400), url
        if response.status_code == 400:
            assert json.loads(response.get_data())["error"]["code"] == "bad_request"
    elif page == f"/{SHOW}/":
        assert response.status_code == 302
    elif page.endswith("search"):
        assert response.status_code in (200, 400), url
    else:
        assert response.status_code == 200, url


# --- oversized and tampered cookies -------------------------------------------------------------

LATER_TITLES = ["Beneath the Surface", "Fork in the Road", "End of the Line"]  # E6, E7, E10
COOKIE_TEXT = st.text(
    alphabet=st.characters(min_codepoint=0x21, max_codepoint=0xFF, exclude_characters=';,\\"'), max_size=300
)


@st.composite
def progress_cookies(draw):
    """(cookie value, the h it must be read as, or None for "unreadable")."""
    serializer = URLSafeSerializer(SECRET, salt=_SALT)
    kind = draw(
        st.sampled_from(
            ["signed-valid", "signed-odd", "forged", "garbage", "huge", "other-key", "other-salt"]
        )
    )
    if kind == "signed-valid":
        h = draw(st.integers(0, LAST))
        return serializer.dumps(h), h
    if kind == "signed-odd":
        value = draw(
            st.one_of(
                st.integers(max_value=-1),
                st.integers(min_value=LAST + 1),
                st.booleans(),
                st.floats(allow_nan=False),
                st.text(max_size=5),
                st.none(),
                st.lists(st.integers(0, LAST), max_size=2),
            )
        )
        return serializer.dumps(value), None
    if kind == "forged":
        h = draw(st.integers(0, LAST))
        return serializer.dumps(h)[:-2] + draw(st.sampled_from(["AA", "zz", "__"])), None
    if kind == "other-key":
        return URLSafeSerializer("another-secret-key-that-is-long-enough-xx", salt=_SALT).dumps(3), None
    if kind == "other-salt":
        return URLSafeSerializer(SECRET, salt="another").dumps(3), None
    if kind == "huge":
        return draw(st.sampled_from(["x", "4.", "A"])) * draw(st.integers(201, 9000)), None
    value = draw(COOKIE_TEXT)
    return value, None


@settings(FUZZ, max_examples=150)
@given(
    cookie=progress_cookies(),
    upcoming=st.one_of(COOKIE_TEXT, st.just("1"), st.just(upcoming_titles_value(SECRET))),
)
def test_tampered_and_oversized_cookies(fuzz_app, cookie, upcoming):
    """The progress cookie is read only when our signature and a 0..10 value check out;
    anything else fails closed to h = 0 with a notice. Pages never fail because of it."""
    value, h = cookie
    header = f"{cookie_name(SHOW, PLAIN_HTTP)}={value}; {UPCOMING_TITLES_COOKIE}={upcoming}"
    home = _get(fuzz_app, f"/{SHOW}/", header)
    assert home.status_code == 302
    if h is None:
        assert home.headers["Location"] == f"/{SHOW}/at/0/?notice=unreadable"
    else:
        assert home.headers["Location"] == f"/{SHOW}/at/{h}/"
    page = _get(fuzz_app, f"/{SHOW}/at/4/episodes", header)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    # Behind the reader's horizon (or with none), the share guard asks first.
    guarded = "Before you read on" in text
    assert guarded == (h is None or h < 4), text[:300]
    # Titles of unwatched episodes only with the signed opt-in, and never on the guard.
    shown = [t for t in LATER_TITLES if t in text]
    signed = upcoming == upcoming_titles_value(SECRET)
    assert shown == (LATER_TITLES if signed and not guarded else []), shown
    api = _get(fuzz_app, f"/api/v1/shows/{SHOW}/at/4/episodes", header)
    assert api.status_code == 200
    assert [e for e in json.loads(api.get_data())["episodes"] if not e["watched"]] == [
        {"position": n, "code": f"S1E{n}", "watched": False} for n in range(5, LAST + 1)
    ]


# --- the progress slider and the preferences form ----------------------------------------------


# Where a reader's form post comes from, as a browser says it; the slider and the
# preferences carry no token, ballard/origin_check.py checks these headers instead.
ORIGINS = {
    "no browser": {},
    "same-origin": {"Sec-Fetch-Site": "same-origin"},
    "navigation": {"Sec-Fetch-Site": "none"},
    "same-site": {"Sec-Fetch-Site": "same-site"},
    "cross-site": {"Sec-Fetch-Site": "cross-site", "Origin": "http://localhost"},
    "own origin": {"Origin": "http://localhost"},
    "other origin": {"Origin": "https://evil.example"},
    "null origin": {"Origin": "null"},
}
REFUSED_ORIGINS = {"same-site", "cross-site", "other origin", "null origin"}


def _accepted_horizon(value: str | None) -> int | None:
    """What WTForms' IntegerField plus NumberRange(0, 10) accept, independently stated."""
    if value is None:
        return None
    try:
        number = int(value)
    except ValueError:
        return None
    return number if 0 <= number <= LAST else None


HORIZON_FIELD = st.one_of(
    st.none(),
    st.integers(-(10**20), 10**20).map(str),
    st.integers(-2, LAST + 2).map(str),
    st.sampled_from(["", " 3 ", "+3", "3.0", "1_0", "٣", "0x3", "3; 4", "NaN"]),
    st.text(max_size=20),
)
NEXT_FIELD = st.one_of(
    st.none(),
    st.text(max_size=40),
    st.sampled_from(
        [
            "//evil.example/",
            "https://evil.example/ballard/at/1/",
            f"/{SHOW}/at/2/characters",
            f"/{SHOW}/at/2/../../admin",
            f"/{SHOW}/at/2/\\evil",
            f"/{SHOW}/at/2/\r\nSet-Cookie: x=1",
            "/other/at/1/",
            f"/{SHOW}/at/3/search?q=rawls",
            "javascript:alert(1)",
        ]
    ),
)


@settings(FUZZ, max_examples=150)
@given(
    origin=st.sampled_from(sorted(ORIGINS)),
    horizon=HORIZON_FIELD,
    next_=NEXT_FIELD,
    extra=st.dictionaries(st.text(min_size=1, max_size=10), st.text(max_size=20), max_size=3),
)
def test_progress_form(fuzz_app, origin, horizon, next_, extra):
    """The slider's POST: from another site, 403 "Form not accepted"; a bad value, 400
    with the field's message; otherwise 303 to this show's guide only, with the cookie."""
    client = fuzz_app.test_client()
    form = {k: v for k, v in extra.items() if k not in ("horizon", "next")}
    form["horizon"], form["next"] = horizon, next_
    response = client.post(
        f"/{SHOW}/progress", headers=ORIGINS[origin], data={k: v for k, v in form.items() if v is not None}
    )
    saved = client.get_cookie(cookie_name(SHOW, PLAIN_HTTP))
    text = response.get_data(as_text=True)
    if origin in REFUSED_ORIGINS:
        assert response.status_code == 403
        assert "Form not accepted" in text
        assert saved is None
        return
    accepted = _accepted_horizon(horizon)
    if accepted is None:
        assert response.status_code == 400
        errors = BeautifulSoup(text, "html.parser").select(".field-errors li")
        assert errors, text[:500]
        assert saved is None
        return
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location.startswith(f"/{SHOW}/at/") and "\\" not in location
    assert not any(ord(ch) < 32 for ch in location)
    if not (next_ or "").startswith(f"/{SHOW}/at/"):
        assert location == f"/{SHOW}/at/{accepted}/"  # never off this show's guide
    assert saved is not None
    assert (
        _get(fuzz_app, f"/{SHOW}/", f"{cookie_name(SHOW, PLAIN_HTTP)}={saved.value}").headers["Location"]
        == f"/{SHOW}/at/{accepted}/"
    )


@settings(FUZZ, max_examples=80)
@given(
    origin=st.sampled_from(sorted(ORIGINS)),
    token=st.one_of(st.none(), st.text(max_size=60)),
    enabled=st.one_of(
        st.none(), st.sampled_from(["y", "on", "1", "false", "", "0", "no"]), st.text(max_size=20)
    ),
    progress=st.one_of(st.none(), st.integers(0, LAST)),
)
def test_preferences_form(fuzz_app, origin, token, enabled, progress):
    """The upcoming-titles opt-in: the origin first (a stray token changes nothing), then
    303 to the reader's own horizon."""
    client = fuzz_app.test_client()
    if progress is not None:
        name, value = _reader(fuzz_app, progress).split("=", 1)
        client.set_cookie(name, value)
    form = {"csrf_token": token, "enabled": enabled}
    response = client.post(
        f"/{SHOW}/preferences", headers=ORIGINS[origin], data={k: v for k, v in form.items() if v is not None}
    )
    opted_in = client.get_cookie(UPCOMING_TITLES_COOKIE)
    if origin in REFUSED_ORIGINS:
        assert response.status_code == 403
        assert "Form not accepted" in response.get_data(as_text=True)
        assert opted_in is None
        return
    assert response.status_code == 303
    assert response.headers["Location"] == f"/{SHOW}/at/{progress or 0}/"
    # WTForms' BooleanField: absent, "" and "false" are off; any other value is on.
    wanted = enabled not in (None, "", "false")
    assert (opted_in is not None and opted_in.value == upcoming_titles_value(SECRET)) == wanted


@pytest.mark.parametrize(
    ("field", "size"), [("horizon", 600_000), ("next", 600_000), ("csrf_token", 600_000), ("junk", 2_000_000)]
)
def test_oversized_form_fields(fuzz_app, field, size):
    """A body over MAX_CONTENT_LENGTH is refused with 413 before the form is read: never a
    5xx, and nothing saved."""
    client = fuzz_app.test_client()
    form = {"csrf_token": "x", "horizon": "3", field: "9" * size}
    response = client.post(f"/{SHOW}/progress", data=form)
    assert response.status_code == 413
    assert client.get_cookie(cookie_name(SHOW, PLAIN_HTTP)) is None


# --- methods a route does not allow: every route, exhaustively -----------------------------------

METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "PROPFIND", "BREW"]


def test_every_route_refuses_every_method_it_does_not_allow(fuzz_app, known):
    """Every rule in the URL map (viewer, API, editor, static...), every method it does not
    list: 405, JSON with an Allow header under /api/, the HTML error page elsewhere."""
    values = {name: sorted(v)[0] for name, v in known.items()}
    values.update(episode="s1e1", filename="guide.css", h=str(LAST))
    client = fuzz_app.test_client(use_cookies=False)
    checked = 0
    with fuzz_app.test_request_context():
        from flask import url_for

        # Arguments this file has no value for (other blueprints' ids) get "1", which
        # fits string and integer converters alike: routing decides 405 before any lookup.
        rules = [
            (rule, url_for(rule.endpoint, **{name: values.get(name, "1") for name in rule.arguments}))
            for rule in fuzz_app.url_map.iter_rules()
        ]
    for rule, url in rules:
        for method in METHODS:
            if method in (rule.methods or set()):
                continue
            response = client.open(url, method=method, headers={"Cookie": _reader(fuzz_app)})
            assert response.status_code == 405, (method, url, response.status_code)
            if url.startswith("/api/"):
                assert json.loads(response.get_data())["error"]["code"] == "method_not_allowed"
                assert set(response.headers["Allow"].split(", ")) == rule.methods
            else:
                assert "Method Not Allowed" in response.get_data(as_text=True)
            checked += 1
    assert checked >= len(rules) * 4
