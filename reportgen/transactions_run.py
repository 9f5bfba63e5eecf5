"""Run the analysis of a transaction log and return its context, for pipeline.analyse.

The log was read and summarised per client by reportgen.ingest.transactions (Dataset.frame: one row per
client; Dataset.log: cleaning counts, months, gaps, dates). Here: RFM scores and segments, revenue
concentration, clusters, inactivity and strategies (analysis.rfm_analysis), then the lifetime-value models
(analysis.lifetime), and the context (context.assemble, validated against contract.transactions).
"""

from __future__ import annotations

import datetime as dt

from reportgen.config import Settings
from reportgen.console import Reporter
from reportgen.errors import UserError
from reportgen.i18n.formatting import Formatter
from reportgen.i18n.ui import N_, _, translate, ui_language
from reportgen.ingest import Dataset

# Why the lifetime-value models could not be fitted (reasons of analysis.clv), for the warning.
NO_CLV = {
    "too_few_repeat_buyers": N_("too few clients bought more than once"),
    "no_convergence": N_("the model fit did not converge"),
    "degenerate": N_("the fit ended on a parameter bound: the model does not describe these clients"),
    "infinite_mean_spend": N_("the spends vary too much for a mean spend to exist"),
}
NO_CLUSTERS = {
    "too_few_rows": N_("too few clients"),
    "identical_rows": N_("every client has the same recency, frequency and spend"),
    "small_clusters": N_("every split leaves a cluster of only a handful of clients"),
}
NO_MODEL = {
    "log_too_short": N_("the log does not reach back one inactivity threshold before the analysis date"),
    "too_few_churned": N_("too few clients bought again, or too few did not, after the cut-off"),
    "no_usable_feature": N_("no feature is left once those that give the answer away are removed"),
}
CLIENT_DIGITS = {"clv": 2, "p_alive": 4, "purchases_365": 3}


def load_log_table(raw, settings: Settings) -> Dataset:
    """Return the dataset of a log read whole as a table (a workbook); raise DataError as the log loader does."""
    from reportgen.ingest.logsample import frame_sample, text_frame
    from reportgen.ingest.transactions import build_transactions

    frame = text_frame(raw.frame)
    return build_transactions(frame_sample(frame, raw.path, raw.file_format), settings, frame)


def analyse_transactions(dataset: Dataset, settings: Settings, reporter: Reporter, period: str,
                         previous: str | None = None) -> dict:
    """Return the context of a transaction log; raise UserError for --previous (see below).

    Keys: the header every kind has (meta.kind = "transactions", roles, labels, value_labels, quality), then
    log, overview, rfm, concentration, clusters, inactivity, strategies, clv, clients, playbook, action_plan
    and method (contract.transactions).
    """
    if previous:
        # a log already holds its own past: last quarter is the same log with an earlier analysis.as_of, and a
        # comparison of segments across two analysis dates is not built yet
        raise UserError(
            _("--previous compares two quarterly client tables; a transaction log holds its own history."),
            hint=_("Leave out --previous; to see an earlier quarter, build again with analysis.as_of set to its "
                   "last day."))
    from reportgen.context import assemble
    from reportgen.pipeline import playbook_for

    playbook = playbook_for(settings, "transactions")
    log = dataset.log
    stages = {"summary": _("Per-client summary"), "rfm": _("RFM scores and segments"), "clusters": _("Clusters"),
              "inactivity": _("Inactivity"), "strategies": _("Strategies"), "clv": _("Lifetime value"),
              "leakage": _("Churn model: columns that give the answer away"),
              "model": _("Churn model: five-fold cross-validation of two models"),
              "importance": _("Churn model: key factors"), "action_groups": _("Value at risk and action groups")}

    # run_analysis would count the log's lines as clients: the step is named here
    clients = Formatter(ui_language()).quantity(len(dataset.frame), "Analysing {n} client", "Analysing {n} clients")
    with reporter.step(clients):
        results = _analyse(dataset.frame, log, settings.analysis, playbook,
                           lambda name: reporter.detail(stages.get(name, name)))
    _warn(results, reporter)
    a = settings.analysis
    segments = [s for s in results["rfm"]["segments"] if s["size"]]
    return assemble(dataset, results, settings, playbook, period, segments, {
        "scores": 5, "clusters_range": [a.clusters_min, a.clusters_max], "min_cluster_share": a.min_cluster_share,
        "random_state": a.random_state, "inactivity_days": a.inactivity_days, "clv_months": a.clv_months,
        "monthly_discount": a.monthly_discount, "time_unit": "weeks",
    })


def _analyse(frame, log: dict, settings, playbook: dict, step) -> dict:
    """Return every result of the log's analysis (the context's parts after the header)."""
    from reportgen.analysis.lifetime import lifetime_value
    from reportgen.analysis.rfm_analysis import analyse_rfm, assign_clients

    step("summary")
    clients = frame.set_index(frame["client_id"].astype(str), drop=False)
    gaps = log["gaps"]["quantiles"] if log["gaps"]["count"] else None
    result = analyse_rfm(clients, gaps, settings, playbook, step)
    groups = assign_clients(clients, result)
    step("clv")
    as_of, cal_end = dt.date.fromisoformat(log["as_of"]), dt.date.fromisoformat(log["calibration_end"])
    value, per_client = lifetime_value(clients, groups, settings.clv_months, settings.monthly_discount,
                                       (as_of - cal_end).days / 7, log["calibration_end"])
    out = {"log": log, "overview": overview(clients, log), **result, "clv": value,
           "clients": client_rows(clients, groups, per_client)}
    if settings.predict:
        from reportgen.analysis.log_prediction import predict_log

        out.update(predict_log(clients, log, groups, per_client, result["inactivity"]["days"], settings, playbook,
                               step))
    return out


def overview(clients, log: dict) -> dict:
    """Return the log's key figures: clients, revenue, purchase days, repeat buyers and the dates."""
    n = len(clients)
    repeat = int((clients["purchase_days"] > 1).sum())
    revenue = float(clients["revenue"].sum())
    return {"clients": n, "revenue": revenue, "purchase_days": int(clients["purchase_days"].sum()),
            "repeat_buyers": repeat, "repeat_share": repeat / n if n else None,
            "mean_revenue": revenue / n if n else None, "median_recency_days": float(clients["recency_days"].median()),
            "first_date": log["first_date"], "last_date": log["last_date"], "as_of": log["as_of"]}


def client_rows(clients, groups, per_client) -> dict:
    """Return one entry per client, column by column (compact): id, segment, cluster, lapsed and, with the
    lifetime-value models, CLV, P(alive) and expected purchases in a year."""
    rows = {"ids": clients["client_id"].astype(str).tolist(), "segment": groups["segment"].astype(str).tolist(),
            "cluster": [None if c is None else str(c) for c in groups["cluster"]],
            "lapsed": groups["lapsed"].astype(bool).tolist()}
    for column, digits in CLIENT_DIGITS.items():
        rows[column] = None if per_client is None else per_client[column].round(digits).tolist()
    return rows


def _warn(results: dict, reporter: Reporter) -> None:
    """Warn about the parts of the report that could not be computed, with the reason."""
    clusters = results["clusters"]
    if clusters["status"] != "ok":
        reason = NO_CLUSTERS.get(clusters["reason"])
        reporter.warn(_("No RFM clusters could be formed ({reason}): the report has the RFM segments only.").format(
            reason=translate(reason) if reason else clusters["reason"]))
    prediction = results.get("prediction")
    if prediction and prediction["status"] != "ok":
        reason = NO_MODEL.get(prediction["reason"])
        reporter.warn(_("No churn model could be trained ({reason}): the report has no risk, value at risk or "
                        "client lists.").format(reason=translate(reason) if reason else prediction["reason"]))
    value = results["clv"]
    if value["status"] != "ok":
        reason = NO_CLV.get(value["reason"])
        reporter.warn(_("The lifetime-value models could not be fitted ({reason}): the report has no lifetime "
                        "value.").format(reason=translate(reason) if reason else value["reason"]))
