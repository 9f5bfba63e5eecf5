"""The results: who leaves (one chart of the strongest links), the personas at risk side by side, then one slide
per persona with what sets it apart and what is done for it alone."""

from __future__ import annotations

from reportgen.render.deck_template import body_placeholders
from reportgen.render.pptx_charts import ranked_bars
from reportgen.render.sections.base import Section
from reportgen.render.slides import SMALLEST, Item, content_area, fill_list, list_size, mark, split_items


class Drivers(Section):
    """Churn of the strongest churn-prone level of each feature, against the average: one chart; left out when
    the churn model's key factors tell who leaves."""

    def applies(self, ctx: dict) -> bool:
        """Return True when some level is churn-prone and the model measured no key factors."""
        return bool(ctx.get("churn_prone_intervals")) and not (ctx.get("prediction") or {}).get("key_factors")

    def agenda(self, w) -> str | None:
        """Return the agenda line."""
        return w._("Results: who leaves, and the personas at risk")

    def bridge(self, w) -> str:
        """Return the lead into the results."""
        return w._("Next: the results, starting with who leaves.")

    def slides(self, deck) -> None:
        """Add the chart of the strongest links with churn, with their readings in the notes."""
        w = deck.w
        drivers = w.drivers()
        top = drivers[0]
        readings = [deck.once(w.reading(item)) for item in drivers[:2]]
        notes = deck.talk(
            deck._("Churn is highest for {level} ({rate}), against {overall} on average.").format(
                level=w.driver_phrase(top), rate=deck.fmt.percent(top["churn_rate"]),
                overall=deck.fmt.percent(deck.ctx["overview"]["churn_rate"])),
            *readings, deck.bridge_after(self))
        slide = deck.slide("title_only", deck._("Who leaves: the strongest links with churn"), notes)
        ranked_bars(slide, content_area(deck.prs, slide), [w.driver_label(i) for i in drivers],
                    [i["churn_rate"] for i in drivers], (deck._("All clients"), deck.ctx["overview"]["churn_rate"]),
                    deck._("churn rate"), deck.palette, deck.fmt)


class PersonaOverview(Section):
    """The personas at risk side by side: their churn against the average, bars named after them."""

    template = "sections/segments.html"
    summary_rank = 30

    def applies(self, ctx: dict) -> bool:
        """Return True when there are rule segments, or a reason to say why there are none."""
        return bool(ctx["segments"] or ctx["segment_search"].get("reason"))

    def agenda(self, w) -> str | None:
        """Return the agenda line when the drivers' chart, which opens the results, is left out."""
        return None if Drivers().applies(w.context) else w._("Results: the personas at risk")

    def bridge(self, w) -> str:
        """Return the lead into the personas."""
        return w._("Next: the personas at risk, side by side.") if w.rule_segments else \
            w._("Next: why no persona at risk is reported.")

    def slides(self, deck) -> None:
        """Add the chart of the personas' churn, or the notice saying why there is none."""
        w = deck.w
        if not w.rule_segments:
            deck.list_slides(deck._("Personas at risk"), [Item(w.segment_search_notice())], deck.talk(
                deck._("Why this report shows no persona at risk."), deck.bridge_after(self)))
            return
        segments = w.rule_segments
        first = w.personas_first(1)[0]
        notes = deck.talk(
            deck.fmt.quantity(len(segments), "{n} persona churns well above the average; the highest is “{name}”.",
                              "{n} personas churn well above the average; the highest is “{name}”.",
                              name=w.persona_name(first)),
            deck._("Each persona is two or three traits found on half of the clients; its churn is measured on the "
                   "other half, so it is not flattered by the search. They overlap little: each needs its own "
                   "actions."),
            deck.bridge_after(self))
        slide = deck.slide("title_only", deck._("Personas at risk: churn against the average"), notes)
        ranked_bars(slide, content_area(deck.prs, slide), [w.persona_name(s) for s in segments],
                    [s["churn_rate"] for s in segments], (deck._("All clients"), deck.ctx["overview"]["churn_rate"]),
                    deck._("churn rate"), deck.palette, deck.fmt)

    def summary(self, w, charts: dict[str, str]) -> dict:
        """Return the personas: name, portrait, figures, definition and the actions that are theirs alone."""
        # the personas of the story in full; the others (in the deck's appendix) in a line each, so that the
        # summary keeps to four pages
        shown = story_personas(w.context)
        personas = [{"id": s["id"], "name": w.persona_name(s), "portrait": w.portrait(s),
                     "summary": w.segment_summary(s), "definition": w.definition(s),
                     "actions": [{"title": w.recommendation_title(r["id"]), "text": w.persona_action(s, r)}
                                 for r in w.own_recommendations(s)]}
                    for s in w.rule_segments[:shown]]
        others = [{"name": w.persona_name(s), "figures": w.fmt.quantity(
            s["size"], "{n} client, churn {rate}", "{n} clients, churn {rate}", rate=w.fmt.percent(s["churn_rate"]))}
            for s in w.rule_segments[shown:]]
        return {"segments": personas, "other_segments": others, "segments_notice": w.segment_search_notice()}


# The users' outline: twelve to sixteen slides before the appendix. The personas take what the other sections
# leave (at least two); the others have their slides in the appendix, named on the overview chart.
MAX_STORY_SLIDES = 16
MIN_STORY_PERSONAS = 2


def story_personas(ctx: dict) -> int:
    """Return how many personas get their slide in the story; the rest go to the appendix."""
    from reportgen.render.sections import sections_of  # the registry imports this module

    others = 0
    for section in sections_of(ctx):
        if getattr(section, "ends_story", False):
            break
        if not isinstance(section, PersonaSlides) and section.applies(ctx):
            others += section.main_slides(ctx)
    return max(MIN_STORY_PERSONAS, MAX_STORY_SLIDES - others)


class PersonaSlides(Section):
    """One slide per persona: its figures, definition and portrait on the left, what to do on the right; the
    personas beyond the story's budget are left to MorePersonas, in the appendix."""

    def applies(self, ctx: dict) -> bool:
        """Return True when there are rule segments."""
        return bool(ctx["segments"])

    def personas(self, w) -> list[dict]:
        """Return the personas shown in the story."""
        return w.rule_segments[:story_personas(w.context)]

    def bridge(self, w) -> str:
        """Return the lead into the first persona."""
        return w._("Next: the first persona, “{name}”.").format(name=w.persona_name(w.rule_segments[0]))

    def slides(self, deck) -> None:
        """Add a slide for each persona, every persona's columns at one size so that the slides read alike."""
        segments = self.personas(deck.w)
        pages = []
        for index, segment in enumerate(segments):
            following = segments[index + 1] if index + 1 < len(segments) else None
            bridge = deck._("Next: “{name}”.").format(name=deck.w.persona_name(following)) if following else \
                deck.bridge_after(self)
            pages.append(self.persona_page(deck, segment, bridge))
        probe = deck.prs.slides.add_slide(deck.template.layouts["two"])
        boxes = body_placeholders(probe)
        sizes = [list_size(box, column) for _t, left, right, _n in pages for box, column in zip(boxes, (left, right))]
        deck._drop_last_slide()
        size = min((s for s in sizes if s), default=None)
        for title, left, right, notes in pages:
            two_columns(deck, title, left, right, notes, size, group="segment")

    def persona_page(self, deck, segment: dict, bridge: str) -> tuple[str, list[Item], list[Item], str]:
        """Return one persona's slide: title, left column (figures, portrait, rule), right column (actions), notes."""
        w = deck.w
        # the facts beyond the portrait's two go under the portrait, not under the rule: they are no condition
        left = [Item(line) for line in (w.segment_summary(segment), w.portrait(segment)) if line]
        left += [Item(fact[:1].upper() + fact[1:], level=1) for fact in w.facts(segment)[2:]]
        left += [Item(line) for line in (w.definition(segment),) if line]
        right = []
        own = w.own_recommendations(segment)
        if own:
            right.append(Item(deck._("What to do for this persona"), bold=True))
        for rec in own:
            right += [Item(w.recommendation_title(rec["id"]), bold=True), Item(w.persona_action(segment, rec), level=1)]
        shared = w.shared_recommendations(segment)
        if shared:
            right.append(Item(deck._("In the action plan with other personas"), bold=True))
            right += [Item(w.recommendation_title(r["id"]), level=1) for r in shared]
        reading = next((r for r in (deck.once(w.persona_reading(segment, t)) for t in w.segment_traits(segment))
                        if r), "")
        return w.persona_name(segment), left, right, deck.talk(w.persona_message(segment), reading, bridge)


def two_columns(deck, title: str, left: list[Item], right: list[Item], notes: str, size: float | None = None,
                group: str | None = None) -> None:
    """Add a two-column slide at `size` points (else the largest that fits), continued on further slides when a
    column does not fit one; `group` names its columns as an element of sibling slides (see harmonise_sizes)."""
    probe = deck.prs.slides.add_slide(deck.template.layouts["two"])
    boxes = body_placeholders(probe)
    left_chunks = [left] if fits(boxes[0], left, size) else split_items(boxes[0], left)
    right_chunks = [right] if fits(boxes[1], right, size) else split_items(boxes[1], right)
    deck._drop_last_slide()
    pages = max(len(left_chunks), len(right_chunks))
    for page in range(pages):
        suffix = f" ({page + 1}/{pages})" if pages > 1 else ""
        slide = deck.slide("two", title + suffix, notes if page == 0 else deck.continued(page + 1, pages))
        boxes = body_placeholders(slide)
        for box, chunks, side in ((boxes[0], left_chunks, "left"), (boxes[1], right_chunks, "right")):
            if group:
                mark(box, f"{group}.{side}")
            if page < len(chunks):
                # one size for a column across its pages, so a continuation does not jump to 20 pt
                fill_list(box, chunks[page], size if size and len(chunks) == 1 else
                          min(list_size(box, chunk) or SMALLEST for chunk in chunks))
            else:
                box.element.getparent().remove(box.element)


def fits(box, items: list[Item], size: float | None) -> bool:
    """Return True when `items` fit `box` at `size` points (at some size when `size` is None)."""
    largest = list_size(box, items)
    return bool(largest) and (size is None or largest >= size)


class MorePersonas(PersonaSlides):
    """In the appendix: the slides of the personas the story had no room for."""

    def applies(self, ctx: dict) -> bool:
        """Return True when some persona was left out of the story."""
        return len(ctx["segments"]) > story_personas(ctx)

    def bridge(self, w) -> str:
        """Return the lead into the other personas."""
        return w._("Next: the other personas at risk, one slide each.")

    def personas(self, w) -> list[dict]:
        """Return the personas the story left out."""
        return w.rule_segments[story_personas(w.context):]
