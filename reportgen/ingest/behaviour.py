"""The behaviour input kind: one row per client and no churn flag, typed by role, with its quality summary."""

from __future__ import annotations

from reportgen.config import Settings
from reportgen.ingest.dataset import Dataset
from reportgen.ingest.readers import RawTable
from reportgen.ingest.roles import detect_roles
from reportgen.ingest.typed_quality import type_and_assess


def build_behaviour(raw: RawTable, settings: Settings) -> Dataset:
    """Return the typed table of a behaviour segmentation with roles and quality; raise DataError for unusable
    columns. A churn column, if the table has one, is left out: this kind reports no churn figures."""
    roles = detect_roles(raw.frame, settings.columns, raw.path, with_churn=False)
    typed, quality = type_and_assess(raw, roles, settings)
    return Dataset(frame=typed, roles=roles, quality=quality, path=raw.path, kind="behaviour",
                   file_format=raw.file_format, encoding=raw.encoding, separator=raw.separator)
