"""Read a column of numbers written as text, deciding its decimal mark only from the cells that prove it.

A cell such as '1.234' or '12,345' reads two ways (a decimal, or a thousands group) and proves nothing;
'12,5', '1 234,50', '1.234.567' and '1.234,56' can only hold a decimal comma; '1889.50', '1,234,567' and
'1,234.56' only a decimal point. A column takes the mark its cells prove (the point when none does) and
stops the load when some cells prove one mark and others the other. Blank cells and missing markers are
missing values: never evidence, and never a reason to read another cell differently.

The file's separator is deliberately not evidence: a ','-separated file may hold decimal commas in quoted
cells (French Google Sheets exports them so) and ';' is written by point-decimal tools too (pandas, R),
so it can only ever agree with the point the column falls back to anyway.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from reportgen.ingest.values import MISSING_TOKENS, ParsedColumn

# Characters that group thousands, by the name reports use for them. A point or a comma groups only
# when the other one is the decimal mark.
GROUPING_NAMES = {
    " ": "space", "\u00a0": "nbsp", "\u202f": "narrow_nbsp", "\u2009": "thin_space",
    "'": "apostrophe", "\u2019": "apostrophe", ".": "point", ",": "comma",
}
_SPACES = " \u00a0\u202f\u2009'\u2019"
_ARROW_FROM = 1_000  # text cells from which a column is parsed as Arrow strings (measured crossover)
_OTHER = {".": ",", ",": "."}


def _grammar(decimal: str) -> str:
    """Return the pattern of a number written with `decimal` as its mark: groups of exactly three digits
    after a head of one to three (no leading zero), one grouping character per cell, an optional exponent.

    Characters are written as themselves, and each grouping character gets its own alternative instead
    of a back-reference, so that pyarrow's RE2 engine can run the pattern as well as Python's.
    """
    mark = "[" + decimal + "]"
    grouped = "|".join("[1-9][0-9]{0,2}(?:[" + g + "][0-9]{3})+" for g in _SPACES + _OTHER[decimal])
    whole = "(?:" + grouped + "|[0-9]+)"
    return "[-+\u2212]?(?:" + whole + "(?:" + mark + "[0-9]+)?|" + mark + "[0-9]+)(?:[eE][-+]?[0-9]+)?"


GRAMMARS = {".": _grammar("."), ",": _grammar(",")}
# A number pandas read as a plain decimal that could also be an integer with point-grouped thousands.
_POINT_GROUPED = "[-+]?[1-9][0-9]{0,2}(?:[.][0-9]{3})+"


@dataclass
class NumberFormat:
    """How a column's numbers were written: decimal mark, grouping characters, cells read as missing."""

    decimal: str = "."
    grouping: list[str] = field(default_factory=list)  # names from GROUPING_NAMES, in their order there
    blank: int = 0  # empty or whitespace-only text cells
    markers: int = 0  # missing markers such as 'NA', '-' or 'н/д'
    proof: int = 0  # cells that can only be read with `decimal` (0: the point by default)
    ambiguous: int = 0  # cells such as '1.234' that were read with the column's mark
    plain: bool = True  # every present cell is a number pandas reads as it is: nothing to report

    def to_dict(self) -> dict:
        """Return the format as plain JSON-able data (without the `plain` flag)."""
        out = asdict(self)
        del out["plain"]
        return out


@dataclass
class MarkConflict:
    """Cells of one column that prove opposite decimal marks: the first of each, its file row, and counts."""

    comma_row: int
    comma_text: str
    comma_count: int
    point_row: int
    point_text: str
    point_count: int


@dataclass
class ParsedNumbers(ParsedColumn):
    """A parsed numeric column with how it was written, and the conflict that makes it unreadable, if any."""

    format: NumberFormat = field(default_factory=NumberFormat)
    conflict: MarkConflict | None = None


def parse_numbers(series: pd.Series) -> ParsedNumbers:
    """Return the column as floats with its number format; a typed or plain column is returned unchanged.

    `conflict` is set (and `values` unreliable) when cells prove both a decimal comma and a decimal point.
    """
    if pd.api.types.is_bool_dtype(series) or pd.api.types.is_numeric_dtype(series):
        return _finish(series.astype(float), pd.Series(False, index=series.index), NumberFormat())
    index = series.index
    cells = series.reset_index(drop=True)
    values = np.full(len(cells), np.nan)
    failed = np.zeros(len(cells), dtype=bool)
    fmt = NumberFormat()
    text = _text_cells(cells)
    typed = cells.drop(index=text.index).dropna()
    if len(typed):  # numbers typed as such in an object column (XLSX) keep their value and prove nothing
        values[typed.index] = pd.to_numeric(typed, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    text = text.str.strip()
    blank = (text == "").to_numpy()
    marker = ~blank & text.str.lower().isin(MISSING_TOKENS).to_numpy()
    fmt.blank, fmt.markers = int(blank.sum()), int(marker.sum())
    text = text[~(blank | marker)]
    # pandas' own reading for the plain texts ('1889.50', '1e5'): they keep exactly that value. A cell with
    # a comma, an inner space, another grouping character or U+2212 is never one, and is not tried (a
    # failed parse costs as much as ten good ones)
    maybe_plain = ~text.str.contains("[," + _SPACES + "\u2212]", regex=True).to_numpy(dtype=bool)
    values[text.index[maybe_plain]] = _to_float(text[maybe_plain], exact=False)
    accepted = maybe_plain & ~np.isnan(values[text.index])
    plain_text, rest = text[accepted], text[~accepted]

    # plain cells with a point prove it, unless they could be point-grouped integers ('1.234')
    dotted = plain_text[plain_text.str.contains(".", regex=False)]
    ambiguous = dotted.str.fullmatch(_POINT_GROUPED)
    ambiguous_plain = dotted[ambiguous]
    point_proof = [dotted[~ambiguous]]
    comma_proof = []

    # every other cell is read both ways by the grammars
    reading = {mark: _read(rest, mark) for mark in GRAMMARS}
    (p_ok, p_val), (c_ok, c_val) = reading["."], reading[","]
    point_proof.append(rest[p_ok & ~c_ok])
    comma_proof.append(rest[c_ok & ~p_ok])
    both = p_ok & c_ok & (p_val != c_val)
    point_proof, comma_proof = pd.concat(point_proof), pd.concat(comma_proof)

    if len(point_proof) and len(comma_proof):
        first_p, first_c = point_proof.index.min(), comma_proof.index.min()
        conflict = MarkConflict(int(index[first_c]), str(cells[first_c]).strip(), len(comma_proof),
                                int(index[first_p]), str(cells[first_p]).strip(), len(point_proof))
        values[rest.index] = np.where(p_ok, p_val, c_val)
        failed[rest.index] = ~(p_ok | c_ok)
        result = _finish(pd.Series(values, index=index), pd.Series(failed, index=index), fmt)
        result.conflict = conflict
        return result

    fmt.decimal = "," if len(comma_proof) else "."
    fmt.proof = len(comma_proof) if fmt.decimal == "," else len(point_proof)
    fmt.ambiguous = int(both.sum()) + len(ambiguous_plain)
    fmt.plain = len(rest) == 0 and not (fmt.blank or fmt.markers)
    # no cell reads only the other way here: it would have proved the other mark
    ok, val = reading[fmt.decimal]
    values[rest.index] = np.where(ok, val, np.nan)
    failed[rest.index] = ~ok
    if fmt.decimal == ",":
        # with a decimal comma, a point only groups thousands: '1.234' is 1234
        values[ambiguous_plain.index] = _to_float(ambiguous_plain.str.replace(".", "", regex=False), exact=False)
    fmt.grouping = _grouping_seen(pd.concat([rest[ok], ambiguous_plain if fmt.decimal == "," else rest[:0]]),
                                  fmt.decimal)
    return _finish(pd.Series(values, index=index), pd.Series(failed, index=index), fmt)


def _text_cells(cells: pd.Series) -> pd.Series:
    """Return the text cells of a column as strings (object columns from XLSX mix typed numbers in)."""
    if isinstance(cells.dtype, pd.StringDtype):
        text = cells.dropna()
    else:
        text = cells[cells.map(lambda v: isinstance(v, str)).astype(bool)]
    # Arrow strings for long columns (vectorised regexes); below that, setting up each Arrow regex costs
    # more than Python's re takes for the whole column
    return text.astype(str) if len(text) >= _ARROW_FROM else text.astype(object)


def _read(text: pd.Series, mark: str) -> tuple[np.ndarray, np.ndarray]:
    """Return which cells the grammar of decimal `mark` accepts and their values under it."""
    if text.empty:
        return np.zeros(0, dtype=bool), np.zeros(0)
    ok = text.str.fullmatch(GRAMMARS[mark]).to_numpy(dtype=bool)
    out = np.full(len(text), np.nan)
    if ok.any():
        digits = text[ok].str.replace("[" + _SPACES + _OTHER[mark] + "]", "", regex=True)
        digits = digits.str.replace("\u2212", "-", regex=False).str.replace(mark, ".", regex=False)
        out[ok] = _to_float(digits, exact=True)
    return ok, out


def _to_float(text: pd.Series, exact: bool) -> np.ndarray:
    """Return number texts as floats (NaN where they are none); `exact`: every text is ASCII number syntax."""
    if exact:
        try:  # Arrow's cast is correctly rounded and twice as fast as to_numeric
            return text.astype(float).to_numpy(dtype=float, na_value=np.nan)
        except (ValueError, TypeError):
            pass
    return pd.to_numeric(text, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _grouping_seen(text: pd.Series, decimal: str) -> list[str]:
    """Return the names of the grouping characters the cells read with `decimal` contain."""
    seen = []
    for char, name in GROUPING_NAMES.items():
        if char != decimal and name not in seen and text.str.contains(char, regex=False).any():
            seen.append(name)
    return seen


def _finish(values: pd.Series, failed: pd.Series, fmt: NumberFormat) -> ParsedNumbers:
    """Return the parsed column with inf counted as a failure: it is never a real measurement."""
    infinite = np.isinf(values.to_numpy(dtype=float, na_value=np.nan))
    if infinite.any():
        failed = failed | pd.Series(infinite, index=values.index)
        values = values.where(~infinite)
    return ParsedNumbers(values, failed, format=fmt)
