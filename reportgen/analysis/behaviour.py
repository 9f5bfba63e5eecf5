"""Behaviour segmentation of a table without a churn flag: distributions, KMeans clusters, traits, playbook.

Frames in, plain JSON-able data out: no language, no file format. `analyse_behaviour` returns

    {
      "overview": {"clients": 200},
      "distributions": {column: distribution, ...},        # every feature, numeric then yes/no then categorical
      "base_profile": {column: summary over all clients},   # as reportgen.analysis.profile.base_summary
      "clusters": clustering,
    }

A numeric distribution (for small-multiple histograms):

    {"type": "numeric", "role": "income" | None, "count": 198, "missing": 2,
     "mean", "median", "q1", "q3", "min", "max", "std": floats (None when count is 0),
     "histogram": {"scale": "linear" | "log" | "discrete", "edges": [k + 1 floats], "counts": [k ints]} | None}

    "log": a heavy-tailed non-negative column (money); the edges are evenly spaced on log(1 + x), the
    first is 0 or the minimum. "discrete": whole numbers spanning fewer than 20 values, one bin per value
    (edges at v - 0.5, v + 0.5), so it may have fewer than 10 bins. Otherwise 10 to 20 even bins
    (Freedman-Diaconis width, clipped). The last bin includes its upper edge.

A yes/no or categorical distribution:

    {"type": "binary" | "categorical", "role": ..., "count": 198, "missing": 2,
     "levels": [{"level": 1 | "Female", "count": 112, "share": 0.566}, ...],   # most frequent first
     "other": {"levels": 3, "count": 9, "share": 0.045} | None}                 # categories beyond the first 12

The clustering, when it could be computed:

    {"status": "ok", "k": 5, "choice": "best_silhouette",
     "candidates": [{"k": 2, "silhouette": 0.32, "inertia": 269.7, "min_share": 0.38, "accepted": true}, ...],
     "min_share": 0.02, "min_size": 5,            # a k is accepted only if its smallest cluster has both
     "outliers": {"count": 3, "rows": [102, 103, 104]},  # extreme clients set aside (see below); count 0 mostly
     "trait_threshold": 0.5, "max_traits": 3,
     "transform": {...}, "centroids": [[...], ...],  # to assign next quarter's clients (clusters.assign_clusters)
     "chosen_on": 200, "fitted_on": 200, "silhouette_sample": 200,
     "groups": [cluster, ...]}                   # largest first; C1 is the largest

and otherwise {"status": "not_computable", "reason": "no_usable_feature" | "too_few_rows" |
"identical_rows" | "small_clusters", "candidates": [...] (for small_clusters), "min_share", "min_size",
"outliers", "groups": []}.

When every k leaves a cluster of a handful of clients, those clients (at most 5, or 2 % of the table) are
set aside as outliers (rows: their row numbers in the file, the first ten) and the others are clustered:
sizes then add up to the clients minus the outliers, shares are of all clients, and z is measured against
the clients clustered.

One cluster:

    {"id": "C1", "cluster": 0,                   # index into centroids
     "size": 81, "share": 0.405,
     "profile": {"features": {column: {... as profile.profile, and "z": float | None for numeric and yes/no
                                       features, "z_levels": {level: z} for categorical ones}},
                 "distinguishing": [...]},
     "standardised": [{"feature": "Annual Income (k$)", "role": "income", "level": None, "z": 1.04},
                      {"feature": "Gender", "role": "gender", "level": "Female", "z": 0.12}, ...],
     "traits": [{"feature": "Annual Income (k$)", "role": "income", "direction": "high", "z": 1.04},
                {"feature": "Spending Score (1-100)", "role": "spending_score", "direction": "low", "z": -1.25}],
     "name_unique": true,
     "recommendations": [{"id", "priority", "horizon", "generic", "figures"}, ...]}  # as playbook.recommend

`z` is the cluster's mean minus the mean of all clients, in standard deviations of all clients, on the
scale the clusters are found on (log(1 + x) for heavy-tailed money columns; the share for a yes/no
feature or a category's level). Traits are what sets a cluster apart: its strongest features with |z| at
least `trait_threshold`, at most `max_traits`, strongest first; a category's trait names its
over-represented `level` and is always "high". An empty list means the cluster is close to all clients on
every feature ("average clients"). When two clusters would get the same list of (feature, level,
direction), each gets its next strongest trait, below the threshold or beyond three if need be, until
they differ; `name_unique` is false only when even all their features cannot tell them apart.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pandas as pd

from reportgen.analysis.clusters import find_clusters, heavy_tailed, standardise
from reportgen.analysis.playbook import recommend
from reportgen.analysis.profile import base_summary, profile
from reportgen.roles import Roles

MIN_BINS, MAX_BINS = 10, 20
MAX_LEVELS = 12  # categories shown one by one; the rest are pooled as "other"
MIN_CLUSTER_SIZE = 5  # a cluster of fewer clients is a handful of outliers, not a segment
MAX_OUTLIER_SHARE = 0.02  # extreme clients set aside so that the others can be clustered: at most this share
TRAIT_THRESHOLD = 0.5
MAX_TRAITS = 3


def analyse_behaviour(frame: pd.DataFrame, roles: Roles, settings, playbook: dict,
                      step: Callable[[str], None] | None = None) -> dict:
    """Return the distributions, clusters, traits and recommendations of a table without a churn flag.

    `settings` are the analysis settings (clusters_min, clusters_max, min_cluster_share, random_state);
    `step(name)` is called as each stage starts ('distributions', 'clusters').
    """
    step = step or (lambda _name: None)
    step("distributions")
    distributions = {column: distribution(frame[column], roles.kind(column), roles.role_of(column))
                     for column in roles.features}
    base = base_summary(frame, roles)
    step("clusters")
    return {
        "overview": {"clients": int(len(frame))},
        "distributions": distributions,
        "base_profile": base,
        "clusters": behaviour_clusters(frame, roles, settings, playbook, base),
    }


# --- distributions ------------------------------------------------------------------------------------------
def distribution(series: pd.Series, kind: str, role: str | None = None) -> dict:
    """Return a feature's distribution: a histogram and quartiles (numeric) or level shares (yes/no, categorical)."""
    present = series.dropna()
    out = {"type": kind, "role": role, "count": int(len(present)), "missing": int(series.isna().sum())}
    if kind == "numeric":
        x = present.to_numpy(dtype=float)
        if not len(x):
            return {**out, **dict.fromkeys(("mean", "median", "q1", "q3", "min", "max", "std")), "histogram": None}
        q1, median, q3 = np.quantile(x, [0.25, 0.5, 0.75])
        return {**out, "mean": float(x.mean()), "median": float(median), "q1": float(q1), "q3": float(q3),
                "min": float(x.min()), "max": float(x.max()), "std": float(x.std()), "histogram": histogram(x)}
    counts = present.value_counts()
    if kind == "binary":
        counts = counts.rename(index=int)
    # most frequent first; equal counts in the order of their levels, so that the output is stable
    order = sorted(counts.index, key=lambda level: (-counts[level], str(level)))
    total = max(int(counts.sum()), 1)
    levels = [{"level": level if kind == "binary" else str(level), "count": int(counts[level]),
               "share": float(counts[level] / total)} for level in order[:MAX_LEVELS]]
    rest = order[MAX_LEVELS:]
    other = None
    if rest:
        pooled = int(sum(counts[level] for level in rest))
        other = {"levels": len(rest), "count": pooled, "share": pooled / total}
    return {**out, "levels": levels, "other": other}


def histogram(x: np.ndarray) -> dict:
    """Return bin edges and counts for present values: per whole value, on a log scale for long tails, or even."""
    low, high = float(x.min()), float(x.max())
    if low == high:  # one value: one bin around it
        edges = np.array([low - 0.5, high + 0.5])
        scale = "discrete"
    elif np.all(x == np.round(x)) and high - low < MAX_BINS:
        edges = np.arange(low - 0.5, high + 1.5)
        scale = "discrete"
    elif heavy_tailed(x):
        # a few large amounts would put every other client in the first of twenty even bins
        logs = np.log1p(x)
        edges = np.expm1(np.linspace(logs.min(), logs.max(), _bin_count(logs) + 1))
        edges[0], edges[-1] = low, high  # exact ends: expm1(log1p(x)) can miss x by a rounding error
        scale = "log"
    else:
        edges = np.linspace(low, high, _bin_count(x) + 1)
        scale = "linear"
    counts, _edges = np.histogram(x, bins=edges)
    return {"scale": scale, "edges": [float(e) for e in edges], "counts": [int(c) for c in counts]}


def _bin_count(x: np.ndarray) -> int:
    """Return the Freedman-Diaconis number of bins for `x`, clipped to MIN_BINS..MAX_BINS."""
    q1, q3 = np.quantile(x, [0.25, 0.75])
    span = float(x.max() - x.min())
    if q3 <= q1 or span == 0:
        return MAX_BINS
    width = 2 * (q3 - q1) / len(x) ** (1 / 3)
    return int(min(MAX_BINS, max(MIN_BINS, math.ceil(span / width))))


# --- clusters -----------------------------------------------------------------------------------------------
def behaviour_clusters(frame: pd.DataFrame, roles: Roles, settings, playbook: dict, base: dict) -> dict:
    """Return the clustering with each cluster's size, profile, standardised profile, traits and recommendations."""
    found, outliers = _clusters_beside_outliers(frame, roles, settings)
    labels = found.pop("labels", None)
    limits = {"min_share": settings.min_cluster_share, "min_size": MIN_CLUSTER_SIZE,
              "outliers": {"count": int(outliers.sum()), "rows": [int(r) for r in frame.index[outliers][:10]]}}
    if found["status"] != "ok":
        found.pop("transform", None)
        return {**found, **limits, "groups": []}
    # number the clusters by size, largest first (KMeans' own numbering is arbitrary)
    order = np.argsort(-np.bincount(labels[~outliers], minlength=found["k"]), kind="stable")
    relabel = np.empty_like(order)
    relabel[order] = np.arange(len(order))
    labels = np.where(outliers, -1, relabel[np.where(outliers, 0, labels)])
    found["centroids"] = [found["centroids"][i] for i in order]

    spec = found["transform"]
    z_all = standardise(frame, spec)
    clusters = []
    for index in range(found["k"]):
        mask = labels == index
        z = dict(zip(spec["columns"], z_all[mask].mean(axis=0).tolist()))
        cluster = {"id": f"C{index + 1}", "cluster": index, "size": int(mask.sum()), "share": float(mask.mean()),
                   "profile": profile(frame, mask, roles, base)}
        cluster["standardised"] = _standardised(z, spec, roles)
        _add_z(cluster["profile"], cluster["standardised"], roles)
        clusters.append(cluster)
    name_clusters(clusters)
    for cluster in clusters:
        cluster["recommendations"] = recommend(cluster, playbook, roles.semantic)
    return {**found, **limits, "trait_threshold": TRAIT_THRESHOLD, "max_traits": MAX_TRAITS, "groups": clusters}


def _clusters_beside_outliers(frame: pd.DataFrame, roles: Roles, settings) -> tuple[dict, np.ndarray]:
    """Return the clustering (labels for every row, -1 for outliers) and the mask of clients set aside.

    When every k leaves a cluster of a handful of clients, those few are extreme (a typo, one huge
    account) and would hide the segments of everybody else: the clients the best such split isolates
    are set aside, if they are no more than MIN_CLUSTER_SIZE clients or MAX_OUTLIER_SHARE of the table,
    and the others clustered.
    """
    none = np.zeros(len(frame), dtype=bool)
    found = find_clusters(frame, roles, settings, min_size=MIN_CLUSTER_SIZE, fallback=False)
    if found.get("reason") != "small_clusters":
        return found, none
    isolating = find_clusters(frame, roles, settings)  # the split that keeps its tiny clusters
    counts = np.bincount(isolating["labels"], minlength=isolating["k"])
    tiny = counts < max(MIN_CLUSTER_SIZE, settings.min_cluster_share * len(frame))
    outliers = tiny[isolating["labels"]]
    if not outliers.any() or outliers.sum() > max(MIN_CLUSTER_SIZE, MAX_OUTLIER_SHARE * len(frame)):
        return found, none
    rest = find_clusters(frame[~outliers], roles, settings, min_size=MIN_CLUSTER_SIZE, fallback=False)
    if rest["status"] != "ok":
        return found, none
    labels = np.full(len(frame), -1)
    labels[~outliers] = rest["labels"]
    return {**rest, "labels": labels}, outliers


def _standardised(z: dict[str, float], spec: dict, roles: Roles) -> list[dict]:
    """Return the cluster's z per clustered feature (per level for a categorical one), in feature order."""
    out = []
    for column in spec["impute"]:
        out.append({"feature": column, "role": roles.role_of(column), "level": None, "z": z[column]})
    for column, levels in spec["levels"].items():
        for level in levels:
            out.append({"feature": column, "role": roles.role_of(column), "level": level, "z": z[f"{column}={level}"]})
    return out


def _add_z(cluster_profile: dict, standardised: list[dict], roles: Roles) -> None:
    """Put each feature's z into the profile, where playbook conditions read it (stat "z")."""
    features = cluster_profile["features"]
    for entry in standardised:
        feature = features[entry["feature"]]
        if entry["level"] is None:
            feature["z"] = entry["z"]
        else:
            feature.setdefault("z_levels", {})[entry["level"]] = entry["z"]
    for column, feature in features.items():
        if roles.kind(column) == "categorical":
            feature.setdefault("z_levels", {})
        else:
            feature.setdefault("z", None)  # a constant column is not clustered on


def name_clusters(clusters: list[dict]) -> None:
    """Give each cluster its traits, lengthening equal lists until every cluster's differs where it can."""
    ranked = {c["id"]: _ranked_traits(c["standardised"]) for c in clusters}
    counts = {cid: min(MAX_TRAITS, sum(abs(t["z"]) >= TRAIT_THRESHOLD for t in traits))
              for cid, traits in ranked.items()}

    def signatures() -> dict[str, tuple]:
        return {cid: tuple(_key(t) for t in ranked[cid][:counts[cid]]) for cid in ranked}

    while True:
        groups: dict[tuple, list[str]] = {}
        for cid, signature in signatures().items():
            groups.setdefault(signature, []).append(cid)
        grown = False
        for members in groups.values():
            if len(members) < 2:
                continue
            for cid in members:
                if counts[cid] < len(ranked[cid]):
                    counts[cid] += 1
                    grown = True
        if not grown:
            break
    final = signatures()
    for cluster in clusters:
        cid = cluster["id"]
        cluster["traits"] = ranked[cid][:counts[cid]]
        cluster["name_unique"] = sum(s == final[cid] for s in final.values()) == 1


def _ranked_traits(standardised: list[dict]) -> list[dict]:
    """Return every candidate trait of a cluster, strongest first (a category's levels only when over-represented)."""
    traits = []
    for entry in standardised:
        z = entry["z"]
        if not math.isfinite(z) or z == 0 or (entry["level"] is not None and z < 0):
            continue
        trait = {"feature": entry["feature"], "role": entry["role"], "direction": "high" if z > 0 else "low", "z": z}
        if entry["level"] is not None:
            trait["level"] = entry["level"]
        traits.append(trait)
    return sorted(traits, key=lambda t: -abs(t["z"]))


def _key(trait: dict) -> tuple:
    """Return what a trait says, without its size: two clusters with equal keys would get the same name."""
    return trait["feature"], trait.get("level"), trait["direction"]
