"""The engine that runs the passes over every line of a log: DuckDB, embedded, through Ibis.

The passes themselves are Ibis expressions written once (reportgen.ingest.logparse,
reportgen.analysis.logpasses); this module only opens the engine, lets it read CSV and Parquet files
itself, and brings small results back to pandas through Arrow. DuckDB works under `memory_limit` and
spills to a folder of its own, made for the run and removed afterwards, so that a log larger than
memory completes and nothing is left behind.
"""

from __future__ import annotations

import datetime
import functools
import shutil
import tempfile
import warnings
from pathlib import Path

import pandas as pd

from reportgen.settings import EngineSettings

# A failed read names the CSV line DuckDB stopped at: 'CSV Error on Line: 3'
CSV_LINE = r"CSV Error on Line: (\d+)"


def _quiet(method):
    """Return `method` run without the DeprecationWarning ibis 12 triggers in duckdb 2.0 (fetch_arrow_table):
    a mismatch between the two libraries' versions, not a fault of the call."""
    @functools.wraps(method)
    def run(*args, **kwargs):
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=r"fetch_arrow_table\(\) is deprecated",
                                    category=DeprecationWarning)
            return method(*args, **kwargs)
    return run


class Engine:
    """An open DuckDB connection through Ibis, with its own spill folder; use it as a context manager."""

    name = "duckdb"
    # group clients by an integer (their id's number or a hash of it): DuckDB's aggregation spills to disk with
    # integer keys, not text ones
    integer_keys = True
    # CSV columns the first lines show to be dates and plain numbers are typed by DuckDB's reader (logread)
    typed_reader = True

    def __init__(self, settings: EngineSettings, base_dir: Path | None = None) -> None:
        import ibis

        parent = Path(settings.temp_directory).expanduser() if settings.temp_directory else None
        if parent is not None and not parent.is_absolute():
            parent = (base_dir or Path.cwd()) / parent
        if parent is not None:
            parent.mkdir(parents=True, exist_ok=True)
        # a folder of the run's own inside the configured one: removing it never touches the user's files
        self.spill = Path(tempfile.mkdtemp(prefix="reportgen-duckdb-", dir=parent))
        self.memory_limit = settings.memory_limit.strip()
        self.con = ibis.duckdb.connect(memory_limit=self.memory_limit, temp_directory=str(self.spill))
        # insertion order is not needed by any pass (they aggregate), and keeping it costs memory
        self.con.raw_sql("SET preserve_insertion_order = false")
        self.con.raw_sql("SET enable_progress_bar = false")  # the CLI shows its own progress
        # Ibis writes hash() as CAST(CAST(HASH(x) AS BIT) AS BIGINT): a bit string per line, which cost a
        # quarter of the first pass over 10 million lines (0.14 s of 0.6); half the hash fits a BIGINT as is
        self.con.raw_sql(f"CREATE OR REPLACE TEMP MACRO {HASH_MACRO}(x) AS CAST(hash(x) >> 1 AS BIGINT)")
        self._count = 0
        self._rejects = ""

    def __enter__(self) -> "Engine":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection and remove the spill folder with everything in it."""
        try:
            self.con.disconnect()
        finally:
            shutil.rmtree(self.spill, ignore_errors=True)

    @staticmethod
    def hash(column):
        """Return a 63-bit hash of a column (DuckDB's own hash, halved to fit a BIGINT)."""
        return _hash_macro()(column)

    @staticmethod
    def strptime(column, formats: list[str]):
        """Return the timestamps of a text column read by the first of `formats` (strptime's) that reads
        them, null where none does (DuckDB's try_strptime: a thirtieth of a regular expression's cost)."""
        import ibis

        read = _try_strptime()
        return ibis.coalesce(*(read(column, fmt) for fmt in formats))

    def _name(self, stem: str) -> str:
        """Return a fresh table name for this connection."""
        self._count += 1
        return f"rg_{stem}_{self._count}"

    @_quiet
    def read_csv(self, path: Path, separator: str, columns: dict[str, str], nulls: list[str] | None = None,
                 decimal: str = "."):
        """Return the lines of a UTF-8 CSV file as a table of `columns` (name -> DuckDB type).

        Text columns keep ids' zeros; typed ones are parsed by DuckDB's reader itself (the fast path).
        Cells equal to one of `nulls` are missing. Lines with too few or too many fields, or a cell its
        type refuses, are set aside and listed by rejected_lines().
        """
        self._rejects = self._name("rejects")
        options = {"nullstr": nulls} if nulls else {}
        if decimal != ".":
            options["decimal_separator"] = decimal
        return self.con.read_csv(
            str(path), table_name=self._name("lines"), columns=columns, delim=separator, header=True, quote='"',
            escape='"', auto_detect=False, store_rejects=True, rejects_table=self._rejects,
            rejects_scan=self._rejects + "_scans", **options)

    def rejected_lines(self) -> pd.DataFrame:
        """Return the lines the last CSV read set aside: file line, column, error type (once per line)."""
        import duckdb

        if not self._rejects:
            return pd.DataFrame({"line": [], "column": [], "error_type": []})
        try:
            rows = self.con.raw_sql(f"SELECT line, any_value(column_name), any_value(CAST(error_type AS VARCHAR)) "
                                    f"FROM {self._rejects} GROUP BY line ORDER BY line").fetchall()
        except duckdb.CatalogException:  # nothing was set aside: the table was not made
            rows = []
        return pd.DataFrame(rows, columns=["line", "column", "error_type"])

    @_quiet
    def read_parquet(self, path: Path):
        """Return the rows of a Parquet file as a table of its own types."""
        return self.con.read_parquet(str(path), table_name=self._name("lines"))

    @_quiet
    def table(self, data):
        """Return an engine table of an Arrow table (a workbook's lines: at most a million)."""
        name = self._name("frame")
        self.con.con.register(name, data)  # ibis 12's create_table from memory fails on duckdb 2.0
        return self.con.table(name)

    @_quiet
    def cache(self, expr):
        """Return the result of `expr` stored in the engine (spilled when large), for several passes over it."""
        return self.con.create_table(self._name("cache"), expr, temp=True)

    def can_hold(self, nbytes: int) -> bool:
        """Return whether a table of about `nbytes` takes at most half the memory limit (the passes over it
        need the other half)."""
        from reportgen.config import size_in_bytes

        return nbytes <= size_in_bytes(self.memory_limit) / 2

    def drop(self, table) -> None:
        """Forget a table stored by cache() (its memory, or its spilled pages, are given back)."""
        self.con.raw_sql(f'DROP TABLE IF EXISTS "{table.get_name()}"')  # Ibis's drop_table fails on a TEMP one

    @_quiet
    def frame(self, expr, order: str | None = None) -> pd.DataFrame:
        """Return a (small) result as a pandas frame, collected through Arrow, its rows sorted by the column
        `order` when given (arrow_frame)."""
        return arrow_frame(self.con.to_pyarrow(expr), order)

    def settings(self) -> dict[str, str]:
        """Return the engine's memory limit and spill folder as the engine itself reports them."""
        rows = self.con.raw_sql("SELECT name, value FROM duckdb_settings() WHERE name IN "
                                "('memory_limit', 'temp_directory')").fetchall()
        return dict(rows)


HASH_MACRO = "rg_hash"


@functools.cache
def _hash_macro():
    """Return the engine's hash macro (made when the connection opens) as an Ibis builtin scalar function."""
    import ibis

    @ibis.udf.scalar.builtin(name=HASH_MACRO)
    def rg_hash(arg: str) -> int:
        """Return DuckDB's 64-bit hash of `arg` shifted right by one bit (a BIGINT, never negative)."""

    return rg_hash


@functools.cache
def _try_strptime():
    """Return DuckDB's try_strptime as an Ibis builtin scalar function."""
    import ibis

    @ibis.udf.scalar.builtin(name="try_strptime")
    def try_strptime(arg: str, fmt: str) -> datetime.datetime:  # a module-level name: Ibis reads the hint
        """Return `arg` read by the strptime format `fmt` as a timestamp, or null."""

    return try_strptime


def arrow_frame(table, order: str | None = None) -> pd.DataFrame:
    """Return an Arrow table as a pandas frame, its columns allocated by the C library's malloc, its rows
    sorted by the column `order` when given (sorted_rows).

    pyarrow's default pool (mimalloc) maps fresh pages for the frame's columns: a million clients' summary
    took 0.65-1.0 s to convert, page faults for the most part, against 0.13 s from malloc, which hands back
    memory the process already touched (measured on this 2-core machine, fresh processes)."""
    import pyarrow as pa

    if order is not None:
        table = sorted_rows(table, order)
    return table.to_pandas(date_as_object=False, split_blocks=True, self_destruct=True,
                           memory_pool=pa.system_memory_pool())


def sorted_rows(table, column: str):
    """Return an Arrow table with its rows sorted by `column`, whose values are unique (no tie is left to the
    order the engine's threads gave); a text column sorts as its UTF-8 bytes, as DuckDB and Spark sort text.

    An integer column is sorted by numpy (0.05 s for a million, where Arrow's sort of the engine's chunks
    took 0.17 s and numpy's stable sort 0.1 s) and the columns are taken on two threads (Arrow lets go of the
    GIL)."""
    from concurrent.futures import ThreadPoolExecutor

    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    pool = pa.system_memory_pool()  # as arrow_frame's: memory the process already touched
    keys = table[column]
    if pa.types.is_integer(keys.type) and keys.null_count == 0:
        indices = pa.array(np.argsort(keys.to_numpy()))  # unique keys: an unstable sort gives the one order
    else:
        indices = pc.sort_indices(table, [(column, "ascending")], memory_pool=pool)
    # not analysis.both_cores: its OpenMP limit per item costs 2 ms, and Arrow's take uses no OpenMP
    with ThreadPoolExecutor(max_workers=2) as threads:
        columns = list(threads.map(lambda values: pc.take(values, indices, memory_pool=pool), table.columns))
    return pa.Table.from_arrays(columns, schema=table.schema)


def open_engine(settings: EngineSettings, base_dir: Path | None = None):
    """Return an open engine for `settings`: DuckDB, or Spark (reportgen.spark) for engine.name = "spark";
    raise UserError when Spark is asked for and PySpark or Java is missing."""
    if settings.name == "spark":
        from reportgen.spark import SparkEngine

        return SparkEngine(settings, base_dir)
    return Engine(settings, base_dir)
