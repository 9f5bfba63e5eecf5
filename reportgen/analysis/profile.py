"""Segment profiles: every feature summarised inside the segment and in the whole base, and what sets it apart."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from reportgen.analysis.moments import skewness
from reportgen.roles import Roles

SKEWED = 2.0  # skewness above which medians describe a feature better than means
OVER_REPRESENTED = 1.15  # a level this many times more frequent than in the base counts as over-represented
# enough to name a group and still say what sets it apart beyond its definition (render: personas)
DISTINGUISHING = 6


def base_summary(frame: pd.DataFrame, roles: Roles) -> dict:
    """Return each feature's summary over the whole table (the reference every profile is compared with)."""
    return {column: _summarise(frame[column], roles.kind(column)) for column in roles.features}


def profile(frame: pd.DataFrame, mask: np.ndarray, roles: Roles, base: dict) -> dict:
    """Return the segment's summary of every feature next to the base's, and its most distinctive features."""
    features = {}
    scores = []
    for column in roles.features:
        kind = roles.kind(column)
        # one column of the segment at a time: five million clients' whole rows (ids included) were 0.6 GB
        seg = _summarise(frame[column][mask], kind)
        ref = base[column]
        entry = {"type": kind, "role": roles.role_of(column), **seg, "base": ref}
        if kind == "categorical":
            entry["over_represented"] = _over_represented(seg["shares"], ref["shares"])
        features[column] = entry
        score = _distinctness(kind, seg, ref)
        if score is not None:
            scores.append({"feature": column, "type": kind, **score})
    scores.sort(key=lambda s: -abs(s["score"]))
    return {"features": features, "distinguishing": scores[:DISTINGUISHING]}


def _summarise(series: pd.Series, kind: str) -> dict:
    """Return mean/median (numeric), share of 1 (binary) or level shares and majority (categorical)."""
    if kind == "numeric" and series.dtype == np.float64:
        # the present values from the column's own array: dropna, then isna, each went over the column again
        # (ten million clients: 0.3 s a feature, for the base and for every segment and cluster)
        values = series.to_numpy()
        present = values[~np.isnan(values)]
    else:
        present = series.dropna()
    out = {"n": int(len(present)), "missing": int(len(series) - len(present))}
    if kind == "numeric":
        x = present if isinstance(present, np.ndarray) else present.to_numpy(dtype=float)
        if len(x):
            q1, median, q3 = np.quantile(x, [0.25, 0.5, 0.75])
            out.update(mean=_num(x.mean()), median=_num(median), std=_num(x.std()), q1=_num(q1), q3=_num(q3),
                       skewed=skewness(x) > SKEWED)
        else:
            out.update(mean=None, median=None, std=None, q1=None, q3=None, skewed=False)
    elif kind == "binary":
        out["share"] = _num(present.mean()) if len(present) else None
    else:
        shares = present.value_counts(normalize=True)
        if not all(isinstance(level, str) for level in shares.index):
            # numbers among the levels: counted as their text, as the report shows them (1 and '1' are one)
            shares = present.astype(str).value_counts(normalize=True)
        out["shares"] = {str(k): float(v) for k, v in shares.head(12).items()}
        out["majority"] = str(shares.index[0]) if len(shares) else None
        out["majority_share"] = float(shares.iloc[0]) if len(shares) else None
    return out


def _over_represented(shares: dict, base: dict) -> list[dict]:
    """Return levels clearly more frequent in the segment than in the base, strongest first."""
    found = []
    for level, share in shares.items():
        ref = base.get(level)
        if ref and share >= 0.1 and share / ref >= OVER_REPRESENTED:
            found.append({"level": level, "share": share, "base_share": ref, "ratio": share / ref})
    return sorted(found, key=lambda f: -f["ratio"])


def _distinctness(kind: str, seg: dict, ref: dict) -> dict | None:
    """Return how far the segment sits from the base on a feature, in standard units, with the direction."""
    if kind == "numeric":
        if seg["mean"] is None or not ref["std"]:
            return None
        spread = (ref["q3"] - ref["q1"]) / 1.349  # robust standard deviation
        if ref["skewed"] and spread > 0:
            # a few huge balances make the mean and sd useless; compare medians in robust units
            score = (seg["median"] - ref["median"]) / spread
        else:
            score = (seg["mean"] - ref["mean"]) / ref["std"]
        return {"score": score, "direction": "higher" if score > 0 else "lower"}
    if kind == "binary":
        p, q = seg["share"], ref["share"]
        if p is None or q in (None, 0, 1):
            return None
        score = (p - q) / math.sqrt(q * (1 - q))
        return {"score": score, "direction": "higher" if score > 0 else "lower"}
    best = None
    for level, share in seg["shares"].items():
        q = ref["shares"].get(level)
        if not q or q >= 1:
            continue
        score = (share - q) / math.sqrt(q * (1 - q))
        if best is None or score > best["score"]:
            best = {"score": score, "direction": "higher", "level": level, "share": share, "base_share": q}
    return best


def _num(value) -> float | None:
    """Return a JSON-safe float (None for NaN)."""
    value = float(value)
    return None if math.isnan(value) else value
