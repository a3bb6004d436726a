"""Pictures that read (issue 23): the connections picture's readability at every horizon
of the Ballard pack and of the two-season test pack, measured from the SVG itself
(tests/tools/picture_check.py prints the same figures as a table); the colours' contrast
in light and dark; the layout's determinism."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ballard.cli import load_packs
from ballard.content import shipped_packs
from ballard.views import network, palette
from tests.conftest import set_progress_cookie
from tests.tools.picture_check import SVG, measure

PACKS = {
    "ballard": [p for p in shipped_packs() if p.parent.name == "ballard"],
    "harbor": sorted((Path(__file__).parent / "packs" / "two-seasons").glob("season-*.yaml")),
}
EPISODES = {"ballard": 10, "harbor": 5}
CSS = Path(network.__file__).parent.parent / "static" / "guide.css"


@pytest.mark.parametrize("show", ["ballard", "harbor"])
def test_the_connections_picture_reads_at_every_horizon(app, client, show, capsys):
    """No two labels (names or tie labels) overlap, no label covers a character's dot or
    a line other than its own, and lines cross at most 10 times (Ballard h=10 before
    Graphviz: 94 crossings, 74 collisions)."""
    with app.app_context():
        load_packs(PACKS[show])
    set_progress_cookie(app, client, show, EPISODES[show])
    figures, problems = [], {}
    for h in range(EPISODES[show] + 1):
        found = SVG.search(client.get(f"/{show}/at/{h}/connections").get_data(as_text=True))
        m = measure(found.group(0) if found else "")
        figures.append((h, m.ties, len(m.crossings), m.collisions))
        if m.collisions or len(m.crossings) > 10:
            problems[h] = (m.crossings, m.label_on_label, m.label_on_dot, m.label_on_line)
    with capsys.disabled():
        print(f"\n{show}: (h, ties, crossings, label collisions)", figures)
    assert problems == {}
    # The pictures were there to measure: Ballard's finale draws all 29 ties.
    if show == "ballard":
        assert figures[10][1] == 29
    else:
        assert figures[5][1] == 2


def test_the_measure_does_find_crossings_and_collisions():
    """Guard against a measure that finds nothing: two crossing ties, labels on top of
    each other and of a dot."""
    svg = """<svg class="network-svg">
      <g class="network-edge" data-who="a" data-whom="b"><path d="M0 0L100 100"/>
        <text x="50" y="50">parent</text></g>
      <g class="network-edge" data-who="c" data-whom="d"><line x1="100" y1="0" x2="0" y2="100"/>
        <text x="52" y="52">sibling</text></g>
      <a class="network-node" data-slug="a" href="#"><circle cx="0" cy="0" r="8"/>
        <text x="12" y="5">Ann</text></a>
      <a class="network-node" data-slug="b" href="#"><circle cx="100" cy="100" r="8"/>
        <text x="112" y="105">Bob</text></a>
      <a class="network-node" data-slug="c" href="#"><circle cx="100" cy="0" r="8"/>
        <text x="112" y="5">Cy</text></a>
      <a class="network-node" data-slug="d" href="#"><circle cx="0" cy="100" r="8"/>
        <text x="10" y="98">Di</text></a>
    </svg>"""
    m = measure(svg)
    assert (m.ties, m.characters, m.crossings) == (2, 4, [(0, 1)])
    assert ("0:parent", "1:sibling") in m.label_on_label
    assert ("0:parent", 1) in m.label_on_line
    assert m.label_on_dot == []


def test_the_layout_is_a_pure_function_of_its_input(app):
    """The engine's answer is the same run after run (it is kept per input, so run it
    again with the cache emptied)."""
    with app.app_context():
        load_packs(PACKS["ballard"])
        from ballard import horizon
        from ballard.db import get_session

        connections = horizon.open_gate(get_session(), "ballard", "10").connections()
    first = network.layout(connections)
    network.run_engine.cache_clear()
    assert network.layout(connections) == first
    # Nothing but sizes and indexes go to the engine.
    assert "Ballard" not in network.graph_source(connections)


def test_initials():
    assert palette.initials("Renée Ballard") == "RB"
    assert palette.initials("Tutu") == "T"
    assert palette.initials("Captain Berchem") == "CB"
    assert palette.initials("Mary-Jo Smith") == "MS"


def test_storyline_colours_are_distinct_and_stable_across_horizons(app):
    """Ballard's 9 storylines have 9 colours, and each keeps its colour at every horizon
    from its introduction on (so a later storyline cannot change an earlier one's)."""
    from ballard import horizon
    from ballard.db import get_session

    with app.app_context():
        load_packs(PACKS["ballard"])
        seen: dict[str, str] = {}
        for h in range(11):
            gate = horizon.open_gate(get_session(), "ballard", str(h))
            colours = {s.slug: palette.storyline_class(gate, s.slug) for s in gate.storylines()}
            assert len(set(colours.values())) == len(colours)
            for slug, colour in colours.items():
                assert seen.setdefault(slug, colour) == colour, (h, slug)
            assert palette.storyline_class(gate, "zz-unknown") == ""
        assert len(seen) == 9


def test_avatar_colours_are_stable_and_cover_the_palette():
    slugs = [f"someone-{i}" for i in range(200)]
    assert palette.avatar_class("renee-ballard") == palette.avatar_class("renee-ballard")
    assert {palette.avatar_class(s) for s in slugs} == {f"av-{i}" for i in range(palette.AVATAR_COLOURS)}


# --- contrast (WCAG 2) -----------------------------------------------------------------


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _schemes() -> tuple[dict[str, str], dict[str, str]]:
    """The custom properties of the light scheme and of the dark one (each :root block
    in order; later blocks override, the dark ones sit in prefers-color-scheme)."""
    css = CSS.read_text()
    light: dict[str, str] = {}
    dark: dict[str, str] = {}
    for match in re.finditer(r"(@media \(prefers-color-scheme: dark\) \{\s*)?:root \{([^}]*)\}", css):
        target = dark if match.group(1) else light
        target.update(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", match.group(2)))
    return light, {**light, **dark}


@pytest.mark.parametrize("scheme", [0, 1], ids=["light", "dark"])
def test_kind_and_storyline_colours_keep_contrast_in_both_schemes(scheme):
    colours = _schemes()[scheme]
    names = [n for n in colours if n.startswith(("kin-", "sl-"))]
    assert len([n for n in names if n.startswith("kin-")]) == len(network.FAMILIES)
    assert len([n for n in names if n.startswith("sl-")]) == palette.STORYLINE_COLOURS
    # The colours are text colours too (labels, headings): 4.5:1 on the page and on cards.
    low = {
        n: round(contrast(colours[n], colours[bg]), 2)
        for n in names
        for bg in ("bg", "card")
        if contrast(colours[n], colours[bg]) < 4.5
    }
    assert low == {}


def test_avatar_colours_keep_contrast_with_their_white_initials():
    css = CSS.read_text()
    fills = dict(re.findall(r"\.av-(\d) \{ --av: (#[0-9a-f]{6})", css))
    assert len(fills) == palette.AVATAR_COLOURS
    assert {
        n: round(contrast(c, "#ffffff"), 2) for n, c in fills.items() if contrast(c, "#ffffff") < 4.5
    } == {}


EGO = re.compile(r"<svg class=\"network-svg ego-svg\".*?</svg>", re.DOTALL)


def test_every_character_picture_reads_and_says_each_tie_from_their_side(app, client):
    """Each character's own picture at h=3 and h=10: one labelled line per visible tie,
    in words from the character's side, no crossing and no collision; none without a tie."""
    from bs4 import BeautifulSoup

    from ballard import horizon
    from ballard.db import get_session

    with app.app_context():
        load_packs(PACKS["ballard"])
    set_progress_cookie(app, client, "ballard", 10)
    drawn = 0
    for h in (3, 10):
        with app.app_context():
            gate = horizon.open_gate(get_session(), "ballard", str(h))
            people = [(c.slug, gate.character(c.slug).connections) for c in gate.characters()]
        for slug, ties in people:
            page = client.get(f"/ballard/at/{h}/characters/{slug}").get_data(as_text=True)
            found = EGO.search(page)
            if not ties:
                assert found is None, slug
                continue
            svg = BeautifulSoup(found.group(0), "html.parser")
            labels = [t.get_text() for t in svg.select(".network-edge text")]
            assert labels == [t.words + (f" · ended {t.ended.code}" if t.ended else "") for t in ties], slug
            m = measure(found.group(0))
            assert (m.crossings, m.collisions) == ([], 0), (h, slug)
            drawn += 1
    assert drawn > 20


def test_a_picture_that_cannot_be_drawn_is_a_503_to_retry_not_a_500(tiny, reader, monkeypatch):
    """Graphviz missing on a server (or failing): the reader gets our 503 with Retry-After
    (it was a 500). Character pictures are laid out without the engine."""
    network.run_engine.cache_clear()
    monkeypatch.setattr(network, "ENGINE", "no-such-graphviz-engine")
    try:
        answer = reader.get("/tiny/at/4/connections")
    finally:
        network.run_engine.cache_clear()
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == str(network.ENGINE_RETRY_AFTER)
    assert answer.headers["Cache-Control"] == "no-store"
    assert b"cannot be drawn just now" in answer.data
