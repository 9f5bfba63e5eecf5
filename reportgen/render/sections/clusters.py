"""The behavioural clusters (KMeans): size, churn and what sets each apart; how k was chosen."""

from __future__ import annotations

from reportgen.render.pptx_charts import line_chart
from reportgen.render.sections.base import Section
from reportgen.render.sentences import capitalised
from reportgen.render.slides import content_area


class Clusters(Section):
    """KMeans clusters of the clients, with the silhouette and elbow curves."""

    def applies(self, ctx: dict) -> bool:
        """Return True when the clustering found groups."""
        return bool((ctx.get("clusters") or {}).get("groups"))

    def agenda(self, w) -> str | None:
        """Return the agenda line."""
        return w._("Behavioural clusters")

    def slides(self, deck) -> None:
        """Add the clusters table and the silhouette and elbow charts."""
        info = deck.ctx["clusters"]
        header = [deck._("Cluster"), deck._("Clients"), deck._("Churn"), deck._("What sets it apart")]
        rows = [header]
        hot = set()
        for index, seg in enumerate(deck.w.cluster_segments, start=1):
            rows.append([deck.w.segment_name(seg), deck.fmt.number(seg["size"]), deck.fmt.percent(seg["churn_rate"]),
                         capitalised(deck.w.listing(deck.w.profile_lines(seg, limit=2)))])
            if (seg.get("lift_pp") or 0) > 0:
                hot.add(index)
        notes = deck._("KMeans groups clients by behaviour without looking at churn; {k} clusters were kept because "
                       "they separate the clients best (silhouette). Highlighted clusters churn above the average."
                       ).format(k=info["k"])
        deck.table_slides(deck._("Behavioural clusters (KMeans)"), rows, [0.16, 0.12, 0.1, 0.62], notes, hot)
        choice_of_k_slide(deck, info)


def choice_of_k_slide(deck, info: dict) -> None:
    """Add the silhouette and elbow (inertia) curves by number of clusters k, when they were measured."""
    candidates = [c for c in info["candidates"] if c.get("silhouette") is not None]
    if candidates:
        slide = deck.slide("title_only", deck._("How many clusters: silhouette and elbow by k"), deck._(
            "Left: the silhouette (higher is better) for each number of clusters k; right: the inertia, "
            "whose bend (the elbow) is where more clusters stop paying off. {k} clusters were kept."
        ).format(k=info["k"]))
        x, y, cx, cy = content_area(deck.prs, slide)
        half = int(cx * 0.48)
        ks = [str(c["k"]) for c in candidates]
        line_chart(slide, (x, y, half, cy), ks, {deck._("silhouette"): [c["silhouette"] for c in candidates]},
                   lambda v: deck.fmt.number(v, 2), deck.palette)
        line_chart(slide, (x + cx - half, y, half, cy), ks,
                   {deck._("inertia"): [c["inertia"] for c in candidates]}, deck.fmt.number, deck.palette)
