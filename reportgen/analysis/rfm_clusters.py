"""KMeans clusters of a transaction log's clients on log-scaled R, F, M, each named from its profile.

The three columns recency_days, purchase_days and revenue are taken as log(1 + x) (a few clients with
hundreds of purchases or a fortune spent would otherwise make clusters of their own) and standardised
(StandardScaler). k runs over analysis.clusters_min..clusters_max and is chosen by silhouette, with the
seeds, samples and acceptance rule of the other clusterings (analysis.clusters.kmeans_by_silhouette): k is
chosen on at most CHOICE_SAMPLE clients (silhouette on 2,000 of them), refitted on at most 100,000, and
every client is assigned to the nearest centre. `rfm_clusters` returns

    {"status": "ok", "k": 4, "choice": "best_silhouette" | "most_balanced",
     "candidates": [{"k", "silhouette", "inertia", "min_share", "accepted"}, ...],   # the elbow curve
     "chosen_on", "fitted_on", "silhouette_sample": ints,
     "transform": {"columns": [recency_days, purchase_days, revenue], "log": true, "mean": [3 floats],
                   "scale": [3 floats]},        # x -> (log1p(x) - mean) / scale
     "centroids": [[3 floats], ...],             # in that scale, C1 first
     "trait_threshold": 0.5,
     "groups": [cluster, ...]}                   # largest first

or {"status": "not_computable", "reason": "too_few_rows" | "identical_rows", "groups": []}. One cluster:

    {"id": "C1", "cluster": 0, "size": 812, "share": 0.41, "revenue_share": 0.12,
     "centre": {"recency_days": 310.2, "purchase_days": 1.0, "revenue": 25.1},   # the centroid in days, money
     "profile": {"features": {column: {"median", "mean", "q1", "q3", "base": {...}}}},   # as analysis.rfm
     "traits": [{"dimension": "recency", "direction": "recent" | "long_ago" | "average", "z": -1.2,
                 "past_threshold": false, "ratio": 0.1, "mean_ratio": 0.2},
                ... frequency ("frequent" | "rare" | "average"),
                monetary ("high" | "low" | "average")],
     "name": "champions",                        # a key of CLUSTER_NAMES
     "variant": None | {"dimension": "monetary", "rank": 1, "of": 2}}

z is the cluster's mean on the clustering scale minus all clients' mean, in standard deviations of all
clients; a dimension is "average" when |z| < TRAIT_THRESHOLD. Given the inactivity threshold, the
recency trait also says whether the cluster's median recency is past it ("past_threshold"), and is then
"long_ago" whatever z says (see _describe). ratio is the cluster's median over all
clients' median (mean_ratio: of means). When several clusters get the same name, `variant` tells them
apart: the dimension on which their z differ most, and their rank on it (1 = the most recent, frequent or
highest-spending), so a report can say "Lost (higher spend)" and "Lost (lower spend)".
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from reportgen.analysis.behaviour import MIN_CLUSTER_SIZE, TRAIT_THRESHOLD
from reportgen.analysis.clusters import kmeans_by_silhouette
from reportgen.analysis.rfm import DIMENSIONS, ROLES, with_basket, summary_stats

CHOICE_SAMPLE = 10_000  # k is chosen on at most this many clients (seeded sample)
COLUMNS = list(DIMENSIONS.values())
# Direction words per dimension, for z below / above the threshold. Recency is days since the last
# purchase: a high value is a client gone long ago.
DIRECTIONS = {"recency": ("recent", "long_ago"), "frequency": ("rare", "frequent"), "monetary": ("low", "high")}
# The sign of z on the better side of each dimension for the business: recent, frequent, high spend.
GOOD = {"recency": -1, "frequency": 1, "monetary": 1}

# A cluster's name from its three directions, each -1 (long ago / rare / low), 0 (average), +1 (recent /
# frequent / high): CLUSTER_NAMES[(r, f)][m], all 27 combinations. The names follow the R x F segment map
# of analysis.rfm (recency first, then frequency), with spend deciding where the map's cell is split:
#   recent and frequent: champions, unless they spend little (loyal: they come often for small baskets);
#   recent, average frequency: potential (to grow into loyal clients); recent and rare: new;
#   average recency and frequent: loyal; average on both: need_attention; average recency, rare:
#   about_to_sleep, unless they spent much (need_attention: worth a personal look);
#   long ago but frequent: cant_lose when they spent at least the average, at_risk otherwise;
#   long ago, average frequency: at_risk, hibernating when they spent little;
#   long ago and rare: lost, hibernating when they spent much (one last attempt may pay).
CLUSTER_NAMES: dict[tuple[int, int], dict[int, str]] = {
    (1, 1): {1: "champions", 0: "champions", -1: "loyal"},
    (1, 0): {1: "potential", 0: "potential", -1: "potential"},
    (1, -1): {1: "new", 0: "new", -1: "new"},
    (0, 1): {1: "loyal", 0: "loyal", -1: "loyal"},
    (0, 0): {1: "need_attention", 0: "need_attention", -1: "need_attention"},
    (0, -1): {1: "need_attention", 0: "about_to_sleep", -1: "about_to_sleep"},
    (-1, 1): {1: "cant_lose", 0: "cant_lose", -1: "at_risk"},
    (-1, 0): {1: "at_risk", 0: "at_risk", -1: "hibernating"},
    (-1, -1): {1: "hibernating", 0: "lost", -1: "lost"},
}
CLUSTER_KEYS = ("champions", "loyal", "potential", "new", "need_attention", "about_to_sleep", "at_risk",
                "cant_lose", "hibernating", "lost")


def rfm_clusters(frame: pd.DataFrame, settings, inactivity_days: int | None = None) -> tuple[dict, np.ndarray | None]:
    """Return the clustering (as described above) and each client's cluster index (None when not computable).

    With `inactivity_days`, a cluster most of whose clients are past that threshold is "long_ago" (see
    _describe).
    """
    scaler = StandardScaler().fit(np.log1p(frame[COLUMNS].to_numpy(dtype=float)))
    x = scaler.transform(np.log1p(frame[COLUMNS].to_numpy(dtype=float)))
    # one thread: see analysis.clusters.find_clusters (OpenMP's busy-waiting on a loaded machine)
    with threadpool_limits(limits=1, user_api="openmp"):
        found = kmeans_by_silhouette(x, settings, min_size=MIN_CLUSTER_SIZE, fallback=True,
                                     choice_sample=CHOICE_SAMPLE)
    labels = found.pop("labels")
    if found["status"] != "ok":
        return {**found, "groups": []}, None
    # number the clusters by size, largest first (KMeans' own numbering is arbitrary)
    order = np.argsort(-np.bincount(labels, minlength=found["k"]), kind="stable")
    relabel = np.empty_like(order)
    relabel[order] = np.arange(len(order))
    labels = relabel[labels]
    centroids = np.asarray(found["centroids"])[order]
    transform = {"columns": list(COLUMNS), "log": True, "mean": scaler.mean_.tolist(), "scale": scaler.scale_.tolist()}
    groups = _describe(with_basket(frame), x, labels, centroids, transform, inactivity_days)
    name_clusters(groups)
    return {**found, "transform": transform, "centroids": centroids.tolist(), "trait_threshold": TRAIT_THRESHOLD,
            "groups": groups}, labels


def assign(frame: pd.DataFrame, clustering: dict) -> np.ndarray:
    """Return each client's nearest cluster index under a stored RFM clustering (its transform and centroids)."""
    t = clustering["transform"]
    x = (np.log1p(frame[t["columns"]].to_numpy(dtype=float)) - np.asarray(t["mean"])) / np.asarray(t["scale"])
    # one column of distances per centre: a million clients take 8 MB per centre, not a clients x k x 3 cube
    distances = np.column_stack([((x - c) ** 2).sum(axis=1) for c in np.asarray(clustering["centroids"])])
    return distances.argmin(axis=1)


def _describe(frame: pd.DataFrame, x: np.ndarray, labels: np.ndarray, centroids: np.ndarray,
              transform: dict, inactivity_days: int | None) -> list[dict]:
    """Return each cluster's size, revenue share, centre in the data's units, profile and traits.

    Recency is also read against the inactivity threshold: when the median client of a cluster is past
    it, the cluster is "long_ago" whatever its z. In a log where most clients have lapsed (CDNOW: three in
    four), the largest cluster is the base itself, its z near 0, and "average recency" would name a
    cluster of lapsed clients "about to sleep" instead of "lost".
    """
    n = len(frame)
    revenue = frame["revenue"].to_numpy(dtype=float)
    total = float(revenue.sum())
    base = {column: summary_stats(frame[column]) for column in ROLES.values()}
    mean, scale = np.asarray(transform["mean"]), np.asarray(transform["scale"])
    groups = []
    for index in range(len(centroids)):
        mask = labels == index
        part = frame[mask]
        features = {column: {**summary_stats(part[column]), "base": base[column]} for column in ROLES.values()}
        z = x[mask].mean(axis=0)  # x is standardised on all clients: its mean over the base is 0, its sd 1
        traits = []
        for d, (dimension, column) in enumerate(DIMENSIONS.items()):
            low, high = DIRECTIONS[dimension]
            direction = "average" if abs(z[d]) < TRAIT_THRESHOLD else (high if z[d] > 0 else low)
            stats, ref = features[column], base[column]
            trait = {}
            if dimension == "recency" and inactivity_days is not None:
                trait["past_threshold"] = bool(stats["median"] > inactivity_days)
                if trait["past_threshold"]:
                    direction = "long_ago"
            traits.append({"dimension": dimension, "direction": direction, "z": float(z[d]), **trait,
                           "ratio": stats["median"] / ref["median"] if ref["median"] else None,
                           "mean_ratio": stats["mean"] / ref["mean"] if ref["mean"] else None})
        centre = np.expm1(centroids[index] * scale + mean)
        groups.append({"id": f"C{index + 1}", "cluster": index, "size": int(mask.sum()), "share": float(mask.sum() / n),
                       "revenue_share": float(revenue[mask].sum() / total) if total else 0.0,
                       "centre": dict(zip(COLUMNS, centre.tolist())), "profile": {"features": features},
                       "traits": traits})
    return groups


def name_of(traits: list[dict]) -> str:
    """Return the name key of a cluster from its recency, frequency and monetary directions."""
    sides = {t["dimension"]: _goodness(t["direction"]) for t in traits}
    return CLUSTER_NAMES[(sides["recency"], sides["frequency"])][sides["monetary"]]


def _goodness(direction: str) -> int:
    """Return +1 for the better side of a dimension (recent, frequent, high), -1 for the worse, 0 for average."""
    if direction == "average":
        return 0
    return 1 if direction in ("recent", "frequent", "high") else -1


def name_clusters(groups: list[dict]) -> None:
    """Set each cluster's name, and a variant (dimension, rank) for clusters that share a name."""
    for group in groups:
        group["name"] = name_of(group["traits"])
        group["variant"] = None
    by_name: dict[str, list[dict]] = {}
    for group in groups:
        by_name.setdefault(group["name"], []).append(group)
    for same in by_name.values():
        if len(same) < 2:
            continue
        # the dimension that tells them apart best: the widest spread of z among them
        z = {d: [_z(g, d) for g in same] for d in DIMENSIONS}
        dimension = max(DIMENSIONS, key=lambda d: (max(z[d]) - min(z[d]), -list(DIMENSIONS).index(d)))
        ranked = sorted(same, key=lambda g: (-GOOD[dimension] * _z(g, dimension), g["cluster"]))
        for rank, group in enumerate(ranked, start=1):
            group["variant"] = {"dimension": dimension, "rank": rank, "of": len(same)}


def _z(group: dict, dimension: str) -> float:
    """Return a cluster's z on one dimension."""
    return next(t["z"] for t in group["traits"] if t["dimension"] == dimension)
