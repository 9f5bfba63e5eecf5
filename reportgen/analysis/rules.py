"""Machine-readable segment rules: conditions on features, applied to any table that has those columns."""

from __future__ import annotations

import numpy as np
import pandas as pd


def condition_mask(frame: pd.DataFrame, condition: dict) -> np.ndarray:
    """Return the rows meeting one condition; a missing value never meets a condition.

    Conditions: {"feature", "op": "==", "value"}, {"op": "range", "low", "high"} (low inclusive, high
    exclusive, either may be None), {"op": "other", "values": [levels not pooled]}.
    """
    series = frame[condition["feature"]]
    op = condition["op"]
    if op == "==":
        value = condition["value"]
        if pd.api.types.is_numeric_dtype(series):
            return (series.to_numpy(dtype=float) == float(value))
        # a hashed look-up: comparing ten million text cells one by one took 2.4 s, this a tenth of it;
        # the rule's value is a level, never missing, so a missing cell still never matches
        return series.isin([value]).to_numpy(dtype=bool)
    if op == "range":
        x = series.to_numpy(dtype=float)
        mask = ~np.isnan(x)
        if condition.get("low") is not None:
            mask &= x >= condition["low"]
        if condition.get("high") is not None:
            mask &= x < condition["high"]
        return mask
    if op == "other":
        return (series.notna() & ~series.isin(condition["values"])).to_numpy(dtype=bool)
    raise ValueError(f"unknown condition operator {op!r}")


def rule_mask(frame: pd.DataFrame, rule: list[dict]) -> np.ndarray:
    """Return the rows meeting every condition of `rule`."""
    return RuleMasks(frame).rule(rule)


class RuleMasks:
    """The rows of one table meeting conditions and rules, each condition computed once: a segment search asks
    for the same conditions again and again (shortlist, pruning on the holdout, overlaps, members), and on ten
    million clients each costs 0.1-0.3 s. Holds one boolean per row for each condition asked for until
    keep() forgets it."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self._known: dict[tuple, np.ndarray] = {}

    @staticmethod
    def _key(condition):
        """Return a key equal only for conditions equal in structure, and in type and value throughout: each
        value keyed with its type. Keyed by text, np.int64(5) and '5' shared one (the text's rows taken for
        the number's), and a text spelling a key's own form shared another (two reviews' cases)."""
        if isinstance(condition, dict):
            return "dict", tuple(sorted((name, RuleMasks._key(value)) for name, value in condition.items()))
        if isinstance(condition, (list, tuple, np.ndarray, pd.Index)):
            return "sequence", tuple(RuleMasks._key(value) for value in condition)
        return type(condition), condition

    def condition(self, condition: dict) -> np.ndarray:
        """Return the rows meeting `condition` (condition_mask), read-only: it is shared."""
        key = self._key(condition)
        if key not in self._known:
            mask = condition_mask(self.frame, condition)
            mask.flags.writeable = False
            self._known[key] = mask
        return self._known[key]

    def rule(self, rule: list[dict]) -> np.ndarray:
        """Return the rows meeting every condition of `rule` (rule_mask), as a new array of the caller's."""
        if not rule:
            return np.ones(len(self.frame), dtype=bool)
        mask = self.condition(rule[0]).copy()
        for condition in rule[1:]:
            mask &= self.condition(condition)
        return mask

    def keep(self, rules: list[list[dict]]) -> None:
        """Forget every condition that none of `rules` uses (their memory goes back)."""
        used = {self._key(c) for rule in rules for c in rule}
        self._known = {k: v for k, v in self._known.items() if k in used}


def missing_features(frame: pd.DataFrame, rule: list[dict]) -> list[str]:
    """Return the features a rule needs that `frame` lacks."""
    return [c["feature"] for c in rule if c["feature"] not in frame.columns]
