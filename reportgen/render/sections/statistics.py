"""The appendix's statistics on the personas and clusters: each segment's rule and test on unseen clients, and
how the number of clusters was chosen."""

from __future__ import annotations

from reportgen.render.sections.base import Section
from reportgen.render.sections.clusters import choice_of_k_slide


class SegmentStatistics(Section):
    """Each persona at risk: its rule, size, churn on unseen clients with its interval, and its p-value."""

    def applies(self, ctx: dict) -> bool:
        """Return True when there are rule segments."""
        return bool(ctx["segments"])

    def bridge(self, w) -> str:
        """Return the lead into the segments' statistics."""
        return w._("Next: each persona's rule and its test on clients the search did not see.")

    def slides(self, deck) -> None:
        """Add the segments' table: rule, clients, churn on unseen clients and its interval, adjusted p."""
        w = deck.w
        rows = [[deck._("Persona and its rule"), deck._("Clients"), deck._("Churn on unseen clients"),
                 deck._("{level} interval").format(level=deck.fmt.percent(0.95, 0)), deck._("Adjusted p")]]
        for s in w.rule_segments:
            low, high = s["churn_rate_ci"]
            # a sentence each: 'Name — Rule S1 — conditions' ran two dashes into one cell
            rows.append([f"{w.persona_name(s)}. {w.definition(s)}", deck.fmt.number(s["size"]),
                         deck.fmt.percent(s["churn_rate"]),
                         f"{deck.fmt.percent(low)} – {deck.fmt.percent(high)}", deck.fmt.p_value(s.get("p_adjusted"))])
        notes = deck.talk(deck._("Each persona's churn, interval and p-value are those of the clients the search "
                                 "did not see; the rule is what a CRM filter needs to find them."),
                          deck.bridge_after(self))
        deck.table_slides(deck._("Personas at risk: rules and tests"), rows, [0.5, 0.1, 0.14, 0.14, 0.12], notes)


class ClusterChoice(Section):
    """How many clusters: the silhouette and elbow curves by k."""

    def applies(self, ctx: dict) -> bool:
        """Return True when clusters were chosen among several k."""
        return any(c.get("silhouette") is not None for c in (ctx.get("clusters") or {}).get("candidates", []))

    def bridge(self, w) -> str:
        """Return the lead into the choice of k."""
        return w._("Next: how the number of client groups was chosen.")

    def slides(self, deck) -> None:
        """Add the silhouette and elbow curves."""
        info = deck.ctx["clusters"]
        choice_of_k_slide(deck, info, deck.talk(deck._(
            "Left: the silhouette (higher is better) for each number of clusters k; right: the inertia, whose bend "
            "(the elbow) is where more clusters stop paying off. {k} clusters were kept.").format(k=info["k"]),
            deck.bridge_after(self)))
