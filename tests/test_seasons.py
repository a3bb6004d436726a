"""Seasons and shows from content alone: the two-season test pack (test data, never
shipped) through load, dump, the lint, the viewer and the editor."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from ballard.cli import load_packs
from ballard.content import shipped_packs
from ballard.content.pack import PackError, assemble, parse_pack, read_pack
from ballard.db import get_session
from ballard.models import PlotPoint, Question, Revision
from tests.conftest import TINY_PACK, make_editor, set_progress_cookie, sign_in, submit

FOLDER = Path(__file__).parent / "packs" / "two-seasons"
S1, S2 = FOLDER / "season-1.yaml", FOLDER / "season-2.yaml"


@pytest.fixture
def harbor(app, client):
    with app.app_context():
        load_packs([S1, S2])
    set_progress_cookie(app, client, "harbor", 5)  # a reader who has seen it all
    return app


def _soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def test_the_test_pack_is_marked_as_test_data_and_never_shipped():
    assert "TEST DATA" in read_pack(S1).show.premise
    assert all("packs" not in p.parts for p in shipped_packs())


def test_load_then_dump_gives_back_every_season_file_byte_for_byte(harbor, runner, tmp_path):
    result = runner.invoke(args=["content", "dump", "harbor", "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "season-1.yaml").read_text() == S1.read_text()
    assert (tmp_path / "out" / "season-2.yaml").read_text() == S2.read_text()


def test_seasons_merge_into_one_show(harbor):
    with harbor.app_context():
        session = get_session()
        answered = session.scalar(select(Question).where(Question.slug == "who-sank-the-boat"))
        assert (answered.raised_in, answered.answered_in) == (1, 5)
        points = session.scalars(select(PlotPoint.slug).order_by(PlotPoint.episode_position)).all()
    assert points[-2:] == ["s2e1-light-out", "s2e2-cole-confesses"]


def test_a_later_season_loads_alone_once_the_first_is_in(app, runner):
    with app.app_context():
        [first] = load_packs([S1])
        [second] = load_packs([S2])
        assert first.startswith("harbor: loaded") and second.startswith("harbor: loaded")
        version = second.rsplit(" ", 1)[1]
        assert load_packs([S1, S2]) == [f"harbor: unchanged (content version {version}"]
        # Reloading season 1 alone keeps season 2.
        assert load_packs([S1]) == [f"harbor: unchanged (content version {version}"]


def test_a_season_without_its_first_is_refused_and_nothing_is_written(app):
    with app.app_context(), pytest.raises(PackError, match="season 1 is neither loaded nor given"):
        load_packs([S2])
    with app.app_context():
        assert get_session().scalar(select(PlotPoint)) is None


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        # a row stamped in season 1's episodes, written in season 2's file
        (
            "  - revealed_in: 5\n    status: solved",
            "  - revealed_in: 3\n    status: solved",
            "stamp 3 is outside season 2 (4..5)",
        ),
        # an extension of a slug no earlier season defines
        ("- slug: cole-rook\n  bios:", "- slug: cole-crow\n  bios:", "no earlier season defines 'cole-crow'"),
        # a full definition of what season 1 already defines
        ("- slug: tess-vane", "- slug: ada-pike", "an earlier season defines 'ada-pike'"),
        # a plot point key used in season 1 already
        ("slug: s2e1-light-out", "slug: s1e1-boat-found", "'s1e1-boat-found' is used twice"),
        # positions must follow on
        ("first_position: 4", "first_position: 6", "does not follow on"),
    ],
)
def test_the_checks_refuse_what_a_season_file_may_not_hold(tmp_path, old, new, message):
    text = S2.read_text()
    assert old in text
    bad = tmp_path / "season-2.yaml"
    bad.write_text(text.replace(old, new, 1))
    with pytest.raises(PackError, match=re.escape(message)) as info:
        assemble([(str(S1), read_pack(S1)), (str(bad), read_pack(bad))])
    assert str(bad) in str(info.value) or "harbor" in str(info.value)


def test_a_show_slug_on_a_top_level_route_is_refused():
    text = TINY_PACK.read_text().replace("slug: tiny", "slug: healthz", 1)
    with pytest.raises(PackError, match="'healthz' is a reserved address"):
        parse_pack(text)


def test_a_second_show_sits_beside_ballard(app, client):
    with app.app_context():
        load_packs([next(p for p in shipped_packs() if p.parent.name == "ballard"), S1, S2])
    page = _soup(client.get("/"))
    links = {a["href"] for a in page.select("main a")}
    assert {"/ballard/", "/harbor/"} <= links


def test_the_slider_spans_both_seasons_and_groups_them(harbor, client):
    page = _soup(client.get("/harbor/at/3/"))
    labels = [o["label"] for o in page.select("#horizon-stops option")]
    assert labels == [
        "Not started yet",
        "Watched through S1E1 · Low Tide",
        "Watched through S1E2 · The Owner",
        "Watched through S1E3 · Slack Water",
        "Watched through S2E1",
        "Watched through S2E2",
    ]
    groups = [g["label"] for g in page.select("#horizon-by-season optgroup")]
    assert groups == ["Season 1", "Season 2"]
    assert page.select_one("#horizon-by-season option[selected]")["value"] == "3"


def test_the_episode_list_is_grouped_by_season(harbor, client):
    page = _soup(client.get("/harbor/at/4/episodes"))
    sections = [
        (s.h2.get_text(), [li.select_one(".code").get_text() for li in s.select("li")])
        for s in page.select("main section")
    ]
    assert sections == [("Season 1", ["S1E1", "S1E2", "S1E3"]), ("Season 2", ["S2E1", "S2E2"])]
    assert "Insurance" not in page.get_text()  # S2E2 is not watched at 4


def test_a_second_season_recap_is_the_one_404_until_h_reaches_it(harbor, client):
    unknown = client.get("/zz-unknown/address")
    early = client.get("/harbor/at/3/episodes/s2e1")
    assert (early.status_code, early.get_data()) == (404, unknown.get_data())
    assert "Ada brings a ship in blind" in client.get("/harbor/at/4/episodes/s2e1").get_data(as_text=True)


def _left_open(client, h: int, season: int | None = None) -> BeautifulSoup:
    url = f"/harbor/at/{h}/next-season" + (f"/{season}" if season else "")
    response = client.get(url)
    assert response.status_code == 200
    return _soup(response)


def test_going_on_from_each_season(harbor, client):
    before = _left_open(client, 2, season=1)
    assert "Finish the season first" in before.get_text()
    assert not before.select("ul.questions")  # nothing else, not even a count
    at_finale = _left_open(client, 3, season=1)
    assert [a.get_text() for a in at_finale.select("ul.questions li > a")] == ["Who sank the boat?"]
    assert "Answered in" not in at_finale.select_one("ul.questions").get_text()
    later = _left_open(client, 5, season=1)  # the answer shows once h has reached it
    assert "Cole, for the insurance money." in later.select_one("ul.questions").get_text()
    # /next-season is the list for the latest season finished by h.
    latest = _left_open(client, 5)
    assert [a.get_text() for a in latest.select("ul.questions li > a")] == ["Who put out the light?"]
    assert "Finish the season first" in _left_open(client, 4, season=2).get_text()
    unknown = client.get("/zz-unknown/address").get_data()
    assert client.get("/harbor/at/5/next-season/3").get_data() == unknown


def test_editor_moves_and_reorders_plot_points_and_revisions_follow_the_key(harbor, client):
    sign_in(harbor, client, make_editor(harbor))
    page = _soup(client.get("/editor/harbor/plot-points/s1e2-owner-appears"))
    token = page.select_one("form.move-form input[name='delete-version_token']")["value"]
    csrf = page.select_one("form.move-form input[name='delete-csrf_token']")
    data = {"delete-version_token": token, "episode": "s1e3"}
    if csrf is not None:
        data["delete-csrf_token"] = csrf["value"]
    response = client.post("/editor/harbor/plot-points/s1e2-owner-appears/move", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    with harbor.app_context():
        point = get_session().scalar(select(PlotPoint).where(PlotPoint.slug == "s1e2-owner-appears"))
        assert (point.episode_position, point.sort_order, point.revealed_in) == (3, 1, 3)
    # Up within S1E3: the two points trade places, the key stays.
    episode = _soup(client.get("/editor/harbor/episodes/s1e3"))
    form = episode.select("form.reorder-form")[1]
    fields = {i["name"]: i.get("value", "") for i in form.select("input")}
    response = client.post(form["action"], data={**fields, "step": "up"})
    assert response.status_code == 303
    with harbor.app_context():
        session = get_session()
        order = session.scalars(
            select(PlotPoint.slug).where(PlotPoint.episode_position == 3).order_by(PlotPoint.sort_order)
        ).all()
        assert order == ["s1e2-owner-appears", "s1e3-hull-cut"]
        keys = session.scalars(select(Revision.entity_key)).all()
    assert keys == ["s1e2-owner-appears", "s1e2-owner-appears"]
    # A content load afterwards keeps the rows by key, and puts them where the file says.
    with harbor.app_context():
        load_packs([S1, S2])
        session = get_session()
        point = session.scalar(select(PlotPoint).where(PlotPoint.slug == "s1e2-owner-appears"))
        assert point.episode_position == 2


def test_editor_adds_a_season_and_episodes_to_a_chosen_season(harbor, client):
    sign_in(harbor, client, make_editor(harbor))
    response = submit(client, "/editor/harbor/seasons/new", {})
    assert response.status_code == 303, response.get_data(as_text=True)[:800]
    response = submit(client, "/editor/harbor/seasons/3/episodes/new", {"title": "New Tide"})
    assert response.status_code == 303, response.get_data(as_text=True)[:800]
    page = _soup(client.get("/harbor/at/6/episodes"))
    assert [s.h2.get_text() for s in page.select("main section")] == ["Season 1", "Season 2", "Season 3"]
    assert "New Tide" in page.get_text()


def test_the_lint_reads_the_seasons_together_and_names_the_file(runner, tmp_path):
    """A season 1 text naming a character season 2 introduces is a leak, reported in
    season 1's file."""
    first = tmp_path / "season-1.yaml"
    first.write_text(
        S1.read_text().replace(
            "text: The hull was cut from the inside.", "text: Tess says the hull was cut from the inside."
        )
    )
    result = runner.invoke(args=["content", "lint", str(first), str(S2)])
    assert result.exit_code == 1
    assert (
        f"{first}: error: plot point s1e3-hull-cut, field text: shown from 3 but names "
        "'Tess' (character 'tess-vane', introduced in 4)"
    ) in result.output
    assert runner.invoke(args=["content", "lint", str(S1), str(S2)]).exit_code == 0


def test_the_api_gives_each_season_its_left_open_list(harbor, client):
    early = client.get("/api/v1/shows/harbor/at/2/next-season/1").get_json()
    assert (early["finished"], early["season"], early["questions"]) == (False, 1, None)
    later = client.get("/api/v1/shows/harbor/at/5/next-season/1").get_json()
    assert [q["slug"] for q in later["questions"]] == ["who-sank-the-boat"]
    latest = client.get("/api/v1/shows/harbor/at/5/next-season").get_json()
    assert (latest["season"], [q["slug"] for q in latest["questions"]]) == (2, ["who-put-out-the-light"])
    for bad in ("3", "0", "01", "x"):
        assert client.get(f"/api/v1/shows/harbor/at/5/next-season/{bad}").status_code == 404


def test_a_load_that_swaps_two_points_keeps_both_rows(tiny, tmp_path):
    """Two points of one episode trade places in the file: the load moves the rows (ids
    kept) without meeting the unique place index halfway."""
    text = TINY_PACK.read_text()
    start = text.index("  - slug: s1e1-dana-called-lake")
    middle = text.index("  - slug: s1e1-town-only-witness")
    end = text.index("- number: 2")
    swapped = tmp_path / "tiny.yaml"
    swapped.write_text(text[:start] + text[middle:end] + text[start:middle] + text[end:])
    with tiny.app_context():
        session = get_session()
        before = dict(session.execute(select(PlotPoint.slug, PlotPoint.id)).all())
        load_packs([swapped])
        session = get_session()
        order = session.execute(
            select(PlotPoint.slug, PlotPoint.id)
            .where(PlotPoint.episode_position == 1)
            .order_by(PlotPoint.sort_order)
        ).all()
    assert [slug for slug, _ in order] == ["s1e1-town-only-witness", "s1e1-dana-called-lake"]
    assert all(before[slug] == point_id for slug, point_id in order)
