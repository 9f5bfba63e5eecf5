"""A client table typed and its quality assessed, the ids' repeats found on the other core meanwhile."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pandas as pd

from reportgen.config import Settings
from reportgen.ingest.quality import assess_quality, repeated_ids
from reportgen.ingest.readers import RawTable
from reportgen.ingest.typed import type_features, type_id
from reportgen.roles import Roles


def type_and_assess(raw: RawTable, roles: Roles, settings: Settings, typed: pd.DataFrame | None = None
                    ) -> tuple[pd.DataFrame, dict]:
    """Return type_features' frame (begun in `typed`, if given) cleaned by assess_quality, and the quality
    summary with what parsing found; raise DataError as they do."""
    typed = pd.DataFrame(index=raw.frame.index) if typed is None else typed
    with ThreadPoolExecutor(max_workers=1) as pool:
        repeats = None
        # an id the config also makes a feature is retyped by type_features: its repeats are those of the
        # values it becomes (7 and 007 read as numbers are one id), found by assess_quality after the typing
        if roles.id and roles.id not in roles.features:
            typed[roles.id] = ids = type_id(raw.frame[roles.id])
            # which ids repeat (Arrow's kernels and a sort, which let go of the GIL) is found while the
            # features are typed (pandas, which mostly holds it): ten million clients' 2 s, hidden
            repeats = pool.submit(repeated_ids, ids)
        typed, parsing = type_features(raw, roles, settings, typed)
        typed, quality = assess_quality(typed, roles, raw, settings,
                                        None if repeats is None else repeats.result())
    quality.update(parsing)
    return typed, quality
