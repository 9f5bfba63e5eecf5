"""Sentences on how the data was cleaned, each count with the words that agree with it ('no duplicate rows')."""

from __future__ import annotations

from reportgen.render.sentences import capitalised


class QualitySentences:
    """The words of the data-quality lines of the method slides and the PDF (a part of Wording)."""

    def cleaning_steps(self) -> list[str]:
        """Return what cleaning did, as phrases: missing values kept, duplicates dropped, repeated ids kept."""
        q = self.context["quality"]
        missing, dupes, ids = sum(q["missing"].values()), q["duplicate_rows"]["count"], q["repeated_ids"]["ids"]
        return [
            self._("no missing values") if not missing else self.fmt.quantity(
                missing, "{n} missing value kept as missing", "{n} missing values kept as missing"),
            self._("no duplicate rows") if not dupes else self.fmt.quantity(
                dupes, "{n} duplicate row dropped", "{n} duplicate rows dropped"),
            self._("no repeated ids") if not ids else self.fmt.quantity(
                ids, "{n} repeated id kept as different clients", "{n} repeated ids kept as different clients"),
        ]

    def cleaning_line(self) -> str:
        """Return the cleaning line of a data and method slide: 'Cleaning: 2,292 missing values kept ...'."""
        missing, dupes, ids = self.cleaning_steps()
        return self._("Cleaning: {missing}, {duplicates}, {ids}").format(missing=missing, duplicates=dupes, ids=ids)

    def cleaning_sentence(self) -> str:
        """Return the same as a sentence of its own, for the PDF ('No duplicate rows, 73 repeated ids ...')."""
        missing, dupes, ids = self.cleaning_steps()
        return capitalised(self._("{duplicates}, {ids}, {missing}.").format(missing=missing, duplicates=dupes,
                                                                             ids=ids))
