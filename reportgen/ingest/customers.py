"""The customer-table input kind: one row per client with a churn flag, typed by role, with its quality summary."""

from __future__ import annotations

import pandas as pd

from reportgen.config import Settings
from reportgen.i18n.ui import _
from reportgen.ingest.dataset import Dataset
from reportgen.ingest.quality import assess_quality
from reportgen.ingest.readers import RawTable
from reportgen.ingest.roles import detect_roles
from reportgen.ingest.typed import bad_values, type_features
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
    typed, parsing = type_features(raw, roles, settings, typed)
    typed, quality = assess_quality(typed, roles, raw, settings)
    quality.update(parsing)
    return Dataset(frame=typed, roles=roles, quality=quality, path=raw.path, kind="customers",
                   file_format=raw.file_format, encoding=raw.encoding, separator=raw.separator)
