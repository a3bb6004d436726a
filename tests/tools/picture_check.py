"""Readability of the connections picture, measured from the SVG itself.

    PYTHONPATH=. BALLARD_ENV=testing .venv/bin/python -m tests.tools.picture_check

prints, for every horizon of the Ballard pack and of the two-season test pack, the number
of ties and characters drawn, the pairs of lines that cross, and the label collisions:
label on label (edge labels and names), label on a character's dot, label on a line
other than its own. tests/test_pictures.py asserts the targets from the same `measure`.

Text boxes are estimated from the stylesheet's sizes (12px labels, 14px names, in a
sans-serif face): `CHAR` of the font size per character, as wide as the widest common
glyphs average, so a box is never narrower than what the browser draws.
"""

from __future__ import annotations

import re
import sys
import tempfile
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

from bs4 import BeautifulSoup

Box = tuple[float, float, float, float]
Point = tuple[float, float]
CHAR = 0.56  # of the font size, per character
EDGE_FONT, NAME_FONT = 12.0, 14.0


@dataclass
class Measure:
    ties: int = 0
    characters: int = 0
    crossings: list[tuple[int, int]] = field(default_factory=list)
    label_on_label: list[tuple[str, str]] = field(default_factory=list)
    label_on_dot: list[tuple[str, str]] = field(default_factory=list)
    label_on_line: list[tuple[str, int]] = field(default_factory=list)

    @property
    def collisions(self) -> int:
        return len(self.label_on_label) + len(self.label_on_dot) + len(self.label_on_line)


def text_box(x: float, y: float, text: str, anchor: str, size: float) -> Box:
    width = len(text) * size * CHAR
    left = x - width / 2 if anchor == "middle" else x - width if anchor == "end" else x
    return (left, y - size * 0.8, left + width, y + size * 0.25)


def _overlap(a: Box, b: Box) -> bool:
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


def _path_points(d: str) -> list[Point]:
    """The points of a path of M, L and C commands (absolute), curves sampled."""
    tokens = re.findall(r"[MLC]|-?\d+(?:\.\d+)?", d)
    points: list[Point] = []
    command, numbers = "", []
    for token in tokens + ["M"]:
        if token in "MLC":
            if command in "ML":
                points += [(numbers[i], numbers[i + 1]) for i in range(0, len(numbers) - 1, 2)]
            elif command == "C":
                for i in range(0, len(numbers) - 5, 6):
                    p0 = points[-1]
                    p1, p2, p3 = ((numbers[i + j], numbers[i + j + 1]) for j in (0, 2, 4))
                    for step in range(1, 9):
                        t = step / 8
                        a, b, c, e = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t * t, t**3
                        points.append(
                            (
                                a * p0[0] + b * p1[0] + c * p2[0] + e * p3[0],
                                a * p0[1] + b * p1[1] + c * p2[1] + e * p3[1],
                            )
                        )
            command, numbers = token, []
        else:
            numbers.append(float(token))
    return points


def _segments(points: list[Point]) -> list[tuple[Point, Point]]:
    return list(zip(points, points[1:], strict=False))


def _cross(p: Point, q: Point, r: Point, s: Point) -> bool:
    """Segments pq and rs cross properly (touching ends do not count)."""

    def orient(a: Point, b: Point, c: Point) -> float:
        return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])

    d1, d2 = orient(p, q, r), orient(p, q, s)
    d3, d4 = orient(r, s, p), orient(r, s, q)
    return d1 * d2 < 0 and d3 * d4 < 0


def _segment_hits_box(p: Point, q: Point, box: Box) -> bool:
    """Does segment pq pass through the inside of box (Liang-Barsky clipping)?"""
    x0, y0, x1, y1 = box
    t0, t1 = 0.0, 1.0
    dx, dy = q[0] - p[0], q[1] - p[1]
    for edge_p, edge_q in ((-dx, p[0] - x0), (dx, x1 - p[0]), (-dy, p[1] - y0), (dy, y1 - p[1])):
        if edge_p == 0:
            if edge_q <= 0:
                return False
            continue
        t = edge_q / edge_p
        if edge_p < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 >= t1:
            return False
    return True


def measure(svg_text: str) -> Measure:
    """Crossings and label collisions of one connections picture (`network-svg`)."""
    svg = BeautifulSoup(svg_text, "html.parser").find("svg", class_="network-svg")
    result = Measure()
    if svg is None:
        return result
    nodes = {}  # href -> (dot box, name box, name)
    for a in svg.select(".network-node"):
        circle, name = a.find("circle"), a.find_all("text")[-1]  # the name comes last
        cx, cy, r = (float(circle[k]) for k in ("cx", "cy", "r"))
        text = name.get_text()
        nodes[a["data-slug"] if a.has_attr("data-slug") else a["href"]] = (
            (cx - r, cy - r, cx + r, cy + r),
            text_box(float(name["x"]), float(name["y"]), text, name.get("text-anchor", "start"), NAME_FONT),
            text,
            (cx, cy),
        )
    edges = []  # (ends, points, label box, label)
    for index, g in enumerate(svg.select(".network-edge")):
        shape = g.find(["line", "path", "polyline"])
        if shape.name == "line":
            points = [(float(shape["x1"]), float(shape["y1"])), (float(shape["x2"]), float(shape["y2"]))]
        elif shape.name == "polyline":
            numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", shape["points"])]
            points = list(zip(numbers[::2], numbers[1::2], strict=False))
        else:
            points = _path_points(shape["d"])
        label = g.find("text")
        box = text_box(
            float(label["x"]),
            float(label["y"]),
            label.get_text(),
            label.get("text-anchor", "middle"),
            EDGE_FONT,
        )
        if g.has_attr("data-who"):
            ends = {g["data-who"], g["data-whom"]}
        else:  # the pictures before issue 23: the nodes nearest the line's ends
            ends = {
                key
                for key, (dot, _, _, centre) in nodes.items()
                if min(abs(centre[0] - p[0]) + abs(centre[1] - p[1]) for p in (points[0], points[-1])) < 40
            }
        edges.append((ends, points, box, f"{index}:{label.get_text()}"))
    result.ties, result.characters = len(edges), len(nodes)
    for (i, a), (j, b) in combinations(enumerate(edges), 2):
        if a[0] & b[0]:
            continue  # lines that share a character meet there; not a crossing
        if any(_cross(p, q, r, s) for p, q in _segments(a[1]) for r, s in _segments(b[1])):
            result.crossings.append((i, j))
    labels = [(e[3], e[2]) for e in edges] + [(n[2], n[1]) for n in nodes.values()]
    result.label_on_label = [(a, b) for (a, ba), (b, bb) in combinations(labels, 2) if _overlap(ba, bb)]
    for dot, _, name, _ in nodes.values():
        result.label_on_dot += [
            (label, name) for label, box in labels if label != name and _overlap(box, dot)
        ]
    for index, (ends, points, _, _) in enumerate(edges):
        for e_index, (_, _, box, label) in enumerate(edges):
            if e_index != index and any(_segment_hits_box(p, q, box) for p, q in _segments(points)):
                result.label_on_line.append((label, index))
        for key, (_, name_box, name, _) in nodes.items():
            if key not in ends and any(_segment_hits_box(p, q, name_box) for p, q in _segments(points)):
                result.label_on_line.append((name, index))
    return result


SVG = re.compile(r"<svg class=\"network-svg\".*?</svg>", re.DOTALL)


def pictures(packs: dict[str, list[Path]]):
    """(show, h, svg text or "") for every horizon of every show, each pack in a fresh DB."""
    from ballard.cli import load_packs, upgrade_database
    from ballard.db import get_session
    from ballard.horizon import find_show
    from tests.conftest import make_app, progress_cookie

    for show, paths in packs.items():
        with tempfile.TemporaryDirectory() as folder:
            app = make_app("sqlite:///" + str(Path(folder) / "pictures.db"))
            with app.app_context():
                upgrade_database()
                load_packs(paths)
                count = find_show(get_session(), show).episode_count
            client = app.test_client()
            client.set_cookie(*progress_cookie(app, show, count))
            for h in range(count + 1):
                page = client.get(f"/{show}/at/{h}/connections").get_data(as_text=True)
                found = SVG.search(page)
                yield show, h, found.group(0) if found else ""
            app.extensions["ballard.engine"].dispose()


def both_packs() -> dict[str, list[Path]]:
    from ballard.content import shipped_packs

    two = sorted((Path(__file__).parent.parent / "packs" / "two-seasons").glob("season-*.yaml"))
    return {"ballard": [p for p in shipped_packs() if p.parent.name == "ballard"], "harbor": two}


def main() -> int:
    print("show     h  ties chars  crossings  label/label  label/dot  label/line")
    for show, h, svg in pictures(both_packs()):
        m = measure(svg)
        print(
            f"{show:8} {h:2} {m.ties:5} {m.characters:5} {len(m.crossings):10} "
            f"{len(m.label_on_label):12} {len(m.label_on_dot):10} {len(m.label_on_line):11}"
        )
        if "-v" in sys.argv:
            for what in ("label_on_label", "label_on_dot", "label_on_line"):
                for item in getattr(m, what):
                    print(f"    {what}: {item}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
