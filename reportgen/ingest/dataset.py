"""The loaded table handed to the analysis: typed frame, roles, quality summary and where it came from."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from reportgen.roles import Roles


@dataclass
class Dataset:
    """A typed table (index: row numbers as the user sees them in the file) with its roles and quality.

    A transaction log's `frame` is its per-client summary (one row per client, index 0..n-1; columns in
    reportgen.ingest.logsummary) and `log` holds its small tables: columns by role, date format, analysis
    and calibration dates, cleaning counts, revenue by month, gaps between purchases.
    """

    frame: pd.DataFrame
    roles: Roles
    quality: dict
    path: str
    kind: str
    file_format: str
    encoding: str | None = None
    separator: str | None = None
    warnings: list[str] = field(default_factory=list)
    log: dict = field(default_factory=dict)
    # columns the client lists copy as they are in the file (export.columns), on the frame's rows
    extras: pd.DataFrame | None = None

    def source_dict(self) -> dict:
        """Return where the data came from, as plain data."""
        return {
            "path": self.path,
            "format": self.file_format,
            "encoding": self.encoding,
            "separator": {"\t": "tab"}.get(self.separator, self.separator),
        }
