"""Decks read back with python-pptx: language, structure, native charts, notes, and no text over its box."""

from __future__ import annotations

import json

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE, PP_PLACEHOLDER
from pptx.util import Inches

from reportgen.context import dumps  # the context as written: its columns are arrays
from reportgen.errors import TemplateError
from reportgen.render.deck import render_deck
from tests.conftest import LANGS, build_all  # noqa: F401  (build_all: re-exported for tests/test_pdf.py)
from tests.render_helpers import EMU_PER_PT, frame_height_pt, line_height, lines_needed, spaces, tr


# The builds themselves are the session fixtures sample_build and real_build of conftest.py, shared with
# tests/test_story.py.


def titles(deck) -> list[str]:
    """Return the slide titles, no-break spaces made plain (Russian titles tie one-letter words with them)."""
    return [spaces(s.shapes.title.text) if s.shapes.title is not None else "" for s in deck.slides]


@pytest.mark.parametrize("lang", LANGS)
def test_slide_titles_are_in_the_deck_language(sample_build, lang):
    deck = Presentation(str(sample_build / f"deck_{lang}.pptx"))
    found = titles(deck)
    for message in ("Executive summary", "Agenda", "Context and objectives", "Method in four steps",
                    "Key factors of churn", "What is at stake, and whom to keep first", "Action plan", "Next steps",
                    "Questions and thanks"):
        assert tr(lang, message) in found
    if lang != "en":
        assert "Executive summary" not in found
    assert deck.slide_width == Inches(13.333) or deck.slide_width == 12192000
    assert deck.slide_height == 6858000


@pytest.mark.parametrize("lang", LANGS)
def test_one_slide_per_segment_with_its_recommendations(sample_build, lang):
    context = json.loads((sample_build / "context.json").read_text(encoding="utf-8"))
    deck = Presentation(str(sample_build / f"deck_{lang}.pptx"))
    texts = [" ".join(sh.text_frame.text for sh in s.shapes if sh.has_text_frame) for s in deck.slides]
    rules = context["segments"]
    assert rules
    for segment in rules:
        # a persona's slide states its rule: "Rule S2 — ..."
        opening = spaces(tr(lang, "Rule {id} — {conditions}").split("{conditions}")[0].format(id=segment["id"]))
        slides = [t for t in texts if opening in spaces(t)]
        assert len(slides) == 1, (segment["id"], len(slides))
        for rec in segment["recommendations"]:
            assert context["playbook"]["rules"][rec["id"]]["title"][lang] in slides[0]


@pytest.mark.parametrize("lang", LANGS)
def test_native_charts_and_speaker_notes(sample_build, lang):
    deck = Presentation(str(sample_build / f"deck_{lang}.pptx"))
    charts = [sh for s in deck.slides for sh in s.shapes if sh.has_chart]
    assert len(charts) >= 3
    # a factor's bar chart carries the average as a second, line series on the same axes
    xmls = [sh.chart._chartSpace.xml for sh in charts]
    assert any("<c:barChart>" in xml and "<c:lineChart>" in xml for xml in xmls)
    # the story's ranked bars end with all clients, the reference every bar is read against
    ranked = [sh.chart for sh in charts if '<c:barDir val="bar"/>' in sh.chart._chartSpace.xml]
    assert len(ranked) == 1  # the personas; the drivers' chart gives way to the model's key factors
    assert all(list(c.plots[0].categories)[-1] == tr(lang, "All clients") for c in ranked)
    for slide in deck.slides:
        assert slide.has_notes_slide and slide.notes_slide.notes_text_frame.text.strip()


def _check_no_overflow(path):
    deck = Presentation(str(path))
    height_limit = deck.slide_height
    for number, slide in enumerate(deck.slides, start=1):
        for shape in slide.shapes:
            assert shape.top + shape.height <= height_limit + 1, (number, shape.name)
            assert shape.left + shape.width <= deck.slide_width + 1, (number, shape.name)
            if shape.has_text_frame and shape.text_frame.text.strip():
                is_body = shape.is_placeholder and shape.placeholder_format.type in (
                    PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT)
                needed = frame_height_pt(shape.text_frame, shape.width, indent_pt=22 if is_body else 0)
                available = shape.height / EMU_PER_PT - 7.2
                assert needed <= available * 1.02, (number, shape.text_frame.text[:60], needed, available)
            if shape.shape_type == MSO_SHAPE_TYPE.TABLE:
                table = shape.table
                for r, row in enumerate(table.rows):
                    for c, cell in enumerate(row.cells):
                        runs = [run for p in cell.text_frame.paragraphs for run in p.runs]
                        if not runs:
                            continue
                        size = runs[0].font.size.pt
                        width = table.columns[c].width / EMU_PER_PT - 14.4
                        needed = lines_needed(cell.text_frame.text, width, size, bool(runs[0].font.bold)) * \
                            line_height(size) + 7.2
                        assert needed <= row.height / EMU_PER_PT + 0.5, (number, r, c, cell.text_frame.text[:50])


@pytest.mark.parametrize("lang", LANGS)
def test_no_text_runs_over_its_box(sample_build, lang):
    _check_no_overflow(sample_build / f"deck_{lang}.pptx")


@pytest.mark.realdata
@pytest.mark.parametrize("lang", LANGS)
def test_real_data_decks(real_build, lang):
    deck = Presentation(str(real_build / f"deck_{lang}.pptx"))
    assert tr(lang, "Executive summary") in titles(deck)
    _check_no_overflow(real_build / f"deck_{lang}.pptx")
    text = " ".join(sh.text_frame.text for s in deck.slides for sh in s.shapes if sh.has_text_frame)
    if lang == "ru":
        assert "клиент" in text


# --- templates -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def context(sample_build):
    return json.loads((sample_build / "context.json").read_text(encoding="utf-8"))


def corporate_template(path, drop: str | None = None):
    """Write a 4:3 template from python-pptx's default with renamed layouts (and one dropped)."""
    prs = Presentation()
    names = {"Title Slide": "Corporate Cover", "Title and Content": "Text Page", "Section Header": "Chapter",
             "Two Content": "Side by Side", "Title Only": "Headline"}
    for layout in prs.slide_layouts:
        layout.name = names.get(layout.name, layout.name + " (unused)")
    if drop:
        layout = next(lo for lo in prs.slide_layouts if lo.name == names[drop])
        prs.slide_layouts.remove(layout)
    prs.slides.add_slide(prs.slide_layouts[0]).shapes.title.text = "An example slide to be removed"
    prs.save(str(path))
    return path


def test_user_template_with_renamed_layouts(tmp_path, context):
    template = corporate_template(tmp_path / "corporate.pptx")
    out = render_deck(context, "fr", tmp_path / "deck.pptx", template)
    deck = Presentation(str(out))
    used = {s.slide_layout.name for s in deck.slides}
    assert {"Corporate Cover", "Text Page", "Side by Side", "Headline"} <= used
    assert "An example slide to be removed" not in titles(deck)
    assert tr("fr", "Executive summary") in titles(deck)
    _check_no_overflow(out)


def test_template_lacking_layouts_is_one_clear_error(tmp_path, context):
    prs = Presentation()
    for layout in list(prs.slide_layouts):
        if layout.name not in ("Title Slide", "Blank"):
            prs.slide_layouts.remove(layout)
    path = tmp_path / "thin.pptx"
    prs.save(str(path))
    with pytest.raises(TemplateError) as error:
        render_deck(context, "en", tmp_path / "deck.pptx", path)
    assert len(error.value.problems) >= 3  # every missing layout named at once
    assert not (tmp_path / "deck.pptx").exists()


def test_potx_and_broken_templates_are_refused(tmp_path, context):
    potx = tmp_path / "brand.potx"
    potx.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(TemplateError, match="potx"):
        render_deck(context, "en", tmp_path / "deck.pptx", potx)
    broken = tmp_path / "broken.pptx"
    broken.write_bytes(b"this is no zip")
    with pytest.raises(TemplateError):
        render_deck(context, "en", tmp_path / "deck.pptx", broken)
    assert list(tmp_path.glob("deck*")) == []


def test_control_characters_in_data_never_reach_a_slide(tmp_path, context):
    dirty = json.loads(dumps(context))
    dirty["meta"]["organisation"] = "Bank\x07 of\x0b Tests\ufffe\ufffftm"
    dirty["value_labels"] = {"city": {"en": {v: f"{v}\x00\x1f" for v in ("Ярославль", "Рыбинск", "Ростов")}}}
    out = render_deck(dirty, "en", tmp_path / "deck.pptx")
    deck = Presentation(str(out))
    text = " ".join(sh.text_frame.text for s in deck.slides for sh in s.shapes if sh.has_text_frame)
    assert "Bank of Tests" in text or "Bank of Teststm" in text
    for bad in ("_x0007_", "\x07", "\ufffe", "\x00"):
        assert bad not in text


def test_long_lists_are_split_across_slides(tmp_path, context):
    crowded = json.loads(dumps(context))
    rule = crowded["segments"][0]
    crowded["segments"] = crowded["segments"][:1]
    long_text = "Offer a very long, very detailed retention action " * 12
    crowded["playbook"]["rules"]["priority_retention"]["text"]["en"] = long_text + "{churn}"
    rule["recommendations"] = [dict(rule["recommendations"][0], id="priority_retention",
                                    figures={"churn": {"value": 0.5, "format": "percent"}})] * 4
    crowded["segments"] = [rule]
    out = render_deck(crowded, "en", tmp_path / "deck.pptx")
    deck = Presentation(str(out))
    first = next(i for i, s in enumerate(deck.slides)
                 if any(sh.has_text_frame and f"Rule {rule['id']} —" in sh.text_frame.text for sh in s.shapes))
    name = titles(deck)[first].rsplit(" (", 1)[0]
    seg_titles = [t for t in titles(deck) if t.startswith(name)]
    assert len(seg_titles) >= 2 and seg_titles[0].endswith("(1/%d)" % len(seg_titles))
    _check_no_overflow(out)
