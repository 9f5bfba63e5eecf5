"""What is at stake and whom to keep first: value at risk (headline, by segment and cluster, value × risk
picture) and the four action groups with their actions; in the PDF, the headline and the group table."""

from __future__ import annotations

from reportgen.render.behaviour_charts import to_png
from reportgen.render.prediction_charts import value_risk_figure
from reportgen.render.sections.base import Section
from reportgen.render.sections.behaviour_opening import add_picture
from reportgen.render.sentences import capitalised
from reportgen.render.slides import EMU_PER_PT, INSET_X, Item, add_table, content_area, fit_widths, text_box
from reportgen.render.textfit import text_width

FIGURE_SIZES = (54, 48, 44, 40, 36, 32, 28)  # a key figure in money ('2,4 Md RUB') is set as large as fits


def _valued(ctx: dict) -> bool:
    """Return True when the context has a value at risk (the model ran and a value column was found)."""
    return (ctx.get("value_at_risk") or {}).get("status") == "ok"


class ValueAtRisk(Section):
    """In the appendix: value at risk by segment and cluster, and every client on a value × risk grid (the
    headline figures open the action groups' slide)."""

    def applies(self, ctx: dict) -> bool:
        """Return True when there is a value at risk."""
        return _valued(ctx)

    def bridge(self, w) -> str:
        """Return the lead into the value at risk by segment."""
        return w._("Next: the value at risk of each segment and cluster.")

    def slides(self, deck) -> None:
        """Add the table by segment and cluster, and the value × risk picture."""
        w, var = deck.w, deck.ctx["value_at_risk"]
        self.table(deck)
        if var.get("density"):
            picture = deck.slide("title_only", deck._("Value and risk of every client"), deck._(
                "Each cell counts the clients with that predicted risk and value (darker: more clients); the "
                "labelled points are the churn-prone segments at their average risk and value. Clients right of "
                "the dashed line are the at-risk group."))
            add_picture(picture, content_area(deck.prs, picture), to_png(value_risk_figure(w)))

    def table(self, deck) -> None:
        """Add the value at risk of every rule segment and cluster."""
        w, var = deck.w, deck.ctx["value_at_risk"]
        money = lambda v: deck.fmt.money(v, compact=True)  # noqa: E731
        rows = [[deck._("Group"), deck._("Clients"), deck._("Churn, all clients"), deck._("Mean risk"), deck._("Value"),
                 deck._("Value at risk")]]
        names = {s["id"]: f"{s['id']}. {w.segment_name(s)}" for s in w.rule_segments}
        names.update({c["id"]: w.segment_name(c) for c in w.cluster_segments})
        for entry in [*var["by_segment"], *var["by_cluster"]]:
            rows.append([names.get(entry["id"], entry["id"]), deck.fmt.number(entry["clients"]),
                         deck.fmt.percent(entry["churn_rate"]), deck.fmt.percent(entry["mean_risk"]),
                         money(entry["value"]), money(entry["value_at_risk"])])
        if len(rows) > 1:
            deck.table_slides(deck._("Value at risk by segment and cluster"), rows, [0.4, 0.11, 0.1, 0.11, 0.14, 0.14],
                              deck._("Churn is what happened to all of each group's clients this quarter, those the "
                                     "segment search learnt from included: it differs a little from the persona "
                                     "slides, measured on clients set aside during the search. Value at risk sums "
                                     "each client's value weighted by their predicted risk. Segments may overlap."))


def money_cards(deck, slide, cards: list[tuple[str, str, str]], band: tuple[float, float] = (0.15, 0.6)) -> None:
    """Add a row of key-figure cards (figure, label, note) in the `band` (top, height) of the free area, the
    second in the accent colour; the figures share the largest size at which each stays on one line."""
    x, y, cx, cy = content_area(deck.prs, slide)
    gap = int(cx * 0.04)
    card = int((cx - (len(cards) - 1) * gap) / len(cards))
    # 15 % to spare: PowerPoint, and LibreOffice without the shipped font, lay the figure out wider
    room = (card - 2 * INSET_X) / EMU_PER_PT * 0.85
    size = next((s for s in FIGURE_SIZES if all(text_width(big, s, True) <= room for big, _l, _n in cards)),
                FIGURE_SIZES[-1])
    for index, (big, label, note) in enumerate(cards):
        # a card's label and note stand as paragraphs of their own: capitalised
        paragraphs = [(big, size, True, deck.palette["accent"] if index == 1 else deck.palette["primary"]),
                      (capitalised(label), 20, False, deck.palette["text"])]
        if note:
            paragraphs.append((capitalised(note), 16, False, deck.palette["muted"]))
        text_box(slide, (x + index * (card + gap), y + int(cy * band[0]), card, int(cy * band[1])), paragraphs,
                 group="money card")


class ActionGroups(Section):
    """The four action groups: who is in each, what is at stake, and what to do."""

    template = "sections/action_groups.html"
    summary_rank = 20

    def applies(self, ctx: dict) -> bool:
        """Return True when the model ran and drew the groups."""
        return bool((ctx.get("action_groups") or {}).get("groups"))

    def agenda(self, w) -> str | None:
        """Return the agenda line."""
        return w._("Action groups: high value, at risk, inactive")

    def main_slides(self, ctx: dict) -> int:
        """Return 2: what is at stake with the groups, and what to do for each."""
        return 2

    def bridge(self, w) -> str:
        """Return the lead into what is at stake."""
        return w._("Next: what is at stake, and the groups to act on.")

    def slides(self, deck) -> None:
        """Add the value at risk with the group table (the table alone without a value), and each group's actions."""
        w = deck.w
        rows = [self.header(deck)] + [self.row(deck, g) for g in deck.ctx["action_groups"]["groups"]]
        shares = [0.2, 0.11, 0.1, 0.11, 0.14, 0.34]
        notes = deck._(
            "At risk: the riskiest clients, as many as the contact capacity; high value: the most valuable of "
            "the others; inactive: not active last month. The client lists (clients.csv and the workbooks) hold "
            "every client with their group, sorted by value at risk.")
        if _valued(deck.ctx):
            self.stakes_slide(deck, rows, shares, notes)
        else:
            deck.table_slides(deck._("Action groups"), rows, shares, notes)
        items = []
        for group in deck.ctx["action_groups"]["groups"]:
            items.append(Item(deck._("{group}: {definition}").format(group=w.group_name(group["key"]),
                                                                      definition=w.group_definition(group["key"])),
                              bold=True))
            # the titles only: a slide read from the back of the room; each action's text is in the PDF summary
            items += [Item(w.recommendation_title(rec["id"]), level=1) for rec in group["recommendations"]]
            effect = w.effect_line(group)
            if effect:
                items.append(Item(effect, level=1))
        deck.list_slides(deck._("What to do for each group"), items, deck.talk(deck._(
            "Each group's actions come from the playbook; no effect is promised unless the configuration sets an "
            "assumption (analysis.retention_uplift)."), deck.bridge_after(self)))

    def stakes_slide(self, deck, rows: list[list[str]], shares: list[float], notes: str) -> None:
        """Add the value at risk in three figures above the group table, on one slide."""
        w, overall = deck.w, deck.ctx["value_at_risk"]["overall"]
        slide = deck.slide("title_only", deck._("What is at stake, and whom to keep first"), deck.talk(
            w.value_at_risk_line(), deck._("It is an expectation, not a forecast of the quarter's losses: a client's "
                                           "risk says how much they look like the clients who left."),
            notes, w.value_source_line(), deck._("Next: what to do for each group.")))
        share = overall["value_at_risk"] / overall["value"] if overall["value"] else None
        money_cards(deck, slide, [
            (deck.fmt.money(overall["value"], compact=True), deck._("total value"), ""),
            (deck.fmt.money(overall["value_at_risk"], compact=True), deck._("value at risk"),
             deck._("{share} of the total").format(share=deck.fmt.percent(share))),
            (deck.fmt.number(round(overall["expected_leavers"])), deck._("expected leavers"),
             deck._("sum of the risks")),
        ], band=(0.0, 0.4))
        x, y, cx, cy = content_area(deck.prs, slide)
        widths = fit_widths(rows, [int(cx * s) for s in shares])
        add_table(slide, (x, y + int(cy * 0.44), cx, int(cy * 0.56)), rows, widths, deck.palette)

    def header(self, deck) -> list[str]:
        """Return the group table's header."""
        return [deck._("Group"), deck._("Clients"), deck._("Churn"), deck._("Mean risk"), deck._("Value at risk"),
                deck._("First action")]

    def row(self, deck, group: dict) -> list[str]:
        """Return one group's row."""
        first = group["recommendations"][0]["id"] if group["recommendations"] else None
        return [deck.w.group_name(group["key"]), deck.fmt.number(group["clients"]),
                deck.fmt.percent(group["churn_rate"]), deck.fmt.percent(group["mean_risk"]), deck.fmt.money(group["value_at_risk"], compact=True),
                deck.w.recommendation_title(first) if first else "—"]

    def summary(self, w, charts: dict[str, str]) -> dict:
        """Return the PDF block: value at risk, precision with its definition, and the group table."""
        groups = w.context["action_groups"]["groups"]
        rows = [{"name": w.group_name(g["key"]), "clients": w.fmt.number(g["clients"]),
                 "churn": w.fmt.percent(g["churn_rate"]),
                 "risk": w.fmt.percent(g["mean_risk"]), "value_at_risk": w.fmt.money(g["value_at_risk"], compact=True),
                 "action": w.recommendation_title(g["recommendations"][0]["id"]) if g["recommendations"] else "—"}
                for g in groups]
        valued = _valued(w.context)
        overall = w.context["value_at_risk"]["overall"] if valued else None
        return {"action_groups": rows, "prediction_lines": [w.precision_definition()],
                "precision": w.precision_headline(),
                "value_at_risk": w.fmt.money(overall["value_at_risk"]) if valued else None,
                "value_at_risk_line": w.value_at_risk_line() if valued else None,
                "value_source": w.value_source_line() if valued else None, "value_note": None,
                # the table's columns after the group's name: (key in each row, header)
                "group_columns": [("clients", w._("Clients")), ("churn", w._("Churn")), ("risk", w._("Mean risk")),
                                  ("value_at_risk", w._("Value at risk")), ("action", w._("First action"))]}
