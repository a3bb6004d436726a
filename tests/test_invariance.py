"""The master test: no response at h depends on anything stamped after h (DESIGN.md §2)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

import pytest

from ballard.cli import load_packs
from ballard.content import shipped_packs
from ballard.content.pack import read_pack
from ballard.db import get_session
from ballard.horizon import find_show
from tests.canary import later_tokens, write_canary
from tests.conftest import _empty_tables, make_app, progress_cookie
from tests.invariance import (
    INVARIANCE_CONFIG,
    argument_values,
    progress_forms,
    prune_after,
    query_variants,
    snapshot,
    urls_at,
)

BALLARD_PACK = next(p for p in shipped_packs() if p.parent.name == "ballard")


TWO_SEASONS = sorted((Path(__file__).parent / "packs" / "two-seasons").glob("season-*.yaml"))


def _loaded_app(database_url, pack_paths):
    app = make_app(database_url, **INVARIANCE_CONFIG)
    with app.app_context():
        _empty_tables()
        load_packs(pack_paths)
    return app


def _request(client, h, method, url, cookie, form=()):
    data = {"horizon": str(h), **dict(form)} if method == "POST" else None
    return snapshot(client, url, method, data, cookie)


def _reader_cookie(app, show: str, h: int) -> str:
    """A progress cookie for a reader who has watched through h."""
    return "=".join(progress_cookie(app, show, h))


def _pack_paths(pack: str, tmp_path) -> list[Path]:
    """The season files of a run: Ballard, its canary, or the two-season test pack and
    its canary (both seasons, so every horizon 0..N crosses the season break)."""
    if pack == "ballard":
        return [BALLARD_PACK]
    if pack == "two-seasons":
        return TWO_SEASONS
    source = TWO_SEASONS if pack == "two-seasons-canary" else [BALLARD_PACK]
    return write_canary(source, tmp_path / "canary")


# (pack, reader): "finished" has a progress cookie at the finale, so pages render in
# full; "newcomer" has none, so every page past h = 0 is the share guard.
@pytest.mark.parametrize(
    ("pack", "reader"),
    [
        ("ballard", "finished"),
        ("canary", "finished"),
        ("canary", "newcomer"),
        ("two-seasons", "finished"),
        ("two-seasons-canary", "finished"),
        ("two-seasons-canary", "newcomer"),
    ],
)
def test_responses_at_h_ignore_everything_after_h(migrated, tmp_path, pack, reader):
    pack_paths = _pack_paths(pack, tmp_path)
    app = _loaded_app(migrated, pack_paths)
    try:
        _check_invariance(app, pack, pack_paths[0], reader)
    finally:
        app.extensions["ballard.engine"].dispose()


def _check_invariance(app, pack, pack_path, reader):
    show = read_pack(pack_path).show.slug
    with app.app_context():
        last = find_show(get_session(), show).episode_count
    cookie = _reader_cookie(app, show, last) if reader == "finished" else None
    values, queries = argument_values(app), query_variants(app)
    client = app.test_client(use_cookies=False)
    not_found = snapshot(client, "/zz-unknown/address")
    api_not_found = snapshot(client, "/api/zz-unknown/address")  # the JSON API's one 404
    assert not_found.status == api_not_found.status == 404

    forms = [tuple(f.items()) for f in progress_forms(app, values)]
    full = {}
    for h in range(last + 1):
        for endpoint, method, url in urls_at(app, h, values, queries):
            full[h, method, url, ()] = _request(client, h, method, url, cookie)
            if endpoint == "guide.set_progress":  # the picker and the watched buttons
                for form in forms:
                    full[h, method, url, form] = _request(client, h, method, url, cookie, form)
    endpoints = {e for e, _, _ in urls_at(app, 0, values, queries)}

    canary = pack.endswith("canary")
    differences, leaks, odd_404s = [], [], []
    for h in reversed(range(last + 1)):
        prune_after(app, h)
        for (at, method, url, form), expected in full.items():
            if at != h:
                continue
            got = _request(client, h, method, url, cookie, form)
            if got != expected:
                differences.append(f"h={h} {method} {url}: {got.status} vs {expected.status}")
            reference = api_not_found if url.startswith("/api/") else not_found
            if got.status == 404 and got != reference:
                odd_404s.append(f"h={h} {method} {url}")
            if canary:
                # (errors="replace": /favicon.ico is binary)
                seen = expected.body.decode(errors="replace") + "".join(v for _, v in expected.headers)
                # A token the request itself carries (a typed slug or search) is an echo.
                echoed = set(later_tokens(unquote(url + str(form)), h))
                if found := [t for t in later_tokens(seen, h) if t not in echoed]:
                    leaks.append(f"h={h} {method} {url}: {found[:3]}")

    assert differences == [], f"{len(differences)} responses differ, e.g. {differences[:5]}"
    assert odd_404s == [], f"404s that differ from the unknown-URL 404: {odd_404s[:5]}"
    assert leaks == [], f"later tokens in responses: {leaks[:5]}"
    # The run covered every route in the URL map, at every horizon.
    assert {
        "guide.recap",
        "guide.character",
        "guide.search",
        "guide.set_progress",
        "api.recap",
        "api.character",
    } <= endpoints
    assert len(full) > (last + 1) * len(endpoints)
