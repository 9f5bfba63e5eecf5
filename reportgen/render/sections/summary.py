"""The opening of the story: the executive summary, the context and objectives, the method in four steps."""

from __future__ import annotations

from pptx.util import Emu

from reportgen.render import charts as svg
from reportgen.render.sections.base import Section
from reportgen.render.sections.opening import figure_cards
from reportgen.render.slides import SMALLEST, Item, content_area, fill_list, list_size


def card_columns(deck, slide, cards: list[tuple[str, list[str]]], numbered: bool = False) -> None:
    """Add columns side by side under the slide's title, each a bold heading and its lines, all at one size
    (the largest at which every column fits), so that sibling columns read alike."""
    x, y, cx, cy = content_area(deck.prs, slide)
    gap = Emu(int(cx * 0.03))
    per_row = 2 if len(cards) == 4 else len(cards)  # four steps read better as two rows of two than as slivers
    rows = -(-len(cards) // per_row)
    width = int((cx - (per_row - 1) * gap) / per_row)
    height = int((cy - (rows - 1) * gap) / rows)
    boxes = []
    for index, (heading, lines) in enumerate(cards):
        title = deck._("{number}. {title}").format(number=index + 1, title=heading) if numbered else heading
        items = [Item(title, bold=True)] + [Item(line) for line in lines]
        left, top = x + (index % per_row) * (width + gap), y + (index // per_row) * (height + gap)
        boxes.append((slide.shapes.add_textbox(left, top, width, height), items))
    size = min(list_size(box, items, bullets=False) or SMALLEST for box, items in boxes)
    for box, items in boxes:
        fill_list(box, items, size, bullets=False)


class ExecutiveSummary(Section):
    """The three or four messages to remember, each with its figures; in the PDF, the summary's opening."""

    template = "sections/executive.html"
    summary_rank = 10

    def agenda(self, w) -> str | None:
        """Return the agenda line."""
        return w._("Executive summary")

    def bridge(self, w) -> str:
        """Return the lead into the executive summary."""
        return w._("Next: the messages to remember, before any detail.")

    def slides(self, deck) -> None:
        """Add the executive summary: the key figures on top, the messages under them, one paragraph each."""
        o = deck.ctx["overview"]
        notes = deck.talk(
            deck._("If the room remembers one figure, it is churn: {rate} ({interval}).").format(
                rate=deck.fmt.percent(o["churn_rate"]), interval=deck.w.interval(o["churn_rate_ci"])),
            deck._("Every message here is backed by a slide that follows; the statistics are in the appendix."),
            deck.bridge_after(self))
        slide = deck.slide("title_only", deck._("Executive summary"), notes)
        figure_cards(deck, slide, [(k["value"], k["label"], k["note"]) for k in deck.w.headline_view()["kpis"]],
                     band=(0.0, 0.34), scale=0.75)
        x, y, cx, cy = content_area(deck.prs, slide)
        box = slide.shapes.add_textbox(x, y + int(cy * 0.36), cx, int(cy * 0.64))
        items = [Item(m) for m in deck.w.executive_messages()]
        fill_list(box, items, list_size(box, items, bullets=False) or SMALLEST, bullets=False)

    def summary(self, w, charts: dict[str, str]) -> dict:
        """Return the messages of the PDF's executive summary (the key figures come with every summary)."""
        return {"messages": w.executive_messages()}

    def charts(self, w) -> dict[str, bytes]:
        """Return the chart of the personas at risk, named, for the summary's first page."""
        return {"segments": svg.segments_chart(w.rule_segments, w)} if w.rule_segments else {}


class ContextObjectives(Section):
    """Why now, the stakes in clients and money, and what the report sets out to do."""

    def agenda(self, w) -> str | None:
        """Return the agenda line."""
        return w._("Context and objectives")

    def bridge(self, w) -> str:
        """Return the lead into the context."""
        return w._("Next: why this matters now, and what we set out to do.")

    def slides(self, deck) -> None:
        """Add the context and objectives: why now on the left, the objectives on the right."""
        slide = deck.slide("title_only", deck._("Context and objectives"), deck.talk(
            deck._("The stakes first: how many clients leave and what they take with them."),
            deck._("The report answers three questions: who leaves, whom to keep first, and how."),
            deck.bridge_after(self)))
        card_columns(deck, slide, [(deck._("Why now"), deck.w.why_now()),
                                   (deck._("Objectives"), deck.w.objectives())])


class MethodSteps(Section):
    """How the figures were made, in four steps on one slide; the details are in the appendix."""

    def agenda(self, w) -> str | None:
        """Return the agenda line."""
        return w._("Method in four steps")

    def bridge(self, w) -> str:
        """Return the lead into the method."""
        return w._("Next: how the figures were made, in four steps.")

    def slides(self, deck) -> None:
        """Add the four steps as numbered cards."""
        slide = deck.slide("title_only", deck._("Method in four steps"), deck.talk(
            deck._("The figures come from the client table alone: nothing was added from outside."),
            deck._("Segments are confirmed on clients the search never saw, so their churn is not flattered; "
                   "the tests and their p-values are in the appendix."),
            deck.bridge_after(self)))
        card_columns(deck, slide, [(title, [text]) for title, text in deck.w.method_steps()], numbered=True)
