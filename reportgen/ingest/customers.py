"""The customer-table input kind: one row per client with a churn flag, typed by role, with its quality summary."""

from __future__ import annotations

import pandas as pd

from reportgen.config import Settings
from reportgen.i18n.ui import _
from reportgen.ingest.dataset import Dataset
from reportgen.ingest.readers import RawTable
from reportgen.ingest.roles import detect_roles
from reportgen.ingest.typed import bad_values
from reportgen.ingest.typed_quality import type_and_assess
from reportgen.ingest.values import parse_flags


def build_customers(raw: RawTable, settings: Settings) -> Dataset:
    """Return the typed customer table with roles and quality; raise DataError for unusable columns."""
    frame = raw.frame
    roles = detect_roles(frame, settings.columns, raw.path)
    churn = parse_flags(frame[roles.churn])
    if churn.failed.any():
        raise bad_values(
            raw, roles.churn, churn.failed,
            _("The churn column holds values that are not a yes/no flag."),
            _("Use 1/0, true/false, yes/no, oui/non or да/нет in the churn column, "
              "or name the right column in the config ([columns] churn = \"...\")."),
        )
    typed = pd.DataFrame(index=frame.index)
    typed[roles.churn] = churn.values  # the flag first: the quality summary lists columns in this order
    typed, quality = type_and_assess(raw, roles, settings, typed)
    return Dataset(frame=typed, roles=roles, quality=quality, path=raw.path, kind="customers",
                   file_format=raw.file_format, encoding=raw.encoding, separator=raw.separator,
                   extras=export_columns(raw, settings, typed.index))


def export_columns(raw: RawTable, settings: Settings, rows: pd.Index) -> pd.DataFrame | None:
    """Return the columns export.columns copies into the client lists, on the rows kept; raise DataError
    naming a column the file lacks."""
    from reportgen.errors import DataError, Location

    wanted = settings.export.columns
    if not wanted:
        return None
    missing = [c for c in wanted if c not in raw.frame.columns]
    if missing:
        raise DataError(
            _("Columns named in export.columns are not in the data: {names}.").format(names=", ".join(missing)),
            hint=_("Fix [export] columns; the file has: {present}.").format(present=", ".join(raw.frame.columns)),
            location=Location(file=raw.path, column=missing[0]))
    return raw.frame.loc[rows, wanted]
