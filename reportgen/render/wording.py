"""Words for one language: feature and level labels, segment names, findings and conclusions built from the
context. The deck, the PDF and the e-mails all speak through this one class; it computes no statistics."""

from __future__ import annotations

from functools import cached_property

from reportgen.i18n.formatting import Formatter
from reportgen.i18n.labels import FLAG_PHRASES, GENDER_VALUES, feature_name
from reportgen.i18n.ui import N_
from reportgen.render.sanitize import clean_text

MONEY_ROLES = ("income", "balance")

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
HORIZONS = {
    "short": N_("This quarter"),
    "medium": N_("Next two quarters"),
    "long": N_("This year and beyond"),
}


class Wording:
    """Translated labels and sentences for one context in one language."""

    def __init__(self, context: dict, lang: str) -> None:
        self.context = context
        self.lang = lang
        self.fmt = Formatter(lang, context["meta"].get("currency") or "RUB")
        self._ = self.fmt.gettext
        # the same lookup under another name, for messages held in variables (marked with N_ where defined)
        self.tr = self.fmt.gettext
        self.roles = context.get("roles", {})
        self.semantic = {column: role for role, column in self.roles.get("semantic", {}).items()}

    # --- labels -----------------------------------------------------------------------------
    def feature(self, column: str) -> str:
        """Return a feature's label: [labels.<lang>] from the config, else the translated name its own name
        means (city -> ville), else the column's name with '_' as spaces ('Geography', 'last activity')."""
        custom = self.custom_label(column)
        if custom:
            return custom
        known = feature_name(column)
        if known:
            return self.tr(known)
        return clean_text(str(column).replace("_", " ")) or clean_text(column)

    def custom_label(self, column: str) -> str:
        """Return the label [labels.<lang>] in the config gives the column, else ''."""
        custom = (self.context.get("labels") or {}).get(self.lang, {}).get(column)
        return clean_text(custom) if custom else ""

    def feature_title(self, column: str) -> str:
        """Return the feature label with a capital first letter, for titles and table cells."""
        label = self.feature(column)
        return label[:1].upper() + label[1:]

    def value(self, column: str, value) -> str:
        """Return a category's label: [value_labels] from the config, gender words, else the value itself."""
        text = "" if value is None else str(value)
        custom = (self.context.get("value_labels") or {}).get(column, {}).get(self.lang, {}).get(text)
        if custom:
            return clean_text(custom)
        if self.semantic.get(column) == "gender":
            known = GENDER_VALUES.get(text.strip().lower())
            if known:
                return self.tr(known)
        return clean_text(text)

    def flag(self, column: str, value: int) -> str:
        """Return the label of a yes/no level: 'with a credit card', 'active last month', '{feature}: yes'."""
        phrases = None if self.custom_label(column) else FLAG_PHRASES.get(feature_name(column))
        if phrases:
            return self.tr(phrases[0] if value else phrases[1])
        answer = self._("yes") if value else self._("no")
        return self._("{feature}: {answer}").format(feature=self.feature(column), answer=answer)

    def number_for(self, column: str, value: float | None) -> str:
        """Return a feature's value formatted as money or as a number, by its role."""
        if self.semantic.get(column) in MONEY_ROLES:
            return self.fmt.money(value)
        return self.fmt.smart_number(value)

    def _bound(self, column: str, value: float) -> str:
        """Return a band bound: compact for money ('250 k'), plain otherwise."""
        if self.semantic.get(column) in MONEY_ROLES:
            return self.fmt.money(value, compact=value >= 100_000)
        return self.fmt.smart_number(value)

    def range_text(self, column: str, low: float | None, high: float | None, integer: bool) -> str:
        """Return a band as text: '25–34', '< 800', '≥ 1 M ₽', '4+' (low inclusive, high exclusive)."""
        if integer and high is not None:
            top = high - 1
            if low is None:
                return "≤ " + self._bound(column, top)
            return self._bound(column, low) if top == low else f"{self._bound(column, low)}–{self._bound(column, top)}"
        if low is None and high is None:
            return self._("all")
        if low is None:
            return "< " + self._bound(column, high)
        if high is None:
            return f"{self._bound(column, low)}+" if integer else "≥ " + self._bound(column, low)
        return f"{self._bound(column, low)} – {self._bound(column, high)}"

    def level(self, factor: dict, level: dict) -> str:
        """Return the label of one level of a factor, as a chart category or table cell."""
        kind = level["level_type"]
        if kind == "missing":
            return self._("not given")
        if kind == "other":
            return self._("other")
        if kind == "flag":
            return self._("yes") if level["value"] else self._("no")
        if kind == "band":
            integer = factor.get("spec", {}).get("integer", False)
            return self.range_text(factor["factor"], level.get("low"), level.get("high"), integer)
        return self.value(factor["factor"], level.get("value"))

    def level_phrase(self, factor: dict, level: dict) -> str:
        """Return a level as a phrase that stands alone: 'men', 'with a credit card', 'age: 25–34'."""
        column = factor["factor"]
        if level["level_type"] == "flag":
            return self.flag(column, level["value"])
        if level["level_type"] == "value" and self.semantic.get(column) == "gender":
            return self.level(factor, level)
        return self._("{feature}: {value}").format(feature=self.feature(column), value=self.level(factor, level))

    def condition(self, condition: dict) -> str:
        """Return one condition of a segment rule as a short phrase."""
        column = condition["feature"]
        if condition["op"] == "==":
            factor = self.factor(column)
            if factor and factor["type"] == "binary":
                return self.flag(column, int(condition["value"]))
            if self.semantic.get(column) == "gender":
                return self.value(column, condition["value"])
            return self._("{feature}: {value}").format(feature=self.feature(column),
                                                       value=self.value(column, condition["value"]))
        if condition["op"] == "other":
            return self._("{feature}: {value}").format(feature=self.feature(column), value=self._("other"))
        # segment conditions say whether their thresholds are whole numbers ('under 7' reads 'up to 6')
        integer = condition.get("integer", (self.factor(column) or {}).get("spec", {}).get("integer", False))
        text = self.range_text(column, condition.get("low"), condition.get("high"), integer)
        return self._("{feature}: {value}").format(feature=self.feature(column), value=text)

    def segment_name(self, segment: dict) -> str:
        """Return a segment's name: its conditions joined ('men · active last month · balance: ≥ 1 M ₽')."""
        if segment.get("cluster") is not None:
            return self._("Cluster {n}").format(n=segment["cluster"] + 1)
        return " · ".join(self.condition(c) for c in segment.get("rule", []))

    def factor(self, column: str) -> dict | None:
        """Return the churn-by-factor entry of a column."""
        return self.factors_by_name.get(column)

    @cached_property
    def factors_by_name(self) -> dict:
        """Return the churn-by-factor entries keyed by column."""
        return {f["factor"]: f for f in self.context.get("churn_by_factor", [])}

    # --- figures ----------------------------------------------------------------------------
    def figure(self, figure: dict) -> str:
        """Return a playbook figure formatted by its declared format."""
        value, form = figure["value"], figure["format"]
        if form == "percent":
            return self.fmt.percent(value)
        if form == "points":
            # in a sentence the direction is in the words ("12 pp above the average"), not in a sign
            return self.fmt.points(value, signed=False)
        if form == "money":
            return self.fmt.money(value)
        if form == "ratio":
            return self.fmt.ratio(value)
        if form == "count":
            return self.fmt.quantity(value, "{n} client", "{n} clients")
        if form == "level":
            return self.value(figure.get("feature", ""), value)
        return self.fmt.smart_number(value)

    def recommendation(self, rec: dict) -> str:
        """Return a recommendation's text in this language with its figures filled in."""
        rule = self.context["playbook"]["rules"][rec["id"]]
        figures = {name: self.figure(f) for name, f in rec.get("figures", {}).items()}
        return clean_text(rule["text"][self.lang].format(**figures))

    def recommendation_title(self, rule_id: str) -> str:
        """Return a recommendation's short title in this language."""
        return clean_text(self.context["playbook"]["rules"][rule_id]["title"][self.lang])

    def method(self, method: str | None) -> str:
        """Return a test method's name."""
        return self.tr(METHODS[method]) if method in METHODS else (method or "—")

    def effect(self, effect: dict | None) -> str:
        """Return an effect size as 'Cramér's V = 0.14'."""
        if not effect or effect.get("value") is None:
            return "—"
        name = self.tr(EFFECTS.get(effect["name"], effect["name"]))
        return f"{name} = {self.fmt.number(effect['value'], 2)}"

    def reason(self, reason: str | None) -> str:
        """Return why something could not be computed."""
        return self.tr(REASONS[reason]) if reason in REASONS else (reason or "")

    def horizon(self, horizon: str) -> str:
        """Return the title of an action-plan horizon."""
        return self.tr(HORIZONS[horizon])

    # --- sentences --------------------------------------------------------------------------
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
        p = self.fmt.p_value(test["p_adjusted"])
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
                      "read the medians.").format(welch=self.fmt.p_value(welch["p_value"]),
                                                  mw=self.fmt.p_value(rank["p_value"])) \
            if rank["significant"] else \
            self._("The means differ (Welch p {welch}) but the ranks do not (Mann–Whitney p {mw}): a few extreme "
                   "values drive the difference.").format(welch=self.fmt.p_value(welch["p_value"]),
                                                          mw=self.fmt.p_value(rank["p_value"]))

    def headline(self) -> str:
        """Return the headline: how many clients left, and the churn rate with its interval."""
        o = self.context["overview"]
        low, high = o["churn_rate_ci"]
        return self.fmt.quantity(
            o["churned"], "{n} client of {total} left: churn {rate} ({level} interval {low}–{high}).",
            "{n} clients of {total} left: churn {rate} ({level} interval {low}–{high}).",
            total=self.fmt.number(o["customers"]), rate=self.fmt.percent(o["churn_rate"]),
            level=self.fmt.percent(0.95, 0),
            low=self.fmt.percent(low), high=self.fmt.percent(high))

    def level_finding(self, item: dict) -> str:
        """Return a sentence on one churn-prone level: its churn against the average."""
        factor = self.factor(item["factor"])
        level = next((lvl for lvl in factor["levels"] if lvl.get("label") == item["label"]), None) if factor else None
        phrase = self.level_phrase(factor, level) if level else item["label"]
        return self._("{who} — churn {rate}, {ratio} the average ({points}).").format(
            who=phrase[:1].upper() + phrase[1:], rate=self.fmt.percent(item["churn_rate"]),
            ratio=self.fmt.ratio(item["lift_ratio"]), points=self.fmt.points(item["lift_pp"]))

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

    def interval(self, bounds: list) -> str:
        """Return a 95% interval as '95% interval: 17.5% – 19.0%'."""
        low, high = bounds
        return self._("{level} interval: {low} – {high}").format(
            level=self.fmt.percent(0.95, 0), low=self.fmt.percent(low), high=self.fmt.percent(high))

    def segment_summary(self, segment: dict) -> str:
        """Return a segment's size and churn against the average, without its name."""
        return self.fmt.quantity(
            segment["size"], "{n} client, churn {rate}: {ratio} the average.",
            "{n} clients, churn {rate}: {ratio} the average.",
            rate=self.fmt.percent(segment["churn_rate"]),
            ratio=self.fmt.ratio(segment.get("lift_ratio"))) + self._holdout_note(segment)

    def key_findings(self, limit: int = 5) -> list[str]:
        """Return the key findings as sentences: headline, strongest factors, skewed-test trap, riskiest segment."""
        findings = [self.headline()]
        seen = set()
        for item in self.context.get("churn_prone_intervals", []):
            if item["factor"] in seen:
                continue
            seen.add(item["factor"])
            findings.append(self.level_finding(item))
            if len(seen) == 2:
                break
        for test in self.context.get("tests", []):
            note = self.disagreement(test)
            if note:
                findings.append(self._("{feature}: {note}").format(feature=self.feature_title(test["feature"]),
                                                                   note=note))
                break
        rules = self.rule_segments
        if rules:
            top = max(rules, key=lambda s: s["churn_rate"])
            findings.append(self._("Riskiest segment: {finding}").format(finding=self.segment_finding(top)))
        return findings[:limit]

    @cached_property
    def rule_segments(self) -> list[dict]:
        """Return the churn-prone (rule) segments."""
        return self.context.get("segments", [])

    @cached_property
    def cluster_segments(self) -> list[dict]:
        """Return the KMeans clusters as segments."""
        return (self.context.get("clusters") or {}).get("groups", [])

    def profile_lines(self, segment: dict, limit: int = 6) -> list[str]:
        """Return the segment's profile as short lines, most distinctive features first."""
        features = segment["profile"]["features"]
        order = [d["feature"] for d in segment["profile"]["distinguishing"]]
        order += [c for c in features if c not in order]
        lines = []
        for column in order[:limit]:
            entry = features[column]
            label = self.feature_title(column)
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

    # --- comparison with the previous quarter -------------------------------------------------
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
            lines.append(self._("Clients: {gained} new, {lost} no longer in the table, {kept} in both quarters.").format(
                gained=self.fmt.number(clients["gained"]), lost=self.fmt.number(clients["lost"]),
                kept=self.fmt.number(clients["kept"])))
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
            name = f"{entry['id']}. {self.segment_name(entry)}"
            if entry.get("status") != "ok":
                rows.append([name, self.fmt.number(entry["then"]["size"]), "—", self.fmt.percent(
                    entry["then"]["churn_rate"]), "—", self.verdict(entry)])
                continue
            rows.append([name, self.fmt.number(entry["then"]["size"]), self.fmt.number(entry["now"]["customers"]),
                         self.fmt.percent(entry["then"]["churn_rate"]), self.fmt.percent(entry["now"]["churn_rate"]),
                         self.verdict(entry)])
        return rows

    # --- what every summary (PDF, e-mail) opens with -------------------------------------------
    def headline_view(self) -> dict:
        """Return the title, period, key figures and findings every summary opens with, formatted."""
        meta, o = self.context["meta"], self.context["overview"]
        return {
            "lang": self.lang,
            "title": meta.get("title") or self._("Client churn and segmentation"),
            "organisation": meta.get("organisation") or "",
            "period": self.fmt.period(meta["period"]),
            "generated": self.fmt.date(self.context["generated_at"]),
            "kpis": [
                {"value": self.fmt.number(o["customers"]), "label": self._("clients analysed"), "note": ""},
                {"value": self.fmt.percent(o["churn_rate"]), "label": self._("churn rate"),
                 "note": self.interval(o["churn_rate_ci"])},
                {"value": self.fmt.number(o["churned"]), "label": self._("clients who left"), "note": ""},
            ],
            "findings": self.key_findings(),
        }

