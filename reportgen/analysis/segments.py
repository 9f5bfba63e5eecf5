"""Churn-prone segments found the way an analyst carves them by hand: two or three churn-prone conditions
combined, kept when large enough, ranked by churn, and chosen so that they overlap little."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from reportgen.analysis.rates import rate_summary, two_proportion_test
from reportgen.analysis.rules import condition_mask
from reportgen.ingest.roles import Roles

MIN_CONDITION_LIFT = 0.02  # a condition must raise churn by 2 points on its own to be combined
MIN_STEP_GAIN = 0.01  # each added condition must raise the combination's churn by at least 1 point
PAIRS_EXTENDED = 300  # best pairs extended to triples; keeps the search linear in the table size


@dataclass
class Candidate:
    """A combination of conditions with its packed row mask and counts."""

    conditions: tuple[int, ...]
    bits: np.ndarray
    size: int
    churned: int

    @property
    def rate(self) -> float:
        """Return the churn rate of the combination."""
        return self.churned / self.size if self.size else 0.0


def min_segment_size(rows: int, min_size: int, min_share: float) -> int:
    """Return the smallest segment kept: `min_size` clients, or `min_share` of a smaller table."""
    return max(1, min(min_size, math.ceil(min_share * rows)))


def find_segments(frame: pd.DataFrame, roles: Roles, factors: list[dict], settings) -> dict:
    """Return {'min_size', 'searched', 'segments': [...]} with rule segments ranked by churn, overlap capped."""
    churn = frame[roles.churn].to_numpy(dtype=bool)
    n = len(frame)
    overall = churn.mean() if n else 0.0
    min_size = min_segment_size(n, settings.min_segment_size, settings.min_segment_share)
    result = {"min_size": min_size, "searched": 0, "segments": []}
    if n == 0 or churn.sum() in (0, n):
        result["reason"] = "one_outcome"
        return result
    conditions = candidate_conditions(frame, factors, churn, overall, min_size)
    if not conditions:
        result["reason"] = "no_churn_prone_condition"
        return result
    churn_bits = np.packbits(churn)
    features = [c["feature"] for c, _ in conditions]
    singles = [_candidate((i,), np.packbits(mask), churn_bits) for i, (_, mask) in enumerate(conditions)]
    pool = {c.conditions: c for c in singles}
    level = singles
    for _depth in range(2, settings.max_conditions + 1):
        grown = {}
        seeds = sorted(level, key=lambda c: -c.rate)[:PAIRS_EXTENDED]
        for seed in seeds:
            for single in singles:
                i = single.conditions[0]
                if features[i] in {features[j] for j in seed.conditions}:
                    continue
                key = tuple(sorted((*seed.conditions, i)))
                if key in grown or key in pool:
                    continue
                bits = seed.bits & single.bits
                size = int(np.bitwise_count(bits).sum())
                if size < min_size:
                    continue
                cand = Candidate(key, bits, size, int(np.bitwise_count(bits & churn_bits).sum()))
                if _adds_up(cand, pool, singles, churn_bits):
                    grown[key] = cand
        pool.update(grown)
        level = list(grown.values())
        if not level:
            break
    result["searched"] = len(pool)
    eligible = [c for c in pool.values() if c.size >= min_size and c.rate >= overall + MIN_CONDITION_LIFT]
    eligible.sort(key=lambda c: (-c.rate, len(c.conditions), -c.size))
    chosen: list[Candidate] = []
    for cand in eligible:
        if all(_jaccard(cand, other) < settings.max_overlap for other in chosen):
            chosen.append(cand)
        if len(chosen) == settings.segments_max:
            break
    churned_total = int(churn.sum())
    for number, cand in enumerate(chosen, start=1):
        test = two_proportion_test(cand.churned, cand.size, churned_total - cand.churned, n - cand.size)
        result["segments"].append({
            "id": f"S{number}",
            "method": "rules",
            "rule": [conditions[i][0] for i in cand.conditions],
            "share": cand.size / n,
            **rate_summary(cand.churned, cand.size, overall),
            "size": cand.size,
            "p_value": test.get("p_value"),
            "overlap": {f"S{j + 1}": _jaccard(cand, other) for j, other in enumerate(chosen) if other is not cand},
        })
    return result


def candidate_conditions(frame: pd.DataFrame, factors: list[dict], churn: np.ndarray, overall: float,
                         min_size: int) -> list[tuple[dict, np.ndarray]]:
    """Return the single conditions worth combining: large enough and clearly above the overall churn.

    Numeric features offer every run of consecutive bands (a band, 'at least x', 'under x', two bands
    together); categorical ones each level; flags each value.
    """
    out = []
    for factor in factors:
        column = factor["factor"]
        spec = factor["spec"]
        if factor["kind"] == "numeric":
            bounds = [spec.get("floor"), *spec["edges"], None]
            options = [
                {"feature": column, "op": "range", "low": bounds[i] if i else None, "high": bounds[j]}
                for i in range(len(bounds) - 1) for j in range(i + 1, len(bounds))
                if not (i == 0 and j == len(bounds) - 1)
            ]
        else:
            options = [{"feature": column, "op": "==", "value": lvl["value"]}
                       for lvl in factor["levels"] if lvl["kind"] in ("value", "flag")]
        for condition in options:
            mask = condition_mask(frame, condition)
            size = int(mask.sum())
            if size >= min_size and churn[mask].mean() >= overall + MIN_CONDITION_LIFT:
                out.append((condition, mask))
    return out


def _candidate(key: tuple[int, ...], bits: np.ndarray, churn_bits: np.ndarray) -> Candidate:
    """Return a candidate with its counts taken from packed bits."""
    return Candidate(key, bits, int(np.bitwise_count(bits).sum()), int(np.bitwise_count(bits & churn_bits).sum()))


def _adds_up(cand: Candidate, pool: dict, singles: list[Candidate], churn_bits: np.ndarray) -> bool:
    """Return True when dropping any one condition lowers churn by MIN_STEP_GAIN: no passenger conditions."""
    for drop in range(len(cand.conditions)):
        rest = cand.conditions[:drop] + cand.conditions[drop + 1:]
        sub = pool.get(rest)
        if sub is None:
            bits = singles[rest[0]].bits
            for i in rest[1:]:
                bits = bits & singles[i].bits
            sub = _candidate(rest, bits, churn_bits)
        if cand.rate < sub.rate + MIN_STEP_GAIN:
            return False
    return True


def _jaccard(a: Candidate, b: Candidate) -> float:
    """Return |a ∩ b| / |a ∪ b| of two segments."""
    inter = int(np.bitwise_count(a.bits & b.bits).sum())
    union = a.size + b.size - inter
    return inter / union if union else 0.0
