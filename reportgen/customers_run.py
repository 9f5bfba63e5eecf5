"""Run the analysis of a customer table with a churn flag and return its context, for pipeline.analyse."""

from __future__ import annotations

from reportgen import config as config_mod
from reportgen.config import Settings
from reportgen.console import Reporter
from reportgen.context import build_context
from reportgen.i18n.ui import _
from reportgen.ingest import Dataset


def analyse_customer_table(dataset: Dataset, settings: Settings, reporter: Reporter, period: str,
                           previous: str | None = None) -> dict:
    """Return the context of a customer table with a churn flag; with `previous` (last quarter's data file
    or context.json) it gains a `comparison`."""
    from reportgen.analysis.engine import analyse_customers  # scikit-learn is imported only when needed
    from reportgen.pipeline import load_previous, playbook_for, run_analysis

    playbook = playbook_for(settings, "customers")
    results = run_analysis(analyse_customers, dataset, settings, playbook, reporter, {
        "factors": _("Churn by factor"),
        "tests": _("Hypothesis tests"),
        "segments": _("Churn-prone segments"),
        "clusters": _("Clusters"),
    })
    search = results["segment_search"]
    if search.get("reason") == "too_small":
        reporter.warn(_("The table is too small to look for churn-prone segments (at least {clients} clients and "
                        "{churned} churned clients are needed): the report has none.").format(
            clients=search["needed"]["clients"], churned=search["needed"]["churned"]))
    if previous:
        from reportgen.analysis.compare import compare_quarters

        before, ids = load_previous(previous, settings, reporter, config_mod.previous_period(period))
        with reporter.step(_("Comparing with {period}").format(period=before["meta"].get("period"))):
            results["comparison"] = compare_quarters(dataset.frame, dataset.roles, results, before, ids,
                                                     settings.analysis.alpha, settings.analysis.max_overlap)
    return build_context(dataset, results, settings, playbook, period)
