"""The story's sentences: the executive summary's messages, the context and its stakes, the method in four steps.

Two optional parts of the context come from the churn prediction (contract.prediction) and are read only here:
  context["prediction"]["metrics"]: precision_at_capacity (out-of-fold) and contact_share, the capacity as a share
  context["value_at_risk"]["overall"]["value_at_risk"] and ["column"]: churn probability x value, summed over
  all clients, in the report's currency, and the column the value comes from
When they are absent (or their status is not "ok") the story is told without them.
"""

from __future__ import annotations

MAX_MESSAGES = 4


class StorySentences:
    """The words of the executive summary, the context and objectives and the method (a part of Wording)."""

    # --- what the prediction adds, when the context has it ---------------------------------------------
    def model_precision(self) -> tuple[float, float] | None:
        """Return (precision at the contact capacity, the share of clients contacted), or None."""
        prediction = self.context.get("prediction") or {}
        metrics = prediction.get("metrics") or {}
        precision, share = metrics.get("precision_at_capacity"), metrics.get("contact_share")
        if prediction.get("status") != "ok" or precision is None or not share:
            return None
        return precision, share

    def money_at_risk(self) -> tuple[float, str | None] | None:
        """Return (money at risk, the column the value comes from), or None."""
        risk = self.context.get("value_at_risk") or {}
        total = (risk.get("overall") or {}).get("value_at_risk")
        if risk.get("status") != "ok" or total is None:
            return None
        return total, risk.get("column")

    # --- pieces ---------------------------------------------------------------------------------------------
    def drivers(self, limit: int = 6) -> list[dict]:
        """Return the churn-prone levels, one per feature, strongest first."""
        seen, out = set(), []
        for item in self.context.get("churn_prone_intervals", []):
            if item["factor"] not in seen and self.factor(item["factor"]):
                seen.add(item["factor"])
                out.append(item)
        return out[:limit]

    def driver_phrase(self, item: dict) -> str:
        """Return a churn-prone level as a phrase inside a sentence: 'without a credit card', 'age: 25–34'."""
        factor = self.factor(item["factor"])
        level = next((lvl for lvl in factor["levels"] if lvl.get("label") == item["label"]), None)
        return self.level_phrase(factor, level) if level else str(item["label"])

    def driver_label(self, item: dict) -> str:
        """Return a churn-prone level as a label that stands alone, capitalised: 'Without a credit card'."""
        phrase = self.driver_phrase(item)
        return phrase[:1].upper() + phrase[1:]

    def churn_change(self) -> str:
        """Return the change of churn since the previous quarter ('+1.2 pp since Q2 2026, significant'), or ''."""
        comparison = self.context.get("comparison")
        if not comparison or comparison["churn"].get("change_pp") is None:
            return ""
        churn = comparison["churn"]
        verdict = self._("a significant change") if churn["test"].get("significant") else \
            self._("not a significant change")
        return self._("{change} since {period}, {verdict}").format(
            change=self.fmt.points(churn["change_pp"]), period=self.fmt.period(comparison["previous"]["period"] or ""),
            verdict=verdict)

    def personas_first(self, count: int = 2) -> list[dict]:
        """Return the rule segments to act on first: the highest churn measured on unseen clients."""
        return sorted(self.rule_segments, key=lambda s: -(s.get("churn_rate") or 0))[:count]

    def persona_brief(self, segment: dict) -> str:
        """Return '«name» (606 clients, churn 64.1%)'."""
        return self.fmt.quantity(segment["size"], "“{name}” ({n} client, churn {rate})",
                                 "“{name}” ({n} clients, churn {rate})", name=self.persona_name(segment),
                                 rate=self.fmt.percent(segment["churn_rate"]))

    # --- executive summary ----------------------------------------------------------------------------------
    def executive_messages(self) -> list[str]:
        """Return the three or four messages to remember, each with its figures; the prediction's when present."""
        o = self.context["overview"]
        change = self.churn_change()
        churn = self.fmt.quantity(
            o["churned"], "Churn is {rate} this quarter: {n} client of {total} left.",
            "Churn is {rate} this quarter: {n} clients of {total} left.", rate=self.fmt.percent(o["churn_rate"]),
            total=self.fmt.number(o["customers"]))
        if change:
            churn = self._("{sentence} That is {change}.").format(sentence=churn, change=change)
        optional = [m for m in (self.money_message(), self.precision_message()) if m]
        messages = [churn]
        if len(optional) < 2:
            messages.append(self.drivers_message())
        messages += [self.personas_message()] + optional
        if len(messages) < MAX_MESSAGES:
            messages.append(self.actions_message())
        return [m for m in messages if m][:MAX_MESSAGES]

    def drivers_message(self) -> str:
        """Return the strongest links with churn, two of them, with their figures."""
        drivers = self.drivers(2)
        if not drivers:
            return self._("No group of clients leaves clearly more often than the average.")
        first = drivers[0]
        fields = {"first": self.driver_phrase(first), "rate": self.fmt.percent(first["churn_rate"]),
                  "ratio": self.fmt.ratio(first["lift_ratio"])}
        if len(drivers) == 1:
            return self._("Churn is highest for {first} ({rate}, {ratio} the average).").format(**fields)
        return self._("Churn is highest for {first} ({rate}, {ratio} the average), then for {second} "
                      "({second_rate}).").format(second=self.driver_phrase(drivers[1]),
                                               second_rate=self.fmt.percent(drivers[1]["churn_rate"]), **fields)

    def personas_message(self) -> str:
        """Return which personas to act on first, with their size and churn."""
        first = self.personas_first()
        if not first:
            return ""
        if len(first) == 1:
            return self._("Act first on {first}.").format(first=self.persona_brief(first[0]))
        return self._("Act first on {first} and {second}.").format(first=self.persona_brief(first[0]),
                                                                   second=self.persona_brief(first[1]))

    def actions_message(self) -> str:
        """Return the actions of the first three months, by title."""
        short = (self.context.get("action_plan") or {}).get("short") or []
        if not short:
            return ""
        return self._("Within three months: {actions}.").format(actions=self.action_titles(short))

    def money_message(self) -> str:
        """Return the money at risk, when the prediction measured it."""
        risk = self.money_at_risk()
        if risk is None:
            return ""
        total, column = risk
        if column:
            return self._("{money} at risk: the {feature} of the clients likely to leave, weighted by their "
                          "probability of leaving.").format(money=self.fmt.money(total), feature=self.feature(column))
        return self._("{money} at risk, weighted by each client's probability of leaving.").format(
            money=self.fmt.money(total))

    def precision_message(self) -> str:
        """Return the model's precision at the contact capacity, when there is a model."""
        model = self.model_precision()
        if model is None:
            return ""
        precision, share = model
        return self._("The churn model is right {precision} of the time on the {share} of clients it ranks "
                      "riskiest.").format(precision=self.fmt.percent(precision), share=self.fmt.percent(share, 0))

    # --- context and objectives ----------------------------------------------------------------------------
    def why_now(self) -> list[str]:
        """Return why the report matters now: churn, its change, the stakes in clients and money."""
        o = self.context["overview"]
        lines = []
        if o.get("churn_rate"):
            lines.append(self._("About one client in {k} left in {period}.").format(
                k=self.fmt.number(round(1 / o["churn_rate"])), period=self.fmt.period(self.context["meta"]["period"])))
        change = self.churn_change()
        if change:
            lines.append(self._("Churn moved by {change}.").format(change=change))
        segments = self.rule_segments
        if segments:
            rates = [s["churn_rate"] for s in segments]
            lines.append(self.fmt.quantity(
                len(segments), "{n} persona at risk of {smallest}–{largest} clients, churn {low}–{high}.",
                "{n} personas at risk of {smallest}–{largest} clients each, churn {low}–{high}.",
                smallest=self.fmt.number(min(s["size"] for s in segments)),
                largest=self.fmt.number(max(s["size"] for s in segments)),
                low=self.fmt.percent(min(rates)), high=self.fmt.percent(max(rates))))
        lines.append(self.money_stakes())
        return [line for line in lines if line]

    def money_stakes(self) -> str:
        """Return the stakes in money: the money at risk, else what the leavers held against the stayers."""
        risk = self.money_at_risk()
        if risk is not None:
            return self._("Money at risk: {money}.").format(money=self.fmt.money(risk[0]))
        for role in ("balance", "income"):
            column = self.roles.semantic.get(role)
            test = next((t for t in self.context.get("tests", []) if t["feature"] == column and t.get("groups")), None)
            if test and test["groups"]["churned"].get("median") is not None:
                return self._("Clients who left had a median {feature} of {left}, against {stayed} for those who "
                              "stayed.").format(feature=self.feature(column),
                                                left=self.number_for(column, test["groups"]["churned"]["median"]),
                                                stayed=self.number_for(column, test["groups"]["retained"]["median"]))
        return ""

    def objectives(self) -> list[str]:
        """Return what the report sets out to do."""
        lines = [self._("Say who leaves, with figures that hold on clients the search did not see."),
                 self._("Name the client groups to act on first, as personas."),
                 self._("Give each action an owner, a KPI and a horizon.")]
        if self.model_precision() is not None:
            lines.insert(2, self._("Rank every client by the risk of leaving, with an honest precision."))
        return lines

    # --- the method in four steps ------------------------------------------------------------------------
    def method_steps(self) -> list[tuple[str, str]]:
        """Return the four steps of the method: (title, what was done), from the context's own figures."""
        meta, q = self.context["meta"], self.context["quality"]
        # each count with the words that agree with it ('no duplicate rows', '1 missing value kept as missing')
        missing, dupes, ids = self.cleaning_steps()
        implausible = sum(i["count"] for i in q.get("out_of_range", {}).values())
        read = self.fmt.quantity(meta["rows_read"], "{n} row read from {file}", "{n} rows read from {file}",
                                 file=self.source_name())
        set_aside = self._("no implausible values") if not implausible else self.fmt.quantity(
            implausible, "{n} implausible value set aside", "{n} implausible values set aside")
        cleaning = self.listing([read, dupes, missing, ids, set_aside]) + "."
        segmentation = self._("Churn-prone segments: two or three conditions found on half of the clients and "
                              "confirmed on the other half.")
        k = (self.context.get("clusters") or {}).get("k")
        if k:
            segmentation += " " + self.fmt.quantity(k, "The whole base split into {n} group by KMeans.",
                                                    "The whole base split into {n} groups by KMeans.")
        model = self.model_precision()
        if model is not None:
            third = (self._("Predictive modelling"), self._(
                "A churn model scores every client; precision {precision} on the riskiest {share}, measured on "
                "clients it did not learn from.").format(precision=self.fmt.percent(model[0]),
                                                         share=self.fmt.percent(model[1], 0)))
        else:
            third = (self._("Statistical tests"), self._(
                "Every factor tested for a real link with churn, with the test that suits its data and Holm's "
                "correction."))
        return [(self._("Data collection and cleaning"), cleaning), (self._("Segmentation"), segmentation), third,
                (self._("Strategic analysis"), self._(
                    "Personas named from their traits; actions from the playbook matched to each persona and "
                    "planned by horizon, with an owner and a KPI."))]

    def source_name(self) -> str:
        """Return the data file's name, without its folder."""
        return str(self.context["meta"]["dataset"]).replace("\\", "/").rsplit("/", 1)[-1]
