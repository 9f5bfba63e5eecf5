"""The churn-prone segments: overview, one slide each with its profile and actions, or why there are none."""

from __future__ import annotations

from reportgen.render import charts as svg
from reportgen.render.deck_template import body_placeholders
from reportgen.render.pptx_charts import bars_with_reference
from reportgen.render.sections.base import Section
from reportgen.render.sentences import capitalised
from reportgen.render.slides import Item, content_area, fill_list, list_size, mark, split_items

MAX_RECOMMENDATIONS = 3  # in the PDF: the deck has them all


class Segments(Section):
    """Churn-prone segments, measured on clients the search did not see."""

    template = "sections/segments.html"
    summary_rank = 30

    def applies(self, ctx: dict) -> bool:
        """Return True when there are segments, or a reason to say why there are none."""
        return bool(ctx["segments"] or ctx["segment_search"].get("reason"))

    def agenda(self, w) -> str | None:
        """Return the agenda line when there are segments."""
        return w._("Churn-prone segments and what to do") if w.rule_segments else None

    def slides(self, deck) -> None:
        """Add the overview and a slide per segment, or the notice saying why there is none."""
        if not deck.w.rule_segments:
            deck.list_slides(deck._("Churn-prone segments"), [Item(deck.w.segment_search_notice())],
                             deck._("Why this report shows no churn-prone segment."))
            return
        self.overview(deck)
        for segment in deck.w.rule_segments:
            self.segment_slide(deck, segment)

    def overview(self, deck) -> None:
        """Add the segments overview: a table and a chart of size, churn and lift."""
        segments = deck.w.rule_segments
        header = [deck._("Segment"), deck._("Clients"), deck._("Share"), deck._("Churn"), deck._("Above average")]
        rows = [header] + [[f"{s['id']}. {deck.w.segment_name(s)}", deck.fmt.number(s["size"]),
                            deck.fmt.percent(s["share"]), deck.fmt.percent(s["churn_rate"]),
                            deck.fmt.points(s["lift_pp"])] for s in segments]
        notes = deck._("The segments combine two or three conditions that raise churn; they overlap little, so "
                       "each calls for its own actions. Clients counts every client of a segment; its churn is "
                       "measured on the half of them that the search did not see, so it is not flattered by the "
                       "search.")
        deck.table_slides(deck._("Churn-prone segments"), rows, [0.52, 0.12, 0.1, 0.1, 0.16], notes)
        slide = deck.slide("title_only", deck._("Churn in the segments against the average"), notes)
        bars_with_reference(slide, content_area(deck.prs, slide), [s["id"] for s in segments],
                            [s["churn_rate"] for s in segments], deck.ctx["overview"]["churn_rate"],
                            deck.w.bar_legend(), [True] * len(segments), deck.palette, deck.fmt)

    def segment_slide(self, deck, segment: dict) -> None:
        """Add one slide for a segment: its profile and churn on the left, its recommendations on the right."""
        name = deck.w.segment_name(segment)
        left = [Item(name, bold=True), Item(deck.w.segment_summary(segment))]
        left += [Item(capitalised(line), level=1) for line in deck.w.profile_lines(segment)]
        right = []
        for rec in segment["recommendations"]:
            right.append(Item(deck.w.recommendation_title(rec["id"]), bold=True))
            right.append(Item(deck.w.recommendation(rec), level=1))
        notes = " ".join([deck.w.segment_finding(segment)] + [deck.w.recommendation(r) for r in
                                                               segment["recommendations"]])
        title = deck._("Segment {id}").format(id=segment["id"])
        probe = deck.prs.slides.add_slide(deck.template.layouts["two"])
        boxes = body_placeholders(probe)
        left_chunks = [left] if list_size(boxes[0], left) else split_items(boxes[0], left)
        right_chunks = [right] if list_size(boxes[1], right) else split_items(boxes[1], right)
        deck._drop_last_slide()
        pages = max(len(left_chunks), len(right_chunks))
        for page in range(pages):
            suffix = f" ({page + 1}/{pages})" if pages > 1 else ""
            slide = deck.slide("two", title + suffix, notes)
            boxes = body_placeholders(slide)
            for box, chunks, side in ((boxes[0], left_chunks, "left"), (boxes[1], right_chunks, "right")):
                if page < len(chunks):
                    # one size for a column on every segment slide and its continuations (see harmonise_sizes)
                    fill_list(mark(box, f"segment.{side}"), chunks[page], list_size(box, chunks[page]) or 12)
                else:
                    box.element.getparent().remove(box.element)

    def charts(self, w) -> dict[str, bytes]:
        """Return the chart of the segments' churn."""
        return {"segments": svg.segments_chart(w.rule_segments, w)} if w.rule_segments else {}

    def summary(self, w, charts: dict[str, str]) -> dict:
        """Return the segments with their summary and first recommendations, or the notice."""
        segments = [{
            "id": seg["id"], "name": w.segment_name(seg), "summary": w.segment_summary(seg),
            "recommendations": [{"title": w.recommendation_title(r["id"]), "text": w.recommendation(r)}
                                for r in seg["recommendations"][:MAX_RECOMMENDATIONS]],
        } for seg in w.rule_segments]
        return {"segments": segments, "segments_notice": w.segment_search_notice()}
