"""The decks as LibreOffice draws them: no text leaves its box.

The three decks of the bundled sample are converted to PDF by LibreOffice (`soffice --headless`), with the
shipped fonts made visible to it through fontconfig, as on a machine where Noto Sans is installed. Every
line of text in the PDF (pypdf gives each one's position, font and size) must lie inside the box of the
shape, or the table cell, whose text it is; its width is measured with the same font. A deck with a text box
too small for its text is converted alongside, and must be caught: the check can fail.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import ImageFont
from pptx import Presentation
from pptx.util import Inches, Pt
from pypdf import PdfReader

from tests.conftest import PROJECT
from tests.render_helpers import EMU_PER_PT, FONT, FONT_BOLD

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice (soffice) is not installed: the decks cannot be drawn here. Install it "
    "with `sudo apt-get install --no-install-recommends libreoffice-impress` (CI does: .ci/run)")
LANGS = ("fr", "ru", "en")
TOLERANCE = 2.0  # points: glyph outlines and rounding differ a little between LibreOffice and our metrics
BULLETS = {"•", "–", "-", "—"}
FONTS = {False: ImageFont.truetype(str(FONT), 100), True: ImageFont.truetype(str(FONT_BOLD), 100)}


def plain(text: str) -> str:
    """Return text with every run of spaces (no-break ones too) made one space."""
    return re.sub(r"[\s\u00a0\u202f]+", " ", text).strip()


def rectangle(shape) -> tuple[float, float, float, float]:
    """Return a shape's (left, top, right, bottom) in points."""
    return (shape.left / EMU_PER_PT, shape.top / EMU_PER_PT, (shape.left + shape.width) / EMU_PER_PT,
            (shape.top + shape.height) / EMU_PER_PT)


def text_boxes(slide) -> list[tuple[str, tuple[float, float, float, float], str]]:
    """Return (text, box, name) of every text frame and table cell of a slide, boxes as the deck declares them."""
    boxes = []
    for shape in slide.shapes:
        if shape.has_text_frame and shape.text_frame.text.strip():
            boxes.append((plain(shape.text_frame.text), rectangle(shape), shape.name))
        if shape.has_table:
            top = shape.top
            for r, row in enumerate(shape.table.rows):
                left = shape.left
                for c, cell in enumerate(row.cells):
                    width = shape.table.columns[c].width
                    # a cell holding only a dash ('—': not computed) has no word to find or overflow; pypdf
                    # hands LibreOffice's lone dash back merged with its neighbours' text
                    if any(ch.isalnum() for ch in cell.text_frame.text):
                        box = (left / EMU_PER_PT, top / EMU_PER_PT, (left + width) / EMU_PER_PT,
                               (top + row.height) / EMU_PER_PT)
                        boxes.append((plain(cell.text_frame.text), box, f"{shape.name} row {r} column {c}"))
                    left += width
                top += row.height
    return boxes


def text_lines(page, height: float) -> list[tuple[str, tuple[float, float, float, float]]]:
    """Return every piece of text drawn on a PDF page with its box (left, top, right, bottom) in points from
    the top left: from its baseline, its size, and its width in the shipped font (Noto Sans: ascent 1.069,
    descent 0.293 of the size)."""
    found = []

    def visit(text, cm, tm, font, size):
        if not text.strip():
            return
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        size = size * abs(tm[3] or 1) * abs(cm[3] or 1)
        bold = "Bold" in str((font or {}).get("/BaseFont", ""))
        width = FONTS[bold].getlength(text.strip()) * size / 100
        found.append((plain(text), (x, height - y - 1.069 * size, x + width, height - y + 0.293 * size)))

    page.extract_text(visitor_text=visit)
    return found


def inside(box, outer) -> bool:
    """Return True when `box` lies within `outer`, give or take TOLERANCE."""
    return (box[0] >= outer[0] - TOLERANCE and box[1] >= outer[1] - TOLERANCE and box[2] <= outer[2] + TOLERANCE
            and box[3] <= outer[3] + TOLERANCE)


def escapes(deck: Path, pdf: Path) -> tuple[list, int]:
    """Return the text lines of a converted deck that leave their shape's box, and how many shapes were found."""
    prs, reader = Presentation(str(deck)), PdfReader(str(pdf))
    assert len(reader.pages) == len(prs.slides), "LibreOffice drew another number of slides"
    height = prs.slide_height / EMU_PER_PT
    problems, found_shapes = [], 0
    for number, (slide, page) in enumerate(zip(prs.slides, reader.pages), start=1):
        boxes = text_boxes(slide)
        charts = [rectangle(s) for s in slide.shapes if s.has_chart]
        found = set()
        for text, box in text_lines(page, height):
            if text in BULLETS or any(inside(box, chart) for chart in charts):
                continue  # a list's bullet, or a chart's own labels (drawn by the chart, not a text frame)
            owners = [i for i, (whole, _box, _name) in enumerate(boxes) if text in whole]
            if not owners:
                continue
            holding = [i for i in owners if inside(box, boxes[i][1])]
            found.update(holding)
            if not holding:
                problems.append((number, boxes[owners[0]][2], text[:60], [round(v) for v in box],
                                 [round(v) for v in boxes[owners[0]][1]]))
        found_shapes += len(found)
        unseen = [boxes[i][2] for i in range(len(boxes)) if i not in found]
        assert not unseen, (deck.name, number, "text not found where LibreOffice drew the slide", unseen)
    return problems, found_shapes


def overflowing_deck(path: Path) -> Path:
    """Write a one-slide deck whose text box is far too small for its text: the check must catch it."""
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    box = slide.shapes.add_textbox(Inches(1), Inches(1), Inches(3), Inches(0.6))
    box.text_frame.word_wrap = True
    box.text_frame.text = "Ce texte est bien trop long pour tenir dans une si petite boîte. " * 6
    for paragraph in box.text_frame.paragraphs:
        for run in paragraph.runs:
            run.font.size = Pt(18)
            run.font.name = "Noto Sans"
    prs.save(str(path))
    return path


@pytest.fixture(scope="module")
def drawn(sample_build, tmp_path_factory):
    """Return the folder of the decks (and the overflowing control) converted to PDF by LibreOffice."""
    folder = tmp_path_factory.mktemp("libreoffice")
    decks = [sample_build / f"deck_{lang}.pptx" for lang in LANGS] + [overflowing_deck(folder / "overflow.pptx")]
    # the shipped fonts, as if installed; a profile of its own, so that no other LibreOffice is disturbed
    config = folder / "fonts.conf"
    config.write_text(f"""<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><include ignore_missing="yes">/etc/fonts/fonts.conf</include>
<dir>{PROJECT / "templates" / "fonts"}</dir><cachedir>{folder / "fontcache"}</cachedir></fontconfig>
""", encoding="utf-8")
    env = {**os.environ, "FONTCONFIG_FILE": str(config), "HOME": str(folder)}
    done = subprocess.run([SOFFICE, f"-env:UserInstallation=file://{folder / 'profile'}", "--headless",
                           "--convert-to", "pdf", "--outdir", str(folder), *map(str, decks)],
                          capture_output=True, text=True, timeout=180, env=env)
    assert done.returncode == 0, done.stderr
    for deck in decks:
        assert (folder / (deck.stem + ".pdf")).is_file(), (deck.name, done.stdout, done.stderr)
    return folder


@pytest.mark.parametrize("lang", LANGS)
def test_no_text_leaves_its_box_when_libreoffice_draws_the_deck(sample_build, drawn, lang):
    problems, found = escapes(sample_build / f"deck_{lang}.pptx", drawn / f"deck_{lang}.pdf")
    assert found > 100
    assert not problems, problems[:10]


def test_the_check_catches_text_that_runs_out_of_its_box(drawn):
    problems, _found = escapes(drawn / "overflow.pptx", drawn / "overflow.pdf")
    assert problems and all(p[2] for p in problems)
