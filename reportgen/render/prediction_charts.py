"""The value × risk picture (matplotlib): how many clients sit at each risk and value, the rule segments as
labelled points, the contact threshold as a line. Drawn from the grid the analysis counted."""

from __future__ import annotations

import numpy as np
from matplotlib import rcParams
from matplotlib.colors import LinearSegmentedColormap, LogNorm
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextPath
from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator

from reportgen.render.charts import _figure, _style, palette
from reportgen.render.wording import Wording


def value_risk_figure(w: Wording, width: float = 10.0, height: float = 4.6, value_label: str | None = None,
                      names: dict[str, str] | None = None, risk_label: str | None = None) -> Figure:
    """Return the density of clients by churn risk (x) and value (y, logarithmic), segments marked: by id, or
    by `names` (id -> label); the axes are named `risk_label` and `value_label`, else as a churn table's."""
    colours = palette()
    var = w.context["value_at_risk"]
    grid = var["density"]
    fig = _figure(width, height)
    ax = fig.add_subplot()
    _style(ax, w)
    counts = np.asarray(grid["counts"], dtype=float).T  # rows: value bins, columns: risk bins
    shades = LinearSegmentedColormap.from_list("clients", ["#EEF3F7", colours["primary"]])
    mesh = ax.pcolormesh(grid["risk_edges"], grid["value_edges"], np.ma.masked_equal(counts, 0), cmap=shades,
                         norm=LogNorm(vmin=1, vmax=max(counts.max(), 2)))
    ax.set_yscale("log")
    ax.yaxis.set_major_locator(LogLocator(base=10))
    ax.yaxis.set_minor_locator(NullLocator())  # hundreds of minor ticks cost half a second and say nothing
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: w.fmt.money(v, compact=v >= 10_000, bound=True)))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: w.fmt.percent(v, 0)))
    ax.set_xlim(0, 1)
    ax.set_xlabel(risk_label or w._("Predicted risk of leaving"), color=colours["text"], fontsize=9)
    ax.set_ylabel(value_label or w.feature_title(var["column"]), color=colours["text"], fontsize=9)
    threshold = w.context["action_groups"]["risk_threshold"]
    if threshold is not None:  # a log whose clients have all lapsed has no at-risk group
        ax.axvline(threshold, color=colours["accent"], linestyle="--", linewidth=1.2)
        ax.text(threshold, 1.01, " " + w._("contact threshold {risk}").format(risk=w.fmt.percent(threshold, 0)),
                transform=ax.get_xaxis_transform(), color=colours["accent"], fontsize=8, va="bottom")
    points = [(s["mean_risk"], s["mean_value"], (names or {}).get(s["id"], s["id"])) for s in var["by_segment"]
              if s["mean_value"] and s["mean_value"] > 0 and s["mean_risk"] is not None]
    for risk, value, _label in points:
        ax.plot(risk, value, marker="o", markersize=7, color=colours["accent"], markeredgecolor="white")
    bar = fig.colorbar(mesh, ax=ax, pad=0.02)
    bar.set_label(w._("clients per cell"), fontsize=8, color=colours["text"])
    bar.ax.tick_params(labelsize=8)
    bar.ax.yaxis.set_minor_locator(NullLocator())
    bar.ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: w.fmt.number(v)))
    # labels last: the points may widen the value axis, and the colour bar narrows the chart
    for (risk, value, label), (dx, dy, side) in zip(points, _label_places(ax, points)):
        ax.annotate(label, (risk, value), xytext=(dx, dy), textcoords="offset points", fontsize=LABEL_SIZE, ha=side,
                    fontweight="bold", color=colours["text"],
                    arrowprops={"arrowstyle": "-", "color": colours["muted"], "linewidth": 0.6} if dy > 2 else None)
    return fig


LABEL_SIZE = 9  # points, bold
LABEL_GAP = 6  # points between two labels on one line
MARKER = 4  # half the width of a segment's marker, in points
LEFT_FROM = 0.7  # labels of points further right than this risk go to their left, clear of the colour bar


def _label_places(ax, points: list[tuple[float, float, str]]) -> list[tuple[float, float, str]]:
    """Return each label's offset from its point (dx, dy in points) and side ('left': text starts at the
    point, 'right': ends at it), raised until its box, measured in the chart's font, overlaps no other label
    and no other point."""
    ax.get_xlim(), ax.get_ylim()  # settle the autoscaled limits before reading positions
    bold = FontProperties(family=rcParams["font.family"], weight="bold")
    where = [ax.transData.transform((risk, value)) * 72 / ax.figure.dpi for risk, value, _label in points]  # points
    markers = [(x - MARKER, y - MARKER, x + MARKER, y + MARKER) for x, y in where]
    placed: list[tuple[float, float, float, float]] = []
    out = []
    for index, ((risk, _value, label), (x, y)) in enumerate(zip(points, where)):
        width = TextPath((0, 0), label, size=LABEL_SIZE, prop=bold).get_extents().width + 2
        left = risk > LEFT_FROM
        dx = -7.0 if left else 7.0
        x0 = x + dx - width if left else x + dx
        dy = 2.0
        # a label keeps clear of the other labels, a few points apart (side by side they would read as one),
        # and of the other segments' points
        others = placed + markers[:index] + markers[index + 1:]
        while any(x0 - LABEL_GAP < bx1 and bx0 < x0 + width + LABEL_GAP and y + dy - 2 < by1
                  and by0 < y + dy + LABEL_SIZE for bx0, by0, bx1, by1 in others):
            dy += LABEL_SIZE + 2
        placed.append((x0, y + dy - 2, x0 + width, y + dy + LABEL_SIZE))
        out.append((dx, dy, "right" if left else "left"))
    return out
