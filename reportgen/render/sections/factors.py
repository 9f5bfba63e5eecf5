"""The statistics behind the story, for the appendix: churn by every factor, and the hypothesis tests."""

from __future__ import annotations

from reportgen.render.pptx_charts import bars_with_reference
from reportgen.render.sections.base import Section
from reportgen.render.slides import content_area
from reportgen.render.sentences.behaviour import capitalised

MAX_TABLE_ROWS = 14  # the PDF's statistics page holds this many tests; the deck has them all


class FactorCharts(Section):
    """Every factor's churn by level, the average drawn as a reference line (the appendix: one chart each)."""

    def applies(self, ctx: dict) -> bool:
        """Return True when some factor has two levels or more."""
        return any(len(f["levels"]) > 1 for f in ctx["churn_by_factor"])

    def bridge(self, w) -> str:
        """Return the lead into the factor charts."""
        return w._("Next: churn by every factor, one chart each.")

    def slides(self, deck) -> None:
        """Add one chart per factor, the widest spread first; the notes give its test."""
        w, overall = deck.w, deck.ctx["overview"]["churn_rate"]
        tests = {t["feature"]: t for t in deck.ctx["tests"]}
        factors = sorted((f for f in deck.ctx["churn_by_factor"] if len(f["levels"]) > 1),
                         key=lambda f: -(f.get("spread_pp") or 0))
        for index, factor in enumerate(factors):
            top = max(factor["levels"], key=lambda lvl: lvl["churn_rate"] or 0)
            following = factors[index + 1] if index + 1 < len(factors) else None
            bridge = deck._("Next: churn by {feature}.").format(feature=w.feature(following["factor"])) \
                if following else deck.bridge_after(self)
            test = tests.get(factor["factor"])
            notes = deck.talk(
                deck._("Churn by {feature}: highest for {level} at {rate}, against {overall} on average.").format(
                    feature=w.feature(factor["factor"]), level=w.level(factor, top),
                    rate=deck.fmt.percent(top["churn_rate"]), overall=deck.fmt.percent(overall)),
                self.tested(w, test), bridge)
            slide = deck.slide("title_only", w.churn_by(factor["factor"]), notes)
            bars_with_reference(
                slide, content_area(deck.prs, slide), [w.level(factor, lvl) for lvl in factor["levels"]],
                [lvl["churn_rate"] or 0.0 for lvl in factor["levels"]], overall, w.bar_legend(),
                [lvl["churn_prone"] for lvl in factor["levels"]], deck.palette, deck.fmt)


    @staticmethod
    def tested(w, test: dict | None) -> str:
        """Return a factor's test in a few words: method, adjusted p-value and effect, or ''."""
        if not test or test.get("status") != "ok":
            return ""
        return w._("{feature}, tested with the {method}: adjusted p {p}, {effect}.").format(
            feature=w.feature_title(test["feature"]), method=w.method(test.get("method")),
            p=w.fmt.p_claim(test.get("p_adjusted")), effect=w.effect(test.get("effect_size")))


class Tests(Section):
    """The hypothesis tests: question, method, p-value, effect, conclusion."""

    template = "sections/tests.html"
    summary_rank = 80

    def applies(self, ctx: dict) -> bool:
        """Return True when some feature was tested."""
        return bool(ctx.get("tests"))

    def bridge(self, w) -> str:
        """Return the lead into the tests."""
        return w._("Next: the tests behind every difference the story relies on.")

    def slides(self, deck) -> None:
        """Add the tests as a table."""
        header = [deck._("Question"), deck._("Method"), deck._("Adjusted p"), deck._("Effect"), deck._("Conclusion")]
        rows = [header]
        for test in deck.ctx["tests"]:
            rows.append([deck.w.question(test), capitalised(deck.w.method(test.get("method"))),
                         deck.fmt.p_value(test.get("p_adjusted")), deck.w.effect_cell(test.get("effect_size")),
                         deck.w.conclusion(test)])
        notes = deck.talk(deck._("Each question is answered with the test that suits the data; p-values are "
                                 "adjusted for the number of tests (Holm). Where the t-test and the rank test "
                                 "disagree, the medians tell the truth."), deck.bridge_after(self))
        deck.table_slides(deck._("Are the differences real?"), rows, [0.24, 0.15, 0.1, 0.14, 0.37], notes)

    def summary(self, w, charts: dict[str, str]) -> dict:
        """Return the tests table (capped) and how many more the deck has."""
        tests = [{"question": w.question(t), "method": capitalised(w.method(t.get("method"))),
                  "p": w.fmt.p_value(t.get("p_adjusted")), "effect": w.effect(t.get("effect_size")),
                  "conclusion": w.conclusion(t), "significant": bool(t.get("significant"))}
                 for t in w.context["tests"]]
        return {"tests": tests[:MAX_TABLE_ROWS], "tests_omitted": max(0, len(tests) - MAX_TABLE_ROWS)}
