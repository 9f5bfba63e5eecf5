"""The rendered text of the bundled sample's decks and PDFs, kept as golden files so a restructuring that
should change nothing is seen to change nothing.

    .venv/bin/python -m tests.golden          # rewrite tests/files/golden/* (only when a change is meant)
"""

from __future__ import annotations

import sys
from pathlib import Path

from pptx import Presentation

GOLDEN = Path(__file__).resolve().parent / "files" / "golden"
LANGS = ("en", "fr", "ru")
FIXED_TIME = "2026-10-01T09:00:00+00:00"


def sample_context() -> dict:
    """Return the bundled sample's context for 2026-Q3, stamped with a fixed time."""
    from reportgen.config import Settings
    from reportgen.console import Reporter
    from reportgen.ingest import load_dataset
    from reportgen.pipeline import analyse
    from tests.conftest import SAMPLE_DATA

    settings = Settings()
    context = analyse(load_dataset(SAMPLE_DATA, settings), settings, Reporter(-1), period="2026-Q3")
    context["generated_at"] = FIXED_TIME
    return context


def deck_lines(path: Path) -> list[str]:
    """Return every text of a deck, slide by slide: shapes, tables, chart categories and notes."""
    lines = []
    for number, slide in enumerate(Presentation(str(path)).slides, start=1):
        lines.append(f"--- slide {number}")
        for shape in slide.shapes:
            if shape.has_text_frame:
                lines += [p.text for p in shape.text_frame.paragraphs if p.text.strip()]
            if shape.has_table:
                lines += [" | ".join(c.text for c in row.cells) for row in shape.table.rows]
            if shape.has_chart:
                plot = shape.chart.plots[0]
                lines.append("chart: " + " | ".join(str(c) for c in plot.categories))
        if slide.has_notes_slide:  # one line per paragraph of the talk track, as the file is read back
            lines += ("notes: " + slide.notes_slide.notes_text_frame.text).split("\n")
    return lines


def pdf_lines(path: Path) -> list[str]:
    """Return the PDF's text, line by line, with no-break spaces made plain."""
    from tests.render_helpers import pdf_text

    return [line for line in pdf_text(path).splitlines() if line.strip()]


def render_texts(context: dict, folder: Path) -> dict[str, list[str]]:
    """Render the deck and the PDF of every language into `folder`; return their texts by file name."""
    from reportgen.render.deck import render_deck
    from reportgen.render.pdf import render_pdf

    texts = {}
    for lang in LANGS:
        deck = render_deck(context, lang, folder / f"deck_{lang}.pptx")
        texts[f"deck_{lang}.txt"] = deck_lines(deck)
        pdf = render_pdf(context, lang, folder / f"summary_{lang}.pdf", folder / "charts")
        texts[f"summary_{lang}.txt"] = pdf_lines(pdf)
    return texts


def main() -> None:
    """Rewrite the golden files from the current code."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        for name, lines in render_texts(sample_context(), Path(tmp)).items():
            (GOLDEN / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
            print(GOLDEN / name)


if __name__ == "__main__":
    sys.exit(main())
