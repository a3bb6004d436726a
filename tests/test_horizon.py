"""The gate's boundary: a row stamped E_n is visible at h = n and invisible at h = n - 1."""

import dataclasses

import pytest

from ballard import horizon
from ballard.db import get_session
from ballard.horizon import NotVisible, open_gate, parse_horizon


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0", 0),
        ("4", 4),
        ("10", 10),
        ("11", None),
        ("-1", None),
        ("04", None),
        ("4.0", None),
        ("", None),
        ("four", None),
        ("1e1", None),
        (" 4", None),
        ("٤", None),
        ("99999", None),
    ],
)
def test_parse_horizon(raw, expected):
    assert parse_horizon(raw, 10) == expected


def _recap_texts(h: int, slug: str) -> list[str]:
    gate = open_gate(get_session(), "tiny", str(h))
    return [p.text for s in gate.recap(slug).sections for p in s.points]


def test_episode_four_is_visible_at_four_not_three(tiny):
    with tiny.app_context():
        assert "Dana learns the stranger was her old partner." in _recap_texts(4, "s1e4")
        with pytest.raises(NotVisible):
            _recap_texts(3, "s1e4")


def test_late_revealed_point_joins_its_episode_only_at_its_stamp(tiny):
    late = "Owen was seen rowing out that night, which only comes out later."
    with tiny.app_context():
        assert late not in _recap_texts(2, "s1e2")
        assert late in _recap_texts(3, "s1e2")


def test_horizon_zero_sees_only_the_premise(tiny):
    with tiny.app_context():
        gate = open_gate(get_session(), "tiny", "0")
        assert gate.show.premise.startswith("A detective")
        assert [e.watched for e in gate.episodes()] == [False] * 4
        assert [e.title for e in gate.episodes()] == [None] * 4
        assert [s.label for s in gate.slider_stops()] == [
            "Not started yet",
            "Watched through S1E1",
            "Watched through S1E2",
            "Watched through S1E3",
            "Watched through S1E4",
        ]
        with pytest.raises(NotVisible):
            gate.recap("s1e1")


def test_unwatched_episodes_carry_only_their_code(tiny):
    with tiny.app_context():
        cards = open_gate(get_session(), "tiny", "2").episodes()
    assert [c.display_title for c in cards] == ["Arrival", "Guests", "S1E3", "S1E4"]
    assert cards[3].release_date is None and cards[3].writer is None
    assert cards[0].writer == "Ann Writer"


def test_untitled_watched_episode_says_episode_n(tiny):
    with tiny.app_context():
        cards = open_gate(get_session(), "tiny", "3").episodes()
    assert cards[2].display_title == "Episode 3"


@pytest.mark.parametrize("raw", ["5", "-1", "x", "", "1/2", "0x1"])
def test_hostile_horizons_are_not_visible(tiny, raw):
    with tiny.app_context(), pytest.raises(NotVisible):
        open_gate(get_session(), "tiny", raw)


def test_unknown_show_is_not_visible(tiny):
    with tiny.app_context(), pytest.raises(NotVisible):
        open_gate(get_session(), "nope", "1")


@pytest.mark.parametrize(
    "slug", ["s1e9", "S1E1", "s1e01", "s2e1", "e1", "s1e1x", "../s1e1", "s0e1", "s1e0", "s1e1\x00", "s1e1\n"]
)
def test_bad_episode_slugs_are_not_visible(tiny, slug):
    with tiny.app_context(), pytest.raises(NotVisible):
        open_gate(get_session(), "tiny", "4").recap(slug)


def test_recap_groups_by_storyline_in_order(tiny):
    with tiny.app_context():
        recap = open_gate(get_session(), "tiny", "3").recap("s1e2")
    assert [s.storyline.slug for s in recap.sections] == ["the-case", "the-family"]
    assert [c.name for c in recap.sections[0].points[0].characters] == ["Dana Reed", "Owen Marsh"]
    assert recap.previous.code == "S1E1" and recap.next.code == "S1E3"


def test_the_package_is_the_one_import_point():
    """Views import every gate name from `ballard.horizon`; the values stay frozen."""
    missing = [name for name in horizon.__all__ if not hasattr(horizon, name)]
    assert missing == []
    values = [getattr(horizon, n) for n in horizon.__all__ if dataclasses.is_dataclass(getattr(horizon, n))]
    assert len(values) == 26  # the value classes (the Gate is composed of parts, not a dataclass)
    assert [v.__name__ for v in values if not v.__dataclass_params__.frozen] == []
