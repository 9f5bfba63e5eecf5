"""Who leaves, and is it real: churn by factor, the portrait of leavers, the hypothesis tests."""

from __future__ import annotations

from reportgen.render import charts as svg
from reportgen.render.pptx_charts import bars_with_reference
from reportgen.render.sections.base import Section
from reportgen.render.slides import Item, content_area

MAX_FACTOR_SLIDES = 6
MIN_SPREAD_PP = 5.0  # a factor whose levels differ by less than this is not worth a chart slide
MAX_TABLE_ROWS = 30  # a PDF table of thousands of rows takes minutes and is read by nobody


def important_factors(ctx: dict) -> list[dict]:
    """Return the factors worth a chart: a significant test and levels that differ, widest spread first."""
    significant = {t["feature"] for t in ctx["tests"] if t.get("significant")}
    chosen = [f for f in ctx["churn_by_factor"]
              if f["factor"] in significant and f.get("spread_pp", 0) >= MIN_SPREAD_PP and len(f["levels"]) > 1]
    return sorted(chosen, key=lambda f: -f["spread_pp"])[:MAX_FACTOR_SLIDES]


class FactorCharts(Section):
    """One native bar chart per important factor, the average drawn as a reference line."""

    def agenda(self, w) -> str | None:
        """Return the agenda line."""
        return w._("Who leaves, and is it real?")

    def slides(self, deck) -> None:
        """Add the factor charts."""
        overall = deck.ctx["overview"]["churn_rate"]
        for factor in important_factors(deck.ctx):
            top = max(factor["levels"], key=lambda lvl: lvl["churn_rate"] or 0)
            notes = deck._("Churn by {feature}: highest for {level} at {rate}, against {overall} on average.").format(
                feature=deck.w.feature(factor["factor"]), level=deck.w.level(factor, top),
                rate=deck.fmt.percent(top["churn_rate"]), overall=deck.fmt.percent(overall))
            slide = deck.slide("title_only", deck.w.churn_by(factor["factor"]), notes)
            bars_with_reference(
                slide, content_area(deck.prs, slide), [deck.w.level(factor, lvl) for lvl in factor["levels"]],
                [lvl["churn_rate"] or 0.0 for lvl in factor["levels"]], overall, deck.w.bar_legend(),
                [lvl["churn_prone"] for lvl in factor["levels"]], deck.palette, deck.fmt)


class Portrait(Section):
    """The portrait of the clients who leave: the levels with the largest lift, as sentences."""

    def slides(self, deck) -> None:
        """Add the portrait."""
        seen, items = set(), []
        for item in deck.ctx.get("churn_prone_intervals", []):
            if item["factor"] in seen:
                continue
            seen.add(item["factor"])
            items.append(Item(deck.w.level_finding(item)))
            if len(items) == 6:
                break
        if not items:
            items = [Item(deck._("No group of clients leaves clearly more often than the average."))]
        organisation = (deck.ctx["meta"].get("organisation") or "").strip()
        if organisation:
            notes = deck._("The groups whose churn is significantly above the average, strongest first; each is "
                           "compared with the average across {organisation}.").format(organisation=organisation)
        else:
            notes = deck._("The groups whose churn is significantly above the average, strongest first; each is "
                           "compared with the average of all clients.")
        deck.list_slides(deck._("Portrait of the clients who leave"), items, notes)


class Tests(Section):
    """The hypothesis tests: question, method, p-value, effect, conclusion."""

    template = "sections/tests.html"
    summary_rank = 40

    def slides(self, deck) -> None:
        """Add the tests as a table."""
        header = [deck._("Question"), deck._("Method"), deck._("Adjusted p"), deck._("Effect"), deck._("Conclusion")]
        rows = [header]
        for test in deck.ctx["tests"]:
            rows.append([deck.w.question(test), deck.w.method(test.get("method")),
                         deck.fmt.p_value(test.get("p_adjusted")), deck.w.effect(test.get("effect_size")),
                         deck.w.conclusion(test)])
        notes = deck._("Each question is answered with the test that suits the data; p-values are adjusted for "
                       "the number of tests (Holm). Where the t-test and the rank test disagree, the medians tell "
                       "the truth.")
        deck.table_slides(deck._("Are the differences real?"), rows, [0.24, 0.15, 0.1, 0.14, 0.37], notes)

    def charts(self, w) -> dict[str, bytes]:
        """Return the distributions of the feature where the t-test and the rank test disagree, if any."""
        skewed = next((t for t in w.context["tests"] if w.disagreement(t)), None)
        return {"groups": svg.groups_chart(skewed, w)} if skewed is not None else {}

    def summary(self, w, charts: dict[str, str]) -> dict:
        """Return the tests table (capped) and how many more the deck has."""
        tests = [{"question": w.question(t), "method": w.method(t.get("method")),
                  "p": w.fmt.p_value(t.get("p_adjusted")), "effect": w.effect(t.get("effect_size")),
                  "conclusion": w.conclusion(t), "significant": bool(t.get("significant"))}
                 for t in w.context["tests"]]
        return {"tests": tests[:MAX_TABLE_ROWS], "tests_omitted": max(0, len(tests) - MAX_TABLE_ROWS)}
