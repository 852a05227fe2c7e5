"""Report charts as plotly figure dicts, rendered to HTML fragments with fixed div ids.

Figures are built as plain dicts (no ``go.Figure`` validation: about 50× faster when 500
reports each hold a dozen charts) in a small house style: system fonts (no web fonts are
fetched), white background, a colour-blind-safe palette, decimal comma in Finnish and Swedish
(plotly ``separators``). Text that comes from data (organisation, project and item names) is
HTML-escaped before it reaches plotly, which would otherwise interpret tags such as ``<a>``
in labels. :func:`render` writes ``Plotly.newPlot`` for a fixed div id, so the same figure
gives the same bytes.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

import plotly.io as pio

from evaltool.report.i18n import LANGS

#: Colour-blind-safe palette (Okabe & Ito 2008).
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
GOOD, NEUTRAL, BAD = "#009E73", "#BBBBBB", "#D55E00"
HIGHLIGHT, MUTED = "#D55E00", "#7F9CB5"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["sendDataToCloud", "select2d", "lasso2d"],
}


def esc(text) -> str:
    """Data text made literal for plotly labels."""
    return html.escape(str(text), quote=False)


def _num(x) -> float | None:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(v) or math.isinf(v) else round(v, 6)


def _nums(values: Sequence) -> list[float | None]:
    return [_num(v) for v in values]


def layout(lang: str, height: int, **extra) -> dict:
    """The house layout."""
    assert lang in LANGS
    base = {
        "height": height,
        "font": {"family": FONT, "size": 13, "color": "#222"},
        "margin": {"l": 60, "r": 20, "t": 40, "b": 50},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "separators": ".," if lang == "en" else ", ",
        "legend": {"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
        "hoverlabel": {"font": {"family": FONT}},
        "xaxis": {"gridcolor": "#e5e5e5", "zerolinecolor": "#999", "automargin": True},
        "yaxis": {"gridcolor": "#e5e5e5", "zerolinecolor": "#999", "automargin": True},
    }
    for k, v in extra.items():
        if isinstance(v, dict) and isinstance(base.get(k), dict):
            base[k] = {**base[k], **v}
        else:
            base[k] = v
    return base


def render(fig: dict, div_id: str) -> str:
    """HTML fragment (a div and its ``Plotly.newPlot`` script) with a fixed id."""
    return pio.to_html(
        fig, full_html=False, include_plotlyjs=False, div_id=div_id, validate=False, config=CONFIG
    )


# --------------------------------------------------------------------------- figures


def lines_with_ci(
    series: list[dict],
    x_title: str,
    y_title: str,
    lang: str,
    y_range: tuple[float, float] | None = None,
) -> dict:
    """One line per series (``name``, ``x`` labels, ``y``, ``low``, ``high``) with error bars.

    With error bars and several series, the series are drawn side by side around each x
    position (dodged), so that their intervals do not hide each other."""
    data = []
    labels: list[str] = []
    for s in series:
        for v in s["x"]:
            if str(v) not in labels:
                labels.append(str(v))
    pos = {v: i for i, v in enumerate(labels)}
    bars = any(s.get("low") for s in series) and len(series) > 1
    width = min(0.3, 0.06 * (len(series) - 1)) if bars else 0.0
    for k, s in enumerate(series):
        y, lo, hi = _nums(s["y"]), _nums(s.get("low", [])), _nums(s.get("high", []))
        shift = (k / (len(series) - 1) - 0.5) * width if bars else 0.0
        trace = {
            "type": "scatter",
            "mode": "lines+markers",
            "name": esc(s["name"]),
            "x": [round(pos[str(v)] + shift, 4) for v in s["x"]],
            "y": y,
            "customdata": [esc(v) for v in s["x"]],
            "hovertemplate": "%{customdata}: %{y:.1f}<extra>" + esc(s["name"]) + "</extra>",
            "line": {"color": s.get("color", PALETTE[k % len(PALETTE)]), "width": 2},
            "marker": {"size": 7},
            "connectgaps": False,
        }
        if lo and hi:
            trace["error_y"] = {
                "type": "data",
                "symmetric": False,
                "thickness": 1.2,
                "width": 4,
                "array": [
                    None if (a is None or b is None) else round(b - a, 6)
                    for a, b in zip(y, hi, strict=True)
                ],
                "arrayminus": [
                    None if (a is None or b is None) else round(a - b, 6)
                    for a, b in zip(y, lo, strict=True)
                ],
            }
        if s.get("dash"):
            trace["line"]["dash"] = s["dash"]
        data.append(trace)
    yaxis = {"title": {"text": y_title}}
    if y_range:
        yaxis["range"] = list(y_range)
    xaxis = {
        "title": {"text": x_title},
        "tickvals": list(range(len(labels))),
        "ticktext": [esc(v) for v in labels],
        "range": [-0.4, len(labels) - 0.6],
        "zeroline": False,
        "showgrid": False,
    }
    return {"data": data, "layout": layout(lang, 380, xaxis=xaxis, yaxis=yaxis)}


def stacked_shares(categories: list[str], parts: list[dict], x_title: str, lang: str) -> dict:
    """Horizontal 100 % bars: ``parts`` = [{name, values (shares 0–1), color}]."""
    data = []
    for p in parts:
        vals = [None if v is None else round(v * 100, 3) for v in _nums(p["values"])]
        data.append(
            {
                "type": "bar",
                "orientation": "h",
                "name": esc(p["name"]),
                "y": [esc(c) for c in categories],
                "x": vals,
                "marker": {"color": p["color"]},
                "hovertemplate": "%{y}: %{x:.0f} %<extra>" + esc(p["name"]) + "</extra>",
            }
        )
    height = 120 + 42 * max(1, len(categories))
    return {
        "data": data,
        "layout": layout(
            lang,
            height,
            barmode="stack",
            xaxis={"title": {"text": x_title}, "range": [0, 100]},
            yaxis={"autorange": "reversed"},
        ),
    }


def forest(
    labels: list[str], groups: list[dict], x_title: str, lang: str, reference: float | None = None
) -> dict:
    """Forest plot: rows ``labels`` (top to bottom); ``groups`` = [{name, est, low, high,
    color, symbol}] each a list aligned with ``labels``, drawn side by side within a row;
    optional dotted vertical reference line (e.g. the programme's change) and a line at 0."""
    data = []
    n = len(labels)
    offsets = [(k - (len(groups) - 1) / 2) * 0.22 for k in range(len(groups))]
    for g, off in zip(groups, offsets, strict=True):
        est, lo, hi = _nums(g["est"]), _nums(g["low"]), _nums(g["high"])
        color = g.get("color", PALETTE[0])
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": esc(g["name"]),
                "y": [round(i + off, 3) for i in range(n)],
                "x": est,
                "customdata": [esc(v) for v in labels],
                "hovertemplate": "%{customdata}: %{x:.1f}<extra>" + esc(g["name"]) + "</extra>",
                "marker": {
                    "color": color,
                    "size": g.get("size", 9),
                    "symbol": g.get("symbol", "square"),
                },
                "error_x": {
                    "type": "data",
                    "symmetric": False,
                    "thickness": 1.5,
                    "width": 0,
                    "color": color,
                    "array": [
                        None if (e is None or h is None) else round(h - e, 6)
                        for e, h in zip(est, hi, strict=True)
                    ],
                    "arrayminus": [
                        None if (e is None or lw is None) else round(e - lw, 6)
                        for e, lw in zip(est, lo, strict=True)
                    ],
                },
            }
        )
    shapes = [
        {
            "type": "line",
            "xref": "x",
            "yref": "paper",
            "x0": 0,
            "x1": 0,
            "y0": 0,
            "y1": 1,
            "line": {"color": "#999", "width": 1},
        }
    ]
    if reference is not None and _num(reference) is not None:
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": _num(reference),
                "x1": _num(reference),
                "y0": 0,
                "y1": 1,
                "line": {"color": "#666", "dash": "dot", "width": 1},
            }
        )
    height = 120 + (26 if n <= 40 else 15) * max(2, n)
    return {
        "data": data,
        "layout": layout(
            lang,
            height,
            shapes=shapes,
            showlegend=len(groups) > 1,
            xaxis={"title": {"text": x_title}},
            yaxis={
                "tickvals": list(range(n)),
                "ticktext": [esc(v) for v in labels],
                "range": [n - 0.5, -0.5],
                "zeroline": False,
                "showgrid": False,
            },
        ),
    }


def diverging(
    items: list[str],
    categories: list[str],
    shares: list[list[float | None]],
    x_title: str,
    lang: str,
    withheld: list[float | None] | None = None,
    withheld_name: str = "",
    withheld_side: list[str] | None = None,
) -> dict:
    """Diverging stacked bars of a Likert block: ``shares[c][i]`` = share (0–1) of category
    ``c`` for item ``i``. Lower categories go left of zero, upper ones right, the middle one
    (odd scales) is split across zero. ``withheld`` (share per item of answers in categories
    not shown) is drawn hatched, so every bar still spans 100 %: at the far left where
    ``withheld_side`` says ``low`` (the answers it holds are all below the middle), at the
    far right for ``high``, split across zero (like the middle answer) for ``middle``
    (default ``low``)."""
    k = len(categories)
    half = k // 2
    mid = half if k % 2 else None
    colors = _likert_colors(k)
    ylab = [esc(v) for v in items]
    pct = [[None if v is None else v * 100 for v in _nums(shares[c])] for c in range(k)]

    def trace(c: int, sign: int, factor: float, legend: bool) -> dict:
        return {
            "type": "bar",
            "orientation": "h",
            "y": ylab,
            "x": [None if v is None else round(sign * v * factor, 4) for v in pct[c]],
            "name": esc(categories[c]),
            "legendgroup": f"c{c}",
            "legendrank": 1000 + c,
            "showlegend": legend,
            "marker": {"color": colors[c]},
            "customdata": [None if v is None else round(v, 4) for v in pct[c]],
            "hovertemplate": "%{y}: %{customdata:.0f} %<extra>" + esc(categories[c]) + "</extra>",
        }

    # relative stacking grows away from zero in trace order: innermost categories first
    data = []
    if mid is not None:
        data.append(trace(mid, -1, 0.5, False))
    data += [trace(c, -1, 1.0, True) for c in range(half - 1, -1, -1)]
    if mid is not None:
        data.append(trace(mid, 1, 0.5, True))
    data += [trace(c, 1, 1.0, True) for c in range(k - half, k)]
    if withheld is not None and any(v for v in _nums(withheld)):
        held = [None if not v else round(v * 100, 4) for v in _nums(withheld)]
        sides = list(withheld_side or ["low"] * len(held))

        def hatched(side: str, sign: int, factor: float, legend: bool) -> dict:
            return {
                "type": "bar",
                "orientation": "h",
                "y": ylab,
                "x": [
                    None if (v is None or s != side) else round(sign * v * factor, 4)
                    for v, s in zip(held, sides, strict=True)
                ],
                "name": esc(withheld_name),
                "legendgroup": "withheld",
                "legendrank": 2000,
                "showlegend": legend,
                "customdata": [v if s == side else None for v, s in zip(held, sides, strict=True)],
                "marker": {
                    "color": "#F2F2F2",
                    "line": {"color": "#BBBBBB", "width": 1},
                    "pattern": {"shape": "/", "fgcolor": "#BBBBBB"},
                },
                "hovertemplate": "%{y}: %{customdata:.0f} %<extra>"
                + esc(withheld_name)
                + "</extra>",
            }

        first = {"low": True, "middle": True, "high": True}
        present = [s for s in ("middle", "low", "high") if s in sides]
        legend_side = present[0] if present else "low"
        for side in first:
            first[side] = side == legend_side
        # the middle part goes innermost (first on both sides), split across zero
        data = [
            hatched("middle", -1, 0.5, False),
            hatched("middle", 1, 0.5, first["middle"]),
            *data,
        ]
        data.append(hatched("low", -1, 1.0, first["low"]))
        data.append(hatched("high", 1, 1.0, first["high"]))
    height = 140 + 40 * max(1, len(items))
    return {
        "data": data,
        "layout": layout(
            lang,
            height,
            barmode="relative",
            xaxis={
                "title": {"text": x_title},
                "range": [-100, 100],
                "tickvals": [-100, -50, 0, 50, 100],
                "ticktext": ["100", "50", "0", "50", "100"],
            },
            yaxis={"autorange": "reversed"},
        ),
    }


def _blend(a: str, b: str, t: float) -> str:
    ca = [int(a[i : i + 2], 16) for i in (1, 3, 5)]
    cb = [int(b[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * t):02X}" for x, y in zip(ca, cb, strict=True))


def _likert_colors(k: int) -> list[str]:
    """Dark red (lowest) → light red, grey (middle of an odd scale), light blue → dark blue."""
    half = k // 2
    steps = [i / max(half - 1, 1) for i in range(half)] if half > 1 else [0.5] * half
    left = [_blend("#B2182B", "#F4A582", s) for s in steps]
    right = [_blend("#92C5DE", "#2166AC", s) for s in steps]
    return left + (["#D9D9D9"] if k % 2 else []) + right


def grouped_bars(categories: list[str], series: list[dict], y_title: str, lang: str) -> dict:
    """Vertical grouped bars: ``series`` = [{name, values, color}]."""
    data = [
        {
            "type": "bar",
            "name": esc(s["name"]),
            "x": [esc(c) for c in categories],
            "y": _nums(s["values"]),
            "marker": {"color": s.get("color", PALETTE[k])},
        }
        for k, s in enumerate(series)
    ]
    return {
        "data": data,
        "layout": layout(
            lang,
            380,
            barmode="group",
            yaxis={"title": {"text": y_title}},
            xaxis={"type": "category"},
        ),
    }


def hbars(
    categories: list[str], values: list[float | None], x_title: str, lang: str, percent: bool = True
) -> dict:
    """Horizontal bars (shares as % when ``percent``)."""
    vals = _nums(values)
    if percent:
        vals = [None if v is None else round(v * 100, 3) for v in vals]
    data = [
        {
            "type": "bar",
            "orientation": "h",
            "y": [esc(c) for c in categories],
            "x": vals,
            "marker": {"color": PALETTE[0]},
            "showlegend": False,
        }
    ]
    height = 90 + 30 * max(1, len(categories))
    return {
        "data": data,
        "layout": layout(
            lang,
            height,
            xaxis={"title": {"text": x_title}},
            yaxis={"autorange": "reversed"},
            margin={"l": 60, "r": 20, "t": 10, "b": 50},
        ),
    }
