"""The RFM analysis of a transaction log's clients: segments, concentration, clusters, inactivity, strategies.

Frames in, plain JSON-able data out: no language, no file format. `analyse_rfm` returns

    {"rfm": analysis.rfm.rfm_summary,                 # scores, 11 segments (each with "recommendations"), grid
     "concentration": analysis.rfm.concentration,     # top 20 % revenue share, Lorenz points, Gini, pareto
     "clusters": analysis.rfm_clusters.rfm_clusters,  # k, elbow and silhouettes, groups (each with
                                                      # "recommendations")
     "inactivity": analysis.inactivity.inactivity,    # threshold, basis, lapse rate overall/by_segment/by_cluster
     "strategies": [{"id": rule id, "priority": 100, "horizon": "short",
                     "segments": [segment names], "clusters": [cluster ids]}, ...]}   # highest priority first

A segment's or cluster's recommendations are playbook.recommend's, read from the entry together with its
lapse rate (stat "lapse_rate"); an empty segment has none. `assign_clients` gives each client's scores,
segment, cluster and lapse (for per-client figures such as the mean lifetime value of a segment).
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from reportgen.analysis.inactivity import inactivity, threshold
from reportgen.analysis.playbook import recommend
from reportgen.analysis.rfm import ROLES, SEGMENTS, concentration, rfm_summary, score, segments_of
from reportgen.analysis.rfm_clusters import assign, rfm_clusters

REQUIRED = ("recency_days", "purchase_days", "revenue", "tenure_days")


def analyse_rfm(frame: pd.DataFrame, gaps: dict | None, settings, playbook: dict,
                step: Callable[[str], None] | None = None) -> dict:
    """Return the RFM segments, revenue concentration, clusters, inactivity and strategies of the clients.

    `frame`: one row per client (REQUIRED columns); `gaps`: quantiles of the days between consecutive
    purchase days ({"0.5": ..., "0.9": ...}; None when nobody bought twice); `settings`: the analysis
    settings (clusters_min, clusters_max, min_cluster_share, random_state, inactivity_days); `step(name)` is
    called as each stage starts ('rfm', 'clusters', 'inactivity', 'strategies').
    """
    step = step or (lambda _name: None)
    missing = [c for c in REQUIRED if c not in frame]
    if missing:  # a programming error of the caller, not the user's: the ingest makes these columns
        raise KeyError(f"analyse_rfm needs the columns {', '.join(missing)}")
    step("rfm")
    scores = score(frame)
    rfm = rfm_summary(frame, scores)
    step("clusters")
    days = threshold(settings.inactivity_days, gaps)["days"]  # names a cluster of lapsed clients "long ago"
    clusters, labels = rfm_clusters(frame, settings, days)
    step("inactivity")
    groups = {"by_segment": pd.Series(pd.Categorical(segments_of(scores), categories=SEGMENTS), index=frame.index)}
    if labels is not None:
        ids = [g["id"] for g in clusters["groups"]]
        groups["by_cluster"] = pd.Series(pd.Categorical.from_codes(labels, categories=ids), index=frame.index)
    lapse = inactivity(frame["recency_days"], settings.inactivity_days, gaps, groups)
    lapse.setdefault("by_cluster", {})
    step("strategies")
    for entry in rfm["segments"]:
        entry["recommendations"] = _recommend(entry, lapse["by_segment"][entry["id"]], playbook)
    for entry in clusters["groups"]:
        entry["recommendations"] = _recommend(entry, lapse["by_cluster"][entry["id"]], playbook)
    return {"rfm": rfm, "concentration": concentration(frame["revenue"]), "clusters": clusters,
            "inactivity": lapse, "strategies": strategies(rfm["segments"], clusters["groups"])}


def _recommend(entry: dict, lapse: dict, playbook: dict) -> list[dict]:
    """Return the playbook's recommendations for a segment or cluster (none for an empty segment)."""
    if not entry["size"]:
        return []
    return recommend({**entry, "lapse_rate": lapse["rate"]}, playbook, ROLES)


def strategies(segments: list[dict], clusters: list[dict]) -> list[dict]:
    """Return every recommended rule with the segments and clusters it serves, highest priority first."""
    found: dict[str, dict] = {}
    for kind, entries in (("segments", segments), ("clusters", clusters)):
        for entry in entries:
            for rec in entry["recommendations"]:
                item = found.setdefault(rec["id"], {"id": rec["id"], "priority": rec["priority"],
                                                    "horizon": rec["horizon"], "segments": [], "clusters": []})
                item[kind].append(entry["id"])
    return sorted(found.values(), key=lambda s: (-s["priority"], s["id"]))


def assign_clients(frame: pd.DataFrame, result: dict) -> pd.DataFrame:
    """Return each client's r, f, m scores, segment, cluster id (None without clusters) and lapsed flag.

    The scores are recomputed (they are deterministic), the clusters assigned to the nearest stored centre
    and the lapse read against the stored threshold, so `result` is all that is needed besides the frame.
    """
    scores = score(frame)
    out = scores.assign(segment=segments_of(scores))
    clustering = result["clusters"]
    if clustering["status"] == "ok":
        ids = [g["id"] for g in clustering["groups"]]
        out["cluster"] = [ids[i] for i in assign(frame, clustering)]
    else:
        out["cluster"] = None
    out["lapsed"] = frame["recency_days"] > result["inactivity"]["days"]
    return out
