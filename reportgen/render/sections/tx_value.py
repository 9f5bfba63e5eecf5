"""The value and the actions of a transaction log's report: lifetime value (distribution, by segment, hold-out
check), recommendations per segment, the action plan, next steps and the appendix with the model parameters."""

from __future__ import annotations

from pathlib import Path

from reportgen.render import transaction_charts as pictures
from reportgen.render.charts import to_svg
from reportgen.render.deck_template import body_placeholders
from reportgen.render.sections.base import Section
from reportgen.render.sections.plan import ActionPlan
from reportgen.render.sections.tx_opening import figure_slide
from reportgen.render.slides import Item, fill_list, list_size

PARAMETERS = {"bgnbd": ("r", "alpha", "a", "b"), "gamma_gamma": ("p", "q", "gamma")}


def holdout_line(w) -> str:
    """Return the hold-out totals: predicted against actual repeat purchases, and the gap between them."""
    check = w.context["clv"]["holdout"]
    if check["status"] != "ok":
        return w.no_clv_notice(check)
    return w._("Predicted {predicted} repeat purchases for these {clients} clients; they made {actual} ({error}).").format(
        predicted=w.fmt.number(check["predicted"]), clients=w.fmt.number(check["clients"]),
        actual=w.fmt.number(check["actual"]),
        error=w._("{gap} off").format(gap=w.fmt.percent(abs(check["relative_error"])))
        if check["relative_error"] is not None else "—")


class LifetimeValue(Section):
    """Customer lifetime value: its distribution, value by segment and the hold-out check; or why there is none."""

    template = "sections/tx_value.html"
    summary_rank = 40

    def agenda(self, w) -> str | None:
        """Return the agenda line."""
        return w._("Customer lifetime value")

    def slides(self, deck) -> None:
        """Add the value slides, or the notice that the models could not be fitted."""
        w, value = deck.w, deck.ctx["clv"]
        if value["status"] != "ok":
            deck.list_slides(deck._("Customer lifetime value"), [Item(w.no_clv_notice())],
                             deck._("Why this report shows no lifetime value."))
            return
        totals = value["totals"]
        figure_slide(deck, deck._("Lifetime value of the clients"), deck._(
            "Most clients are expected to bring little; a few bring much. Total: {total}; mean {mean}, median "
            "{median} per client.").format(total=w.fmt.money(totals["clv"]), mean=w.fmt.money(totals["mean_clv"]),
                                           median=w.fmt.money(totals["median_clv"])),
            pictures.clv_distribution(w), w.clv_definition())
        if value["by_segment"]:
            figure_slide(deck, deck._("Lifetime value by segment"), deck._(
                "Mean expected value of a client in each segment, and the segment's share of the value of all "
                "clients."), pictures.value_by_segment(w), w.clv_definition())
        check = value["holdout"]
        if check["status"] == "ok":
            figure_slide(deck, deck._("Hold-out check of the purchase model"), holdout_line(w),
                         pictures.holdout(w), w.holdout_definition() + " " + holdout_line(w))
        else:
            deck.list_slides(deck._("Hold-out check of the purchase model"), [Item(holdout_line(w))],
                             deck._("Why the purchase model could not be checked."))

    def charts(self, w) -> dict[str, bytes]:
        """Return the distribution and value-by-segment charts for the PDF."""
        value = w.context["clv"]
        if value["status"] != "ok":
            return {}
        out = {"clv_distribution": to_svg(pictures.clv_distribution(w, width=6.0))}
        if value["by_segment"]:
            out["clv_by_segment"] = to_svg(pictures.value_by_segment(w, width=6.5))
        return out

    def summary(self, w, charts: dict[str, str]) -> dict:
        """Return the value sentences of the PDF block."""
        value = w.context["clv"]
        if value["status"] != "ok":
            return {"tx_value_notice": w.no_clv_notice(), "tx_value_lines": []}
        return {"tx_value_notice": None, "tx_value_lines": [w.clv_definition(), w.holdout_definition(), holdout_line(w)]}


class SegmentRecommendations(Section):
    """What to do for each segment: the strategy, what to do and the KPI that tells whether it worked."""

    template = "sections/tx_recommendations.html"
    summary_rank = 35

    def agenda(self, w) -> str | None:
        """Return the agenda line."""
        return w._("Recommendations per segment")

    def slides(self, deck) -> None:
        """Add the recommendations table, split across slides where long."""
        rows = [[deck._("Segment"), deck._("Strategy"), deck._("What to do"), deck._("KPI to follow")]]
        rows += [[r["segment"], r["title"], r["text"], r["kpi"]] for r in self.entries(deck.w)]
        deck.table_slides(deck._("Recommendations per segment"), rows, [0.16, 0.2, 0.42, 0.22], deck._(
            "The playbook's first strategy for each segment that has clients; the action plan orders them by "
            "horizon."))

    @staticmethod
    def entries(w) -> list[dict]:
        """Return each non-empty segment's first recommendation, with its KPI."""
        out = []
        for segment in w.context["rfm"]["segments"]:
            if not segment["size"] or not segment["recommendations"]:
                continue
            rec = segment["recommendations"][0]
            out.append({"segment": f"{w.rfm_name(segment['id'])} ({w.fmt.number(segment['size'])})",
                        "title": w.recommendation_title(rec["id"]), "text": w.recommendation(rec),
                        "kpi": w.playbook_text(rec["id"], "kpi", rec)})
        return out

    def summary(self, w, charts: dict[str, str]) -> dict:
        """Return the recommendations of the PDF block."""
        return {"tx_recommendations": self.entries(w)}


class TxActionPlan(ActionPlan):
    """The recommendations of the segments by horizon, each naming the segments it serves."""

    def served(self, w, action: dict) -> str:
        """Return whom an action serves: the RFM segments' names (the plan's column was empty with persona
        names, which a log has none of)."""
        return w.listing(w.rfm_name(s) for s in action["segments"])


class TxNextSteps(Section):
    """What to do after the meeting."""

    def agenda(self, w) -> str | None:
        """Return the agenda line (shared with the action plan)."""
        return w._("Action plan and next steps")

    def slides(self, deck) -> None:
        """Add the next steps."""
        items = [Item(deck._("Load the segments into the CRM and launch this quarter's actions, each with a "
                             "control group.")),
                 Item(deck._("Follow each action's KPI every month.")),
                 Item(deck._("Build the report again next quarter from the updated log, to see clients move "
                             "between segments.")),
                 Item(deck._("Questions and discussion."))]
        deck.list_slides(deck._("Next steps"), items, deck._("What to do after this meeting."))


class TxAppendix(Section):
    """The model parameters, the hold-out table and the method details; in the PDF, the data and method block."""

    template = "sections/tx_method.html"
    summary_rank = 50

    def agenda(self, w) -> str | None:
        """Return the agenda line."""
        return w._("Appendix: model parameters and method")

    def slides(self, deck) -> None:
        """Add the appendix header, the parameters, the hold-out table and the method details."""
        slide = deck.slide("section", deck._("Appendix"), deck._("Model parameters and method details."))
        body = body_placeholders(slide)
        if body:
            items = [Item(deck._("Model parameters and method details"))]
            fill_list(body[0], items, list_size(body[0], items, bullets=False) or 12, bullets=False)
        w, value = deck.w, deck.ctx["clv"]
        rows = [[deck._("Model"), deck._("Parameters"), deck._("Log-likelihood"), deck._("Repeat buyers")]]
        fits = [(deck._("BG/NBD (purchases), at the analysis date"), "bgnbd", value["bgnbd"]),
                (deck._("Gamma-Gamma (spend)"), "gamma_gamma", value["gamma_gamma"]),
                (deck._("BG/NBD, up to the calibration end"), "bgnbd", value["holdout"].get("fit"))]
        for label, model, fit in fits:
            if not fit:
                continue
            if fit["status"] == "ok":
                errors = fit.get("standard_errors") or {}
                params = ", ".join(f"{p} = {w.fmt.number(fit[p], 3)}"
                                   + (f" (± {w.fmt.number(errors[p], 3)})" if errors.get(p) is not None else "")
                                   for p in PARAMETERS[model])
                likelihood = w.fmt.number(fit["log_likelihood"], 1)
            else:
                params, likelihood = deck._("not fitted"), "—"
            rows.append([label, params, likelihood, w.fmt.number(fit["repeat_buyers"])])
        deck.table_slides(deck._("Model parameters"), rows, [0.34, 0.36, 0.15, 0.15], deck._(
            "Parameters of the models by maximum likelihood, with their standard errors; time is counted in weeks. "
            "A model that could not be fitted shows no parameter."))
        check = value["holdout"]
        if check["status"] == "ok":
            rows = [[deck._("Repeat purchases before"), deck._("Clients"), deck._("Actual after"),
                     deck._("Predicted after")]]
            rows += [[g["label"], w.fmt.number(g["clients"]), w.fmt.number(g["actual_mean"], 2),
                      w.fmt.number(g["predicted_mean"], 2)] for g in check["groups"]]
            deck.table_slides(deck._("Hold-out check by frequency group"), rows, [0.34, 0.22, 0.22, 0.22],
                              w.holdout_definition())
        deck.list_slides(deck._("Method details"), [Item(line) for line in self.method_lines(w)],
                         deck._("How every figure in this deck was computed."))

    @staticmethod
    def method_lines(w) -> list[str]:
        """Return the method details, one line each."""
        ctx = w.context
        m, log, info = ctx["method"], ctx["log"], ctx["clusters"]
        lines = [w.as_of_line(), w.inactivity_line(), w.clv_definition(), w.holdout_definition(),
                 w._("Clusters: KMeans on log(1 + x) of recency, frequency and revenue, standardised; k from {low} to "
                     "{high} chosen by silhouette, seed {seed}").format(low=m["clusters_range"][0],
                                                                        high=m["clusters_range"][1],
                                                                        seed=m["random_state"])]
        if info["status"] == "ok":
            lines.append(w._("Silhouette measured on {sample} clients; clusters fitted on {fitted} clients").format(
                sample=w.fmt.number(info["silhouette_sample"]), fitted=w.fmt.number(info["fitted_on"])))
        if w.prediction:  # what the churn model learns from and what it scores
            lines += [w.log_label_line(), w.log_scoring_line()]
        lines.append(w._("Lines read by {engine}; recommendations from the playbook {file}").format(
            engine=log["engine"]["name"], file=Path(ctx["playbook"]["source"]).name))
        return lines

    def summary(self, w, charts: dict[str, str]) -> dict:
        """Return the data and method sentences of the PDF block."""
        cleaning = w.context["log"]["cleaning"]
        return {"tx_data": [
            w._("Lines read: {read}; lines used: {used} ({revenue} of revenue)").format(
                read=w.fmt.number(cleaning["lines_read"]), used=w.fmt.number(cleaning["lines_used"]),
                revenue=w.fmt.money(cleaning["revenue_used"])),
            w._("Lines without a client id: {share} of the revenue, left out.").format(
                share=w.fmt.percent(cleaning["missing_client_revenue_share"] or 0))],
            "tx_method": self.method_lines(w)}
