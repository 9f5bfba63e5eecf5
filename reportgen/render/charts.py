"""Charts for the PDF summary (matplotlib, SVG): localised labels and numbers, the palette of the deck.

Figures are built with the Figure API (never pyplot), so none is kept in a global registry; a missing
glyph is an error, not a warning, so Cyrillic never silently turns into boxes.
"""

from __future__ import annotations

import io
import json
import textwrap
import warnings
from functools import lru_cache

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from reportgen.errors import TemplateError  # noqa: E402
from reportgen.i18n.ui import _  # noqa: E402
from reportgen.paths import TEMPLATES_DIR  # noqa: E402
from reportgen.render.fonts import register_matplotlib  # noqa: E402
from reportgen.render.wording import Wording  # noqa: E402


@lru_cache(maxsize=None)
def palette() -> dict:
    """Return the palette shared by the deck template, the charts and the PDF (templates/palette.json)."""
    return json.loads((TEMPLATES_DIR / "palette.json").read_text(encoding="utf-8"))


def _figure(width: float, height: float) -> Figure:
    """Return an empty figure in the report's style."""
    register_matplotlib()
    fig = Figure(figsize=(width, height), dpi=100)
    fig.patch.set_facecolor("white")
    return fig


def _style(ax, w: Wording) -> None:
    """Apply the report's axes style: no frame clutter, light grid, localised percent ticks."""
    colours = palette()
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(colours["muted"])
    ax.tick_params(colors=colours["text"], labelsize=9)
    ax.grid(axis="x", color="#E3E7EB", linewidth=0.6)
    ax.set_axisbelow(True)


def to_svg(fig: Figure) -> bytes:
    """Return the figure as SVG bytes; raise TemplateError when a glyph is missing from the fonts."""
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=r".*[Gg]lyph.*missing.*")
        try:
            # text as text, in the report's fonts: drawn as glyph outlines, one chart of the PDF was 1,200 SVG
            # nodes and 0.3 s of WeasyPrint's 0.8 s for the page (the PDF embeds the same fonts either way)
            with matplotlib.rc_context({"svg.fonttype": "none"}):
                fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
        except UserWarning as exc:
            raise TemplateError(_("A chart needs a character the fonts do not have: {error}").format(error=exc),
                                hint=_("Check templates/fonts, or remove the character from the data."))
    return buf.getvalue()


def factor_chart(factor: dict, w: Wording) -> bytes:
    """Return a bar chart of churn by level of one factor, churn-prone levels highlighted, average marked."""
    colours = palette()
    levels = factor["levels"]
    labels = [_wrap(w.level(factor, lvl), 22) for lvl in levels]
    rates = [lvl["churn_rate"] or 0.0 for lvl in levels]
    fig = _figure(6.2, 0.42 * len(levels) + 1.0)
    ax = fig.add_subplot()
    _style(ax, w)
    y = range(len(levels))
    ax.barh(list(y), rates, color=[colours["accent"] if lvl["churn_prone"] else colours["primary"] for lvl in levels],
            height=0.65)
    ax.set_yticks(list(y), labels)
    ax.invert_yaxis()
    overall = w.context["overview"]["churn_rate"]
    ax.axvline(overall, color=colours["text"], linestyle="--", linewidth=1)
    # the label sits just above the plot area (x in data units, y in axes units), under the title
    ax.text(overall, 1.01, " " + w._("average {rate}").format(rate=w.fmt.percent(overall)),
            transform=ax.get_xaxis_transform(), color=colours["text"], fontsize=8, va="bottom")
    for i, rate in zip(y, rates):
        ax.text(rate, i, " " + w.fmt.percent(rate), va="center", fontsize=8, color=colours["text"])
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: w.fmt.percent(v, 0)))
    ax.set_xlim(0, max(rates + [overall]) * 1.25 or 1)
    ax.set_title(w.churn_by(factor["factor"]), loc="left", fontsize=11,
                 color=colours["primary"], pad=16)
    return to_svg(fig)


def segments_chart(segments: list[dict], w: Wording) -> bytes:
    """Return a bar chart of churn in each segment against the average, with segment sizes."""
    colours = palette()
    fig = _figure(6.2, 0.55 * len(segments) + 1.0)
    ax = fig.add_subplot()
    _style(ax, w)
    y = list(range(len(segments)))
    rates = [s["churn_rate"] for s in segments]
    ax.barh(y, rates, color=colours["accent"], height=0.6)
    ax.set_yticks(y, [_wrap(w.persona_name(s), 34) for s in segments], fontsize=8)
    ax.invert_yaxis()
    overall = w.context["overview"]["churn_rate"]
    ax.axvline(overall, color=colours["text"], linestyle="--", linewidth=1)
    for i, seg in zip(y, segments):
        ax.text(seg["churn_rate"], i, " " + w.fmt.percent(seg["churn_rate"]) + " · " +
                w.fmt.quantity(seg["size"], "{n} client", "{n} clients"), va="center", fontsize=8, color=colours["text"])
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: w.fmt.percent(v, 0)))
    ax.set_xlim(0, max(rates + [overall]) * 1.45)
    ax.set_title(w._("Churn of the personas at risk (dashed line: average)"), loc="left", fontsize=11,
                 color=colours["primary"])
    return to_svg(fig)


def _wrap(text: str, width: int) -> str:
    """Return text wrapped on several lines for an axis label."""
    return "\n".join(textwrap.wrap(text, width)) or text
