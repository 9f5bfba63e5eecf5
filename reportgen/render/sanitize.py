"""Make data strings safe for slides, XML and PDFs: no control characters, non-characters or lone surrogates."""

from __future__ import annotations

import re

# C0/C1 controls except tab and newline; U+FFFE/U+FFFF; lone surrogates. python-pptx writes controls as
# visible "_x0007_", raises ValueError on U+FFFE/U+FFFF and UnicodeEncodeError on surrogates.
# Bidirectional controls too (embeddings and overrides U+202A-U+202E, isolates U+2066-U+2069, the marks
# U+200E, U+200F, U+061C): an override left in a city name shows 'ROST' as 'TSOR' in the PDF, and none of
# the report's languages needs them.
_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff"
                     r"\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")
_SPACES = re.compile(r"[ \t\r\n]+")


def strip_unsafe(text: str) -> str:
    """Return `text` without the unsafe characters, white space (line breaks included) left as it is."""
    return _UNSAFE.sub("", text)


def clean_text(value, max_length: int = 500) -> str:
    """Return `value` as text with unsafe characters removed, runs of white space folded, and length capped."""
    text = strip_unsafe(str(value))
    text = _SPACES.sub(" ", text).strip()
    if len(text) > max_length:
        text = text[: max_length - 1].rstrip() + "…"
    return text
