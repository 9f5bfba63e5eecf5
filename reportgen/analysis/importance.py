"""Key factors: how much each feature matters to the model (permutation importance on clients the model never
saw) and which way it pushes the risk (the model's mean prediction along the feature's values)."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import roc_auc_score
from threadpoolctl import threadpool_limits

from reportgen.analysis.prediction import Fitted

IMPORTANCE_SAMPLE = 5_000  # held-out clients the features are shuffled on
# Shuffles per feature: on 2,000 held-out clients three put the bank table's factors in a stable order (their
# spread is a few thousandths of ROC-AUC) for 0.3 s; five cost 0.5 s for the same order.
REPEATS = 3
DIRECTION_SAMPLE = 500  # clients the mean prediction is taken over, at each value of a feature
GRID = tuple(q / 10 for q in range(1, 10))  # the deciles of a number the mean prediction is read at
MAX_LEVELS = 10  # the most frequent levels of a category read
FLAT = 0.005  # a mean prediction moving less than half a point is no direction


def key_factors(fitted: Fitted, seed: int, sample: int = IMPORTANCE_SAMPLE, repeats: int = REPEATS) -> dict:
    """Return {importance: [factor...], sample, repeats, scoring, baseline}, most important first.

    The first fold's model (uncalibrated: calibration does not change a ranking) is measured on its own
    held-out clients, at most `sample` of them. Each factor: feature, type, importance (the mean loss of
    ROC-AUC when the feature is shuffled), its spread over the shuffles, and the direction of its effect:
    'increases' / 'decreases' (risk rises / falls with the number, or with the flag set), 'peaks' / 'dips'
    (highest / lowest in the middle, `at` that value), 'mixed' (up and down), 'level' (a category: the
    riskiest `level`) or 'flat'; `curve` holds the mean predictions it was read from.
    """
    with threadpool_limits(limits=1):
        rng = np.random.default_rng(seed)
        model, test = fitted.models[0], fitted.tests[0]
        rows = np.sort(rng.choice(test, min(sample, len(test)), replace=False))
        x, y = fitted.x[rows], fitted.y[rows]
        both = 0 < y.sum() < len(y)
        base = float(roc_auc_score(y, model.predict_proba(x)[:, 1])) if both else None
        factors = []
        for index, column in enumerate(fitted.encoding.columns):
            losses = _losses(model, x, y, index, repeats, rng, base) if both else [0.0]
            factors.append({"feature": column, "importance": float(np.mean(losses)),
                            "spread": float(np.std(losses)), **_direction(fitted, model, x, index, rng)})
    factors.sort(key=lambda f: -f["importance"])
    return {"importance": factors, "sample": int(len(rows)), "repeats": repeats, "scoring": "roc_auc",
            "baseline": base}


def _losses(model, x: np.ndarray, y: np.ndarray, index: int, repeats: int, rng: np.random.Generator,
            base: float) -> list[float]:
    """Return the loss of ROC-AUC in each of `repeats` shuffles of one column (predicted in one call)."""
    stacked = np.tile(x, (repeats, 1))
    for r in range(repeats):
        stacked[r * len(x):(r + 1) * len(x), index] = rng.permutation(x[:, index])
    scores = model.predict_proba(stacked)[:, 1].reshape(repeats, len(x))
    return [base - float(roc_auc_score(y, s)) for s in scores]


def _direction(fitted: Fitted, model, x: np.ndarray, index: int, rng: np.random.Generator) -> dict:
    """Return the direction of a feature's effect: the model's mean prediction over sampled clients when each
    is given every value in turn (partial dependence), read along the feature's deciles or levels."""
    sample = x[rng.choice(len(x), min(DIRECTION_SAMPLE, len(x)), replace=False)]
    values = fitted.x[:, index]
    values = values[~np.isnan(values)]
    categorical = fitted.encoding.categorical[index]
    distinct = np.unique(values)
    flag = not categorical and len(distinct) <= 2 and set(distinct.tolist()) <= {0.0, 1.0}
    if categorical:
        codes, counts = np.unique(values, return_counts=True)
        grid = codes[np.argsort(-counts, kind="stable")][:MAX_LEVELS]
    else:
        grid = distinct if flag else (np.unique(np.quantile(values, GRID)) if len(values) else distinct)
    stacked = np.tile(sample, (len(grid), 1))
    stacked[:, index] = np.repeat(grid, len(sample))
    curve = model.predict_proba(stacked)[:, 1].reshape(len(grid), len(sample)).mean(axis=1).tolist() \
        if len(grid) else []
    column = fitted.encoding.columns[index]
    points = [{"value": _label(fitted, column, v, categorical), "risk": r} for v, r in zip(grid, curve)]
    kind = "categorical" if categorical else "binary" if flag else "numeric"
    out = {"type": kind, "direction": "flat", "at": None, "level": None, "curve": points}
    if len(curve) < 2 or max(curve) - min(curve) < FLAT:
        return out
    if categorical:
        return {**out, "direction": "level", "level": points[int(np.argmax(curve))]["value"]}
    return {**out, **_shape(curve, grid)}


def _shape(curve: list[float], grid: np.ndarray) -> dict:
    """Return the direction of a curve of mean predictions, from its moves in order: a move counts when it
    is larger than FLAT and than a sixth of the curve's whole range (so that noise does not)."""
    step = max(FLAT, (max(curve) - min(curve)) / 6)
    moves, last = [], curve[0]
    for point in curve[1:]:
        if abs(point - last) < step:
            continue
        sign = 1 if point > last else -1
        if not moves or sign != moves[-1]:
            moves.append(sign)
        last = point
    if moves == [1]:
        return {"direction": "increases"}
    if moves == [-1]:
        return {"direction": "decreases"}
    if moves == [1, -1]:
        return {"direction": "peaks", "at": float(grid[int(np.argmax(curve))])}
    if moves == [-1, 1]:
        return {"direction": "dips", "at": float(grid[int(np.argmin(curve))])}
    return {"direction": "mixed"}


def _label(fitted: Fitted, column: str, value: float, categorical: bool):
    """Return a grid value as the table shows it: a category's level, or the number."""
    return fitted.encoding.levels[column][int(value)] if categorical else float(value)
