"""The case page's network drawing: an SVG made on the server from a networkx layout (nothing from a CDN).

Shops are circles coloured by platform; evidence edges are lines whose width is the edge's strength and
whose dash says its kind. Every edge is a link to its evidence on the same page (``#edge-<id>``) and every
shop a link to its row (``#shop-<id>``). Every text in the drawing (shop names, kinds) is escaped; shop
names are cut short. The layout is seeded, so the same network is drawn the same way every time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from review.format import printable

WIDTH, HEIGHT, MARGIN = 720, 420, 60
LABEL_CLIP = 16  # characters of a shop name drawn under its circle
LEGEND_STEP = 170  # px between the platforms of the legend
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf")
DASHES = {  # solid: the same licence; dashed: contacts; dotted: photos, addresses, names, a reviewer
    "uscc": "",
    "phone": "6 3",
    "wechat": "6 3",
    "qq": "6 3",
    "email": "6 3",
    "image_phash": "2 3",
    "address": "8 2 2 2",
    "shop_name": "1 3",
    "reviewer": "10 4",
}


@dataclass(frozen=True)
class GraphNode:
    key: str  # the anchor of the shop's row: ``shop-<key>``
    label: str
    platform: str


@dataclass(frozen=True)
class GraphEdge:
    key: str  # the anchor of the edge's evidence: ``edge-<key>``
    a: str  # GraphNode.key
    b: str
    kind: str
    strength: float  # 0..1
    title: str  # what a pointer over the line says (kind and strength, in the page's language)


def _layout(nodes: Sequence[GraphNode], edges: Sequence[GraphEdge]) -> dict[str, tuple[float, float]]:
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(sorted(n.key for n in nodes))
    for e in sorted(edges, key=lambda e: e.key):
        if e.a != e.b:
            graph.add_edge(e.a, e.b, weight=max(e.strength, 0.05))
    if len(graph) == 1:
        return {next(iter(graph.nodes)): (WIDTH / 2, HEIGHT / 2)}
    positions = nx.spring_layout(graph, seed=7, weight="weight")
    xs = [float(p[0]) for p in positions.values()]
    ys = [float(p[1]) for p in positions.values()]
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
    return {
        key: (
            MARGIN + (float(p[0]) - min(xs)) / span_x * (WIDTH - 2 * MARGIN),
            MARGIN + (float(p[1]) - min(ys)) / span_y * (HEIGHT - 2 * MARGIN),
        )
        for key, p in positions.items()
    }


def platform_colours(platforms: Sequence[str]) -> dict[str, str]:
    """A colour per platform, in the order given (the legend uses the same)."""
    return {p: PALETTE[i % len(PALETTE)] for i, p in enumerate(dict.fromkeys(platforms))}


def _clip(text: str) -> str:
    text = printable(text)
    return text if len(text) <= LABEL_CLIP else text[: LABEL_CLIP - 1] + "…"


def network_svg(nodes: Sequence[GraphNode], edges: Sequence[GraphEdge], *, label: str) -> Markup:
    """The drawing as inline SVG markup; ``label`` is its accessible name."""
    if not nodes:
        return Markup("")
    where = _layout(nodes, edges)
    colours = platform_colours([n.platform for n in nodes])
    parts = [
        f'<svg class="network" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-label="{escape(label)}">'
    ]
    for e in sorted(edges, key=lambda e: e.key):
        if e.a not in where or e.b not in where:
            continue
        (x1, y1), (x2, y2) = where[e.a], where[e.b]
        dash = DASHES.get(e.kind, "1 2")
        width = 1 + 4 * max(0.0, min(e.strength, 1.0))
        parts.append(
            f'<a href="#edge-{escape(e.key)}" class="edge" data-kind="{escape(e.kind)}">'
            f"<title>{escape(e.title)}</title>"
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="#555" '
            f'stroke-width="{width:.1f}" stroke-dasharray="{dash}"/>'
            # a wide transparent line over it, so that the edge is easy to click
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="transparent" '
            f'stroke-width="12"/></a>'
        )
    for n in sorted(nodes, key=lambda n: n.key):
        x, y = where[n.key]
        parts.append(
            f'<a href="#shop-{escape(n.key)}" class="node">'
            f"<title>{escape(printable(n.label)[:300])}（{escape(n.platform)}）</title>"
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="11" fill="{colours[n.platform]}" stroke="#fff" '
            f'stroke-width="2"/>'
            f'<text x="{x:.1f}" y="{y + 26:.1f}" text-anchor="middle" font-size="12">'
            f"{escape(_clip(n.label))}</text></a>"
        )
    for i, (platform, colour) in enumerate(colours.items()):  # the legend, in the top margin, one row
        x = 14 + LEGEND_STEP * i
        parts.append(
            f'<g class="legend"><circle cx="{x}" cy="16" r="6" fill="{colour}"/>'
            f'<text x="{x + 12}" y="20" font-size="12">{escape(_clip(platform))}</text></g>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
