"""Search: words understood (stems, accents, phrases, prefixes), ranked, marked, paged, and
ranked on what is visible at h alone. Runs on whichever database the suite runs on."""

from __future__ import annotations

import itertools
import json
import re
from urllib.parse import urlencode

import pytest
from bs4 import BeautifulSoup

from ballard.cli import load_packs
from tests.conftest import make_app, set_progress_cookie
from tests.invariance import INVARIANCE_CONFIG, prune_after, snapshot

API = "/api/v1/shows/words/at"
FILLER = "\n".join(
    f"""  - storyline: main
    level: minor
    text: Filler note {n} about the archive.
    confidence: sure"""
    for n in range(25)
)
LATE_LEDGERS = "\n".join(
    f"""  - storyline: late
    level: minor
    text: Ledger {n} and ledger again, ledgers everywhere.
    confidence: sure"""
    for n in range(12)
)
PACK = f"""format: 1
show: {{slug: words, title: Words Show, premise: A show made of words.}}
season: {{number: 1, first_position: 1}}
storylines:
- {{slug: main, title: The main case, introduced_in: 1, summary: A case at the docks.}}
- {{slug: late, title: The late case, introduced_in: 4, summary: Another case.}}
characters:
- slug: ted-rawls
  name: Ted Rawls
  short_names: [Rawls]
  introduced_in: 1
  role: A detective
  aliases: [{{revealed_in: 3, alias: The Ferryman}}]
- slug: renee-ballard
  name: Renée Ballard
  short_names: [Ballard]
  introduced_in: 1
  role: "Detective <script>alert('x')</script> & <b>co</b>"
- slug: zebulon-quist
  name: Zebulon Quist
  short_names: [Quist]
  introduced_in: 4
  role: A stranger
episodes:
- number: 1
  title: One
  plot_points:
  - storyline: main
    level: minor
    text: A ledger, a second ledger, found at the harbor.
    confidence: sure
  - storyline: main
    level: minor
    text: The harbor office, by the harbor, keeps one ledger.
    confidence: sure
  - storyline: main
    level: minor
    text: Someone is killing time at the docks while Rawls waits.
    confidence: sure
  - storyline: main
    level: minor
    text: Someone killed the night watchman.
    confidence: sure
  - storyline: main
    level: minor
    text: "A note reads <b>bold</b> & <script>alert(1)</script> in the margin."
    confidence: sure
{FILLER}
- number: 2
  title: Two
  plot_points:
  - storyline: main
    level: minor
    text: The watchman's widow talks to the press.
    confidence: sure
- number: 3
  title: Three
  plot_points:
  - storyline: main
    level: minor
    text: A boat crosses the river at dawn.
    confidence: sure
- number: 4
  title: Four
  plot_points:
{LATE_LEDGERS}
questions:
- slug: who-killed-the-watchman
  text: Who killed the watchman?
  raised_in: 1
  answered_in: 4
  answer: The stranger from the river.
  confidence: sure
"""
# Every plot point gets its key, in the order they are written.
_KEYS = itertools.count()
PACK = re.sub(
    r"^  - storyline:", lambda _: f"  - slug: point-{next(_KEYS)}\n    storyline:", PACK, flags=re.MULTILINE
)


@pytest.fixture
def words(migrated, tmp_path):
    from tests.conftest import _empty_tables

    path = tmp_path / "words.yaml"
    path.write_text(PACK)
    app = make_app(migrated, **INVARIANCE_CONFIG)
    with app.app_context():
        _empty_tables()
        load_packs([path])
    yield app
    app.extensions["ballard.engine"].dispose()


def _reader(app):
    """A client whose reader has watched everything: no share guard in front of a page."""
    client = app.test_client()
    set_progress_cookie(app, client, "words", 4)
    return client


def _search(app, h, q, **extra):
    response = app.test_client().get(f"{API}/{h}/search?{urlencode({'q': q, **extra})}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return json.loads(response.get_data())


def _snippets(app, h, q, **extra):
    return [hit["snippet"] for hit in _search(app, h, q, **extra)["hits"]]


def test_stems_match_across_word_forms(words):
    for q in ("killing", "killed", "kills"):
        found = _snippets(words, 1, q + " ")  # a trailing space: a whole word, no prefix
        assert "Someone killed the night watchman." in found, q
        assert "Someone is killing time at the docks while Rawls waits." in found, q


def test_diacritics_fold_both_ways(words):
    for q in ("Renee", "renée", "RENEE ballard"):
        assert [h["title"] for h in _search(words, 1, q)["hits"]][:1] == ["Renée Ballard"], q


def test_quoted_phrases_keep_their_order(words):
    assert _snippets(words, 1, '"harbor office"') == ["The harbor office, by the harbor, keeps one ledger."]
    assert _snippets(words, 1, '"office harbor"') == []
    assert len(_snippets(words, 1, "office harbor")) == 1


def test_the_last_word_matches_as_a_prefix_while_typed(words):
    assert [h["title"] for h in _search(words, 1, "Raw")["hits"]][:1] == ["Ted Rawls"]
    assert _search(words, 1, "Raw ")["hits"] == []  # finished typing: the word "raw"
    typeahead = json.loads(words.test_client().get(f"{API}/1/suggest?q=ted+raw").get_data())
    assert typeahead["suggestions"] == ["Ted Rawls"]


def test_names_rank_above_plot_text(words):
    hits = _search(words, 1, "Rawls")["hits"]
    assert [(h["kind"], h["title"]) for h in hits] == [("character", "Ted Rawls"), ("plot point", "S1E1 One")]


def test_ranking_uses_only_rows_visible_at_h(words):
    """Two points hold both words, one heavier on each. At h = 1 the words are equally rare
    and the story order decides; from h = 4 "ledger" is common, so the harbor-heavy point
    leads. Statistics over the whole table would put it first at h = 1 already."""
    at1 = _snippets(words, 1, "ledger harbor")
    assert at1 == [
        "A ledger, a second ledger, found at the harbor.",
        "The harbor office, by the harbor, keeps one ledger.",
    ]
    at4 = _snippets(words, 4, "ledger harbor")
    assert at4.index("The harbor office, by the harbor, keeps one ledger.") < at4.index(
        "A ledger, a second ledger, found at the harbor."
    )


@pytest.mark.parametrize("h", [1, 2, 3])
def test_results_and_their_order_ignore_later_rows(words, h):
    client = _reader(words)
    urls = [
        f"{API}/{h}/search?{urlencode({'q': q})}"
        for q in (
            "ledger harbor",
            "ledger",
            "harbor",
            "the",
            "watchman",
            "ferryman",
            "stranger",
            "quist",
            "archive",
            "ca",
        )
    ]
    urls += [f"/words/at/{h}/search?{urlencode({'q': q})}" for q in ("ledger harbor", "killed")]
    urls += [f"{API}/{h}/suggest?q=ze", f"{API}/{h}/suggest?q=the+f"]
    full = {url: snapshot(client, url) for url in urls}
    prune_after(words, h)
    assert {url: snapshot(client, url) for url in urls} == full


def test_a_name_after_h_answers_what_nonsense_answers(words):
    client = words.test_client()

    def body(h, q, path="search"):
        data = json.loads(client.get(f"{API}/{h}/{path}?q={q}").get_data())
        return {k: v for k, v in data.items() if k != "query"}

    for path in ("search", "suggest"):
        assert body(3, "zebulon", path) == body(3, "xqzvwk", path)
        assert body(3, "zeb", path) == body(3, "xqz", path)
    assert body(4, "zeb", "suggest")["suggestions"] == ["Zebulon Quist"]


def test_stamps_of_aliases_and_answers(words):
    assert _search(words, 2, "ferryman")["hits"] == []
    assert [h["title"] for h in _search(words, 3, "ferryman")["hits"]] == ["Ted Rawls"]
    assert [h["kind"] for h in _search(words, 3, "river")["hits"]] == ["plot point"]
    assert "question" in [h["kind"] for h in _search(words, 4, "river")["hits"]]


def test_snippets_mark_matches_and_escape_everything_else(words):
    hits = _search(words, 1, "alert")["hits"]
    assert sorted(h["kind"] for h in hits) == ["character", "plot point"]
    note = next(h for h in hits if h["kind"] == "plot point")
    assert note["snippet_html"] == (
        "A note reads &lt;b&gt;bold&lt;/b&gt; &amp; &lt;script&gt;<mark>alert</mark>(1)"
        "&lt;/script&gt; in the margin."
    )
    page = _reader(words).get("/words/at/1/search?q=alert").get_data(as_text=True)
    assert "<script>" not in page and "<b>" not in page
    marks = BeautifulSoup(page, "html.parser").select(".search-results mark")
    assert [m.get_text() for m in marks] == ["alert", "alert"]


def test_kinds_counts_and_pages(words):
    first = _search(words, 1, "archive")
    assert (first["total"], first["pages"], len(first["hits"])) == (25, 2, 20)
    assert first["counts"] == [{"kind": "plot point", "hits": 25}]
    second = _search(words, 1, "archive", page="2")
    assert len(second["hits"]) == 5
    assert not {h["snippet"] for h in first["hits"]} & {h["snippet"] for h in second["hits"]}
    assert _search(words, 1, "archive", page="3")["hits"] == []

    both = _search(words, 1, "rawls")
    assert both["counts"] == [{"kind": "character", "hits": 1}, {"kind": "plot point", "hits": 1}]
    only = _search(words, 1, "rawls", kind="character")
    assert [h["kind"] for h in only["hits"]] == ["character"]
    assert only["total"] == 2 and only["pages"] == 1

    client = _reader(words)
    for bad in ({"kind": "spoiler"}, {"kind": ""}, {"page": "0"}, {"page": "x"}, {"page": ""}):
        assert client.get(f"{API}/1/search?{urlencode({'q': 'a', **bad})}").status_code == 400
        assert client.get(f"/words/at/1/search?{urlencode({'q': 'a', **bad})}").status_code == 400
    page = BeautifulSoup(client.get("/words/at/1/search?q=archive").get_data(as_text=True), "html.parser")
    assert page.select_one("a[rel=next]")["href"] == "/words/at/1/search?page=2&q=archive"


def test_did_you_mean_draws_on_visible_words(words):
    assert _search(words, 1, "watchman ")["suggestions"] == []  # a hit: no suggestion
    assert _search(words, 1, "ledgr ")["suggestions"] == ["ledger"]
    assert _search(words, 3, "quistt ")["suggestions"] == []
    # Suggested as written in the texts (a name keeps its capital).
    assert _search(words, 4, "quistt ")["suggestions"] == ["Quist"]


def _tiny_hits(app, h, q):
    data = json.loads(
        app.test_client().get(f"/api/v1/shows/tiny/at/{h}/search?{urlencode({'q': q})}").get_data()
    )
    return [(hit["kind"], hit["snippet"]) for hit in data["hits"]]


def test_editor_saves_keep_the_index_in_step(editor, tiny):
    """The index changes in the save's own transaction: an edited text is found by its
    new words at once, by its old ones no more, and an answer only from its episode."""
    from tests.conftest import submit

    assert _tiny_hits(tiny, 1, "gossip ") == []
    submit(
        editor,
        "/editor/tiny/plot-points/s1e1-town-only-witness",
        {
            "text": "The town's only witness would rather gossip.",
            "level": "minor",
            "characters": ["dana-reed"],
            "sources": "",
        },
    )
    assert _tiny_hits(tiny, 1, "gossip ") == [("plot point", "The town's only witness would rather gossip.")]
    assert _tiny_hits(tiny, 1, '"will not talk"') == []

    submit(
        editor,
        "/editor/tiny/questions/will-sister-stay",
        {"answered_in": "4", "answer": "She stays for good."},
    )
    assert _tiny_hits(tiny, 3, "good ") == []
    assert _tiny_hits(tiny, 4, "good ") == [("question", "She stays for good.")]


def test_a_refused_save_leaves_the_index_alone(editor, tiny):
    from tests.conftest import submit

    response = submit(
        editor, "/editor/tiny/questions/will-sister-stay", {"answered_in": "3", "answer": ""}
    )  # refused: an answer needs both
    assert response.status_code != 303
    assert _tiny_hits(tiny, 2, '"sister stay"') == [("question", "Will her sister stay?")]


def test_stopwords_count_like_any_word_on_both_engines(words):
    """FTS5 keeps every word, and so does PostgreSQL's search_english (no stopword list):
    "the" finds exactly the visible hits holding the word, on either database."""
    import re

    def every(q):
        first = _search(words, 1, q)
        return {
            hit["snippet"]
            for page in range(1, first["pages"] + 1)
            for hit in _search(words, 1, q, page=str(page))["hits"]
        }

    holding = every("archive") | every("ledger") | every("killed") | every("harbor")
    expected = {s for s in holding if re.search(r"\bthe\b", s, re.I)}
    found = every("the ")
    assert expected and expected <= found
    assert all(re.search(r"\bthe\b", s, re.I) for s in found)
    assert _snippets(words, 1, '"killed the night"') == ["Someone killed the night watchman."]
    assert _snippets(words, 1, '"killed night"') == []
    assert _search(words, 1, "the watchman ")["total"] == 2  # the plot point and the question


def test_show_tokens_and_the_engines_marks_map_back_to_the_text():
    from ballard.textfold import MARK_END, MARK_START, marked_spans, show_tokens

    text = "Rawls's car, as a s1xylo"
    assert show_tokens(text, 7) == "s7xRawls's7ys0 s7xcar, s7yas0 s7ya0 s7xs1xylo"
    marked = show_tokens(text, 7).replace("s7yas0", f"{MARK_START}s7yas0{MARK_END}")
    marked = marked.replace("s7xs1xylo", f"{MARK_START}s7xs1xylo{MARK_END}")
    assert [text[a:b] for a, b in marked_spans(marked, text, 7)] == ["as", "s1xylo"]
    assert marked_spans(text, text, 7) == ()  # not the tokens: no marks rather than wrong ones
    assert marked_spans(show_tokens(text, 7), text, 8) == ()


def test_short_words_are_not_stemmed_into_each_other(words):
    """FTS5 leaves words under three letters alone, so "a" is not "as" on either engine."""
    assert all(" a " in f" {s.lower()} " or s.lower().startswith("a ") for s in _snippets(words, 1, "a "))
    assert _snippets(words, 1, "as ") == []
