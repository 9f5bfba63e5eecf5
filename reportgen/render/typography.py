"""Typography a native editor expects in headings: in Russian, no one-letter word left at the end of a line.

A Russian title that breaks after «в», «с», «и» or «к» reads as a typesetting fault (a hanging preposition);
a no-break space ties each such word to the word after it. Only headings are bound (deck titles, the PDF's
h1-h3): the data (segment names in client lists, cells of the workbooks) keeps its plain spaces.
"""

from __future__ import annotations

import re

NBSP = "\u00a0"
# One-letter prepositions, conjunctions and the pronoun «я», by language; a letter inside a word or after a
# hyphen is not one, and a space ending a text counts (in a PDF heading the next word may follow a tag)
_SHORT_WORDS = {"ru": re.compile(r"(?<![\w\-])([ВКСОУИАЯвксоуиая])[ \t]+(?=\S|\Z)")}
_HEADING = re.compile(r"(<h[1-3](?:\s[^>]*)?>)(.*?)(</h[1-3]>)", re.S | re.I)
_TAG = re.compile(r"(<[^>]*>)")


def bind_short_words(text: str, lang: str) -> str:
    """Return `text` with each one-letter word of `lang` joined to the next word by a no-break space."""
    pattern = _SHORT_WORDS.get(lang)
    return pattern.sub(r"\1" + NBSP, text) if pattern else text


def bind_headings(html: str, lang: str) -> str:
    """Return HTML whose h1-h3 texts (not their tags or attributes) have bind_short_words applied."""
    if lang not in _SHORT_WORDS:
        return html

    def heading(match: re.Match) -> str:
        parts = _TAG.split(match.group(2))
        inner = "".join(p if p.startswith("<") else bind_short_words(p, lang) for p in parts)
        return match.group(1) + inner + match.group(3)

    return _HEADING.sub(heading, html)
