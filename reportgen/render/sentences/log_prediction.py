"""Sentences on a transaction log's churn model (no purchase in the next N days, learnt at a cut-off, against
BG/NBD), its value at risk (risk × CLV) and its action groups (a part of Wording)."""

from __future__ import annotations

from reportgen.i18n.ui import N_
from reportgen.render.sentences import capitalised

LOG_FEATURES = {
    "recency_days": N_("days since the last purchase"),
    "purchase_days": N_("purchase days"),
    "revenue": N_("revenue"),
    "mean_basket": N_("mean basket"),
    "tenure_days": N_("days since the first purchase"),
    "recent_purchase_days": N_("purchase days in the last {days} days"),
    "purchase_trend": N_("change in purchase days: last {days} days against the {days} before"),
}
MONEY_FEATURES = ("revenue", "mean_basket")
BASELINE_NAMES = {"bgnbd_p_alive": N_("BG/NBD: 1 − P(alive)"), "bgnbd_no_purchase": N_("BG/NBD: P(no purchase)")}
LOG_GROUP_DEFINITIONS = {
    "at_risk": N_("the {share} of active clients with the highest risk (the contact capacity)"),
    "high_value": N_("the most valuable {share} of active clients by lifetime value, below the contact threshold"),
    "inactive": N_("no purchase for over {days} (lapsed by the inactivity rule)"),
    "standard": N_("the other active clients"),
}
NO_MODEL_WORDS = {
    "log_too_short": N_("the log does not reach back {days} before the analysis date, so nobody can be followed "
                        "for that long"),
    "too_few_churned": N_("too few clients bought again after the cut-off, or too few did not: at least {n} of "
                          "each are needed"),
    "no_usable_feature": N_("no feature is left once those that give the answer away are removed"),
}


class LogPredictionSentences:
    """The words of a log's prediction, key factors, value at risk and action groups sections."""

    def log_feature(self, column: str) -> str:
        """Return the name of one of the model's features of a log."""
        words = LOG_FEATURES.get(column)
        return self.tr(words).format(days=self.context["prediction"]["recent_days"]) if words else column

    def log_feature_title(self, column: str) -> str:
        """Return the feature's name with a capital first letter."""
        return self._capital(self.log_feature(column))

    def log_factor_effect(self, factor: dict) -> str:
        """Return which way a feature moves the risk; amounts around which it peaks are money."""
        if factor["direction"] in ("peaks", "dips") and factor["feature"] in MONEY_FEATURES:
            template = self._("Risk highest around {value}") if factor["direction"] == "peaks" else \
                self._("Risk lowest around {value}")
            return template.format(value=self.fmt.money(factor["at"]))
        return self.factor_effect(factor)

    def baseline_name(self, key: str) -> str:
        """Return a baseline's name."""
        return self.tr(BASELINE_NAMES[key])

    def log_days(self) -> str:
        """Return N, the horizon of the label, as '203 days'."""
        return self.days(self.prediction["horizon_days"])

    def log_scores(self) -> tuple[dict, str]:
        """Return the scores the headline precision comes from, and whose: the active clients' when there are
        some (the at-risk group is drawn among them), else all the cut-off's clients."""
        p = self.prediction
        if p.get("active") and p["active"]["model"]["roc_auc"] is not None:
            return {**p["active"]["model"], "base_rate": p["active"]["base_rate"], "contacts": p["active"]["contacts"]}, \
                "active"
        return p["metrics"], "all"

    def log_precision_headline(self) -> str:
        """Return 'Precision X %' for the slide."""
        scores, _whose = self.log_scores()
        return self._("Precision {precision}").format(precision=self.fmt.percent(scores["precision_at_capacity"], 0))

    def log_precision_definition(self) -> str:
        """Return what the headline precision is, on which clients."""
        scores, whose = self.log_scores()
        fields = {"share": self.fmt.percent(self.prediction["metrics"]["contact_share"], 0),
                  "contacts": self.fmt.quantity(scores["contacts"], "{n} client", "{n} clients"),
                  "precision": self.fmt.percent(scores["precision_at_capacity"]), "days": self.log_days(),
                  "base": self.fmt.percent(scores["base_rate"])}
        if whose == "active":
            return self._("Precision at the contact capacity: of the {share} of clients still active at the cut-off "
                          "that the model ranked riskiest ({contacts}), {precision} made no purchase in the next "
                          "{days}, against {base} of all active clients.").format(**fields)
        return self._("Precision at the contact capacity: of the {share} of clients the model ranked riskiest at the "
                      "cut-off ({contacts}), {precision} made no purchase in the next {days}, against {base} of all "
                      "clients.").format(**fields)

    def log_label_line(self) -> str:
        """Return what is predicted and on which part of the log the model learns and is checked."""
        p = self.prediction
        return self._("Churn here: no purchase in the {days} after the cut-off, {cutoff} (the inactivity threshold "
                      "before the analysis date). The model learns from the {clients} clients who had bought by the "
                      "cut-off, from their purchases up to it only, and is checked on what they did in the {days} "
                      "after it.").format(days=self.log_days(), cutoff=self.fmt.date(p["cutoff"]),
                                          clients=self.fmt.number(p["metrics"]["clients"]))

    def log_baseline_line(self) -> str:
        """Return how the model compares with BG/NBD fitted on the same purchases."""
        p = self.prediction
        scores = {b["model"]: b for b in p.get("baselines", [])}
        if "bgnbd_no_purchase" not in scores:
            return self._("No BG/NBD baseline: the purchase model could not be fitted on the purchases up to the "
                          "cut-off.")
        n3 = lambda v: self.fmt.number(v, 3)  # noqa: E731
        return self._("Baseline: BG/NBD fitted on the same purchases up to the cut-off. Its probability of no purchase "
                      "in the next {days} reaches a ROC-AUC of {none}, against {model} for the model; 1 − P(alive) "
                      "alone reaches {alive}, because it takes every client who bought only once for certainly "
                      "alive.").format(days=self.log_days(), none=n3(scores["bgnbd_no_purchase"]["roc_auc"]),
                                       model=n3(p["metrics"]["roc_auc"]),
                                       alive=n3(scores["bgnbd_p_alive"]["roc_auc"]))

    def log_scoring_line(self) -> str:
        """Return what the action groups and the client lists are scored on."""
        p = self.prediction
        return self._("Action groups and client lists: every client is scored at the analysis date, {date}, with "
                      "the same features taken from the whole log, by the chosen model fitted on all {clients} "
                      "clients of the cut-off; the risk is that of no purchase in the next {days}.").format(
            date=self.fmt.date(p["scored_at"]), clients=self.fmt.number(p["metrics"]["clients"]), days=self.log_days())

    def log_metric_rows(self, active: bool = False) -> list[list[str]]:
        """Return the metrics table of the model, the other candidate (all clients only) and the baselines."""
        p = self.prediction
        model = p["active"]["model"] if active else p["metrics"]
        other = [] if active else [next(c for c in p["candidates"] if c["model"] != p["model"])]
        baselines = p["active"]["baselines"] if active else p.get("baselines", [])
        columns = [model, *other, *baselines]
        n3 = lambda v: self.fmt.number(v, 3)  # noqa: E731
        pct = self.fmt.percent
        share = pct(p["metrics"]["contact_share"], 0)
        return [
            [self._("ROC-AUC"), *(n3(c["roc_auc"]) for c in columns),
             self._("Chance that a client who made no purchase is ranked above one who did (0.5: chance).")],
            [self._("PR-AUC"), *(n3(c["pr_auc"]) for c in columns),
             self._("Average precision over every contact size; picking at random gives the base rate.")],
            [self._("Precision at capacity"), *(pct(c["precision_at_capacity"]) for c in columns),
             self._("Of the riskiest {share}, the share who made no purchase.").format(share=share)],
            [self._("Recall at capacity"), *(pct(c["recall_at_capacity"]) for c in columns),
             self._("Of all clients who made no purchase, the share among the riskiest {share}.").format(share=share)],
            [self._("Brier score"), *(n3(c["brier"]) for c in columns),
             self._("Mean squared gap between risk and outcome (lower is better).")],
        ]

    def log_metric_header(self, active: bool = False) -> list[str]:
        """Return the metrics table's header."""
        p = self.prediction
        other = [] if active else [capitalised(self.model_name(next(c["model"] for c in p["candidates"]
                                                                    if c["model"] != p["model"])))]
        baselines = p["active"]["baselines"] if active else p.get("baselines", [])
        # a header cell stands alone: the model's name takes a capital, as in the customer table's (prediction.py)
        return [self._("Metric"), capitalised(self.model_name(p["model"])), *other,
                *(self.baseline_name(b["model"]) for b in baselines), self._("What it means")]

    def log_value_source_line(self) -> str:
        """Return what a client's value is and what value at risk means for a log."""
        return self._("Value of a client: its lifetime value (CLV over the next {months}); value at risk = the risk "
                      "of no purchase in the next {days} × CLV.").format(
            months=self.fmt.quantity(self.context["clv"]["months"], "{n} month", "{n} months"), days=self.log_days())

    def log_group_definition(self, key: str) -> str:
        """Return how a log's action group is drawn, in words."""
        groups = self.context["action_groups"]
        share = groups["contact_share"] if key == "at_risk" else groups["high_value_share"]
        return self.tr(LOG_GROUP_DEFINITIONS[key]).format(share=self.fmt.percent(share, 0),
                                                          days=self.days(groups["inactivity_days"]))

    def log_model_notice(self) -> str:
        """Return why a log has no churn model."""
        p = self.context["prediction"]
        reason = self.tr(NO_MODEL_WORDS.get(p["reason"], p["reason"] or "")).format(
            days=self.days(p["horizon_days"]), n=self.fmt.number(p.get("needed") or 0))
        return self._("No churn model could be trained: {reason}. The segments, clusters and lifetime value do not "
                      "depend on it.").format(reason=reason)
