"""The first lines of a data file, read without loading the rest: what a log's columns are detected from.

A CSV file's first megabyte is decoded (encoding detected as for any table), its separator sniffed and
its first records parsed; a Parquet file gives its schema and first row group's first rows. Nothing here
reads the whole file: a log of millions of lines is read by the engine, not by pandas.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from reportgen.config import DataSettings
from reportgen.errors import DataError, Location
from reportgen.i18n.ui import _
from reportgen.ingest.encoding import decode, undecodable_error
from reportgen.ingest.readers import SEPARATORS, _check_duplicate_names, _check_text_bytes, sniff_separator

SAMPLE_BYTES = 1 << 20
SAMPLE_ROWS = 5_000
PANDAS_INDEX = re.compile(r"__index_level_\d+__")


@dataclass
class LogSample:
    """The header and first rows of a file (index: line numbers as a user sees them), and how it is written.

    `types` gives, for a typed file (Parquet), each column's kind: 'text', 'number', 'date' or 'timestamp';
    a CSV file's columns are all text. `lines` is the number of records: a Parquet file's or a table's own,
    a CSV file's estimated from the bytes its first records take (None when unknown).
    """

    path: Path
    file_format: str
    columns: list[str]
    rows: pd.DataFrame
    encoding: str | None = None
    separator: str | None = None
    types: dict[str, str] = field(default_factory=dict)
    lines: int | None = None

    def kind_of(self, column: str) -> str:
        """Return the column's kind: 'text' for CSV cells, else its typed kind."""
        return self.types.get(column, "text")


def read_sample(path: Path, settings: DataSettings) -> LogSample | None:
    """Return the first lines of a CSV or Parquet file, or None for other file types (read whole instead).

    Raise DataError for a file that cannot be read as what its name says.
    """
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv", ".txt"):
        return _csv_sample(path, settings)
    if suffix in (".parquet", ".pq"):
        return _parquet_sample(path)
    return None


def _csv_sample(path: Path, settings: DataSettings) -> LogSample:
    """Return the first records of a CSV file, decoded and split as the whole file will be."""
    shown = str(path)
    with path.open("rb") as handle:
        data = handle.read(SAMPLE_BYTES)
        more = bool(handle.read(1))
    _check_text_bytes(data, shown, settings.encoding)
    if more and b"\n" in data:
        data = data[: data.rindex(b"\n") + 1]  # whole lines only: no character cut in two
    decoded = decode(data, shown, settings.encoding)
    text = decoded.text.replace("\r\n", "\n")
    if "\r" in text and "\n" not in text:
        text = text.replace("\r", "\n")
    sep = SEPARATORS[settings.separator] if settings.separator != "auto" else sniff_separator(text)
    if decoded.damaged:
        raise undecodable_error(decoded, shown, sep)
    reader = csv.reader(io.StringIO(text), delimiter=sep)
    header: list[str] | None = None
    lines, records = [], []
    start = 1
    try:
        for record in reader:
            line, start = start, reader.line_num + 1
            if not record or (len(record) == 1 and not record[0].strip()):
                continue
            if header is None:
                header = [name.strip() for name in record]
                continue
            if len(record) == len(header):
                lines.append(line)
                records.append(record)
            if len(records) >= SAMPLE_ROWS:
                break
    except csv.Error:
        pass  # a quoted cell cut by the end of the sample: the records before it are enough
    if not header:
        raise DataError(_("The data file is empty."), hint=_("Export the table again, with its header and rows."),
                        location=Location(file=shown))
    _check_duplicate_names(header, shown)
    rows = pd.DataFrame(records, columns=header, dtype=object, index=pd.Index(lines, name="row"))
    estimate = _estimate(path, len(data), text, start, len(records))
    return LogSample(path, "csv", header, rows, decoded.encoding, sep, lines=estimate)


def _estimate(path: Path, size: int, text: str, next_line: int, records: int) -> int:
    """Return about how many records a CSV file holds: its first `records` records took the physical lines
    before `next_line` of the sampled `text`, which came from `size` bytes."""
    physical = text.count("\n") + (not text.endswith("\n"))
    used = size * min(1.0, (next_line - 1) / max(1, physical))
    return round(records * path.stat().st_size / used) if used else records


def _parquet_sample(path: Path) -> LogSample:
    """Return a Parquet file's schema and first rows; raise DataError when it is not Parquet."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
        batch = next(parquet.iter_batches(batch_size=SAMPLE_ROWS), None)
        schema = parquet.schema_arrow
    except Exception as exc:  # pyarrow's ArrowInvalid, OSError and friends
        raise DataError(
            _("The file is not a readable Parquet file ({error}).").format(error=f"{type(exc).__name__}: {exc}"),
            hint=_("Write it again with pandas or pyarrow, or export the table to CSV."),
            location=Location(file=str(path)))
    # the index pandas stores beside the data ('__index_level_0__') is no column of the log
    columns = [str(name) for name in schema.names if not PANDAS_INDEX.fullmatch(str(name))]
    _check_duplicate_names(columns, str(path))
    types = {}
    for name, typ in ((n, schema.field(n).type) for n in columns):
        if pa.types.is_timestamp(typ):
            types[name] = "timestamp"
        elif pa.types.is_date(typ):
            types[name] = "date"
        elif pa.types.is_integer(typ) or pa.types.is_floating(typ) or pa.types.is_decimal(typ):
            types[name] = "number"
        elif pa.types.is_string(typ) or pa.types.is_large_string(typ) or pa.types.is_string_view(typ):
            types[name] = "text"
        else:
            types[name] = "other"
    # ignore_metadata: a pandas index stored in the file stays a column, as the engine will see it
    rows = batch.to_pandas(ignore_metadata=True)[columns] if batch is not None else pd.DataFrame(columns=columns)
    rows.index = pd.Index(range(1, len(rows) + 1), name="row")
    return LogSample(path, "parquet", columns, rows, types=types, lines=parquet.metadata.num_rows)


def text_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a table read whole (a workbook) with every cell as the text a CSV export would hold.

    Excel's dates become ISO text and its numbers plain decimals, so that a workbook's log is parsed by the
    same passes as a CSV file's.
    """
    def cell(value):
        if value is None or (isinstance(value, float) and value != value):
            return None
        if hasattr(value, "isoformat"):
            return value.isoformat(sep=" ") if hasattr(value, "hour") else value.isoformat()
        return str(value)

    return frame.apply(lambda column: column.map(cell)).astype(object)


def frame_sample(frame: pd.DataFrame, path: str, file_format: str) -> LogSample:
    """Return a sample over a table already read whole and turned into text (see text_frame)."""
    return LogSample(Path(path), file_format, [str(c) for c in frame.columns], frame.head(SAMPLE_ROWS),
                     lines=len(frame))
