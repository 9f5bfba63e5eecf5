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
        "leakage": _("Churn model: columns that give the answer away"),
        "model": _("Churn model: five-fold cross-validation of two models"),
        "importance": _("Churn model: key factors"),
        "action_groups": _("Value at risk and action groups"),
    })
    search = results["segment_search"]
    if search.get("reason") == "too_small":
        reporter.warn(_("The table is too small to look for churn-prone segments (at least {clients} clients and "
                        "{churned} churned clients are needed): the report has none.").format(
            clients=search["needed"]["clients"], churned=search["needed"]["churned"]))
    if previous:
        from reportgen.analysis.compare import compare_quarters

        before, ids, before_data = load_previous(previous, settings, reporter, config_mod.previous_period(period))
        with reporter.step(_("Comparing with {period}").format(period=before["meta"].get("period"))):
            results["comparison"] = compare_quarters(dataset.frame, dataset.roles, results, before, ids,
                                                     settings.analysis.alpha, settings.analysis.max_overlap)
        if (results.get("prediction") or {}).get("status") == "ok":
            results["prediction"]["out_of_time"] = out_of_time_check(before, before_data, dataset, results,
                                                                     settings, reporter)
    if dataset.extras is not None and (results.get("prediction") or {}).get("clients"):
        results["prediction"]["clients"]["extra"] = export_extras(dataset.extras)
    return build_context(dataset, results, settings, playbook, period)


def out_of_time_check(before: dict, before_data, dataset: Dataset, results: dict, settings: Settings,
                      reporter: Reporter) -> dict:
    """Return the model trained on last quarter's clients and scored on this quarter's, or why it could not be."""
    from reportgen.analysis.customer_prediction import previous_quarter_check

    period = before["meta"].get("period")
    if before_data is None or before_data.kind != "customers":
        return {"status": "not_computable", "reason": "no_previous_data", "period": period}
    with reporter.step(_("Churn model: trained on {period}, scored on this quarter").format(period=period)):
        check = previous_quarter_check(before_data.frame, before_data.roles, dataset.frame, dataset.roles,
                                       results["prediction"], settings.analysis)
    return {**check, "period": period}


def export_extras(extras) -> dict[str, list]:
    """Return the export columns as text per client (missing: None), in the table's order."""
    import pandas as pd

    return {str(column): [None if pd.isna(value) else str(value) for value in extras[column]]
            for column in extras.columns}
