"""The errors of a transaction log, with the rows a user looks for, found in the file only when one is raised.

The engine counts what is wrong; this module then reads the file again, from its start, up to the first
offending rows (line numbers as in the file, the header being line 1; Parquet rows from 1), testing each
cell as the engine's expressions do.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable, Iterator

import pandas as pd

from reportgen.errors import DataError, Location
from reportgen.i18n.ui import _, ngettext
from reportgen.ingest.logdates import GENERIC, DateLayout
from reportgen.ingest.logparse import NumberLayout
from reportgen.ingest.logsample import LogSample
from reportgen.ingest.values import MISSING_TOKENS

ROWS_SHOWN = 10


def is_missing(text) -> bool:
    """Return True for an empty cell or a missing marker (as the engine's passes decide)."""
    return text is None or str(text).strip().lower() in MISSING_TOKENS


def bad_date(layout: DateLayout) -> Callable[[str], bool]:
    """Return a test of a cell: present, and not a date in `layout`."""
    return lambda text: not is_missing(text) and layout.parse(str(text)) is None


def bad_number(layout: NumberLayout) -> Callable[[str], bool]:
    """Return a test of a cell: present, and not a finite number as `layout` writes them."""
    def test(text) -> bool:
        if is_missing(text):
            return False
        value = str(text).strip()
        if layout.spaces:
            value = "".join(ch for ch in value if ch not in " \u00a0\u202f\u2009'\u2019")
        if layout.decimal == ",":
            value = value.replace(".", "").replace(",", ".")
        elif layout.commas:
            value = value.replace(",", "")
        try:
            return not math.isfinite(float(value)) or "_" in value
        except ValueError:
            return True
    return test


def proves(field: int) -> Callable[[str], bool]:
    """Return a test of a cell: a slashed date whose `field` (1: first, 2: second) is above 12."""
    def test(text) -> bool:
        m = GENERIC.match(str(text)) if text is not None else None
        return bool(m) and len(m.group(4)) == 4 and int(m.group(1 if field == 1 else 3)) > 12
    return test


def _cells(sample: LogSample, column: str, frame: pd.DataFrame | None) -> Iterator[tuple[int, object]]:
    """Yield (row as the user sees it, cell) for every row of the file, from the first."""
    if frame is not None:
        yield from zip(frame.index, frame[column])
    elif sample.file_format == "parquet":
        import pyarrow.parquet as pq

        row = 0
        for batch in pq.ParquetFile(sample.path).iter_batches(columns=[column], batch_size=65_536):
            for value in batch.column(0).to_pylist():
                row += 1
                yield row, value
    else:
        index = sample.columns.index(column)
        encoding = "utf-8-sig" if sample.encoding in ("utf-8", "utf-8-sig") else sample.encoding
        with sample.path.open(encoding=encoding, errors="replace", newline="") as handle:
            reader = csv.reader(handle, delimiter=sample.separator or ",")
            previous, header = 0, True
            for record in reader:
                start, previous = previous + 1, reader.line_num
                if not record or (len(record) == 1 and not record[0].strip()):
                    continue
                if header:
                    header = False
                    continue
                if index < len(record):
                    yield start, record[index]


def locate(sample: LogSample, column: str, test: Callable[[object], bool], frame: pd.DataFrame | None = None,
           limit: int = ROWS_SHOWN) -> tuple[list[int], list[str]]:
    """Return the first rows (up to `limit`) whose cell in `column` passes `test`, and their values."""
    rows, values = [], []
    for row, cell in _cells(sample, column, frame):
        if test(cell):
            rows.append(int(row))
            values.append(str(cell))
            if len(rows) >= limit:
                break
    return rows, values


def bad_values(sample: LogSample, column: str, test, total: int, what: str, hint: str,
               frame: pd.DataFrame | None = None) -> DataError:
    """Return the error for `total` cells of `column` that `test` catches, naming the first rows and values."""
    rows, values = locate(sample, column, test, frame)
    return DataError(what, hint=hint, location=Location(file=str(sample.path), column=column, rows=rows,
                                                        total=max(total, len(rows)), values=values[:5]))


def unreadable_dates(sample: LogSample, column: str, layout: DateLayout, total: int,
                     frame: pd.DataFrame | None = None) -> DataError:
    """Return the error for dates that do not read in the column's layout (or prove the other order)."""
    what = ngettext("{n} value of column {column} is not a date written {format}.",
                    "{n} values of column {column} are not dates written {format}.", total).format(
        n=total, column=column, format=layout.format())
    hint = _("Correct those cells, or give the dates' format in the config ([data] date_format = \"...\", "
             "e.g. \"%d/%m/%Y %H:%M\").")
    if layout.order in ("dmy", "mdy") and layout.how != "config":
        other = DateLayout("mdy" if layout.order == "dmy" else "dmy", layout.sep, layout.short_year, layout.time)
        if locate(sample, column, lambda t: bad_date(layout)(t) and not bad_date(other)(t), frame, 1)[0]:
            hint = _("Some dates read only day first and others only month first: export the dates again in one "
                     "format, or give it in [data] date_format and correct the rows that do not follow it.")
    return bad_values(sample, column, bad_date(layout), total, what, hint, frame)


def unreadable_numbers(sample: LogSample, column: str, layout: NumberLayout, total: int,
                       frame: pd.DataFrame | None = None) -> DataError:
    """Return the error for cells of a numeric column that are not numbers."""
    what = ngettext("{n} value of column {column} is not a number.",
                    "{n} values of column {column} are not numbers.", total).format(n=total, column=column)
    mark = _("decimal comma") if layout.decimal == "," else _("decimal point")
    hint = _("Correct those cells (the column is read with a {mark}, as its first lines show), or leave the "
             "column out of [columns].").format(mark=mark)
    return bad_values(sample, column, bad_number(layout), total, what, hint, frame)


def ragged_lines(path: str, rejected: pd.DataFrame, total: int, expected: int, share: float) -> DataError:
    """Return the error for lines with another number of fields than the header."""
    count = len(rejected)
    return DataError(
        ngettext("{n} row has a different number of fields than the header ({expected}).",
                 "{n} rows have a different number of fields than the header ({expected}).", count).format(
            n=count, expected=expected),
        hint=_("Check the separator and quoting of those rows; to skip such rows, raise "
               "data.max_bad_row_share (now {share}).").format(share=share),
        location=Location(file=path, rows=[int(r) for r in rejected["line"].head(ROWS_SHOWN)], total=count))


def not_utf8(path: str, line: int | None) -> DataError:
    """Return the error for a file whose first lines are UTF-8 and a later line is not."""
    return DataError(
        _("The file is not UTF-8 text from row {row} on, although its first lines are.").format(row=line or "?"),
        hint=_("Give its encoding with --encoding (e.g. cp1251), or export the file again as UTF-8."),
        location=Location(file=path, rows=[line] if line else []))
