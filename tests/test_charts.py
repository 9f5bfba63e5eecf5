"""Native charts read back with python-pptx: numbers in the deck's language, legend swatches in their bars'
colours, and the average line clear of every data label."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings, strategies as st
from pptx import Presentation
from pptx.enum.chart import XL_LABEL_POSITION
from pptx.oxml.ns import qn

from tests.render_helpers import EMU_PER_PT, tr

LANGS = ("fr", "ru", "en")


def bar_charts(path, average: bool = True):
    """Return (slide title, chart, frame height in points) of every bar chart with an average line in a deck (or,
    with average=False, of every bar chart)."""
    found = []
    for slide in Presentation(str(path)).slides:
        for shape in slide.shapes:
            space = shape.chart._chartSpace if shape.has_chart else None
            if space is not None and space.find(f".//{qn('c:barChart')}") is not None and (
                    not average or space.find(f".//{qn('c:lineChart')}") is not None):
                found.append((slide.shapes.title.text, shape.chart, shape.height / EMU_PER_PT))
    return found


def percent_text(lang: str, share: float) -> str:
    """Return a share as each language writes a percentage with one decimal (written out here, not by Babel)."""
    digits = f"{share * 100:.1f}"
    return {"en": f"{digits}%", "fr": digits.replace(".", ",") + "\u00a0%",
            "ru": digits.replace(".", ",") + "\u00a0%"}[lang]


def labels(chart) -> list[tuple[str, float, object, str]]:
    """Return (series name, value, label position, label text) of every labelled bar."""
    out = []
    for series in chart.plots[0].series:
        for index, value in enumerate(series.values):
            if value is None:
                continue
            label = series.points[index].data_label
            assert label.has_text_frame, (series.name, index)
            out.append((series.name, value, label.position, label.text_frame.text))
    return out


@pytest.mark.parametrize("lang", LANGS)
def test_chart_numbers_are_written_in_the_deck_language(sample_build, lang):
    for title, chart, _height in bar_charts(sample_build / f"deck_{lang}.pptx", average=False):
        for _name, value, _position, text in labels(chart):
            assert text == percent_text(lang, value), (title, text)
    charts = bar_charts(sample_build / f"deck_{lang}.pptx")
    assert len(charts) >= 4
    for title, chart, _height in charts:
        # whole percentages on the axis: no decimal or grouping separator for a viewer's locale to draw
        code = chart.value_axis.tick_labels.number_format
        assert "." not in code and "," not in code and code.endswith("%")
        assert code == ('0"\u00a0"%' if lang in ("fr", "ru") else "0%")


@pytest.mark.parametrize("lang", LANGS)
def test_each_legend_swatch_has_its_bars_colour(sample_build, lang):
    context = json.loads((sample_build / "context.json").read_text(encoding="utf-8"))
    hot_name = tr(lang, "Churn significantly above average")
    colours, matched = {}, 0
    for title, chart, _height in bar_charts(sample_build / f"deck_{lang}.pptx"):
        series = list(chart.plots[0].series)
        for one in series:
            colour = str(one.format.fill.fore_color.rgb)
            # no bar of a series is painted another colour than the series' own, which its legend swatch shows
            for point in one._element.findall(qn("c:dPt")):
                fill = point.find(f".//{qn('a:srgbClr')}")
                assert fill is None or fill.get("val") == colour, title
            colours.setdefault(one.name == hot_name, set()).add(colour)
        # the highlighted bars are exactly the churn-prone levels of the factor the chart shows
        hot = next((one for one in series if one.name == hot_name), None)
        shown = [next((v for v in values if v is not None), None) for values in zip(*(s.values for s in series))]
        for factor in context["churn_by_factor"]:
            rates = [level["churn_rate"] or 0.0 for level in factor["levels"]]
            if len(rates) == len(shown) and all(abs(a - b) < 1e-9 for a, b in zip(rates, shown)):
                assert [v is not None for v in (hot.values if hot else [None] * len(rates))] == \
                    [level["churn_prone"] for level in factor["levels"]], title
                matched += 1
    assert matched >= 3
    assert len(colours[True]) == 1 and len(colours[False]) == 1 and colours[True] != colours[False]


@pytest.mark.parametrize("lang", LANGS)
def test_the_average_line_never_strikes_through_a_label(sample_build, lang):
    context = json.loads((sample_build / "context.json").read_text(encoding="utf-8"))
    average = context["overview"]["churn_rate"]
    moved = 0
    for title, chart, height in bar_charts(sample_build / f"deck_{lang}.pptx"):
        layout = chart._chartSpace.find(f".//{qn('c:plotArea')}/{qn('c:layout')}/{qn('c:manualLayout')}")
        assert layout.find(qn("c:layoutTarget")).get("val") == "inner"
        plot_height = float(layout.find(qn("c:h")).get("val")) * height
        per_point = chart.value_axis.maximum_scale / plot_height  # value units per point of height
        line = average / per_point
        for _name, value, position, _text in labels(chart):
            top = value / per_point
            # a label is one line of 11 pt text (13 to 17 pt with its margins) 2 to 4 pt from the bar's end
            if position == XL_LABEL_POSITION.OUTSIDE_END:
                band = (top + 2, top + 4 + 17)
            elif position == XL_LABEL_POSITION.INSIDE_END:
                band = (top - 4 - 17, top - 2)
                moved += 1
            else:
                assert position == XL_LABEL_POSITION.INSIDE_BASE, (title, position)
                band = (2, 4 + 17)
                moved += 1
            assert not band[0] - 1 <= line <= band[1] + 1, (title, value, position)
    assert moved, "the sample has bars whose top is near the average: some label must have moved"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.floats(0, 1e7)), min_size=1, max_size=60), st.floats(150, 900),
       st.sampled_from(["{:,.1f} k RUB", "{:.0f}", "{:,.2f} тыс. ₽"]))
def test_labelled_points_of_a_line_never_touch_and_keep_its_ends_and_extremes(values, width, pattern):
    from reportgen.render.pptx_charts import LABEL_SIZE, labelled_points
    from reportgen.render.textfit import text_width

    labels = [pattern.format(v / 1000) if v is not None else "" for v in values]
    chosen = labelled_points(values, labels, width)
    known = [i for i, v in enumerate(values) if v is not None]
    assert set(chosen) <= set(known)
    if not known:
        return
    spacing = width / len(values)  # the plot's width, a slot per point
    widths = [text_width(labels[i], LABEL_SIZE - 1) for i in chosen]
    if len(chosen) < len(known):  # thinned: neighbours' labels (centred on their points) do not meet
        for (a, wa), (b, wb) in zip(zip(chosen, widths), zip(chosen[1:], widths[1:])):
            assert (b - a) * spacing >= (wa + wb) / 2, (a, b)
    else:  # all written: they fit side by side
        assert all((b - a) * spacing >= (wa + wb) / 2 for (a, wa), (b, wb) in
                   zip(zip(chosen, widths), zip(chosen[1:], widths[1:])))
    # the highest point always labelled, the lowest unless its label would touch the highest's
    widest = max(text_width(labels[i], LABEL_SIZE - 1) for i in known)
    high = max(known, key=lambda i: values[i])
    low = min(known, key=lambda i: values[i])
    assert high in chosen
    if abs(high - low) * spacing >= widest + 6:
        assert low in chosen


@settings(max_examples=300, deadline=None)
@given(st.tuples(st.floats(-50, 50), st.floats(-50, 50)), st.tuples(st.floats(-50, 50), st.floats(-50, 50)),
       st.tuples(st.floats(-40, 40), st.floats(1, 30), st.floats(-40, 40), st.floats(1, 30)))
def test_a_segment_meets_a_box_where_points_of_it_lie_inside(a, b, box):
    from reportgen.render.pptx_charts import _segment_meets

    left, w, bottom, h = box
    rect = (left, left + w, bottom, bottom + h)
    points = [(a[0] + (b[0] - a[0]) * t / 2000, a[1] + (b[1] - a[1]) * t / 2000) for t in range(2001)]
    inside = any(rect[0] <= x <= rect[1] and rect[2] <= y <= rect[3] for x, y in points)
    if inside:  # a point of the segment inside: it meets the box
        assert _segment_meets(a, b, rect)
    grown = (rect[0] - 0.1, rect[1] + 0.1, rect[2] - 0.1, rect[3] + 0.1)
    if _segment_meets(a, b, rect):  # and when it meets the box, points of it lie in the box grown a little
        assert any(grown[0] <= x <= grown[1] and grown[2] <= y <= grown[3] for x, y in points)


def test_line_labels_go_where_the_line_leaves_them_clear():
    from reportgen.render.pptx_charts import label_sides

    labels = ["0,350"] * 5
    # a peak is labelled above; a point at the bottom of a steep valley below, not on the line
    sides = label_sides([0.2, 0.9, 0.2, 0.9, 0.2], [0, 1, 2, 3, 4], labels, 400.0, 200.0, 0.0, 1.0)
    assert sides[1] == sides[3] == "above" and sides[2] == "below"
    # a steep climb through a point: its label goes to the free side, not across the line
    sides = label_sides([0.0, 0.5, 1.0], [0, 1, 2], ["0,5"] * 3, 600.0, 2000.0, 0.0, 1.0)
    assert sides[1] in ("right", "left") and sides[2] == "above"
