"""Parse cell values: yes/no flags, ids, missing markers (numbers: reportgen.ingest.numbers)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from reportgen.distinct import per_distinct

# Lower-cased cell texts that mean "no value" in the exports we meet.
MISSING_TOKENS = frozenset(
    ["", "na", "n/a", "nan", "null", "none", "-", "—", "–", "#n/a", "#na", "?", "н/д", "нд", "нет данных", "n.d.", "nd"]
)

# Every spelling of a yes/no flag we accept; anything else in a flag column is an error naming it.
FLAG_VALUES: dict[str, int] = {
    **dict.fromkeys(["1", "1.0", "1,0", "true", "yes", "y", "oui", "o", "vrai", "да", "д", "истина", "t"], 1),
    **dict.fromkeys(["0", "0.0", "0,0", "false", "no", "n", "non", "faux", "нет", "н", "ложь", "f"], 0),
}


@dataclass
class ParsedColumn:
    """A parsed column: values, and which cells failed (text that is not missing and not a valid value)."""

    values: pd.Series
    failed: pd.Series  # boolean mask


def is_missing_text(series: pd.Series) -> pd.Series:
    """Return a mask of cells that are missing or hold a missing marker such as 'NA' or 'н/д'."""
    if not _is_text(series):
        return series.isna()
    if isinstance(series.array, pd.arrays.ArrowStringArray) and _mostly_distinct(series):
        # ids: every cell compared in Arrow, as hashing ten million distinct ids took longer; a column of a
        # few levels (a city) is cheaper through its distinct values, below
        import pyarrow as pa
        import pyarrow.compute as pc

        cells = pa.array(series.array)  # the column's own Arrow data
        # no marker holds a digit: a cell of digits alone (an id, mostly) is none, and only the other cells are
        # trimmed, lowered and looked up (ten million ids of digits: 0.5-1.1 s -> 0.07 s)
        others = np.asarray(pc.invert(pc.fill_null(pc.utf8_is_digit(cells), False)).to_numpy(zero_copy_only=False),
                            dtype=bool)
        found = np.zeros(len(series), dtype=bool)
        if others.any():
            looked_up = pc.is_in(pc.utf8_lower(pc.utf8_trim_whitespace(pc.filter(cells, pa.array(others)))),
                                 value_set=_missing_markers())
            found[others] = np.asarray(pc.fill_null(looked_up, False).to_numpy(zero_copy_only=False), dtype=bool)
        return series.isna() | pd.Series(found, index=series.index)
    distinct = pd.unique(series.dropna())
    text = distinct_text(distinct)
    if text is None:
        markers = [v for v in distinct if str(v).strip().lower() in MISSING_TOKENS]
    else:  # a million distinct ids are compared in Arrow, not one by one in Python
        import pyarrow.compute as pc

        found = pc.is_in(pc.utf8_lower(pc.utf8_trim_whitespace(text)), value_set=_missing_markers())
        markers = text.filter(found).to_pylist()
    return series.isna() | series.isin(markers)


def _mostly_distinct(series: pd.Series, head: int = 4096) -> bool:
    """Return True when the first cells of a long column are mostly distinct (ids rather than levels)."""
    return len(series) > 4 * head and series.iloc[:head].nunique() > head // 4


def distinct_text(values) -> "pa.Array | None":
    """Return distinct values as an Arrow string array when they are all text, else None (numbers mixed in)."""
    import pyarrow as pa

    try:
        return pa.array(values, type=pa.string(), from_pandas=True)
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        return None


def _missing_markers():
    """Return the missing markers as an Arrow array (made on first use: pyarrow is imported lazily)."""
    import pyarrow as pa

    return pa.array(sorted(MISSING_TOKENS), type=pa.string())


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


def category_text(cells: pd.Series) -> pd.Series:
    """Return a category column's cells as shared_text of their text trimmed, missing cells and missing
    markers missing: what shared_text(cells.astype("string").str.strip().where(~is_missing_text(cells)))
    gives, each distinct cell trimmed and looked at once instead of every cell (ten million cells of a city:
    0.5 s less)."""
    codes, distinct = pd.factorize(cells)
    if not all(isinstance(value, str) for value in distinct):
        # numbers among the cells (pandas finds 1 and 1.0 one value, their texts are two): every cell trimmed
        return shared_text(cells.astype("string").str.strip().where(~is_missing_text(cells)))
    values = pd.Series(distinct, dtype=cells.dtype)
    texts = values.astype("string").str.strip()
    gone = is_missing_text(values).to_numpy()
    shared: dict[str, str] = {}  # cells trimmed to one text share its object, as shared_text gives it
    table = [pd.NA if missing else shared.setdefault(text, text) for text, missing in zip(texts.tolist(), gone)]
    out = np.array([*table, pd.NA], dtype=object)[codes]  # a missing cell (code -1) reads the last entry
    return pd.Series(out, index=cells.index, name=cells.name, dtype=object)


def shared_text(text: pd.Series) -> pd.Series:
    """Return a text column (missing cells NA) as Python strings, one object per distinct text: what
    `text.astype(object)` holds, without a string object per cell.

    Ten million cells of a city or a gender were ten million objects (about 1.6 GB for two columns); shared,
    they cost a pointer each, and comparing or hashing them finds the same few objects again.
    """
    shared = per_distinct(text, lambda value: value, pd.NA, object)
    return pd.Series(shared, index=text.index, name=text.name, dtype=object)
