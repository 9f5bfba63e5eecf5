"""The value × risk picture (matplotlib): how many clients sit at each risk and value, the rule segments as
labelled points, the contact threshold as a line. Drawn from the grid the analysis counted."""

from __future__ import annotations

import numpy as np
from matplotlib.colors import LinearSegmentedColormap, LogNorm
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator

from reportgen.render.charts import _figure, _style, palette
from reportgen.render.wording import Wording


def value_risk_figure(w: Wording, width: float = 10.0, height: float = 4.6) -> Figure:
    """Return the density of clients by churn risk (x) and value (y, logarithmic), segments marked."""
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
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: w.fmt.money(v, compact=v >= 10_000)))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: w.fmt.percent(v, 0)))
    ax.set_xlim(0, 1)
    ax.set_xlabel(w._("Predicted risk of leaving"), color=colours["text"], fontsize=9)
    ax.set_ylabel(w.feature_title(var["column"]), color=colours["text"], fontsize=9)
    threshold = w.context["action_groups"]["risk_threshold"]
    ax.axvline(threshold, color=colours["accent"], linestyle="--", linewidth=1.2)
    ax.text(threshold, 1.01, " " + w._("contact threshold {risk}").format(risk=w.fmt.percent(threshold, 0)),
            transform=ax.get_xaxis_transform(), color=colours["accent"], fontsize=8, va="bottom")
    points = [(s["mean_risk"], s["mean_value"], s["id"]) for s in var["by_segment"]
              if s["mean_value"] and s["mean_value"] > 0 and s["mean_risk"] is not None]
    for (risk, value, label), lift in zip(points, _label_offsets(ax, points)):
        ax.plot(risk, value, marker="o", markersize=7, color=colours["accent"], markeredgecolor="white")
        ax.annotate(label, (risk, value), xytext=(7, 2 + lift), textcoords="offset points", fontsize=9,
                    fontweight="bold", color=colours["text"],
                    arrowprops={"arrowstyle": "-", "color": colours["muted"], "linewidth": 0.6} if lift else None)
    bar = fig.colorbar(mesh, ax=ax, pad=0.02)
    bar.set_label(w._("clients per cell"), fontsize=8, color=colours["text"])
    bar.ax.tick_params(labelsize=8)
    bar.ax.yaxis.set_minor_locator(NullLocator())
    bar.ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: w.fmt.number(v)))
    return fig


def _label_offsets(ax, points: list[tuple[float, float, str]]) -> list[float]:
    """Return how many points to raise each label so that labels of nearby points do not overlap."""
    ax.get_xlim(), ax.get_ylim()  # settle the autoscaled limits before reading positions
    placed: list[tuple[float, float]] = []
    lifts = []
    for risk, value, _label in points:
        x, y = ax.transData.transform((risk, value)) * 72 / ax.figure.dpi  # in points
        lift = 0.0
        while any(abs(x - px) < 22 and abs(y + lift - py) < 11 for px, py in placed):
            lift += 11
        placed.append((x, y + lift))
        lifts.append(lift)
    return lifts
