"""How the engine reads a log's file: a fast path where DuckDB's reader types the columns itself, and a
tolerant one where every cell is text and the passes parse it.

The first lines decide the fast path: ISO dates, plain numbers (one decimal mark, no grouping) and the
missing markers they use become the reader's own types and nulls. A cell the reader refuses later in the file
(a date with spaces around it, '1 234,50') sends the whole pass to the tolerant path, which reads it as the
first lines could not foresee, or names its row. A CSV file in another encoding than UTF-8 is copied as
UTF-8 into the engine's spill folder first, chunk by chunk.
"""

from __future__ import annotations

import codecs
import dataclasses
from pathlib import Path

import pandas as pd

from reportgen.analysis.logpasses import day_counts
from reportgen.engine import Engine
from reportgen.errors import DataError, Location
from reportgen.i18n.ui import _
from reportgen.ingest.logparse import LogPlan, typed_lines
from reportgen.ingest.logsample import LogSample
from reportgen.ingest.values import MISSING_TOKENS

UTF8 = ("utf-8", "utf-8-sig", "ascii")
_CHUNK = 1 << 22
# Missing markers as they may be written (the reader compares cells exactly): each token, upper, capitalised
NULLS = sorted({v for t in MISSING_TOKENS for v in (t, t.upper(), t.capitalize())})
# Roles whose text the fast path reads as is (markers are nulls already): only surrounding spaces are cut
_TEXT_ROLES = ("client", "invoice", "country", "channel", "category")


def judged_lines(engine: Engine, sample: LogSample, frame: pd.DataFrame | None, plan: LogPlan):
    """Return the log's judged lines (logparse.typed_lines) and their day counts (logpasses.day_counts, as a
    frame): by the fast path when the first lines allow it and the whole file agrees, else by the tolerant
    path; stored in the engine or streamed from the file by each pass as _storage decides."""
    typed = frame is None and sample.file_format == "csv" and engine.typed_reader
    fast = _fast_types(sample, plan) if typed else None
    if fast is not None:
        types, kinds, decimal = fast
        fast_plan = dataclasses.replace(plan, kinds=kinds)
        table = engine.read_csv(_utf8_path(engine, sample), sample.separator or ",", types, _markers(sample),
                                decimal)
        storage = _storage(engine, sample, fast_plan, fast=True)
        if storage == "file":
            table = engine.cache(table)
        lines, days = _count(engine, table, fast_plan, storage == "lines")
        if not (engine.rejected_lines()["error_type"] == "CAST").any():
            return lines, days
        if storage:
            engine.drop(lines if storage == "lines" else table)
    return _count(engine, open_text(engine, sample, frame), plan, _storage(engine, sample, plan, fast=False) == "lines")


def _storage(engine: Engine, sample: LogSample, plan: LogPlan, fast: bool) -> str:
    """Return what the passes read stored in the engine: 'lines' (the judged lines), 'file' (a CSV file's
    cells as the fast path's reader types them) or '' (nothing: each pass streams the file).

    Judged lines when duplicates are dropped (finding them takes a pass of its own), and when dates are
    text other than ISO (dd/mm/yyyy, 10 million lines: 4.45 s against 4.9 s with the file's cells stored;
    read by regular expressions alone, 12.0 s against 19.5 s streamed); the cells of a CSV file on the fast
    path, parsed once instead of once a pass (10 million lines: 4.3 s against 4.7 s streamed, medians of
    five alternated runs). Either only when it takes at most half the engine's memory limit, else it would
    spill; a Parquet file's typed columns cost less to read again than to store (3.15 s against 3.36 s)."""
    if plan.dedup:
        return "lines"
    if not engine.can_hold(_stored_bytes(sample)):
        return ""
    if plan.kinds["date"] not in ("timestamp", "date") and not plan.dates.iso:
        return "lines"
    return "file" if fast else ""


def _stored_bytes(sample: LogSample) -> int:
    """Return about how many bytes a log's lines take stored: 16 a cell (a value or a short text) and three
    columns more (the rule, the counts), or the file's own size when it is larger (long texts)."""
    return max(sample.path.stat().st_size, (sample.lines or 0) * (len(sample.columns) + 3) * 16)


def _count(engine: Engine, table, plan: LogPlan, store: bool):
    """Return the judged lines of `table` (stored in the engine when `store`) and their day counts."""
    lines = typed_lines(table, plan, engine.strptime)
    if store:
        lines = engine.cache(lines)
    # the id prints check a summary keyed by number: an engine keying clients by their ids needs none
    check = plan.digit_ids and engine.integer_keys
    return lines, engine.frame(day_counts(lines, check_ids=check, one_in=plan.gap_one_in, hash=engine.hash,
                                             dedup=plan.dedup))


def open_text(engine: Engine, sample: LogSample, frame: pd.DataFrame | None = None):
    """Return the log's lines as an engine table with every cell as text (a Parquet file's own types)."""
    if frame is not None:
        import pyarrow as pa

        return engine.table(pa.table({c: pa.array(frame[c], type=pa.string(), from_pandas=True)
                                      for c in frame.columns}))
    if sample.file_format == "parquet":
        return engine.read_parquet(sample.path).select(*sample.columns)
    return engine.read_csv(_utf8_path(engine, sample), sample.separator or ",",
                           {name: "VARCHAR" for name in sample.columns})


def _markers(sample: LogSample) -> list[str]:
    """Return the missing markers the first lines use (and the empty cell): the reader compares every cell
    with each marker, so the forty spellings we know would cost more than the rest of the reading. A marker
    met only later in a date or number column sends the pass to the tolerant path; in an id column it
    stays the id it is written as."""
    seen = set(pd.unique(sample.rows.to_numpy().ravel()))
    return ["", *(marker for marker in NULLS if marker in seen and marker)]


def _fast_types(sample: LogSample, plan: LogPlan) -> tuple[dict, dict, str] | None:
    """Return (reader types by column, kinds by role, decimal mark) for the fast path, or None when no
    column would be typed by it."""
    types = {name: "VARCHAR" for name in sample.columns}
    kinds = dict(plan.kinds)
    typed = False
    if plan.dates.iso and plan.kinds["date"] == "text":
        types[plan.roles["date"]], kinds["date"], typed = "TIMESTAMP", "timestamp", True
    layouts = [plan.numbers[r] for r in ("amount", "quantity", "price") if r in plan.numbers]
    marks = {layout.decimal for layout in layouts}
    plain = len(marks) == 1 and not any(n.spaces or n.commas for n in layouts)
    # the reader takes one decimal mark for the whole file, and a decimal comma only beside another separator
    decimal = marks.pop() if plain else "."
    if plain and (decimal == "." or sample.separator != ","):
        for role in ("amount", "quantity", "price"):
            if role in plan.numbers:
                types[plan.roles[role]], kinds[role], typed = "DOUBLE", "number", True
    else:
        decimal = "."
    for role in _TEXT_ROLES:
        if role in plan.roles and kinds[role] == "text":
            kinds[role] = "read_text"
    return (types, kinds, decimal) if typed else None


def _utf8_path(engine: Engine, sample: LogSample) -> Path:
    """Return the CSV file to read: itself when it is UTF-8, else its UTF-8 copy (made once)."""
    if (sample.encoding or "utf-8") in UTF8:
        return sample.path
    target = engine.spill / "log-utf8.csv"
    if not target.exists():
        _utf8_copy(sample, target)
    return target


def _utf8_copy(sample: LogSample, target: Path) -> None:
    """Write a UTF-8 copy of a CSV file in another encoding, chunk by chunk; raise DataError at a bad byte."""
    decoder = codecs.getincrementaldecoder(sample.encoding)("strict")
    line = 1
    with sample.path.open("rb") as source, target.open("w", encoding="utf-8", newline="") as out:
        while True:
            chunk = source.read(_CHUNK)
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                row = line + chunk.count(b"\n", 0, exc.start)
                raise DataError(
                    _("The file is not valid {encoding} text (byte {byte} cannot be decoded).").format(
                        encoding=sample.encoding, byte=f"0x{chunk[exc.start]:02X}"),
                    hint=_("Give the right encoding with --encoding (e.g. cp1251), or leave it out to detect it."),
                    location=Location(file=str(sample.path), rows=[row]))
            out.write(text)
            line += chunk.count(b"\n")
            if not chunk:
                return
