"""The groups of a transaction log's clients: the R x F map, the segment table, revenue concentration, and the
RFM clusters with their names and strategies."""

from __future__ import annotations

from reportgen.render import transaction_charts as pictures
from reportgen.render.behaviour_charts import to_png
from reportgen.render.charts import to_svg
from reportgen.render.sections.base import Section
from reportgen.render.sections.behaviour_opening import add_picture
from reportgen.render.sections.clusters import choice_of_k_slide
from reportgen.render.sections.tx_opening import figure_slide
from reportgen.render.sentences import inline
from reportgen.render.slides import Item, content_area, text_box


def segment_rows(w, entries: list[dict], lapse: dict, value: dict, name) -> list[list[str]]:
    """Return the table rows of segments or clusters: clients, revenue share, R/F/M medians, mean CLV, lapsed."""
    fmt = w.fmt
    rows = []
    for entry in entries:
        features = entry["profile"]["features"]
        mean_clv = (value.get(entry["id"]) or {}).get("mean_clv")
        rows.append([name(entry), fmt.number(entry["size"]), fmt.percent(entry["revenue_share"]),
                     fmt.smart_number(features["recency_days"]["median"]),
                     fmt.smart_number(features["purchase_days"]["median"]),
                     fmt.money(features["revenue"]["median"]),
                     fmt.money(mean_clv) if mean_clv is not None else "—",
                     fmt.percent(lapse[entry["id"]]["rate"])])
    return rows


def table_header(w, first: str) -> list[str]:
    """Return the header of a segment or cluster table."""
    return [first, w._("Clients"), w._("Share of revenue"), w._("Median recency (days)"),
            w._("Median purchase days"), w._("Median revenue"), w._("Mean CLV"), w._("Lapsed")]


class RfmMap(Section):
    """The R x F map: a heat map of the 25 cells with their clients and segment names."""

    def agenda(self, w) -> str | None:
        """Return the agenda line."""
        return w._("RFM segments: the map, the table and revenue concentration")

    def slides(self, deck) -> None:
        """Add the map and what each segment means."""
        w = deck.w
        figure_slide(deck, deck._("The recency × frequency map"), deck._(
            "Each cell is a pair of scores; its number is how many clients have it, the darker the more. The "
            "orange lines separate the segments."), pictures.rfm_map(w), deck._(
            "Clients by recency score (rows) and frequency score (columns), with the segment of each cell; "
            "recency and frequency name the segment, spend is shown in the segment table."))
        items = [Item(deck._("{name}: {description}").format(name=w.rfm_name(s["id"]),
                                                             description=w.rfm_description(s["id"]).lower()))
                 for s in deck.ctx["rfm"]["segments"]]
        deck.list_slides(deck._("What the segments mean"), items, deck._("The eleven segments of the map, in a line."))


class SegmentTable(Section):
    """The segment table: clients, revenue share, medians, mean CLV and lapse rate; in the PDF, the segments block."""

    template = "sections/tx_segments.html"
    summary_rank = 20

    def slides(self, deck) -> None:
        """Add the table of the segments that have clients."""
        w, ctx = deck.w, deck.ctx
        segments = [s for s in ctx["rfm"]["segments"] if s["size"]]
        rows = [table_header(w, deck._("Segment"))] + segment_rows(
            w, segments, ctx["inactivity"]["by_segment"], ctx["clv"]["by_segment"], lambda s: w.rfm_name(s["id"]))
        notes = deck._("Each segment's clients, its share of the revenue, its median client (days since the last "
                       "purchase, purchase days, revenue), the mean lifetime value and the share of its clients "
                       "who have lapsed.")
        deck.table_slides(deck._("RFM segments"), rows, [0.2, 0.1, 0.1, 0.12, 0.12, 0.12, 0.12, 0.12], notes)

    def charts(self, w) -> dict[str, bytes]:
        """Return the map and the Lorenz curve: the PDF's segments block shows them (the deck has their own slides)."""
        # the size the summary shows it at (templates/summary.html: figure.wide, the 178 mm of the text)
        out = {"rfm_map": to_svg(pictures.rfm_map(w, width=7.0, height=3.8))}
        if w.context["concentration"]["top_revenue_share"] is not None:
            out["lorenz"] = to_svg(pictures.lorenz(w, width=4.5))
        return out

    def summary(self, w, charts: dict[str, str]) -> dict:
        """Return the segment rows and the concentration sentence of the PDF block."""
        ctx = w.context
        segments = [s for s in ctx["rfm"]["segments"] if s["size"]]
        return {"tx_segment_header": table_header(w, w._("Segment")),
                "tx_segment_rows": segment_rows(w, segments, ctx["inactivity"]["by_segment"], ctx["clv"]["by_segment"],
                                                lambda s: w.rfm_name(s["id"])),
                "tx_concentration": concentration_lines(w), "tx_inactivity": w.inactivity_line()}


def concentration_lines(w) -> list[str]:
    """Return the revenue concentration in sentences: the top 20%'s share, the 80% group, the Gini index."""
    c, fmt = w.context["concentration"], w.fmt
    if c["top_revenue_share"] is None:
        return []
    lines = [w._("The top 20% of clients ({clients}) bring {share} of the revenue.").format(
        clients=fmt.number(c["top_clients"]), share=fmt.percent(c["top_revenue_share"]))]
    if c["pareto"]:
        lines.append(w._("{share} of clients bring 80% of the revenue.").format(
            share=fmt.percent(c["pareto"]["client_share"])))
    lines.append(w._("Gini index of revenue: {gini} (0: every client spends the same; 1: one client brings "
                     "everything).").format(gini=fmt.number(c["gini"], 2)))
    return lines


class Concentration(Section):
    """How concentrated the revenue is: the Lorenz curve and the top 20%'s share."""

    def applies(self, ctx: dict) -> bool:
        """Return True when there is revenue to share."""
        return ctx["concentration"]["top_revenue_share"] is not None

    def slides(self, deck) -> None:
        """Add the Lorenz curve beside the sentences that read it."""
        w = deck.w
        slide = deck.slide("title_only", deck._("Revenue concentration"), deck._(
            "The Lorenz curve: clients ranked from the smallest spenders; the further the curve from the diagonal, "
            "the more the revenue depends on a few clients."))
        x, y, cx, cy = content_area(deck.prs, slide)
        left = int(cx * 0.58)
        add_picture(slide, (x, y, left, cy), to_png(pictures.lorenz(w)))
        text_box(slide, (x + left + int(cx * 0.03), y + int(cy * 0.1), cx - left - int(cx * 0.03), int(cy * 0.8)),
                 [(line, 16, i == 0, deck.palette["primary"] if i == 0 else deck.palette["text"])
                  for i, line in enumerate(concentration_lines(w))])


class RfmClusterSection(Section):
    """The clusters with their names and profiles, the strategy table and how k was chosen."""

    template = "sections/tx_clusters.html"
    summary_rank = 30

    def agenda(self, w) -> str | None:
        """Return the agenda line."""
        return w._("Client clusters and a strategy for each")

    def slides(self, deck) -> None:
        """Add the cluster table, the strategies and the choice of k; or why there are no clusters."""
        w, ctx = deck.w, deck.ctx
        info = ctx["clusters"]
        if info["status"] != "ok":
            deck.list_slides(deck._("Client clusters"), [Item(self.notice(w))],
                             deck._("Why this report shows no cluster."))
            return
        rows = [table_header(w, deck._("Cluster"))] + segment_rows(
            w, info["groups"], ctx["inactivity"]["by_cluster"], ctx["clv"]["by_cluster"], w.rfm_cluster_name)
        deck.table_slides(deck._("Client clusters (KMeans on R, F, M)"), rows,
                          [0.2, 0.1, 0.1, 0.12, 0.12, 0.12, 0.12, 0.12], deck._(
                              "KMeans grouped the clients on log-scaled recency, frequency and spend into {k} "
                              "clusters, the number that separates them best (silhouette); each is named from how "
                              "it compares with all clients.").format(k=info["k"]))
        deck.table_slides(deck._("Strategy by cluster"), [[deck._("Cluster and profile"), deck._("What we observe"),
                                                           deck._("Recommended strategy")]] + self.strategy_rows(w),
                          [0.24, 0.34, 0.42], deck._(
                              "For each cluster: its profile, what the figures show, and the playbook's strategy."))
        choice_of_k_slide(deck, info)

    @staticmethod
    def notice(w) -> str:
        """Return why there are no clusters."""
        return w.no_clusters_notice()

    @staticmethod
    def strategy_rows(w) -> list[list[str]]:
        """Return, per cluster, its name and profile, what we observe and the first recommendation."""
        rows = []
        for cluster in w.context["clusters"]["groups"]:
            head = f"{w.rfm_cluster_name(cluster)} — {inline(w.rfm_profile(cluster))}"
            recs = cluster["recommendations"]
            if not recs:
                rows.append([head, "", ""])
                continue
            first = recs[0]
            observed = w.playbook_text(first["id"], "observation", first)
            # French puts a no-break space before the colon; no language writes a capital after it
            action = w._("{title}: {action}").format(title=w.recommendation_title(first["id"]),
                                                     action=inline(w.recommendation(first)))
            rows.append([head, observed, action])
        return rows

    def summary(self, w, charts: dict[str, str]) -> dict:
        """Return each cluster's name, size, profile and strategy for the PDF."""
        info = w.context["clusters"]
        if info["status"] != "ok":
            return {"tx_clusters": [], "tx_clusters_notice": self.notice(w)}
        clusters = []
        for cluster in info["groups"]:
            recs = cluster["recommendations"]
            clusters.append({
                "name": w.rfm_cluster_name(cluster), "profile": w.rfm_profile(cluster),
                "size": w.fmt.quantity(cluster["size"], "{n} client", "{n} clients"),
                "share": w.fmt.percent(cluster["revenue_share"]),
                "strategy": w.recommendation_title(recs[0]["id"]) if recs else "",
                "text": w.recommendation(recs[0]) if recs else ""})
        return {"tx_clusters": clusters, "tx_clusters_notice": None}
