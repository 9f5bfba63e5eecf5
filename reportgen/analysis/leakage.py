"""Leakage guards: columns that hold the answer (a copy of the churn flag, a closing date only leavers have)
would give a perfect model that predicts nothing. Each is found alone, out of fold, and left out with its reason."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold
from sklearn.tree import DecisionTreeClassifier

PERFECT_AUC = 0.99  # one column that ranks leavers this well, out of fold, is the answer in disguise
TREE = {"max_leaf_nodes": 16, "min_samples_leaf": 5}


def leaking_columns(x: np.ndarray, columns: list[str], categorical: list[bool], y: np.ndarray,
                    seed: int, folds: int = 3) -> list[dict]:
    """Return the columns of the encoded matrix `x` that give away the label: {column, reason, auc}.

    reason 'equal_to_label': the column is the flag itself (or its opposite); 'perfect_predictor': on its
    own it separates leavers from the others with a ROC-AUC of at least PERFECT_AUC on clients it was not
    fitted on (a small tree for numbers, each level's churn rate for categories: any mapping is caught).
    """
    y = np.asarray(y, dtype=int)
    found = []
    split = list(StratifiedKFold(folds, shuffle=True, random_state=seed).split(x, y))
    for index, column in enumerate(columns):
        values = x[:, index]
        present = ~np.isnan(values)
        same = np.array_equal(values, y) or np.array_equal(values, 1 - y)
        if not categorical[index] and present.all() and same:
            found.append({"column": column, "reason": "equal_to_label", "auc": 1.0})
            continue
        score = _single_column_auc(values, categorical[index], y, split)
        if score is not None and score >= PERFECT_AUC:
            found.append({"column": column, "reason": "perfect_predictor", "auc": score})
    return found


def _single_column_auc(values: np.ndarray, categorical: bool, y: np.ndarray, split: list) -> float | None:
    """Return the out-of-fold ROC-AUC of one column on its own (either direction), or None if undefined."""
    oof = np.zeros(len(y))
    for train, test in split:
        if categorical:
            oof[test] = _level_rates(values[train], y[train], values[test])
        else:
            tree = DecisionTreeClassifier(random_state=0, **TREE).fit(values[train].reshape(-1, 1), y[train])
            oof[test] = tree.predict_proba(values[test].reshape(-1, 1))[:, 1]
    if not 0 < y.sum() < len(y):
        return None
    auc = float(roc_auc_score(y, oof))
    return max(auc, 1 - auc)


def _level_rates(train: np.ndarray, y: np.ndarray, test: np.ndarray) -> np.ndarray:
    """Return, for each test value, the churn rate of its level among the training rows (missing: a level)."""
    key_train = np.where(np.isnan(train), -1.0, train)
    key_test = np.where(np.isnan(test), -1.0, test)
    levels, inverse = np.unique(key_train, return_inverse=True)
    rates = np.bincount(inverse, weights=y) / np.bincount(inverse)
    position = np.searchsorted(levels, key_test)
    position = np.clip(position, 0, len(levels) - 1)
    known = levels[position] == key_test
    return np.where(known, rates[position], y.mean())
