"""The partner-network map of a round as a plotly figure dict.

Nodes sit at fixed positions (the same in every round), coloured by sector (a legend names
the sectors), sized by the organisation's number of ties (a note says so, with the smallest
and largest number), drawn filled when the organisation answered the round and as an open
ring when it did not (its ties in the map are then only those the others named). The
project's own organisation keeps its sector's colour and is circled in the highlight colour,
which no sector is given (:data:`SECTOR_PALETTE`). Labels are
placed beside their node, each on the side where it overlaps the fewest labels and nodes
already placed (the larger nodes first), so that labels do not cover each other.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from evaltool.report.charts import HIGHLIGHT, PALETTE, esc, layout

#: The sides a label may take (plotly ``textposition``), in order of preference, with the
#: label box's horizontal and vertical placement: −1 left of / below the node, 0 centred,
#: 1 right of / above.
_SIDES = (
    ("top center", 0, 1),
    ("bottom center", 0, -1),
    ("middle right", 1, 0),
    ("middle left", -1, 0),
    ("top right", 1, 1),
    ("top left", -1, 1),
    ("bottom right", 1, -1),
    ("bottom left", -1, -1),
)
#: Plot area assumed when placing labels (px) and a label character's width (px).
_WIDTH, _CHAR, _LINE = 760.0, 6.2, 13.0
NO_SECTOR = "#999999"
#: Sector colours: the report palette without the highlight colour, then further colours
#: (Paul Tol's) so that up to 14 sectors have a colour each.
SECTOR_PALETTE = [c for c in PALETTE if c != HIGHLIGHT] + [
    "#332288",
    "#117733",
    "#882255",
    "#999933",
    "#AA4499",
    "#44AA99",
    "#DDCC77",
]


@dataclass(frozen=True)
class Node:
    """One organisation of the map."""

    name: str
    sector: str  # label shown in the legend ("" when unknown)
    responded: bool
    degree: int


def node_size(degree: int, big: bool = False) -> float:
    """Marker diameter (px): grows with the square root of the number of ties."""
    return (16 if big else 8) + 3.6 * math.sqrt(max(degree, 0))


def _overlap(a: tuple, b: tuple) -> float:
    """Overlapping area of two boxes (x0, y0, x1, y1)."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def _label_box(x: float, y: float, w: float, h: float, r: float, hx: int, vy: int) -> tuple:
    """The box (x0, y0, x1, y1) of a label of size w × h beside a node of radius r at x, y."""
    gap = r * (0.7 if hx and vy else 1.0)
    x0 = x - w / 2 if hx == 0 else (x + gap if hx > 0 else x - gap - w)
    y0 = y - h / 2 if vy == 0 else (y + gap if vy > 0 else y - gap - h)
    return (x0, y0, x0 + w, y0 + h)


def place_labels(
    positions: Mapping[str, tuple[float, float]],
    names: Sequence[str],
    sizes: Mapping[str, float],
    height: float,
) -> dict[str, str]:
    """A plotly ``textposition`` per node: greedily, the larger nodes first, the side whose
    label box overlaps the fewest boxes of labels placed before and of nodes.

    Parameters
    ----------
    positions : mapping of str to (float, float)
        The nodes' positions (data units).
    names : sequence of str
        The labelled nodes.
    sizes : mapping of str to float
        Marker diameters (px).
    height : float
        The plot area's height (px).

    Returns
    -------
    dict
        Node → textposition.
    """
    xs = [positions[n][0] for n in positions] or [0.0]
    ys = [positions[n][1] for n in positions] or [0.0]
    sx = _WIDTH / ((max(xs) - min(xs)) or 1.0)
    sy = height / ((max(ys) - min(ys)) or 1.0)
    px = {n: (positions[n][0] * sx, positions[n][1] * sy) for n in positions}
    boxes = []
    for n, (x, y) in px.items():
        r = sizes.get(n, 8) / 2
        boxes.append((x - r, y - r, x + r, y + r))
    out = {}
    for n in sorted(names, key=lambda k: (-sizes.get(k, 0), k)):
        x, y = px[n]
        w, h, r = len(n) * _CHAR, _LINE, sizes.get(n, 8) / 2
        best = None
        for side, hx, vy in _SIDES:
            box = _label_box(x, y, w, h, r, hx, vy)
            cost = sum(_overlap(box, other) for other in boxes)
            if best is None or cost < best[0] - 1e-9:
                best = (cost, side, box)
        out[n] = best[1]
        boxes.append(best[2])
    return out


def sector_colours(sectors: Sequence[str]) -> dict[str, str]:
    """A colour of :data:`SECTOR_PALETTE` per sector label in the order given (grey for the
    unknown one); never the highlight colour."""
    named = [s for s in dict.fromkeys(sectors) if s]
    colours = {s: SECTOR_PALETTE[i % len(SECTOR_PALETTE)] for i, s in enumerate(named)}
    colours[""] = NO_SECTOR
    return colours


def network_map(
    positions: Mapping[str, tuple[float, float]],
    nodes: Sequence[Node],
    edges: Sequence[tuple[str, str]],
    lang: str,
    *,
    texts: Mapping[str, str],
    highlight: str | None = None,
    labels: bool = False,
) -> dict:
    """The network map of one round.

    Parameters
    ----------
    positions : mapping of str to (float, float)
        Node positions shared by all rounds.
    nodes : sequence of Node
        The round's organisations (sector label, answered or not, number of ties).
    edges : sequence of (str, str)
        The round's ties; a reciprocal pair is drawn once.
    lang : str
        Report language (number format).
    texts : mapping of str to str
        Legend texts: ``no_sector`` (an organisation without a sector), ``no_answer`` (did
        not answer the round) and ``highlight`` (the project's organisation).
    highlight : str, optional
        The project's organisation: drawn larger in its sector's colour, circled in the
        highlight colour and always named.
    labels : bool
        Name every node (else only the highlighted one).

    Returns
    -------
    dict
        A plotly figure dict: a line trace for the ties, one marker trace per sector (filled:
        answered; open ring: did not answer), the highlighted organisation's node (its ring
        is a layout shape), legend entries for "did not answer" and the highlight.
    """
    ex, ey, seen = [], [], set()
    for a, b in edges:
        key = (a, b) if a <= b else (b, a)
        if key in seen or a not in positions or b not in positions:
            continue
        seen.add(key)
        (x0, y0), (x1, y1) = positions[a], positions[b]
        ex += [x0, x1, None]
        ey += [y0, y1, None]
    data = [
        {
            "type": "scatter",
            "mode": "lines",
            "x": ex,
            "y": ey,
            "hoverinfo": "skip",
            "line": {"color": "#C9D2DA", "width": 1},
            "showlegend": False,
        }
    ]
    shown = [n for n in nodes if n.name in positions]
    height = 560 if labels else 480
    sizes = {n.name: node_size(n.degree, n.name == highlight) for n in shown}
    named = [n.name for n in shown if labels or n.name == highlight]
    sides = place_labels(positions, named, sizes, height - 40)
    colours = sector_colours([n.sector for n in shown])
    for sector, colour in colours.items():
        group = [n for n in shown if n.sector == sector and n.name != highlight]
        if group:
            data.append(_marker_trace(group, positions, sizes, sides, colour, sector, texts))
        elif any(n.sector == sector for n in shown):  # only the highlighted organisation
            data.append(_legend_entry(sector or texts["no_sector"], colour, symbol="circle"))
    shapes = []
    mine = [n for n in shown if n.name == highlight]
    if mine:
        shapes.append(_highlight_ring(mine[0], positions, sizes[highlight]))
        colour = colours.get(mine[0].sector, NO_SECTOR)
        data.append(_marker_trace(mine, positions, sizes, sides, colour, None, texts))
        data.append(_legend_entry(texts.get("highlight", ""), HIGHLIGHT, width=3))
    if any(not n.responded for n in shown):
        data.append(_legend_entry(texts["no_answer"], "#555"))
    axis = {"visible": False, "showgrid": False, "zeroline": False}
    side = 90 if labels else 10
    return {
        "data": data,
        "layout": layout(
            lang,
            height,
            xaxis=axis,
            yaxis=axis,
            margin={"l": side, "r": side, "t": 40, "b": 10},
            hovermode="closest",
            shapes=shapes,
        ),
    }


def _legend_entry(name: str, colour: str, width: float = 1, symbol: str = "circle-open") -> dict:
    """A legend-only trace: an open ring (or another ``symbol``) named ``name``."""
    return {
        "type": "scatter",
        "mode": "markers",
        "x": [None],
        "y": [None],
        "name": esc(name),
        "showlegend": bool(name),
        "marker": {
            "symbol": symbol,
            "color": colour,
            "size": 10,
            "line": {"color": colour, "width": width},
        },
        "hoverinfo": "skip",
    }


def _highlight_ring(node: Node, positions: Mapping[str, tuple[float, float]], size: float) -> dict:
    """A ring in the highlight colour around the project's organisation (a layout shape
    sized in pixels, so it stays round and beside the node at any zoom)."""
    x, y = positions[node.name]
    r = size / 2 + 5
    return {
        "type": "circle",
        "xref": "x",
        "yref": "y",
        "xsizemode": "pixel",
        "ysizemode": "pixel",
        "xanchor": x,
        "yanchor": y,
        "x0": -r,
        "x1": r,
        "y0": -r,
        "y1": r,
        "line": {"color": HIGHLIGHT, "width": 4},
        "layer": "above",
    }


def _marker_trace(
    group: list[Node],
    positions: Mapping[str, tuple[float, float]],
    sizes: Mapping[str, float],
    sides: Mapping[str, str],
    colour: str,
    sector: str | None,
    texts: Mapping[str, str],
) -> dict:
    """The nodes of one sector (or the highlighted one, ``sector`` None)."""
    big = sector is None
    named = [n.name in sides for n in group]
    trace = {
        "type": "scatter",
        "mode": "markers+text" if any(named) else "markers",
        "x": [positions[n.name][0] for n in group],
        "y": [positions[n.name][1] for n in group],
        "text": [esc(n.name) if ok else "" for n, ok in zip(group, named, strict=True)],
        "textposition": [sides.get(n.name, "top center") for n in group],
        "textfont": {"size": 13 if big else 10, "color": "#222" if big else "#555"},
        "cliponaxis": False,
        "hovertext": [
            esc(f"{n.name} ({n.degree})" + ("" if n.responded else f"; {texts['no_answer']}"))
            for n in group
        ],
        "hoverinfo": "text",
        "marker": {
            "color": colour,
            "symbol": ["circle" if n.responded else "circle-open" for n in group],
            "size": [sizes[n.name] for n in group],
            "line": {"color": [("white" if n.responded else colour) for n in group], "width": 2},
        },
        "showlegend": not big,
        "name": esc(sector or texts["no_sector"]) if not big else "",
    }
    return trace
