"""A table as read from a file, before roles and types: what every reader returns."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


@dataclass
class RawTable:
    """A table as read, before roles and types: text cells (CSV) or typed cells (XLSX, Parquet)."""

    frame: pd.DataFrame
    path: str
    file_format: str
    encoding: str | None = None
    separator: str | None = None
    # ragged rows that were skipped: their line numbers
    skipped_lines: list[int] = field(default_factory=list)
    skipped_count: int = 0
