"""Sentences on what changed since the previous quarter: churn, clients, factors, last quarter's segments."""

from __future__ import annotations


class ChangeSentences:
    """The words of the what-changed section (a part of Wording)."""

    def change(self, then: float | None, now: float | None, change_pp: float | None) -> str:
        """Return 'then → now (±x pp)' for two shares."""
        return f"{self.fmt.percent(then)} → {self.fmt.percent(now)} ({self.fmt.points(change_pp)})"

    def verdict(self, entry: dict) -> str:
        """Return what a re-measured segment's change means: worked, worse, or no clear change."""
        if entry.get("status") != "ok":
            return self._("not measurable: {reason}").format(reason=self._("a column is missing"))
        if entry.get("significant"):
            return self._("churn down: the actions worked") if entry["change_pp"] < 0 else self._("churn up")
        return self._("no significant change")

    def comparison_lines(self, limit: int = 3) -> list[str]:
        """Return the headline changes since last quarter: churn, clients, biggest factor changes, new segments."""
        comp = self.context["comparison"]
        churn = comp["churn"]
        significant = churn["test"].get("significant")
        lines = [self._("Churn: {change}; {verdict}.").format(
            change=self.change(churn["then"], churn["now"], churn["change_pp"]),
            verdict=self._("a significant change") if significant else self._("not a significant change"))]
        clients = comp["clients"]
        if clients["by_id"]:
            lines.append(self._("Clients: {gained}, {lost}, {kept}.").format(
                gained=self.fmt.quantity(clients["gained"], "{n} new", "{n} new"),
                lost=self.fmt.quantity(clients["lost"], "{n} no longer in the table", "{n} no longer in the table"),
                kept=self.fmt.quantity(clients["kept"], "{n} in both quarters", "{n} in both quarters")))
        else:
            lines.append(self._("Clients: {then} → {now}.").format(
                then=self.fmt.number(clients["then"]), now=self.fmt.number(clients["now"])))
        moved = [(f, lvl) for f in comp["factors"] for lvl in f["levels"] if lvl.get("significant")]
        moved.sort(key=lambda fl: -abs(fl[1]["change_pp"] or 0))
        for factor, level in moved[:limit]:
            known = self.factor(factor["factor"])
            phrase = self.level_phrase(known or factor, level)
            lines.append(self._("{who} — churn {change}.").format(
                who=phrase[:1].upper() + phrase[1:], change=self.change(level["then"], level["now"],
                                                                        level["change_pp"])))
        if comp["new_segments"]:
            lines.append(self._("New churn-prone segments this quarter: {ids}.").format(
                ids=", ".join(comp["new_segments"])))
        return lines

    def remeasured_rows(self) -> list[list[str]]:
        """Return last quarter's segments as table rows: name, clients then/now, churn then/now, verdict."""
        rows = []
        for entry in self.context["comparison"]["segments"]:
            # last quarter's ids may name other segments today: a rule's name comes from the entry's own rule;
            # a cluster of last quarter has no profile here, only its number
            name = self._("Cluster {n}").format(n=entry["cluster"] + 1) if entry.get("rule") is None else \
                f"{entry['id']}. {self.name_from_traits(self.segment_traits(entry))}"
            if entry.get("status") != "ok":
                rows.append([name, self.fmt.number(entry["then"]["size"]), "—", self.fmt.percent(
                    entry["then"]["churn_rate"]), "—", self.verdict(entry)])
                continue
            rows.append([name, self.fmt.number(entry["then"]["size"]), self.fmt.number(entry["now"]["customers"]),
                         self.fmt.percent(entry["then"]["churn_rate"]), self.fmt.percent(entry["now"]["churn_rate"]),
                         self.verdict(entry)])
        return rows
