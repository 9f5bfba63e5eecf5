"""Read CSV, XLSX and Parquet files into a raw frame indexed by the row number a user sees in the file."""

from __future__ import annotations

import codecs
import csv
import io
import re
import warnings
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

from reportgen.config import DataSettings
from reportgen.errors import DataError, Location
from reportgen.i18n.ui import N_, _, ngettext, translate
from reportgen.ingest.encoding import decode, undecodable_error
from reportgen.ingest.rawtable import RawTable
from reportgen.ingest.textpos import column_at, rows_of
from reportgen.ingest.workbooks import read_parquet, read_xlsx

SEPARATORS = {",": ",", ";": ";", "tab": "\t", "\t": "\t", "|": "|"}
_SNIFF_LINES = 200
# A carriage return not followed by a line feed (a line end of old Macs, or a stray one inside a cell)
_BARE_CR = re.compile(r"\r(?!\n)")
# What a file that is not text really is, by its first bytes: the mix-ups seen in practice
_SIGNATURES = (
    (b"PK\x03\x04", N_("an Excel workbook (.xlsx) or another ZIP archive")),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", N_("an old Excel workbook (.xls)")),
    (b"PAR1", N_("a Parquet file")),
)
# Bytes that never occur in text: C0 controls but tab, line feed, form feed, carriage return; and DEL
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0b, *range(0x0e, 0x20), 0x7f])
_BINARY_SAMPLE = 65_536
_SCAN_CHUNK = 1 << 26  # bytes counted at a time when lines are checked


def read_table(path: str | Path, settings: DataSettings, text_columns: Callable[[list[str]], list[str]] | None = None
               ) -> RawTable:
    """Return the raw table in `path`; raise DataError for a missing, empty or unreadable file.

    `text_columns(names)` names the columns to keep as text whatever they look like (ids: '007').
    """
    path = Path(path)
    shown = str(path)
    check_readable(path)
    suffix = path.suffix.lower()
    reader = READERS.get(suffix)
    if reader is None:
        raise DataError(
            _("Unsupported file type {suffix!r}.").format(suffix=suffix or "?"),
            hint=_("Use a .csv, .tsv, .txt, .xlsx or .parquet file; save an old .xls as .xlsx."),
            location=Location(file=shown),
        )
    table = reader(path, settings, text_columns or (lambda names: []))
    _check_columns(table)
    if table.frame.empty:
        raise DataError(
            _("The data file has a header but no rows."),
            hint=_("Export the table again with its rows."),
            location=Location(file=shown),
        )
    return table


def check_readable(path: Path) -> None:
    """Raise DataError for a data file that is missing, a folder, empty or not readable by this user."""
    shown = str(path)
    if not path.exists():
        raise DataError(
            _("The data file does not exist."),
            hint=_("Check the path given to --data (or data.path in the config)."),
            location=Location(file=shown),
        )
    if not path.is_file():
        raise DataError(_("The data path is a folder, not a file."), hint=_("Name the file itself."),
                        location=Location(file=shown))
    if path.stat().st_size == 0:
        raise DataError(_("The data file is empty."), hint=_("Export the table again, with its header and rows."),
                        location=Location(file=shown))
    try:
        path.open("rb").close()
    except OSError as exc:
        raise DataError(_("The data file cannot be read ({reason}).").format(reason=exc.strerror or exc),
                        hint=_("Check that you may read it (its permissions), or copy it somewhere you can."),
                        location=Location(file=shown))


def read_csv(path: Path, settings: DataSettings, text_columns: Callable[[list[str]], list[str]]) -> RawTable:
    """Return a CSV file's cells (numbers parsed by pandas where they are plain); detect encoding and
    separator, count and skip ragged rows."""
    shown = str(path)
    data = path.read_bytes()
    _check_text_bytes(data, shown, settings.encoding)
    decoded = decode(data, shown, settings.encoding)
    text = decoded.text
    if not text or text.isspace():  # as `not text.strip()`, without a stripped copy of the file (0.8 s of 677 MB)
        raise DataError(_("The data file is empty."), hint=_("Export the table again, with its header and rows."),
                        location=Location(file=shown))
    if "\r" in text and "\n" not in text:
        text = text.replace("\r", "\n")  # the line ends of old Macs (and of some exports): one per record
    sep = SEPARATORS[settings.separator] if settings.separator != "auto" else sniff_separator(text)
    if decoded.damaged:
        raise undecodable_error(decoded, shown, sep)
    quoted = '"' in text
    if not quoted:
        _check_bare_cr(text, shown, sep)
    raw, encoding, guess = None, decoded.encoding, None
    if quoted:
        header, good_lines, bad, records = _scan_records(text, sep, shown)
    else:
        # the file's own bytes when they are the text pandas should see (UTF-8, line ends untouched)
        raw = data if decoded.encoding == "utf-8" and text == decoded.text else text.encode("utf-8")
        # from here pandas reads the bytes: the decoded text (two bytes a character once a file has one Cyrillic
        # letter: 1.35 GB for a 677 MB file) is let go before pandas parses, decoded again if pandas fails
        encoding, data, text, decoded = decoded.encoding, None, None, None
        # pandas parses the file as if every line were good, as in nearly every file, while the lines are
        # scanned on the other core (numpy and pandas' tokenizer release the GIL): ten million lines 2.5 s
        # sooner; the parse is done again without the bad lines when the scan finds some
        with ThreadPoolExecutor(max_workers=1) as pool:
            scan = pool.submit(_scan_unquoted, raw, sep)
            first = _header_line(raw)
            # pandas' warnings (mixed types) are kept back: shown only if this parse is the one used (the filters
            # are the process's for this while: the scan beside it, numpy on bytes, warns of nothing)
            with warnings.catch_warnings(record=True) as told:
                warnings.simplefilter("always")
                try:
                    guess = _read_plain(raw, sep, _fields(first[1], sep), [], None, text_columns) if first else None
                except Exception as exc:  # raised below, after the scan's checks, as before the parse ran early
                    guess = exc
            header, good_lines, bad, records = scan.result()
    _check_duplicate_names([h.strip() for h in header], shown)
    if len(header) < 2:
        raise DataError(
            _("The file has a single column; its rows are probably separated by another character."),
            hint=_("Give the separator with --separator (',', ';', 'tab' or '|') or in data.separator."),
            location=Location(file=shown, column=header[0][:60] if header else None),
        )
    if not len(good_lines) and not bad:
        raise DataError(_("The data file has a header but no rows."), hint=_("Export the table again with its rows."),
                        location=Location(file=shown))
    total = len(good_lines) + len(bad)
    if bad and len(bad) > settings.max_bad_row_share * total:
        raise DataError(
            ngettext(
                "{n} row has a different number of fields than the header ({expected}).",
                "{n} rows have a different number of fields than the header ({expected}).",
                len(bad),
            ).format(n=len(bad), expected=len(header)),
            hint=_("Check the separator and quoting of those rows; to skip such rows, raise "
                   "data.max_bad_row_share (now {share}).").format(share=settings.max_bad_row_share),
            location=Location(file=shown, rows=bad[:10], total=len(bad)),
        )
    frame = None
    if not quoted:
        if bad:
            guess = None  # read with the bad lines: let go before the parse without them
            frame = _read_plain(raw, sep, header, bad, len(good_lines), text_columns)
        elif isinstance(guess, Exception):
            raise guess
        elif guess is not None and len(guess) == len(good_lines):
            frame = guess
            for told_warning in told:  # as they would have come: from this module, once per place
                warnings.warn_explicit(told_warning.message, told_warning.category, told_warning.filename,
                                       told_warning.lineno,
                                       module=__name__ if told_warning.filename == __file__ else None,
                                       registry=globals().setdefault("__warningregistry__", {}))
        if frame is None:
            text = raw.decode("utf-8")
            header, good_lines, bad, records = _scan_records(text, sep, shown)
    if frame is None:
        # quoted cells may hold separators and line breaks: the records the csv module read are the truth
        frame = pd.DataFrame(records, columns=[h.strip() for h in header], dtype=object)
        frame = frame.replace("", None)
    frame.index = pd.Index(good_lines, name="row")
    frame.columns = [str(c).strip() for c in frame.columns]
    return RawTable(frame, shown, "csv", encoding, sep, bad[:20], len(bad))


def _read_plain(raw: bytes, sep: str, header: list[str], bad: list[int], rows: int | None,
                text_columns: Callable[[list[str]], list[str]]) -> pd.DataFrame | None:
    """Return an unquoted file's frame read by pandas, or None when pandas does not see the `rows` rows found
    (any number for None) or its parser refuses the file (another error is raised).

    pandas parses plain numbers itself (fast); anything else stays text for ingest.values to parse (decimal
    commas, grouped thousands); id columns stay text so that 007 is not read as 7.
    """
    as_text = {name: str for name in text_columns([h.strip() for h in header]) if name in header}
    try:
        frame = pd.read_csv(io.BytesIO(raw), sep=sep, dtype=as_text or None, skiprows=[n - 1 for n in bad] or None,
                            skip_blank_lines=True, engine="c", encoding="utf-8")
    except pd.errors.ParserError:
        return None
    # pandas may see the lines otherwise (a line of blanks, say): then the csv module decides
    return frame if rows is None or len(frame) == rows else None


def _check_text_bytes(data: bytes, shown: str, encoding: str) -> None:
    """Raise DataError when `data` is not text: a workbook or Parquet file misnamed, or binary data."""
    for signature, kind in _SIGNATURES:
        if data.startswith(signature):
            raise DataError(
                _("The file is {kind}, not CSV text.").format(kind=translate(kind)),
                hint=_("Name the file after what it is (.xlsx, .parquet), or export the table as CSV; save an "
                       "old .xls as .xlsx first."),
                location=Location(file=shown),
            )
    given = encoding and encoding != "auto"
    wide = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if given:
        try:
            wide = codecs.lookup(encoding).name.startswith(("utf-16", "utf-32"))
        except LookupError:
            return  # the decoder names the unknown encoding
    if wide:
        return  # half the bytes of UTF-16 text are zeros
    sample = data[:_BINARY_SAMPLE]
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if b"\x00" in sample or controls > max(4, len(sample) // 100):
        raise DataError(
            _("The file holds binary data, not CSV text."),
            hint=_("Export the table as CSV, or give the .xlsx or .parquet file under its own extension; a "
                   "UTF-16 text file without a byte-order mark needs --encoding utf-16-le."),
            location=Location(file=shown),
        )


def _check_bare_cr(text: str, shown: str, sep: str) -> None:
    """Raise DataError naming the rows where a carriage return stands alone inside an unquoted cell."""
    end = len(text)
    while end and text[end - 1] in "\r\n":  # a CR that ends the file ends its last line
        end -= 1
    positions = [m.start() for m in _BARE_CR.finditer(text, 0, end)]
    if positions:
        _raise_bare_cr(text, positions, shown, sep)


def _raise_bare_cr(text: str, positions: list[int], shown: str, sep: str) -> None:
    """Raise the error for line breaks (carriage returns) inside unquoted cells at `positions`."""
    rows = rows_of(text, positions)
    raise DataError(
        ngettext("{n} row has a cell with a line break (a carriage return) outside quotes: other programs cut "
                 "the row there.",
                 "{n} rows have a cell with a line break (a carriage return) outside quotes: other programs cut "
                 "those rows there.", len(rows)).format(n=len(rows)),
        hint=_("Remove the line breaks from those cells, or put the cells in double quotes, and export again."),
        location=Location(file=shown, column=column_at(text, positions[0], sep), rows=rows[:10], total=len(rows)),
    )


def sniff_separator(text: str) -> str:
    """Return the separator that splits the first lines into the most consistent number (>1) of fields."""
    # the first lines from the first megabyte (its last line may be cut), not from splitting the whole file
    prefix = text[:1 << 20]
    lines = prefix.splitlines()
    if len(prefix) < len(text) and len(lines) > 1:
        lines = lines[:-1]
    elif len(prefix) < len(text):
        lines = text.splitlines()
    head = "\n".join(lines[:_SNIFF_LINES])
    best, best_score = ",", (-1, -1)
    for sep in (",", ";", "\t", "|"):
        rows = [r for r in csv.reader(io.StringIO(head), delimiter=sep) if r]
        if not rows:
            continue
        width = len(rows[0])
        if width < 2:
            continue
        consistent = sum(len(r) == width for r in rows)
        score = (consistent, width)
        if score > best_score:
            best, best_score = sep, score
    return best


def _scan_records(text: str, sep: str, shown: str) -> tuple[list[str], list[int], list[int], list[list[str]]]:
    """Return (header, start lines of good records, start lines of ragged ones, the good records); raise
    DataError where the csv module cannot read on."""
    reader = csv.reader(io.StringIO(text), delimiter=sep)
    header: list[str] | None = None
    good: list[int] = []
    bad: list[int] = []
    records: list[list[str]] = []
    previous = 0
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            _raise_unreadable_record(text, previous + 1, exc, shown, sep)
        start, previous = previous + 1, reader.line_num
        if not record or (len(record) == 1 and not record[0].strip()):
            continue
        if header is None:
            header = record
        elif len(record) == len(header):
            good.append(start)
            records.append(record)
        else:
            bad.append(start)
    return header or [], good, bad, records


def _raise_unreadable_record(text: str, line: int, exc: csv.Error, shown: str, sep: str) -> None:
    """Raise the error for a record, starting on file line `line`, that the csv module cannot read."""
    start = 0
    for _line in range(line - 1):
        start = text.find("\n", start) + 1
    cr = _BARE_CR.search(text, start)
    if "new-line character" in str(exc) and cr is not None:
        _raise_bare_cr(text, [cr.start()], shown, sep)
    raise DataError(
        _("The record starting on row {row} cannot be read as CSV ({error}).").format(row=line, error=exc),
        hint=_("Check the quotes from that row on: a quote that is opened and never closed takes in the rest of "
               "the file."),
        location=Location(file=shown, rows=[line]),
    )


def _scan_unquoted(raw: bytes, sep: str) -> tuple[list[str], np.ndarray, list[int], None]:
    """Return what _scan_records returns, for a UTF-8 file without quotes: one line per record, the line
    numbers of the good ones as an array.

    The separators of each line are counted in numpy over the bytes, a chunk at a time (a separator and a
    line feed are single bytes in UTF-8): ten million lines cost a second and no list of lines.
    """
    buf = np.frombuffer(raw, dtype=np.uint8)
    code, ends, before = ord(sep), [], []
    seen = 0
    for start in range(0, len(buf), _SCAN_CHUNK):
        chunk = buf[start:start + _SCAN_CHUNK]
        feeds = np.flatnonzero(chunk == 10)
        seps = np.flatnonzero(chunk == code)
        ends.append(feeds + start)
        before.append(np.searchsorted(seps, feeds) + seen)  # separators from the file's start to each feed
        seen += len(seps)
    ends = np.concatenate([*ends, np.array([len(buf)])])  # the last line ends with the file
    cumulative = np.concatenate([*before, np.array([seen])])
    counts = np.diff(cumulative, prepend=0)
    starts = np.concatenate([[0], ends[:-1] + 1])

    def line(i: int) -> str:
        return raw[starts[i]:ends[i]].decode("utf-8", errors="replace")

    first = _header_line(raw)
    if first is None:
        return [], np.array([], dtype=np.int64), [], None
    header_at, header = first[0], _fields(first[1], sep)
    numbers = np.arange(1, len(counts) + 1)  # 1-based line numbers, as an editor shows them
    after = numbers > header_at + 1
    good = after & (counts == len(header) - 1)
    # lines of another width are bad unless blank (a few, checked one by one)
    bad = [int(n) for n in numbers[after & ~good] if line(int(n) - 1).strip()]
    return header, numbers[good], bad, None


def _header_line(raw: bytes) -> tuple[int, str] | None:
    """Return (index, text) of the first line of a UTF-8 file's bytes that is not blank (the header), or None."""
    start = index = 0
    while start <= len(raw):
        end = raw.find(b"\n", start)
        end = len(raw) if end < 0 else end
        text = raw[start:end].decode("utf-8", errors="replace")
        if text.strip():
            return index, text
        start, index = end + 1, index + 1
    return None


def _fields(line: str, sep: str) -> list[str]:
    """Return the fields of an unquoted line (its carriage return cut)."""
    return [field.rstrip("\r") for field in line.split(sep)]


def _check_duplicate_names(names: list[str], shown: str) -> None:
    """Raise DataError when a column name appears twice (its role would be ambiguous)."""
    seen, dupes = set(), set()
    for name in names:
        if name and name in seen:
            dupes.add(name)
        seen.add(name)
    if dupes:
        raise DataError(
            _("Column names appear more than once: {names}.").format(names=", ".join(sorted(dupes))),
            hint=_("Rename the columns so that each name is unique."),
            location=Location(file=shown),
        )


def _check_columns(table: RawTable) -> None:
    """Raise DataError for duplicate column names; name empty ones column_<n>."""
    names = list(table.frame.columns)
    _check_duplicate_names(names, table.path)
    renamed = {}
    for i, name in enumerate(names, start=1):
        if not name or name.lower().startswith("unnamed:"):
            renamed[name] = f"column_{i}"
    if renamed:
        table.frame = table.frame.rename(columns=renamed)


READERS = {
    ".csv": read_csv,
    ".tsv": read_csv,
    ".txt": read_csv,
    ".xlsx": read_xlsx,
    ".xlsm": read_xlsx,
    ".parquet": read_parquet,
    ".pq": read_parquet,
}
