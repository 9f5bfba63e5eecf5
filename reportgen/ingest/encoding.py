"""Decode the bytes of a text export: strict UTF-8 (with or without BOM), UTF-16, then cp1251 or Latin-1."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

import pandas as pd

from reportgen.errors import DataError, Location
from reportgen.i18n.ui import _, ngettext
from reportgen.ingest.textpos import column_at, rows_of
from reportgen.ingest.values import distinct_text

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


# A byte that did not decode, kept in the text by the 'surrogateescape' handler (0x80-0xFF -> U+DC80-U+DCFF)
_ESCAPED = re.compile("[\udc80-\udcff]")
# UTF-8 text with a few bytes that are not UTF-8 is damaged UTF-8, not another encoding: in a cp1251 or
# Latin-1 file nearly every non-ASCII letter is an invalid UTF-8 sequence. This many well-formed non-ASCII
# characters per bad byte, at least, make a file damaged UTF-8.
UTF8_CHARS_PER_BAD_BYTE = 10


@dataclass
class Decoded:
    """Text decoded from a file, and the encoding that was used.

    `damaged` holds the offsets in `text` of bytes that could not be decoded (kept as U+DC80-U+DCFF);
    `detected` says whether the encoding was detected or given by the user.
    """

    text: str
    encoding: str
    damaged: list[int] = field(default_factory=list)
    detected: bool = True


def decode(data: bytes, path: str, encoding: str = "auto") -> Decoded:
    """Return the text of `data`, with any undecodable bytes marked in `damaged` (see undecodable_error);
    raise DataError for an unknown encoding name."""
    if encoding and encoding != "auto":
        return _decode_as(data, path, encoding, detected=False)
    if data.startswith(codecs.BOM_UTF8):
        return _decode_as(data, path, "utf-8-sig")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode text" export: UTF-16 with a BOM, tab-separated
        return _decode_as(data, path, "utf-16")
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    damaged = _damaged_utf8(data)
    if damaged is not None:
        return damaged
    candidates = []
    for name in FALLBACKS:
        try:
            candidates.append((name, data.decode(name)))
        except UnicodeDecodeError:
            continue
    # latin-1 decodes any byte string, so there is always a candidate
    name, text = min(candidates, key=lambda c: (_oddity(c[1]), FALLBACKS.index(c[0])))
    return Decoded(text, name)


def _damaged_utf8(data: bytes) -> Decoded | None:
    """Return `data` decoded as UTF-8 with its bad bytes marked, when it is UTF-8 with a few bad bytes; else None."""
    text = data.decode("utf-8", "surrogateescape")
    non_ascii = len(text) - len(text.encode("ascii", "ignore"))
    most = non_ascii // (UTF8_CHARS_PER_BAD_BYTE + 1)
    damaged = []
    for match in _ESCAPED.finditer(text):
        damaged.append(match.start())
        if len(damaged) > most:  # a single-byte encoding: stop counting early
            return None
    return Decoded(text, "utf-8", damaged) if damaged else None


def _decode_as(data: bytes, path: str, encoding: str, detected: bool = True) -> Decoded:
    """Return `data` decoded as `encoding`, its undecodable bytes marked; raise DataError for an unknown name."""
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise DataError(
            _("Unknown encoding {encoding!r}.").format(encoding=encoding),
            hint=_("Use utf-8, cp1251, latin-1 or another Python codec name, or leave --encoding out."),
            location=Location(file=path),
        )
    try:
        return Decoded(data.decode(encoding), encoding, detected=detected)
    except UnicodeDecodeError as exc:
        first = exc
    try:
        text = data.decode(encoding, "surrogateescape")
    except UnicodeDecodeError:  # bytes below 0x80 cannot be escaped (UTF-16): name the first bad line
        line = data.count(b"\n", 0, first.start) + 1
        raise DataError(
            _("The file is not valid {encoding} text (byte {byte} cannot be decoded).").format(
                encoding=encoding, byte=first.start
            ),
            hint=_("Give the right encoding with --encoding (e.g. cp1251), or leave it out to detect it."),
            location=Location(file=path, rows=[line]),
        )
    return Decoded(text, encoding, [m.start() for m in _ESCAPED.finditer(text)], detected)


def undecodable_error(decoded: Decoded, path: str, sep: str) -> DataError:
    """Return the error for a text with undecodable bytes: the first byte, its row, column and cell; the fix."""
    text, first = decoded.text, decoded.damaged[0]
    rows = rows_of(text, decoded.damaged)
    byte = f"0x{ord(text[first]) - 0xDC00:02X}"
    count = len(decoded.damaged)
    if decoded.detected:
        message = ngettext("The file is UTF-8 text except for {n} byte: {byte} in row {row} is not UTF-8.",
                           "The file is UTF-8 text except for {n} bytes; the first, {byte} in row {row}, is not "
                           "UTF-8.", count)
        hint = _("Those bytes were damaged on the way: export the table again as UTF-8, or correct the cells "
                 "named above. If the file is in another encoding, give it with --encoding (e.g. cp1251).")
    else:
        message = ngettext(
            "The file is not valid {encoding} text: {n} byte cannot be decoded, {byte} in row {row}.",
            "The file is not valid {encoding} text: {n} bytes cannot be decoded; the first is {byte} in row {row}.",
            count)
        hint = _("Give the right encoding with --encoding (e.g. cp1251), or leave it out to detect it.")
    return DataError(
        message.format(n=count, byte=byte, row=rows[0], encoding=decoded.encoding),
        hint=hint,
        location=Location(file=path, column=column_at(text, first, sep), rows=rows[:10], total=len(rows),
                          values=[_cell_at(text, first, sep)]),
    )


def _cell_at(text: str, position: int, sep: str) -> str:
    """Return the cell holding the character at `position`, undecodable bytes shown as U+FFFD."""
    start = text.rfind("\n", 0, position) + 1
    end = text.find("\n", position)
    line = text[start: len(text) if end < 0 else end]
    cut = position - start
    # the cell runs from the separator before the byte to the one after it (quotes are rare in a bad cell)
    left = line.rfind(sep, 0, cut) + 1
    right = line.find(sep, cut)
    cell = line[left: len(line) if right < 0 else right].strip().strip('"')
    return _ESCAPED.sub("\ufffd", cell)[:80]


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
        present = series.dropna()
        if isinstance(present.array, pd.arrays.ArrowStringArray):
            # the ASCII cells set aside in Arrow before the distinct values are hashed: ids are ASCII
            import pyarrow as pa
            import pyarrow.compute as pc

            present = present[~pc.string_is_ascii(pa.array(present.array)).to_numpy(zero_copy_only=False)]
        distinct = pd.unique(present)
        text = distinct_text(distinct)
        if text is not None:  # the ASCII ones are set aside in Arrow, not one by one in Python
            import pyarrow.compute as pc

            distinct = text.filter(pc.invert(pc.string_is_ascii(text))).to_pylist()
        garbled = [v for v in distinct if isinstance(v, str) and not v.isascii() and MOJIBAKE.search(v)]
        if garbled:
            return column, (series.isin(garbled) & series.notna()).astype(bool)
    return None
