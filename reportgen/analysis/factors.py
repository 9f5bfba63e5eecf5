"""Churn by factor: churn rate, interval and lift of every level or band of every feature."""

from __future__ import annotations

import numpy as np
import pandas as pd

from reportgen.analysis.bands import assign_bands, band_bounds, band_label, make_bands
from reportgen.analysis.rates import holm, rate_summary, two_proportion_test
from reportgen.distinct import per_distinct
from reportgen.roles import Roles

# Categorical features keep their largest levels; the rest are pooled as "other".
MAX_LEVELS = 10


def level_codes(frame: pd.DataFrame, column: str, kind: str, spec: dict | None = None) -> tuple[np.ndarray, list[dict], dict]:
    """Return (code per row, level descriptions, spec) for a feature; code -1 means missing.

    `spec` (bands or levels found on an earlier table) makes a later quarter use the same cuts.
    """
    series = frame[column]
    if kind == "numeric":
        spec = spec or make_bands(series)
        codes = assign_bands(series, spec["edges"])
        levels = []
        for i in range(len(spec["edges"]) + 1):
            low, high = band_bounds(spec["edges"], i, spec.get("floor"))
            levels.append({"level_type": "band", "low": low, "high": high,
                           "label": band_label(low, high, spec["integer"])})
        return codes, levels, spec
    if kind == "binary":
        codes = np.where(series.isna(), -1, series.fillna(0).to_numpy(dtype=float).astype(int))
        return codes, [{"level_type": "flag", "value": 0, "label": "0"}, {"level_type": "flag", "value": 1, "label": "1"}], {}
    if spec is None:
        counts = series.value_counts(dropna=True)
        kept = [str(v) for v in counts.index[: MAX_LEVELS - 1 if len(counts) > MAX_LEVELS else MAX_LEVELS]]
        spec = {"levels": kept, "other": len(counts) > len(kept)}
    kept = spec["levels"]
    lookup = {v: i for i, v in enumerate(kept)}
    other = len(kept)
    codes = per_distinct(series, lambda value: lookup.get(value, other), -1, int)
    levels = [{"level_type": "value", "value": v, "label": v} for v in kept]
    if spec.get("other") or (codes == other).any():
        levels.append({"level_type": "other", "value": None, "label": "other"})
    return codes, levels, spec


def churn_by_factor(frame: pd.DataFrame, roles: Roles, alpha: float) -> list[dict]:
    """Return one entry per feature with churn figures for each level, the churn-prone ones flagged.

    A level is churn-prone when its churn is above the overall rate and a two-proportion test against
    the rest of the table stays significant after Holm's correction over every level of every feature.
    """
    churn = frame[roles.churn].to_numpy(dtype=int)
    total, churned_total = len(churn), int(churn.sum())
    overall = churned_total / total if total else 0.0
    factors = []
    for column in roles.features:
        kind = roles.kind(column)
        codes, levels, spec = level_codes(frame, column, kind)
        if (codes == -1).any():
            levels.append({"level_type": "missing", "value": None, "label": "missing"})
        index = np.where(codes == -1, len(levels) - 1, codes)
        sizes = np.bincount(index, minlength=len(levels))
        hits = np.bincount(index, weights=churn, minlength=len(levels)).astype(int)
        for level, n, k in zip(levels, sizes, hits):
            level.update(rate_summary(int(k), int(n), overall))
            test = two_proportion_test(int(k), int(n), churned_total - int(k), total - int(n))
            level["p_value"] = test.get("p_value")
        kept = [lvl for lvl in levels if lvl["customers"] > 0]
        factors.append({
            "factor": column,
            "role": roles.role_of(column),
            "type": kind,
            "spec": spec,
            "missing": int((codes == -1).sum()),
            "levels": kept,
        })
    _flag_churn_prone(factors, alpha)
    for factor in factors:
        lifts = [lvl["lift_pp"] for lvl in factor["levels"] if lvl["lift_pp"] is not None and lvl["level_type"] != "missing"]
        factor["spread_pp"] = (max(lifts) - min(lifts)) if lifts else 0.0
        factor["max_lift_pp"] = max(lifts) if lifts else 0.0
    return factors


def _flag_churn_prone(factors: list[dict], alpha: float) -> None:
    """Set p_adjusted and churn_prone on every level (Holm over all levels that could be tested)."""
    tested = [lvl for f in factors for lvl in f["levels"] if lvl.get("p_value") is not None]
    for level, adjusted in zip(tested, holm([lvl["p_value"] for lvl in tested])):
        level["p_adjusted"] = adjusted
    for factor in factors:
        for level in factor["levels"]:
            level.setdefault("p_adjusted", None)
            level["churn_prone"] = bool(
                level["p_adjusted"] is not None and level["p_adjusted"] < alpha and (level["lift_pp"] or 0) > 0
                and level["level_type"] != "missing"
            )


def churn_prone_intervals(factors: list[dict]) -> list[dict]:
    """Return the churn-prone levels of all features, highest lift first."""
    found = [
        {"factor": f["factor"], "type": f["type"], **{k: lvl[k] for k in ("label", "low", "high", "value") if k in lvl},
         "level_type": lvl["level_type"], "customers": lvl["customers"], "churn_rate": lvl["churn_rate"],
         "churn_rate_ci": lvl["churn_rate_ci"], "lift_pp": lvl["lift_pp"], "lift_ratio": lvl["lift_ratio"],
         "p_adjusted": lvl["p_adjusted"]}
        for f in factors for lvl in f["levels"] if lvl["churn_prone"]
    ]
    return sorted(found, key=lambda x: -x["lift_pp"])
