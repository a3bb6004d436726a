"""`make bench`, through Varnish: deploy/varnish/ballard.vcl in front of one gunicorn
worker, pinned like the other servers. Rows: the cached pages through Varnish (a reader at
h = 10, gzip as browsers ask) against hello straight from gunicorn; a static file through
Varnish (the ceiling: Varnish delivering stored bytes); the hit ratio over those runs; and
a soak at 256 connections over every page, with the origin's requests per second during
it (Varnish's backend requests), which a shared cache bounds by the number of distinct
pages, not by the readers.
"""

from __future__ import annotations

import subprocess
import urllib.request
from pathlib import Path

from tests.varnish_harness import VARNISHD, Varnish

STATIC = "/static/guide.css"
COUNTERS = ("cache_hit", "cache_miss", "cache_hitmiss", "backend_req", "client_req")


def counters(varnish: Varnish) -> dict[str, int]:
    found = varnish.counters()
    return {k: found[f"MAIN.{k}"] for k in COUNTERS}


def soak(
    base: str, paths: list[str], cookie: str, seconds: int, connections: int, work: Path, pinned: list[str]
) -> str:
    script = work / "varnish-mix.lua"
    listed = ", ".join(f'"{p}"' for p in paths)
    script.write_text(
        f"local paths = {{{listed}}}\nlocal i = 0\n"
        f'wrk.headers["Cookie"] = "{cookie}"\n'
        'wrk.headers["Accept-Encoding"] = "gzip, deflate, br"\n'
        "request = function()\n  i = i % #paths + 1\n"
        "  return wrk.format(nil, paths[i])\nend\n"
    )
    return subprocess.run(
        [*pinned, "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script), base],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def run(
    args,
    pages: dict[str, str],
    cookie: str,
    wrk,
    gunicorn,
    env: dict[str, str],
    work: Path,
    server_pin: list[str],
    wrk_pin: list[str],
    free_port,
    wrk_figures,
) -> dict:
    """Every figure through Varnish, printed and returned for the JSON file."""
    if not Path(VARNISHD).exists():
        print("\nthrough Varnish: skipped, varnishd is not installed (scripts/ensure-varnish)")
        return {}
    port = free_port()
    gzip = {"Accept-Encoding": "gzip, deflate, br"}
    rows, figures = [], {"pages": {}}
    with (
        gunicorn("tests.bench.hello:app", env) as hello,
        gunicorn("app:app", dict(env, BALLARD_SHARED_CACHE_URLS=f"http://127.0.0.1:{port}/")) as origin,
        Varnish(
            int(origin.rsplit(":", 1)[1]), work / "varnish-bench", port, 256, 32, tuple(server_pin)
        ) as cache,
    ):
        base = f"http://127.0.0.1:{port}"
        for path in [*pages.values(), STATIC]:  # warm: one miss each
            request = urllib.request.Request(base + path, headers={"Cookie": cookie, **gzip})
            urllib.request.urlopen(request, timeout=10).close()
        before = counters(cache)
        hello_rps = []
        for _ in range(args.rounds):
            hello_rps.append(wrk(hello + "/", {})["rps"])
            for page, path in pages.items():
                figures["pages"].setdefault(page, []).append(
                    wrk(base + path, {"Cookie": cookie, **gzip})["rps"]
                )
            figures.setdefault("static", []).append(wrk(base + STATIC, gzip)["rps"])
        after = counters(cache)
        hits = after["cache_hit"] - before["cache_hit"]
        lookups = hits + (after["cache_miss"] - before["cache_miss"])
        figures["hit_ratio"] = hits / lookups if lookups else None
        figures["hello"] = hello_rps
        h = sorted(hello_rps)[len(hello_rps) // 2]
        for page, rps in figures["pages"].items():
            m = sorted(rps)[len(rps) // 2]
            rows.append((page, f"{m:.0f}", f"{m / h:.1f}"))
        m = sorted(figures["static"])[len(figures["static"]) // 2]
        rows.append((f"static file {STATIC} (ceiling)", f"{m:.0f}", f"{m / h:.1f}"))
        print(
            f"\nthrough Varnish (cached pages, reader at h=10, gzip; hello {h:.0f} req/s "
            f"straight from gunicorn; median of {args.rounds} rounds)"
        )
        width = max(len(r[0]) for r in rows)
        print(f"{'page'.ljust(width)}  {'req/s':>8}  {'x hello':>7}")
        for page, rps, ratio in rows:
            print(f"{page.ljust(width)}  {rps:>8}  {ratio:>7}")
        print(f"hit ratio over these runs: {figures['hit_ratio']:.4f} ({hits} hits of {lookups} lookups)")
        if args.varnish_soak:
            before = counters(cache)
            out = soak(base, list(pages.values()), cookie, args.varnish_soak, 256, work, wrk_pin)
            after = counters(cache)
            origin_requests = after["backend_req"] - before["backend_req"]
            result = {
                "seconds": args.varnish_soak,
                "connections": 256,
                **wrk_figures(out),
                "origin_requests": origin_requests,
                "origin_rps": origin_requests / args.varnish_soak,
            }
            figures["soak"] = result
            print(
                f"soak through Varnish: {args.varnish_soak} s, 256 connections, "
                f"{len(pages)} pages in turn: {result['requests']} requests, "
                f"{result['rps']:.0f} req/s, p50 {result['p50_ms']:.2f} ms, p99 "
                f"{result['p99_ms']:.2f} ms, non-2xx {result['non2xx']}, socket errors "
                f"{result['socket_errors']}; origin {origin_requests} requests "
                f"({result['origin_rps']:.2f}/s)"
            )
    return figures
