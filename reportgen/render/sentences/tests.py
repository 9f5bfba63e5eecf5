"""Sentences on the hypothesis tests: the question each answers, its method, effect and conclusion."""

from __future__ import annotations

from reportgen.i18n.ui import N_

METHODS = {
    "welch_t": N_("Welch's t-test"),
    "mann_whitney": N_("Mann–Whitney U test"),
    "bootstrap_median_difference": N_("bootstrap interval of the median difference"),
    "chi_square": N_("chi-square test"),
    "fisher_exact": N_("Fisher's exact test"),
    "two_proportion_z": N_("two-proportion z-test"),
}
EFFECTS = {
    "cohens_d": N_("Cohen's d"),
    "rank_biserial": N_("rank-biserial r"),
    "cramers_v": N_("Cramér's V"),
}
REASONS = {
    "empty_group": N_("one of the groups is empty"),
    "group_too_small": N_("a group has fewer than 3 clients"),
    "all_values_equal": N_("all values are equal"),
    "zero_variance": N_("both groups are constant"),
    "one_level": N_("the feature has a single level"),
    "one_outcome": N_("all clients have the same churn status"),
    "no_usable_feature": N_("no feature varies"),
    "identical_rows": N_("all clients look the same"),
    "too_few_rows": N_("too few clients for the smallest number of clusters"),
    "no_churn_prone_condition": N_("no condition raises churn clearly above the average"),
}
LEAD_REASONS = {
    "skewed": N_("the distributions are skewed, so the rank test and medians lead"),
    "near_symmetric": N_("the distributions are roughly symmetric, so the t-test and means lead"),
    "only_computable": N_("only this test could be computed"),
    "small_expected_counts": N_("some expected counts are below 5, so the exact test is used"),
    "expected_counts_ok": N_("expected counts are large enough for the chi-square approximation"),
    "expected_counts_small": N_("some expected counts are below 5 and the table is too large for the exact test, "
                                "so the chi-square p-value is only approximate"),
}
# lead reasons a reader must see next to the conclusion, because they limit what the p-value says
CAVEATS = ("expected_counts_small",)


class TestSentences:
    """The words of the tests section (a part of Wording)."""

    def method(self, method: str | None) -> str:
        """Return a test method's name."""
        return self.tr(METHODS[method]) if method in METHODS else (method or "—")

    def effect(self, effect: dict | None) -> str:
        """Return an effect size as 'Cramér's V = 0.14', the name kept on one line with its value."""
        if not effect or effect.get("value") is None:
            return "—"
        name = self.tr(EFFECTS.get(effect["name"], effect["name"])).replace(" ", "\u00a0")
        return f"{name}\u00a0=\u00a0{self.fmt.number(effect['value'], 2)}"

    def effect_cell(self, effect: dict | None) -> str:
        """Return an effect size for a table cell, its value first ('0.14 (Cramér's V)'): a symbol such as Cohen's
        d keeps its case and the cell still opens as a sentence would."""
        if not effect or effect.get("value") is None:
            return "—"
        return self._("{value} ({name})").format(value=self.fmt.number(effect["value"], 2),
                                                 name=self.tr(EFFECTS.get(effect["name"], effect["name"])))

    def reason(self, reason: str | None) -> str:
        """Return why something could not be computed."""
        return self.tr(REASONS[reason]) if reason in REASONS else (reason or "")

    def question(self, test: dict) -> str:
        """Return the question a test answers, in plain words."""
        feature = self.feature(test["feature"])
        if test["question"] == "numeric_difference":
            return self._("Do clients who leave differ in {feature}?").format(feature=feature)
        return self._("Does churn depend on {feature}?").format(feature=feature)

    def conclusion(self, test: dict) -> str:
        """Return a test's conclusion in plain words, with the figures it rests on."""
        if test["status"] != "ok":
            return self._("Not computable: {reason}.").format(reason=self.reason(test.get("reason")))
        feature = self.feature(test["feature"])
        p = self.fmt.p_claim(test["p_adjusted"])
        if test["type"] == "categorical":
            if test["significant"]:
                sentence = self._("Yes: churn differs by {feature} ({effect}, adjusted p {p}).").format(
                    feature=feature, effect=self.effect(test["effect_size"]), p=p)
            else:
                sentence = self._("No clear link between {feature} and churn (adjusted p {p}).").format(
                    feature=feature, p=p)
            note = self.caveat(test)
            return f"{sentence} {note}" if note else sentence
        groups = test["groups"]
        stat = "median" if test["method"] == "mann_whitney" else "mean"
        left = self.number_for(test["feature"], groups["churned"][stat])
        right = self.number_for(test["feature"], groups["retained"][stat])
        if test["significant"]:
            sentence = (self._("Yes: median {left} for clients who left against {right} for those who stayed "
                               "(adjusted p {p}).") if stat == "median" else
                        self._("Yes: mean {left} for clients who left against {right} for those who stayed "
                               "(adjusted p {p}).")).format(left=left, right=right, p=p)
        else:
            sentence = self._("No real difference (adjusted p {p}).").format(p=p)
        note = self.disagreement(test)
        return f"{sentence} {note}" if note else sentence

    def caveat(self, test: dict) -> str:
        """Return a sentence on what limits a test's p-value (an approximate chi-square), else ''."""
        reason = test.get("lead_reason")
        if reason not in CAVEATS:
            return ""
        text = self.tr(LEAD_REASONS[reason])
        return text[:1].upper() + text[1:] + "."

    def disagreement(self, test: dict) -> str:
        """Return a warning when the t-test and the rank test disagree (the income trap), else ''."""
        methods = {m["method"]: m for m in test.get("methods", []) if m.get("status") == "ok"}
        welch, rank = methods.get("welch_t"), methods.get("mann_whitney")
        if not welch or not rank or welch.get("significant") == rank.get("significant"):
            return ""
        return self._("The means look alike (Welch p {welch}) but the distributions differ (Mann–Whitney p {mw}): "
                      "read the medians.").format(welch=self.fmt.p_claim(welch["p_value"]),
                                                  mw=self.fmt.p_claim(rank["p_value"])) \
            if rank["significant"] else \
            self._("The means differ (Welch p {welch}) but the ranks do not (Mann–Whitney p {mw}): a few extreme "
                   "values drive the difference.").format(welch=self.fmt.p_claim(welch["p_value"]),
                                                          mw=self.fmt.p_claim(rank["p_value"]))
