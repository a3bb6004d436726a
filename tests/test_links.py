"""Links built by ballard/views/links.py are what url_for gives, byte for byte."""

from __future__ import annotations

import pytest
from flask import url_for

from ballard import horizon
from ballard.db import get_session
from ballard.views.links import gate_url

CASES = [
    ("guide.home", {}),
    ("guide.character", {"character": "owen-marsh"}),
    ("guide.recap", {"episode": "s1e2"}),
    ("guide.search", {"q": "lake"}),
    ("guide.search", {"q": "the lake", "kind": "character"}),  # quoted: url_for's own path
    ("guide.search", {"kind": "character", "q": "lake"}),  # the query keeps its order
    ("guide.question", {"question": "zq0zq"}),  # a value shaped like a stand-in
    ("api.character", {"character": "dana-reed"}),
]


@pytest.mark.parametrize("script_root", ["", "/guide", "/a%20b"])
@pytest.mark.parametrize(("endpoint", "values"), CASES)
def test_gate_url_is_url_for(tiny, script_root, endpoint, values):
    with tiny.test_request_context("/", environ_overrides={"SCRIPT_NAME": script_root}):
        gate = horizon.open_gate(get_session(), "tiny", "3")
        for _ in range(2):  # building the pattern, then filling it in
            assert gate_url(gate, endpoint, **values) == url_for(endpoint, show="tiny", h=3, **values)


def test_gate_url_leaves_what_it_cannot_fill_to_url_for(tiny):
    with tiny.test_request_context("/api/v1/shows"):
        gate = horizon.open_gate(get_session(), "tiny", "2")
        # A relative endpoint is the current blueprint's.
        assert gate_url(gate, ".character", character="owen-marsh") == (
            "/api/v1/shows/tiny/at/2/characters/owen-marsh"
        )
        # The show and the horizon are the gate's; naming them again is an error, as it
        # is for url_for.
        with pytest.raises(TypeError):
            gate_url(gate, "guide.home", h="3")


def test_one_app_behind_two_script_roots_gets_each_its_own_links(tiny):
    for script_root in ("", "/guide", "", "/guide"):
        with tiny.test_request_context("/", environ_overrides={"SCRIPT_NAME": script_root}):
            gate = horizon.open_gate(get_session(), "tiny", "1")
            assert gate_url(gate, "guide.episodes") == f"{script_root}/tiny/at/1/episodes"
