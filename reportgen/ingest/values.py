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
    """A parsed column: values, which cells failed, and the decimal mark that was used."""

    values: pd.Series
    failed: pd.Series  # boolean mask: text that is not missing and not a number
    decimal: str = "."


def is_missing_text(series: pd.Series) -> pd.Series:
    """Return a mask of cells that are missing or hold a missing marker such as 'NA' or 'н/д'."""
    if not _is_text(series):
        return series.isna()
    text = series.astype("string").str.strip().str.lower()
    return text.isna() | text.isin(MISSING_TOKENS)


def parse_numbers(series: pd.Series) -> ParsedColumn:
    """Return the column as floats, accepting '1 234,50', NBSP/U+202F groups and decimal commas."""
    if pd.api.types.is_bool_dtype(series):
        return ParsedColumn(series.astype(float), pd.Series(False, index=series.index))
    if pd.api.types.is_numeric_dtype(series):
        return ParsedColumn(series.astype(float), pd.Series(False, index=series.index))
    missing = is_missing_text(series)
    text = series.astype("string").str.strip().where(~missing)
    # fast path: most exports are plain numbers and pandas' C parser takes them as they are
    values = pd.to_numeric(text, errors="coerce").astype(float)
    todo = values.isna() & ~missing
    decimal = "."
    if todo.any():
        decimal = _decimal_mark(text[todo])
        if decimal == ",":
            # with a decimal comma, a point can only group thousands: '1.234' is 1234, not 1.234
            todo = todo | (text.str.contains(".", regex=False).fillna(False) & ~missing)
        values.loc[todo] = pd.to_numeric(_normalise(text[todo], decimal), errors="coerce").astype(float)
    failed = values.isna() & ~missing
    # inf is never a real measurement; keep it out of means and tests
    infinite = np.isinf(values.to_numpy(dtype=float, na_value=np.nan))
    if infinite.any():
        failed = failed | pd.Series(infinite, index=series.index)
        values = values.where(~infinite)
    return ParsedColumn(values, failed, decimal)


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
    missing = is_missing_text(series)
    key = series.astype("string").str.strip().str.lower()
    values = key.map(FLAG_VALUES).astype(float)
    failed = values.isna() & ~missing
    return ParsedColumn(values, failed)


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
