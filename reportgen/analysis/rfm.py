"""RFM of a transaction log: scores 1-5 by quintile, named segments from the R x F map, revenue concentration.

Input: one row per client (index: the client id as text) with recency_days, purchase_days (frequency:
purchase days, several purchases on one day count once), revenue (monetary, > 0) and tenure_days.

Scores. Each dimension is scored 1..5 by quintile of the clients ranked on it, most recent / most frequent
/ highest spend = 5. Ranks are distinct (rank method "first" after a sort that breaks every tie), and the
score is the quintile of the rank, as pandas.qcut(rank, 5) cuts it in the analysts' usual
`qcut(x.rank(method="first"), 5)`: the five scores' sizes differ by at most one client whatever the ties,
five balanced quintiles as the RFM literature scores them. Ties are broken by the other dimensions, then
the id (as text):

    recency:   fewer days since the last purchase, then more purchase days, then more revenue
    frequency: more purchase days, then more revenue, then fewer days since the last purchase
    monetary:  more revenue, then more purchase days, then fewer days since the last purchase

The consequence: clients with equal values may get different, adjacent scores; when one value holds more
than a fifth of the clients (one-time buyers are often half of a shop's clients) it spans several
scores, the better clients on the other dimensions getting the higher one. `scores.<dimension>.largest_tie`
says how far the largest tie was spread, for the method slide.

Segments come from the R x F grid (RF_MAP below); M is reported per segment but does not name it.

`rfm_summary` returns

    {"clients": 1000, "revenue": 123456.7,
     "scores": {"recency" | "frequency" | "monetary": {
                   "column": "recency_days",
                   "bins": [{"score": 1, "size": 200, "min": 301.0, "max": 540.0}, ...],   # score 1..5
                   "largest_tie": {"value": 1.0, "size": 612, "scores": [1, 3]}}},
     "segments": [segment, ...],            # the 11 segments in SEGMENTS order, empty ones included
     "grid": [{"r": 5, "f": 1, "segment": "new", "size": 40, "share": 0.04, "revenue_share": 0.01}, ...],
                                            # 25 cells, r from 5 down to 1, f from 1 to 5
     "base": {column: stats}}               # every profiled column over all clients (stats as below)

One segment:

    {"id": "champions", "name": "champions", "size": 120, "share": 0.12, "revenue_share": 0.41,
     "cells": [[5, 4], [5, 5]],             # its [r, f] cells
     "profile": {"features": {column: {**stats, "base": base stats}}}}

stats = {"median", "mean", "q1", "q3"} (None for an empty segment) of recency_days, purchase_days,
revenue, basket (revenue per purchase day) and tenure_days. "profile" has the form the playbook reads
(reportgen.analysis.playbook): features "recency", "frequency", "monetary", "basket", "tenure" (ROLES).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

DIMENSIONS = {"recency": "recency_days", "frequency": "purchase_days", "monetary": "revenue"}
# The columns a segment or cluster is profiled on, by the name playbook rules use for them.
ROLES = {"recency": "recency_days", "frequency": "purchase_days", "monetary": "revenue", "basket": "basket",
         "tenure": "tenure_days"}
SCORES = 5

SEGMENTS = ("champions", "loyal", "potential_loyalists", "new", "promising", "need_attention", "about_to_sleep",
            "at_risk", "cant_lose", "hibernating", "lost")

# The R x F segment map, one segment per cell: RF_MAP[r][f - 1]. It is the grid of the RFM guides of
# marketing practice, as the tutorials and Kaggle notebooks write it (a `seg_map` of regular expressions
# over the two-digit RF code: r'[1-2][1-2]' hibernating, r'[1-2][3-4]' at risk, r'[1-2]5' can't lose,
# r'3[1-2]' about to sleep, r'33' need attention, r'[3-4][4-5]' loyal, r'41' promising, r'51' new,
# r'[4-5][2-3]' potential loyalists, r'5[4-5]' champions), written out cell by cell, with its hibernating
# corner split so that the oldest, rarest clients (R1) are "lost" as in the 11-segment lists. Why R x F and not R x F x M: frequency and spend are strongly
# correlated, a 5 x 5 map can be drawn as the report's heat map with a name in every cell, and a client's
# next step (come back, buy again) is about recency and frequency; spend is shown per segment instead.
# Why a table and not patterns: a popular 11-segment table of regular expressions over the three-digit
# RFM code leaves 36 of the 125 codes without a segment when applied first-match-wins (issue 10); here
# every cell names exactly one segment, and a test checks all 25 cells and all 125 codes.
RF_MAP: dict[int, tuple[str, str, str, str, str]] = {
    #    f = 1             2                      3                      4              5
    5: ("new",            "potential_loyalists", "potential_loyalists", "champions",  "champions"),
    4: ("promising",      "potential_loyalists", "potential_loyalists", "loyal",      "loyal"),
    3: ("about_to_sleep", "about_to_sleep",      "need_attention",      "loyal",      "loyal"),
    2: ("hibernating",    "hibernating",         "at_risk",             "at_risk",    "cant_lose"),
    1: ("lost",           "lost",                "at_risk",             "at_risk",    "cant_lose"),
}


def segment_of(r: int, f: int, m: int | None = None) -> str:
    """Return the segment of an R, F score pair (M does not name a segment); raise KeyError outside 1..5."""
    if not (1 <= f <= SCORES):
        raise KeyError(f)
    if m is not None and not (1 <= m <= SCORES):
        raise KeyError(m)
    return RF_MAP[r][f - 1]


def segment_cells(segment: str) -> list[list[int]]:
    """Return the [r, f] cells of a segment, recent and frequent first."""
    return [[r, f] for r in range(SCORES, 0, -1) for f in range(SCORES, 0, -1) if RF_MAP[r][f - 1] == segment]


def with_basket(frame: pd.DataFrame) -> pd.DataFrame:
    """Return the frame with a basket column (revenue per purchase day) when it has none."""
    if "basket" in frame:
        return frame
    return frame.assign(basket=frame["revenue"].astype(float) / frame["purchase_days"].astype(float))


def score(frame: pd.DataFrame) -> pd.DataFrame:
    """Return r, f, m scores (1..5) per client, index as the frame's; quintiles balanced, ties broken as above."""
    recency = frame["recency_days"].to_numpy(dtype=float)
    frequency = frame["purchase_days"].to_numpy(dtype=float)
    revenue = frame["revenue"].to_numpy(dtype=float)
    # the id decides last, so that the scores never depend on the row order of the file
    ids = pd.Index(frame.index.astype(str)).argsort(kind="stable").argsort()
    return pd.DataFrame({
        "r": _quintiles(-recency, frequency, revenue, ids),
        "f": _quintiles(frequency, revenue, -recency, ids),
        "m": _quintiles(revenue, frequency, -recency, ids),
    }, index=frame.index)


def _quintiles(primary: np.ndarray, *tie_breakers: np.ndarray) -> np.ndarray:
    """Return scores 1..5 from the rank of each row when sorted on primary, then each tie-breaker (ascending)."""
    n = len(primary)
    order = np.lexsort((*reversed(tie_breakers), primary))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(1, n + 1)
    # qcut's edges on the ranks 1..n are 1 + (n - 1) i / 5 (i = 1..4), each bin closed on the right: a rank
    # is above edge i when 5 (rank - 1) > (n - 1) i, in whole numbers so that no rounding moves a client
    score = np.ones(n, dtype=np.int8)
    for i in range(1, SCORES):
        score += SCORES * (rank - 1) > (n - 1) * i
    return score


def rfm_summary(frame: pd.DataFrame, scores: pd.DataFrame) -> dict:
    """Return the scores' bins, the 11 segments with their shares and profiles, and the 25-cell R x F grid."""
    frame = with_basket(frame)
    revenue = frame["revenue"].astype(float)
    total = float(revenue.sum())
    n = len(frame)
    segment = segments_of(scores)
    base = {column: summary_stats(frame[column]) for column in ROLES.values()}
    sizes = segment.value_counts()
    revenue_by = revenue.groupby(segment).sum()
    profiled = frame[list(ROLES.values())].groupby(segment)
    segments = []
    for key in SEGMENTS:
        size = int(sizes.get(key, 0))
        members = profiled.get_group(key) if size else frame.iloc[:0]
        features = {column: {**summary_stats(members[column]), "base": base[column]} for column in ROLES.values()}
        segments.append({
            "id": key, "name": key, "size": size, "share": size / n if n else 0.0,
            "revenue_share": float(revenue_by.get(key, 0.0)) / total if total else 0.0,
            "cells": segment_cells(key), "profile": {"features": features},
        })
    return {"clients": n, "revenue": total, "scores": _score_bins(frame, scores), "segments": segments,
            "grid": _grid(scores, revenue, total), "base": base}


def segments_of(scores: pd.DataFrame) -> pd.Series:
    """Return each client's segment name from its r and f scores."""
    table = np.array([[RF_MAP[r][f - 1] for f in range(1, SCORES + 1)] for r in range(1, SCORES + 1)], dtype=object)
    return pd.Series(table[scores["r"].to_numpy() - 1, scores["f"].to_numpy() - 1], index=scores.index,
                     name="segment")


def summary_stats(values: pd.Series) -> dict:
    """Return median, mean and quartiles of a column (None when empty)."""
    x = values.to_numpy(dtype=float)
    if not len(x):
        return dict.fromkeys(("median", "mean", "q1", "q3"))
    q1, median, q3 = np.quantile(x, [0.25, 0.5, 0.75])
    return {"median": float(median), "mean": float(x.mean()), "q1": float(q1), "q3": float(q3)}


def _score_bins(frame: pd.DataFrame, scores: pd.DataFrame) -> dict:
    """Return, per dimension, each score's size and value range, and how far the largest tie was spread."""
    out = {}
    for dimension, column in DIMENSIONS.items():
        values = frame[column].astype(float)
        given = scores[dimension[0]]
        by_score = values.groupby(given)
        bins = [{"score": int(s), "size": int(g.size), "min": float(g.min()), "max": float(g.max())}
                for s, g in by_score]
        spread = given.groupby(values).agg(["size", "min", "max"])
        top = spread.sort_values("size", kind="stable", ascending=False).iloc[0]
        out[dimension] = {"column": column, "bins": bins,
                          "largest_tie": {"value": float(top.name), "size": int(top["size"]),
                                          "scores": [int(top["min"]), int(top["max"])]}}
    return out


def _grid(scores: pd.DataFrame, revenue: pd.Series, total: float) -> list[dict]:
    """Return the 25 R x F cells with their segment, clients, share and revenue share (for the heat map)."""
    n = len(scores)
    counts = scores.groupby(["r", "f"]).size()
    money = revenue.groupby([scores["r"], scores["f"]]).sum()
    cells = []
    for r in range(SCORES, 0, -1):
        for f in range(1, SCORES + 1):
            size = int(counts.get((r, f), 0))
            cells.append({"r": r, "f": f, "segment": RF_MAP[r][f - 1], "size": size, "share": size / n if n else 0.0,
                          "revenue_share": float(money.get((r, f), 0.0)) / total if total else 0.0})
    return cells


def concentration(revenue: pd.Series, top: float = 0.2, points: int = 20) -> dict:
    """Return the revenue share of the top `top` of clients, the Lorenz curve in `points` steps and the Gini index.

    The top 20 % are the ceil(0.2 n) clients with the most revenue. The Lorenz curve runs from the clients
    who spend least: point i is the revenue share of the first i/points of them (interpolated between
    clients). "pareto" is the smallest group of top clients that brings 80 % of the revenue.
    """
    x = np.sort(revenue.to_numpy(dtype=float))
    n, total = len(x), float(x.sum())
    if n == 0 or total <= 0:
        return {"clients": n, "top": top, "top_clients": 0, "top_revenue_share": None, "lorenz": [], "gini": None,
                "pareto": None}
    top_clients = math.ceil(top * n)
    cumulative = np.concatenate([[0.0], np.cumsum(x)]) / total
    share_of_clients = np.arange(n + 1) / n
    grid = np.linspace(0, 1, points + 1)
    lorenz = np.interp(grid, share_of_clients, cumulative)
    # Gini = 1 - 2 * area under the Lorenz curve, by trapezoids between clients
    gini = 1 - float(np.sum((cumulative[1:] + cumulative[:-1]) / n))
    from_top = np.cumsum(x[::-1]) / total
    pareto_clients = int(np.searchsorted(from_top, 0.8 - 1e-12) + 1)
    return {
        "clients": n, "top": top, "top_clients": top_clients,
        "top_revenue_share": float(x[n - top_clients:].sum() / total),
        "lorenz": [{"clients": float(c), "revenue": float(r)} for c, r in zip(grid, lorenz)],
        "gini": gini,
        "pareto": {"revenue_share": 0.8, "clients": pareto_clients, "client_share": pareto_clients / n},
    }
