"""A log's clients as they were at the churn model's cut-off: the analysis date minus the inactivity threshold N.

The model learns from what each client had done by the cut-off who made no purchase in the N days after it
(up to the analysis date), so every figure here counts purchase days up to the cut-off only. The same
recent-activity counts are taken at the analysis date, for scoring every client on the whole log. Columns
added to the per-client frame (reportgen.ingest.logsummary):

- in_cutoff: the first purchase is on or before the cut-off (the clients the model learns from);
- cut_purchase_days, cut_revenue, cut_last_purchase: purchase days, revenue and the last purchase day up to
  the cut-off (missing for the clients who came later);
- cut_recent_days, cut_previous_days: purchase days in the RECENT_DAYS up to the cut-off and in the
  RECENT_DAYS before those (reportgen.analysis.log_features.RECENT_DAYS);
- recent_days, previous_days: the same two counts up to the analysis date.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from reportgen.analysis.inactivity import threshold


def decide_cutoff(as_of: dt.date, first: dt.date, gaps: dict, configured_days: int) -> dt.date | None:
    """Return the cut-off (the analysis date minus the inactivity threshold, decided as the analysis decides
    it), or None when the log starts after it: nobody could be followed for N days."""
    quantiles = gaps["quantiles"] if gaps["count"] else None
    cutoff = as_of - dt.timedelta(days=threshold(configured_days, quantiles)["days"])
    return cutoff if cutoff >= first else None


def cutoff_figures(clients: pd.DataFrame, raw: pd.DataFrame, cutoff: dt.date) -> pd.DataFrame:
    """Return the per-client frame with the cut-off columns (see the module) from logpasses.at_cutoff's rows."""
    rows = raw.set_index(raw["client"].astype(str)).reindex(clients["client_id"])
    inside = (clients["first_purchase"] <= pd.Timestamp(cutoff)).to_numpy()
    out = clients.copy()
    out["in_cutoff"] = inside

    def counted(column: str) -> pd.Series:
        """Return a count column of the calibrated clients (missing for the others)."""
        values = rows[column].fillna(0).to_numpy(dtype="int64")
        return pd.Series(np.where(inside, values, 0), index=clients.index, dtype="Int64").where(inside)

    out["cut_purchase_days"] = counted("cut_days")
    out["cut_revenue"] = np.where(inside, rows["cut_revenue"].fillna(0.0).to_numpy(dtype=float), np.nan)
    out["cut_last_purchase"] = pd.to_datetime(rows["cut_last"]).astype("datetime64[ns]").to_numpy()
    out["cut_recent_days"] = counted("cut_recent")
    out["cut_previous_days"] = counted("cut_previous")
    out["recent_days"] = rows["recent"].fillna(0).to_numpy(dtype="int64")
    out["previous_days"] = rows["previous"].fillna(0).to_numpy(dtype="int64")
    return out
