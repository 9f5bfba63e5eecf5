"""The opening and closing of a behaviour segmentation (a table without a churn flag): title, objectives, data
and method, key figures, data quality and distributions, and the appendix of method details."""

from __future__ import annotations

import struct
from io import BytesIO
from pathlib import Path

from reportgen.render import behaviour_charts as pictures
from reportgen.render.charts import to_svg
from reportgen.render.deck_template import body_placeholders
from reportgen.render.sections.appendix import Appendix, quality_slides
from reportgen.render.sections.base import Section
from reportgen.render.sections.opening import KeyFigures, Objectives, Title, figure_cards
from reportgen.render.sentences import single_stop
from reportgen.render.slides import Item, content_area, fill_list, list_size


def add_picture(slide, box: tuple[int, int, int, int], png: bytes):
    """Add a PNG picture as large as fits `box` with its proportions kept, centred; return the shape."""
    width, height = struct.unpack(">II", png[16:24])  # the PNG header's IHDR size
    x, y, cx, cy = box
    scale = min(cx / width, cy / height)
    w, h = int(width * scale), int(height * scale)
    return slide.shapes.add_picture(BytesIO(png), x + (cx - w) // 2, y + (cy - h) // 2, w, h)


def picture_slide(deck, title: str, notes: str, figure) -> None:
    """Add a slide holding one matplotlib figure under its title."""
    slide = deck.slide("title_only", title, notes)
    add_picture(slide, content_area(deck.prs, slide), pictures.to_png(figure))


class BehaviourTitle(Title):
    """The title slide of a segmentation."""

    def notes(self, deck) -> str:
        """Return the title slide's speaker notes."""
        return single_stop(deck._("Client segmentation by behaviour for {period}.").format(
            period=deck.fmt.period(deck.ctx["meta"]["period"])))


class BehaviourObjectives(Objectives):
    """Context and objectives of a segmentation."""

    def objectives(self, deck) -> list[str]:
        """Return the objectives of a segmentation, one line each."""
        period = deck.fmt.period(deck.ctx["meta"]["period"])
        return [single_stop(deck._("Segmentation of the clients by behaviour: {period}.").format(period=period)),
                deck._("Describe the clients: how each feature is distributed."),
                deck._("Group the clients who behave alike, with no outcome to predict."),
                deck._("Name each group by what sets it apart, and propose the actions that fit it.")]

    def notes(self, deck) -> str:
        """Return the slide's speaker notes."""
        return deck._("Why we segment the clients and what the report answers: the groups are found from the data "
                      "alone, then named and given actions.")


class BehaviourDataAndMethod(Section):
    """Where the figures come from and how the clusters were found."""

    def slides(self, deck) -> None:
        """Add the data and method slide."""
        meta, roles = deck.ctx["meta"], deck.ctx["roles"]
        n = deck.fmt.number
        features = roles["numeric"] + roles["binary"] + roles["categorical"]
        items = [
            Item(deck._("Source: {file}").format(file=Path(meta["dataset"]).name)),
            Item(deck._("Rows read: {read}; rows used: {used}").format(read=n(meta["rows_read"]),
                                                                     used=n(meta["rows_used"]))),
            Item(deck.w.cleaning_line()),
            Item(deck._("Features: {features}").format(features=", ".join(deck.w.feature(c) for c in features))),
            *[Item(line) for line in deck.w.behaviour_method_lines()[:2]],
        ]
        deck.list_slides(deck._("Data and method"), items, deck._(
            "Where the figures come from and how the clusters were found; details are in the appendix."))


class BehaviourKeyFigures(KeyFigures):
    """The key figures of a segmentation: clients, clusters, the largest cluster's share."""

    def slides(self, deck) -> None:
        """Add the key figures."""
        slide = deck.slide("title_only", deck._("Key figures"), deck.w.behaviour_headline())
        figure_cards(deck, slide, [(k["value"], k["label"], k["note"]) for k in deck.w.behaviour_kpis()])

    def charts(self, w) -> dict[str, bytes]:
        """Return no chart: the distributions have their own block."""
        return {}


class Distributions(Section):
    """Data quality and the distribution of every feature, as small multiples."""

    template = "sections/distributions.html"
    summary_rank = 40

    def applies(self, ctx: dict) -> bool:
        """Return True when the table has features."""
        return bool(ctx.get("distributions"))

    def agenda(self, w) -> str | None:
        """Return the agenda line."""
        return w._("Data quality and the distribution of each feature")

    def slides(self, deck) -> None:
        """Add the data quality table and the distributions picture."""
        quality_slides(deck, churn=False)
        picture_slide(deck, deck._("Distribution of each feature"), deck._(
            "How the clients spread over each feature: histograms for numbers (a logarithmic scale for amounts "
            "with a long tail), shares for categories. The clusters that follow are read against this picture."),
            pictures.distributions_chart(deck.w, width=8.0))

    def charts(self, w) -> dict[str, bytes]:
        """Return the distributions picture."""
        return {"distributions": to_svg(pictures.distributions_chart(w, width=7.2))}


class BehaviourAppendix(Appendix):
    """The method details of a segmentation; in the PDF, the data and method block."""

    template = "sections/behaviour_method.html"

    def agenda(self, w) -> str | None:
        """Return the agenda line."""
        return w._("Appendix: method details")

    def slides(self, deck) -> None:
        """Add the appendix: a section header and the method details."""
        slide = deck.slide("section", deck._("Appendix"), deck._("Method details."))
        body = body_placeholders(slide)
        if body:
            heading = [Item(deck._("Method details"))]
            fill_list(body[0], heading, list_size(body[0], heading, bullets=False) or 12, bullets=False)
        info = deck.ctx["clusters"]
        items = [Item(line) for line in deck.w.behaviour_method_lines()]
        if info.get("status") == "ok":
            items.append(Item(deck._("Silhouette measured on {sample} clients; clusters fitted on {fitted} clients"
                                     ).format(sample=deck.fmt.number(info["silhouette_sample"]),
                                              fitted=deck.fmt.number(info["fitted_on"]))))
        items += [Item(deck._("Clusters are numbered by size, C1 the largest; the profile tables give the mean, or "
                              "the median where a feature is skewed")),
                  Item(deck._("Recommendations come from the playbook {file}, by the traits of each cluster")
                       .format(file=Path(deck.ctx["playbook"]["source"]).name))]
        deck.list_slides(deck._("Method details"), items, deck._("How every figure in this deck was computed."))

    def summary(self, w, charts: dict[str, str]) -> dict:
        """Return the data-quality sentences and the method of the PDF's data and method block."""
        return {**super().summary(w, charts), "method_lines": w.behaviour_method_lines()}
