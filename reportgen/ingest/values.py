"""Parse cell values: numbers as exported by French and Russian Excel, yes/no flags, missing markers."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

# Lower-cased cell texts that mean "no value" in the exports we meet.
MISSING_TOKENS = frozenset(
    ["", "na", "n/a", "nan", "null", "none", "-", "—", "–", "#n/a", "#na", "?", "н/д", "нд", "нет данных", "n.d.", "nd"]
)

# Every spelling of a yes/no flag we accept; anything else in a flag column is an error naming it.
FLAG_VALUES: dict[str, int] = {
    **dict.fromkeys(["1", "1.0", "true", "yes", "y", "oui", "o", "vrai", "да", "д", "истина", "t"], 1),
    **dict.fromkeys(["0", "0.0", "false", "no", "n", "non", "faux", "нет", "н", "ложь", "f"], 0),
}

# Spaces used as thousands separators: plain, no-break, narrow no-break, thin; and the Swiss apostrophe.
_GROUPING = r"[ \u00a0\u202f\u2009']"


@dataclass
class ParsedColumn:
    """A parsed column: values, which cells failed, and the decimal mark that was used (for numbers)."""

    values: pd.Series
    failed: pd.Series  # boolean mask: text that is not missing and not a number
    decimal: str = "."


def is_missing_text(series: pd.Series) -> pd.Series:
    """Return a mask of cells that are missing or hold a missing marker such as 'NA' or 'н/д'."""
    if not _is_text(series):
        return series.isna()
    markers = [v for v in pd.unique(series.dropna()) if str(v).strip().lower() in MISSING_TOKENS]
    return series.isna() | series.isin(markers)


def parse_numbers(series: pd.Series) -> ParsedColumn:
    """Return the column as floats, accepting '1 234,50', NBSP/U+202F groups and decimal commas."""
    if pd.api.types.is_bool_dtype(series) or pd.api.types.is_numeric_dtype(series):
        values = series.astype(float)
        return _without_infinity(values, pd.Series(False, index=series.index))
    # fast path: pandas' C parser takes plain numbers (and surrounding spaces) as they are; only the
    # cells it refuses go through the slower text clean-up, so a clean million-row column costs little
    values = pd.to_numeric(series, errors="coerce").astype(float)
    todo = values.isna() & series.notna()
    decimal = "."
    if todo.any():
        text = series[todo].astype("string").str.strip()
        missing = text.str.lower().isin(MISSING_TOKENS) | (text == "")
        text = text[~missing]
        decimal = _decimal_mark(text)
        if decimal == ",":
            # with a decimal comma, a point can only group thousands: '1.234' is 1234, not 1.234
            dotted = series.astype("string").str.contains(".", regex=False).fillna(False).astype(bool) & ~todo
            text = pd.concat([text, series[dotted].astype("string").str.strip()])
        values.loc[text.index] = pd.to_numeric(_normalise(text, decimal), errors="coerce").astype(float)
        failed = pd.Series(False, index=series.index)
        failed.loc[text.index] = values.loc[text.index].isna()
    else:
        failed = pd.Series(False, index=series.index)
    parsed = _without_infinity(values, failed)
    parsed.decimal = decimal
    return parsed


def _without_infinity(values: pd.Series, failed: pd.Series) -> ParsedColumn:
    """Return the parsed column with inf counted as a failure: it is never a real measurement."""
    infinite = np.isinf(values.to_numpy(dtype=float, na_value=np.nan))
    if infinite.any():
        failed = failed | pd.Series(infinite, index=values.index)
        values = values.where(~infinite)
    return ParsedColumn(values, failed)


def _decimal_mark(text: pd.Series) -> str:
    """Return ',' when the non-plain numbers of a column use a decimal comma, else '.'."""
    stripped = text.str.replace(_GROUPING, "", regex=True)
    comma_decimal = stripped.str.fullmatch(r"[-−+]?\d*,\d+|[-−+]?\d{1,3}(\.\d{3})+(,\d+)?").sum()
    point_decimal = stripped.str.fullmatch(r"[-−+]?\d{1,3}(,\d{3})+\.\d+").sum()
    return "," if comma_decimal >= point_decimal else "."


def _normalise(text: pd.Series, decimal: str) -> pd.Series:
    """Return number texts rewritten with '.' as decimal mark and no grouping characters."""
    out = text.str.replace(_GROUPING, "", regex=True).str.replace("−", "-", regex=False)
    if decimal == ",":
        out = out.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    else:
        out = out.str.replace(",", "", regex=False)
    return out


def parse_flags(series: pd.Series) -> ParsedColumn:
    """Return a yes/no column as 1.0/0.0 (NaN where missing); `failed` marks values outside FLAG_VALUES."""
    if pd.api.types.is_bool_dtype(series):
        return ParsedColumn(series.astype(float), pd.Series(False, index=series.index))
    if pd.api.types.is_numeric_dtype(series):
        values = series.astype(float)
        failed = values.notna() & ~values.isin([0.0, 1.0])
        return ParsedColumn(values.where(~failed), failed)
    # map the few distinct spellings, not the million cells
    lookup = {}
    for raw in pd.unique(series.dropna()):
        key = str(raw).strip().lower()
        lookup[raw] = FLAG_VALUES.get(key, np.nan if key in MISSING_TOKENS else -1.0)
    values = series.map(lookup).astype(float)
    failed = values == -1.0
    return ParsedColumn(values.where(~failed), failed)


def looks_like_flags(series: pd.Series) -> bool:
    """Return True when every present value is a yes/no spelling and both answers occur or one does."""
    parsed = parse_flags(series)
    present = parsed.values.dropna()
    return len(present) > 0 and not parsed.failed.any() and present.nunique() <= 2


def as_id_text(series: pd.Series) -> pd.Series:
    """Return ids as text: '007' stays '007'; numbers read by Excel or Parquet lose a trailing '.0'."""
    if pd.api.types.is_float_dtype(series):
        whole = series.dropna()
        if (whole == np.floor(whole)).all():
            return series.astype("Int64").astype("string")
    return series.astype("string").str.strip()


def _is_text(series: pd.Series) -> bool:
    """Return True for object and string columns."""
    return pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series)
