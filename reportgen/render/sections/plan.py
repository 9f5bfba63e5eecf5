"""What to do: the action plan by horizon, and the next steps."""

from __future__ import annotations

from reportgen.render.sections.base import Section
from reportgen.render.slides import Item


class ActionPlan(Section):
    """The recommendations of the segments, grouped by when they can be carried out."""

    def applies(self, ctx: dict) -> bool:
        """Return True when some segment has an action."""
        return any(ctx.get("action_plan", {}).values())

    def slides(self, deck) -> None:
        """Add the action plan."""
        items = []
        for horizon, actions in deck.ctx["action_plan"].items():
            if not actions:
                continue
            items.append(Item(deck.w.horizon(horizon), bold=True))
            for action in actions:
                items.append(Item(self.action_line(deck, action), level=1))
        deck.list_slides(deck._("Action plan"), items, self.notes(deck))

    def action_line(self, deck, action: dict) -> str:
        """Return an action of the plan with the segments it serves."""
        # one segment or several: the word labels a list, so 21 segments are "сегменты", never Russian's form of 21
        several = 1 if len(action["segments"]) == 1 else 2
        return deck.fmt.ngettext("{action} — segment {segments}", "{action} — segments {segments}", several).format(
            action=deck.w.recommendation_title(action["id"]), segments=", ".join(action["segments"]))

    def notes(self, deck) -> str:
        """Return the plan's speaker notes."""
        return deck._("The recommendations of the segments, grouped by when they can be carried out; each names "
                      "the segments it serves.")


class NextSteps(Section):
    """What to do after the meeting."""

    def agenda(self, w) -> str | None:
        """Return the agenda line (shared with the action plan)."""
        return w._("Action plan and next steps")

    def slides(self, deck) -> None:
        """Add the next steps."""
        items = [
            Item(deck._("Launch this quarter's actions, each with a control group to measure its effect.")),
            Item(deck._("Agree owners and budgets for the actions of the next two quarters.")),
            Item(deck._("Build next quarter's report with this one as reference, to see what changed.")),
            Item(deck._("Send the PDF summaries to the regional managers.")),
        ]
        deck.list_slides(deck._("Next steps"), items, deck._("What to do after this meeting."))
