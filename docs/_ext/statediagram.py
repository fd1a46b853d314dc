"""Draw a mermaid state diagram as SVG at build time: no JavaScript, no network.

The Markdown pages keep their ```` ```mermaid ```` blocks, which GitHub renders;
``myst_fence_as_directive = ["mermaid"]`` in ``conf.py`` routes them to the
``mermaid`` directive below, which lays the diagram out (a small layered layout
in the manner of Graphviz's dot and dagre, top to bottom) and writes it into the
page as inline SVG. It reads only what the documentation uses: a
``stateDiagram-v2`` made of ``A --> B: label`` lines, with ``[*]`` for the start
(or an end), ``%%`` comments and blank lines. Anything else is an error, so a
diagram this cannot draw fails the build instead of being drawn wrong.
"""

from __future__ import annotations

import html
import itertools
import re
from dataclasses import dataclass, field

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

_ARROW = re.compile(r"^(\[\*\]|[\w.-]+)\s*-->\s*(\[\*\]|[\w.-]+)\s*(?::\s*(.*))?$")
START, END = "[*]", "[*]end"

FONT = "14px"
LABEL_FONT = "12px"
CHAR, LABEL_CHAR = 8.2, 7.0  # average glyph widths of the fonts above, in px
NODE_HEIGHT, LABEL_HEIGHT = 34.0, 18.0
RANK_GAP = 30.0  # between a rank of states and the rank of labels below it
NODE_GAP = 22.0  # between neighbours in a rank
LOOP = 34.0  # how far a self-loop bulges to the right
MARGIN = 12.0


class DiagramError(ValueError):
    """Raised when a diagram uses syntax this drawer does not read."""


@dataclass
class Vertex:
    """A state, or a point an edge passes through (``label`` set on the middle one)."""

    name: str
    width: float
    rank: int = 0
    x: float = 0.0
    real: bool = True
    label: str | None = None
    loops: list[str] = field(default_factory=list)

    @property
    def right(self) -> float:
        """The room a self-loop and its label need to the right of the box."""
        if not self.loops:
            return 0.0
        return LOOP + 6 + max(len(text) for text in self.loops) * LABEL_CHAR

    @property
    def y(self) -> float:
        step = (NODE_HEIGHT + LABEL_HEIGHT) / 2 + RANK_GAP
        return MARGIN + NODE_HEIGHT / 2 + self.rank * step


@dataclass
class Edge:
    """A transition, drawn through its chain of vertices from source to target."""

    source: str
    target: str
    label: str
    chain: list[str] = field(default_factory=list)


def parse(text: str) -> tuple[list[str], list[Edge]]:
    """The states (in order of appearance) and transitions of a mermaid state diagram."""
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line and not line.startswith("%%")]
    if not lines or lines[0] not in ("stateDiagram-v2", "stateDiagram"):
        raise DiagramError("the diagram must start with 'stateDiagram-v2'")
    states: list[str] = []
    edges: list[Edge] = []
    for line in lines[1:]:
        found = _ARROW.match(line)
        if found is None:
            raise DiagramError(f"cannot read {line!r}: only 'A --> B: label' lines are drawn")
        source, target, label = found.group(1), found.group(2), found.group(3) or ""
        target = END if target == START else target
        for state in (source, target):
            if state not in states:
                states.append(state)
        edges.append(Edge(source, target, label.strip()))
    return states, edges


def _width(name: str) -> float:
    return 14.0 if name in (START, END) else len(name) * CHAR + 28


def _ranks(states: list[str], edges: list[Edge]) -> dict[str, int]:
    """Longest-path ranks, after turning the edges that close a cycle around."""
    out: dict[str, list[str]] = {s: [] for s in states}
    for edge in edges:
        if edge.source != edge.target:
            out[edge.source].append(edge.target)
    back: set[tuple[str, str]] = set()
    state: dict[str, int] = {}  # 1 on the path being explored, 2 done

    def visit(node: str) -> None:
        state[node] = 1
        for nxt in out[node]:
            if state.get(nxt) == 1:
                back.add((node, nxt))
            elif nxt not in state:
                visit(nxt)
        state[node] = 2

    for root in [s for s in states if s == START] + states:
        if root not in state:
            visit(root)
    parents: dict[str, list[str]] = {s: [] for s in states}
    for source, targets in out.items():
        for target in targets:
            a, b = (target, source) if (source, target) in back else (source, target)
            parents[b].append(a)
    rank: dict[str, int] = {}

    def depth(node: str) -> int:
        if node not in rank:
            rank[node] = 0  # a guard; the graph is acyclic now
            rank[node] = max((depth(p) + 2 for p in parents[node]), default=0)
        return rank[node]

    for s in states:
        depth(s)
    return rank


def _isotonic(targets: list[float], widths: list[float]) -> list[float]:
    """Positions closest to ``targets`` (least squares) that keep order and spacing."""
    offsets = [0.0]
    for left, right in itertools.pairwise(widths):
        offsets.append(offsets[-1] + (left + right) / 2 + NODE_GAP)
    blocks: list[list[float]] = []  # [mean, count]
    for target, offset in zip(targets, offsets, strict=True):
        blocks.append([target - offset, 1.0])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            mean, count = blocks.pop()
            blocks[-1] = [
                (blocks[-1][0] * blocks[-1][1] + mean * count) / (blocks[-1][1] + count),
                blocks[-1][1] + count,
            ]
    values = [mean for mean, count in blocks for _ in range(int(count))]
    return [value + offset for value, offset in zip(values, offsets, strict=True)]


def layout(states: list[str], edges: list[Edge]) -> tuple[dict[str, Vertex], list[Edge]]:
    """Rank, order and place every vertex; each edge gets its chain of vertices."""
    ranks = _ranks(states, edges)
    vertices = {s: Vertex(s, _width(s), ranks[s]) for s in states}
    for number, edge in enumerate(edges):
        if edge.source == edge.target:
            vertices[edge.source].loops.append(edge.label)
            continue
        top, bottom = sorted((edge.source, edge.target), key=lambda s: ranks[s])
        middle = (ranks[top] + ranks[bottom]) // 2
        chain = [top]
        for rank in range(ranks[top] + 1, ranks[bottom]):
            name = f"{number}@{rank}"
            labelled = rank == middle and bool(edge.label)
            width = len(edge.label) * LABEL_CHAR + 8 if labelled else 2.0
            vertices[name] = Vertex(name, width, rank, real=False)
            vertices[name].label = edge.label if labelled else None
            chain.append(name)
        chain.append(bottom)
        edge.chain = chain if top == edge.source else chain[::-1]
    links: dict[str, set[str]] = {v: set() for v in vertices}
    for edge in edges:
        for a, b in itertools.pairwise(edge.chain):
            links[a].add(b)
            links[b].add(a)
    depth = max(v.rank for v in vertices.values())
    rows = [[v for v in vertices.values() if v.rank == r] for r in range(depth + 1)]
    order = {v.name: i for row in rows for i, v in enumerate(row)}

    def barycentre(name: str, rank: int) -> float:
        near = [order[n] for n in links[name] if vertices[n].rank == rank]
        return sum(near) / len(near) if near else order[name]

    for sweep in range(8):  # median-free barycentre sweeps, down then up
        sequence = range(1, depth + 1) if sweep % 2 == 0 else range(depth - 1, -1, -1)
        for r in sequence:
            other = r - 1 if sweep % 2 == 0 else r + 1
            rows[r].sort(key=lambda v, o=other: barycentre(v.name, o))
            for i, v in enumerate(rows[r]):
                order[v.name] = i
    for row in rows:
        row_widths = [v.width + 2 * v.right for v in row]
        for v, x in zip(row, _isotonic([0.0] * len(row), row_widths), strict=True):
            v.x = x
    for sweep in range(12):  # pull every vertex towards its neighbours' mean
        sequence = range(1, depth + 1) if sweep % 2 == 0 else range(depth - 1, -1, -1)
        if sweep >= 8:
            sequence = range(depth + 1)
        for r in sequence:
            row = rows[r]
            wanted = []
            for v in row:
                near = [vertices[n].x for n in links[v.name]]
                weight = 1.0 if v.real else 2.0  # keep long edges straight
                wanted.append(
                    (sum(near) * weight + v.x) / (len(near) * weight + 1) if near else v.x
                )
            widths = [v.width + 2 * v.right for v in row]
            for v, x in zip(row, _isotonic(wanted, widths), strict=True):
                v.x = x
    left = min(v.x - v.width / 2 for v in vertices.values())
    for v in vertices.values():
        v.x += MARGIN - left
    return vertices, edges


def _attach(vertex: Vertex, toward: float, below: bool) -> tuple[float, float]:
    """Where an edge meets ``vertex``: its top or bottom side, spread by direction."""
    if not vertex.real:
        return vertex.x, vertex.y
    half = NODE_HEIGHT / 2 if vertex.name not in (START, END) else 7.0
    spread = max(-vertex.width / 3, min(vertex.width / 3, (toward - vertex.x) * 0.35))
    return vertex.x + spread, vertex.y + (half if below else -half)


def _path(points: list[tuple[float, float]]) -> str:
    """A smooth curve through ``points`` (cubic Hermite), leaving and arriving vertically."""
    last = len(points) - 1
    tangents = []
    for i, (_, y) in enumerate(points):
        if i == 0:
            tangents.append((0.0, 1.5 * (points[1][1] - y)))
        elif i == last:
            tangents.append((0.0, 1.5 * (y - points[-2][1])))
        else:
            (xa, ya), (xb, yb) = points[i - 1], points[i + 1]
            tangents.append(((xb - xa) / 2, (yb - ya) / 2))
    x, y = points[0]
    parts = [f"M{x:.1f},{y:.1f}"]
    for i in range(last):
        (x0, y0), (x1, y1) = points[i], points[i + 1]
        (t0x, t0y), (t1x, t1y) = tangents[i], tangents[i + 1]
        parts.append(
            f"C{x0 + t0x / 3:.1f},{y0 + t0y / 3:.1f} "
            f"{x1 - t1x / 3:.1f},{y1 - t1y / 3:.1f} {x1:.1f},{y1:.1f}"
        )
    return " ".join(parts)


def render(text: str) -> str:
    """The diagram as a standalone ``<svg>`` element."""
    states, edges = parse(text)
    vertices, edges = layout(states, edges)
    shapes: list[str] = []
    lines: list[str] = []
    labels: list[str] = []
    for edge in edges:
        if edge.source == edge.target:
            continue
        chain = [vertices[n] for n in edge.chain]
        points = []
        for i, v in enumerate(chain):
            if i == 0:
                nxt = chain[1]
                points.append(_attach(v, nxt.x, below=nxt.rank > v.rank))
            elif i == len(chain) - 1:
                prev = chain[-2]
                points.append(_attach(v, prev.x, below=prev.rank > v.rank))
            else:
                points.append((v.x, v.y))
        lines.append(f'<path d="{_path(points)}" class="edge" marker-end="url(#arrow)"/>')
        labels.extend(_label(v.x, v.y, v.label) for v in chain if v.label)
    for v in vertices.values():
        if not v.real:
            continue
        if v.name == START:
            shapes.append(f'<circle cx="{v.x:.1f}" cy="{v.y:.1f}" r="7" class="start"/>')
            continue
        if v.name == END:
            shapes.append(f'<circle cx="{v.x:.1f}" cy="{v.y:.1f}" r="7" class="state"/>')
            shapes.append(f'<circle cx="{v.x:.1f}" cy="{v.y:.1f}" r="4" class="start"/>')
            continue
        x0, y0 = v.x - v.width / 2, v.y - NODE_HEIGHT / 2
        shapes.append(
            f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{v.width:.1f}" height="{NODE_HEIGHT}" '
            f'rx="8" class="state"/>'
            f'<text x="{v.x:.1f}" y="{v.y:.1f}" class="name">{html.escape(v.name)}</text>'
        )
        for i, loop in enumerate(v.loops):
            right, top = v.x + v.width / 2, v.y - 8 + i * 4
            bulge = LOOP + i * 10
            lines.append(
                f'<path d="M{right:.1f},{top:.1f} C{right + bulge:.1f},{top - 14:.1f} '
                f'{right + bulge:.1f},{top + 30:.1f} {right:.1f},{top + 16:.1f}" '
                f'class="edge" marker-end="url(#arrow)"/>'
            )
            width = len(loop) * LABEL_CHAR + 8
            labels.append(_label(right + bulge + 2 + width / 2, v.y, loop))
    width = max(v.x + v.width / 2 + v.right for v in vertices.values()) + MARGIN
    height = max(v.y for v in vertices.values()) + NODE_HEIGHT / 2 + MARGIN
    names = ", ".join(s for s in states if s not in (START, END))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="statediagram" role="img" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" '
        f'style="max-width: 100%; height: auto">'
        f"<title>State diagram of {html.escape(names)}</title>"
        "<style>"
        ".statediagram .state{fill:#ececff;stroke:#9370db;stroke-width:1.2}"
        ".statediagram .start{fill:#333}"
        f".statediagram .name{{font:{FONT} sans-serif;fill:#222;"
        "text-anchor:middle;dominant-baseline:central}"
        ".statediagram .edge{fill:none;stroke:#555;stroke-width:1.2}"
        ".statediagram .label rect{fill:#f4f4f4;opacity:0.92}"
        f".statediagram .label text{{font:{LABEL_FONT} sans-serif;fill:#333;"
        "text-anchor:middle;dominant-baseline:central}"
        "</style>"
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        'fill="#555"/></marker></defs>'
        f'<rect width="{width:.0f}" height="{height:.0f}" fill="#fff"/>'
        + "".join(lines + shapes + labels)
        + "</svg>"
    )


def _label(x: float, y: float, text: str) -> str:
    width = len(text) * LABEL_CHAR + 6
    return (
        f'<g class="label"><rect x="{x - width / 2:.1f}" y="{y - LABEL_HEIGHT / 2:.1f}" '
        f'width="{width:.1f}" height="{LABEL_HEIGHT}" rx="3"/>'
        f'<text x="{x:.1f}" y="{y:.1f}">{html.escape(text)}</text></g>'
    )


class MermaidDirective(SphinxDirective):
    """``mermaid``: a state diagram drawn as inline SVG (HTML builders only)."""

    has_content = True

    def run(self) -> list[nodes.Node]:
        source = "\n".join(self.content)
        try:
            svg = render(source)
        except DiagramError as error:
            raise self.error(f"mermaid: {error}") from None
        return [nodes.raw(source, f'<div class="statediagram-figure">{svg}</div>', format="html")]


def setup(app: Sphinx) -> dict[str, object]:
    """Register the directive."""
    app.add_directive("mermaid", MermaidDirective)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
