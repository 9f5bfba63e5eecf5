"""How good a churn score is, from labels and probabilities the model never trained on: ranking, precision at
the contact capacity, lift, gains and calibration. Plain numbers out; no language, no model."""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

GAIN_POINTS = 20  # the cumulative-gains curve at every 5 % of clients contacted
CALIBRATION_BINS = 10  # deciles of predicted risk
EPSILON = 1e-6  # probabilities are clipped before the logit: isotonic calibration can give exactly 0 or 1


def contacts(clients: int, share: float) -> int:
    """Return how many clients the contact capacity holds: `share` of them, rounded, at least one."""
    return max(1, min(clients, int(round(clients * share))))


def riskiest(p: np.ndarray, k: int) -> np.ndarray:
    """Return the indexes of the `k` highest probabilities; ties broken by position (the table's order)."""
    p = np.asarray(p, dtype=float)
    n = len(p)
    if not 0 < k < n // 2:
        return falling(p)[:k]
    # a few among many (the contact capacity of ten million clients): the k-th largest value found by a
    # partition, then only those above it and the first of those equal to it sorted, not every client
    threshold = np.partition(p, n - k)[n - k]
    above = np.flatnonzero(p > threshold)
    chosen = np.concatenate([above, np.flatnonzero(p == threshold)[:k - len(above)]])
    return chosen[np.argsort(-p[chosen], kind="stable")]


def falling(p: np.ndarray) -> np.ndarray:
    """Return np.argsort(-p, kind="stable"): the positions of `p` from the highest value down, ties by position.

    Sorted as complex numbers (minus the value, then the position) when no value is NaN: every key is then
    unique, and numpy sorts the pairs themselves in 1.5 s for ten million clients where the stable argsort
    took 2.4 s (positions below 2^53 are exact as floats; -0.0 and 0.0 tie in both)."""
    n = len(p)
    if n < 2 or np.isnan(p).any():  # a NaN's place among complex keys is not argsort's
        return np.argsort(-p, kind="stable")
    keys = np.empty(n, dtype=np.complex128)
    keys.real = p
    np.negative(keys.real, out=keys.real)
    keys.imag = np.arange(n)
    keys.sort()
    return keys.imag.astype(np.intp)


def score_metrics(y: np.ndarray, p: np.ndarray, contact_share: float, order: np.ndarray | None = None) -> dict:
    """Return ROC-AUC, PR-AUC, Brier score, and precision and recall among the riskiest `contact_share`.

    These are the figures two models are compared on; None where they are undefined (one class only).
    `order` is riskiest(p, len(p)) when the caller has it: every figure is read from that one sort.
    """
    y = np.asarray(y, dtype=int)
    p = np.asarray(p, dtype=float)
    both = 0 < y.sum() < len(y)
    k = contacts(len(y), contact_share)
    if order is None:
        order = riskiest(p, len(p)) if both else riskiest(p, k)
    found = int(y[order[:k]].sum())
    roc_auc, pr_auc = ranking_areas(y[order], p[order]) if both else (None, None)
    return {
        "roc_auc": roc_auc,
        "pr_auc": pr_auc,
        "brier": float(np.mean((p - y) ** 2)) if len(y) else None,
        "precision_at_capacity": found / k,
        "recall_at_capacity": found / int(y.sum()) if y.sum() else None,
    }


def ranking_areas(y_sorted: np.ndarray, p_sorted: np.ndarray) -> tuple[float, float]:
    """Return (ROC-AUC, average precision) of labels and scores sorted from the highest score down.

    The same figures as scikit-learn's roc_auc_score and average_precision_score (tied scores form one
    threshold), from the caller's sort: scikit-learn sorts again for each, 7 s for ten million clients.
    """
    last = np.r_[np.flatnonzero(np.diff(p_sorted)), len(p_sorted) - 1]  # the last row of each distinct score
    tps = np.cumsum(y_sorted, dtype=np.int64)[last]
    fps = last + 1 - tps
    tpr = np.r_[0, tps] / tps[-1]
    fpr = np.r_[0, fps] / fps[-1]
    roc_auc = float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1])) / 2)  # trapezoids
    precision = tps / (tps + fps)
    average_precision = float(np.sum(np.diff(tpr) * precision))  # recall steps times the precision reached
    return roc_auc, average_precision


def evaluate(y: np.ndarray, p: np.ndarray, contact_share: float) -> dict:
    """Return every figure of a churn score: score_metrics, the base rate, the contacts and their threshold,
    the confusion matrix at that threshold, the top decile's lift, the gains curve and the calibration."""
    y = np.asarray(y, dtype=int)
    p = np.asarray(p, dtype=float)
    n, churned = len(y), int(y.sum())
    base = churned / n if n else None
    k = contacts(n, contact_share)
    with ThreadPoolExecutor(max_workers=1) as pool:
        # the calibration's logistic fit runs on the other core while the sorts and sums below run on this one
        # (ten million clients: the fit 2.5 s, the rest 3 s; numpy and the fit's loss let go of the GIL)
        fitting = pool.submit(_fit_on_one_thread, y, p)
        order = riskiest(p, n)  # sorted once: a million clients take a tenth of a second a sort
        top = order[:k]
        tp = int(y[top].sum())
        decile = order[:contacts(n, 0.1)]
        out = score_metrics(y, p, contact_share, order)
        calibration = calibration_bins(y, p, lowest_first(order, p))
        fit = fitting.result()
    out.update({
        "clients": n,
        "churned": churned,
        "base_rate": base,
        "brier_reference": base * (1 - base) if base is not None else None,
        "contact_share": contact_share,
        "contacts": k,
        "threshold": float(p[top].min()),
        "confusion": {"true_positive": tp, "false_positive": k - tp, "false_negative": churned - tp,
                      "true_negative": n - k - (churned - tp)},
        "lift_top_decile": (float(y[decile].mean()) / base) if base else None,
        "gains": gains_curve(y, order),
        "calibration": calibration,
        **fit,
    })
    return out


def _fit_on_one_thread(y: np.ndarray, p: np.ndarray) -> dict:
    """Return calibration_fit(y, p), computed on one OpenMP thread (a thread's own limit: the caller's does
    not reach a worker thread)."""
    with threadpool_limits(limits=1, user_api="openmp"):
        return calibration_fit(y, p)


def gains_curve(y: np.ndarray, order: np.ndarray, points: int = GAIN_POINTS) -> list[dict]:
    """Return the cumulative gains: for each share of clients contacted, riskiest first (`order`, from
    riskiest), the share of all churners among them."""
    found = np.cumsum(np.asarray(y)[order])
    total = found[-1] if len(found) else 0
    curve = [{"contacted": 0.0, "found": 0.0}]
    for step in range(1, points + 1):
        share = step / points
        k = contacts(len(order), share)
        curve.append({"contacted": share, "found": float(found[k - 1] / total) if total else 0.0})
    return curve


def lowest_first(order: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Return np.argsort(p, kind="stable") (lowest first, ties by position) from riskiest(p, len(p)) (highest
    first, ties by position): the reverse of it, each run of equal values turned back. Ten million clients
    took 1.8 s to sort again, 0.4 s this way."""
    if np.isnan(p).any():  # NaN has no run: sort again
        return np.argsort(p, kind="stable")
    reverse = order[::-1]
    values = p[reverse]
    starts = np.flatnonzero(np.r_[True, values[1:] != values[:-1]])
    if len(starts) == len(values):  # no tie
        return reverse
    lengths = np.diff(np.r_[starts, len(values)])
    first = np.repeat(starts, lengths)
    last = first + np.repeat(lengths, lengths) - 1
    return reverse[first + last - np.arange(len(values))]


def calibration_bins(y: np.ndarray, p: np.ndarray, order: np.ndarray | None = None,
                     bins: int = CALIBRATION_BINS) -> list[dict]:
    """Return the calibration curve: clients cut into `bins` equal groups by predicted risk, each with its
    mean predicted risk and the share that actually left. `order` is np.argsort(p, kind="stable") when
    the caller has it (lowest_first)."""
    if order is None:
        order = np.argsort(p, kind="stable")  # lowest risk first, ties by the table's order
    out = []
    for part in np.array_split(order, bins):
        if len(part):
            out.append({"clients": int(len(part)), "predicted": float(np.mean(p[part])),
                        "observed": float(np.mean(np.asarray(y)[part]))})
    return out


def calibration_fit(y: np.ndarray, p: np.ndarray) -> dict:
    """Return the calibration slope and intercept: the logistic regression of the outcome on logit(p).

    A slope of 1 means the risks spread as much as the outcomes do; below 1, the model is over-confident.
    """
    y = np.asarray(y, dtype=int)
    if not 0 < y.sum() < len(y):
        return {"calibration_slope": None, "calibration_intercept": None}
    clipped = np.clip(np.asarray(p, dtype=float), EPSILON, 1 - EPSILON)
    logit = np.log(clipped / (1 - clipped)).reshape(-1, 1)
    fit = LogisticRegression(C=math.inf, max_iter=1000).fit(logit, y)  # no penalty: the plain fit
    return {"calibration_slope": float(fit.coef_[0, 0]), "calibration_intercept": float(fit.intercept_[0])}
