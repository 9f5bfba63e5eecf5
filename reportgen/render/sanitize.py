"""Make data strings safe for slides, XML and PDFs: no control characters, non-characters or lone surrogates."""

from __future__ import annotations

import re

# C0/C1 controls except tab and newline; U+FFFE/U+FFFF; lone surrogates. python-pptx writes controls as
# visible "_x0007_", raises ValueError on U+FFFE/U+FFFF and UnicodeEncodeError on surrogates.
_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
_SPACES = re.compile(r"[ \t\r\n]+")


def clean_text(value, max_length: int = 500) -> str:
    """Return `value` as text with unsafe characters removed, runs of white space folded, and length capped."""
    text = _UNSAFE.sub("", str(value))
    text = _SPACES.sub(" ", text).strip()
    if len(text) > max_length:
        text = text[: max_length - 1].rstrip() + "…"
    return text
