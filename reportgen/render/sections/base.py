"""What a report section is: its slides, its block of the PDF summary and its agenda line, from its own
part of the context. A section says whether it applies; one that does not adds nothing."""

from __future__ import annotations


class Section:
    """A part of the report. Subclasses add slides, a PDF block (template + data) and an agenda line."""

    template: str | None = None  # its block of the PDF summary: a template under templates/sections/
    summary_rank: int | None = None  # where the block stands in the PDF summary; None: not in the PDF

    def applies(self, ctx: dict) -> bool:
        """Return True when the context has what this section shows."""
        return True

    def agenda(self, w) -> str | None:
        """Return the section's line in the agenda, or None when it has none."""
        return None

    def bridge(self, w) -> str:
        """Return the sentence that leads into this section from the slide before it ('Next: ...'), or ''."""
        return ""

    def slides(self, deck) -> None:
        """Add the section's slides to `deck` (a DeckBuilder)."""

    def main_slides(self, ctx: dict) -> int:
        """Return how many slides the section adds to the story before the appendix (the persona budget's
        estimate: a table that runs over one slide is not foreseen)."""
        return 1

    def charts(self, w) -> dict[str, bytes]:
        """Return the SVG charts of the section's PDF block, by name."""
        return {}

    def summary(self, w, charts: dict[str, str]) -> dict:
        """Return what the section's PDF block shows, formatted; `charts` are the run's chart URLs."""
        return {}
