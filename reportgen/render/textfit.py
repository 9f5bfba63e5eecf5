"""Measure text with the shipped font, so that every text box and table cell is sized to what it holds."""

from __future__ import annotations

from functools import lru_cache

from PIL import ImageFont

from reportgen.render.fonts import BOLD, REGULAR, font_file

# Noto Sans: ascender 1069 + descender 293 per 1000 units; PowerPoint's single spacing uses both.
LINE_HEIGHT = 1.37
_REF_SIZE = 100  # fonts are loaded once at this pixel size and widths scaled linearly


@lru_cache(maxsize=4)
def _font(bold: bool) -> ImageFont.FreeTypeFont:
    """Return the shipped font at the reference size."""
    return ImageFont.truetype(str(font_file(BOLD if bold else REGULAR)), _REF_SIZE)


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Return the width of `text` in points at `size` points."""
    return _length(text, bold) * size / _REF_SIZE


@lru_cache(maxsize=20_000)
def _length(text: str, bold: bool) -> float:
    """Return the width of `text` at the reference size (kept: fitting a box tries one text at several sizes)."""
    return _font(bold).getlength(text)


def wrap(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """Return `text` broken into lines no wider than `width` points, as PowerPoint breaks them."""
    lines: list[str] = []
    for raw in text.split("\n"):
        line = ""
        for word in raw.split(" "):
            candidate = f"{line} {word}" if line else word
            if text_width(candidate, size, bold) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            # a word wider than the box is broken inside, as PowerPoint does
            while text_width(word, size, bold) > width and len(word) > 1:
                cut = len(word) - 1
                while cut > 1 and text_width(word[:cut], size, bold) > width:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        lines.append(line)
    return lines


def block_height(paragraphs: list[tuple[str, bool]], width: float, size: float, space_after: float) -> float:
    """Return the height in points of paragraphs (text, bold) at `size`, wrapped to `width`."""
    total = 0.0
    for text, bold in paragraphs:
        total += len(wrap(text, width, size, bold)) * size * LINE_HEIGHT + space_after
    return total


def fitting_size(paragraphs: list[tuple[str, bool]], width: float, height: float, sizes: tuple[float, ...],
                 space_ratio: float = 0.4) -> float | None:
    """Return the largest of `sizes` at which the paragraphs fit in width x height points, or None."""
    for size in sizes:
        if block_height(paragraphs, width, size, size * space_ratio) <= height:
            return size
    return None
