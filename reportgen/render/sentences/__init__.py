"""The sentences of each report section, as mixins of Wording; shared labels and formatting stay in Wording."""

from __future__ import annotations

import re

# a word written with a capital only because it starts a sentence: one capital, then lower-case letters
_SENTENCE_CAPITAL = re.compile(r"^[^\W\d_][^\W\d_A-ZÀ-ÞА-ЯЁ]*(?=\W|$)")


def capitalised(text: str) -> str:
    """Return `text` with its first letter in upper case (the rest untouched), for a text that stands alone."""
    return text[:1].upper() + text[1:]


def single_stop(sentence: str) -> str:
    """Return a sentence whose closing full stop follows an abbreviation's ('3-й квартал 2026 г..') with one
    stop, as Russian writes it; an ellipsis stays."""
    return sentence[:-1] if sentence.endswith("..") and not sentence.endswith("...") else sentence


def inline(sentence: str) -> str:
    """Return a sentence that follows a colon inside another one, its first word in lower case.

    French and Russian write no capital after a colon inside a sentence; a word written with capitals of its
    own (KMeans, PDF, T3) keeps them.
    """
    first = _SENTENCE_CAPITAL.match(sentence)
    if first is None or not first.group(0)[:1].isupper():
        return sentence
    return sentence[:1].lower() + sentence[1:]
