"""Proportions with their Wilson intervals, two-proportion z-tests and Holm's correction."""

from __future__ import annotations

import functools
import math

import numpy as np
from scipy import stats


def wilson_interval(successes: int, total: int, confidence: float = 0.95) -> list[float | None]:
    """Return [low, high] of the Wilson score interval of successes/total; [None, None] when total is 0."""
    if total <= 0:
        return [None, None]
    z = _z(confidence)
    p = successes / total
    denom = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denom
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denom
    return [max(0.0, centre - half), min(1.0, centre + half)]


@functools.cache
def _z(confidence: float) -> float:
    """Return the two-sided normal quantile of `confidence` (cached: scipy's ppf costs 0.1 ms a call)."""
    return float(stats.norm.ppf(0.5 + confidence / 2))


def rate_summary(churned: int, customers: int, overall: float | None = None) -> dict:
    """Return customers, churned, churn_rate, its interval, and lift over `overall` in points and as a ratio."""
    rate = churned / customers if customers else None
    out = {
        "customers": int(customers),
        "churned": int(churned),
        "churn_rate": rate,
        "churn_rate_ci": wilson_interval(churned, customers),
    }
    if overall is not None:
        out["lift_pp"] = None if rate is None else (rate - overall) * 100
        out["lift_ratio"] = None if rate is None or not overall else rate / overall
    return out


def two_proportion_test(k1: int, n1: int, k2: int, n2: int) -> dict:
    """Return the pooled two-proportion z-test of k1/n1 against k2/n2 (status 'not_computable' when degenerate)."""
    if min(n1, n2) == 0:
        return {"status": "not_computable", "reason": "empty_group"}
    pooled = (k1 + k2) / (n1 + n2)
    if pooled in (0.0, 1.0):
        return {"status": "not_computable", "reason": "one_outcome"}
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    z = (k1 / n1 - k2 / n2) / se
    return {"status": "ok", "method": "two_proportion_z", "statistic": z, "p_value": float(2 * stats.norm.sf(abs(z)))}


def holm(p_values: list[float]) -> list[float]:
    """Return Holm's step-down adjusted p-values, in the input order."""
    p = np.asarray(p_values, dtype=float)
    m = len(p)
    if m == 0:
        return []
    order = np.argsort(p)
    adjusted = np.empty(m)
    running = 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[index]))
        adjusted[index] = running
    return adjusted.tolist()
