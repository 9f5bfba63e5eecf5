"""What changed since the previous quarter: churn, clients, each factor's levels, last quarter's segments.

Last quarter's bands and segment rules (and cluster centroids) are re-applied to this quarter's table, so
that a segment is judged on the same definition: did the retention actions work?
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from reportgen.analysis.clusters import assign_clusters
from reportgen.analysis.factors import level_codes
from reportgen.analysis.rates import holm, rate_summary, two_proportion_test
from reportgen.analysis.rules import missing_features, rule_mask
from reportgen.roles import Roles


def compare_quarters(frame: pd.DataFrame, roles: Roles, current: dict, previous: dict,
                     previous_ids: set[str] | None, alpha: float, max_overlap: float) -> dict:
    """Return the comparison of this quarter (frame, results) with the previous quarter's context."""
    churn = frame[roles.churn].to_numpy(dtype=int)
    now, then = current["overview"], previous["overview"]
    overall_test = two_proportion_test(now["churned"], now["customers"], then["churned"], then["customers"])
    remeasured = _segments_now(frame, roles, churn, previous, now["churn_rate"] or 0.0)
    comparison = {
        "previous": {"period": previous["meta"].get("period"), "dataset": previous["meta"].get("dataset"),
                     **{k: then[k] for k in ("customers", "churned", "churn_rate", "churn_rate_ci")}},
        "churn": {"then": then["churn_rate"], "now": now["churn_rate"],
                  "change_pp": _pp(now["churn_rate"], then["churn_rate"]), "test": overall_test},
        "clients": _clients(frame, roles, now, then, previous_ids),
        "factors": _factors_now(frame, roles, churn, previous),
        "segments": remeasured,
        "new_segments": _new_segments(frame, current["segments"], previous, max_overlap),
    }
    _adjust(comparison, alpha)
    return comparison


def _pp(now: float | None, then: float | None) -> float | None:
    """Return the change from `then` to `now` in percentage points."""
    return None if now is None or then is None else (now - then) * 100


def _clients(frame: pd.DataFrame, roles: Roles, now: dict, then: dict, previous_ids: set[str] | None) -> dict:
    """Return clients gained, lost and kept (by id when both quarters have ids), else the net change."""
    out = {"now": now["customers"], "then": then["customers"], "net": now["customers"] - then["customers"],
           "by_id": False, "gained": None, "lost": None, "kept": None}
    if roles.id and previous_ids is not None:
        current_ids = set(frame[roles.id].dropna().astype(str))
        out.update(by_id=True, gained=len(current_ids - previous_ids), lost=len(previous_ids - current_ids),
                   kept=len(current_ids & previous_ids))
    return out


def _factors_now(frame: pd.DataFrame, roles: Roles, churn: np.ndarray, previous: dict) -> list[dict]:
    """Return each factor's levels (last quarter's bands) with churn then and now and the change."""
    out = []
    for factor in previous.get("churn_by_factor", []):
        column = factor["factor"]
        if column not in frame.columns or column not in roles.features:
            out.append({"factor": column, "status": "not_computable", "reason": "column_missing", "levels": []})
            continue
        kind = factor["type"]
        codes, levels, _spec = level_codes(frame, column, kind, factor["spec"] or None)
        entries = []
        for level in factor["levels"]:
            if level["level_type"] == "missing":
                mask = codes == -1
            else:
                index = next((i for i, lvl in enumerate(levels) if lvl["label"] == level["label"]), None)
                if index is None:
                    continue
                mask = codes == index
            n, k = int(mask.sum()), int(churn[mask].sum())
            test = two_proportion_test(k, n, level["churned"], level["customers"])
            now_rate = k / n if n else None
            entries.append({"label": level["label"], "level_type": level["level_type"], "low": level.get("low"),
                            "high": level.get("high"), "value": level.get("value"),
                            "then": level["churn_rate"], "now": now_rate, "customers_now": n,
                            "customers_then": level["customers"], "change_pp": _pp(now_rate, level["churn_rate"]),
                            "p_value": test.get("p_value")})
        out.append({"factor": column, "type": factor["type"],
                    "spec": factor["spec"], "status": "ok", "levels": entries})
    return out


def _segments_now(frame: pd.DataFrame, roles: Roles, churn: np.ndarray, previous: dict, overall: float) -> list[dict]:
    """Return last quarter's segments measured on this quarter's clients (same rules, same centroids)."""
    out = []
    labels = None
    clusters = previous.get("clusters") or {}
    if clusters.get("status") == "ok":
        try:
            labels = assign_clusters(frame, clusters)
        except KeyError:  # a column the clusters used is gone
            labels = None
    for seg in [*previous.get("segments", []), *clusters.get("groups", [])]:
        entry = {"id": seg["id"], "rule": seg.get("rule"), "cluster": seg.get("cluster"),
                 "then": {"size": seg["size"], "customers": seg["customers"], "churned": seg["churned"],
                          "churn_rate": seg["churn_rate"]}}
        if seg.get("rule") is not None:
            lacking = missing_features(frame, seg["rule"])
            if lacking:
                out.append({**entry, "status": "not_computable", "reason": "column_missing"})
                continue
            mask = rule_mask(frame, seg["rule"])
        elif labels is not None:
            mask = labels == seg["cluster"]
        else:
            out.append({**entry, "status": "not_computable", "reason": "column_missing"})
            continue
        n, k = int(mask.sum()), int(churn[mask].sum())
        # last quarter's churn of a rule segment was measured on its unseen clients: test against those
        test = two_proportion_test(k, n, seg["churned"], seg["customers"])
        now = rate_summary(k, n, overall)
        out.append({**entry, "status": "ok", "now": now, "change_pp": _pp(now["churn_rate"], seg["churn_rate"]),
                    "p_value": test.get("p_value")})
    return out


def _new_segments(frame: pd.DataFrame, segments: list[dict], previous: dict, max_overlap: float) -> list[str]:
    """Return the ids of this quarter's rule segments that overlap no segment of last quarter (on today's data)."""
    old_masks = [rule_mask(frame, s["rule"]) for s in previous.get("segments", [])
                 if not missing_features(frame, s["rule"])]
    new = []
    for seg in segments:
        mask = rule_mask(frame, seg["rule"])
        overlaps = [(mask & old).sum() / max((mask | old).sum(), 1) for old in old_masks]
        if not overlaps or max(overlaps) < max_overlap:
            new.append(seg["id"])
    return new


def _adjust(comparison: dict, alpha: float) -> None:
    """Set p_adjusted and `significant` on factor levels and segments (Holm over all of them)."""
    entries = [lvl for f in comparison["factors"] for lvl in f["levels"] if lvl.get("p_value") is not None]
    entries += [s for s in comparison["segments"] if s.get("p_value") is not None]
    for entry, adjusted in zip(entries, holm([e["p_value"] for e in entries])):
        entry["p_adjusted"] = adjusted
        entry["significant"] = adjusted < alpha
    for f in comparison["factors"]:
        for lvl in f["levels"]:
            lvl.setdefault("p_adjusted", None)
            lvl.setdefault("significant", False)
    for seg in comparison["segments"]:
        seg.setdefault("p_adjusted", None)
        seg.setdefault("significant", False)
        seg["improved"] = bool(seg["significant"] and (seg.get("change_pp") or 0) < 0)
    test = comparison["churn"]["test"]
    test["significant"] = bool(test.get("p_value") is not None and test["p_value"] < alpha)
