"""The churn model's features and label from a transaction log's per-client frame, at the cut-off and at the
analysis date, computed the same way at both so that a model trained at the cut-off can score today.

Features at a date d, from the purchases up to d only: recency_days (d minus the last purchase day),
purchase_days, revenue, mean_basket (revenue per purchase day), tenure_days (d minus the first purchase day),
recent_purchase_days (purchase days in the RECENT_DAYS up to d) and purchase_trend (those minus the purchase
days in the RECENT_DAYS before them). Label at the cut-off c = analysis date - N: 1 when the client made no purchase
in the N days after c, i.e. its last purchase is on or before c.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

FEATURES = ("recency_days", "purchase_days", "revenue", "mean_basket", "tenure_days", "recent_purchase_days",
            "purchase_trend")
WEEK = 7.0
RECENT_DAYS = 90  # the window of the recent trend: purchase days in the last 90 days against the 90 before


def _features(first, last, days, revenue, recent, previous, date: pd.Timestamp) -> pd.DataFrame:
    """Return the feature frame from per-client series measured up to `date`."""
    days = days.astype(float)
    # to a billionth of the currency: engines sum a client's lines in their own order (DuckDB and Spark differ
    # in the last bits), and the model's bins would otherwise split ties differently on each engine
    revenue = revenue.astype(float).round(9)
    return pd.DataFrame({
        "recency_days": (date - last).dt.days.astype(float),
        "purchase_days": days,
        "revenue": revenue,
        "mean_basket": revenue / days,
        "tenure_days": (date - first).dt.days.astype(float),
        "recent_purchase_days": recent.astype(float),
        "purchase_trend": recent.astype(float) - previous.astype(float),
    })[list(FEATURES)]


def cutoff_features(frame: pd.DataFrame, cutoff: str) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Return (features at the cut-off, label, positions in `frame`) of the clients whose first purchase is on
    or before it (frame.in_cutoff, from reportgen.ingest.logcutoff)."""
    rows = np.flatnonzero(frame["in_cutoff"].to_numpy(dtype=bool))
    part = frame.iloc[rows]
    date = pd.Timestamp(cutoff)
    x = _features(part["first_purchase"], part["cut_last_purchase"], part["cut_purchase_days"],
                  part["cut_revenue"], part["cut_recent_days"], part["cut_previous_days"], date)
    label = (part["last_purchase"] <= date).to_numpy(dtype=int)
    return x.reset_index(drop=True), label, rows


def current_features(frame: pd.DataFrame, as_of: str) -> pd.DataFrame:
    """Return every client's features at the analysis date."""
    x = _features(frame["first_purchase"], frame["last_purchase"], frame["purchase_days"], frame["revenue"],
                  frame["recent_days"], frame["previous_days"], pd.Timestamp(as_of))
    return x.reset_index(drop=True)


def cutoff_history(frame: pd.DataFrame, rows: np.ndarray, cutoff: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return BG/NBD's (x, t_x, T) in weeks at the cut-off for the clients at `rows`."""
    part = frame.iloc[rows]
    date = pd.Timestamp(cutoff)
    x = part["cut_purchase_days"].to_numpy(dtype=float) - 1
    t_x = (part["cut_last_purchase"] - part["first_purchase"]).dt.days.to_numpy(dtype=float) / WEEK
    T = (date - part["first_purchase"]).dt.days.to_numpy(dtype=float) / WEEK
    return x, t_x, T
