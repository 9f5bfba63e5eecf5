"""Slide primitives: titles, measured bullet lists, tables split across slides, figure cards, speaker notes.

Every text is measured with the shipped font before it is placed: a list too long for its box is set in a
smaller size, or split across slides; a table is cut into slides by measured row heights.
"""

from __future__ import annotations

from dataclasses import dataclass

from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.util import Emu, Pt

from reportgen.render.deck_template import title_placeholder
from reportgen.render.fonts import FAMILY
from reportgen.render.sanitize import clean_text
from reportgen.render.textfit import LINE_HEIGHT, fitting_size, text_width, wrap

EMU_PER_PT = 12700
INSET_X = Emu(91440)  # PowerPoint's default left/right inset (0.1 in)
INSET_Y = Emu(45720)  # top/bottom (0.05 in)
BULLET_INDENT = Pt(22)  # level-1 bullet indent of the template, and a margin for other templates
LEVEL_INDENT = Pt(26)
BODY_SIZES = (20, 18, 16, 14)
SMALLEST = 12
TITLE_SIZES = (28, 24, 20, 18)
TABLE_SIZE = 12
CELL_MARGIN_Y = 3.6  # points, PowerPoint's default cell margins
CELL_MARGIN_X = 7.2
MAX_TABLE_ROWS = 15
# Shapes named with this prefix and a group ('rg:segment.left') are the same element on sibling slides: once
# the deck is built, harmonise_sizes sets each group's text to the size of its most crowded member.
GROUP_PREFIX = "rg:"


@dataclass
class Item:
    """One paragraph of a list: text, indent level (0 or 1) and weight."""

    text: str
    level: int = 0
    bold: bool = False

    def __post_init__(self) -> None:
        """Clean the text now, so that it is measured exactly as it will be written."""
        self.text = clean_text(self.text)


def rgb(hex_colour: str) -> RGBColor:
    """Return an RGBColor from '#RRGGBB'."""
    return RGBColor.from_string(hex_colour.lstrip("#"))


def set_title(slide, text: str) -> None:
    """Write a slide title at the largest size that fits its placeholder."""
    ph = title_placeholder(slide)
    text = clean_text(text, 200)
    width = (ph.width - 2 * INSET_X) / EMU_PER_PT
    height = (ph.height - 2 * INSET_Y) / EMU_PER_PT
    size = fitting_size([(text, True)], width, height, TITLE_SIZES, space_ratio=0) or TITLE_SIZES[-1]
    frame = ph.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.text = ""
    run = frame.paragraphs[0].add_run()
    run.text = text
    run.font.size = Pt(size)


def mark(shape, group: str):
    """Name `shape` as a member of a size group (the same element on sibling slides); return it."""
    shape.name = GROUP_PREFIX + group
    return shape


def harmonise_sizes(prs) -> None:
    """Give every member of a size group the text size of its smallest member, scaling all its runs alike.

    Each member was sized to fit its own text; sizes only go down, so every member still fits. Members of a
    group share their structure (a list at one size; a card's figure, label and note), so the ratio of their
    largest runs is the ratio of their scales.
    """
    groups: dict[str, list] = {}
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.name.startswith(GROUP_PREFIX) and shape.has_text_frame:
                groups.setdefault(shape.name, []).append(shape.text_frame)
    for frames in groups.values():
        largest = [max((r.font.size.pt for p in f.paragraphs for r in p.runs if r.font.size), default=0)
                   for f in frames]
        target = min((size for size in largest if size), default=0)
        for frame, size in zip(frames, largest):
            if size and size > target:
                _scale_text(frame, target / size)


def _scale_text(frame, factor: float) -> None:
    """Scale every run's size and every paragraph's spacing after of a text frame by `factor`."""
    for paragraph in frame.paragraphs:
        for run in paragraph.runs:
            if run.font.size:
                run.font.size = Pt(round(run.font.size.pt * factor * 2) / 2)
        if paragraph.space_after is not None:
            paragraph.space_after = Pt(round(paragraph.space_after.pt * factor, 1))


def set_notes(slide, text: str) -> None:
    """Write the speaker notes of a slide, a paragraph for each line of `text`."""
    paragraphs = [clean_text(line, 2000) for line in str(text).split("\n")]
    slide.notes_slide.notes_text_frame.text = "\n".join(p for p in paragraphs if p)


def _inner(shape, bullets: bool) -> tuple[float, float]:
    """Return the usable (width, height) in points of a shape's text area."""
    width = (shape.width - 2 * INSET_X - (BULLET_INDENT + LEVEL_INDENT if bullets else 0)) / EMU_PER_PT
    height = (shape.height - 2 * INSET_Y) / EMU_PER_PT
    return width, height


def list_size(shape, items: list[Item], bullets: bool = True) -> float | None:
    """Return the largest body size at which `items` fit in `shape`, or None when even the smallest fails."""
    width, height = _inner(shape, bullets)
    return fitting_size([(i.text, i.bold) for i in items], width, height, (*BODY_SIZES, SMALLEST))


def fill_list(shape, items: list[Item], size: float, bullets: bool = True) -> None:
    """Write `items` into a placeholder or text box at `size` points (the caller has checked they fit)."""
    frame = shape.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.text = ""
    for index, item in enumerate(items):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.level = item.level if bullets else 0
        paragraph.space_after = Pt(size * 0.4)
        paragraph.line_spacing = 1.0
        run = paragraph.add_run()
        run.text = clean_text(item.text)
        run.font.size = Pt(size)
        run.font.bold = item.bold


def split_items(shape, items: list[Item], bullets: bool = True) -> list[list[Item]]:
    """Return `items` cut into chunks that each fit the shape at the smallest size, headings kept with text."""
    chunks, current = [], []
    width, height = _inner(shape, bullets)
    for item in items:
        trial = current + [item]
        if current and fitting_size([(i.text, i.bold) for i in trial], width, height, (SMALLEST,)) is None:
            # never leave a bold heading alone at the bottom of a slide
            carry = [current.pop()] if current and current[-1].bold else []
            chunks.append(current)
            current = carry + [item]
        else:
            current = trial
    if current:
        chunks.append(current)
    return [c for c in chunks if c]


def text_box(slide, box: tuple[int, int, int, int], paragraphs: list[tuple[str, float, bool, str | None]],
             align=PP_ALIGN.LEFT, group: str | None = None):
    """Add a text box of paragraphs (text, size, bold, colour), sizes shrunk until the text fits the box;
    return the shape. `group` names the element it is on sibling slides (see harmonise_sizes)."""
    x, y, cx, cy = box
    paragraphs = [(clean_text(t), s, b, c) for t, s, b, c in paragraphs]  # measured as written
    shape = slide.shapes.add_textbox(x, y, cx, cy)
    width, height = _inner(shape, bullets=False)
    scale = 1.0
    while scale > 0.4:
        used = sum(len(wrap(t, width, s * scale, b)) * s * scale * LINE_HEIGHT for t, s, b, _c in paragraphs)
        if used <= height:
            break
        scale -= 0.05
    frame = shape.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.vertical_anchor = MSO_ANCHOR.TOP
    for index, (text, size, bold, colour) in enumerate(paragraphs):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.alignment = align
        paragraph.line_spacing = 1.0
        run = paragraph.add_run()
        run.text = clean_text(text)
        run.font.size = Pt(round(size * scale, 1))
        run.font.bold = bold
        run.font.name = FAMILY
        if colour:
            run.font.color.rgb = rgb(colour)
    return mark(shape, group) if group else shape


def content_area(prs, slide) -> tuple[int, int, int, int]:
    """Return (x, y, cx, cy) of the free area under the title, within the slide's margins."""
    title = title_placeholder(slide)
    margin = Emu(int(prs.slide_width * 0.045))
    top = title.top + title.height + Emu(91440)
    return title.left, top, title.width, prs.slide_height - top - margin


def table_chunks(rows: list[list[str]], widths: list[int], height: int, size: float = TABLE_SIZE) -> list[list[int]]:
    """Return lists of row indexes (header excluded) that fit `height` EMU with the header repeated, as few
    slides as the rows need and the rows spread evenly over them (never one row left alone on the last)."""
    heights = [row_height(row, widths, size, bold=(i == 0)) for i, row in enumerate(rows)]
    chunks = _fill(heights, height)
    # the smallest page height that still needs no more slides: the same slides, rows balanced between them
    low, high = max(heights, default=0), height
    while high - low > EMU_PER_PT:
        middle = (low + high) // 2
        if len(_fill(heights, middle)) <= len(chunks):
            high = middle
        else:
            low = middle
    return _fill(heights, high)


def _fill(heights: list[int], height: int) -> list[list[int]]:
    """Return the rows (by index, header excluded) put on pages of `height` in order, each page filled."""
    chunks, current, used = [], [], heights[0]
    for index in range(1, len(heights)):
        if current and (used + heights[index] > height or len(current) >= MAX_TABLE_ROWS):
            chunks.append(current)
            current, used = [], heights[0]
        current.append(index)
        used += heights[index]
    if current:
        chunks.append(current)
    return chunks


def row_height(row: list[str], widths: list[int], size: float, bold: bool = False) -> int:
    """Return the height in EMU a table row needs for its tallest cell."""
    lines = max(len(wrap(clean_text(text), (w / EMU_PER_PT) - 2 * CELL_MARGIN_X, size, bold)) for text, w in zip(row, widths))
    # a fifth of a line to spare: renderers round glyph advances differently from the font's own metrics
    return int(((lines + 0.2) * size * LINE_HEIGHT + 2 * CELL_MARGIN_Y) * EMU_PER_PT) + 1


def fit_widths(rows: list[list[str]], widths: list[int], size: float = TABLE_SIZE) -> list[int]:
    """Return column widths widened so that each column's longest word fits, taken from the widest column."""
    widths = list(widths)
    for c in range(len(widths)):
        words = [w for r, row in enumerate(rows) for w in clean_text(row[c]).split(" ") if w]
        # 8 % to spare: PowerPoint and LibreOffice lay glyphs out a little wider than the font's own advances
        need = max((text_width(w, size, True) for w in words), default=0) * 1.08 + 2 * CELL_MARGIN_X + 2
        need = int(need * EMU_PER_PT)
        if need > widths[c]:
            donor = max(range(len(widths)), key=lambda i: widths[i])
            give = min(need - widths[c], widths[donor] // 3)
            if donor != c and give > 0:
                widths[donor] -= give
                widths[c] += give
    return widths


def add_table(slide, box: tuple[int, int, int, int], rows: list[list[str]], widths: list[int], palette: dict,
              size: float = TABLE_SIZE, highlight: set[int] | None = None) -> None:
    """Add a table (first row: header) with measured row heights, in the deck's palette."""
    x, y, cx, _cy = box
    heights = [row_height(row, widths, size, bold=(i == 0)) for i, row in enumerate(rows)]
    shape = slide.shapes.add_table(len(rows), len(widths), x, y, sum(widths), sum(heights))
    table = shape.table
    for index, width in enumerate(widths):
        table.columns[index].width = width
    for r, row in enumerate(rows):
        table.rows[r].height = heights[r]
        for c, text in enumerate(row):
            cell = table.cell(r, c)
            cell.margin_top = cell.margin_bottom = Pt(CELL_MARGIN_Y)
            cell.margin_left = cell.margin_right = Pt(CELL_MARGIN_X)
            frame = cell.text_frame
            frame.word_wrap = True
            frame.text = ""
            run = frame.paragraphs[0].add_run()
            run.text = clean_text(text)
            run.font.size = Pt(size)
            run.font.bold = r == 0
            if r == 0:
                cell.fill.solid()
                cell.fill.fore_color.rgb = rgb(palette["primary"])
                run.font.color.rgb = rgb("#FFFFFF")
            elif highlight and r in highlight:
                cell.fill.solid()
                cell.fill.fore_color.rgb = rgb("#FBEBDD")
                run.font.color.rgb = rgb(palette["text"])
            else:
                cell.fill.solid()
                cell.fill.fore_color.rgb = rgb("#FFFFFF" if r % 2 else "#F3F6F8")
                run.font.color.rgb = rgb(palette["text"])
