"""Single conditions a segment can be built from, counted and tested on the discovery clients.

Numeric features offer thresholds as fine as the data supports (every 5 % quantile, rounded to two
significant digits): 'tenure under 7' (six months or less), 'balance from 1.2 M', and every range between
two thresholds. Categorical features offer each of their larger levels, yes/no features each answer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from reportgen.analysis.rates import holm

# Thresholds at every 5 % quantile: fine enough for 'six months or less' on a telecom's tenure.
CUT_QUANTILES = np.linspace(0.05, 0.95, 19)
SIGNIFICANT_DIGITS = 2
MAX_LEVELS = 10  # categorical levels offered, the largest first
MIN_CONDITION_LIFT = 0.02  # a condition must raise churn by 2 points on its own to be combined
MAX_PER_FEATURE = 12  # strongest conditions kept per feature: near-duplicates of one range add nothing


@dataclass
class Condition:
    """One candidate condition with its discovery counts and one-sided p-value against the rest."""

    rule: dict
    size: int
    churned: int
    z: float
    p_value: float

    @property
    def rate(self) -> float:
        """Return the churn rate among the clients meeting the condition."""
        return self.churned / self.size if self.size else 0.0


def round_significant(value: float, digits: int = SIGNIFICANT_DIGITS) -> float:
    """Return `value` rounded to `digits` significant digits (112,345 -> 110,000; 0.0347 -> 0.035)."""
    if value == 0 or not math.isfinite(value):
        return float(value)
    exponent = math.floor(math.log10(abs(value))) - digits + 1
    return float(round(value / 10**exponent) * 10**exponent)


def numeric_cuts(x: np.ndarray) -> tuple[list[float], bool]:
    """Return (thresholds strictly inside the values' range, whether the values are whole numbers).

    A threshold t splits 'x < t' from 'x >= t'; whole-number data gets whole thresholds, so 'x < 7'
    reads 'six or less'. Few distinct values (counts such as products) get one threshold per value.
    """
    x = x[~np.isnan(x)]
    if len(x) == 0:
        return [], False
    integer = bool(np.all(x == np.round(x)))
    distinct = np.unique(x)
    if len(distinct) <= len(CUT_QUANTILES) + 1:
        return [float(v) for v in distinct[1:]], integer
    raw = np.quantile(x, CUT_QUANTILES)
    cuts = {round_significant(q) for q in raw}
    if integer:
        cuts = {float(math.ceil(c)) for c in cuts}
    low, high = float(distinct[0]), float(distinct[-1])
    return sorted(c for c in cuts if low < c <= high), integer


def numeric_conditions(column: str, values: np.ndarray, churn: np.ndarray) -> list[tuple[dict, int, int]]:
    """Return (condition, clients, churned) for every range between two thresholds of a numeric column.

    Counts come from one pass (a histogram over the thresholds' bins and its cumulative sums); missing
    values never meet a condition.
    """
    cuts, integer = numeric_cuts(values)
    if not cuts:
        return []
    present = ~np.isnan(values)
    bins = np.searchsorted(np.asarray(cuts), values[present], side="right")  # 0..m: thresholds at or below x
    m = len(cuts)
    counts = np.concatenate([[0], np.cumsum(np.bincount(bins, minlength=m + 1))])
    hits = np.concatenate([[0], np.cumsum(np.bincount(bins, weights=churn[present], minlength=m + 1))])
    out = []
    for lo in range(m + 1):
        for hi in range(lo, m + 1):
            if lo == 0 and hi == m:
                continue  # every present value: not a condition
            rule = {"feature": column, "op": "range", "low": cuts[lo - 1] if lo > 0 else None,
                    "high": cuts[hi] if hi < m else None, "integer": integer}
            out.append((rule, int(counts[hi + 1] - counts[lo]), int(round(hits[hi + 1] - hits[lo]))))
    return out


def level_conditions(column: str, series: pd.Series, churn: np.ndarray, binary: bool) -> list[tuple[dict, int, int]]:
    """Return (condition, clients, churned) for each answer of a yes/no column or larger level of a category."""
    present = series.notna().to_numpy()
    if binary:
        values = series.to_numpy(dtype=float)
        levels = [0.0, 1.0]
    else:
        values = series.astype(object).to_numpy()
        levels = list(series.value_counts(dropna=True).index[:MAX_LEVELS])
    out = []
    for level in levels:
        mask = present & (values == level)
        value = int(level) if binary else level
        out.append(({"feature": column, "op": "==", "value": value}, int(mask.sum()), int(churn[mask].sum())))
    return out


def candidate_conditions(frame: pd.DataFrame, features: dict[str, str], churn: np.ndarray, min_size: int,
                         alpha: float) -> tuple[list[Condition], int]:
    """Return (the churn-prone conditions worth combining, how many conditions were tested).

    Every condition large enough is tested one-sided against the other clients; a condition is kept when
    it stays significant after Holm's correction over all of them and raises churn by two points, so a
    column of noise, which offers hundreds of ranges, has to clear the bar that many ranges set.
    """
    n, churned_total = len(churn), int(churn.sum())
    overall = churned_total / n
    options: list[tuple[dict, int, int]] = []
    for column, kind in features.items():
        if kind == "numeric":
            options += numeric_conditions(column, frame[column].to_numpy(dtype=float), churn)
        else:
            options += level_conditions(column, frame[column], churn, kind == "binary")
    options = [o for o in options if min_size <= o[1] <= n - 1]
    if not options:
        return [], 0
    size = np.array([o[1] for o in options], dtype=float)
    hits = np.array([o[2] for o in options], dtype=float)
    z = _z_against_rest(hits, size, churned_total - hits, n - size)
    p_values = stats.norm.sf(z)
    adjusted = holm(p_values.tolist())
    kept: dict[str, list[Condition]] = {}
    for (rule, k_size, k_hits), zi, p, p_adj in zip(options, z, p_values, adjusted):
        if p_adj < alpha and k_hits / k_size >= overall + MIN_CONDITION_LIFT:
            kept.setdefault(rule["feature"], []).append(Condition(rule, k_size, k_hits, float(zi), float(p)))
    chosen = [c for group in kept.values() for c in sorted(group, key=lambda c: -c.z)[:MAX_PER_FEATURE]]
    return chosen, len(options)


def _z_against_rest(k1: np.ndarray, n1: np.ndarray, k2: np.ndarray, n2: np.ndarray) -> np.ndarray:
    """Return the pooled two-proportion z statistics of k1/n1 against k2/n2 (0 where undefined)."""
    pooled = (k1 + k2) / (n1 + n2)
    se = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (k1 / n1 - k2 / n2) / se
    return np.where(np.isfinite(z), z, 0.0)
