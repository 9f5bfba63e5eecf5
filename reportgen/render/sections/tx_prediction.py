"""A transaction log's churn model, key factors, value at risk and action groups: the customer table's sections
where they fit, with a log's own words where it differs (the label is no purchase in the next N days, learnt at
a cut-off and checked against BG/NBD; the value is CLV; lapsed clients are the inactive group)."""

from __future__ import annotations

from reportgen.render.behaviour_charts import to_png
from reportgen.render.prediction_charts import value_risk_figure
from reportgen.render.sections.behaviour_opening import add_picture
from reportgen.render.sections.prediction import MAX_FACTORS, KeyFactors, ModelQuality, PredictiveModel
from reportgen.render.sections.value_at_risk import ActionGroups, ValueAtRisk, money_cards
from reportgen.render.slides import Item, content_area, text_box


class TxPredictiveModel(PredictiveModel):
    """Who makes no purchase in the next N days: precision, what is learnt and scored on what, the metrics
    against BG/NBD (all clients of the cut-off, then the active ones), gains and calibration."""

    def agenda(self, w) -> str | None:
        """Return the agenda line."""
        return w._("Churn prediction: whom to contact first") if w.prediction else None

    def slides(self, deck) -> None:
        """Add the model's summary, its metrics tables and the gains and calibration charts."""
        w = deck.w
        if not w.prediction:
            deck.list_slides(deck._("Churn prediction"), [Item(w.log_model_notice())],
                             deck._("Why this report has no churn prediction."))
            return
        items = [Item(w.log_precision_headline(), bold=True), Item(w.log_precision_definition()),
                 Item(w.log_label_line()), Item(w.method_line()), Item(w.log_baseline_line()),
                 Item(w.log_scoring_line())]
        if w.excluded_line():
            items.append(Item(w.excluded_line()))
        deck.list_slides(deck._("Churn prediction model"), items, deck._(
            "The precision is the share of clients who made no purchase in the following period among those the "
            "model would have us contact first, as many as the contact capacity allows; every figure comes from "
            "clients the model was not trained on, and from the part of the log after the cut-off, which it never "
            "saw."))
        header = w.log_metric_header()
        value_columns = len(header) - 2
        deck.table_slides(deck._("How good the model is"), [header] + w.log_metric_rows(),
                          [0.16] + [0.12] * value_columns + [0.84 - 0.12 * value_columns], deck._(
                              "All the clients of the cut-off. Both models were scored on the same five folds, each "
                              "client by a model that did not see them; BG/NBD was fitted on the purchases up to the "
                              "cut-off."))
        active = w.prediction.get("active")
        if active and active["model"]["roc_auc"] is not None:
            header = w.log_metric_header(active=True)
            value_columns = len(header) - 2
            deck.table_slides(
                deck._("Among the clients still active at the cut-off"), [header] + w.log_metric_rows(active=True),
                [0.16] + [0.14] * value_columns + [0.84 - 0.14 * value_columns],
                deck._("The {clients} clients who had bought within {days} before the cut-off, of whom {rate} made no "
                       "purchase in the following {days}: the clients the at-risk group is drawn from, where "
                       "telling who will stop is hardest.").format(
                    clients=deck.fmt.number(active["clients"]), days=w.log_days(),
                    rate=deck.fmt.percent(active["base_rate"])))
        # a log's model has no appendix of its own: its gains and calibration follow its metrics here
        ModelQuality().charts_slide(deck)


class TxKeyFactors(KeyFactors):
    """The log features the model leans on most, and which way each moves the risk."""

    def agenda(self, w) -> str | None:
        """Return the agenda line."""
        return w._("What foretells the end of purchases")

    def slides(self, deck) -> None:
        """Add the key factors table: feature, effect in words, importance."""
        w, info = deck.w, deck.ctx["prediction"]["key_factors"]
        # a factor whose importance rounds to 0.000 on the slide says nothing
        factors = [f for f in info["importance"] if round(f["importance"], 3) > 0][:MAX_FACTORS]
        rows = [[deck._("Factor"), deck._("Effect on the risk of no purchase"), deck._("Importance")]]
        rows += [[w.log_feature_title(f["feature"]), w.log_factor_effect(f), deck.fmt.number(f["importance"], 3)]
                 for f in factors]
        notes = deck._(
            "Importance is how much the model's ROC-AUC drops when the factor is shuffled among {n} clients it "
            "did not see ({repeats} shuffles); the effect is read from the model's average prediction as the "
            "factor changes, the other features held as they are. Each factor is measured at the cut-off, from "
            "the purchases before it. These are associations the model uses, not proven causes.").format(
            n=deck.fmt.number(info["sample"]), repeats=info["repeats"])
        deck.table_slides(deck._("What foretells the end of purchases"), rows, [0.34, 0.48, 0.18], notes)


def segment_names(w) -> dict[str, str]:
    """Return the RFM segments' names by id ('Champions')."""
    return {s["id"]: w.rfm_name(s["id"]) for s in w.context["rfm"]["segments"]}


def cluster_names(w) -> dict[str, str]:
    """Return the RFM clusters' names by id, said to be clusters: segments and clusters share names."""
    return {c["id"]: w._("Cluster: {name}").format(name=w.rfm_cluster_name(c)) for c in w.context["clusters"]["groups"]}


class TxValueAtRisk(ValueAtRisk):
    """Risk × CLV: the headline, by RFM segment and cluster, and every client on a CLV × risk grid."""

    def agenda(self, w) -> str | None:
        """Return the agenda line (a customer table's value at risk is in the appendix, a log's in the story)."""
        return w._("Value at risk")

    def slides(self, deck) -> None:
        """Add the headline, the table by segment and cluster, and the CLV × risk picture."""
        w, var = deck.w, deck.ctx["value_at_risk"]
        overall = var["overall"]
        slide = deck.slide("title_only", deck._("Value at risk"), w.value_at_risk_line() + " " + deck._(
            "It is an expectation, not a forecast of the quarter's losses: a client's risk says how much they "
            "look like the clients who made no purchase in the following period."))
        share = overall["value_at_risk"] / overall["value"] if overall["value"] else None
        money_cards(deck, slide, [
            (deck.fmt.money(overall["value"], compact=True), deck._("total lifetime value"), ""),
            (deck.fmt.money(overall["value_at_risk"], compact=True), deck._("value at risk"),
             deck._("{share} of the total").format(share=deck.fmt.percent(share))),
            (deck.fmt.number(round(overall["expected_leavers"])), deck._("clients expected to stop buying"),
             deck._("sum of the risks")),
        ])
        x, y, cx, cy = content_area(deck.prs, slide)
        text_box(slide, (x, y + int(cy * 0.8), cx, int(cy * 0.2)),
                 [(w.log_value_source_line(), 14, False, deck.palette["muted"])])
        self.table(deck)
        if var.get("density"):
            picture = deck.slide("title_only", deck._("Lifetime value and risk of every client"), deck._(
                "Each cell counts the clients with that predicted risk and lifetime value (darker: more clients); "
                "the labelled points are the RFM segments at their average risk and value. Active clients right of "
                "the dashed line are the at-risk group; lapsed clients are the inactive group whatever their risk. "
                "The {outside} clients with the lowest lifetime value (nearly nothing) are left out.").format(
                outside=deck.fmt.number(var["density"]["outside"])))
            add_picture(picture, content_area(deck.prs, picture), to_png(self.figure(w)))

    @staticmethod
    def figure(w):
        """Return the CLV × risk picture with the segments named."""
        return value_risk_figure(w, value_label=w._("Lifetime value (CLV)"), names=segment_names(w),
                                 risk_label=w._("Predicted risk of no purchase in the next {days}").format(
                                     days=w.log_days()))

    def table(self, deck) -> None:
        """Add the value at risk of every RFM segment and cluster."""
        w, var = deck.w, deck.ctx["value_at_risk"]
        money = lambda v: deck.fmt.money(v, compact=True)  # noqa: E731
        names = {**segment_names(w), **cluster_names(w)}
        rows = [[deck._("Group"), deck._("Clients"), deck._("Lapsed"), deck._("Mean risk"), deck._("CLV"),
                 deck._("Value at risk")]]
        for entry in [*var["by_segment"], *var["by_cluster"]]:
            rows.append([names.get(entry["id"], entry["id"]), deck.fmt.number(entry["clients"]),
                         deck.fmt.percent(entry["churn_rate"]), deck.fmt.percent(entry["mean_risk"]),
                         money(entry["value"]), money(entry["value_at_risk"])])
        deck.table_slides(deck._("Value at risk by segment and cluster"), rows, [0.36, 0.12, 0.11, 0.11, 0.15, 0.15],
                          deck._("RFM segments first, then the clusters; lapsed is the share past the inactivity "
                                 "threshold, value at risk sums each client's lifetime value weighted by their risk "
                                 "of no purchase."))


class TxActionGroups(ActionGroups):
    """Inactive, at risk, high value and standard: who is in each, what is at stake, and what to do."""

    template = "sections/action_groups.html"
    summary_rank = 45

    def slides(self, deck) -> None:
        """Add the group table and the actions of each group, with their KPI."""
        w = deck.w
        rows = [self.header(deck)] + [self.row(deck, g) for g in deck.ctx["action_groups"]["groups"]]
        deck.table_slides(deck._("Action groups"), rows, [0.18, 0.11, 0.11, 0.13, 0.13, 0.34], deck._(
            "Inactive: past the inactivity threshold; among the others, at risk: the riskiest, as many as the "
            "contact capacity; high value: the most valuable of the rest by lifetime value. The client lists "
            "(clients.csv and the workbooks) hold every client with their group, sorted by value at risk."))
        items = []
        for group in deck.ctx["action_groups"]["groups"]:
            items.append(Item(deck._("{group}: {definition}").format(
                group=w.group_name(group["key"]), definition=w.log_group_definition(group["key"])), bold=True))
            for rec in group["recommendations"]:
                items.append(Item(f"{w.recommendation_title(rec['id'])}. {w.recommendation(rec)}", level=1))
            effect = w.effect_line(group)
            if effect:
                items.append(Item(effect, level=1))
        deck.list_slides(deck._("What to do for each group"), items, deck._(
            "Each group's actions come from the playbook; no effect is promised unless the configuration sets an "
            "assumption (analysis.retention_uplift)."))

    def header(self, deck) -> list[str]:
        """Return the group table's header."""
        return [deck._("Group"), deck._("Clients"), deck._("Mean risk"), deck._("CLV"), deck._("Value at risk"),
                deck._("First action")]

    def row(self, deck, group: dict) -> list[str]:
        """Return one group's row."""
        first = group["recommendations"][0]["id"] if group["recommendations"] else None
        return [deck.w.group_name(group["key"]), deck.fmt.number(group["clients"]),
                deck.fmt.percent(group["mean_risk"]), deck.fmt.money(group["value"], compact=True),
                deck.fmt.money(group["value_at_risk"], compact=True),
                deck.w.recommendation_title(first) if first else "—"]

    def summary(self, w, charts: dict[str, str]) -> dict:
        """Return the PDF block: value at risk, precision with its definition, and the group table."""
        out = super().summary(w, charts)
        for row, group in zip(out["action_groups"], w.context["action_groups"]["groups"]):
            row["value"] = w.fmt.money(group["value"], compact=True)
        out["precision"] = w.log_precision_headline()
        out["prediction_lines"] = [w.log_precision_definition()]
        if out["value_source"]:
            out["value_note"] = w.log_value_source_line()  # a client's value is its CLV: said under the table
        out["group_columns"] = [("clients", w._("Clients")), ("risk", w._("Mean risk")), ("value", w._("CLV")),
                                ("value_at_risk", w._("Value at risk")), ("action", w._("First action"))]
        return out
