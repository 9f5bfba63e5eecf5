"""Helpers for reading decks and PDFs back: translations from the catalogs, text measured independently."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from babel.messages.pofile import read_po
from PIL import ImageFont

from tests.conftest import PROJECT

FONT = PROJECT / "templates" / "fonts" / "NotoSans-Regular.ttf"
FONT_BOLD = PROJECT / "templates" / "fonts" / "NotoSans-Bold.ttf"
EMU_PER_PT = 12700


@lru_cache(maxsize=None)
def catalog(lang: str):
    """Return the .po catalog of `lang`, read with Babel."""
    path = PROJECT / "reportgen" / "i18n" / "locales" / lang / "LC_MESSAGES" / "reportgen.po"
    with path.open("rb") as fh:
        return read_po(fh, locale=lang)


def tr(lang: str, message: str) -> str:
    """Return the catalog's translation of `message` in `lang` (the message itself in English)."""
    entry = catalog(lang).get(message)
    if entry is None or not entry.string:
        raise AssertionError(f"{message!r} has no {lang} translation")
    return entry.string if isinstance(entry.string, str) else entry.string[0]


@lru_cache(maxsize=64)
def _font(size: float, bold: bool) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_BOLD if bold else FONT), int(round(size * 10)))


def lines_needed(text: str, width_pt: float, size_pt: float, bold: bool = False) -> int:
    """Return how many lines `text` takes in a box `width_pt` wide (greedy word wrap, font at 10x)."""
    font = _font(size_pt, bold)

    def fits(s: str) -> bool:
        return font.getlength(s) / 10 <= width_pt

    total = 0
    for paragraph in text.split("\n"):
        lines, line = 1, ""
        for word in paragraph.split(" "):
            trial = f"{line} {word}" if line else word
            if fits(trial):
                line = trial
                continue
            if line:
                lines += 1
            while not fits(word) and len(word) > 1:  # a word wider than the box breaks between letters
                cut = max(i for i in range(1, len(word) + 1) if fits(word[:i]) or i == 1)
                word = word[cut:]
                lines += 1
            line = word
        total += lines
    return total


def line_height(size_pt: float) -> float:
    """Return the height of one line in points from the font's own ascent and descent."""
    ascent, descent = _font(size_pt, False).getmetrics()
    return (ascent + descent) / 10


def frame_height_pt(text_frame, width_emu: int, indent_pt: float = 0) -> float:
    """Return the height in points the paragraphs of a text frame need at their run sizes."""
    width = width_emu / EMU_PER_PT - 14.4  # default insets 0.1 in each side
    total = 0.0
    for paragraph in text_frame.paragraphs:
        runs = [r for r in paragraph.runs if r.text]
        if not runs:
            continue
        size = max(r.font.size.pt for r in runs)
        bold = any(r.font.bold for r in runs)
        text = "".join(r.text for r in runs)
        extra = (paragraph.level or 0) * 26 + indent_pt  # bullet indents of the template's levels
        total += lines_needed(text, width - extra, size, bold) * line_height(size)
        total += paragraph.space_after.pt if paragraph.space_after is not None else 0
    return total


def spaces(text: str) -> str:
    """Return text with no-break spaces and hyphens made plain, as pdf_text gives them."""
    return text.replace("\u00a0", " ").replace("\u202f", " ").replace("\u2011", "-")


def pdf_text(path: Path) -> str:
    """Return the text of every page of a PDF, spaces normalised (no-break spaces become spaces)."""
    from pypdf import PdfReader

    return spaces("\n".join(page.extract_text() for page in PdfReader(str(path)).pages))


def slide_paragraphs(slide) -> list[str]:
    """Return every non-empty paragraph of a slide: text boxes, placeholders and table cells."""
    texts = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            texts += [p.text for p in shape.text_frame.paragraphs]
        if shape.has_table:
            texts += [p.text for row in shape.table.rows for cell in row.cells for p in cell.text_frame.paragraphs]
    return [t.strip() for t in texts if t.strip()]


def deck_paragraphs(path: Path) -> list[str]:
    """Return every non-empty paragraph of every slide of a deck, read back with python-pptx."""
    from pptx import Presentation

    return [t for slide in Presentation(str(path)).slides for t in slide_paragraphs(slide)]


def deck_strings(path: Path) -> list[str]:
    """Return every text a reader can meet in a deck: paragraphs, chart categories and series, speaker notes."""
    from pptx import Presentation

    texts = []
    for slide in Presentation(str(path)).slides:
        texts += slide_paragraphs(slide)
        for shape in slide.shapes:
            if shape.has_chart:
                texts += [str(c) for c in shape.chart.plots[0].categories]
                texts += [s.name for plot in shape.chart.plots for s in plot.series]
        if slide.has_notes_slide:
            texts.append(slide.notes_slide.notes_text_frame.text)
    return texts
