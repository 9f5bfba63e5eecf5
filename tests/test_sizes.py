"""The same element has the same text size on sibling slides (titles, segment columns, lists and their
continuations, key-figure cards), read back from the rendered decks."""

from __future__ import annotations

import pytest
from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER

LANGS = ("fr", "ru", "en")
TITLES = (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE)


def largest_size(shape) -> float | None:
    """Return the largest run size in points of a shape's text, or None when it sets none."""
    sizes = [r.font.size.pt for p in shape.text_frame.paragraphs for r in p.runs if r.font.size and r.text.strip()]
    return max(sizes) if sizes else None


@pytest.mark.parametrize("lang", LANGS)
def test_titles_under_the_title_bar_share_one_size(sample_build, lang):
    sizes = {}
    for number, slide in enumerate(Presentation(str(sample_build / f"deck_{lang}.pptx")).slides, start=1):
        if slide.slide_layout.name in ("Title Slide", "Section Header"):
            continue
        title = next(ph for ph in slide.placeholders if ph.placeholder_format.type in TITLES)
        sizes[number] = largest_size(title)
    assert len(sizes) > 10 and len(set(sizes.values())) == 1, sizes


@pytest.mark.parametrize("lang", LANGS)
def test_both_columns_of_the_segment_slides_keep_one_size_each(sample_build, lang):
    """Every two-column slide is a segment's: its left column (profile) and right column (actions) are the same
    elements from one segment to the next."""
    columns: dict[int, set] = {}
    for slide in Presentation(str(sample_build / f"deck_{lang}.pptx")).slides:
        if slide.slide_layout.name != "Two Content":
            continue
        bodies = sorted((ph for ph in slide.placeholders if ph.placeholder_format.type not in TITLES),
                        key=lambda ph: ph.left)
        for column, body in enumerate(bodies):
            columns.setdefault(column, set()).add(largest_size(body))
    assert len(columns) == 2 and all(len(sizes) == 1 for sizes in columns.values()), columns


@pytest.mark.parametrize("lang", LANGS)
def test_every_group_of_sibling_elements_shares_one_size(sample_build, lang):
    """The renderer names the shapes that are one element on several slides ('rg:…'); each keeps one size."""
    groups: dict[str, set] = {}
    for slide in Presentation(str(sample_build / f"deck_{lang}.pptx")).slides:
        for shape in slide.shapes:
            if shape.name.startswith("rg:") and shape.has_text_frame and largest_size(shape):
                groups.setdefault(shape.name, set()).add(largest_size(shape))
    assert {"rg:title", "rg:segment.left", "rg:segment.right", "rg:key figure"} <= set(groups)
    assert all(len(sizes) == 1 for sizes in groups.values()), {k: v for k, v in groups.items() if len(v) > 1}
