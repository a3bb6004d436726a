"""URL converters (ballard/converters.py): which routes use them, what they accept, and
that a value they refuse answers exactly what an unknown slug answers."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from pydantic import TypeAdapter, ValidationError
from werkzeug.exceptions import NotFound

from ballard.converters import EpisodeCodeConverter, SlugConverter
from ballard.story.fields import SLUG_MAX_LENGTH, Slug, parse_episode_code
from tests.invariance import snapshot

SLUG_ARGUMENTS = {"show", "character", "storyline", "question"}
SLUG = TypeAdapter(Slug)


def test_every_viewer_route_names_things_through_the_converters(app):
    """Every guide and API argument that is a slug or an episode code has its converter,
    so a new route cannot forget one."""
    checked, wrong = 0, []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith(("guide.", "api.", "editor.")):
            continue
        for name, converter in rule._converters.items():
            expected = (
                SlugConverter
                if name in SLUG_ARGUMENTS
                else EpisodeCodeConverter
                if name == "episode"
                else None
            )
            if expected is not None:
                checked += 1
                if type(converter) is not expected:
                    wrong.append(f"{rule.rule}: {name} uses {type(converter).__name__}")
    assert wrong == []
    assert checked >= 39  # 31 guide and API routes name a show, 8 of them something more


def _routes_to(app, path: str) -> bool:
    """Whether the URL map sends this path to a view (before any database lookup)."""
    adapter = app.url_map.bind("localhost")
    try:
        adapter.match(path, method="GET")
    except NotFound:
        return False
    return True


SLUG_SAMPLES = [
    "ballard",
    "renee-ballard",
    "a",
    "7",
    "a1-b2-c3",
    "a" * SLUG_MAX_LENGTH,
    "a" * (SLUG_MAX_LENGTH + 1),
    "a-" * 40 + "b",
    "Ballard",
    "BALLARD",
    "a--b",
    "-a",
    "a-",
    "a_b",
    "a b",
    " a",
    "a\x00",
    "\x00",
    "a\tb",
    "ö",
    "a.b",
    "..",
    "a%2Fb",
    "<script>",
]


def _accepted_by_the_write_side(value: str) -> bool:
    try:
        SLUG.validate_python(value)
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize("value", SLUG_SAMPLES)
def test_the_slug_converter_accepts_exactly_what_a_pack_may_store(app, value):
    expected = _accepted_by_the_write_side(value)
    for path in (
        f"/api/v1/shows/{value}",
        f"/{value}/at/2/characters",
        f"/tiny/at/2/characters/{value}",
        f"/api/v1/shows/tiny/at/2/storylines/{value}",
        f"/tiny/at/2/questions/{value}",
    ):
        assert _routes_to(app, path) is expected, (path, expected)


EPISODE_SAMPLES = [
    "s1e1",
    "s1e3",
    "s1e10",
    "s2e1",
    "s999e9999",
    "s1000e1",
    "s1e10000",
    "s0e1",
    "s1e0",
    "s1e03",
    "s01e3",
    "S1E3",
    "s1E3",
    "s1e",
    "e3",
    "s1e3 ",
    "s1e3\x00",
    "s1e3-x",
    "1",
    "zz-unknown-slug",
]


@pytest.mark.parametrize("value", EPISODE_SAMPLES)
def test_the_episode_converter_accepts_exactly_the_episode_codes(app, value):
    expected = parse_episode_code(value) is not None
    for path in (f"/tiny/at/2/episodes/{value}", f"/api/v1/shows/tiny/at/2/episodes/{value}"):
        assert _routes_to(app, path) is expected, (path, expected)


# --- a refused value answers what an unknown one answers ---------------------------------------

OVER_LONG = "a" * (SLUG_MAX_LENGTH + 1)
BAD_SLUGS = ["a\x00b", "\x00", "Owen-Marsh", "TINY", OVER_LONG, "a_b", "ö", "-x"]
BAD_EPISODES = ["s0e1", "s1e03", "S1E2", "s1e0", "s1e2\x00", "zz-unknown-slug", OVER_LONG]
# (template, value that passes the converter but names nothing, the values it refuses)
ROUTES = [
    ("/api/v1/shows/{}", "zz-unknown-slug", BAD_SLUGS),
    ("/api/v1/shows/{}/at/2", "zz-unknown-slug", BAD_SLUGS),
    ("/api/v1/shows/{}/at/2/characters", "zz-unknown-slug", BAD_SLUGS),
    ("/api/v1/shows/tiny/at/2/characters/{}", "zz-unknown-slug", BAD_SLUGS),
    ("/api/v1/shows/tiny/at/2/storylines/{}", "zz-unknown-slug", BAD_SLUGS),
    ("/api/v1/shows/tiny/at/2/questions/{}", "zz-unknown-slug", BAD_SLUGS),
    ("/api/v1/shows/tiny/at/2/episodes/{}", "s1e99", BAD_EPISODES),
    ("/{}/at/2/", "zz-unknown-slug", BAD_SLUGS),
    ("/{}/at/2/characters", "zz-unknown-slug", BAD_SLUGS),
    ("/tiny/at/2/characters/{}", "zz-unknown-slug", BAD_SLUGS),
    ("/tiny/at/2/storylines/{}", "zz-unknown-slug", BAD_SLUGS),
    ("/tiny/at/2/questions/{}", "zz-unknown-slug", BAD_SLUGS),
    ("/tiny/at/2/episodes/{}", "s1e99", BAD_EPISODES),
]
CASES = [(template, unknown, bad) for template, unknown, refused in ROUTES for bad in refused]


@pytest.mark.parametrize(("template", "unknown", "bad"), CASES)
def test_a_refused_value_answers_byte_for_byte_what_an_unknown_one_does(tiny, reader, template, unknown, bad):
    """Status, headers and body. The reader has watched everything, so the unknown value
    reaches its view (no share guard) and gets the 404 from the horizon gate; the refused
    one matches no route."""
    reference = snapshot(reader, template.format(unknown))
    assert reference.status == 404
    not_found = snapshot(reader, "/api/no/such/path" if template.startswith("/api/") else "/no/such/path")
    assert reference == not_found
    assert snapshot(reader, template.format(quote(bad, safe=""))) == reference


def test_a_refused_value_is_not_found_before_the_share_guard(tiny, client):
    """A newcomer following a link ahead of them is asked first when the address could be
    a page; an address no page can have is the 404 at once, like any unknown path."""
    guard = client.get("/tiny/at/2/episodes/s1e99")
    assert guard.status_code == 200 and "Before you read on" in guard.get_data(as_text=True)
    refused = snapshot(client, "/tiny/at/2/episodes/S1E2")
    assert refused == snapshot(client, "/no/such/path")
    assert refused.status == 404
