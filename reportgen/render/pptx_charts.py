"""Native, editable PowerPoint charts: churn bars with the average drawn as a reference line."""

from __future__ import annotations

import copy
import math
from contextlib import contextmanager

from lxml import etree
from pptx.chart.data import CategoryChartData
from pptx.chart.xlsx import CategoryWorkbookWriter
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION, XL_TICK_LABEL_POSITION
from pptx.oxml.ns import qn
from pptx.util import Pt, lazyproperty
from xlsxwriter import Workbook

from reportgen.render.fonts import FAMILY
from reportgen.render.sanitize import clean_text
from reportgen.render.textfit import text_width

PERCENT = "0.0%"  # for the chart's embedded workbook only: the slide shows labels written as text
EMU_PER_PT = 12700
# the inner plot area as fractions of the chart frame (x, y, width, height): room below for the category
# labels and the legend; fixed, so that where a label falls against the average line can be computed
PLOT_AREA = (0.07, 0.05, 0.91, 0.68)
# a line chart's: room above for its title (a series name) and below for two-line category labels
LINE_AREA = (0.04, 0.14, 0.92, 0.66)
LABEL_SIZE = 11  # points
LABEL_HEIGHT = LABEL_SIZE * 1.37 + 2  # one line of Noto Sans and the label's own margins, in points
LABEL_GAP = 4  # between a bar's end and its label, in points (PowerPoint and LibreOffice leave 2-4)
LINE_CLEARANCE = 3  # the dashed line's half width and a margin, in points
# XlsxWriter turns text that starts with '=' into a live formula and 'http://...' into a link by default;
# the workbook inside a chart (PowerPoint's "Edit Data") must hold our labels as plain text.
TEXT_ONLY = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}


class TextWorksheet:
    """Mixin for python-pptx's chart workbook writers: the embedded workbook stores every string as a string."""

    @contextmanager
    def _open_worksheet(self, xlsx_file):
        """Yield (workbook, worksheet) of a workbook that stores text as text; close it after the block."""
        workbook = Workbook(xlsx_file, TEXT_ONLY)
        worksheet = workbook.add_worksheet()
        yield workbook, worksheet
        workbook.close()


class _TextWorkbookWriter(TextWorksheet, CategoryWorkbookWriter):
    """python-pptx's chart workbook writer, writing every string as a string."""


class TextChartData(CategoryChartData):
    """Category chart data whose embedded workbook stores labels and series names as text, never formulas."""

    @lazyproperty
    def _workbook_writer(self):
        """Return the writer of this chart's embedded workbook."""
        return _TextWorkbookWriter(self)


def _chart_data(categories: list[str | int], series: dict[str, list[float]], number_format: str) -> TextChartData:
    """Return chart data with cleaned category labels and series names (they are slide text too)."""
    data = TextChartData(number_format=number_format)
    data.categories = [clean_text(c) if isinstance(c, str) else c for c in categories]
    for name, values in series.items():
        data.add_series(clean_text(name), values)
    return data


def _rgb(hex_colour: str) -> RGBColor:
    """Return an RGBColor from '#RRGGBB'."""
    return RGBColor.from_string(hex_colour.lstrip("#"))


def bars_with_reference(slide, box: tuple[int, int, int, int], categories: list[str], values: list[float],
                        reference: float, names: tuple[str, str, str], highlight: list[bool], palette: dict, fmt):
    """Add a column chart of shares with a dashed reference line (the average); return the chart.

    `names` are the legend's words for the bars, the highlighted bars and the average. Highlighted bars are a
    series of their own, so that each legend swatch has its bars' colour. The reference is the last series of
    the chart's own data (editing the data in PowerPoint keeps it), moved into a line chart on the same axes.
    Labels are text written by `fmt` (a Formatter): a number format is drawn with the viewer's separators,
    not the deck's. Each label sits where the average line does not cross it.
    """
    hot = [v if h else None for v, h in zip(values, highlight)]
    cold = [None if h else v for v, h in zip(values, highlight)]
    series, colours = {}, []
    if any(v is not None for v in cold):
        series[names[0]], colours = cold, [palette["primary"]]
    if any(v is not None for v in hot):
        series[names[1]] = hot
        colours.append(palette["accent"])
    series[names[2]] = [reference] * len(values)
    data = _chart_data(categories, series, PERCENT)
    x, y, cx, cy = box
    chart = slide.shapes.add_chart(XL_CHART_TYPE.COLUMN_CLUSTERED, x, y, cx, cy, data).chart
    _style(chart)
    _plot_layout(chart)
    bar_plot = chart.plots[0]
    bar_plot.gap_width = 60
    bar_plot.overlap = 100  # one bar per category: the other series is empty there
    axis_max = min(1.0, max(values + [reference]) * 1.2 + 0.02)
    positions = label_positions(values, reference, axis_max, cy / EMU_PER_PT * PLOT_AREA[3])
    for bars, colour in zip(bar_plot.series, colours):
        bars.format.fill.solid()
        bars.format.fill.fore_color.rgb = _rgb(colour)
        bars.invert_if_negative = False
        for index, value in enumerate(bars.values):
            if value is None:
                continue
            label = bars.points[index].data_label
            label.text_frame.text = clean_text(fmt.percent(value))
            run = label.text_frame.paragraphs[0].runs[0]
            run.font.size = Pt(LABEL_SIZE)
            inside = positions[index] != XL_LABEL_POSITION.OUTSIDE_END
            run.font.color.rgb = _rgb("#FFFFFF" if inside else palette["text"])
            label.position = positions[index]
    _move_to_line(chart, palette["text"])
    axis = chart.value_axis
    axis.tick_labels.number_format = percent_axis_format(fmt.percent(0.5, 0))
    axis.tick_labels.number_format_is_linked = False
    axis.has_major_gridlines = True
    axis.major_gridlines.format.line.color.rgb = _rgb("#E3E7EB")
    axis.maximum_scale = axis_max
    axis.minimum_scale = 0
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    return chart


def label_positions(values: list[float], reference: float, axis_max: float, plot_height: float) -> list:
    """Return where each bar's label goes so that the reference line never strikes through it.

    Above the bar (outside end) unless the line crosses that band; then inside the bar's top, in white, when
    the bar is tall enough and the line misses that band; else at the bar's base. `plot_height` is the
    plot's inner height in points, which the manual layout fixes.
    """
    scale = plot_height / axis_max  # points per unit of value
    line = reference * scale
    positions = []
    for value in values:
        top = (value or 0.0) * scale
        above = (top + LABEL_GAP, top + LABEL_GAP + LABEL_HEIGHT)
        inside = (top - LABEL_GAP - LABEL_HEIGHT, top - LABEL_GAP)
        base = (LABEL_GAP, LABEL_GAP + LABEL_HEIGHT)
        if not _crosses(line, above):
            positions.append(XL_LABEL_POSITION.OUTSIDE_END)
        elif inside[0] >= 0 and not _crosses(line, inside):
            positions.append(XL_LABEL_POSITION.INSIDE_END)
        elif top >= base[1] + LABEL_GAP and not _crosses(line, base):
            positions.append(XL_LABEL_POSITION.INSIDE_BASE)
        else:  # a bar too short to hold its label, just under the line: the label goes above the line
            positions.append(XL_LABEL_POSITION.OUTSIDE_END)
    return positions


def _crosses(line: float, band: tuple[float, float]) -> bool:
    """Return True when a line at height `line` (points) touches a label between band[0] and band[1]."""
    return band[0] - LINE_CLEARANCE <= line <= band[1] + LINE_CLEARANCE


def percent_axis_format(sample: str) -> str:
    """Return an Excel number format for whole percentages written as `sample` is ('50 %' -> 0" "%).

    Whole numbers have no decimal or grouping separator, the only parts an Excel format draws with the
    viewer's own separators; the space before % (a no-break space in French and Russian) is a literal.
    """
    code, digits = "", False
    for char in sample:
        if char.isdigit():
            if not digits:
                code += "0"
            digits = True
            continue
        digits = False
        code += "%" if char == "%" else f'"{char}"'
    return code


def line_chart(slide, box: tuple[int, int, int, int], categories: list[str], series: dict[str, list[float]],
               label, palette: dict):
    """Add a line chart with markers, points labelled with `label(value)` (labelled_points: as many as fit
    side by side; label_sides: on a side the line leaves clear); return the chart.

    The values are written on the points as text in the deck's language, so the value axis shows no numbers
    (an axis's number format would be drawn with the viewer's separators).
    """
    data = _chart_data(categories, series, "General")
    x, y, cx, cy = box
    chart = slide.shapes.add_chart(XL_CHART_TYPE.LINE_MARKERS, x, y, cx, cy, data).chart
    _style(chart)
    # the curve fills the plot (its shape is the message), with room above the highest point for its label
    known = [v for values in series.values() for v in values if v is not None]
    low, high = (min(known), max(known)) if known else (0.0, 1.0)
    span = (high - low) or abs(high) * 0.2 or 1.0
    axis = chart.value_axis
    axis.minimum_scale, axis.maximum_scale = low - span * 0.25, high + span * 0.35
    axis.tick_label_position = XL_TICK_LABEL_POSITION.NONE
    axis.has_major_gridlines = False
    axis.format.line.fill.background()
    _plot_layout(chart, LINE_AREA)
    plot = (cx / EMU_PER_PT * LINE_AREA[2], cy / EMU_PER_PT * LINE_AREA[3], axis.minimum_scale, axis.maximum_scale)
    for index, ser in enumerate(chart.plots[0].series):
        colour = _rgb(palette["series"][index % len(palette["series"])])
        ser.format.line.color.rgb = colour
        ser.marker.format.fill.solid()
        ser.marker.format.fill.fore_color.rgb = colour
        ser.smooth = False
        values = list(ser.values)
        texts = [clean_text(label(v)) if v is not None else "" for v in values]
        chosen = labelled_points(values, texts, plot[0])
        for point, side in label_sides(values, chosen, texts, *plot).items():
            data_label = ser.points[point].data_label
            data_label.text_frame.text = texts[point]
            data_label.text_frame.paragraphs[0].runs[0].font.size = Pt(LABEL_SIZE - 1)
            data_label.position = POSITIONS[side]
    chart.has_legend = len(series) > 1
    return chart


POSITIONS = {"above": XL_LABEL_POSITION.ABOVE, "below": XL_LABEL_POSITION.BELOW, "right": XL_LABEL_POSITION.RIGHT,
             "left": XL_LABEL_POSITION.LEFT}


def labelled_points(values: list, labels: list[str], width: float) -> list[int]:
    """Return the points of a line whose labels are written: all when they fit side by side in `width`
    points (the plot's), else every k-th one counted back from the last, so that no two touch, with the
    highest, the lowest and the first point labelled in place of their neighbours (18 months of
    '107,9 k RUB' ran into each other)."""
    known = [i for i, v in enumerate(values) if v is not None]
    if not known:
        return []
    widest = max(text_width(labels[i], LABEL_SIZE - 1) for i in known)
    spacing = width / len(values)  # a slot per category
    step = max(1, math.ceil((widest + 6) / spacing))
    if step == 1:
        return known
    chosen = {i for i in range(known[-1], -1, -step) if values[i] is not None}
    # the most telling last: the highest stays, the lowest unless next to it, the first unless next to either
    for extreme in (known[0], min(known, key=lambda i: values[i]), max(known, key=lambda i: values[i])):
        if extreme not in chosen:
            chosen = {i for i in chosen if abs(i - extreme) >= step} | {extreme}
    return sorted(chosen)


def label_sides(values: list, chosen: list[int], labels: list[str], width: float, height: float, low: float,
                high: float) -> dict[int, str]:
    """Return 'above', 'below', 'right' or 'left' for each chosen point: the first of them where the line
    to its neighbours does not cross the label (a side label only where it stays clear of the next labelled
    points' labels), else 'above'; in a plot `width` x `height` points whose value axis runs from `low` to
    `high`."""
    slot = width / len(values)

    def at(i: int) -> tuple[float, float]:
        return (i + 0.5) * slot, (values[i] - low) / ((high - low) or 1.0) * height

    def half(i: int) -> float:
        return text_width(labels[i], LABEL_SIZE - 1) / 2 + 3

    # a margin around the label: viewers place a label a few points from where it is asked for
    tall, gap = (LABEL_SIZE - 1) * 1.6, 5.0
    sides = {}
    for rank, i in enumerate(chosen):
        x, y = at(i)
        w = half(i)
        lines = [(at(i), at(j)) for j in (i - 1, i + 1) if 0 <= j < len(values) and values[j] is not None]
        # the room to the labels of the labelled points on each side (centred on their points)
        room_right = at(chosen[rank + 1])[0] - half(chosen[rank + 1]) if rank + 1 < len(chosen) else width
        room_left = at(chosen[rank - 1])[0] + half(chosen[rank - 1]) if rank else 0.0
        boxes = {"above": (x - w, x + w, y + gap, y + gap + tall), "below": (x - w, x + w, y - gap - tall, y - gap),
                 "right": (x + gap, x + gap + 2 * w, y - tall / 2, y + tall / 2),
                 "left": (x - gap - 2 * w, x - gap, y - tall / 2, y + tall / 2)}
        usable = {"above": True, "below": True, "right": x + gap + 2 * w <= room_right,
                  "left": x - gap - 2 * w >= room_left}
        free = [side for side, box in boxes.items()
                if usable[side] and not any(_segment_meets(a, b, box) for a, b in lines)]
        sides[i] = free[0] if free else "above"
    return sides


def _segment_meets(a: tuple[float, float], b: tuple[float, float], box: tuple[float, float, float, float]) -> bool:
    """Return whether the segment from `a` to `b` meets the box (left, right, bottom, top): Liang-Barsky."""
    left, right, bottom, top = box
    start, end = 0.0, 1.0
    dx, dy = b[0] - a[0], b[1] - a[1]
    for p, q in ((-dx, a[0] - left), (dx, right - a[0]), (-dy, a[1] - bottom), (dy, top - a[1])):
        if p == 0:
            if q < 0:
                return False
            continue
        r = q / p
        if p < 0:
            start = max(start, r)
        else:
            end = min(end, r)
        if start > end:
            return False
    return True


def _plot_layout(chart, area: tuple[float, float, float, float] = PLOT_AREA) -> None:
    """Fix the inner plot area at `area` of the chart's frame, so that label positions can be computed."""
    plot_area = chart._chartSpace.chart.plotArea
    layout = plot_area.find(qn("c:layout"))
    if layout is None:
        layout = etree.Element(qn("c:layout"))
        plot_area.insert(0, layout)
    for child in list(layout):
        layout.remove(child)
    manual = etree.SubElement(layout, qn("c:manualLayout"))
    etree.SubElement(manual, qn("c:layoutTarget"), val="inner")
    etree.SubElement(manual, qn("c:xMode"), val="edge")
    etree.SubElement(manual, qn("c:yMode"), val="edge")
    for name, value in zip(("c:x", "c:y", "c:w", "c:h"), area):
        etree.SubElement(manual, qn(name), val=str(value))


def _style(chart) -> None:
    """Give a chart the deck's font and sizes."""
    chart.font.name = FAMILY
    chart.font.size = Pt(12)


def _move_to_line(chart, colour: str) -> None:
    """Move the chart's last series from the bar chart into a dashed line chart on the same axes."""
    plot_area = chart._chartSpace.chart.plotArea
    bar_chart = plot_area.find(qn("c:barChart"))
    series = bar_chart.findall(qn("c:ser"))[-1]
    bar_chart.remove(series)
    for tag in ("c:invertIfNegative", "c:shape", "c:dLbls"):
        for element in series.findall(qn(tag)):
            series.remove(element)
    sp_pr = etree.SubElement(series, qn("c:spPr"))
    line = etree.SubElement(sp_pr, qn("a:ln"), w="22225")
    fill = etree.SubElement(line, qn("a:solidFill"))
    etree.SubElement(fill, qn("a:srgbClr"), val=colour.lstrip("#"))
    etree.SubElement(line, qn("a:prstDash"), val="dash")
    marker = etree.SubElement(series, qn("c:marker"))
    etree.SubElement(marker, qn("c:symbol"), val="none")
    # schema order inside c:ser for a line chart: idx, order, tx, spPr, marker, ..., cat, val, smooth
    tx = series.find(qn("c:tx"))
    tx.addnext(sp_pr)
    sp_pr.addnext(marker)
    etree.SubElement(series, qn("c:smooth"), val="0")
    line_chart = etree.Element(qn("c:lineChart"))
    etree.SubElement(line_chart, qn("c:grouping"), val="standard")
    etree.SubElement(line_chart, qn("c:varyColors"), val="0")
    line_chart.append(series)
    etree.SubElement(line_chart, qn("c:marker"), val="1")
    for ax_id in bar_chart.findall(qn("c:axId")):
        line_chart.append(copy.deepcopy(ax_id))
    bar_chart.addnext(line_chart)


def ranked_bars(slide, box: tuple[int, int, int, int], categories: list[str], values: list[float],
                reference: tuple[str, float], name: str, palette: dict, fmt):
    """Add horizontal bars of shares, long labels (persona names) on the left, the first on top, and a last bar
    in another colour for the reference (all clients); return the chart. Labels are text written by `fmt`."""
    label, value = reference
    data = _chart_data([*categories, label], {name: [*values, value]}, PERCENT)
    x, y, cx, cy = box
    chart = slide.shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, x, y, cx, cy, data).chart
    _style(chart)
    plot = chart.plots[0]
    plot.gap_width = 50
    bars = plot.series[0]
    bars.format.fill.solid()
    bars.format.fill.fore_color.rgb = _rgb(palette["accent"])
    last = bars.points[len(categories)]
    last.format.fill.solid()
    last.format.fill.fore_color.rgb = _rgb(palette["primary"])
    for index, share in enumerate([*values, value]):
        # text, not a number format: the viewer's separators would show 63.7% in a French deck
        label = bars.points[index].data_label
        label.text_frame.text = clean_text(fmt.percent(share))
        label.text_frame.paragraphs[0].runs[0].font.size = Pt(12)
        label.position = XL_LABEL_POSITION.OUTSIDE_END
    chart.category_axis.reverse_order = True  # bars read top-down in the order given
    chart.category_axis.tick_labels.font.size = Pt(12)
    axis = chart.value_axis
    axis.visible = False
    axis.has_major_gridlines = False
    axis.maximum_scale = min(1.0, max([*values, value]) * 1.15 + 0.02)
    axis.minimum_scale = 0
    chart.has_legend = False
    chart.has_title = False  # the slide's title says what the bars are
    return chart
