"""Column names folded for matching, shared by role detection (ingest) and feature labels (render)."""

from __future__ import annotations

import re
import unicodedata


def normalise_name(name: str) -> str:
    """Return a column name folded for matching: lower case, Latin accents dropped, '_' between words."""
    text = unicodedata.normalize("NFKD", str(name).strip().lower())
    # drop combining marks only after Latin letters: Russian 'й' must stay 'й'
    kept = []
    for ch in text:
        if unicodedata.combining(ch) and kept and kept[-1].isascii():
            continue
        kept.append(ch)
    text = unicodedata.normalize("NFC", "".join(kept)).replace("ё", "е")
    return re.sub(r"[^0-9a-zа-я]+", "_", text).strip("_")


def name_matches(name: str, synonyms) -> bool:
    """Return True when the folded `name` is one of `synonyms`, with or without underscores."""
    folded = normalise_name(name)
    squashed = folded.replace("_", "")
    return any(folded == s or squashed == s.replace("_", "") for s in synonyms)
