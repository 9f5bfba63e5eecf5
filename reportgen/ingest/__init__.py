"""Loading input files: readers by file type, then builders by input kind (customers, behaviour, transactions).

A transaction log is not read by the pandas readers: its first lines decide that it is one (or data.kind
says so), and the engine reads the rest (reportgen.ingest.transactions).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from reportgen.config import Settings
from reportgen.errors import ConfigError, DataError, Location
from reportgen.i18n.ui import _
from reportgen.ingest.dataset import Dataset
from reportgen.ingest.readers import RawTable, read_table
from reportgen.kinds import KINDS
from reportgen.ingest.roles import churn_column, id_columns

LOG_KIND = "transactions"
# files Spark reads itself with --engine spark (reportgen.ingest.spark_table)
SPARK_FORMATS = (".csv", ".tsv", ".txt", ".parquet", ".pq")


def load_dataset(path: str | Path, settings: Settings, kind: str | None = None) -> Dataset:
    """Return the dataset in `path` read as `kind` (default: the config's); raise DataError or ConfigError.

    A customer table without a churn column, none being configured, is read as the behaviour kind, with
    a warning that says so.
    """
    kind = kind or settings.data.kind
    known = list(dict.fromkeys([*KINDS, LOG_KIND]))
    if kind not in known:
        raise ConfigError(
            _("Unknown input kind {kind!r}.").format(kind=kind),
            hint=_("Use one of: {kinds}.").format(kinds=", ".join(known)),
        )
    log, judged = _as_log(Path(path), settings, kind)
    if log is not None:
        return log
    raw = _read(Path(path), settings)
    if not judged and _workbook_log(raw, settings, kind):
        from reportgen.ingest.logsample import frame_sample, text_frame
        from reportgen.ingest.transactions import build_transactions

        frame = text_frame(raw.frame)
        return build_transactions(frame_sample(frame, raw.path, raw.file_format), settings, frame)
    _check_named_columns(raw, settings)
    _check_nested_columns(raw, settings)
    fallback = kind == "customers" and churn_column(list(raw.frame.columns), settings.columns) is None
    dataset = KINDS["behaviour" if fallback else kind].load()(raw, settings)
    if fallback:
        dataset.warnings.append(_(
            "No churn column found: reading the table as a behaviour segmentation (no churn figures). Name the "
            "churn column in [columns] churn to get a churn report."))
    unused = sorted(set(settings.value_labels) - set(raw.frame.columns))
    if unused:
        # labels for another table's columns do no harm, but a typo should not pass unnoticed
        dataset.warnings.append(_("[value_labels] names columns the data does not have: {names}").format(
            names=", ".join(unused)))
    return dataset


def _read(path: Path, settings: Settings) -> RawTable:
    """Return the raw table of a client-level file: read by Spark with engine.name = "spark" (CSV and Parquet;
    the rows come back through Arrow), else by the pandas readers."""
    if settings.engine.name == "spark" and path.suffix.lower() in SPARK_FORMATS:
        from reportgen.ingest.spark_table import read_with_spark

        return read_with_spark(path, settings)
    return read_table(path, settings.data, text_columns=lambda names: id_columns(names, settings.columns))


def _as_log(path: Path, settings: Settings, kind: str) -> tuple[Dataset | None, bool]:
    """Return (the log's dataset when `path` is a CSV or Parquet log, by data.kind or by its first lines, else
    None; whether the first lines showed it is not a log). Another format is read whole first, and a
    missing or empty file is named by the reader.

    The first lines show it only for a CSV file, whose first lines are the text the table read whole would
    show, and only when they are as many as that look takes (SAMPLE_ROWS, or the whole file). A Parquet
    file's types hide what the text shows (dates written as numbers, columns of categories): it is judged
    again on the table read whole, as a workbook is."""
    from reportgen.ingest.logcolumns import is_log
    from reportgen.ingest.logsample import SAMPLE_BYTES, SAMPLE_ROWS, read_sample
    from reportgen.ingest.readers import check_readable

    if kind not in ("customers", LOG_KIND):
        return None, False
    check_readable(path)
    sample = read_sample(path, settings.data)
    if sample is None or sample.rows.empty:
        return None, False  # other formats, and a header without rows, are read (and refused) by the readers
    if not (kind == LOG_KIND or is_log(sample, settings.columns)):
        whole = len(sample.rows) >= SAMPLE_ROWS or path.stat().st_size <= SAMPLE_BYTES
        return None, sample.file_format == "csv" and whole
    from reportgen.ingest.transactions import build_transactions  # the engine is imported only for a log

    return build_transactions(sample, settings), False


def _workbook_log(raw: RawTable, settings: Settings, kind: str) -> bool:
    """Return True when a table read whole (a workbook) is a log, by data.kind or by its columns; the caller
    skips it when a CSV file's first lines showed it is not (_as_log: turning 5,000 rows of a customer table
    into text again to judge them took a tenth of a second of every build)."""
    from reportgen.ingest.logcolumns import is_log
    from reportgen.ingest.logsample import frame_sample, text_frame

    if kind == LOG_KIND:
        return True
    return kind == "customers" and is_log(frame_sample(text_frame(raw.frame.head(5000)), raw.path,
                                                       raw.file_format), settings.columns)


def _check_named_columns(raw: RawTable, settings: Settings) -> None:
    """Raise DataError when [ranges] names a column the file does not have (its cleaning would not happen)."""
    missing = sorted(set(settings.ranges) - set(raw.frame.columns))
    if missing:
        raise DataError(
            _("Columns named in the config are not in the data: {names}.").format(names=", ".join(missing)),
            hint=_("Fix [ranges]; the file has: {present}.").format(present=", ".join(raw.frame.columns)),
            location=Location(file=raw.path, column=missing[0]),
        )


def _check_nested_columns(raw: RawTable, settings: Settings) -> None:
    """Raise DataError when columns hold lists or records (Parquet can) instead of one value per cell."""
    ignored = set(settings.columns.ignore)
    nested = []
    for column in raw.frame.columns:
        if column in ignored or raw.frame[column].dtype != object:
            continue
        # a Parquet column is nested or not as a whole: its first value tells
        values = raw.frame[column].dropna()
        if len(values) and isinstance(values.iloc[0], (list, tuple, dict, set, np.ndarray)):
            nested.append(column)
    if nested:
        raise DataError(
            _("Columns hold lists or records instead of one value per cell: {names}.").format(
                names=", ".join(nested)),
            hint=_("Flatten them into plain columns, or leave them out with [columns] ignore = [...] in the "
                   "config."),
            location=Location(file=raw.path, column=nested[0]),
        )


__all__ = ["Dataset", "KINDS", "LOG_KIND", "load_dataset"]
