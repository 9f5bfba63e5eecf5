"""Run the analysis of a behaviour table (no churn flag) and return its context, for pipeline.analyse.

The context has the customers' meta, roles, labels, value_labels and quality, then the results of
reportgen.analysis.behaviour (overview, distributions, base_profile, clusters), the playbook's texts, an
action plan by horizon and the method; see analyse_behaviour_table.
"""

from __future__ import annotations

from reportgen.config import Settings
from reportgen.console import Reporter
from reportgen.errors import UserError
from reportgen.i18n.ui import N_, _, translate
from reportgen.ingest import Dataset

# Why no clusters could be formed (reasons from analysis.clusters), for the warning.
NOT_COMPUTABLE = {
    "no_usable_feature": N_("no feature varies from one client to another"),
    "too_few_rows": N_("too few clients"),
    "identical_rows": N_("every client has the same values"),
    "small_clusters": N_("every split leaves a cluster of only a handful of clients"),
}


def analyse_behaviour_table(dataset: Dataset, settings: Settings, reporter: Reporter, period: str,
                            previous: str | None = None) -> dict:
    """Return the context of a behaviour table; raise UserError for --previous, which needs churn figures.

    Keys: schema_version, generated_at, meta (meta.kind = "behaviour"), roles (churn None), labels,
    value_labels, quality, overview, distributions, base_profile, clusters, playbook {source, rules},
    action_plan {short, medium, long: [{id, priority, segments: [cluster ids], clients}]} and method.
    """
    # scikit-learn is imported only when needed
    from reportgen.analysis.behaviour import MIN_CLUSTER_SIZE, TRAIT_THRESHOLD, analyse_behaviour
    from reportgen.context import assemble

    if previous:
        raise UserError(
            _("--previous compares churn between quarters, and this table has no churn flag."),
            hint=_("Leave out --previous, or name the churn column in [columns] churn."))
    from reportgen.pipeline import playbook_for, run_analysis

    playbook = playbook_for(settings, "behaviour")
    results = run_analysis(analyse_behaviour, dataset, settings, playbook, reporter,
                           {"distributions": _("Distributions"), "clusters": _("Clusters")})
    clusters = results["clusters"]
    if clusters["status"] != "ok":
        reason = NOT_COMPUTABLE.get(clusters["reason"])
        reporter.warn(_("No behaviour clusters could be formed ({reason}): the results hold the distributions "
                        "only.").format(reason=translate(reason) if reason else clusters["reason"]))
    analysis = settings.analysis
    return assemble(dataset, results, settings, playbook, period, clusters["groups"], {
        "clusters_range": [analysis.clusters_min, analysis.clusters_max],
        "min_cluster_share": analysis.min_cluster_share,
        "min_cluster_size": MIN_CLUSTER_SIZE,
        "trait_threshold": TRAIT_THRESHOLD,
        "random_state": analysis.random_state,
    })


def refuse_previous(dataset: Dataset) -> None:
    """Raise UserError when last quarter's table, given with --previous, has no churn flag to compare."""
    if dataset.kind != "customers":
        raise UserError(
            _("Last quarter's table {path} has no churn flag, so there is no churn to compare.").format(
                path=dataset.path),
            hint=_("Leave out --previous, or name the churn column of that table in [columns] churn."))
