"""Behavioural clusters: KMeans on scaled features, k chosen by silhouette, clusters of a handful refused.

The fitted transform (imputation, log, one-hot levels, scaling) and the centroids are returned as plain
data, so that a later quarter can assign its clients to the same clusters.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from threadpoolctl import threadpool_limits

from reportgen.roles import Roles
from reportgen.analysis.matrix import stack_columns
from reportgen.distinct import per_distinct
from reportgen.analysis.moments import skewness
from reportgen.analysis.both_cores import on_both_cores

SILHOUETTE_SAMPLE = 2_000  # silhouette is quadratic in rows: 5.6 s on 10,000 rows, 0.25 s on 2,000
CHOICE_SAMPLE = 20_000  # k is chosen on at most this many rows (fitting every k on a million takes minutes)
FIT_SAMPLE = 100_000  # the chosen k is refitted on at most this many rows, then every row is assigned
# Above this many rows the matrix is never built whole (ten million rows of fourteen columns: 1.1 GB): the
# samples are encoded on their own and every row is assigned a block at a time (EncodedRows)
LAZY_ROWS = 1_000_000
ASSIGN_BLOCK = 250_000
WHOLE_ROWS = 200_000  # up to this many rows, the distinct rows are counted (a sort of the whole matrix)
MAX_ONE_HOT = 10
SKEW_FOR_LOG = 2.0
# After scaling, a 0/1 column splits the rows into two far-apart groups and drags KMeans into clustering
# on gender or city alone. Yes/no features weigh half a numeric one, and a categorical feature's dummies
# share half a weight between them, so the clusters describe behaviour (balance, products, activity...).
FLAG_WEIGHT = 0.5


def find_clusters(frame: pd.DataFrame, roles: Roles, settings, min_size: int = 1, fallback: bool = True) -> dict:
    """Return the chosen clustering (k, candidates with silhouette and inertia, transform, centroids, labels).

    A k is accepted when its smallest cluster holds `settings.min_cluster_share` of the rows and at least
    `min_size` rows. When no k is, `fallback` keeps the most balanced split; without it the clustering is
    not computable (reason 'small_clusters'), with the candidates kept to show why.
    """
    # KMeans on these small matrices is fastest on one thread; with OpenMP's busy-waiting threads it was
    # measured 50 times slower on a loaded 2-core machine (3.4 s instead of 0.07 s for one fit)
    with threadpool_limits(limits=1, user_api="openmp"):
        return _find_clusters(frame, roles, settings, min_size, fallback)


def _find_clusters(frame: pd.DataFrame, roles: Roles, settings, min_size: int, fallback: bool) -> dict:
    """Return the clustering; see find_clusters."""
    transform = _describe_columns(frame, roles)
    if not transform["columns"]:
        return {"status": "not_computable", "reason": "no_usable_feature", "labels": None}
    if len(frame) > LAZY_ROWS:
        # each column's mean and spread as it is encoded, a column or two in memory at a time
        moments = [m for part in on_both_cores(lambda name: _moments(frame, transform, name), _sources(transform))
                   for m in part]
        _set_scaling(transform, [m for m, _ in moments], [s for _, s in moments])
        x = EncodedRows(frame, transform)
    else:
        x = _encode(frame, transform)
        _set_scaling(transform, x.mean(axis=0), x.std(axis=0))
        _scale_in_place(x, transform, weighted=True)  # the matrix the scaling was fitted on: encoded once
    return {**kmeans_by_silhouette(x, settings, min_size, fallback), "transform": transform}


class EncodedRows:
    """The scaled, weighted clustering matrix of a large table, encoded only where it is read: the rows of a
    sample, or every row a block at a time to assign it to a cluster."""

    def __init__(self, frame: pd.DataFrame, transform: dict) -> None:
        self.frame, self.transform = frame, transform

    def __len__(self) -> int:
        return len(self.frame)

    def take(self, rows: np.ndarray) -> np.ndarray:
        """Return the matrix's rows at these positions, in this order."""
        return apply_transform(self.frame.iloc[rows], self.transform)

    def assign(self, model: KMeans) -> np.ndarray:
        """Return every row's cluster under the fitted model, blocks of rows encoded and assigned on both cores."""
        return np.concatenate(on_both_cores(
            lambda start: model.predict(self.take(np.arange(start, min(start + ASSIGN_BLOCK, len(self))))),
            range(0, len(self), ASSIGN_BLOCK)))


def kmeans_by_silhouette(x: np.ndarray | EncodedRows, settings, min_size: int = 1, fallback: bool = True,
                         choice_sample: int = CHOICE_SAMPLE) -> dict:
    """Return KMeans on the rows of `x`, k in clusters_min..clusters_max chosen by silhouette (see find_clusters).

    `x` is a matrix or, for a large table, its EncodedRows. k is chosen on at most `choice_sample` rows
    (seeded), silhouette on at most SILHOUETTE_SAMPLE of them; every row is assigned. Not computable
    ('too_few_rows', 'identical_rows') when no k in the range can be fitted. The result has no transform: the
    caller adds its own. Run it under threadpool_limits, as find_clusters does.
    """
    if isinstance(x, EncodedRows) and len(x) <= max(WHOLE_ROWS, choice_sample, FIT_SAMPLE):
        x = x.take(np.arange(len(x)))  # small enough to be held whole

    def rows_at(index: np.ndarray) -> np.ndarray:
        return x.take(index) if isinstance(x, EncodedRows) else x[index]

    distinct = len(np.unique(x, axis=0)) if len(x) <= WHOLE_ROWS else len(x)
    k_max = min(settings.clusters_max, distinct - 1, len(x) - 1, len(x) // max(min_size, 1))
    if k_max < settings.clusters_min:
        reason = "identical_rows" if distinct < 2 else "too_few_rows"
        return {"status": "not_computable", "reason": reason, "labels": None}
    rng = np.random.default_rng(settings.random_state)
    choice = x if len(x) <= choice_sample else rows_at(rng.choice(len(x), choice_sample, replace=False))
    sil_index = rng.choice(len(choice), min(SILHOUETTE_SAMPLE, len(choice)), replace=False)
    candidates, models = [], {}
    for k in range(settings.clusters_min, k_max + 1):
        model = KMeans(n_clusters=k, n_init=4, random_state=settings.random_state).fit(choice)
        labels = model.labels_
        counts = np.bincount(labels, minlength=k)
        shares = counts / len(choice)
        sample_labels = labels[sil_index]
        silhouette = (float(silhouette_score(choice[sil_index], sample_labels))
                      if len(np.unique(sample_labels)) > 1 else None)
        accepted = bool(shares.min() >= settings.min_cluster_share and counts.min() >= min_size
                        and silhouette is not None)
        candidates.append({"k": k, "silhouette": silhouette, "inertia": float(model.inertia_),
                           "min_share": float(shares.min()), "accepted": accepted})
        models[k] = model
    accepted = [c for c in candidates if c["accepted"]]
    if accepted:
        best = max(accepted, key=lambda c: c["silhouette"])
        why = "best_silhouette"
    elif not fallback:
        return {"status": "not_computable", "reason": "small_clusters", "labels": None, "candidates": candidates}
    else:  # every k leaves a tiny cluster: keep the most balanced split
        best = max(candidates, key=lambda c: c["min_share"])
        why = "most_balanced"
    model = models[best["k"]]
    fit_rows = choice
    if len(x) > len(choice):
        # refit on a larger sample, starting from the chosen centroids: a few cheap iterations
        fit_rows = x if len(x) <= FIT_SAMPLE else rows_at(rng.choice(len(x), FIT_SAMPLE, replace=False))
        model = KMeans(n_clusters=best["k"], init=model.cluster_centers_, n_init=1,
                       random_state=settings.random_state).fit(fit_rows)
    labels = x.assign(model) if isinstance(x, EncodedRows) else model.predict(x)
    return {
        "status": "ok",
        "k": best["k"],
        "choice": why,
        "candidates": candidates,
        "centroids": model.cluster_centers_.tolist(),
        "chosen_on": int(len(choice)),
        "fitted_on": int(len(fit_rows)),
        "silhouette_sample": int(len(sil_index)),
        "labels": labels,
    }


def _describe_columns(frame: pd.DataFrame, roles: Roles) -> dict:
    """Return the feature transform as plain data (medians, logged columns, one-hot levels, weights), its
    scaling still empty (_set_scaling)."""
    columns, impute, logged, levels, dropped = [], {}, [], {}, []
    numbers = [*roles.numeric, *roles.binary]
    for column, described in zip(numbers, on_both_cores(lambda name: _describe_number(frame[name]), numbers)):
        if described is None:
            dropped.append(column)
            continue
        impute[column], tailed = described
        if tailed:
            logged.append(column)  # money columns: a few millionaires would otherwise make their own cluster
        columns.append(column)
    for column in roles.categorical:
        counts = frame[column].value_counts()
        if len(counts) < 2:
            dropped.append(column)
            continue
        levels[column] = [str(v) for v in counts.index[:MAX_ONE_HOT]]
        columns.extend(f"{column}={v}" for v in levels[column])
    weights = [FLAG_WEIGHT if c in roles.binary else 1.0 for c in impute]
    for kept in levels.values():
        weights.extend([FLAG_WEIGHT / np.sqrt(len(kept))] * len(kept))
    return {"columns": columns, "impute": impute, "log": logged, "levels": levels, "dropped": dropped,
            "mean": [], "scale": [], "weights": weights}


def _describe_number(series: pd.Series) -> tuple[float, bool] | None:
    """Return a number column's median and whether it is heavy-tailed once imputed with it, or None when it
    has not two distinct values."""
    values = series.astype(float)
    # two distinct values at least: the smallest below the largest (counting every distinct value of ten
    # million clients took 3 s)
    if values.notna().sum() == 0 or not values.min() < values.max():
        return None
    median = float(values.median())
    return median, heavy_tailed(values.fillna(median).to_numpy())


def _set_scaling(spec: dict, means, deviations) -> None:
    """Set the transform's mean and scale (the standard deviation; 1 for a constant column)."""
    spec["mean"] = [float(m) for m in means]
    spec["scale"] = [float(d) if d > 0 else 1.0 for d in deviations]


def heavy_tailed(values: np.ndarray) -> bool:
    """Return True for non-negative values with a long right tail (money): they are read on a log scale."""
    values = values[~np.isnan(values)]
    return bool(len(values) and values.min() >= 0 and skewness(values) > SKEW_FOR_LOG)


def standardise(frame: pd.DataFrame, spec: dict) -> np.ndarray:
    """Return the feature matrix of `frame` in standard units of the fitted table (logged, unweighted)."""
    return _scale_in_place(_encode(frame, spec), spec, weighted=False)


def apply_transform(frame: pd.DataFrame, spec: dict) -> np.ndarray:
    """Return the scaled, weighted feature matrix of `frame` under a fitted transform (see _find_clusters)."""
    return _scale_in_place(_encode(frame, spec), spec, weighted=True)


def _scale_in_place(x: np.ndarray, spec: dict, weighted: bool) -> np.ndarray:
    """Return x in standard units (and weighted), computed in place: ten million rows make no copies."""
    x -= np.asarray(spec["mean"])
    x /= np.asarray(spec["scale"])
    if weighted:
        x *= np.asarray(spec["weights"])
    return x


def assign_clusters(frame: pd.DataFrame, clusters: dict) -> np.ndarray:
    """Return each row's nearest centroid under a stored clustering (for re-measuring a later quarter)."""
    x = apply_transform(frame, clusters["transform"])
    centroids = np.asarray(clusters["centroids"])
    distances = ((x[:, None, :] - centroids[None, :, :]) ** 2).sum(axis=2)
    return distances.argmin(axis=1)


def _encode(frame: pd.DataFrame, spec: dict) -> np.ndarray:
    """Return the unscaled matrix: imputed (and logged) numbers, then one-hot levels."""
    width = len(spec["impute"]) + sum(len(kept) for kept in spec["levels"].values())
    return stack_columns(_encoded_columns(frame, spec), len(frame), width)


def _encoded_columns(frame: pd.DataFrame, spec: dict) -> Iterator[np.ndarray]:
    """Yield the unscaled matrix's columns one at a time (see _encode)."""
    for source in _sources(spec):
        yield from _encoded_source(frame, spec, source)


def _sources(spec: dict) -> list[str]:
    """Return the table's columns the matrix is encoded from, in the matrix's order."""
    return [*spec["impute"], *spec["levels"]]


def _encoded_source(frame: pd.DataFrame, spec: dict, column: str) -> Iterator[np.ndarray]:
    """Yield the matrix's columns made from one of the table's: its imputed (and logged) numbers, or one 0/1
    column per kept level."""
    if column in spec["impute"]:
        values = frame[column].astype(float).fillna(spec["impute"][column]).to_numpy()
        yield np.log1p(np.clip(values, 0, None)) if column in spec["log"] else values
        return
    kept = spec["levels"][column]
    # each cell's level (-1: none kept, or missing), then one 0/1 column per kept level
    level = per_distinct(frame[column].astype(object),
                         lambda value: next((i for i, name in enumerate(kept) if value == name), -1), -1, int)
    for index in range(len(kept)):
        yield level == index


def _moments(frame: pd.DataFrame, spec: dict, column: str) -> list[tuple[float, float]]:
    """Return the mean and standard deviation of each matrix column made from one of the table's."""
    return [(encoded.mean(), encoded.std()) for encoded in map(np.asarray, _encoded_source(frame, spec, column))]
