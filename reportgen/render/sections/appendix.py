"""The appendix: data quality and method details; in the PDF, the data and method block."""

from __future__ import annotations

from reportgen.render.deck_template import body_placeholders
from reportgen.render.sections.base import Section
from reportgen.render.slides import Item, fill_list, list_size


def quality_slides(deck, churn: bool, bridge: str = "") -> None:
    """Add the data quality table: what was found in the data and done about it (churn lines when `churn`)."""
    q = deck.ctx["quality"]
    n = deck.fmt.number
    rows = [[deck._("Check"), deck._("Result")],
            [deck._("Rows read / used"), f"{n(q['rows_read'])} / {n(q['rows_used'])}"],
            [deck._("Ragged rows skipped"), n(q["skipped_rows"]["count"])],
            [deck._("Exact duplicate rows dropped"), n(q["duplicate_rows"]["count"])]]
    if churn:
        rows.append([deck._("Rows without a churn flag"), n(q["missing_churn"]["count"])])
    rows.append([deck._("Ids on several differing rows (kept)"), n(q["repeated_ids"]["ids"])])
    for column, count in q["missing"].items():
        if count:
            rows.append([deck._("Missing values: {feature}").format(feature=deck.w.feature(column)), n(count)])
    for column, info in q["out_of_range"].items():
        rows.append([deck._("Implausible values of {feature} (set to missing)").format(
            feature=deck.w.feature(column)), n(info["count"])])
    deck.table_slides(deck._("Data quality"), rows, [0.7, 0.3], deck.talk(deck._(
        "What was found in the data and what was done about it."), bridge))


class AppendixOpening(Section):
    """The appendix's section slide: what follows is for reference (the story ends before it)."""

    ends_story = True

    def agenda(self, w) -> str | None:
        """Return the agenda line."""
        return w._("Appendix: statistics, data quality and method")

    def bridge(self, w) -> str:
        """Return the lead into the appendix."""
        return w._("Next: the appendix, for reference.")

    def slides(self, deck) -> None:
        """Add the appendix's section slide."""
        slide = deck.slide("section", deck._("Appendix"), deck.talk(
            deck._("The appendix backs the story: the tests and their p-values, data quality, the method and every "
                   "factor, for questions and for the analysts."), deck.bridge_after(self)))
        body = body_placeholders(slide)
        if body:
            items = [Item(deck._("Statistics, data quality and method details"))]
            fill_list(body[0], items, list_size(body[0], items, bullets=False) or 12, bullets=False)


class Appendix(Section):
    """Data quality and how every figure was computed."""

    template = "sections/method.html"
    summary_rank = 90

    def bridge(self, w) -> str:
        """Return the lead into data quality and the method details."""
        return w._("Next: data quality and how every figure was computed.")

    def slides(self, deck) -> None:
        """Add the appendix: data quality and method details."""
        quality_slides(deck, churn=True, bridge=deck._("Next: how every figure was computed."))
        m = deck.ctx["method"]
        n = deck.fmt.number
        items = [
            Item(deck._("Significance level {alpha}, Holm's correction over every test").format(
                alpha=deck.fmt.number(m["alpha"], 2))),
            Item(deck._("Churn rates with 95% Wilson intervals")),
            Item(deck._("Numeric features: Welch's t-test, Mann–Whitney U test and a bootstrap interval of the median "
                        "difference ({n} resamples)").format(n=n(m["bootstrap_resamples"]))),
            Item(deck._("Categorical features: chi-square test, Fisher's exact test for small counts; Cramér's V")),
            Item(deck._("Segments: {conditions}, {size}, overlap (Jaccard) below {overlap}").format(
                conditions=deck.fmt.quantity(m["max_conditions"], "up to {n} condition", "up to {n} conditions"),
                size=deck.fmt.quantity(m["min_segment_size"], "at least {n} client", "at least {n} clients"),
                overlap=deck.fmt.number(m["max_overlap"], 2))),
            *[Item(line) for line in deck.w.validation_lines()],
            Item(deck._("Clusters: KMeans, k from {low} to {high} chosen by silhouette, seed {seed}").format(
                low=m["clusters_range"][0], high=m["clusters_range"][1], seed=m["random_state"])),
        ]
        deck.list_slides(deck._("Method details"), items, deck.talk(
            deck._("How every figure in this deck was computed."), deck.bridge_after(self)))

    def summary(self, w, charts: dict[str, str]) -> dict:
        """Return the data-quality sentences of the PDF's data and method block."""
        q = w.context["quality"]
        return {"quality": [w.fmt.quantity(q["rows_used"], "{n} client analysed.", "{n} clients analysed."),
                            w.cleaning_sentence()]}
