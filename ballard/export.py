"""`flask export-static DIR`: the whole viewer site, for every horizon, as static files.

Each page is rendered through the app itself (the same gate, templates and headers), for
a reader who has finished the season, and written to DIR/<url path>/index.html, so any
static file server that serves index.html for a folder can host it. What a static host
cannot do: the share guard and the saved progress cookie (there is no server to read
it), and search (the search page is exported empty; its form still works against a
running app). Only pages that exist at a horizon are written, so an unknown or later
slug is a 404 there too.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app, url_for
from flask.cli import with_appcontext

from ballard import horizon
from ballard.db import get_session
from ballard.progress import cookie_name, progress_cookie_value

# Viewer routes that make sense without a server; each maps a URL argument to the
# gate method that lists its visible values.
SKIPPED_ENDPOINTS = {"guide.show_home", "guide.set_progress", "guide.set_preferences"}


def _values(gate: horizon.Gate) -> dict[str, list[str]]:
    board = gate.questions()
    return {
        "episode": [c.slug for c in gate.episodes() if c.watched],
        "character": [c.slug for c in gate.characters()],
        "storyline": [row.storyline.slug for row in gate.timeline()],
        "question": [q.slug for q in (*board.open, *board.answered)],
        "season": [str(s.number) for s in gate.seasons()],
    }


def export_urls(app: Flask) -> Iterator[str]:
    """Every viewer page URL, for every show and horizon."""
    rules = [
        r
        for r in app.url_map.iter_rules()
        if r.endpoint.startswith("guide.")
        and r.endpoint not in SKIPPED_ENDPOINTS
        and "GET" in (r.methods or ())
    ]
    yield "/"
    for show in horizon.list_shows(get_session()):
        for h in range(show.episode_count + 1):
            gate = horizon.open_gate(get_session(), show.slug, str(h))
            values = _values(gate)
            for rule in rules:
                names = rule.arguments - {"show", "h"}
                if "h" not in rule.arguments:
                    continue
                if not names:
                    yield url_for(rule.endpoint, show=show.slug, h=h)
                for name in names:  # every viewer route has at most one slug argument
                    for value in values[name]:
                        slug: dict[str, Any] = {name: value}
                        yield url_for(rule.endpoint, show=show.slug, h=h, **slug)


def _reader_cookies(app: Flask) -> list[str]:
    """Progress cookies at every show's finale, so no exported page is a share guard."""
    return [
        f"{cookie_name(show.slug)}={progress_cookie_value(show.episode_count)}"
        for show in horizon.list_shows(get_session())
    ]


def export_site(app: Flask, target: Path) -> int:
    """Write the site into `target` (which must be empty or absent); return the page count."""
    if target.exists() and any(target.iterdir()):
        raise click.ClickException(f"{target} is not empty; choose an empty folder.")
    target.mkdir(parents=True, exist_ok=True)
    client = app.test_client(use_cookies=False)
    headers = {"Cookie": "; ".join(_reader_cookies(app))}
    with app.test_request_context():
        urls = list(dict.fromkeys(export_urls(app)))
    for url in urls:
        response = client.get(url, headers=headers)
        if response.status_code != 200:
            raise click.ClickException(f"{url} answered {response.status_code}; nothing more written.")
        path = target / url.strip("/") / "index.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(response.get_data())
    for show in horizon.list_shows(get_session()):
        # /<show>/ normally redirects to the reader's saved horizon; statically, to h = 0.
        start = f"/{show.slug}/at/0/"
        (target / show.slug).mkdir(exist_ok=True)
        (target / show.slug / "index.html").write_text(
            f'<!doctype html><meta charset="utf-8"><title>{show.title} guide</title>'
            f'<meta http-equiv="refresh" content="0; url={start}">'
            f'<p><a href="{start}">Start the {show.title} guide</a></p>\n',
            encoding="utf-8",
        )
    not_found = client.get("/zz-not-a-page/for-the-export")
    (target / "404.html").write_bytes(not_found.get_data())
    assert current_app.static_folder is not None  # the app has its static folder
    shutil.copytree(Path(current_app.static_folder), target / "static")
    shutil.copyfile(target / "static" / "favicon.ico", target / "favicon.ico")
    return len(urls)


@click.command("export-static")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def export_command(directory: Path) -> None:
    """Write the whole site, for every horizon, into DIRECTORY as static files."""
    count = export_site(
        current_app._get_current_object(),  # type: ignore[attr-defined]
        directory,
    )
    click.echo(f"Exported {count} pages to {directory}.")
    sys.stdout.flush()


def init_app(app: Flask) -> None:
    app.cli.add_command(export_command)
