"""Crawl every viewer route at every horizon on the Ballard pack and write one digest per
response, to show that a refactoring changed no page and no API answer.

    PYTHONPATH=. BALLARD_ENV=testing .venv/bin/python -m tests.tools.crawl OUT.json
    python -m tests.tools.crawl --compare BEFORE.json AFTER.json

Routes and argument values come from the URL map, as in the invariance test (unknown
slugs and out-of-range episodes included), for a reader who has watched everything and
for a newcomer with no saved progress (the share guard). A digest covers the status,
the headers (but Date) and the body; for static files only the status and body, since
their Last-Modified and ETag follow the file's mtime in the checkout.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path


def crawl(out: Path) -> int:
    from ballard.cli import load_packs, upgrade_database
    from ballard.content import shipped_packs
    from tests.conftest import make_app, progress_cookie
    from tests.invariance import (
        INVARIANCE_CONFIG,
        argument_values,
        query_variants,
        snapshot,
        urls_at,
    )

    url = "sqlite:///" + os.path.join(tempfile.mkdtemp(), "crawl.db")
    app = make_app(url, **INVARIANCE_CONFIG)
    with app.app_context():
        upgrade_database()
        load_packs([p for p in shipped_packs() if p.parent.name == "ballard"])
    values, queries = argument_values(app), query_variants(app)
    client = app.test_client(use_cookies=False)
    finished = "=".join(progress_cookie(app, "ballard", 10))
    digests: dict[str, list] = {}
    for reader, cookie in (("finished", finished), ("newcomer", None)):
        for h in range(11):
            for endpoint, method, path in urls_at(app, h, values, queries):
                if endpoint.startswith(("editor.", "auth.")):
                    continue  # not viewer pages
                data = {"horizon": str(h)} if method == "POST" else None
                s = snapshot(client, path, method, data, cookie)
                headers = () if endpoint == "static" else s.headers
                digest = hashlib.sha256(repr((s.status, headers)).encode() + s.body).hexdigest()
                digests[f"{reader} {method} {path}"] = [s.status, digest]
    out.write_text(json.dumps(digests, indent=0, sort_keys=True))
    return len(digests)


def compare(before: Path, after: Path) -> int:
    a, b = json.loads(before.read_text()), json.loads(after.read_text())
    only = sorted(set(a) ^ set(b))
    changed = sorted(k for k in set(a) & set(b) if a[k] != b[k])
    print(f"{len(a)} responses before, {len(b)} after; {len(only)} in one crawl only, {len(changed)} differ")
    for key in (only + changed)[:40]:
        print("  ", key)
    return 1 if only or changed else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"))
    parser.add_argument("out", nargs="?", type=Path)
    args = parser.parse_args()
    if args.compare:
        sys.exit(compare(*args.compare))
    if args.out is None:
        parser.error("give OUT.json, or --compare BEFORE AFTER")
    print(f"{crawl(args.out)} responses", file=sys.stderr)


if __name__ == "__main__":
    main()
