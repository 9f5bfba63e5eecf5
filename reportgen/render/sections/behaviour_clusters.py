"""The clusters of a behaviour segmentation: an overview with their profiles and the choice of k, one slide per
cluster (its profile against all clients and its actions), and the action plan naming the clusters."""

from __future__ import annotations

from pptx.util import Emu

from reportgen.render import behaviour_charts as pictures
from reportgen.render.charts import to_svg
from reportgen.render.sections.base import Section
from reportgen.render.sections.behaviour_opening import picture_slide
from reportgen.render.sentences import capitalised
from reportgen.render.sections.clusters import choice_of_k_slide
from reportgen.render.sections.plan import ActionPlan
from reportgen.render.slides import add_table, content_area, fit_widths, table_chunks, text_box
from reportgen.render.slides import Item

MAX_RECOMMENDATIONS = 2  # in the PDF: the deck has them all


class ClusterOverview(Section):
    """The clusters side by side: size, share and what sets each apart; their profiles; how k was chosen."""

    template = "sections/behaviour_clusters.html"
    summary_rank = 30

    def applies(self, ctx: dict) -> bool:
        """Return True when the table has clusters, or a reason why it has none."""
        return bool((ctx.get("clusters") or {}).get("status"))

    def agenda(self, w) -> str | None:
        """Return the agenda line."""
        return w._("Client clusters, what sets them apart and what to do") if w.clusters else None

    def slides(self, deck) -> None:
        """Add the overview table, the profiles picture and the silhouette and elbow curves."""
        w, info = deck.w, deck.ctx["clusters"]
        if not w.clusters:
            deck.list_slides(deck._("Client clusters"), [Item(w.no_clusters_notice())],
                             deck._("Why this report shows no cluster."))
            return
        rows = [[deck._("Cluster"), deck._("Clients"), deck._("Share"), deck._("What sets it apart")]]
        for cluster in w.clusters:
            rows.append([w.cluster_name(cluster), deck.fmt.number(cluster["size"]), deck.fmt.percent(cluster["share"]),
                         capitalised(w.listing(w.apart_lines(cluster)))])
        notes = deck._("KMeans grouped the clients by behaviour into {k} clusters, the number that separates them "
                       "best (silhouette). Each is named after what sets it apart from all clients, strongest "
                       "first.").format(k=info["k"])
        deck.table_slides(deck._("Client clusters (KMeans)"), rows, [0.3, 0.1, 0.1, 0.5], notes)
        picture_slide(deck, deck._("Cluster profiles"), deck._(
            "Each panel is a cluster; each bar says how far the cluster's mean is from the mean of all clients, in "
            "standard deviations: to the right above the average, to the left below. The longest bars name the "
            "cluster."), pictures.profiles_chart(w, width=8.0))
        choice_of_k_slide(deck, info)

    def charts(self, w) -> dict[str, bytes]:
        """Return the profiles picture."""
        return {"profiles": to_svg(pictures.profiles_chart(w, width=7.2))} if w.clusters else {}

    def summary(self, w, charts: dict[str, str]) -> dict:
        """Return the clusters with their size, what sets them apart and their first recommendations."""
        clusters = [{
            "id": c["id"], "name": w.cluster_name(c), "size": w.cluster_size(c), "apart": capitalised(w.listing(w.apart_lines(c))),
            "recommendations": [{"title": w.recommendation_title(r["id"]), "text": w.recommendation(r)}
                                for r in c["recommendations"][:MAX_RECOMMENDATIONS]],
        } for c in w.clusters]
        return {"clusters": clusters, "clusters_notice": None if clusters else w.no_clusters_notice()}


class ClusterSlides(Section):
    """One slide per cluster: its name, size and share, its profile against all clients, its actions."""

    def applies(self, ctx: dict) -> bool:
        """Return True when there are clusters."""
        return bool((ctx.get("clusters") or {}).get("groups"))

    def slides(self, deck) -> None:
        """Add a slide for each cluster."""
        clusters = deck.w.clusters
        for index, cluster in enumerate(clusters):
            following = clusters[index + 1] if index + 1 < len(clusters) else None
            bridge = deck._("Next: “{name}”.").format(name=deck.w.cluster_name(following)) if following else \
                deck.bridge_after(self)
            self.cluster_slide(deck, cluster, bridge)

    def cluster_slide(self, deck, cluster: dict, bridge: str = "") -> None:
        """Add one cluster's slide: size on top, the profile table on the left, its own actions on the right (and
        the titles of those it shares with other clusters, said in full once, in the action plan)."""
        w, colours = deck.w, deck.palette
        name = w.cluster_name(cluster)
        notes = deck.talk(w._("{name}: {size}.").format(name=name, size=w.cluster_size(cluster)),
                          w._("What sets it apart: {lines}.").format(lines=w.listing(w.apart_lines(cluster))), bridge)
        slide = deck.slide("title_only", name, notes)
        x, y, cx, cy = content_area(deck.prs, slide)
        head = Emu(int(cy * 0.12))
        text_box(slide, (x, y, cx, head), [(capitalised(w.cluster_size(cluster)), 20, True, colours["accent"])],
                 group="cluster.size")
        left = int(cx * 0.52)
        gap = int(cx * 0.04)
        top, height = y + head, cy - head
        rows = [[deck._("Feature"), deck._("This cluster"), deck._("All clients")]] + self.ordered_rows(w, cluster)
        widths = fit_widths(rows, [int(left * 0.5), int(left * 0.25), int(left * 0.25)])
        shown = table_chunks(rows, widths, height)[0]  # the most telling features first; what fits one slide
        add_table(slide, (x, top, left, height), [rows[0]] + [rows[i] for i in shown], widths, colours)
        own = w.own_recommendations(cluster)
        paragraphs = [(deck._("What to do"), 18, True, colours["primary"])] if own else []
        for rec in own:
            paragraphs.append((w.recommendation_title(rec["id"]), 15, True, colours["text"]))
            paragraphs.append((w.recommendation(rec), 13, False, colours["text"]))
        shared = w.shared_recommendations(cluster)
        if shared:
            paragraphs.append((deck._("In the action plan with other clusters"), 15, True, colours["text"]))
            paragraphs += [(w.recommendation_title(r["id"]), 13, False, colours["text"]) for r in shared]
        text_box(slide, (x + left + gap, top, cx - left - gap, height), paragraphs, group="cluster.actions")

    @staticmethod
    def ordered_rows(w, cluster: dict) -> list[list[str]]:
        """Return the cluster's profile rows, the features furthest from all clients first."""
        strength: dict[str, float] = {}
        for entry in cluster["standardised"]:
            strength[entry["feature"]] = max(strength.get(entry["feature"], 0.0), abs(entry["z"] or 0.0))
        features = cluster["profile"]["features"]
        order = sorted(features, key=lambda column: -strength.get(column, 0.0))
        ordered = {**cluster, "profile": {**cluster["profile"], "features": {c: features[c] for c in order}}}
        return w.profile_rows(ordered)


class BehaviourActionPlan(ActionPlan):
    """The recommendations of the clusters by horizon, each naming the clusters it serves."""

    def served(self, w, action: dict) -> str:
        """Return the clusters an action serves, by name."""
        return w.cluster_names(action["segments"])
