"""Issue 24: renamed slugs. A question's old address answers with a permanent redirect to
its new one, but only where the question is visible at h; before that it answers exactly
what an unknown slug answers. The spoiler lint refuses slugs that give a story away."""

import re

import pytest
from bs4 import BeautifulSoup

from ballard.content import shipped_packs
from ballard.content.errors import PackError
from ballard.content.lint import ERROR, lint_pack
from ballard.content.pack import parse_pack
from tests.conftest import TINY_PACK, set_progress_cookie, submit

BALLARD_PACK = next(p for p in shipped_packs() if p.parent.name == "ballard")
RENAMED = {
    "gael-reunited": "gael-fate",
    "team-finds-mole": "manny-secret",
    "unit-keeps-case": "serial-case-custody",
}


@pytest.mark.parametrize("prefix", ["", "/api/v1/shows"])
def test_old_slug_redirects_for_good_where_the_question_is_visible(tiny, reader, prefix):
    response = reader.get(f"{prefix}/tiny/at/2/questions/sister-stays")
    assert response.status_code == 308
    assert response.headers["Location"] == f"{prefix}/tiny/at/2/questions/will-sister-stay"
    assert (
        reader.get(f"{prefix}/tiny/at/4/questions/sister-leaves").headers["Location"]
        == f"{prefix}/tiny/at/4/questions/will-sister-stay"
    )
    followed = reader.get(f"{prefix}/tiny/at/2/questions/sister-stays", follow_redirects=True)
    assert followed.status_code == 200 and "Will her sister stay?" in followed.get_data(True)


def test_the_redirect_keeps_the_query_string(tiny, reader):
    response = reader.get("/tiny/at/3/questions/dana-case-went-wrong?from=old")
    assert (response.status_code, response.headers["Location"]) == (
        308,
        "/tiny/at/3/questions/why-did-dana-leave?from=old",
    )


@pytest.mark.parametrize("prefix", ["", "/api/v1/shows"])
def test_old_slug_before_the_question_answers_as_an_unknown_slug(tiny, reader, prefix):
    old = reader.get(f"{prefix}/tiny/at/1/questions/sister-stays")
    unknown = reader.get(f"{prefix}/tiny/at/1/questions/no-such-question")
    assert old.status_code == unknown.status_code == 404
    assert old.get_data() == unknown.get_data()
    assert "Location" not in old.headers


def test_a_current_slug_is_never_redirected(tiny, reader):
    assert reader.get("/tiny/at/2/questions/will-sister-stay").status_code == 200


# --- the lint ----------------------------------------------------------------------------


def _errors(text: str) -> list[str]:
    return [str(f) for f in lint_pack(parse_pack(text)) if f.level == ERROR]


@pytest.mark.parametrize(("old", "new"), RENAMED.items())
def test_lint_refuses_each_old_ballard_slug(old, new):
    text = BALLARD_PACK.read_text()
    assert f"- slug: {new}\n" in text and f"  former_slugs: [{old}]\n" in text
    errors = _errors(
        text.replace(f"- slug: {new}\n", f"- slug: {old}\n", 1).replace(f"  former_slugs: [{old}]\n", "")
    )
    assert [e for e in errors if f"question {old}, field slug" in e] != [], errors


def test_the_ballard_pack_keeps_the_old_addresses():
    pack = parse_pack(BALLARD_PACK.read_text())
    former = {old: q.slug for q in pack.questions for old in q.former_slugs}
    assert {old: former.get(old) for old in RENAMED} == RENAMED


def _renamed_tiny(old: str, new: str) -> str:
    """The tiny pack with a question's slug changed, its former slugs dropped."""
    text = TINY_PACK.read_text()
    assert f"- slug: {old}\n" in text
    return re.sub(
        r"  former_slugs: \[[^\]]*\]\n", "", text.replace(f"- slug: {old}\n", f"- slug: {new}\n", 1)
    )


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # a word the row itself says only later (here the answer, at 3), unsaid by its stamp
        (
            "why-did-dana-leave",
            "dana-case-went-wrong",
            "question dana-case-went-wrong, field slug: slug shown from 1 holds 'went', which this "
            "row says only from 3",
        ),
        # the question's own verb, inflected into its answer
        ("will-sister-stay", "sister-stays", "slug 'sister-stays' answers its own question ('stays'"),
        # a later character's name (the slug is a text like any other)
        ("who-is-the-body", "owen-found-the-body", "names 'Owen'"),
    ],
)
def test_lint_refuses_slugs_that_say_too_much(old, new, expected):
    errors = _errors(_renamed_tiny(old, new))
    assert any(expected in e for e in errors), errors


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("who-is-the-body", "stranger-in-the-lake"),  # words of its own text
        ("will-sister-stay", "sister-plans"),  # a word no text says: nothing to give away
        ("why-did-dana-leave", "dana-left-city"),  # another row says "left" later: not its own
    ],
)
def test_lint_lets_neutral_slugs_be(old, new):
    assert _errors(_renamed_tiny(old, new)) == []


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "former_slugs: [sister-stays, sister-leaves]",
            "former_slugs: [sister-stays, who-is-the-body]",
            "'who-is-the-body' is the slug of a question in use",
        ),
        (
            "former_slugs: [dana-case-went-wrong]",
            "former_slugs: [sister-stays]",
            "'sister-stays' is a former slug of two rows",
        ),
    ],
)
def test_an_old_address_leads_to_one_question(old, new, expected):
    text = TINY_PACK.read_text()
    assert old in text
    with pytest.raises(PackError, match=re.escape(expected)):
        parse_pack(text.replace(old, new))


# --- the editor ----------------------------------------------------------------------------


def test_editor_edits_a_questions_former_slugs(editor, tiny):
    page = BeautifulSoup(editor.get("/editor/tiny/questions/will-sister-stay").get_data(True), "html.parser")
    assert page.select_one("#former_slugs")["value"] == "sister-stays, sister-leaves"
    response = submit(editor, "/editor/tiny/questions/will-sister-stay", {"former_slugs": "sister-stays"})
    assert response.status_code == 303
    reader = tiny.test_client()
    set_progress_cookie(tiny, reader, "tiny", 4)
    assert reader.get("/tiny/at/2/questions/sister-stays").status_code == 308
    assert reader.get("/tiny/at/2/questions/sister-leaves").status_code == 404
