"""The opening of the report: title and agenda; the objectives and key figures of a behaviour segmentation."""

from __future__ import annotations

from pptx.util import Emu

from reportgen.render import charts as svg
from reportgen.render.deck_template import subtitle_placeholder
from reportgen.render.sections.base import Section
from reportgen.render.sentences import single_stop
from reportgen.render.slides import Item, content_area, fill_list, list_size, text_box


class Title(Section):
    """The title slide: title, period, organisation, date."""

    def slides(self, deck) -> None:
        """Add the title slide."""
        meta = deck.ctx["meta"]
        slide = deck.slide("title", deck.w.report_title(), self.notes(deck))
        sub = subtitle_placeholder(slide)
        if sub is not None:
            lines = [deck.fmt.period(meta["period"])]
            if meta.get("organisation"):
                lines.append(meta["organisation"])
            lines.append(deck.fmt.date(deck.ctx["generated_at"]))
            items = [Item(" · ".join(lines))]
            fill_list(sub, items, list_size(sub, items, bullets=False) or 12, bullets=False)

    def notes(self, deck) -> str:
        """Return the title slide's speaker notes."""
        return deck.talk(deck._("Quarterly churn report for {period}: who leaves, whom to keep first, and how.").format(
            period=deck.fmt.period(deck.ctx["meta"]["period"])), deck.bridge_after(self))


class Agenda(Section):
    """The agenda: the agenda line of every section of the run that applies."""

    def slides(self, deck) -> None:
        """Add the agenda."""
        # sections that share a line (the action plan and the next steps) give it once, where it first appears
        items = list(dict.fromkeys(line for section in deck.sections if section.applies(deck.ctx)
                                   for line in [section.agenda(deck.w)] if line))
        deck.list_slides(deck._("Agenda"), [Item(t) for t in items], deck.talk(
            deck._("What this report covers, in the order it is presented."), deck.bridge_after(self)))

    def bridge(self, w) -> str:
        """Return the lead into the agenda."""
        return w._("Next: what the report covers.")


class Objectives(Section):
    """Context and objectives."""

    def agenda(self, w) -> str | None:
        """Return the agenda line."""
        return w._("Context, data and method")

    def slides(self, deck) -> None:
        """Add the context and objectives."""
        deck.list_slides(deck._("Context and objectives"), [Item(line) for line in self.objectives(deck)],
                         self.notes(deck))

    def objectives(self, deck) -> list[str]:
        """Return the objectives, one line each."""
        period = deck.fmt.period(deck.ctx["meta"]["period"])
        return [single_stop(deck._("Quarterly review of client churn: {period}.").format(period=period)),
                deck._("Measure how many clients left, and which kinds of client leave."),
                deck._("Check with statistical tests which differences are real."),
                deck._("Find the segments most at risk and the actions that can keep them.")]

    def notes(self, deck) -> str:
        """Return the slide's speaker notes."""
        return deck._("Why we look at churn every quarter and what the report answers.")


class KeyFigures(Section):
    """The key figures: clients, churn and its interval, clients who left; in the PDF, the key findings."""

    template = "sections/headline.html"
    summary_rank = 10

    def agenda(self, w) -> str | None:
        """Return the agenda line."""
        return w._("Key figures")

    def slides(self, deck) -> None:
        """Add the key figures."""
        slide = deck.slide("title_only", deck._("Key figures"), deck.w.headline())
        figure_cards(deck, slide, deck.w.key_figures())

    def charts(self, w) -> dict[str, bytes]:
        """Return the chart of the factor whose levels differ most."""
        factors = sorted(w.context["churn_by_factor"], key=lambda f: -f.get("spread_pp", 0))
        return {"factor": svg.factor_chart(factors[0], w)} if factors and factors[0]["levels"] else {}


def figure_cards(deck, slide, cards: list[tuple[str, str, str]], band: tuple[float, float] = (0.15, 0.6),
                 scale: float = 1.0) -> None:
    """Add a row of key-figure cards (figure, label, note) under the slide's title, in the `band` (top, height) of
    the free area, sizes times `scale`; the second card in the accent colour."""
    x, y, cx, cy = content_area(deck.prs, slide)
    gap = Emu(int(cx * 0.04))
    card = int((cx - (len(cards) - 1) * gap) / len(cards))
    for index, (big, label, note) in enumerate(cards):
        paragraphs = [(big, 54 * scale, True, deck.palette["accent"] if index == 1 else deck.palette["primary"]),
                      (label, 20 * scale, False, deck.palette["text"])]
        if note:
            paragraphs.append((note, 16 * scale, False, deck.palette["muted"]))
        text_box(slide, (x + index * (card + gap), y + Emu(int(cy * band[0])), card, Emu(int(cy * band[1]))),
                 paragraphs, group="key figure")
