"""The connections picture: a deterministic layout of the ties visible at h.

The characters with a visible tie are placed in the show's order: the first in the
middle, the others on a ring around them, clockwise from the top. Nothing else goes into
the layout: the same visible rows give the same coordinates, byte for byte, and a
character introduced after h cannot move a node at h.
Each kind of tie has its own line style (a dash pattern) and a text label, so kinds are
told apart without colour; a directed kind ("works for") carries an arrow towards whom.
Labels are placed in the ties' order, each at the first place along its line that keeps
clear of the names and of the labels placed before it: from the visible rows alone, too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ballard import horizon
from ballard.vocabulary import WORDS, RelationshipKind

# stroke-dasharray per kind ("" is a solid line). Family ties are solid and told apart by
# their labels; every other kind has a pattern of its own.
DASHES: dict[RelationshipKind, str] = {
    RelationshipKind.PARENT: "",
    RelationshipKind.CHILD: "",
    RelationshipKind.SIBLING: "",
    RelationshipKind.GRANDPARENT: "",
    RelationshipKind.SPOUSE: "",
    RelationshipKind.PARTNER: "14 4",
    RelationshipKind.FORMER_PARTNER: "14 4 3 4",
    RelationshipKind.ROMANCE: "2 5",
    RelationshipKind.WORKS_FOR: "7 5",
    RelationshipKind.MENTOR: "10 3 2 3 2 3",
    RelationshipKind.INFORMANT: "1 7",
    RelationshipKind.RIVAL: "16 3 3 3 3 3",
    RelationshipKind.SUSPECT_OF: "4 3",
}

NODE_RADIUS = 7
SPACING = 62  # along the ring, between two nodes
MIN_RADIUS = 110
WIDE = 1.3  # the ring is an ellipse this much wider than tall
MARGIN_X, MARGIN_Y = 130, 40  # room for the names around the ring
PARALLEL = 9  # between two ties of the same pair
STAGGER = 0.17  # and their labels, along the line
# Where a tie's label may go, as steps along its line from the preferred place: the first
# that overlaps no name and no label already placed wins (else the one that overlaps
# least). Sizes are estimates of the stylesheet's 12px labels and 14px names.
LABEL_STEPS = (0.0, 0.08, -0.08, 0.16, -0.16, 0.24, -0.24, 0.32, -0.32)
LABEL_SPAN = (0.18, 0.82)  # of the line's length: never on top of a node
EDGE_CHAR, NAME_CHAR, EDGE_TEXT, NAME_TEXT = 6.4, 7.6, 13.0, 15.0

Box = tuple[float, float, float, float]  # left, top, right, bottom


@dataclass(frozen=True)
class Node:
    slug: str
    name: str
    x: str
    y: str
    label_x: str
    label_y: str
    anchor: str  # text-anchor of the name


@dataclass(frozen=True)
class Edge:
    kind: str
    label: str
    x1: str
    y1: str
    x2: str
    y2: str
    label_x: str
    label_y: str
    dash: str
    directed: bool
    ended: bool


@dataclass(frozen=True)
class LegendEntry:
    kind: str
    label: str
    dash: str
    directed: bool


@dataclass(frozen=True)
class Network:
    width: int
    height: int
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    legend: tuple[LegendEntry, ...]


def _n(value: float) -> str:
    """A coordinate as the SVG has it: one decimal, no "-0.0"."""
    text = f"{value:.1f}"
    return "0.0" if text == "-0.0" else text


def layout(connections: horizon.Connections) -> Network | None:
    """The picture of `connections`, or None when there is no tie to draw.

    The first character in the show's order sits in the middle (in a guide to one
    detective's cases, usually that detective), the others on an ellipse around them.
    """
    people = connections.characters
    if len(people) < 2 or not connections.ties:
        return None
    hub, ring = people[0], people[1:]
    radius = max(MIN_RADIUS, math.ceil(len(ring) * SPACING / (2 * math.pi)))
    rx, ry = round(radius * WIDE), radius
    cx, cy = MARGIN_X + rx, MARGIN_Y + ry
    places: dict[str, tuple[float, float]] = {hub.slug: (cx, cy)}
    nodes = [Node(hub.slug, hub.name, _n(cx), _n(cy), _n(cx + NODE_RADIUS + 4),
                  _n(cy + NODE_RADIUS + 14), "start")]
    for index, person in enumerate(ring):
        angle = -math.pi / 2 + 2 * math.pi * index / len(ring)
        cos, sin = math.cos(angle), math.sin(angle)
        x, y = cx + rx * cos, cy + ry * sin
        places[person.slug] = (x, y)
        anchor = "start" if cos > 0.05 else "end" if cos < -0.05 else "middle"
        lx = x + (NODE_RADIUS + 5) * cos
        ly = y + (NODE_RADIUS + 5) * sin + (5 if abs(sin) < 0.95 else (16 if sin > 0 else -6))
        nodes.append(Node(person.slug, person.name, _n(x), _n(y), _n(lx), _n(ly), anchor))
    taken = [box for node in nodes for box in _node_boxes(node)]

    pairs: dict[frozenset[str], int] = {}
    for tie in connections.ties:
        pair = frozenset((tie.who.slug, tie.whom.slug))
        pairs[pair] = pairs.get(pair, 0) + 1
    seen: dict[frozenset[str], int] = {}
    edges = []
    for tie in connections.ties:
        pair = frozenset((tie.who.slug, tie.whom.slug))
        slot = seen.get(pair, 0)
        seen[pair] = slot + 1
        end = "who" if tie.who.slug == hub.slug else "whom" if tie.whom.slug == hub.slug else ""
        step = slot - (pairs[pair] - 1) / 2
        edges.append(_edge(tie, places, step * PARALLEL, taken, end, step * STAGGER))

    kinds = [k for k in RelationshipKind if any(t.kind == k.value for t in connections.ties)]
    legend = tuple(LegendEntry(k.value, WORDS[k].label, DASHES[k], not WORDS[k].symmetric)
                   for k in kinds)
    return Network(2 * (rx + MARGIN_X), 2 * (ry + MARGIN_Y), tuple(nodes), tuple(edges), legend)


def _edge(tie: horizon.TieView, places: dict[str, tuple[float, float]], offset: float,
          taken: list[Box], hub: str = "", stagger: float = 0.0) -> Edge:
    """One tie's line and label; `hub` says which end ("who", "whom") is the middle node.
    The label's box is added to `taken`."""
    x1, y1 = places[tie.who.slug]
    x2, y2 = places[tie.whom.slug]
    dx, dy = x2 - x1, y2 - y1
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    # Parallel ties of one pair are set apart; both ends stop short of the nodes.
    px, py = -uy * offset, ux * offset
    trim = NODE_RADIUS + 3
    kind = RelationshipKind(tie.kind)
    words = WORDS[kind]
    label = words.label + (f" · ended {tie.ended.code}" if tie.ended else "")
    # A tie from the middle has its label out towards the ring, where labels have room;
    # one across the ring, at its middle.
    preferred = (0.5 if not hub else (0.64 if hub == "who" else 0.36)) + stagger
    best: tuple[float, float, float, Box] | None = None
    for step in LABEL_STEPS:
        t = min(max(preferred + step, LABEL_SPAN[0]), LABEL_SPAN[1])
        mx, my = x1 + dx * t + px, y1 + dy * t + py - 3
        box = _text_box(mx, my, label, "middle", EDGE_CHAR, EDGE_TEXT)
        overlap = sum(_overlap(box, other) for other in taken)
        if best is None or overlap < best[0]:
            best = (overlap, mx, my, box)
        if overlap == 0:
            break
    _, mx, my, box = best
    taken.append(box)
    return Edge(
        tie.kind, label,
        _n(x1 + ux * trim + px), _n(y1 + uy * trim + py),
        _n(x2 - ux * (trim + 3) + px), _n(y2 - uy * (trim + 3) + py),
        _n(mx), _n(my), DASHES[kind], not words.symmetric, tie.ended is not None,
    )


def _text_box(x: float, y: float, text: str, anchor: str, char: float, height: float) -> Box:
    """The estimated box of `text` drawn at baseline (x, y) with `anchor`."""
    width = len(text) * char
    left = x - width / 2 if anchor == "middle" else x - width if anchor == "end" else x
    return (left, y - height * 0.8, left + width, y + height * 0.2)


def _node_boxes(node: Node) -> tuple[Box, Box]:
    """A node's dot and its name."""
    x, y = float(node.x), float(node.y)
    dot = (x - NODE_RADIUS, y - NODE_RADIUS, x + NODE_RADIUS, y + NODE_RADIUS)
    return dot, _text_box(float(node.label_x), float(node.label_y), node.name, node.anchor,
                          NAME_CHAR, NAME_TEXT)


def _overlap(a: Box, b: Box) -> float:
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    return width * height if width > 0 and height > 0 else 0.0
