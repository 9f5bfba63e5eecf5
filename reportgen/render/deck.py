"""The presentation deck (python-pptx): the sections of a run told slide by slide, in one language, with notes.

DeckBuilder is the plumbing every section uses (slides, lists and tables split where they do not fit);
the slides themselves are in reportgen.render.sections."""

from __future__ import annotations

from pathlib import Path

from reportgen.atomic import atomic_path
from reportgen.render.charts import palette
from reportgen.render.deck_template import body_placeholders, open_template, title_placeholder
from reportgen.render.language import set_language
from reportgen.render.sections import sections_of
from reportgen.render.slides import (TABLE_SIZE, Item, add_table, content_area, fill_list, fit_widths,
                                     harmonise_sizes, list_size, mark, set_notes, set_title, split_items,
                                     table_chunks)
from reportgen.render.typography import bind_short_words
from reportgen.render.wording import Wording


class DeckBuilder:
    """Build the deck of one context in one language on a template's layouts."""

    def __init__(self, context: dict, lang: str, template: Path | None = None) -> None:
        self.ctx = context
        self.w = Wording(context, lang)
        self._ = self.w._
        self.fmt = self.w.fmt
        self.template = open_template(template)
        self.prs = self.template.prs
        self.palette = palette()
        self.sections = sections_of(context)
        self.applying = [s for s in self.sections if s.applies(context)]
        self.said: set[str] = set()  # readings already given in some note: each is said once per deck

    # --- the talk track -----------------------------------------------------------------------
    def talk(self, *parts: str) -> str:
        """Return speaker notes from their parts (message, reading, bridge), one paragraph each."""
        return "\n".join(p for p in parts if p)

    def once(self, text: str) -> str:
        """Return `text` the first time it is said in this deck's notes, else ''."""
        if not text or text in self.said:
            return ""
        self.said.add(text)
        return text

    def bridge_after(self, section) -> str:
        """Return the sentence that leads from `section` into the next section of the deck, or '' when that
        section has none (or there is no next)."""
        index = next((i for i, s in enumerate(self.applying) if s is section), None)
        following = self.applying[index + 1:index + 2] if index is not None else []
        return following[0].bridge(self.w) if following else ""

    # --- plumbing ---------------------------------------------------------------------------
    def slide(self, kind: str, title: str, notes: str):
        """Return a new slide of layout `kind` with its title and speaker notes."""
        slide = self.prs.slides.add_slide(self.template.layouts[kind])
        set_title(slide, bind_short_words(title, self.w.lang))
        # every slide under a title bar shares one title size; the title and section slides have their own
        mark(title_placeholder(slide), "title" if kind in ("content", "two", "title_only") else f"title.{kind}")
        set_notes(slide, notes)
        return slide

    def list_slides(self, title: str, items: list[Item], notes: str, kind: str = "content",
                    group: str | None = None) -> None:
        """Add one or more slides holding `items` as a list, split where they do not fit one; the lists of all
        those slides (and of other lists of the same `group`) get one text size."""
        probe = self.prs.slides.add_slide(self.template.layouts[kind])
        box = body_placeholders(probe)[0]
        chunks = [items] if list_size(box, items) else split_items(box, items)
        self._drop_last_slide()
        for number, chunk in enumerate(chunks, start=1):
            suffix = self._("(continued)") if number > 1 else ""
            slide = self.slide(kind, f"{title} {suffix}".strip(), notes if number == 1 else self.continued(
                number, len(chunks)))
            target = mark(body_placeholders(slide)[0], f"list.{group or title}")
            fill_list(target, chunk, list_size(target, chunk) or 12)
            for extra in body_placeholders(slide)[1:]:
                extra.element.getparent().remove(extra.element)

    def table_slides(self, title: str, rows: list[list[str]], shares: list[float], notes: str,
                     highlight: set[int] | None = None, size: float = TABLE_SIZE) -> None:
        """Add one or more slides with a table (first row: header) split by measured height, at `size` points."""
        probe = self.prs.slides.add_slide(self.template.layouts["title_only"])
        x, y, cx, cy = content_area(self.prs, probe)
        self._drop_last_slide()
        widths = fit_widths(rows, [int(cx * s) for s in shares], size)
        chunks = table_chunks(rows, widths, cy, size)
        for number, chunk in enumerate(chunks, start=1):
            suffix = f" ({number}/{len(chunks)})" if len(chunks) > 1 else ""
            slide = self.slide("title_only", title + suffix, notes if number == 1 else self.continued(
                number, len(chunks)))
            part = [rows[0]] + [rows[i] for i in chunk]
            marks = {pos for pos, i in enumerate(chunk, start=1) if highlight and i in highlight}
            add_table(slide, (x, y, cx, cy), part, widths, self.palette, size=size, highlight=marks)

    def continued(self, number: int, count: int) -> str:
        """Return the notes of a slide that continues the previous one (its own notes said it all)."""
        return self._("The same subject, continued ({number}/{count}).").format(number=number, count=count)

    def _drop_last_slide(self) -> None:
        """Remove the last slide (a probe used to read a layout's geometry)."""
        ids = self.prs.slides._sldIdLst
        last = ids[-1]
        self.prs.part.drop_rel(last.rId)
        ids.remove(last)

    # --- the deck ---------------------------------------------------------------------------
    def build(self):
        """Return the presentation: every section of the run that applies, in the report's order."""
        for section in self.applying:
            section.slides(self)
        harmonise_sizes(self.prs)
        set_language(self.prs, self.w.lang)
        return self.prs


def render_deck(context: dict, lang: str, out: Path, template: Path | None = None) -> Path:
    """Write the deck of `context` in `lang` to `out` (atomically) and return the path."""
    prs = DeckBuilder(context, lang, template).build()
    with atomic_path(out) as tmp:
        prs.save(str(tmp))
    return out
