"""The two churn models compared, the feature matrix they read, and probabilities calibrated on a separate split.

A feature frame (numbers and yes/no flags as numbers, categories as text) is encoded once into a float
matrix: categories become integer codes (missing: NaN), which the gradient-boosting model splits on
natively and the logistic regression one-hot encodes. Fitted encodings are plain data, so that another
table (next quarter's, or last quarter's) is encoded the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.frozen import FrozenEstimator
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

from reportgen.analysis.clusters import heavy_tailed
from reportgen.analysis.matrix import stack_columns
from reportgen.distinct import cell_texts, per_distinct_text

MODELS = ("hist_gradient_boosting", "logistic_regression")
MAX_LEVELS = 62  # HistGradientBoosting takes at most max_bins - 1 categories; rarer levels are pooled
OTHER = "\x00other"  # the pooled level (a text no table holds)
CALIBRATION_SHARE = 0.2  # of each training part, kept aside to calibrate the model fitted on the rest
CALIBRATION_METHOD = "sigmoid"
# Gradient boosting settings measured on the bank table (10,000 clients, 5 folds, one thread): the
# defaults (100 iterations of 31 leaves, 255 bins) took 1.8 s for ROC-AUC 0.897; these take 0.65 s for
# 0.898. Fewer, smaller trees also keep the permutation importance fast.
BOOSTING = {"max_iter": 60, "learning_rate": 0.15, "max_leaf_nodes": 15, "max_bins": 63, "early_stopping": False}


@dataclass
class Encoding:
    """How a feature frame becomes a matrix: columns in order, which are categories, and their levels."""

    columns: list[str]
    categorical: list[bool]
    levels: dict[str, list[str]]
    logged: list[str]  # long-tailed non-negative amounts, read on a log scale by the linear model

    def to_dict(self) -> dict:
        """Return the encoding as plain data."""
        return {"columns": self.columns, "categorical": self.categorical, "levels": self.levels, "logged": self.logged}


def is_categorical(series: pd.Series) -> bool:
    """Return True for a column of text or categories (numbers and yes/no flags are numbers)."""
    return not pd.api.types.is_numeric_dtype(series) or isinstance(series.dtype, pd.CategoricalDtype)


def fit_encoding(x: pd.DataFrame) -> Encoding:
    """Return the encoding of a feature frame: the most frequent levels of each category, the long-tailed amounts."""
    categorical, levels, logged = [], {}, []
    for column in x.columns:
        series = x[column]
        if is_categorical(series):
            categorical.append(True)
            counts = series.value_counts(dropna=True) if series.dtype == object else None
            if counts is None or not all(type(level) is str for level in counts.index):
                # numbers among the levels: counted as their text (1 and '1' are one level); a column of
                # texts is counted as it is, without a text copy of every cell (ten million: 1.3 s)
                counts = cell_texts(series).dropna().value_counts()
            kept = [str(v) for v in counts.index[:MAX_LEVELS - 1]]
            levels[column] = kept + ([OTHER] if len(counts) > len(kept) else [])
        else:
            categorical.append(False)
            if heavy_tailed(series.to_numpy(dtype=float)):
                logged.append(column)
    return Encoding(list(x.columns), categorical, levels, logged)


def encode(x: pd.DataFrame, encoding: Encoding) -> np.ndarray:
    """Return the float matrix of `x` under `encoding`: numbers as they are, categories as level codes."""
    return stack_columns(_encoded_columns(x, encoding), len(x), len(encoding.columns))


def _encoded_columns(x: pd.DataFrame, encoding: Encoding) -> Iterator[np.ndarray]:
    """Yield the encoded matrix's columns one at a time (see encode)."""
    for column, categorical in zip(encoding.columns, encoding.categorical):
        series = x[column]
        if not categorical:
            yield series.to_numpy(dtype=float)
            continue
        kept = encoding.levels[column]
        position = {level: i for i, level in enumerate(kept)}
        # a level unseen when fitted is pooled with the rare ones, or missing when none were pooled
        unseen = kept.index(OTHER) if OTHER in kept else np.nan
        yield per_distinct_text(series, lambda text: position.get(text, unseen), np.nan, float)


def make_model(name: str, encoding: Encoding, seed: int):
    """Return an unfitted model: 'hist_gradient_boosting' or the 'logistic_regression' baseline."""
    mask = np.array(encoding.categorical, dtype=bool)
    if name == "hist_gradient_boosting":
        return HistGradientBoostingClassifier(categorical_features=mask if mask.any() else None,
                                              random_state=seed, **BOOSTING)
    numeric = [i for i, c in enumerate(encoding.columns) if not mask[i]]
    logged = [i for i, c in enumerate(encoding.columns) if c in encoding.logged]
    plain = [i for i in numeric if i not in logged]
    parts = []
    if plain:
        parts.append(("numbers", make_pipeline(SimpleImputer(strategy="median", add_indicator=True),
                                               StandardScaler()), plain))
    if logged:
        parts.append(("amounts", make_pipeline(FunctionTransformer(_log_amounts),
                                               SimpleImputer(strategy="median", add_indicator=True),
                                               StandardScaler()), logged))
    categories = [i for i in range(len(mask)) if mask[i]]
    if categories:
        parts.append(("levels", make_pipeline(SimpleImputer(strategy="constant", fill_value=-1.0),
                                              OneHotEncoder(handle_unknown="ignore")), categories))
    return make_pipeline(ColumnTransformer(parts), LogisticRegression(max_iter=1000))


def _log_amounts(x: np.ndarray) -> np.ndarray:
    """Return log(1 + x) of non-negative amounts (missing values stay missing)."""
    return np.log1p(np.clip(x, 0, None))


def fit_calibrated(name: str, encoding: Encoding, x: np.ndarray, y: np.ndarray, seed: int):
    """Return (model, calibrated): `name` fitted on most of the rows, and its probabilities calibrated
    (Platt's sigmoid) on the rest, which the model never saw."""
    fit_x, cal_x, fit_y, cal_y = train_test_split(x, y, test_size=CALIBRATION_SHARE, stratify=y, random_state=seed)
    model = make_model(name, encoding, seed).fit(fit_x, fit_y)
    # A frozen model is not refitted, so the calibrator sees the same scores whatever the number of splits:
    # two splits instead of the default five save three passes over the calibration rows.
    calibrated = CalibratedClassifierCV(FrozenEstimator(model), method=CALIBRATION_METHOD, cv=2).fit(cal_x, cal_y)
    return model, calibrated
