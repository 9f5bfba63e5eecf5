"""The behavioural clusters (KMeans) of the whole base as opportunities: each named from its traits, with its
churn and what it offers; how k was chosen (in the appendix)."""

from __future__ import annotations

from reportgen.render.pptx_charts import line_chart
from reportgen.render.sections.base import Section
from reportgen.render.sections.plan import MAIN_TABLE_SIZE
from reportgen.render.sentences import capitalised, inline
from reportgen.render.slides import content_area

MAX_OPPORTUNITIES = 2  # recommendation titles per group in the table


class Opportunities(Section):
    """The whole base in KMeans groups named as personas: where to grow and where to hold on to clients."""

    template = "sections/opportunities.html"
    summary_rank = 35

    def applies(self, ctx: dict) -> bool:
        """Return True when the clustering found groups."""
        return bool((ctx.get("clusters") or {}).get("groups"))

    def agenda(self, w) -> str | None:
        """Return the agenda line."""
        return w._("Opportunities across the client base")

    def bridge(self, w) -> str:
        """Return the lead into the opportunities."""
        return w._("Next: the whole base, and where it offers growth.")

    def rows(self, w, offers_each: int = MAX_OPPORTUNITIES) -> tuple[list[list[str]], set[int]]:
        """Return the table (header first) and the rows of groups churning above the average; `offers_each`
        recommendation titles per group."""
        rows = [[w._("Group"), w._("Clients"), w._("Churn"), w._("What it offers")]]
        hot = set()
        for index, group in enumerate(w.cluster_segments, start=1):
            # one phrase: the titles after the first are inline, as a list inside a sentence is written
            offers = capitalised(w.listing(inline(w.recommendation_title(r["id"]))
                                           for r in group["recommendations"][:offers_each]))
            rows.append([w.persona_name(group), w.fmt.number(group["size"]), w.fmt.percent(group["churn_rate"]),
                         offers or "—"])
            if (group.get("lift_pp") or 0) > 0:
                hot.add(index)
        return rows, hot

    def slides(self, deck) -> None:
        """Add the groups as a table, those churning above the average highlighted."""
        w = deck.w
        groups = sorted(w.cluster_segments, key=lambda g: g["churn_rate"] or 0)
        calm, hot = groups[0], groups[-1]
        notes = deck.talk(
            deck.fmt.quantity(
                deck.ctx["clusters"]["k"], "KMeans splits the whole base into {n} group without looking at churn.",
                "KMeans splits the whole base into {n} groups without looking at churn.") + " " +
            deck._("“{calm}” churns least ({low}), “{hot}” most ({high}).").format(
                calm=w.persona_name(calm), low=deck.fmt.percent(calm["churn_rate"]), hot=w.persona_name(hot),
                high=deck.fmt.percent(hot["churn_rate"])),
            deck._("Groups that churn little are where growth offers pay; those above the average, highlighted, "
                   "need the retention actions first."),
            deck.bridge_after(self))
        rows, marked = self.rows(w)
        deck.table_slides(deck._("Opportunities across the client base"), rows, [0.44, 0.1, 0.1, 0.36], notes,
                          marked, size=MAIN_TABLE_SIZE)

    def summary(self, w, charts: dict[str, str]) -> dict:
        """Return the groups table of the PDF, with the first offer of each group (the deck has two)."""
        rows, hot = self.rows(w, offers_each=1)
        return {"opportunities": {"header": rows[0], "rows": rows[1:], "hot": sorted(i - 1 for i in hot)}}


def choice_of_k_slide(deck, info: dict, notes: str | None = None) -> None:
    """Add the silhouette and elbow (inertia) curves by number of clusters k, when they were measured."""
    candidates = [c for c in info["candidates"] if c.get("silhouette") is not None]
    if candidates:
        slide = deck.slide("title_only", deck._("How many clusters: silhouette and elbow by k"), notes or deck._(
            "Left: the silhouette (higher is better) for each number of clusters k; right: the inertia, "
            "whose bend (the elbow) is where more clusters stop paying off. {k} clusters were kept."
        ).format(k=info["k"]))
        x, y, cx, cy = content_area(deck.prs, slide)
        half = int(cx * 0.48)
        ks = [str(c["k"]) for c in candidates]
        line_chart(slide, (x, y, half, cy), ks, {deck._("silhouette"): [c["silhouette"] for c in candidates]},
                   # three decimals: silhouettes of neighbouring k often differ only in the third
                   lambda v: deck.fmt.number(v, 3), deck.palette)
        line_chart(slide, (x + cx - half, y, half, cy), ks,
                   {deck._("inertia"): [c["inertia"] for c in candidates]}, deck.fmt.number, deck.palette)
