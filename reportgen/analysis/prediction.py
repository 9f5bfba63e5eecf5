"""Churn prediction from a plain feature frame and a label: two models compared out of fold, calibrated risks.

Input: a feature frame X (numbers and yes/no flags as numbers, categories as text), the label y (1: left),
nothing else: a customer table's columns or features computed from a transaction log serve alike.
Every client's risk is predicted by a model that never saw that client (5-fold cross-validation; on a large
table the clients beyond the cross-validation sample are scored by a model fitted on that sample), so every
figure computed from those risks is honest.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedKFold
from threadpoolctl import threadpool_limits

from reportgen.analysis.both_cores import THREADS, on_both_cores
from reportgen.analysis.leakage import leaking_columns
from reportgen.analysis.prediction_metrics import evaluate, score_metrics
from reportgen.analysis.prediction_models import (CALIBRATION_METHOD, CALIBRATION_SHARE, MODELS, Encoding, encode,
                                                  fit_calibrated, fit_encoding)

FOLDS = 5
# Clients in the cross-validation (and the leakage guard): ten features need no more, and a million would
# cost minutes; the clients beyond it are scored by a model fitted on the sample, which never saw them.
MODEL_SAMPLE = 20_000
SCORE_CHUNK = 250_000  # clients scored at once: the model's temporary arrays stay small
MIN_CLASS = 25  # leavers (and stayers) needed: five folds, each with a calibration part holding some


@dataclass
class Fitted:
    """What the importance and the out-of-time check reuse: the matrix, the fold models and their test rows."""

    encoding: Encoding
    x: np.ndarray  # the cross-validated clients' matrix
    y: np.ndarray
    rows: np.ndarray  # their positions in the table
    models: list = field(default_factory=list)  # the chosen kind, uncalibrated, one per fold
    tests: list = field(default_factory=list)  # each fold's test positions within `rows`
    risk: np.ndarray | None = None  # every client's calibrated risk, out of fold
    fold: np.ndarray | None = None  # the fold that scored each client (-1: beyond the sample)


def predict_churn(frame: pd.DataFrame, y: np.ndarray, contact_share: float, seed: int,
                  excluded: list[dict] | None = None, step: Callable[[str], None] | None = None,
                  sample: int = MODEL_SAMPLE) -> tuple[dict, Fitted | None]:
    """Return (the prediction part of the context, the fitted models) for the features `frame` and label `y`.

    `excluded` lists columns already left out by the caller ({column, reason}), reported with those the
    leakage guard removes. The models run on one thread: OpenMP's busy-waiting threads were measured ten
    times slower on a loaded 2-core machine.
    """
    step = step or (lambda _name: None)
    with threadpool_limits(limits=1):
        return _predict(frame, np.asarray(y, dtype=int), contact_share, seed, list(excluded or []), step, sample)


def _predict(frame: pd.DataFrame, y: np.ndarray, contact_share: float, seed: int, excluded: list[dict],
             step: Callable[[str], None], sample: int) -> tuple[dict, Fitted | None]:
    """Return the prediction; see predict_churn."""
    base = {"status": "ok", "reason": None, "folds": FOLDS, "calibration": CALIBRATION_METHOD,
            "calibration_share": CALIBRATION_SHARE, "random_state": seed, "excluded": excluded, "features": []}
    churned = int(y.sum())
    if min(churned, len(y) - churned) < MIN_CLASS:
        return {**base, "status": "not_computable", "reason": "too_few_churned", "needed": MIN_CLASS}, None
    step("leakage")
    encoding = fit_encoding(frame)
    rng = np.random.default_rng(seed)
    rows = np.arange(len(y)) if len(y) <= sample else np.sort(rng.choice(len(y), sample, replace=False))
    # the sample's matrix alone: the clients beyond it are encoded a chunk at a time as they are scored
    # (score_rows), never ten million rows at once (800 MB, and 2.5 s on one core)
    matrix = encode(frame.iloc[rows] if len(rows) < len(y) else frame, encoding)
    leaks = leaking_columns(matrix, encoding.columns, encoding.categorical, y[rows], seed)
    excluded += leaks
    keep = [i for i, c in enumerate(encoding.columns) if c not in {e["column"] for e in leaks}]
    if not keep:
        return {**base, "status": "not_computable", "reason": "no_usable_feature"}, None
    encoding = Encoding([encoding.columns[i] for i in keep], [encoding.categorical[i] for i in keep],
                        {c: v for c, v in encoding.levels.items() if c in {encoding.columns[i] for i in keep}},
                        [c for c in encoding.logged if c in {encoding.columns[i] for i in keep}])
    if len(keep) < matrix.shape[1]:  # a copy of the sample's rows: only when a column was dropped
        matrix = matrix[:, keep]
    step("model")
    fitted, candidates, risks = _cross_validate(encoding, matrix, y[rows], rows, contact_share, seed)
    chosen = max(candidates, key=lambda c: (c["pr_auc"] or 0.0, c["model"] == MODELS[0]))["model"]
    risk = np.empty(len(y))
    fold = np.full(len(y), -1)
    risk[rows] = risks[chosen]
    for number, test in enumerate(fitted[chosen].tests):
        fold[rows[test]] = number
    beyond = np.ones(len(y), dtype=bool)
    beyond[rows] = False
    rest = np.flatnonzero(beyond)
    if len(rest):
        # beyond the sample: one model fitted (and calibrated) on the whole sample, which never saw these
        # clients; the five fold models together took 18 s to score a million clients, this one a fifth of it
        _model, final = fit_calibrated(chosen, encoding, matrix, y[rows], seed)
        risk[rest] = score_rows(final, lambda chunk: encode(frame.iloc[chunk], encoding), rest)
    return {**base, "model": chosen, "candidates": candidates, "features": encoding.columns,
            "cross_validated": int(len(rows)), "metrics": evaluate(y, risk, contact_share)}, \
        _finish(fitted[chosen], risk, fold)


def score_rows(model, matrix: Callable[[np.ndarray], np.ndarray], rows: np.ndarray) -> np.ndarray:
    """Return the model's risk for the given rows, scored a chunk at a time on both cores (prediction releases
    the GIL, so one thread's encoding overlaps the other's scoring); `matrix` returns the encoded rows at the
    positions it is given."""
    chunks = np.array_split(rows, max(THREADS, -(-len(rows) // SCORE_CHUNK)))
    return np.concatenate(on_both_cores(lambda chunk: model.predict_proba(matrix(chunk))[:, 1], chunks))


def _finish(fitted: Fitted, risk: np.ndarray, fold: np.ndarray) -> Fitted:
    """Return the chosen model's folds with every client's risk and fold."""
    fitted.risk, fitted.fold = risk, fold
    return fitted


def _cross_validate(encoding: Encoding, x: np.ndarray, y: np.ndarray, rows: np.ndarray, contact_share: float,
                    seed: int) -> tuple[dict, list[dict], dict]:
    """Return, per candidate model, the fitted folds and the out-of-fold calibrated risks; and the candidates'
    scores. Both candidates see the same folds."""
    split = list(StratifiedKFold(FOLDS, shuffle=True, random_state=seed).split(x, y))
    fitted = {name: Fitted(encoding, x, y, rows) for name in MODELS}
    risks = {name: np.empty(len(y)) for name in MODELS}

    def fit(task: tuple[int, str]):
        train, test = split[task[0]]
        model, calibrated_model = fit_calibrated(task[1], encoding, x[train], y[train], seed)
        return model, calibrated_model.predict_proba(x[test])[:, 1]

    # The ten fits are independent and release the GIL while they compute: both cores, each fit on one
    # OpenMP thread so that none spins waiting for another (two OpenMP threads per fit made a 1-second
    # cross-validation take 14 s on the loaded machine); results do not depend on the order the fits finish in.
    tasks = [(number, name) for number in range(len(split)) for name in MODELS]
    for (number, name), (model, risk) in zip(tasks, on_both_cores(fit, tasks)):
        risks[name][split[number][1]] = risk
        fitted[name].models.append(model)
        fitted[name].tests.append(split[number][1])
    candidates = [{"model": name, **score_metrics(y, risks[name], contact_share)} for name in MODELS]
    return fitted, candidates, risks


def out_of_time(before: pd.DataFrame, y_before: np.ndarray, now: pd.DataFrame, y_now: np.ndarray, model: str,
                contact_share: float, seed: int) -> dict:
    """Return how a model trained on last quarter's clients ranks this quarter's: {status, reason, trained_on,
    scored, features, roc_auc, pr_auc, brier, precision and recall at capacity, base_rate}.

    Only the features both quarters have are used, encoded as last quarter's table was.
    """
    y_before, y_now = np.asarray(y_before, dtype=int), np.asarray(y_now, dtype=int)
    columns = [c for c in now.columns if c in before.columns]
    out = {"status": "ok", "reason": None, "model": model, "trained_on": int(len(y_before)),
           "scored": int(len(y_now)), "features": columns}
    if not columns:
        return {**out, "status": "not_computable", "reason": "no_common_feature"}
    if min(y_before.sum(), len(y_before) - y_before.sum()) < MIN_CLASS:
        return {**out, "status": "not_computable", "reason": "too_few_churned"}
    with threadpool_limits(limits=1):
        encoding = fit_encoding(before[columns])
        _model, calibrated = fit_calibrated(model, encoding, encode(before[columns], encoding), y_before, seed)
        risk = calibrated.predict_proba(encode(now[columns], encoding))[:, 1]
    return {**out, **score_metrics(y_now, risk, contact_share),
            "base_rate": float(y_now.mean()) if len(y_now) else None}
