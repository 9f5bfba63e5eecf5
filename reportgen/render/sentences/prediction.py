"""Sentences on the churn model, its key factors, the value at risk and the action groups."""

from __future__ import annotations

from reportgen.i18n.ui import N_

MODEL_NAMES = {
    "hist_gradient_boosting": N_("gradient boosting"),
    "logistic_regression": N_("logistic regression"),
}
GROUP_NAMES = {
    "at_risk": N_("At risk"),
    "high_value": N_("High value"),
    "inactive": N_("Inactive"),
    "standard": N_("Standard care"),
}
GROUP_DEFINITIONS = {
    "at_risk": N_("the {share} of clients with the highest risk (the contact capacity)"),
    "high_value": N_("the most valuable {share} of clients, below the contact threshold"),
    "inactive": N_("not active last month, neither at risk nor high value"),
    "standard": N_("everyone else"),
}


class PredictionSentences:
    """The words of the prediction, key factors, value at risk and action groups sections (a part of Wording)."""

    @property
    def prediction(self) -> dict | None:
        """Return the prediction part of the context when the model ran, else None."""
        part = self.context.get("prediction")
        return part if part and part.get("status") == "ok" else None

    def model_name(self, key: str) -> str:
        """Return a model's name in this language."""
        return self.tr(MODEL_NAMES[key])

    def group_name(self, key: str) -> str:
        """Return an action group's name."""
        return self.tr(GROUP_NAMES[key])

    def group_definition(self, key: str) -> str:
        """Return how an action group is drawn, in words."""
        groups = self.context["action_groups"]
        share = groups["contact_share"] if key == "at_risk" else groups["high_value_share"]
        return self.tr(GROUP_DEFINITIONS[key]).format(share=self.fmt.percent(share, 0))

    def precision_headline(self) -> str:
        """Return 'Precision X %' for a slide title or a key figure's label, rounded as in the sentences beside it."""
        return self._("Precision {precision}").format(
            precision=self.fmt.percent(self.prediction["metrics"]["precision_at_capacity"]))

    def precision_definition(self) -> str:
        """Return what the precision is: among the riskiest clients the capacity holds, the share who left."""
        m = self.prediction["metrics"]
        return self._("Precision at the contact capacity: of the {share} of clients the model ranks riskiest "
                      "({contacts}), {precision} left, against {base} of all clients.").format(
            share=self.fmt.percent(m["contact_share"], 0),
            contacts=self.fmt.quantity(m["contacts"], "{n} client", "{n} clients"),
            precision=self.fmt.percent(m["precision_at_capacity"]), base=self.fmt.percent(m["base_rate"]))

    def method_line(self) -> str:
        """Return how the model was chosen, evaluated and calibrated."""
        p = self.prediction
        other = next(c["model"] for c in p["candidates"] if c["model"] != p["model"])
        return self._("Model: {chosen}, chosen over {other} by PR-AUC in {folds}-fold cross-validation; every "
                      "client's risk comes from a model that never saw that client, calibrated on a separate part "
                      "of the training clients.").format(chosen=self.model_name(p["model"]),
                                                        other=self.model_name(other), folds=p["folds"])

    def excluded_line(self) -> str | None:
        """Return the columns the model does not use and why, or None when only the id (or nothing) is left out."""
        leaks = [e for e in self.prediction["excluded"] if e["reason"] != "id"]
        if not leaks:
            return None
        parts = []
        for entry in leaks:
            if entry["reason"] == "equal_to_label":
                parts.append(self._("{feature} (a copy of the churn flag)").format(
                    feature=self.feature(entry["column"])))
            else:
                parts.append(self._("{feature} (on its own it predicts churn almost perfectly: ROC-AUC {auc})").format(
                    feature=self.feature(entry["column"]), auc=self.fmt.number(entry["auc"], 3)))
        return self._("Left out of the model because they give the answer away: {columns}.").format(
            columns=self.listing(parts))

    def out_of_time_line(self) -> str | None:
        """Return the out-of-time check beside the cross-validated figures, or why it could not run."""
        oot = self.prediction.get("out_of_time")
        if not oot:
            return None
        if oot["status"] != "ok":
            return self._("Out-of-time check: not possible, last quarter's data file is not available.") \
                if oot["reason"] == "no_previous_data" else \
                self._("Out-of-time check: not possible with last quarter's table.")
        m = self.prediction["metrics"]
        return self._("Out-of-time check: trained on {period} ({clients}) and scored on this quarter, ROC-AUC {auc} "
                      "and precision {precision} (cross-validated: {cv_auc} and {cv_precision}).").format(
            period=self.fmt.period(oot["period"] or ""),
            clients=self.fmt.quantity(oot["trained_on"], "{n} client", "{n} clients"),
            auc=self.fmt.number(oot["roc_auc"], 3), precision=self.fmt.percent(oot["precision_at_capacity"], 0),
            cv_auc=self.fmt.number(m["roc_auc"], 3), cv_precision=self.fmt.percent(m["precision_at_capacity"], 0))

    def metric_rows(self) -> list[list[str]]:
        """Return the metrics table: name, chosen model, baseline, what it means."""
        p, m = self.prediction, self.prediction["metrics"]
        other = next(c for c in p["candidates"] if c["model"] != p["model"])
        n3 = lambda v: self.fmt.number(v, 3)  # noqa: E731
        pct = self.fmt.percent
        return [
            [self._("ROC-AUC"), n3(m["roc_auc"]), n3(other["roc_auc"]),
             self._("Chance that a client who left is ranked above one who stayed (0.5: chance, 1: perfect).")],
            [self._("PR-AUC"), n3(m["pr_auc"]), n3(other["pr_auc"]),
             self._("Average precision over every contact size; picking at random gives {base}.").format(
                 base=n3(m["base_rate"]))],
            [self._("Precision at capacity"), pct(m["precision_at_capacity"]), pct(other["precision_at_capacity"]),
             self._("Of the riskiest {share} of clients, the share who left.").format(
                 share=pct(m["contact_share"], 0))],
            [self._("Recall at capacity"), pct(m["recall_at_capacity"]), pct(other["recall_at_capacity"]),
             self._("Of all clients who left, the share among the riskiest {share}.").format(
                 share=pct(m["contact_share"], 0))],
            [self._("Lift of the top decile"), self.fmt.ratio(m["lift_top_decile"]), "—",
             self._("Churn among the riskiest tenth, against the average.")],
            [self._("Brier score"), n3(m["brier"]), n3(other["brier"]),
             self._("Mean squared gap between risk and outcome; {reference} when every client gets the average "
                    "(lower is better).").format(reference=n3(m["brier_reference"]))],
            [self._("Calibration slope"), self.fmt.number(m["calibration_slope"], 2), "—",
             self._("1 when predicted risks spread as much as outcomes do; below 1, over-confident.")],
        ]

    def factor_effect(self, factor: dict) -> str:
        """Return which way a key factor moves the risk, in words, beside the factor's name."""
        direction = factor["direction"]
        if factor["type"] == "binary" and direction in ("increases", "decreases"):
            value = 1 if direction == "increases" else 0
            return self._("{flag}: higher risk").format(flag=self._capital(self.flag_level(factor["feature"], value)))
        if direction == "increases":
            return self._("The higher, the higher the risk")
        if direction == "decreases":
            return self._("The lower, the higher the risk")
        if direction == "peaks":
            return self._("Risk highest around {value}").format(value=self.number_for(factor["feature"], factor["at"]))
        if direction == "dips":
            return self._("Risk lowest around {value}").format(value=self.number_for(factor["feature"], factor["at"]))
        if direction == "level":
            return self._("Risk highest for {level}").format(level=self.value(factor["feature"], factor["level"]))
        if direction == "mixed":
            return self._("Risk goes up and down across its values")
        return self._("No clear direction")

    def flag_level(self, column: str, value: int) -> str:
        """Return a yes/no level as a phrase of its own ('without a credit card'), else plain 'yes' or 'no'."""
        phrase = self.flag(column, value)
        plain = self._("{feature}: {answer}").format(feature=self.feature(column),
                                                     answer=self._("yes") if value else self._("no"))
        # 'Active last month: higher risk' beside the factor 'Active last month' says its name twice
        echo = phrase.casefold() == self.feature(column).casefold()
        return (self._("yes") if value else self._("no")) if phrase == plain or echo else phrase

    @staticmethod
    def _capital(text: str) -> str:
        """Return text with a capital first letter."""
        return text[:1].upper() + text[1:]

    def value_source_line(self) -> str:
        """Return which column a client's value is, and whether it is a proxy, said plainly."""
        var = self.context["value_at_risk"]
        if var["source"] == "config":
            return self._("Value of a client: {column}, as configured (columns.value).").format(
                column=self.feature(var["column"]))
        return self._("Value of a client: {column}, a proxy for what a client is worth; name revenue or margin in "
                      "columns.value to use it instead.").format(column=self.feature(var["column"]))

    def value_at_risk_line(self) -> str:
        """Return the headline value at risk: the money, and what it is."""
        overall = self.context["value_at_risk"]["overall"]
        return self.fmt.quantity(
            overall["valued"], "{money} at risk: each client's value weighted by their risk of leaving, summed over "
            "{n} client.", "{money} at risk: each client's value weighted by their risk of leaving, summed over {n} "
            "clients.", money=self.fmt.money(overall["value_at_risk"]))

    def effect_line(self, group: dict) -> str | None:
        """Return the assumed effect of retention on a group, or None when no assumption is set."""
        effect = group.get("expected_effect")
        if not effect:
            return None
        return self.fmt.quantity(
            round(effect["clients_kept"]),
            "Assumption set in the configuration: if retention prevents {uplift} of this group's expected "
            "departures, it keeps about {n} client and {money}.",
            "Assumption set in the configuration: if retention prevents {uplift} of this group's expected "
            "departures, it keeps about {n} clients and {money}.",
            uplift=self.fmt.percent(effect["uplift"], 0), money=self.fmt.money(effect["value_kept"]))
