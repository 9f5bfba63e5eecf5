"""Sentences on the churn-prone segments: size and churn (measured on unseen clients), validation, profile."""

from __future__ import annotations


class SegmentSentences:
    """The words of the segments and clusters sections (a part of Wording)."""

    def segment_finding(self, segment: dict) -> str:
        """Return a sentence on a segment: size and churn against the average of all clients."""
        return self.fmt.quantity(
            segment["size"], "{name} ({n} client): churn {rate}, {ratio} the average.",
            "{name} ({n} clients): churn {rate}, {ratio} the average.",
            name=self.segment_name(segment), rate=self.fmt.percent(segment["churn_rate"]),
            ratio=self.fmt.ratio(segment.get("lift_ratio"))) + self._holdout_note(segment)

    def _holdout_note(self, segment: dict) -> str:
        """Return ' (measured on the N clients the search did not see)' for a rule segment, else ''."""
        if segment.get("measured_on") != "holdout":
            return ""
        return " " + self.fmt.quantity(
            segment["customers"], "Churn measured on the {n} client of the segment that the search did not see.",
            "Churn measured on the {n} clients of the segment that the search did not see.")

    def validation_lines(self) -> list[str]:
        """Return how the segments were validated: the split, and how many candidates did not hold."""
        search = self.context.get("segment_search") or {}
        split = search.get("validation")
        if not split:
            return []
        lines = [self._("Segment validation: searched on {found} clients, measured on {held} others (stratified "
                        "split, seed {seed}); a condition that adds nothing on the others is removed").format(
            found=self.fmt.number(split["discovery"]["customers"]), held=self.fmt.number(split["holdout"]["customers"]),
            seed=split["seed"])]
        failed = [d for d in search.get("dropped", []) if d["reason"] == "not_significant_on_unseen"]
        if failed:
            lines.append(self.fmt.quantity(
                len(failed), "{n} candidate segment did not stay significantly above the average on unseen clients "
                "and was dropped", "{n} candidate segments did not stay significantly above the average on unseen "
                "clients and were dropped"))
        return lines

    def segment_search_notice(self) -> str | None:
        """Return why the report has no churn-prone segment, or None when it has some (or has no search)."""
        search = self.context.get("segment_search") or {}
        if self.rule_segments or not search.get("reason"):
            return None
        o = self.context["overview"]
        if search["reason"] == "too_small":
            needed = search["needed"]
            return self._("The table is too small to look for churn-prone segments: {clients} and {churned}; at "
                          "least {min_clients} clients and {min_churned} churned clients are needed.").format(
                clients=self.fmt.quantity(o["customers"], "{n} client", "{n} clients"),
                churned=self.fmt.quantity(o["churned"], "{n} churned client", "{n} churned clients"),
                min_clients=self.fmt.number(needed["clients"]), min_churned=self.fmt.number(needed["churned"]))
        if search["reason"] == "one_outcome":
            return self._("Every client has the same churn flag: there is nothing to compare segments with.")
        if search["reason"] == "none_held":
            return self._("Candidate segments were found, but none kept a churn significantly above the average on "
                          "the clients the search did not see: no segment is reported.")
        return self._("No combination of conditions raises churn clearly above the average: no segment is reported.")

    def segment_summary(self, segment: dict) -> str:
        """Return a segment's size and churn against the average, without its name."""
        return self.fmt.quantity(
            segment["size"], "{n} client, churn {rate}: {ratio} the average.",
            "{n} clients, churn {rate}: {ratio} the average.",
            rate=self.fmt.percent(segment["churn_rate"]),
            ratio=self.fmt.ratio(segment.get("lift_ratio"))) + self._holdout_note(segment)

    def profile_lines(self, segment: dict, limit: int = 6) -> list[str]:
        """Return the segment's profile as short phrases ('age: mean 42 (all clients: 39)'), most distinctive
        features first; a line that stands alone is capitalised by its caller."""
        features = segment["profile"]["features"]
        order = [d["feature"] for d in segment["profile"]["distinguishing"]]
        order += [c for c in features if c not in order]
        lines = []
        for column in order[:limit]:
            entry = features[column]
            label = self.feature(column)
            base = entry["base"]
            if entry["type"] == "numeric":
                stat = "median" if entry.get("skewed") or base.get("skewed") else "mean"
                stat_label = self._("median") if stat == "median" else self._("mean")
                lines.append(self._("{feature}: {stat} {value} (all clients: {base})").format(
                    feature=label, stat=stat_label, value=self.number_for(column, entry[stat]),
                    base=self.number_for(column, base[stat])))
            elif entry["type"] == "binary":
                lines.append(self._("{feature}: {value} (all clients: {base})").format(
                    feature=label, value=self.fmt.percent(entry["share"]), base=self.fmt.percent(base["share"])))
            elif entry.get("majority") is not None:
                lines.append(self._("{feature}: mostly {level}, {share} (all clients: {base})").format(
                    feature=label, level=self.value(column, entry["majority"]),
                    share=self.fmt.percent(entry["majority_share"]),
                    base=self.fmt.percent(base["shares"].get(entry["majority"], 0.0))))
        return lines
