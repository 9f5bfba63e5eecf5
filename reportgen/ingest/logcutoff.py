"""A log's clients as they were at the churn model's cut-off: the analysis date minus the inactivity threshold N.

The model learns from what each client had done by the cut-off who made no purchase in the N days after it
(up to the analysis date), so every figure here counts purchase days up to the cut-off only. The same
recent-activity counts are taken at the analysis date, for scoring every client on the whole log. The
engine counts them in the per-client pass (reportgen.analysis.logpasses.cutoff_counts); the columns they
add to the per-client frame (reportgen.ingest.logsummary):

- in_cutoff: the first purchase is on or before the cut-off (the clients the model learns from);
- cut_purchase_days, cut_revenue, cut_last_purchase: purchase days, revenue and the last purchase day up to
  the cut-off (missing for the clients who came later);
- cut_recent_days, cut_previous_days: purchase days in the RECENT_DAYS up to the cut-off and in the
  RECENT_DAYS before those (reportgen.analysis.log_features.RECENT_DAYS);
- recent_days, previous_days: the same two counts up to the analysis date.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from reportgen.analysis.inactivity import threshold


def decide_cutoff(as_of: dt.date, first: dt.date, gaps: dict, configured_days: int) -> dt.date | None:
    """Return the cut-off (the analysis date minus the inactivity threshold, decided as the analysis decides
    it), or None when the log starts after it: nobody could be followed for N days."""
    quantiles = gaps["quantiles"] if gaps["count"] else None
    cutoff = as_of - dt.timedelta(days=threshold(configured_days, quantiles)["days"])
    return cutoff if cutoff >= first else None


def cutoff_columns(raw: pd.DataFrame) -> dict:
    """Return the cut-off columns (see the module) from logpasses.summary's rows with a cut-off, whose figures
    the engine computed: the counts of the clients who came later missing, as x_cal is outside the
    calibration."""
    outside = ~raw["in_cutoff"].to_numpy(dtype=bool)

    def counted(column: str) -> pd.arrays.IntegerArray:
        """Return a count column of the clients at the cut-off (missing for the others)."""
        return pd.arrays.IntegerArray(raw[column].to_numpy(dtype="int64"), outside.copy())

    return {"in_cutoff": ~outside, "cut_purchase_days": counted("cut_purchase_days"),
            "cut_revenue": raw["cut_revenue"].to_numpy(dtype=float),
            "cut_last_purchase": raw["cut_last_purchase"].astype("datetime64[ns]").to_numpy(),
            "cut_recent_days": counted("cut_recent_days"), "cut_previous_days": counted("cut_previous_days"),
            "recent_days": raw["recent_days"].to_numpy(dtype="int64"),
            "previous_days": raw["previous_days"].to_numpy(dtype="int64")}
