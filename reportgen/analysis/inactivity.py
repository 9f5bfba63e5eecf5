"""Inactivity in a transaction log: after how many days without a purchase a client has lapsed, and how many have.

The threshold N is analysis.inactivity_days when set (basis "setting"). Otherwise it comes from the log's
own rhythm: the 90th percentile of the gaps between consecutive purchase days of a client, rounded up to a
whole week (basis "gap_quantile"). A client silent for longer than nine gaps in ten between purchases is
no longer in an ordinary pause; rounding up to weeks keeps weekly shopping habits whole and leans
towards waiting a little longer, because the gaps seen in a log are cut short by its end (the longest
ones are the least often observed). The threshold is at least FLOOR_DAYS (basis "floor"): below four
weeks, a report read once a quarter would call lapsed clients who are merely between two ordinary
purchases. When nobody bought twice there is no rhythm to learn from, and N is NO_REPEAT_DAYS (basis
"no_repeat_purchases"): a year without a purchase, the usual definition of a lapsed client in retail.

A client has lapsed when recency_days > N. `inactivity` returns

    {"days": 63, "basis": "setting" | "gap_quantile" | "floor" | "no_repeat_purchases",
     "figures": {"quantile": 0.9, "gap_days": 58.0, "round_to_days": 7, "floor_days": 28,
                 "gap_quantiles": {"0.5": ..., ...}}          # for gap_quantile and floor
              | {"setting_days": 63} | {"fallback_days": 365},
     "max_recency_days": 540,        # nobody can have lapsed when this is not above `days`
     "overall": rate,
     "by_segment": {segment name: rate}, "by_cluster": {cluster id: rate}}

rate = {"clients": 1000, "lapsed": 412, "rate": 0.412, "interval": [low, high]}  (Wilson 95 %; rate None
and interval [None, None] for no client).
"""

from __future__ import annotations

import math

import pandas as pd

GAP_QUANTILE = 0.9
WEEK_DAYS = 7
FLOOR_DAYS = 28
NO_REPEAT_DAYS = 365


def threshold(configured: int, gaps: dict | None) -> dict:
    """Return the inactivity threshold in days, the basis it was chosen on and the figures used."""
    if configured:
        return {"days": int(configured), "basis": "setting", "figures": {"setting_days": int(configured)}}
    gap = _quantile(gaps, GAP_QUANTILE)
    if gap is None:
        return {"days": NO_REPEAT_DAYS, "basis": "no_repeat_purchases", "figures": {"fallback_days": NO_REPEAT_DAYS}}
    weeks = math.ceil(gap / WEEK_DAYS)
    days = max(FLOOR_DAYS, weeks * WEEK_DAYS)
    return {"days": days, "basis": "gap_quantile" if weeks * WEEK_DAYS >= FLOOR_DAYS else "floor",
            "figures": {"quantile": GAP_QUANTILE, "gap_days": float(gap), "round_to_days": WEEK_DAYS,
                        "floor_days": FLOOR_DAYS, "gap_quantiles": {str(k): v for k, v in gaps.items()}}}


def _quantile(gaps: dict | None, q: float) -> float | None:
    """Return the gap quantile q from a dict keyed "0.9" (or 0.9); None when absent or not a number."""
    if not gaps:
        return None
    for key in (str(q), q):
        value = gaps.get(key)
        if value is not None and not (isinstance(value, float) and math.isnan(value)):
            return float(value)
    return None


def inactivity(recency_days: pd.Series, configured: int, gaps: dict | None,
               groups: dict[str, pd.Series]) -> dict:
    """Return the threshold and the lapse rate overall and per group.

    `groups` maps an output key ("by_segment", "by_cluster") to each client's group (index as recency_days);
    a categorical group gets an entry for each of its categories, with no client or not.
    """
    chosen = threshold(configured, gaps)
    lapsed = recency_days > chosen["days"]
    out = {**chosen, "max_recency_days": int(recency_days.max()) if len(recency_days) else None,
           "overall": _rate(int(lapsed.sum()), len(lapsed))}
    for key, group in groups.items():
        counts = lapsed.groupby(group, observed=False).agg(["sum", "size"])
        out[key] = {str(name): _rate(int(row["sum"]), int(row["size"])) for name, row in counts.iterrows()}
    return out


def _rate(lapsed: int, clients: int) -> dict:
    """Return clients, lapsed, their share and its Wilson interval."""
    # imported here: the log's ingest decides the churn model's cut-off with threshold() and has no use for
    # scipy, whose import (0.8 s) would weigh on every log read
    from reportgen.analysis.rates import wilson_interval

    return {"clients": clients, "lapsed": lapsed, "rate": lapsed / clients if clients else None,
            "interval": wilson_interval(lapsed, clients)}
