"""Words for one language: feature and level labels, segment names, findings and conclusions built from the
context. The deck, the PDF and the e-mails all speak through this one class; it computes no statistics."""

from __future__ import annotations

import math
import re
from functools import cached_property

from reportgen.i18n.formatting import Formatter
from reportgen.i18n.labels import CHURN_BY, FLAG_PHRASES, GENDER_VALUES, ROLE_FEATURES, feature_name
from reportgen.i18n.ui import N_
from reportgen.render.sanitize import clean_text
from reportgen.render.sentences import capitalised, inline
from reportgen.roles import Roles
from reportgen.render.sentences.actions import ActionSentences
from reportgen.render.sentences.behaviour import BehaviourSentences
from reportgen.render.sentences.changes import ChangeSentences
from reportgen.render.sentences.personas import PersonaSentences
from reportgen.render.sentences.prediction import PredictionSentences
from reportgen.render.sentences.quality import QualitySentences
from reportgen.render.sentences.segments import SegmentSentences
from reportgen.render.sentences.story import StorySentences
from reportgen.render.sentences.talk import TalkSentences
from reportgen.render.sentences.tests import TestSentences
from reportgen.render.sentences.transactions import TransactionSentences

MONEY_ROLES = ("income", "balance", "purchases", "cash_advance", "credit_limit", "payments", "value")
# A column whose name states its own unit ('Annual Income (k$)', 'Solde [EUR]') is shown as a plain number:
# its label already says what the figures are, and the configured currency may not be theirs.
OWN_UNIT = re.compile(r"[(\[][^)\]]*(\$|€|£|¥|₽|\b(usd|eur|rub|gbp|chf|cny|kzt|руб|тыс)\b)[^)\]]*[)\]]",
                      re.IGNORECASE)

HORIZONS = {
    "short": N_("0–3 months"),
    "medium": N_("3–6 months"),
    "long": N_("6+ months"),
}


class Wording(TransactionSentences, TestSentences, SegmentSentences, ChangeSentences, BehaviourSentences,
              PersonaSentences, StorySentences, TalkSentences, ActionSentences, PredictionSentences,
              QualitySentences):
    """Translated labels and sentences for one context in one language; each section's sentences are a mixin."""

    def __init__(self, context: dict, lang: str) -> None:
        self.context = context
        self.lang = lang
        self.fmt = Formatter(lang, context["meta"].get("currency") or "RUB")
        self._ = self.fmt.gettext
        # the same lookup under another name, for messages held in variables (marked with N_ where defined)
        self.tr = self.fmt.gettext
        self.roles = Roles.from_dict(context["roles"])
        self.semantic = self.roles.column_roles()

    def listing(self, items) -> str:
        """Return items joined as a list in this language ('a; b', French 'a ; b' with a no-break space)."""
        return self._("; ").join(items)

    # --- labels -----------------------------------------------------------------------------
    def feature(self, column: str) -> str:
        """Return a feature's label: [labels.<lang>] from the config, else the translated name its own name
        means (city -> ville), else the column's name with '_' as spaces ('Geography', 'last activity')."""
        custom = self.custom_label(column)
        if custom:
            return custom
        known = self.known_feature(column)
        if known:
            return self.tr(known)
        return clean_text(str(column).replace("_", " ")) or clean_text(column)

    def known_feature(self, column: str) -> str | None:
        """Return the message id of a column's known name: by its own name, else by the role detected for it."""
        return feature_name(column) or ROLE_FEATURES.get(self.semantic.get(column))

    def churn_by(self, column: str) -> str:
        """Return the title of a feature's churn chart: 'Churn by number of products' for a feature whose name is
        known (each language declines it), else the general form that fits any label ('Churn by {feature}')."""
        known = None if self.custom_label(column) else self.known_feature(column)
        if known in CHURN_BY:
            return self.tr(CHURN_BY[known])
        return self._("Churn by {feature}").format(feature=self.feature(column))

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
        phrases = None if self.custom_label(column) else FLAG_PHRASES.get(self.known_feature(column))
        if phrases:
            return self.tr(phrases[0] if value else phrases[1])
        answer = self._("yes") if value else self._("no")
        return self._("{feature}: {answer}").format(feature=self.feature(column), answer=answer)

    def is_money(self, column: str) -> bool:
        """Return True for an amount in the report's currency: a money role, and no unit in the column's name."""
        return self.semantic.get(column) in MONEY_ROLES and not OWN_UNIT.search(str(column))

    def number_for(self, column: str, value: float | None) -> str:
        """Return a feature's value formatted as money or as a number, by its role."""
        if self.is_money(column):
            return self.fmt.money(value)
        return self.fmt.smart_number(value)

    def _bound(self, column: str, value: float, compact: bool | None = None) -> str:
        """Return a band bound: compact for money ('250 k', or as `compact` says), plain otherwise."""
        if self.is_money(column):
            return self.fmt.money(value, compact=value >= 100_000 if compact is None else compact, bound=True)
        return self.fmt.smart_number(value)

    def range_text(self, column: str, low: float | None, high: float | None, integer: bool,
                   compact: bool | None = None) -> str:
        """Return a band as text: '25–34', '< 800', '1 M ₽ or more', '4 or more' (low inclusive, high exclusive).

        The bounds are said in words rather than with ≥ and ≤, which the shipped font (Noto Sans) does not have.
        Money bounds are compact as `compact` says (the same for every band of a chart), else from 100 000.
        """
        if compact is None and low is not None and high is not None:
            # both bounds in one form: '70 000 ₽ – 100 тыс. ₽' mixed two on one axis
            compact = max(abs(low), abs(high)) >= 100_000
        if integer and high is not None:
            top = high - 1
            if low is None:
                return self._("up to {value}").format(value=self._bound(column, top, compact))
            if top == low:
                return self._bound(column, low, compact)
            return f"{self._bound(column, low, compact)}–{self._bound(column, top, compact)}"
        if low is None and high is None:
            return self._("all")
        if low is None:
            return "< " + self._bound(column, high, compact)
        if high is None:
            # '3+' is English shorthand: French and Russian editors write « 3 et plus », «от 3»
            return self._("{value} or more").format(value=self._bound(column, low, compact))
        return f"{self._bound(column, low, compact)} – {self._bound(column, high, compact)}"

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
            spec = factor.get("spec", {})
            # one form for every band of the factor: a chart's axis reads '< 60 k', '60 k – 100 k', not a mix
            edges = [abs(e) for e in spec.get("edges", []) if e is not None and math.isfinite(e)]
            compact = max(edges) >= 100_000 if edges else None
            return self.range_text(factor["factor"], level.get("low"), level.get("high"), spec.get("integer", False),
                                   compact)
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
        """Return a rule segment's or a cluster's persona name ('Active men with large balances')."""
        return self.persona_name(segment)

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

    def bar_legend(self) -> tuple[str, str, str]:
        """Return the legend of a churn bar chart: the bars, the highlighted bars, the average line."""
        return (capitalised(self._("churn rate")), self._("Churn significantly above average"),
                capitalised(self._("average")))

    def recommendation(self, rec: dict) -> str:
        """Return a recommendation's text in this language with its figures filled in."""
        rule = self.context["playbook"]["rules"][rec["id"]]
        figures = {name: self.figure(f) for name, f in rec.get("figures", {}).items()}
        return clean_text(rule["text"][self.lang].format(**figures))

    def recommendation_title(self, rule_id: str) -> str:
        """Return a recommendation's short title in this language."""
        return clean_text(self.context["playbook"]["rules"][rule_id]["title"][self.lang])

    def horizon(self, horizon: str) -> str:
        """Return the title of an action-plan horizon."""
        return self.tr(HORIZONS[horizon])

    # --- sentences --------------------------------------------------------------------------
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

    def interval(self, bounds: list) -> str:
        """Return a 95% interval as '95% interval: 17.5% – 19.0%', the range kept on one line."""
        low, high = (self.fmt.percent(bound) for bound in bounds)
        text = self._("{level} interval: {low} – {high}").format(level=self.fmt.percent(0.95, 0), low=low, high=high)
        # no-break spaces around the dash, so that a narrow card never leaves '– 19.0%' alone on a line
        return text.replace(f"{low} – {high}", f"{low}\u00a0–\u00a0{high}")

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
                                                                   note=inline(note)))
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

    def key_figures(self) -> list[tuple[str, str, str]]:
        """Return the key figures as (figure, label, note); each label agrees with its figure and stands as a
        line of its own under it ('10 000' / 'Clients analysed': «Клиентов в анализе», «Ушедших клиентов»)."""
        o = self.context["overview"]
        return [
            (self.fmt.number(o["customers"]),
             capitalised(self.fmt.ngettext("client analysed", "clients analysed", o["customers"])), ""),
            (self.fmt.percent(o["churn_rate"]), capitalised(self._("churn rate")),
             capitalised(self.interval(o["churn_rate_ci"]))),
            (self.fmt.number(o["churned"]),
             capitalised(self.fmt.ngettext("client who left", "clients who left", o["churned"])), ""),
        ]

    # --- what every summary (PDF, e-mail) opens with -------------------------------------------
    def headline_view(self) -> dict:
        """Return the title, period, key figures and findings every summary opens with, formatted."""
        meta, o = self.context["meta"], self.context["overview"]
        if self.is_transactions:
            return {"lang": self.lang, "title": self.report_title(), "organisation": meta.get("organisation") or "",
                    "period": self.fmt.period(meta["period"]), "generated": self.fmt.date(self.context["generated_at"]),
                    "kpis": self.transactions_kpis(), "findings": self.transactions_findings()}
        if self.is_behaviour:
            return {"lang": self.lang, "title": self.report_title(), "organisation": meta.get("organisation") or "",
                    "period": self.fmt.period(meta["period"]), "generated": self.fmt.date(self.context["generated_at"]),
                    "kpis": self.behaviour_kpis(), "findings": self.behaviour_findings()}
        return {
            "lang": self.lang,
            "title": self.report_title(),
            "organisation": meta.get("organisation") or "",
            "period": self.fmt.period(meta["period"]),
            "generated": self.fmt.date(self.context["generated_at"]),
            "kpis": [{"value": value, "label": label, "note": note} for value, label, note in self.key_figures()],
            "findings": self.key_findings(),
        }

