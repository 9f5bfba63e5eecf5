"""Native, editable PowerPoint charts: churn bars with the average drawn as a reference line."""

from __future__ import annotations

import copy
from contextlib import contextmanager

from lxml import etree
from pptx.chart.data import CategoryChartData
from pptx.chart.xlsx import CategoryWorkbookWriter
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
from pptx.oxml.ns import qn
from pptx.util import Pt, lazyproperty
from xlsxwriter import Workbook

from reportgen.render.fonts import FAMILY
from reportgen.render.sanitize import clean_text

PERCENT = "0.0%"
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
                        reference: float, names: tuple[str, str], highlight: list[bool], palette: dict):
    """Add a column chart of shares with a dashed reference line (the average); return the chart.

    The reference is a second series of the chart's own data (so editing the data in PowerPoint keeps it)
    moved into a line chart that shares the bar chart's axes.
    """
    data = _chart_data(categories, {names[0]: values, names[1]: [reference] * len(values)}, PERCENT)
    x, y, cx, cy = box
    chart = slide.shapes.add_chart(XL_CHART_TYPE.COLUMN_CLUSTERED, x, y, cx, cy, data).chart
    _style(chart)
    bar_plot = chart.plots[0]
    bar_plot.gap_width = 60
    bars = bar_plot.series[0]
    bars.format.fill.solid()
    bars.format.fill.fore_color.rgb = _rgb(palette["primary"])
    for index, hot in enumerate(highlight):
        if hot:
            point = bars.points[index]
            point.format.fill.solid()
            point.format.fill.fore_color.rgb = _rgb(palette["accent"])
    bar_plot.has_data_labels = True
    labels = bar_plot.data_labels
    labels.number_format = PERCENT
    labels.number_format_is_linked = False
    labels.position = XL_LABEL_POSITION.OUTSIDE_END
    labels.font.size = Pt(11)
    _move_to_line(chart, palette["text"])
    axis = chart.value_axis
    axis.tick_labels.number_format = "0%"
    axis.tick_labels.number_format_is_linked = False
    axis.has_major_gridlines = True
    axis.major_gridlines.format.line.color.rgb = _rgb("#E3E7EB")
    axis.maximum_scale = min(1.0, max(values + [reference]) * 1.2 + 0.02)
    axis.minimum_scale = 0
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    return chart


def line_chart(slide, box: tuple[int, int, int, int], categories: list[str], series: dict[str, list[float]],
               number_format: str, palette: dict):
    """Add a line chart with markers; return the chart."""
    data = _chart_data(categories, series, number_format)
    x, y, cx, cy = box
    chart = slide.shapes.add_chart(XL_CHART_TYPE.LINE_MARKERS, x, y, cx, cy, data).chart
    _style(chart)
    for index, ser in enumerate(chart.plots[0].series):
        colour = _rgb(palette["series"][index % len(palette["series"])])
        ser.format.line.color.rgb = colour
        ser.marker.format.fill.solid()
        ser.marker.format.fill.fore_color.rgb = colour
        ser.smooth = False
    chart.value_axis.tick_labels.number_format = number_format
    chart.value_axis.tick_labels.number_format_is_linked = False
    chart.has_legend = len(series) > 1
    return chart


def _style(chart) -> None:
    """Give a chart the deck's font and sizes."""
    chart.font.name = FAMILY
    chart.font.size = Pt(12)


def _move_to_line(chart, colour: str) -> None:
    """Move the chart's second series from the bar chart into a dashed line chart on the same axes."""
    plot_area = chart._chartSpace.chart.plotArea
    bar_chart = plot_area.find(qn("c:barChart"))
    series = bar_chart.findall(qn("c:ser"))[1]
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
