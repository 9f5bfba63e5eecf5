"""What changed since the previous quarter (with --previous)."""

from __future__ import annotations

from reportgen.render.sections.base import Section
from reportgen.render.sentences import single_stop
from reportgen.render.slides import Item

MAX_TABLE_ROWS = 30


class WhatChanged(Section):
    """Churn, clients and factors against last quarter; last quarter's segments measured today."""

    template = "sections/changes.html"
    summary_rank = 20

    def applies(self, ctx: dict) -> bool:
        """Return True with a previous quarter to compare with."""
        return bool(ctx.get("comparison"))

    def bridge(self, w) -> str:
        """Return the lead into what changed."""
        return single_stop(w._("Next: what changed since {period}.").format(
            period=w.fmt.period(w.context["comparison"]["previous"]["period"] or "")))

    def slides(self, deck) -> None:
        """Add the headline changes, then last quarter's segments today."""
        comp = deck.ctx["comparison"]
        period = deck.fmt.period(comp["previous"]["period"] or "")
        title = deck._("What changed since {period}").format(period=period)
        rows = deck.w.remeasured_rows()
        notes = deck.talk(deck._("Management asks first what changed. Churn, clients and each factor are compared "
                                 "with {period} on the same definitions; differences are tested (Holm-adjusted)."
                                 ).format(period=period), "" if rows else deck.bridge_after(self))
        deck.list_slides(title, [Item(line) for line in deck.w.comparison_lines()], notes)
        if rows:
            header = [deck._("Last quarter's segment"), deck._("Clients then"), deck._("Clients now"),
                      deck._("Churn then"), deck._("Churn now"), deck._("Verdict")]
            deck.table_slides(deck._("Last quarter's segments today"), [header] + rows,
                              [0.38, 0.1, 0.1, 0.1, 0.1, 0.22], deck.talk(deck._(
                                  "The same segment definitions measured on this quarter's clients: where churn "
                                  "fell significantly, the retention actions worked."), deck.bridge_after(self)))

    def summary(self, w, charts: dict[str, str]) -> dict:
        """Return the comparison block: its period, lines and last quarter's segments."""
        return {"comparison": {"period": w.fmt.period(w.context["comparison"]["previous"]["period"] or ""),
                               "lines": w.comparison_lines(), "segments": w.remeasured_rows()[:MAX_TABLE_ROWS]}}
