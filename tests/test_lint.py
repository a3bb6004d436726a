"""The spoiler lint catches each kind of early mention."""

import pytest

from ballard.content import shipped_packs
from ballard.content.lint import ERROR, lint_pack
from ballard.content.pack import parse_pack
from tests.conftest import TINY_PACK


def _errors(text: str) -> list[str]:
    return [str(f) for f in lint_pack(parse_pack(text)) if f.level == ERROR]


def test_tiny_pack_is_clean():
    assert _errors(TINY_PACK.read_text()) == []


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # a character named before introduction (premise and plot point)
        (
            "takes a new job in a small town.",
            "takes a new job near Owen Marsh.",
            "show tiny, field premise: shown from 0 but names 'Owen Marsh'",
        ),
        (
            "The town's only witness will not talk.",
            "Owen will not talk.",
            "plot point s1e1-town-only-witness, field text: shown from 1 but names 'Owen'",
        ),
        # an alias before its reveal
        (
            "Owen Marsh says he saw nothing that night.",
            "The Boatman says nothing.",
            "names 'The Boatman' (alias of 'owen-marsh', revealed in 3)",
        ),
        # a later episode referenced in a bio
        ("He runs the only inn in town.", "He runs the inn until E4.", "refers to a later episode ('E4')"),
        # bio/status before introduction
        (
            "  - revealed_in: 2\n    text: He runs",
            "  - revealed_in: 1\n    text: He runs",
            "1 is before the character is introduced (2)",
        ),
        # plot point tagging a character not yet introduced
        (
            "characters: [dana-reed]\n    text: The town's",
            "characters: [owen-marsh]\n    text: The town's",
            "'owen-marsh' is introduced in 2",
        ),
        # storyline status before the storyline
        (
            "  - revealed_in: 2\n    status: open\ncharacters",
            "  - revealed_in: 1\n    status: open\ncharacters",
            "before the storyline is introduced (2)",
        ),
        # an unplaced fact before the finale
        (
            "    confidence: likely\n  - slug",
            "    confidence: unplaced\n  - slug",
            "an unplaced fact must wait for the finale (4), not 2",
        ),
        # an episode title naming an alias before its reveal (titles are shown from their episode)
        (
            "title: Arrival",
            "title: The Boatman Arrives",
            "episode s1e1, field title: shown from 1 but names 'The Boatman'",
        ),
        # an episode's summary and "before the next episode" are shown from the episode
        (
            "summary: Dana's sister turns up unannounced",
            "summary: The Boatman's sister turns up",
            "episode s1e2, field summary: shown from 2 but names 'The Boatman'",
        ),
        (
            "before_next: Nobody knows who",
            "before_next: Owen knows who",
            "episode s1e1, field before_next: shown from 1 but names 'Owen'",
        ),
        (
            "before_next: Owen Marsh says he saw nothing.",
            "before_next: Owen lies until E4.",
            "episode s1e2, field before_next: shown from 2 but refers to a later episode ('E4')",
        ),
        # a question's slug is in its address from the episode that raises it
        ("slug: why-did-dana-leave", "slug: why-did-owen-leave", "question why-did-owen-leave, field slug"),
        # an answer naming someone introduced after the answer's stamp
        (
            "answered_in: 3\n  answer: A case went wrong.",
            "answered_in: 1\n  answer: Owen Marsh knows.",
            "question why-did-dana-leave, field answer",
        ),
    ],
)
def test_lint_catches(old, new, expected):
    text = TINY_PACK.read_text()
    assert old in text
    errors = _errors(text.replace(old, new, 1))
    assert any(expected in e for e in errors), errors


def test_lint_matches_whole_words_only():
    text = TINY_PACK.read_text().replace("will not talk.", "will not talk to the Owens family.")
    assert _errors(text) == []


def test_lint_command_exit_codes(runner, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(TINY_PACK.read_text().replace("will not talk.", "names Owen."))
    result = runner.invoke(args=["content", "lint", str(bad)])
    assert result.exit_code == 1
    assert "1 errors" in result.output
    result = runner.invoke(args=["content", "lint", str(TINY_PACK)])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("pack", shipped_packs(), ids=lambda p: p.parent.name)
def test_shipped_pack_lints_clean(pack):
    assert _errors(pack.read_text()) == []
