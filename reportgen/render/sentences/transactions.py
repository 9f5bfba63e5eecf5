"""Words of a transaction log's report: RFM segment and cluster names, the analysis date, the inactivity
threshold, the lifetime-value notes, key figures and findings. Everything is read from the context."""

from __future__ import annotations

from reportgen.i18n.ui import N_
from reportgen.render.sentences.behaviour import capitalised
from reportgen.render.sentences.log_prediction import LogPredictionSentences

# RFM segments (analysis.rfm.SEGMENTS) and cluster names (analysis.rfm_clusters.CLUSTER_KEYS): name and one line
SEGMENT_WORDS = {
    "champions": (N_("Champions"), N_("bought recently and buy often")),
    "loyal": (N_("Loyal clients"), N_("buy often, though not in the last few weeks")),
    "potential_loyalists": (N_("Potential loyalists"), N_("recent clients who have bought a few times")),
    "potential": (N_("Potential"), N_("recent clients who have bought a few times")),
    "new": (N_("New clients"), N_("a first purchase, very recently")),
    "promising": (N_("Promising"), N_("a recent purchase, the only one so far")),
    "need_attention": (N_("Need attention"), N_("average recency and frequency")),
    "about_to_sleep": (N_("About to sleep"), N_("few purchases, the last one a while ago")),
    "at_risk": (N_("At risk"), N_("used to buy often, but not for a long time")),
    "cant_lose": (N_("Can't lose them"), N_("bought the most often, but long ago")),
    "hibernating": (N_("Hibernating"), N_("few purchases, long ago")),
    "lost": (N_("Lost"), N_("one or two purchases, long ago")),
}
DIRECTION_WORDS = {
    "recent": N_("recent purchases"), "long_ago": N_("last purchase long ago"),
    "frequent": N_("frequent purchases"), "rare": N_("rare purchases"),
    "high": N_("high spend"), "low": N_("low spend"),
}
AVERAGE_WORDS = {"recency": N_("average recency"), "frequency": N_("average frequency"),
                 "monetary": N_("average spend")}
# A variant of a shared cluster name: the best and the worst of them on the dimension that tells them apart
VARIANT_WORDS = {"recency": (N_("more recent"), N_("less recent")),
                 "frequency": (N_("more frequent"), N_("less frequent")),
                 "monetary": (N_("higher spend"), N_("lower spend"))}
AS_OF_WORDS = {
    "last_date": N_("Analysis date: {date}, the log's last purchase day."),
    "period_end": N_("Analysis date: {date}, the last day of the report period."),
    "config": N_("Analysis date: {date}, set in analysis.as_of."),
}
NO_CLV_WORDS = {
    "too_few_repeat_buyers": N_("only {repeat} clients bought on more than one day, and the models need at least "
                                "{needed}"),
    "no_convergence": N_("the model fit did not converge"),
    "degenerate": N_("the fit ended on a parameter bound: the model does not describe these clients"),
    "infinite_mean_spend": N_("the spends vary too much for a mean spend to exist"),
    "no_holdout_period": N_("the log has no period after the calibration end"),
}
ACTION_WORDS = {"removed": N_("removed"), "error": N_("refused"), "kept": N_("kept"),
                "not_checked": N_("not checked"), "outside": N_("outside the analysis")}


class TransactionSentences(LogPredictionSentences):
    """The words of a transaction log's sections (a part of Wording), its churn model's among them."""

    @property
    def is_transactions(self) -> bool:
        """Return True for the context of a transaction log."""
        return self.context["meta"].get("kind") == "transactions"

    def report_title(self) -> str:
        """Return the report's title: the configured one, else the default of the input kind."""
        if self.is_transactions and not self.context["meta"].get("title"):
            return self._("Client value and segments")
        return super().report_title()

    # --- names ------------------------------------------------------------------------------
    def rfm_name(self, key: str) -> str:
        """Return an RFM segment's or cluster name's label ('Champions')."""
        words = SEGMENT_WORDS.get(key)
        return self.tr(words[0]) if words else key

    def rfm_description(self, key: str) -> str:
        """Return the one-line description of an RFM segment or cluster name."""
        words = SEGMENT_WORDS.get(key)
        return capitalised(self.tr(words[1])) if words else ""

    def rfm_cluster_name(self, cluster: dict) -> str:
        """Return a cluster's name, with its variant when several clusters share the name."""
        name = self.rfm_name(cluster["name"])
        variant = cluster.get("variant")
        if not variant:
            return name
        best, worst = VARIANT_WORDS[variant["dimension"]]
        if variant["rank"] in (1, variant["of"]):
            which = self.tr(best if variant["rank"] == 1 else worst)
        else:
            which = cluster["id"]
        return self._("{name} ({variant})").format(name=name, variant=which)

    def rfm_cluster_by_id(self, cluster_id: str) -> dict | None:
        """Return the cluster with this id."""
        return next((g for g in self.context["clusters"]["groups"] if g["id"] == cluster_id), None)

    def rfm_profile(self, cluster: dict) -> str:
        """Return a cluster's profile in words: 'recent purchases; frequent purchases; high spend'."""
        parts = []
        for trait in cluster["traits"]:
            if trait["direction"] == "average":
                parts.append(self.tr(AVERAGE_WORDS[trait["dimension"]]))
            else:
                parts.append(self.tr(DIRECTION_WORDS[trait["direction"]]))
        return capitalised(self.listing(parts))

    def rule_action(self, action: str) -> str:
        """Return what was done with the lines a cleaning rule caught."""
        return self.tr(ACTION_WORDS.get(action, action))

    def playbook_text(self, rule_id: str, field: str, rec: dict | None = None) -> str:
        """Return a rule's optional text (observation, kpi) with the figures of `rec`, or '' when it has none."""
        from reportgen.render.sanitize import clean_text

        texts = self.context["playbook"]["rules"][rule_id].get(field) or {}
        text = texts.get(self.lang, "")
        if not text:
            return ""
        figures = {name: self.figure(f) for name, f in (rec or {}).get("figures", {}).items()}
        try:
            return clean_text(text.format(**figures))
        except (KeyError, IndexError):  # a figure the rule quotes was not measured for this group
            return ""

    # --- dates, thresholds, models ------------------------------------------------------------
    def as_of_line(self) -> str:
        """Return the analysis date and why it was chosen."""
        log = self.context["log"]
        return self.tr(AS_OF_WORDS[log["as_of_reason"]]).format(date=self.fmt.date(log["as_of"]))

    def days(self, n: int | float) -> str:
        """Return a number of days ('203 days')."""
        return self.fmt.quantity(n, "{n} day", "{n} days")

    def inactivity_line(self) -> str:
        """Return the inactivity threshold, the basis it came from and why."""
        info = self.context["inactivity"]
        days, figures = self.days(info["days"]), info["figures"]
        if info["basis"] == "setting":
            return self._("A client has lapsed after {days} without a purchase, as set in "
                          "analysis.inactivity_days.").format(days=days)
        if info["basis"] == "no_repeat_purchases":
            return self._("A client has lapsed after {days} without a purchase, the usual retail rule: nobody "
                          "bought twice, so the log has no rhythm of its own to learn from.").format(days=days)
        gap = self.days(round(figures["gap_days"]))
        if info["basis"] == "floor":
            return self._("A client has lapsed after {days} without a purchase, the minimum: nine gaps in ten "
                          "between a client's purchases are shorter than {gap}, and a shorter threshold would "
                          "call clients lapsed between two ordinary purchases.").format(days=days, gap=gap)
        return self._("A client has lapsed after {days} without a purchase: nine gaps in ten between a client's "
                      "purchases are shorter than {gap} (rounded up to whole weeks), so a longer silence is no "
                      "ordinary pause.").format(days=days, gap=gap)

    def clv_definition(self) -> str:
        """Return what CLV means in this report."""
        value = self.context["clv"]
        return self._("CLV = expected revenue over the next {horizon}, discounted {rate} a month, from the BG/NBD "
                      "(purchases) and Gamma-Gamma (spend) models fitted on this log.").format(
            horizon=self.fmt.quantity(value["months"], "{n} month", "{n} months"),
            rate=self.fmt.percent(value["monthly_discount"], 0 if round(value["monthly_discount"] * 100, 6).is_integer()
                                  else 1))

    def holdout_definition(self) -> str:
        """Return how the hold-out check was made."""
        check = self.context["clv"]["holdout"]
        log = self.context["log"]
        return self._("Hold-out check: the purchase model fitted on the purchases up to {date}, checked on the "
                      "following {weeks}.").format(date=self.fmt.date(log["calibration_end"]),
                                                   weeks=self.fmt.quantity(round(check.get("weeks") or 0),
                                                                           "{n} week", "{n} weeks"))

    def no_clv_notice(self, part: dict | None = None) -> str:
        """Return why there is no lifetime value (or no hold-out check, for `part`)."""
        value = part or self.context["clv"]
        fit = value.get("fit") if part else value["bgnbd"] if value.get("failed_model") == "bgnbd" else (
            value.get("gamma_gamma") or value["bgnbd"])
        fit = fit or {}
        reason = self.tr(NO_CLV_WORDS.get(value["reason"], value["reason"] or "")).format(
            repeat=self.fmt.number(fit.get("repeat_buyers", 0)), needed=self.fmt.number(fit.get("min_repeat_buyers", 0)))
        if part:
            return self._("No hold-out check: {reason}.").format(reason=reason)
        return self._("No lifetime value could be estimated: {reason}. The segments, clusters and inactivity "
                      "figures do not depend on these models.").format(reason=reason)

    # --- what the summaries open with -----------------------------------------------------------
    def transactions_kpis(self) -> list[dict]:
        """Return the key figures: clients, the top 20%'s revenue share, the lapse rate, the mean CLV."""
        o, c = self.context["overview"], self.context["concentration"]
        lapse, value = self.context["inactivity"], self.context["clv"]
        kpis = [
            {"value": self.fmt.number(o["clients"]), "label": self._("clients"),
             "note": self._("{revenue} of revenue").format(revenue=self.fmt.money(o["revenue"], compact=True))},
            {"value": self.fmt.percent(c["top_revenue_share"], 0), "label": self._("of revenue from the top 20%"),
             "note": ""},
            {"value": self.fmt.percent(lapse["overall"]["rate"], 0), "label": self._("lapsed clients"),
             "note": self._("no purchase for over {days}").format(days=self.days(lapse["days"]))},
        ]
        if value["status"] == "ok":
            kpis.append({"value": self.fmt.money(value["totals"]["mean_clv"]), "label": self._("mean CLV"),
                         "note": self.fmt.quantity(value["months"], "over {n} month", "over {n} months")})
        return kpis

    def transactions_findings(self) -> list[str]:
        """Return the key findings as sentences."""
        o, c, rfm = self.context["overview"], self.context["concentration"], self.context["rfm"]
        lapse, value = self.context["inactivity"], self.context["clv"]
        findings = [self._("{clients} clients bought {revenue} from {first} to {last}; {repeat} of them on more "
                           "than one day.").format(clients=self.fmt.number(o["clients"]),
                                                   revenue=self.fmt.money(o["revenue"]),
                                                   first=self.fmt.date(o["first_date"]),
                                                   last=self.fmt.date(o["last_date"]),
                                                   repeat=self.fmt.percent(o["repeat_share"]))]
        if c["top_revenue_share"] is not None:
            findings.append(self._("The top 20% of clients bring {share} of the revenue.").format(
                share=self.fmt.percent(c["top_revenue_share"])))
        findings.append(self._("{rate} of clients have lapsed: no purchase for over {days}.").format(
            rate=self.fmt.percent(lapse["overall"]["rate"]), days=self.days(lapse["days"])))
        top = max(rfm["segments"], key=lambda s: s["revenue_share"])
        findings.append(self._("{segment}: {share} of clients bring {revenue} of the revenue.").format(
            segment=self.rfm_name(top["id"]), share=self.fmt.percent(top["share"]),
            revenue=self.fmt.percent(top["revenue_share"])))
        if value["status"] == "ok":
            findings.append(self._("Expected revenue from all clients over the next {horizon}: {total} "
                                   "({mean} per client).").format(
                horizon=self.fmt.quantity(value["months"], "{n} month", "{n} months"),
                total=self.fmt.money(value["totals"]["clv"]), mean=self.fmt.money(value["totals"]["mean_clv"])))
        else:
            findings.append(self.no_clv_notice())
        return findings

    def transactions_headline(self) -> str:
        """Return the one-sentence headline (the executive summary's notes)."""
        return " ".join(self.transactions_findings()[:3])
