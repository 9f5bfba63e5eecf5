"""Write and read back the sample tables of `reportgen sample`: CSV, XLSX or Parquet, atomically."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from reportgen.atomic import atomic_path
from reportgen.errors import UserError
from reportgen.i18n.ui import _
from reportgen.ingest.sample import COLUMNS


def write_table(frame: pd.DataFrame, path: str | os.PathLike[str]) -> None:
    """Write `frame` atomically as CSV, XLSX or Parquet by the suffix of `path`; raise UserError for other suffixes."""
    path = Path(path)
    writer = _WRITERS.get(path.suffix.lower())
    if writer is None:
        raise UserError(
            _("Cannot write a table to {name!r}: unknown file type.").format(name=path.name),
            hint=_("Name the output file .csv, .xlsx or .parquet."),
        )
    if not path.parent.is_dir():
        raise UserError(_("The folder {folder} does not exist.").format(folder=path.parent))
    with atomic_path(path) as temporary:
        writer(frame, temporary)


def read_sample(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Return a table written by write_table (for `--next-quarter-of`); raise DataError when it is not one."""
    from reportgen.errors import DataError, Location

    path = Path(path)
    readers = {".csv": pd.read_csv, ".xlsx": pd.read_excel, ".parquet": pd.read_parquet}
    reader = readers.get(path.suffix.lower())
    if reader is None or not path.is_file():
        raise DataError(_("No sample table to continue from."),
                        hint=_("Give a .csv, .xlsx or .parquet file written by `reportgen sample`."),
                        location=Location(file=str(path)))
    try:
        frame = reader(path)
    except Exception as exc:  # pandas and its engines raise many kinds
        raise DataError(_("The table cannot be read: {error}").format(error=exc),
                        hint=_("Give a file written by `reportgen sample`."), location=Location(file=str(path)))
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise DataError(_("The table lacks the sample's columns: {names}.").format(names=", ".join(missing)),
                        hint=_("Give a file written by `reportgen sample`."), location=Location(file=str(path)))
    return frame


# --- writing -------------------------------------------------------------------------------------------

EXCEL_MAX_ROWS = 1_048_576  # per sheet, header included


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write UTF-8 comma-separated text: no index, NaN as empty, floats as plain shortest numbers."""
    frame = _plain_floats(frame)
    frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n", na_rep="")


def _plain_floats(frame: pd.DataFrame) -> pd.DataFrame:
    """Return `frame` with float columns that would print in exponent form turned into positional text."""
    out = frame
    for name in frame.select_dtypes("float").columns:
        values = frame[name].to_numpy()
        magnitude = np.abs(values[np.isfinite(values) & (values != 0)])
        # Python's float repr switches to exponents below 1e-4 and from 1e16 on; most columns never get there.
        if magnitude.size and (magnitude.min() < 1e-4 or magnitude.max() >= 1e16):
            out = out.copy() if out is frame else out
            out[name] = [_positional(v) for v in values]
    return out


def _positional(value: float) -> str:
    """Return `value` as positional text ('' for NaN), exact to the shortest round-trip digits."""
    return "" if np.isnan(value) else np.format_float_positional(value, trim="0")


def _write_xlsx(frame: pd.DataFrame, path: Path) -> None:
    """Write an Excel workbook with one sheet and no index; raise UserError when the sheet cannot hold the rows."""
    if len(frame) > EXCEL_MAX_ROWS - 1:
        raise UserError(
            _("An Excel sheet holds at most {limit} rows; the table has {rows}.").format(
                limit=EXCEL_MAX_ROWS - 1, rows=len(frame)
            ),
            hint=_("Write .csv or .parquet instead."),
        )
    # XlsxWriter, told to keep text as text: openpyxl (and XlsxWriter's defaults) store a cell such as
    # '=HYPERLINK(...)' from a table continued with --next-quarter-of as a live formula
    frame.to_excel(path, index=False, engine="xlsxwriter", engine_kwargs={"options": {
        "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}})


def _write_parquet(frame: pd.DataFrame, path: Path) -> None:
    """Write a Parquet file without the index."""
    frame.to_parquet(path, index=False, engine="pyarrow")


_WRITERS: dict[str, Callable[[pd.DataFrame, Path], None]] = {
    ".csv": _write_csv,
    ".xlsx": _write_xlsx,
    ".parquet": _write_parquet,
}
