"""Search that helps: plot-point hits land on the point, snippets keep fields apart,
kind filters are tabs with counts, and the box suggests as you type (with JS only)."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from tests.test_browser import browser, live_server  # noqa: F401 - fixtures


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def test_a_plot_point_hit_links_to_the_point_in_its_recap(tiny, reader):
    page = soup(reader.get("/tiny/at/3/search", query_string={"q": "Boatman"}))
    hit = next(li for li in page.select(".search-results li") if li.find(class_="kind").text == "plot point")
    href = hit.a["href"]
    assert href == "/tiny/at/3/episodes/s1e3#s1e3-witness-describes-man"
    recap = soup(reader.get(href.split("#")[0]))
    point = recap.find(id="s1e3-witness-describes-man")
    assert point is not None and "The Boatman" in point.text


def test_the_api_hit_carries_the_anchor_too(tiny, reader):
    answer = reader.get("/api/v1/shows/tiny/at/3/search", query_string={"q": "Boatman"}).json
    pages = [h["page"] for h in answer["hits"] if h["kind"] == "plot point"]
    assert pages == ["/tiny/at/3/episodes/s1e3#s1e3-witness-describes-man"]


def test_a_characters_role_and_actor_are_kept_apart(tiny, reader):
    page = soup(reader.get("/tiny/at/1/search", query_string={"q": "detective"}))
    snippets = [li.p.get_text() for li in page.select(".search-results li") if li.p]
    assert "The detective · Pat Example" in snippets


def test_kind_filters_are_tabs_with_counts(tiny, reader):
    page = soup(reader.get("/tiny/at/3/search", query_string={"q": "Boatman"}))
    tabs = page.select("nav.search-tabs a")
    labels = [" ".join(a.get_text().split()) for a in tabs]
    assert labels == ["all 2", "character 1", "plot point 1"]
    assert [a.get("aria-current") for a in tabs] == ["page", None, None]
    filtered = soup(reader.get("/tiny/at/3/search", query_string={"q": "Boatman", "kind": "character"}))
    current = filtered.select("nav.search-tabs a[aria-current=page]")
    assert [" ".join(a.get_text().split()) for a in current] == ["character 1"]


def test_the_search_box_names_its_suggest_answer(tiny, reader):
    form = soup(reader.get("/tiny/at/2/")).find("form", class_="search-form")
    assert form["data-suggest"] == "/api/v1/shows/tiny/at/2/suggest"
    # Without JavaScript the box is a plain search box.
    assert not form.find(attrs={"role": "combobox"}) and not form.find(attrs={"role": "listbox"})


@pytest.mark.browser
def test_suggestions_as_you_type_by_keyboard(browser, live_server):  # noqa: F811
    context = browser.new_context()
    page = context.new_page()
    page.request.post(f"{live_server}/tiny/progress", form={"horizon": "3"})
    page.goto(f"{live_server}/tiny/at/3/characters")
    box = page.locator("#site-search")
    box.click()
    box.press_sequentially("owe", delay=30)
    listbox = page.get_by_role("listbox", name="Suggestions")
    listbox.wait_for()
    assert box.get_attribute("aria-expanded") == "true"
    options = listbox.get_by_role("option").all_text_contents()
    assert "Owen Marsh" in options
    index = options.index("Owen Marsh")
    for _ in range(index + 1):
        box.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == f"site-search-suggestions-{index}"
    box.press("Enter")
    page.wait_for_url(f"{live_server}/tiny/at/3/search?q=Owen+Marsh")
    context.close()


@pytest.mark.browser
def test_without_javascript_the_search_box_is_a_form(browser, live_server):  # noqa: F811
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.request.post(f"{live_server}/tiny/progress", form={"horizon": "3"})
    page.goto(f"{live_server}/tiny/at/3/characters")
    page.locator("#site-search").fill("owen")
    page.locator("#site-search").press("Enter")
    page.wait_for_url(f"{live_server}/tiny/at/3/search?q=owen")
    assert page.get_by_role("listbox").count() == 0
    context.close()
