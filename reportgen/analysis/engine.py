"""Run the whole analysis of a customer table: overview, churn by factor, tests, segments, clusters, playbook."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from reportgen.analysis.clusters import find_clusters
from reportgen.analysis.factors import churn_by_factor, churn_prone_intervals
from reportgen.analysis.hypotheses import run_tests
from reportgen.analysis.playbook import recommend
from reportgen.analysis.profile import base_summary, profile
from reportgen.analysis.rates import rate_summary
from reportgen.analysis.rules import RuleMasks
from reportgen.analysis.second_core import SecondCore
from reportgen.analysis.segments import find_segments
from reportgen.roles import Roles


def analyse_customers(frame: pd.DataFrame, roles: Roles, settings, playbook: dict,
                      step: Callable[[str], None] | None = None) -> dict:
    """Return every analysis result as plain data; `step(name)` is called as each stage starts."""
    step = step or (lambda _name: None)
    churn = frame[roles.churn].to_numpy(dtype=int)
    overview = rate_summary(int(churn.sum()), len(churn))
    overall = overview["churn_rate"] or 0.0

    # the tests, the base profile and the segments' and clusters' profiles read the table alone (the tests
    # draw from their own seeded generator): they run on the second core while churn by factor, the segment
    # search, the clustering and the model run on this one; numpy's sorts and searches, most of their time,
    # let both run at once (ten million clients: about 15 s of the one hidden behind the other)
    with SecondCore() as second:
        def stage(name: str) -> None:
            second.check()  # a task that failed stops the analysis at the next stage, not after the model
            step(name)

        testing = second.submit(run_tests, frame, roles, settings.alpha, settings.bootstrap_resamples,
                                settings.random_state)
        summarising = second.submit(base_summary, frame, roles)
        stage("factors")
        factors = churn_by_factor(frame, roles, settings.alpha)
        stage("segments")
        masks = RuleMasks(frame)
        search = find_segments(frame, roles, settings, masks)
        stage("tests")
        tests, base = testing.result(), summarising.result()
        segments, members, profiling = [], {}, []
        for segment in search.pop("segments"):
            members[segment["id"]] = mask = masks.rule(segment["rule"])  # the value at risk reads them too
            segments.append(segment)
            profiling.append(second.submit(_finish, segment, frame, mask, roles, base, playbook))
        del masks  # the members are made: the conditions' masks go back (ten megabytes each, ten million clients)
        stage("clusters")
        clusters = find_clusters(frame, roles, settings)
        labels = clusters.pop("labels", None)
        clusters["groups"] = []
        if clusters["status"] == "ok":
            for index in range(clusters["k"]):
                mask = labels == index
                group = {"id": f"C{index + 1}", "cluster": index,
                         **rate_summary(int(churn[mask].sum()), int(mask.sum()), overall),
                         "size": int(mask.sum()), "share": float(mask.mean())}
                clusters["groups"].append(group)
                profiling.append(second.submit(_finish, group, frame, mask, roles, base, playbook))
        results = {
            "overview": overview,
            "churn_by_factor": factors,
            "churn_prone_intervals": churn_prone_intervals(factors),
            "tests": tests,
            "segment_search": search,
            "segments": segments,
            "clusters": clusters,
            "base_profile": base,
        }
        results.update(prediction=None, value_at_risk=None, action_groups=None)
        if getattr(settings, "predict", False):
            from reportgen.analysis.customer_prediction import predict_customers

            results.update(predict_customers(frame, roles, settings, playbook, members, labels, stage))
        for finished in profiling:
            finished.result()  # each segment and cluster has its profile and recommendations (or raises here)
    return results


def _finish(segment: dict, frame: pd.DataFrame, mask: np.ndarray, roles: Roles, base: dict, playbook: dict) -> dict:
    """Return the segment with its profile and recommendations."""
    segment["profile"] = profile(frame, mask, roles, base)
    segment["recommendations"] = recommend(segment, playbook, roles.semantic)
    return segment
