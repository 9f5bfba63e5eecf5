"""Decode the bytes of a text export: strict UTF-8 (with or without BOM), UTF-16, then cp1251 or Latin-1."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

import pandas as pd

from reportgen.errors import DataError, Location
from reportgen.i18n.ui import _

# Latin-1/1252 single-byte encodings tried after UTF-8; cp1251 is Russian Windows, cp1252 French/English.
FALLBACKS = ("cp1251", "cp1252", "latin-1")

_WORD = re.compile(r"[^\W\d_]{3,}")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN_EXT = re.compile(r"[\u00c0-\u00ff]")

# UTF-8 Cyrillic read as cp1251 ('РџРµС‚') or as Latin-1 ('Ð¯Ñ€'), then saved again: the mojibake
# a previous tool already made. Two such pairs in a row never occur in real Russian or French text.
_CP1252 = "\u20ac\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u017d\u2018\u2019\u201c\u201d" \
    "\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u017e\u0178"
_PAIR = (r"(?:[РС][\u0080-\u00bf\u0402-\u040f\u0452-\u045f\u2010-\u203a\u2116\u2122\u20ac]"
         rf"|[ÐÑ][\u0080-\u00bf{_CP1252}])")
MOJIBAKE = re.compile(rf"{_PAIR}{{2,}}|^\s*{_PAIR}\s*$|\ufffd")


@dataclass
class Decoded:
    """Text decoded from a file, and the encoding that was used."""

    text: str
    encoding: str


def decode(data: bytes, path: str, encoding: str = "auto") -> Decoded:
    """Return the text of `data`; raise DataError when the given or detected encoding does not fit."""
    if encoding and encoding != "auto":
        return _decode_as(data, path, encoding)
    if data.startswith(codecs.BOM_UTF8):
        return _decode_as(data, path, "utf-8-sig")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode text" export: UTF-16 with a BOM, tab-separated
        return _decode_as(data, path, "utf-16")
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    candidates = []
    for name in FALLBACKS:
        try:
            candidates.append((name, data.decode(name)))
        except UnicodeDecodeError:
            continue
    # latin-1 decodes any byte string, so there is always a candidate
    name, text = min(candidates, key=lambda c: (_oddity(c[1]), FALLBACKS.index(c[0])))
    return Decoded(text, name)


def _decode_as(data: bytes, path: str, encoding: str) -> Decoded:
    """Return `data` decoded strictly as `encoding`; raise DataError naming the first bad line."""
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise DataError(
            _("Unknown encoding {encoding!r}.").format(encoding=encoding),
            hint=_("Use utf-8, cp1251, latin-1 or another Python codec name, or leave --encoding out."),
            location=Location(file=path),
        )
    try:
        return Decoded(data.decode(encoding), encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise DataError(
            _("The file is not valid {encoding} text (byte {byte} cannot be decoded).").format(
                encoding=encoding, byte=exc.start
            ),
            hint=_("Give the right encoding with --encoding (e.g. cp1251), or leave it out to detect it."),
            location=Location(file=path, rows=[line]),
        )


def _oddity(text: str) -> int:
    """Return how many words look garbled in `text`: mixed Cyrillic/Latin, or mostly accented letters."""
    sample = text[:2_000_000]
    odd = 0
    for word in _WORD.findall(sample):
        if word.isascii():
            continue
        cyrillic = len(_CYRILLIC.findall(word))
        accented = len(_LATIN_EXT.findall(word))
        ascii_letters = sum(ch.isascii() for ch in word)
        if cyrillic and (ascii_letters or accented):
            odd += 1
        elif accented == len(word) or (len(word) >= 4 and accented * 2 > len(word)):
            # 'Ðîñòîâ': Russian read as Latin-1 is a run of accented letters; French words ('Été',
            # 'élève') mix in plain letters
            odd += 1
    return odd


def find_mojibake(frame: pd.DataFrame, columns: list[str]) -> tuple[str, pd.Series] | None:
    """Return (column, mask of garbled cells) for the first text column holding mojibake, else None."""
    for column in columns:
        series = frame[column]
        if not (pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series)):
            continue
        # distinct non-ASCII values only: a million ids or a few city names cost the same
        garbled = [v for v in pd.unique(series.dropna()) if isinstance(v, str) and not v.isascii()
                   and MOJIBAKE.search(v)]
        if garbled:
            return column, (series.isin(garbled) & series.notna()).astype(bool)
    return None
