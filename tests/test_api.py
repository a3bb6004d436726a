"""The JSON API (/api/v1/): its document, its horizon rules, its errors and its caching."""

from __future__ import annotations

import hashlib
import json
import re
from urllib.parse import quote, unquote, urlencode

import pytest
import schemathesis
from bs4 import BeautifulSoup
from flask import Flask
from pydantic import BaseModel

from ballard.cli import load_packs
from ballard.progress import UPCOMING_TITLES_COOKIE
from ballard.views.api_shapes import Closed
from ballard.views.guide import MAX_QUERY_LENGTH
from ballard.views.openapi import DOCUMENT, component_schemas
from tests.canary import later_tokens
from tests.conftest import TINY_PACK, get_engine_dispose, make_app, set_progress_cookie
from tests.invariance import argument_values, prune_after, search_terms, snapshot, urls_at
from tests.test_invariance import _loaded_app, _pack_paths

API = "/api/v1"


def _json(response):
    assert response.mimetype == "application/json", response.get_data(as_text=True)[:200]
    return json.loads(response.get_data(as_text=True))


# --- the OpenAPI document against the URL map -------------------------------------------------


def _openapi_path(rule: str) -> str:
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule)


def _api_routes(app: Flask) -> dict[tuple[str, str], set[str]]:
    """(path, method) -> argument names, for every API rule in the URL map."""
    routes = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}:
                routes[_openapi_path(rule.rule), method.lower()] = set(rule.arguments)
    return routes


def _documented(document: dict) -> dict[tuple[str, str], set[str]]:
    parameters = document["components"]["parameters"]
    found = {}
    for path, item in document["paths"].items():
        for method, operation in item.items():
            names = set()
            for p in operation.get("parameters", []):
                p = parameters[p["$ref"].rsplit("/", 1)[1]] if "$ref" in p else p
                if p["in"] == "path":
                    names.add(p["name"])
            found[path, method] = names
    return found


def _mismatches(app: Flask, document: dict) -> list[str]:
    routes, documented = _api_routes(app), _documented(document)
    problems = [f"undocumented route {m.upper()} {p}" for p, m in routes.keys() - documented.keys()]
    problems += [f"documented but no route: {m.upper()} {p}" for p, m in documented.keys() - routes.keys()]
    problems += [
        f"{m.upper()} {p}: path parameters {sorted(documented[p, m])} "
        f"but the route has {sorted(routes[p, m])}"
        for p, m in routes.keys() & documented.keys()
        if routes[p, m] != documented[p, m]
    ]
    return sorted(problems)


def test_every_api_route_is_documented_and_nothing_else(app):
    assert _mismatches(app, DOCUMENT) == []
    assert len(_api_routes(app)) >= 16


def test_the_route_check_catches_a_missing_and_an_extra_operation(app):
    document = json.loads(json.dumps(DOCUMENT))
    del document["paths"][f"{API}/shows/{{show}}/at/{{h}}/characters"]
    document["paths"][f"{API}/shows/{{show}}/at/{{h}}/gossip"] = {"get": {"responses": {}}}
    document["paths"][f"{API}/shows/{{show}}"]["get"]["parameters"] = []
    assert _mismatches(app, document) == [
        f"GET {API}/shows/{{show}}: path parameters [] but the route has ['show']",
        f"documented but no route: GET {API}/shows/{{show}}/at/{{h}}/gossip",
        f"undocumented route GET {API}/shows/{{show}}/at/{{h}}/characters",
    ]


def test_served_document_is_valid_openapi_3_1(tiny, client):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    served = _json(response)
    assert served == DOCUMENT
    assert served["openapi"] == "3.1.0"
    schema = schemathesis.openapi.from_dict(served)
    schema.validate()  # against the OpenAPI 3.1 meta-schema
    parameters = served["paths"][f"{API}/shows/{{show}}/at/{{h}}/search"]["get"]["parameters"]
    q = next(p for p in parameters if p.get("name") == "q")
    assert q["schema"]["maxLength"] == MAX_QUERY_LENGTH


def _loose_objects(schema, where: str) -> list[str]:
    """Object schemas, at any depth, that allow other properties or leave one out."""
    problems = []
    if isinstance(schema, list):
        for i, item in enumerate(schema):
            problems += _loose_objects(item, f"{where}[{i}]")
    elif isinstance(schema, dict):
        if schema.get("type") == "object":
            if schema.get("additionalProperties") is not False:
                problems.append(f"{where}: not closed")
            optional = sorted(set(schema.get("properties", {})) - set(schema.get("required", [])))
            if optional:
                problems.append(f"{where}: optional {optional}")
        for key, value in schema.items():
            if key == "properties":
                for name, property_schema in value.items():
                    problems += _loose_objects(property_schema, f"{where}.{name}")
            else:
                problems += _loose_objects(value, f"{where}/{key}" if where else key)
    return problems


def test_every_object_in_the_document_is_closed_with_every_property_required():
    """So an answer with a field the document does not list, or without one it lists,
    fails the conformance tests; nullable fields are required too, and say null."""
    schemas = DOCUMENT["components"]["schemas"]
    assert _loose_objects(schemas, "") == []
    assert {"type": "null"} in schemas["Question"]["properties"]["answer"]["anyOf"]
    assert {"type": "null"} in schemas["WatchedEpisode"]["properties"]["title"]["anyOf"]
    assert schemas["WatchedEpisode"]["properties"]["watched"]["const"] is True
    assert schemas["UnwatchedEpisode"]["properties"]["watched"]["const"] is False
    assert schemas["UnwatchedEpisode"]["required"] == ["position", "code", "watched"]
    assert schemas["SpoilerLevel"]["enum"] == ["minor", "major", "twist"]
    assert schemas["Story"]["properties"]["view"]["enum"] == ["condensed", "full"]
    error = schemas["ErrorDetail"]
    assert (error["required"], schemas["Error"]["required"]) == (["code", "message"], ["error"])


def test_the_closed_object_check_catches_an_open_shape_and_a_default():
    class Open(BaseModel):
        a: int

    class WithDefault(Closed):
        a: int
        b: int = 0
        nested: Open

    assert _loose_objects(component_schemas([WithDefault])[1], "") == [
        "Open: not closed",
        "WithDefault: optional ['b']",
    ]


def test_every_answer_at_every_horizon_conforms_to_the_document(tiny, client):
    """Every API route, every argument value (known, unknown), every h: the status is
    documented and the body matches its schema exactly (closed objects)."""
    schema = schemathesis.openapi.from_dict(json.loads(json.dumps(DOCUMENT)))
    values = argument_values(tiny)
    statuses = {}
    for h in range(0, 6):
        for endpoint, method, url in urls_at(
            tiny, h, values, {"api.search": ["q=dana", "q=boatman", "q=nothingatall", "q=" + "x" * 201]}
        ):
            if not endpoint.startswith("api.") or endpoint == "api.openapi":
                continue
            response = client.open(url, method=method)
            rule = next(r for r in tiny.url_map.iter_rules() if r.endpoint == endpoint)
            operation = schema[_openapi_path(rule.rule)][method]
            operation.validate_response(response)  # raises on a mismatch
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
    assert set(statuses) == {200, 308, 400, 404}, statuses  # 308: a renamed question


# --- horizon rules --------------------------------------------------------------------------


def test_unwatched_episodes_are_position_and_code_only_whatever_the_cookies(tiny, client):
    client.set_cookie(UPCOMING_TITLES_COOKIE, "1")  # the HTML opt-in; the API ignores it
    body = _json(client.get(f"{API}/shows/tiny/at/2/episodes"))
    assert body["h"] == 2 and body["show"] == {"slug": "tiny", "title": "Tiny Show", "episode_count": 4}
    episodes = body["episodes"]
    assert [e["watched"] for e in episodes] == [True, True, False, False]
    assert episodes[2:] == [
        {"position": 3, "code": "S1E3", "watched": False},
        {"position": 4, "code": "S1E4", "watched": False},
    ]
    assert episodes[0]["title"] == "Arrival" and episodes[0]["writer"] == "Ann Writer"
    assert episodes[0]["release_date"] == "2025-01-01"
    assert episodes[0]["url"] == f"{API}/shows/tiny/at/2/episodes/s1e1"
    assert "Lake Gives Up" not in json.dumps(body)


def test_no_share_guard_the_horizon_in_the_path_decides(tiny, client):
    """A reader with no cookie (or a cookie behind the URL) gets the URL's horizon."""
    set_progress_cookie(tiny, client, "tiny", 1)
    body = _json(client.get(f"{API}/shows/tiny/at/4/characters/owen-marsh"))
    assert body["character"]["status"]["status"] == "arrested"


def test_statuses_bios_and_aliases_are_as_of_h(tiny, client):
    def owen(h):
        return _json(client.get(f"{API}/shows/tiny/at/{h}/characters/owen-marsh"))["character"]

    at2, at3, at4 = owen(2), owen(3), owen(4)
    assert at2["status"] == {"status": "active", "note": None, "episode": {"position": 2, "code": "S1E2"}}
    assert at2["aliases"] == [] and at3["aliases"] == ["The Boatman"]
    assert at4["status"]["status"] == "arrested"
    assert [row["status"] for row in at4["history"]] == ["active", "arrested"]
    assert at2["introduced"] == {"position": 2, "code": "S1E2"}
    assert [b["text"] for b in at2["bios"]] == ["He runs the only inn in town."]
    assert at2["appearances"] == [{"position": 2, "code": "S1E2"}]
    dana = _json(client.get(f"{API}/shows/tiny/at/0/characters/dana-reed"))["character"]
    assert dana["introduced"] is None and dana["status"] is None


def test_recap_points_revealed_later_stay_hidden(tiny, client):
    at2 = _json(client.get(f"{API}/shows/tiny/at/2/episodes/s1e2"))
    at3 = _json(client.get(f"{API}/shows/tiny/at/3/episodes/s1e2"))

    def texts(body):
        return [p["text"] for s in body["storylines"] for p in s["points"]]

    assert not any("rowing" in t for t in texts(at2))
    assert any("rowing" in t for t in texts(at3))
    assert at2["next"] is None and at3["next"]["code"] == "S1E3"
    assert at3["previous"]["slug"] == "s1e1"
    assert [c["slug"] for c in at2["news"]["characters_introduced"]] == ["owen-marsh"]
    twist = next(p for s in at3["storylines"] for p in s["points"] if "rowing" in p["text"])
    assert twist["twist"] is True and twist["level"] == "twist"


def test_questions_and_next_season(tiny, client):
    board = _json(client.get(f"{API}/shows/tiny/at/3/questions"))
    assert [q["slug"] for q in board["open"]] == ["who-is-the-body", "will-sister-stay"]
    assert [q["slug"] for q in board["answered"]] == ["why-did-dana-leave"]
    assert board["answered"][0]["answer"] == "A case went wrong."
    assert all(q["answer"] is None and q["answered"] is None for q in board["open"])
    assert "partner" not in json.dumps(board)
    before = _json(client.get(f"{API}/shows/tiny/at/3/next-season"))
    assert (before["finished"], before["questions"]) == (False, None)
    finale = _json(client.get(f"{API}/shows/tiny/at/4/next-season"))
    assert finale["finished"] is True
    assert [q["slug"] for q in finale["questions"]] == ["will-sister-stay"]


def test_story_storylines_and_timeline(tiny, client):
    condensed = _json(client.get(f"{API}/shows/tiny/at/2/story"))
    full = _json(client.get(f"{API}/shows/tiny/at/2/story/full"))
    assert (condensed["view"], full["view"]) == ("condensed", "full")

    def levels(body):
        return {p["level"] for s in body["storylines"] for e in s["episodes"] for p in e["points"]}

    assert levels(condensed) == {"major"} and levels(full) == {"major", "minor"}
    listing = _json(client.get(f"{API}/shows/tiny/at/1/storylines"))["storylines"]
    assert [s["slug"] for s in listing] == ["the-case"]  # the family arrives in E2
    case = _json(client.get(f"{API}/shows/tiny/at/4/storylines/the-case"))["storyline"]
    assert case["status"]["status"] == "solved"
    assert [s["status"] for s in case["history"]] == ["open", "solved"]
    timeline = _json(client.get(f"{API}/shows/tiny/at/2/timeline"))
    assert [e["code"] for e in timeline["episodes"]] == ["S1E1", "S1E2"]
    assert [(r["storyline"]["slug"], r["counts"]) for r in timeline["storylines"]] == [
        ("the-case", [2, 1]),
        ("the-family", [0, 1]),
    ]


def test_search_finds_only_what_is_visible(tiny, client):
    def search(h, q):
        return _json(client.get(f"{API}/shows/tiny/at/{h}/search?{urlencode({'q': q})}"))

    assert search(2, "boatman")["hits"] == []
    hits = search(3, "Boatman")["hits"]
    assert {h["kind"] for h in hits} == {"character", "plot point"}
    owen = next(h for h in hits if h["kind"] == "character")
    assert owen["url"] == f"{API}/shows/tiny/at/3/characters/owen-marsh"
    assert owen["page"] == "/tiny/at/3/characters/owen-marsh"
    empty = search(3, "   ")
    assert (empty["query"], empty["hits"], empty["suggestions"]) == ("", [], [])
    assert search(4, "boatmen")["suggestions"] == ["Boatman"]  # as written: "The Boatman"
    # Every hit's API URL answers 200 (the search links only to visible things).
    for hit in search(4, "the")["hits"]:
        assert client.get(hit["url"]).status_code == 200, hit


@pytest.mark.parametrize("h", [0, 2, 4])
def test_api_lists_the_same_things_as_the_html_pages(tiny, reader, h):
    def html_slugs(path, kind):
        page = BeautifulSoup(reader.get(f"/tiny/at/{h}/{path}").get_data(as_text=True), "html.parser")
        return [a["href"].rsplit("/", 1)[1] for a in page.select(f"a[href*='/{kind}/']")]

    characters = _json(reader.get(f"{API}/shows/tiny/at/{h}/characters"))["characters"]
    assert [c["slug"] for c in characters] == html_slugs("characters", "characters")
    board = _json(reader.get(f"{API}/shows/tiny/at/{h}/questions"))
    assert [q["slug"] for q in board["open"] + board["answered"]] == html_slugs("questions", "questions")
    episodes = _json(reader.get(f"{API}/shows/tiny/at/{h}/episodes"))["episodes"]
    assert [e["slug"] for e in episodes if e["watched"]] == html_slugs("episodes", "episodes")


def test_home_links_and_slider_stops(tiny, client):
    body = _json(client.get(f"{API}/shows/tiny/at/2"))
    assert body["current_episode"]["slug"] == "s1e2"
    assert [s["label"] for s in body["horizons"]] == [
        "Not started yet",
        "Watched through S1E1 · Arrival",
        "Watched through S1E2 · Guests",
        "Watched through S1E3",
        "Watched through S1E4",
    ]
    for url in body["links"].values():
        assert client.get(url).status_code == 200, url
    start = _json(client.get(f"{API}/shows/tiny/at/0"))
    assert (start["current_episode"], start["news"]) == (None, None)
    shows = _json(client.get(f"{API}/shows"))["shows"]
    assert [(s["slug"], s["episode_count"], s["start"]) for s in shows] == [
        ("tiny", 4, f"{API}/shows/tiny/at/0")
    ]
    assert _json(client.get(f"{API}/shows/tiny"))["premise"].startswith("A detective")


# --- errors ---------------------------------------------------------------------------------

NOT_FOUND = [
    f"{API}/shows/tiny/at/1/episodes/s1e2",  # episode after h
    f"{API}/shows/tiny/at/1/episodes/s1e9",  # unknown episode
    f"{API}/shows/tiny/at/1/episodes/nonsense",
    f"{API}/shows/tiny/at/1/characters/owen-marsh",  # introduced in E2
    f"{API}/shows/tiny/at/1/characters/nobody",
    f"{API}/shows/tiny/at/1/storylines/the-family",  # introduced in E2
    f"{API}/shows/tiny/at/1/questions/will-sister-stay",  # raised in E2
    f"{API}/shows/tiny/at/5",  # h past the last episode
    f"{API}/shows/tiny/at/-1/characters",
    f"{API}/shows/tiny/at/01/characters",
    f"{API}/shows/tiny/at/abc/episodes",
    f"{API}/shows/tiny/at/99999999999999999999/episodes",
    f"{API}/shows/tiny/at/%E2%91%A0/episodes",  # a digit that is not ASCII
    f"{API}/shows/nope/at/1",  # unknown show
    f"{API}/shows/nope",
    f"{API}/shows/tiny/at/1/",  # trailing slash
    f"{API}/shows/tiny/at/1/characters/",
    f"{API}/completely/unknown",
    "/api/v2/shows",
    "/api/",
]


@pytest.mark.parametrize("url", NOT_FOUND)
def test_not_found_is_one_json_answer_for_every_reason(tiny, client, url):
    reference = client.get("/api/completely/unknown/path")
    response = client.get(url)
    assert response.status_code == 404
    assert response.get_data() == reference.get_data()
    assert sorted(response.headers.items()) == sorted(reference.headers.items())
    assert _json(response) == {
        "error": {"code": "not_found", "message": _json(reference)["error"]["message"]}
    }
    assert "ETag" not in response.headers


def test_html_not_found_outside_the_api_is_unchanged(tiny, client):
    html = client.get("/completely/unknown/path")
    assert html.status_code == 404 and html.mimetype == "text/html"
    for url in ("/apiary/x", "/tiny/at/9/", "/nope/at/1/"):
        response = client.get(url)
        assert response.get_data() == html.get_data(), url


def test_wrong_method_is_a_json_405_with_allow(tiny, client):
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        response = client.open(f"{API}/shows/tiny/at/2/characters", method=method)
        assert response.status_code == 405
        assert _json(response)["error"]["code"] == "method_not_allowed"
        assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    # No CSRF token is asked for: the method is refused before any form is read.
    assert client.post(f"{API}/shows").status_code == 405


def test_a_server_error_under_the_api_is_json_too(migrated):
    app = make_app(migrated, PROPAGATE_EXCEPTIONS=False)

    def boom():
        raise RuntimeError("boom")

    app.add_url_rule("/api/v1/boom", "boom", boom)
    app.add_url_rule("/boom", "html_boom", boom)
    try:
        client = app.test_client()
        response = client.get("/api/v1/boom")
        assert response.status_code == 500
        assert _json(response)["error"]["code"] == "internal_server_error"
        assert "boom" not in response.get_data(as_text=True)
        html = client.get("/boom")
        assert html.status_code == 500 and html.mimetype == "text/html"
        assert "Something went wrong" in html.get_data(as_text=True)
    finally:
        get_engine_dispose(app)


def test_bad_queries_are_a_json_400(tiny, client):
    at = f"{API}/shows/tiny/at/2"
    long_q = _json(client.get(f"{at}/search?q=" + "a" * (MAX_QUERY_LENGTH + 1)))
    assert long_q["error"] == {
        "code": "bad_request",
        "message": f"Searches are limited to {MAX_QUERY_LENGTH} characters.",
    }
    assert client.get(f"{at}/search?q=" + "a" * MAX_QUERY_LENGTH).status_code == 200
    for url in (f"{at}/search?query=dana", f"{at}/characters?h=4", f"{API}/shows?page=2"):
        response = client.get(url)
        assert response.status_code == 400, url
        assert _json(response)["error"]["code"] == "bad_request"
        assert "Unknown query parameter" in _json(response)["error"]["message"]
    assert client.get(f"{at}/search?q=a&q=b").status_code == 400


def test_unknown_parameters_say_the_same_for_hidden_and_unknown_things(tiny, client):
    hidden = client.get(f"{API}/shows/tiny/at/1/characters/owen-marsh?x=1")
    unknown = client.get(f"{API}/shows/tiny/at/1/characters/nobody?x=1")
    assert hidden.status_code == unknown.status_code == 400
    assert hidden.get_data() == unknown.get_data()


# --- caching --------------------------------------------------------------------------------


def test_every_200_has_an_etag_and_if_none_match_gives_304(tiny, client):
    values = argument_values(tiny)
    seen = 0
    for _endpoint, method, url in urls_at(tiny, 3, values, {}):
        if not url.startswith("/api/"):
            continue
        first = client.open(url, method=method)
        if first.status_code != 200:
            continue
        seen += 1
        etag = first.headers["ETag"]
        assert first.headers["Cache-Control"] == (
            "public, max-age=0, s-maxage=60, stale-while-revalidate=30, stale-if-error=86400"
        )
        assert first.headers["xkey"] == first.headers["Surrogate-Key"]
        keys = set(first.headers["xkey"].split())
        assert "ballard" in keys and ("show-tiny" in keys) == url.startswith("/api/v1/shows/tiny")
        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304, url
        assert again.get_data() == b"" and again.headers["ETag"] == etag
        other = client.get(url, headers={"If-None-Match": '"something-else"'})
        assert other.status_code == 200 and other.get_data() == first.get_data()
        head = client.head(url)
        assert head.status_code == 200 and head.headers["ETag"] == etag
    assert seen >= 16


def test_etag_is_a_hash_of_the_exact_bytes(tiny, client):
    at2 = client.get(f"{API}/shows/tiny/at/2/characters")
    at3 = client.get(f"{API}/shows/tiny/at/3/characters")
    for response in (at2, at3):
        assert response.headers["ETag"] == f'"{hashlib.sha1(response.get_data()).hexdigest()}"'
    assert at2.headers["ETag"] != at3.headers["ETag"]


# --- search over every term, on the canary pack -----------------------------------------------


def test_api_search_ignores_everything_after_h(migrated, tmp_path):
    """The master property for API search, which the invariance test requests without a
    query. The HTML search runs every term at every h there, through the same gate method;
    this samples a quarter of the terms (every name, alias and title is a canary token with
    its own stamp) at seven horizons, to stay a few seconds: the answer equals the answer
    from a database pruned of everything after h, and carries no later token."""
    app = _loaded_app(migrated, _pack_paths("canary", tmp_path))
    try:
        client = app.test_client(use_cookies=False)
        terms = search_terms(app)[::4] + ["", "nonsenseword"]
        show = "canary"
        last = json.loads(client.get(f"{API}/shows/{show}").get_data())["episode_count"]
        horizons = sorted({0, 1, 2, 4, 6, 8, last})
        full = {}
        for h in horizons:
            for term in terms:
                url = f"{API}/shows/{show}/at/{h}/search?{urlencode({'q': term})}"
                full[h, url] = snapshot(client, url)
        leaks, differences = [], []
        for h in reversed(horizons):  # pruning is cumulative, so skipped horizons are fine
            prune_after(app, h)
            for (at, url), expected in full.items():
                if at != h:
                    continue
                if snapshot(client, url) != expected:
                    differences.append(url)
                echoed = set(later_tokens(unquote(url), h))
                if found := [t for t in later_tokens(expected.body.decode(), h) if t not in echoed]:
                    leaks.append(f"{url}: {found[:3]}")
        assert differences == [], differences[:5]
        assert leaks == [], leaks[:5]
        hits = sum(len(json.loads(s.body)["hits"]) for s in full.values() if s.status == 200)
        assert hits > len(terms), "the terms should find things"
    finally:
        get_engine_dispose(app)  # no connection left for the garbage collector


@pytest.mark.parametrize(
    "slug", ["%00", "a%00b", "%FF", quote("ö"), "..", "%2e%2e", quote("<script>"), "a" * 5000, "%C0%80"]
)
def test_odd_slugs_are_the_one_404_never_an_error(tiny, reader, slug):
    """Including a NUL byte, which PostgreSQL refuses outright in a text comparison."""
    api = _json(reader.get("/api/completely/unknown"))
    html = reader.get("/completely/unknown").get_data()
    for url in (
        f"{API}/shows/{slug}",
        f"{API}/shows/{slug}/at/2",
        f"{API}/shows/tiny/at/2/characters/{slug}",
        f"{API}/shows/tiny/at/2/questions/{slug}",
        f"{API}/shows/tiny/at/2/storylines/{slug}",
        f"{API}/shows/tiny/at/2/episodes/{slug}",
    ):
        response = reader.get(url)
        assert response.status_code == 404 and _json(response) == api, url
    for url in (
        f"/{slug}/",
        f"/{slug}/at/2/",
        f"/tiny/at/2/characters/{slug}",
        f"/tiny/at/2/questions/{slug}",
        f"/tiny/at/2/storylines/{slug}",
        f"/tiny/at/2/episodes/{slug}",
    ):
        response = reader.get(url)
        assert response.status_code == 404 and response.get_data() == html, url


def test_load_is_idempotent_for_api_answers(tiny, client):
    """Reloading the same pack keeps every answer, and so every ETag, the same."""
    url = f"{API}/shows/tiny/at/4/story/full"
    before = client.get(url)
    with tiny.app_context():
        load_packs([TINY_PACK])
    after = client.get(url)
    assert after.get_data() == before.get_data() and after.headers["ETag"] == before.headers["ETag"]
