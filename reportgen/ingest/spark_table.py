"""A customer table (one row per client) read by Spark, for `--engine spark`: the rows come back through Arrow.

A customer table is client-level already, so everything after the reading is the same as with the default
engine: the cells come back as text (CSV) or in the file's own types (Parquet), as the pandas readers give
them (reportgen.ingest.readers), and the roles, types, quality summary and analysis follow unchanged. The
file's first megabyte decides its encoding and separator, as for a log (reportgen.ingest.logsample); Spark
reads the rest. XLSX workbooks are read by pandas whatever the engine.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from reportgen.config import Settings
from reportgen.errors import DataError, Location
from reportgen.i18n.ui import _, ngettext
from reportgen.ingest.rawtable import RawTable


def read_with_spark(path: Path, settings: Settings) -> RawTable:
    """Return the raw table of a CSV or Parquet file read by Spark; raise DataError for a file Spark cannot
    read or for more ragged rows than data.max_bad_row_share allows."""
    from reportgen.ingest.logsample import read_sample
    from reportgen.spark import session, tell_run_failure

    sample = read_sample(path, settings.data)
    spark, own = session(settings.engine)
    try:
        if sample.file_format == "parquet":
            return _parquet(spark, path, sample.columns)
        return _csv(spark, path, sample, settings)
    except Exception as exc:
        tell_run_failure(settings.engine, exc)
        raise
    finally:
        if own:
            spark.stop()


def _parquet(spark, path: Path, columns: list[str]) -> RawTable:
    """Return a Parquet file's rows in their own types (the pandas index a file may store left out)."""
    frame = _collect(spark.read.parquet(str(path)).select(*[f"`{c}`" for c in columns]))
    frame.index = pd.Index(range(1, len(frame) + 1), name="row")
    return RawTable(frame, str(path), "parquet")


def _csv(spark, path: Path, sample, settings: Settings) -> RawTable:
    """Return a CSV file's cells as text (empty cells missing, as the pandas reader makes them), the rows
    Spark could not split into the header's fields left out and counted."""
    from pyspark.sql.types import StringType, StructField, StructType

    from reportgen.spark import CORRUPT

    shown = str(path)
    names = list(sample.columns)
    schema = StructType([StructField(name, StringType()) for name in [*names, CORRUPT]])
    encoding = {"utf-8-sig": "UTF-8", "ascii": "UTF-8"}.get(sample.encoding or "utf-8", sample.encoding or "UTF-8")
    # multiLine: a quoted cell may hold a line break, as the pandas reader allows; a client-level table is
    # small enough to be split by rows after it is read
    reader = spark.read.csv(str(path), schema=schema, sep=sample.separator or ",", header=True, quote='"',
                            escape='"', encoding=encoding, multiLine=True, mode="PERMISSIVE",
                            columnNameOfCorruptRecord=CORRUPT, enforceSchema=True)
    frame = _collect(reader)
    # the rows in file order, each a line after the header (a row with a line break inside shifts the count)
    frame.index = pd.Index(range(2, len(frame) + 2), name="row")
    ragged = frame[CORRUPT].notna()
    bad = [int(row) for row in frame.index[ragged]]
    frame = frame.loc[~ragged].drop(columns=CORRUPT)
    if bad and len(bad) > settings.data.max_bad_row_share * (len(frame) + len(bad)):
        raise DataError(
            ngettext("{n} row has a different number of fields than the header ({expected}).",
                     "{n} rows have a different number of fields than the header ({expected}).", len(bad)).format(
                n=len(bad), expected=len(names)),
            hint=_("Check the separator and quoting of those rows; to skip such rows, raise "
                   "data.max_bad_row_share (now {share}).").format(share=settings.data.max_bad_row_share),
            location=Location(file=shown, rows=bad[:10], total=len(bad)))
    frame = frame.astype(object).where(frame.notna(), None)
    frame.columns = [str(c).strip() for c in frame.columns]
    return RawTable(frame, shown, "csv", sample.encoding, sample.separator, bad[:20], len(bad))


def _collect(frame) -> pd.DataFrame:
    """Return a Spark frame's rows as a pandas frame, through Arrow."""
    from reportgen.spark import arrow

    return arrow(frame).to_pandas()
