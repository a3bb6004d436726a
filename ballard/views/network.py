"""The connections pictures: a network of the ties visible at h, laid out by Graphviz.

Graphviz's `neato` (stress majorization) places the characters; `overlap=false` keeps
every box apart and `splines=true` routes each line around every box that is not its
own. Each tie is drawn as two half-lines meeting at a small node that holds its label,
so the engine keeps labels off names, dots, other labels and other lines, and a label
always sits on its own line.

The input to the engine is built from the visible rows alone, in the show's order, with
a fixed seed: the same rows give the same picture, byte for byte, and a character or tie
revealed after h cannot move anything at h. Graphviz runs as a program (Debian's
`graphviz`; scripts/ensure-graphviz installs it); its answers are kept per input.

Kinds are told apart three ways: a colour per family of kinds (family, work, romance,
conflict, suspicion; guide.css gives each a colour with contrast in light and dark), a
line style per kind within a family, and the label. A directed kind carries an arrow
towards whom; an ended tie is faded and its label says when it ended.
"""

from __future__ import annotations

import functools
import logging
import shutil
import subprocess
from dataclasses import dataclass

from werkzeug.exceptions import ServiceUnavailable

from ballard import horizon
from ballard.views.palette import initials
from ballard.vocabulary import WORDS, RelationshipKind

logger = logging.getLogger(__name__)

FAMILIES: dict[str, tuple[RelationshipKind, ...]] = {
    "family": (
        RelationshipKind.SPOUSE,
        RelationshipKind.PARENT,
        RelationshipKind.CHILD,
        RelationshipKind.SIBLING,
        RelationshipKind.GRANDPARENT,
    ),
    "work": (
        RelationshipKind.PARTNER,
        RelationshipKind.WORKS_FOR,
        RelationshipKind.FORMER_PARTNER,
        RelationshipKind.MENTOR,
        RelationshipKind.INFORMANT,
    ),
    "romance": (RelationshipKind.ROMANCE,),
    "conflict": (RelationshipKind.RIVAL,),
    "suspicion": (RelationshipKind.SUSPECT_OF,),
}
FAMILY: dict[RelationshipKind, str] = {k: f for f, kinds in FAMILIES.items() for k in kinds}
# Line styles (stroke-dasharray, "" is solid): within a family, the n-th kind's.
STYLES = ("", "9 4", "2 4", "12 4 2 4", "2 4 2 4 8 4")
DASHES: dict[RelationshipKind, str] = {
    k: STYLES[i] for kinds in FAMILIES.values() for i, k in enumerate(kinds)
}

# Sizes, in px (Graphviz's points): text boxes are estimated a little wide (CHAR of the
# font size per character), so the drawn text never outgrows the box the engine kept.
CHAR = 0.56
LABEL_FONT, NAME_FONT = 12, 14
PILL_HEIGHT, AVATAR_RADIUS = 28, 11
LABEL_HEIGHT = 16
MARGIN = 8
ENGINE = "neato"
# Kamada-Kawai (mode=KK) gave the most compact pictures on Ballard (h=10: 1135x852 px
# against 1718x848 with stress majorization, both with no crossing and no collision).
GRAPH = "overlap=false, splines=true, start=1, mode=KK"
EDGE_LENGTH = 0.5  # inches, each half-line's ideal length


@dataclass(frozen=True)
class Node:
    slug: str
    name: str
    initials: str
    x: str  # the pill's left and top
    y: str
    width: str
    avatar_x: str
    avatar_y: str
    name_x: str
    name_y: str


@dataclass(frozen=True)
class Edge:
    kind: str
    family: str
    label: str
    path: str  # SVG path data: who's half, then whom's
    label_x: str
    label_y: str
    dash: str
    directed: bool
    ended: bool
    who: str
    whom: str


@dataclass(frozen=True)
class LegendEntry:
    kind: str
    family: str
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
    pill_height: int = PILL_HEIGHT
    avatar_radius: int = AVATAR_RADIUS


def family_of(kind: str) -> str:
    """The family of a kind of tie ("works-for" -> "work"): its colour's name."""
    return FAMILY[RelationshipKind(kind)]


def tie_label(tie: horizon.TieView) -> str:
    return WORDS[RelationshipKind(tie.kind)].label + (f" · ended {tie.ended.code}" if tie.ended else "")


def _n(value: float) -> str:
    """A coordinate as the SVG has it: one decimal, no "-0.0"."""
    text = f"{value:.1f}"
    return "0.0" if text == "-0.0" else text


def _text_width(text: str, size: int) -> float:
    return len(text) * size * CHAR


def _pill_width(name: str) -> float:
    return 2 * AVATAR_RADIUS + 3 + 6 + _text_width(name, NAME_FONT) + 10


def graph_source(connections: horizon.Connections) -> str:
    """The engine's input: characters as pills, each tie as two half-lines through its
    label's node. Names in it are indexes: nothing but sizes and the shape of the graph."""
    index = {c.slug: i for i, c in enumerate(connections.characters)}
    lines = [
        f"graph g {{ graph [{GRAPH}]; edge [len={EDGE_LENGTH}];",
        'node [shape=box, fixedsize=true, label=""];',
    ]
    for i, c in enumerate(connections.characters):
        lines.append(f"c{i} [width={_pill_width(c.name) / 72:.4f}, height={PILL_HEIGHT / 72:.4f}];")
    for j, tie in enumerate(connections.ties):
        width = (_text_width(tie_label(tie), LABEL_FONT) + 6) / 72
        lines.append(f"t{j} [width={width:.4f}, height={LABEL_HEIGHT / 72:.4f}];")
        lines.append(f"c{index[tie.who.slug]} -- t{j}; t{j} -- c{index[tie.whom.slug]};")
    lines.append("}")
    return "\n".join(lines)


# A picture that cannot be drawn is our fault, and passing: a 503 the reader may retry.
ENGINE_RETRY_AFTER = 30


@functools.lru_cache(maxsize=512)
def run_engine(source: str) -> str:
    """Graphviz's plain-text answer for `source` (a pure function of it: kept). A missing,
    failing or stuck engine is a 503 with Retry-After (and logged), never a 500."""
    program = shutil.which(ENGINE)
    try:
        if program is None:
            raise FileNotFoundError(f"Graphviz's {ENGINE} is not installed: run scripts/ensure-graphviz")
        result = subprocess.run(
            [program, "-Tplain"], input=source, capture_output=True, text=True, check=True, timeout=30
        )
    except (OSError, subprocess.SubprocessError) as exc:
        logger.error("connections picture not drawn: %s", exc)
        raise ServiceUnavailable(
            "The connections picture cannot be drawn just now. Please try again in a minute.",
            retry_after=ENGINE_RETRY_AFTER,
        ) from exc
    return result.stdout


def _parse_plain(text: str):
    """(width, height, nodes {name: (x, y, w, h)}, edges [(tail, head, points)]), in
    px with y down, from Graphviz's -Tplain output (inches, y up)."""
    graph_h = 0.0
    width = height = 0.0
    nodes: dict[str, tuple[float, float, float, float]] = {}
    edges: list[tuple[str, str, list[tuple[float, float]]]] = []
    for line in text.splitlines():
        parts = line.split()
        if not parts:
            continue
        if parts[0] == "graph":
            width, height = float(parts[2]) * 72, float(parts[3]) * 72
            graph_h = float(parts[3])
        elif parts[0] == "node":
            x, y, w, h = (float(v) for v in parts[2:6])
            nodes[parts[1]] = (x * 72, (graph_h - y) * 72, w * 72, h * 72)
        elif parts[0] == "edge":
            count = int(parts[3])
            numbers = [float(v) for v in parts[4 : 4 + 2 * count]]
            points = [(numbers[i] * 72, (graph_h - numbers[i + 1]) * 72) for i in range(0, len(numbers), 2)]
            edges.append((parts[1], parts[2], points))
    return width, height, nodes, edges


def _path(points: list[tuple[float, float]], dx: float, dy: float) -> str:
    """A B-spline's control points (1 + 3k of them) as SVG path data."""
    moved = [f"{_n(x + dx)} {_n(y + dy)}" for x, y in points]
    parts = [f"M{moved[0]}"]
    for i in range(1, len(moved) - 2, 3):
        parts.append(f"C{moved[i]} {moved[i + 1]} {moved[i + 2]}")
    return "".join(parts)


def layout(connections: horizon.Connections) -> Network | None:
    """The picture of `connections`, or None when there is no tie to draw."""
    people = connections.characters
    if len(people) < 2 or not connections.ties:
        return None
    width, height, places, splines = _parse_plain(run_engine(graph_source(connections)))
    # Each half-line, by its two ends (a tie's node has exactly two).
    halves = {}
    for tail, head, points in splines:
        halves[(tail, head)], halves[(head, tail)] = points, points[::-1]
    dx, dy = MARGIN, MARGIN
    nodes = []
    for i, person in enumerate(people):
        x, y, w, h = places[f"c{i}"]
        left, top = x - w / 2 + dx, y - h / 2 + dy
        nodes.append(
            Node(
                person.slug,
                person.name,
                initials(person.name),
                _n(left),
                _n(top),
                _n(w),
                _n(left + AVATAR_RADIUS + 3),
                _n(top + h / 2),
                _n(left + 2 * AVATAR_RADIUS + 9),
                _n(top + h / 2 + 5),
            )
        )
    index = {c.slug: i for i, c in enumerate(people)}
    edges = []
    for j, tie in enumerate(connections.ties):
        kind = RelationshipKind(tie.kind)
        who, whom, mid = f"c{index[tie.who.slug]}", f"c{index[tie.whom.slug]}", f"t{j}"
        first = halves[(who, mid)]
        second = halves[(mid, whom)]
        x, y, _, _ = places[mid]
        edges.append(
            Edge(
                tie.kind,
                FAMILY[kind],
                tie_label(tie),
                _path(first, dx, dy) + _path(second, dx, dy),
                _n(x + dx),
                _n(y + dy + 4),
                DASHES[kind],
                not WORDS[kind].symmetric,
                tie.ended is not None,
                tie.who.slug,
                tie.whom.slug,
            )
        )
    kinds = [k for k in RelationshipKind if any(t.kind == k.value for t in connections.ties)]
    kinds.sort(key=lambda k: list(FAMILY).index(k))
    legend = tuple(
        LegendEntry(k.value, FAMILY[k], WORDS[k].label, DASHES[k], not WORDS[k].symmetric) for k in kinds
    )
    return Network(round(width + 2 * MARGIN), round(height + 2 * MARGIN), tuple(nodes), tuple(edges), legend)


# --- one character's ties ------------------------------------------------------------------
# A drawing of its own, narrow enough for a 390 px phone at full size (labels at 12 px):
# the character in the middle of a column, the ties above and below, each a line from the
# trunk to the other character's name with the kind in words (from this character's side)
# over it. It has no crossings and no collisions by construction.

EGO_ROW = 52  # a tie's row: its label, then the other's pill
EGO_INDENT = 64  # where the other's pill and the label start
EGO_TRUNK = AVATAR_RADIUS + 3  # the trunk runs under the centre's avatar


@dataclass(frozen=True)
class EgoTie:
    kind: str
    family: str
    label: str
    path: str
    label_x: str
    label_y: str
    dash: str
    ended: bool
    node: Node


@dataclass(frozen=True)
class EgoPicture:
    width: int
    height: int
    centre: Node
    trunk: str  # path data, "" when there is one tie
    ties: tuple[EgoTie, ...]
    pill_height: int = PILL_HEIGHT
    avatar_radius: int = AVATAR_RADIUS


def _pill(slug: str, name: str, left: float, top: float) -> Node:
    return Node(
        slug,
        name,
        initials(name),
        _n(left),
        _n(top),
        _n(_pill_width(name)),
        _n(left + AVATAR_RADIUS + 3),
        _n(top + PILL_HEIGHT / 2),
        _n(left + 2 * AVATAR_RADIUS + 9),
        _n(top + PILL_HEIGHT / 2 + 5),
    )


def ego_label(tie: horizon.ConnectionView) -> str:
    return tie.words + (f" · ended {tie.ended.code}" if tie.ended else "")


def ego_layout(slug: str, name: str, ties: tuple[horizon.ConnectionView, ...]) -> EgoPicture | None:
    """`name`'s ties (visible at h, in the show's order), the first half above them and
    the rest below; None without a tie."""
    if not ties:
        return None
    above = len(ties) // 2
    centre_top = MARGIN + above * EGO_ROW + 6
    x = MARGIN + EGO_TRUNK
    drawn, ends = [], []
    for i, tie in enumerate(ties):
        below = centre_top + PILL_HEIGHT + 6 + (i - above) * EGO_ROW
        top = MARGIN + i * EGO_ROW if i < above else below
        pill_top = top + 18
        mid = pill_top + PILL_HEIGHT / 2
        ends.append(mid)
        kind = RelationshipKind(tie.kind)
        label = ego_label(tie)
        drawn.append(
            EgoTie(
                tie.kind,
                FAMILY[kind],
                label,
                f"M{_n(x)} {_n(mid)}L{_n(MARGIN + EGO_INDENT - 4)} {_n(mid)}",
                _n(MARGIN + EGO_INDENT),
                _n(top + 13),
                DASHES[kind],
                tie.ended is not None,
                _pill(tie.other.slug, tie.other.name, MARGIN + EGO_INDENT, pill_top),
            )
        )
    top_end = min(ends[0], centre_top) if above else centre_top + PILL_HEIGHT
    bottom_end = max(ends[-1], centre_top + PILL_HEIGHT)
    trunk = f"M{_n(x)} {_n(top_end)}L{_n(x)} {_n(bottom_end)}"
    widths = [_pill_width(name)] + [
        EGO_INDENT + max(_pill_width(t.other.name), _text_width(ego_label(t), LABEL_FONT)) for t in ties
    ]
    height = centre_top + PILL_HEIGHT + 6 + (len(ties) - above) * EGO_ROW + MARGIN
    return EgoPicture(
        round(max(widths) + 2 * MARGIN),
        round(height),
        _pill(slug, name, MARGIN, centre_top),
        trunk,
        tuple(drawn),
    )
