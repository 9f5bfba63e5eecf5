"""Churn-prone segments found the way an analyst carves them by hand, and measured honestly.

The search runs on one part of the table (the discovery clients): two or three churn-prone conditions
combined, kept when large enough, ranked by churn, chosen so that they overlap little. Every figure that
is reported comes from the other part (clients the search never saw), where a segment must still churn
significantly above the average, and each of its conditions must still add to it, or it is dropped.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from reportgen.analysis.conditions import MIN_CONDITION_LIFT, candidate_conditions
from reportgen.analysis.rates import holm, rate_summary, two_proportion_test
from reportgen.analysis.rules import RuleMasks, rule_mask
from reportgen.roles import Roles

MIN_STEP_GAIN = 0.01  # each added condition must raise the combination's churn by at least 1 point
SEEDS_EXTENDED = 300  # best combinations extended by one more condition; keeps the search linear in size
SHORTLIST_FACTOR = 2  # candidates validated per segment reported: some fail on unseen clients
MAX_DISCOVERY = 200_000  # clients the search looks at, at most; all the others measure
MIN_CLIENTS, MIN_CHURNED = 200, 30  # below these a table is too small to segment


def min_segment_size(rows: int, min_size: int, min_share: float) -> int:
    """Return the smallest segment kept: `min_size` clients, or `min_share` of a smaller table."""
    return max(1, min(min_size, math.ceil(min_share * rows)))


def discovery_rows(churn: np.ndarray, seed: int) -> np.ndarray:
    """Return a mask of the clients the search may look at: half the table (stratified by churn), capped."""
    n = len(churn)
    take = min(n // 2, MAX_DISCOVERY)
    picked = stratified_pick(churn, take, seed)
    mask = np.zeros(n, dtype=bool)
    mask[picked] = True
    return mask


SMALL_LABELS = 64  # integer labels below this are counted, not sorted (stratified_pick)


def stratified_pick(y: np.ndarray, take: int, seed: int) -> np.ndarray:
    """Return the rows train_test_split(np.arange(len(y)), train_size=take, stratify=y, random_state=seed)
    puts in its first part, drawn as it draws them, for what it accepts: each class two rows at least,
    `take` at least the number of classes and at most len(y) less it (unchecked here: discovery_rows asks
    only that, the search's least table being 200 clients of whom 30 churned).

    scikit-learn's split also builds its second part, a Python list of every other row: 4.4 s of ten
    million clients, against 0.8 s here. A test holds the two equal, row for row (a change of scikit-learn's
    drawing would show there)."""
    from sklearn.model_selection._split import _approximate_mode

    y = np.asarray(y)
    if y.dtype.kind in "iub" and len(y) and 0 <= y.min() and y.max() < SMALL_LABELS:
        # a churn flag: classes counted and their rows found without np.unique's sort (2 s of ten million);
        # the same classes in the same order, each class's rows in the table's order, as the stable sort gives
        counts = np.bincount(y)
        classes = np.flatnonzero(counts)
        counts = counts[classes]
        by_class = [np.flatnonzero(y == label) for label in classes]
    else:
        classes, inverse, counts = np.unique(y, return_inverse=True, return_counts=True)
        by_class = np.split(np.argsort(inverse, kind="stable"), np.cumsum(counts)[:-1])
    rng = np.random.RandomState(seed)
    taken = _approximate_mode(counts, take, rng)
    _approximate_mode(counts - taken, len(y) - take, rng)  # the second part's counts, drawn as sklearn does
    parts = [rows.take(rng.permutation(count), mode="clip")[:k] for rows, count, k in zip(by_class, counts, taken)]
    return rng.permutation(np.concatenate(parts))


def find_segments(frame: pd.DataFrame, roles: Roles, settings, masks: RuleMasks | None = None) -> dict:
    """Return the segment search: segments measured on unseen clients, what was dropped, and how. `masks`
    (over `frame`) keeps the kept segments' conditions for the caller, who reads their members."""
    masks = masks if masks is not None else RuleMasks(frame)
    churn = frame[roles.churn].to_numpy(dtype=int)
    n, churned = len(churn), int(churn.sum())
    min_size = min_segment_size(n, settings.min_segment_size, settings.min_segment_share)
    result = {"min_size": min_size, "searched": 0, "conditions_tested": 0, "segments": [], "dropped": [],
              "validation": None}
    if churned in (0, n):
        result["reason"] = "one_outcome"
        return result
    if n < MIN_CLIENTS or min(churned, n - churned) < MIN_CHURNED:
        result.update(reason="too_small", needed={"clients": MIN_CLIENTS, "churned": MIN_CHURNED})
        return result
    found = discovery_rows(churn, settings.random_state)
    result["validation"] = {
        "method": "holdout", "seed": settings.random_state,
        "discovery": rate_summary(int(churn[found].sum()), int(found.sum())),
        "holdout": rate_summary(int(churn[~found].sum()), int((~found).sum())),
    }
    search = _search(frame[found], churn[found], roles, settings, math.ceil(min_size * found.mean()))
    result["searched"], result["conditions_tested"] = search["searched"], search["conditions_tested"]
    shortlist = _shortlist(masks, search, min_size, settings)
    if not shortlist:
        result["reason"] = "no_churn_prone_condition"
        return result
    masks.keep([entry["rule"] for entry in shortlist])
    kept, dropped = _validate(masks, churn, found, shortlist, settings, min_size)
    masks.keep([segment["rule"] for segment in kept])
    result["dropped"] = dropped
    kept.sort(key=lambda s: -s["churn_rate"])
    full = {i: masks.rule(s["rule"]) for i, s in enumerate(kept)}
    for number, segment in enumerate(kept, start=1):
        segment["id"] = f"S{number}"
    for i, segment in enumerate(kept):
        segment["overlap"] = {kept[j]["id"]: _jaccard(full[i], full[j], segment["size"], kept[j]["size"])
                              for j in full if j != i}
    result["segments"] = kept
    if not kept:
        result["reason"] = "none_held"
    return result


def _search(frame: pd.DataFrame, churn: np.ndarray, roles: Roles, settings, min_size: int) -> dict:
    """Return the combinations found on the discovery clients, best churn first, with their figures there."""
    features = {c: roles.kind(c) for c in roles.features}
    singles, tested = candidate_conditions(frame, features, churn, min_size, settings.alpha)
    out = {"searched": 0, "conditions_tested": tested, "ranked": []}
    if not singles:
        return out
    overall = churn.mean()
    names = [c.rule["feature"] for c in singles]
    rows = np.stack([rule_mask(frame, [c.rule]) for c in singles]).astype(np.float32)
    counts = _Counts(rows, churn.astype(np.float32))
    level = [(i,) for i in range(len(singles))]
    pool = dict.fromkeys(level)
    for _depth in range(2, settings.max_conditions + 1):
        seeds = sorted(level, key=lambda key: -counts.rate(key))[:SEEDS_EXTENDED]
        if not seeds:
            break
        sizes, hits = counts.extend(seeds)
        grown = []
        for s, seed in enumerate(seeds):
            used = {names[i] for i in seed}
            for i in np.flatnonzero(sizes[s] >= min_size):
                if names[i] in used:
                    continue
                key = tuple(sorted((*seed, int(i))))
                if key in pool:
                    continue
                counts.remember(key, sizes[s, i], hits[s, i])
                pool[key] = None
                if _adds_up(key, counts):
                    grown.append(key)
        level = grown
    out["searched"] = len(pool)
    eligible = [k for k in pool if (len(k) == 1 or _adds_up(k, counts))
                and counts.size(k) >= min_size and counts.rate(k) >= overall + MIN_CONDITION_LIFT]
    eligible.sort(key=lambda k: (-counts.rate(k), len(k), -counts.size(k)))
    out["ranked"] = [([singles[i].rule for i in key], int(counts.hits(key)), int(counts.size(key))) for key in eligible]
    out["overall"] = overall
    return out


def _shortlist(masks: RuleMasks, search: dict, min_size: int, settings) -> list[dict]:
    """Return the best discovery combinations that are large enough in the whole table and overlap little.

    Sizes and overlaps are counted on every client: they say nothing of churn, so the holdout's churn
    figures stay unbiased.
    """
    chosen, taken = [], []
    for rule, hits, size in search["ranked"]:
        mask = masks.rule(rule)
        whole = int(np.count_nonzero(mask))
        if whole < min_size or any(_jaccard(mask, other, whole, other_size) >= settings.max_overlap
                                   for other, other_size in taken):
            continue
        taken.append((mask, whole))
        chosen.append({"rule": rule, "discovery": rate_summary(hits, size, search["overall"])})
        if len(chosen) == SHORTLIST_FACTOR * settings.segments_max:
            break
    return chosen


class _Counts:
    """Clients and churners of combinations of single conditions, from one 0/1 matrix (rows: conditions)."""

    CHUNK = 50  # seeds multiplied at once: bounds the memory of a large discovery table

    def __init__(self, rows: np.ndarray, churn: np.ndarray) -> None:
        self.rows, self.churn = rows, churn
        self.known = {(i,): (float(r.sum()), float(r @ churn)) for i, r in enumerate(rows)}

    def mask(self, key: tuple[int, ...]) -> np.ndarray:
        """Return the clients meeting every condition of `key`."""
        return np.logical_and.reduce(self.rows[list(key)] > 0, axis=0)

    def extend(self, seeds: list[tuple[int, ...]]) -> tuple[np.ndarray, np.ndarray]:
        """Return (clients, churners) of each seed combined with each single condition: matrix products."""
        sizes, hits = [], []
        for start in range(0, len(seeds), self.CHUNK):
            seed_rows = np.stack([self.mask(k) for k in seeds[start:start + self.CHUNK]]).astype(np.float32)
            # float32 counts are exact up to 2**24 clients, beyond the discovery cap
            sizes.append(seed_rows @ self.rows.T)
            hits.append((seed_rows * self.churn) @ self.rows.T)
        return np.concatenate(sizes), np.concatenate(hits)

    def remember(self, key: tuple[int, ...], size: float, hits: float) -> None:
        """Keep the counts of a combination computed elsewhere."""
        self.known[key] = (float(size), float(hits))

    def _get(self, key: tuple[int, ...]) -> tuple[float, float]:
        """Return (clients, churners) of `key`, counting them when not yet known."""
        if key not in self.known:
            mask = self.mask(key)
            self.known[key] = (float(mask.sum()), float(self.churn[mask].sum()))
        return self.known[key]

    def size(self, key: tuple[int, ...]) -> float:
        """Return the clients meeting `key`."""
        return self._get(key)[0]

    def hits(self, key: tuple[int, ...]) -> float:
        """Return the churners meeting `key`."""
        return self._get(key)[1]

    def rate(self, key: tuple[int, ...]) -> float:
        """Return the churn rate of `key`."""
        size, hits = self._get(key)
        return hits / size if size else 0.0


def _adds_up(key: tuple[int, ...], counts: _Counts) -> bool:
    """Return True when dropping any one condition lowers churn by MIN_STEP_GAIN: no passenger conditions."""
    rate = counts.rate(key)
    return all(rate >= counts.rate(key[:i] + key[i + 1:]) + MIN_STEP_GAIN for i in range(len(key)))


def _validate(masks: RuleMasks, churn: np.ndarray, found: np.ndarray, shortlist: list[dict], settings,
              min_size: int) -> tuple[list[dict], list[dict]]:
    """Return (segments that hold on the holdout clients, those dropped with the reason).

    On the holdout a condition that no longer raises churn among the clients meeting the others is
    removed first; the segment left must be large enough, overlap little with those kept, and churn
    significantly above the holdout's average (one-sided, Holm over the shortlist).
    """
    held = ~found
    churned = churn.astype(bool)  # a 0/1 flag: churners are counted, not summed (ten million clients)
    base_churned, base_size = int(churn[held].sum()), int(held.sum())
    base = base_churned / base_size
    measured = []
    for entry in shortlist:
        rule, pruned = _prune(masks, churned, held, entry["rule"], settings.alpha)
        mask = masks.rule(rule)
        inside = mask & held
        k, m = int(np.count_nonzero(inside & churned)), int(np.count_nonzero(inside))
        test = two_proportion_test(k, m, base_churned - k, base_size - m)
        p_value = None
        if test["status"] == "ok":
            p_value = test["p_value"] / 2 if test["statistic"] > 0 else 1 - test["p_value"] / 2
        measured.append({"rule": rule, "pruned": pruned, "mask": mask, "discovery": entry["discovery"],
                         **rate_summary(k, m, base), "p_value": p_value})
    adjusted = holm([1.0 if s["p_value"] is None else s["p_value"] for s in measured])
    kept, dropped = [], []
    for segment, p_adj in zip(measured, adjusted):
        segment["p_adjusted"] = p_adj
        mask = segment.pop("mask")
        size = int(np.count_nonzero(mask))
        reason = None
        if size < min_size:
            reason = "too_small"
        elif p_adj >= settings.alpha or (segment["lift_pp"] or 0) <= 0:
            reason = "not_significant_on_unseen"
        elif any(_jaccard(mask, other["_mask"], size, other["size"]) >= settings.max_overlap for other in kept):
            reason = "overlaps_a_kept_segment"
        elif len(kept) == settings.segments_max:
            reason = "beyond_segments_max"
        if reason:
            dropped.append({**segment, "size": size, "reason": reason})
            continue
        kept.append({**segment, "size": size, "share": size / len(churn), "measured_on": "holdout",
                     "_mask": mask})
    for segment in kept:
        del segment["_mask"]
    return kept, dropped


def _prune(masks: RuleMasks, churned: np.ndarray, held: np.ndarray, rule: list[dict], alpha: float
           ) -> tuple[list[dict], list[dict]]:
    """Return (the rule without the conditions that add nothing on the holdout, the conditions removed).

    A condition holds when, among holdout clients meeting every other condition, those meeting it churn
    significantly more (one-sided) than those who do not; the weakest failing condition goes first.
    """
    rule, removed = list(rule), []
    while len(rule) > 1:
        worst, worst_p = None, alpha
        for i, condition in enumerate(rule):
            others = masks.rule(rule[:i] + rule[i + 1:])
            others &= held
            meets = masks.condition(condition) & others
            # the rest are the others less those meeting the condition: counted by difference
            size, hits = int(np.count_nonzero(others)), int(np.count_nonzero(others & churned))
            k, m = int(np.count_nonzero(meets & churned)), int(np.count_nonzero(meets))
            test = two_proportion_test(k, m, hits - k, size - m)
            p = 1.0 if test["status"] != "ok" or test["statistic"] <= 0 else test["p_value"] / 2
            if p >= worst_p:
                worst, worst_p = i, p
        if worst is None:
            break
        removed.append(rule.pop(worst))
    return rule, removed


def _jaccard(a: np.ndarray, b: np.ndarray, size_a: int, size_b: int) -> float:
    """Return |a ∩ b| / |a ∪ b| of two segments' masks, whose sizes (|a|, |b|) the caller counted."""
    both = int(np.count_nonzero(a & b))
    union = size_a + size_b - both
    return both / union if union else 0.0
