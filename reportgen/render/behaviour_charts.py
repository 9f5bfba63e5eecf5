"""Pictures of a behaviour segmentation (matplotlib): the distribution of each feature as small multiples,
and the standardised profile of each cluster. The same figure goes into the deck (PNG) and the PDF (SVG)."""

from __future__ import annotations

import io
import math
import warnings

from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from reportgen.errors import TemplateError
from reportgen.i18n.ui import _
from reportgen.render.charts import _figure, _style, _wrap, palette
from reportgen.render.wording import Wording

MAX_PANELS = 12  # small multiples beyond this are too small to read; the first features are shown


def to_png(fig: Figure, dpi: int = 200) -> bytes:
    """Return the figure as PNG bytes; raise TemplateError when a glyph is missing from the fonts."""
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=r".*[Gg]lyph.*missing.*")
        try:
            fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight", metadata={"Software": None})
        except UserWarning as exc:
            raise TemplateError(_("A chart needs a character the fonts do not have: {error}").format(error=exc),
                                hint=_("Check templates/fonts, or remove the character from the data."))
    return buf.getvalue()


def _grid(count: int, width: float, panel_height: float) -> tuple[Figure, int, int]:
    """Return a figure for `count` panels, with its rows and columns."""
    cols = 1 if count == 1 else 2 if count <= 4 else 3
    rows = math.ceil(count / cols)
    return _figure(width, panel_height * rows + 0.3), rows, cols


def _tick(w: Wording, column: str, value: float) -> str:
    """Return an axis value: compact money for large amounts, else a plain number."""
    if w.is_money(column):
        return w.fmt.money(value, compact=abs(value) >= 10_000, bound=True)
    return w.fmt.smart_number(value)


def distributions_chart(w: Wording, width: float = 10.0) -> Figure:
    """Return the distribution of every feature: a histogram per number, level shares per category."""
    colours = palette()
    items = list(w.context["distributions"].items())[:MAX_PANELS]
    fig, rows, cols = _grid(len(items), width, 2.1)
    for index, (column, dist) in enumerate(items):
        ax = fig.add_subplot(rows, cols, index + 1)
        _style(ax, w)
        ax.grid(axis="x", visible=False)
        ax.grid(axis="y", color="#E3E7EB", linewidth=0.6)
        title = w.feature_title(column)
        if dist["missing"]:
            title += " · " + w.fmt.quantity(dist["missing"], "{n} missing value", "{n} missing values")
        ax.set_title(_wrap(title, 42), loc="left", fontsize=10, color=colours["primary"])
        if dist["type"] == "numeric":
            _histogram(ax, w, column, dist, colours)
        else:
            _levels(ax, w, column, dist, colours)
    fig.tight_layout(h_pad=1.2, w_pad=1.5)
    return fig


def _histogram(ax, w: Wording, column: str, dist: dict, colours: dict) -> None:
    """Draw a histogram from its bins (equal widths: a log-scale histogram keeps its bins readable)."""
    hist = dist.get("histogram")
    if not hist:
        ax.set_axis_off()
        return
    counts, edges = hist["counts"], hist["edges"]
    ax.bar(range(len(counts)), counts, width=0.9, color=colours["primary"])
    if hist["scale"] == "discrete":
        ticks = [i for i in range(len(counts))]
        step = max(1, math.ceil(len(ticks) / 8))
        ax.set_xticks(ticks[::step], [_tick(w, column, (edges[i] + edges[i + 1]) / 2) for i in ticks[::step]])
    else:
        # bar i spans edges i..i+1: edge j sits at j - 0.5
        picks = sorted({0, len(edges) // 3, 2 * len(edges) // 3, len(edges) - 1})
        ax.set_xticks([j - 0.5 for j in picks], [_tick(w, column, edges[j]) for j in picks])
    if hist["scale"] == "log":
        ax.set_xlabel(w._("logarithmic scale"), fontsize=8, color=colours["muted"])
    ax.yaxis.set_major_locator(MaxNLocator(4, integer=True))
    ax.yaxis.set_major_formatter(lambda v, _pos: w.fmt.number(v))


def _levels(ax, w: Wording, column: str, dist: dict, colours: dict) -> None:
    """Draw the share of each level as horizontal bars, most frequent on top."""
    labels, shares = [], []
    for level in dist["levels"]:
        if dist["type"] == "binary":
            labels.append(w._("yes") if level["level"] else w._("no"))
        else:
            labels.append(w.value(column, level["level"]))
        shares.append(level["share"])
    if dist.get("other"):
        labels.append(w._("other"))
        shares.append(dist["other"]["share"])
    y = list(range(len(labels)))
    ax.barh(y, shares, color=colours["primary"], height=0.65)
    ax.set_yticks(y, [_wrap(label, 18) for label in labels], fontsize=8)
    ax.invert_yaxis()
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", color="#E3E7EB", linewidth=0.6)
    for i, share in zip(y, shares):
        ax.text(share, i, " " + w.fmt.percent(share), va="center", fontsize=8, color=colours["text"])
    ax.set_xlim(0, max(shares) * 1.3 if shares else 1)
    ax.xaxis.set_major_locator(MaxNLocator(3))
    ax.xaxis.set_major_formatter(lambda v, _pos: w.fmt.percent(v, 0))


def profiles_chart(w: Wording, width: float = 10.0) -> Figure:
    """Return each cluster's standardised profile: a bar per feature, how far its mean is from all clients'."""
    colours = palette()
    clusters = w.clusters[:MAX_PANELS]
    entries = clusters[0]["standardised"] if clusters else []
    labels = [_wrap(w.feature_title(e["feature"]) if e["level"] is None else
                    w._("{feature}: {value}").format(feature=w.feature_title(e["feature"]),
                                                     value=w.value(e["feature"], e["level"])), 22) for e in entries]
    fig, rows, cols = _grid(len(clusters), width, 0.26 * len(entries) + 0.9)
    top = max((abs(e["z"]) for c in clusters for e in c["standardised"]), default=1.0)
    limit = max(1.0, top * 1.15)
    y = list(range(len(entries)))
    for index, cluster in enumerate(clusters):
        ax = fig.add_subplot(rows, cols, index + 1)
        _style(ax, w)
        values = [e["z"] for e in cluster["standardised"]]
        ax.barh(y, values, height=0.65,
                color=[colours["accent"] if v > 0 else colours["primary"] for v in values])
        ax.axvline(0, color=colours["muted"], linewidth=0.8)
        ax.set_xlim(-limit, limit)
        ax.set_yticks(y, labels if index % cols == 0 else [""] * len(y), fontsize=8)
        ax.invert_yaxis()
        ax.xaxis.set_major_formatter(lambda v, _pos: w.fmt.number(v, 0 if float(v).is_integer() else 1))
        # the share on a line of its own, so that every panel's title ends the same way
        ax.set_title(_wrap(w.cluster_name(cluster), 24 if cols == 3 else 34) + "\n" + w.fmt.percent(cluster["share"]), loc="left",
                     fontsize=9, color=colours["primary"])
    fig.supxlabel(w._("Standard deviations from the mean of all clients (right: above, left: below)"), fontsize=9,
                  color=colours["muted"])
    fig.tight_layout(h_pad=1.0, w_pad=1.0)
    return fig
