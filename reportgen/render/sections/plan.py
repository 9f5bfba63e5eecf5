"""What to do: the action plan (what, for whom, who, KPI, horizon), the next steps by horizon, and the close."""

from __future__ import annotations

from reportgen.render.deck_template import body_placeholders
from reportgen.render.sections.base import Section
from reportgen.render.slides import Item, fill_list, list_size

# the tables of the main story (the plan, the opportunities) hold persona names: a point smaller than the appendix's
MAIN_TABLE_SIZE = 11


class ActionPlan(Section):
    """Every recommended action once: what, for whom, who owns it, how it is measured and when."""

    template = "sections/plan.html"
    summary_rank = 40

    def applies(self, ctx: dict) -> bool:
        """Return True when some segment has an action."""
        return any(ctx.get("action_plan", {}).values())

    def agenda(self, w) -> str | None:
        """Return the agenda line (shared with the next steps)."""
        return w._("Action plan and next steps")

    def bridge(self, w) -> str:
        """Return the lead into the action plan."""
        return w._("Next: the action plan — who does what, by when, measured how.")

    def served(self, w, action: dict) -> str:
        """Return whom an action serves: the personas' names."""
        return w.served_names(action["segments"])

    def rows(self, w) -> tuple[list[list[str]], list[float]]:
        """Return the plan's table (header first) and its column shares; owner and KPI only when known."""
        actions = [(h, a) for h, items in w.context["action_plan"].items() for a in items]
        owners = any(w.playbook_field(a["id"], "owner") for _h, a in actions)
        kpis = any(w.playbook_field(a["id"], "kpi") for _h, a in actions)
        header = [w._("Action"), w._("For"), *([w._("Who")] if owners else []), *([w._("KPI")] if kpis else []),
                  w._("When")]
        rows = [header]
        for horizon, action in actions:
            rows.append([w.recommendation_title(action["id"]), self.served(w, action),
                         *([w.playbook_field(action["id"], "owner") or "—"] if owners else []),
                         *([w.playbook_field(action["id"], "kpi") or "—"] if kpis else []), w.horizon(horizon)])
        shares = {5: [0.17, 0.4, 0.13, 0.2, 0.1], 4: [0.22, 0.44, 0.22, 0.12], 3: [0.3, 0.56, 0.14]}[len(header)]
        return rows, shares

    def slides(self, deck) -> None:
        """Add the action plan as a table."""
        plan = deck.ctx["action_plan"]
        counts = [(deck.w.horizon(h), len(plan.get(h) or [])) for h in ("short", "medium", "long")]
        notes = deck.talk(
            deck.fmt.quantity(sum(n for _h, n in counts), "{n} action, each said once with everyone it serves.",
                              "{n} actions, each said once with everyone it serves.") + " " +
            deck.w.listing(deck._("{n} within {horizon}").format(horizon=h, n=n) for h, n in counts if n) + ".",
            deck._("Measure each action against a control group that does not receive it: without one, a fall in "
                   "churn proves nothing."),
            deck.bridge_after(self))
        rows, shares = self.rows(deck.w)
        deck.table_slides(deck._("Action plan"), rows, shares, notes, size=MAIN_TABLE_SIZE)

    def summary(self, w, charts: dict[str, str]) -> dict:
        """Return the plan's table of the PDF."""
        rows, _shares = self.rows(w)
        return {"plan": {"header": rows[0], "rows": rows[1:]}}


class NextSteps(Section):
    """What to do after the meeting, in three horizons: 0–3, 3–6 and 6+ months."""

    template = "sections/next_steps.html"
    summary_rank = 45

    def bridge(self, w) -> str:
        """Return the lead into the next steps."""
        return w._("Next: the next steps, in three horizons.")

    def slides(self, deck) -> None:
        """Add the next steps as three cards, one per horizon."""
        from reportgen.render.sections.summary import card_columns

        slide = deck.slide("title_only", deck._("Next steps"), deck.talk(
            deck._("What happens after this meeting, and when we will know whether it worked."),
            deck._("The first results come with next quarter's report: the same definitions, measured again."),
            deck.bridge_after(self)))
        card_columns(deck, slide, deck.w.next_steps())

    def summary(self, w, charts: dict[str, str]) -> dict:
        """Return the next steps by horizon."""
        return {"next_steps": [{"horizon": h, "lines": lines} for h, lines in w.next_steps()]}


class Questions(Section):
    """Questions and thanks: the close of the main story, before the appendix."""

    def bridge(self, w) -> str:
        """Return the lead into the questions."""
        return w._("Next: questions.")

    def slides(self, deck) -> None:
        """Add the closing slide."""
        slide = deck.slide("section", deck._("Questions and thanks"), deck.talk(
            deck._("Open the floor: which persona to start with, who owns each action, and the budget of the first "
                   "three months."),
            deck.bridge_after(self)))
        body = body_placeholders(slide)
        if body:
            meta = deck.ctx["meta"]
            line = " · ".join(x for x in (meta.get("organisation") or "", deck.fmt.period(meta["period"])) if x)
            items = [Item(deck._("Thank you. Questions?")), Item(line)]
            fill_list(body[0], items, list_size(body[0], items, bullets=False) or 12, bullets=False)
