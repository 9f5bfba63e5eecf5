"""Native, editable PowerPoint XY charts: the cumulative-gains curve and the calibration curve of the churn model,
each against the line a model without skill (or with perfect calibration) would draw."""

from __future__ import annotations


from pptx.chart.data import XyChartData
from pptx.chart.xlsx import XyWorkbookWriter
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION, XL_MARKER_STYLE
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.util import Pt, lazyproperty

from reportgen.render.fonts import FAMILY
from reportgen.render.pptx_charts import TextWorksheet, _rgb
from reportgen.render.sanitize import clean_text


class _TextXyWorkbookWriter(TextWorksheet, XyWorkbookWriter):
    """python-pptx's XY chart workbook writer, writing every string as a string (never a formula)."""


class TextXyChartData(XyChartData):
    """XY chart data whose embedded workbook stores series names as text."""

    @lazyproperty
    def _workbook_writer(self):
        """Return the writer of this chart's embedded workbook."""
        return _TextXyWorkbookWriter(self)


def xy_chart(slide, box: tuple[int, int, int, int], series: list[tuple[str, list[tuple[float, float]], bool]],
             axis_titles: tuple[str, str], palette: dict, markers: bool = False, percent_format: str = "0%"):
    """Add an XY chart of lines, percent on both axes from 0 to 100 %; return the chart.

    `series`: (name, points, reference) each; a reference line is dashed and grey, the others in the
    palette's colours, with markers when `markers`. `percent_format`: the Excel format of whole percentages
    written as the deck's language writes them (pptx_charts.percent_axis_format: '0" "%' in French).
    """
    data = TextXyChartData(number_format=percent_format)
    for name, points, _reference in series:
        line = data.add_series(clean_text(name), number_format=percent_format)
        for x, y in points:
            line.add_data_point(x, y)
    x, y, cx, cy = box
    kind = XL_CHART_TYPE.XY_SCATTER_LINES if markers else XL_CHART_TYPE.XY_SCATTER_LINES_NO_MARKERS
    chart = slide.shapes.add_chart(kind, x, y, cx, cy, data).chart
    chart.font.name = FAMILY
    chart.font.size = Pt(12)
    colour = 0
    for plotted, (_name, _points, reference) in zip(chart.plots[0].series, series):
        plotted.smooth = False
        line = plotted.format.line
        line.width = Pt(1.5 if reference else 2.5)
        if reference:
            line.color.rgb = _rgb(palette["muted"])
            line.dash_style = MSO_LINE_DASH_STYLE.DASH
            plotted.marker.style = XL_MARKER_STYLE.NONE
        else:
            rgb = _rgb(palette["series"][colour % len(palette["series"])])
            colour += 1
            line.color.rgb = rgb
            if markers:
                plotted.marker.style = XL_MARKER_STYLE.CIRCLE
                plotted.marker.size = 7
                plotted.marker.format.fill.solid()
                plotted.marker.format.fill.fore_color.rgb = rgb
                plotted.marker.format.line.color.rgb = rgb
    for axis, title in ((chart.category_axis, axis_titles[0]), (chart.value_axis, axis_titles[1])):
        axis.minimum_scale, axis.maximum_scale = 0, 1
        axis.major_unit = 0.2
        axis.tick_labels.number_format = percent_format
        axis.tick_labels.number_format_is_linked = False
        axis.has_major_gridlines = True
        axis.major_gridlines.format.line.color.rgb = _rgb("#E3E7EB")
        axis.has_title = True
        axis.axis_title.text_frame.text = clean_text(title)
        axis.axis_title.text_frame.paragraphs[0].runs[0].font.size = Pt(11)
        axis.axis_title.text_frame.paragraphs[0].runs[0].font.bold = False
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    chart.legend.font.size = Pt(11)
    return chart
