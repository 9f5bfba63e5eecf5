"""Pictures of a transaction log's report (matplotlib): the R x F map, the Lorenz curve, the distribution of
lifetime value, value by segment and the hold-out check. The same figure goes into the deck (PNG) and the
PDF (SVG); every figure is read from the context and every number formatted in the report's language."""

from __future__ import annotations

import textwrap

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from reportgen.render.charts import _figure, _style, palette
from reportgen.render.wording import Wording


def rfm_map(w: Wording, width: float = 7.5, height: float | None = None) -> Figure:
    """Return the 5 x 5 R x F map (`width` x `height` inches, drawn at the size it is shown, so that its
    texts keep their sizes): each cell's clients (colour and count) and its segment's name."""
    colours = palette()
    cells = w.context["rfm"]["grid"]
    fig = _figure(width, height or width * 0.58)
    ax = fig.add_subplot()
    top = max((c["size"] for c in cells), default=0) or 1
    shade = LinearSegmentedColormap.from_list("rfm", ["#FFFFFF", colours["primary"]])
    ax.set_xlim(0, 5)
    ax.set_ylim(0, 5)
    ax.set_xticks([i + 0.5 for i in range(5)], [str(i) for i in range(1, 6)])
    ax.set_yticks([i + 0.5 for i in range(5)], [str(i) for i in range(1, 6)])
    ax.set_xlabel(w._("Frequency score (5: most purchase days)"), fontsize=9, color=colours["muted"])
    ax.set_ylabel(w._("Recency score (5: most recent)"), fontsize=9, color=colours["muted"])
    ax.tick_params(length=0, labelsize=9, colors=colours["text"])
    fig.tight_layout()  # before the cells' texts, which are fitted to the cells' final size
    renderer = FigureCanvasAgg(fig).get_renderer()  # to measure texts (a figure of our own has no canvas)
    placed = []
    for cell in cells:
        x, y = cell["f"] - 1, cell["r"] - 1
        level = cell["size"] / top
        ax.add_patch(_rect(x, y, shade(0.08 + 0.8 * level)))
        ink = "white" if level > 0.55 else colours["text"]
        count = ax.text(x + 0.5, y + 0.08, w.fmt.number(cell["size"]), ha="center", va="bottom", fontsize=10,
                        fontweight="bold", color=ink)
        label = ax.text(x + 0.5, y + 0.93, "", ha="center", va="top", color=ink)
        width = ax.transData.transform((x + 0.92, y))[0] - ax.transData.transform((x + 0.08, y))[0]
        placed.append((label, w.rfm_name(cell["segment"]), width, count.get_window_extent(renderer).y1 + 1))
    _fit_names(placed, renderer)
    # segment borders: a thick line where two neighbouring cells belong to different segments
    by = {(c["r"], c["f"]): c["segment"] for c in cells}
    for (r, f), name in by.items():
        if f < 5 and by[(r, f + 1)] != name:
            ax.plot([f, f], [r - 1, r], color=colours["accent"], linewidth=2)
        if r < 5 and by[(r + 1, f)] != name:
            ax.plot([f - 1, f], [r, r], color=colours["accent"], linewidth=2)
    for side in ax.spines.values():
        side.set_visible(False)
    return fig


# Font sizes a cell's segment name may take, largest first: one size for every cell
NAME_SIZES = (9.0, 8.5, 8.0, 7.5, 7.0, 6.5)


def _fit_names(placed: list, renderer) -> None:
    """Give every cell's name (label, text, width, floor) the largest size of NAME_SIZES at which each fits
    its cell's width and stays above its count (`floor`, display units), wrapped on spaces only where
    needed ('Многообещающие' is wider than a cell at 9 pt; a word is never cut); the smallest size when none
    fits."""
    for size in NAME_SIZES:  # every name set at each size (a list, not all()'s first failure)
        if all([_fit_name(label, text, size, width, floor, renderer) for label, text, width, floor in placed]):
            return


def _fit_name(label, text: str, size: float, width: float, floor: float, renderer) -> bool:
    """Set `label` to `text` at `size`, on as few lines as fit `width`; return whether it then fits above
    `floor`."""
    label.set_fontsize(size)
    ways = dict.fromkeys("\n".join(textwrap.wrap(text, n, break_long_words=False)) or text
                         for n in range(len(text), 0, -1))
    for wrapped in ways:  # fewest lines first
        label.set_text(wrapped)
        box = label.get_window_extent(renderer)
        if box.width <= width:
            return box.y0 >= floor
    return False


def _rect(x: float, y: float, colour):
    """Return a unit square at (x, y)."""
    from matplotlib.patches import Rectangle

    return Rectangle((x, y), 1, 1, facecolor=colour, edgecolor="white", linewidth=1.5)


def lorenz(w: Wording, width: float = 6.0) -> Figure:
    """Return the Lorenz curve of revenue, with the equality line and the top 20%'s share marked."""
    colours = palette()
    c = w.context["concentration"]
    fig = _figure(width, width * 0.7)
    ax = fig.add_subplot()
    _style(ax, w)
    xs = [p["clients"] for p in c["lorenz"]]
    ys = [p["revenue"] for p in c["lorenz"]]
    ax.plot([0, 1], [0, 1], color=colours["muted"], linewidth=0.8, linestyle="--")
    ax.plot(xs, ys, color=colours["primary"], linewidth=2)
    ax.fill_between(xs, ys, xs, color=colours["primary"], alpha=0.08)
    if c["top_revenue_share"] is not None:
        bottom = 1 - c["top_revenue_share"]
        ax.annotate("", xy=(0.8, 1), xytext=(0.8, bottom),
                    arrowprops={"arrowstyle": "<->", "color": colours["accent"], "linewidth": 1.5})
        ax.text(0.78, (1 + bottom) / 2, w._("top 20%: {share} of revenue").format(
            share=w.fmt.percent(c["top_revenue_share"])), ha="right", va="center", fontsize=9,
            color=colours["accent"])
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_formatter(lambda v, _pos: w.fmt.percent(v, 0))
    ax.set_xlabel(w._("Share of clients, from the smallest spenders"), fontsize=9, color=colours["muted"])
    ax.set_ylabel(w._("Share of revenue"), fontsize=9, color=colours["muted"])
    fig.tight_layout()
    return fig


def clv_distribution(w: Wording, width: float = 7.0) -> Figure:
    """Return the histogram of the clients' lifetime value (the last bar holds the values above its edge)."""
    colours = palette()
    dist = w.context["clv"]["distribution"]
    counts, edges = dist["counts"], dist["edges"]
    fig = _figure(width, width * 0.5)
    ax = fig.add_subplot()
    _style(ax, w)
    ax.grid(axis="x", visible=False)
    ax.grid(axis="y", color="#E3E7EB", linewidth=0.6)
    ax.bar(range(len(counts)), counts, width=0.9, color=colours["primary"])
    picks = sorted({0, len(edges) // 3, 2 * len(edges) // 3, len(edges) - 1})
    labels = [w.fmt.money(edges[j], bound=True) for j in picks]
    labels[-1] += "+"
    ax.set_xticks([j - 0.5 for j in picks], labels)
    ax.yaxis.set_major_locator(MaxNLocator(5, integer=True))
    ax.yaxis.set_major_formatter(lambda v, _pos: w.fmt.number(v))
    ax.set_xlabel(w._("Lifetime value of a client"), fontsize=9, color=colours["muted"])
    ax.set_ylabel(w._("Clients"), fontsize=9, color=colours["muted"])
    fig.tight_layout()
    return fig


def value_by_segment(w: Wording, width: float = 8.0) -> Figure:
    """Return each segment's mean lifetime value as horizontal bars, highest first, with its share of all CLV."""
    colours = palette()
    value = w.context["clv"]["by_segment"]
    names = sorted(value, key=lambda k: -value[k]["mean_clv"])
    fig = _figure(width, 0.3 * len(names) + 0.9)
    ax = fig.add_subplot()
    _style(ax, w)
    y = list(range(len(names)))
    means = [value[k]["mean_clv"] for k in names]
    ax.barh(y, means, color=colours["primary"], height=0.65)
    ax.set_yticks(y, [w.rfm_name(k) for k in names], fontsize=10)
    ax.invert_yaxis()
    for i, key in zip(y, names):
        share = value[key]["clv_share"]
        ax.text(means[i], i, "  " + w._("{mean} · {share} of all CLV").format(
            mean=w.fmt.money(means[i]), share=w.fmt.percent(share)), va="center", fontsize=9, color=colours["text"])
    ax.set_xlim(0, max(means) * 1.7 if means else 1)
    ax.xaxis.set_major_locator(MaxNLocator(4))
    ax.xaxis.set_major_formatter(lambda v, _pos: w.fmt.money(v, bound=True))
    ax.set_xlabel(w._("Mean lifetime value per client"), fontsize=9, color=colours["muted"])
    fig.tight_layout()
    return fig


def holdout(w: Wording, width: float = 7.0) -> Figure:
    """Return predicted against actual repeat purchases per client in the hold-out period, by frequency group."""
    colours = palette()
    groups = w.context["clv"]["holdout"]["groups"]
    fig = _figure(width, width * 0.5)
    ax = fig.add_subplot()
    _style(ax, w)
    ax.grid(axis="x", visible=False)
    ax.grid(axis="y", color="#E3E7EB", linewidth=0.6)
    x = list(range(len(groups)))
    ax.bar([i - 0.2 for i in x], [g["actual_mean"] for g in groups], width=0.4, color=colours["primary"],
           label=w._("actual"))
    ax.bar([i + 0.2 for i in x], [g["predicted_mean"] for g in groups], width=0.4, color=colours["accent"],
           label=w._("predicted"))
    ax.set_xticks(x, [g["label"] for g in groups])
    ax.yaxis.set_major_formatter(lambda v, _pos: w.fmt.number(v, 1))
    ax.set_xlabel(w._("Repeat purchases before the calibration end"), fontsize=9, color=colours["muted"])
    ax.set_ylabel(w._("Purchases per client afterwards"), fontsize=9, color=colours["muted"])
    ax.legend(frameon=False, fontsize=9)
    fig.tight_layout()
    return fig
