"""Personas: a short, grammatical name for each rule segment and cluster, built from its defining traits, and a
one-line portrait of what else sets it apart.

A trait is one catalog entry per language, under the msgctxt "persona". Its translation is one phrase, or
three phrases separated by " | " for the heads clients | men | women when it agrees with the head (French
"{head} actifs | {head} actifs | {head} actives"). A phrase holding {head} wraps the head noun ("active
{head}", "{head} seniors"); any other phrase is a complement said after it ("with large balances"). Whether
complements that open with the same word say it once ("with large balances and a high credit score") is the
catalog's "say a shared opening word once" entry: yes in English and Russian, no in French.
The analysis knows no language: it gives the conditions and the distinguishing features; the words are here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from reportgen.i18n.labels import FLAG_PHRASES, GENDER_VALUES
from reportgen.i18n.ui import NP_

P = "persona"
# TRANSLATORS: the head noun of a persona's name, in the plural ("Active men with large balances").
HEADS = {"clients": NP_("persona", "clients"), "men": NP_("persona", "men"), "women": NP_("persona", "women")}
HEAD_FORM = {"clients": 0, "men": 1, "women": 2}

# (high or yes, low or no) by role. TRANSLATORS see the module's docstring for the forms.
ROLE_TRAITS = {
    # TRANSLATORS: a trait of a persona's name. Write one phrase, or three separated by " | " for the heads
    # clients | men | women when it agrees with them ("{head} actifs | {head} actifs | {head} actives"). With {head}
    # it wraps the head noun; without, it is said after it ("with large balances"), and complements that open with
    # the same word share it ("with large balances and a high credit score").
    "activity": (NP_("persona", "active {head}"), NP_("persona", "inactive {head}")),
    "age": (NP_("persona", "older {head}"), NP_("persona", "young {head}")),
    "tenure": (NP_("persona", "long-standing {head}"), NP_("persona", "recent {head}")),
    "balance": (NP_("persona", "with large balances"), NP_("persona", "with small balances")),
    "income": (NP_("persona", "with high incomes"), NP_("persona", "with modest incomes")),
    "score": (NP_("persona", "with a high credit score"), NP_("persona", "with a low credit score")),
    "property": (NP_("persona", "with a high property score"), NP_("persona", "with a low property score")),
    "products": (NP_("persona", "with several products"), NP_("persona", "with few products")),
    "credit_card": (NP_("persona", "with a credit card"), NP_("persona", "without a credit card")),
}
GENERIC_HIGH = NP_("persona", "with {feature} above average")
GENERIC_LOW = NP_("persona", "with {feature} below average")
GENERIC_YES = NP_("persona", "with {feature}")
GENERIC_NO = NP_("persona", "without {feature}")
GENERIC_LEVEL = NP_("persona", "{feature}: {value}")  # said aside, in brackets, after the rest of the name
# Modifiers wrap the head innermost first, so that they stack as each language stacks them:
# "young active men", « jeunes hommes actifs », «молодые активные мужчины».
MODIFIER_RANK = {"activity": 0, "tenure": 1, "age": 2}

NAME_TRAITS = 3  # a name says at most three traits
CLUSTER_TRAIT_SCORE = 0.4  # a cluster feature this far from all clients (in standard units) names it
FACT_SCORE = 0.2  # a feature this far from all clients is worth a line of the portrait
HEAD_SHARE = 0.9  # a cluster is called 'men' or 'women' only when nine in ten are
FLAG_SHARE = 0.8  # ... and 'active' (or 'inactive') only when eight in ten are (or two in ten at most)


@dataclass(frozen=True)
class Trait:
    """One defining trait: a feature, its role, which way it goes ('high', 'low', 'level') and how strongly."""

    feature: str
    role: str | None
    way: str
    value: object = None
    strength: float = 0.0


class PersonaSentences:
    """Persona names, definitions and portraits (a part of Wording)."""

    # --- traits -----------------------------------------------------------------------------
    def _kind(self, column: str) -> str | None:
        """Return a column's feature type, or None for a column this table does not have."""
        try:
            return self.roles.kind(column)
        except KeyError:
            return None

    def segment_traits(self, segment: dict) -> list[Trait]:
        """Return a rule segment's traits, from its conditions, the strongest first."""
        strength = {d["feature"]: abs(d["score"]) for d in segment.get("profile", {}).get("distinguishing", [])}
        traits = []
        for condition in segment.get("rule") or []:
            column = condition["feature"]
            role = self.semantic.get(column)
            if condition["op"] == "==":
                value = condition["value"]
                if self._kind(column) == "binary":
                    traits.append(Trait(column, role, "high" if int(value) else "low", value))
                else:
                    traits.append(Trait(column, role, "level", value))
            elif condition["op"] == "range":
                traits.append(Trait(column, role, self._band_way(column, condition), None))
            else:
                traits.append(Trait(column, role, "level", self._("other")))
        return sorted(traits, key=lambda t: -strength.get(t.feature, 0.0))

    def _band_way(self, column: str, condition: dict) -> str:
        """Return 'high' or 'low' for a band: open above, open below, or its middle against the median."""
        low, high = condition.get("low"), condition.get("high")
        if high is None:
            return "high"
        if low is None:
            return "low"
        median = (self.context.get("base_profile") or {}).get(column, {}).get("median")
        return "high" if median is None or (low + high) / 2 >= median else "low"

    def cluster_traits(self, cluster: dict) -> list[Trait]:
        """Return a KMeans cluster's traits: its most distinguishing features, strongest first."""
        traits = []
        for d in cluster.get("profile", {}).get("distinguishing", []):
            column, score = d["feature"], d["score"]
            role = self.semantic.get(column)
            if d["type"] == "categorical":
                if role == "gender" and (d.get("share") or 0) >= HEAD_SHARE:
                    traits.append(Trait(column, role, "level", d["level"], abs(score)))
            elif d["type"] == "binary":
                share = cluster["profile"]["features"][column].get("share")
                if share is not None and (share >= FLAG_SHARE or share <= 1 - FLAG_SHARE):
                    traits.append(Trait(column, role, "high" if share >= FLAG_SHARE else "low", None, abs(score)))
            elif abs(score) >= CLUSTER_TRAIT_SCORE:
                traits.append(Trait(column, role, "high" if score > 0 else "low", None, abs(score)))
        return traits[:NAME_TRAITS]

    def traits_of(self, group: dict) -> list[Trait]:
        """Return the traits of a rule segment or a cluster."""
        return self.cluster_traits(group) if group.get("cluster") is not None else self.segment_traits(group)

    # --- names ------------------------------------------------------------------------------
    def _persona(self, message: str, head: str, **fields) -> str:
        """Return a persona phrase from the catalog in the form that agrees with `head`, fields filled."""
        forms = [f.strip() for f in self.fmt.pgettext(P, message).split(" | ")]
        form = forms[HEAD_FORM[head]] if len(forms) == len(HEAD_FORM) else forms[0]
        for name, value in fields.items():
            form = form.replace("{" + name + "}", value)
        return form

    def _head(self, traits: list[Trait]) -> str:
        """Return the head noun's key: 'men' or 'women' when a gender trait says so, else 'clients'."""
        for trait in traits:
            if trait.role == "gender" and trait.way == "level":
                word = GENDER_VALUES.get(str(trait.value).strip().lower())
                if word in ("men", "women"):
                    return word
        return "clients"

    def _trait_message(self, trait: Trait) -> tuple[str, dict]:
        """Return the catalog message of a trait and the fields it fills."""
        known = ROLE_TRAITS.get(trait.role or "")
        if trait.way == "level":
            return GENERIC_LEVEL, {"feature": self.feature(trait.feature),
                                   "value": self.value(trait.feature, trait.value)}
        if known and not (trait.role in ("activity", "credit_card") and self._kind(trait.feature) != "binary"):
            return (known[0] if trait.way == "high" else known[1]), {}
        if self._kind(trait.feature) == "binary":
            return (GENERIC_YES if trait.way == "high" else GENERIC_NO), {"feature": self.feature(trait.feature)}
        return (GENERIC_HIGH if trait.way == "high" else GENERIC_LOW), {"feature": self.feature(trait.feature)}

    def name_from_traits(self, traits: list[Trait], asides: tuple[str, ...] = ()) -> str:
        """Return a persona name from traits: the head, its modifiers, its complements, then in brackets what
        has no phrase of its own (a category, and the `asides` that tell twins apart)."""
        head = self._head(traits)
        words = [t for t in traits if not (t.role == "gender" and t.way == "level"
                                           and GENDER_VALUES.get(str(t.value).strip().lower()) == head)]
        phrase = self._persona(HEADS[head], head)
        complements, modifiers, aside = [], [], []
        for trait in words[:NAME_TRAITS]:
            message, fields = self._trait_message(trait)
            text = self._persona(message, head, **fields)
            if message == GENERIC_LEVEL:
                aside.append(text)
            elif "{head}" in text:
                modifiers.append((MODIFIER_RANK.get(trait.role or "", len(MODIFIER_RANK)), text))
            else:
                complements.append(text)
        for _rank, text in sorted(modifiers, key=lambda m: m[0]):
            phrase = text.replace("{head}", phrase)
        aside += asides
        name = " ".join([phrase] + ([self._join_complements(complements)] if complements else []) + (
            [self._("({details})").format(details=self.listing(aside))] if aside else []))
        return name[:1].upper() + name[1:]

    def _join_complements(self, parts: list[str]) -> str:
        """Return complements as one phrase, those opening with the same word side by side and that word said
        once ('with a and b, without c')."""
        openings = list(dict.fromkeys(p.partition(" ")[0] for p in parts))
        parts = sorted(parts, key=lambda p: openings.index(p.partition(" ")[0]))
        # TRANSLATORS: "yes" when complements that open with the same word say it once ("with large balances and a
        # high credit score", «с крупными остатками и высоким рейтингом»), "no" when each keeps it (« à gros encours
        # et à score élevé »). Answer with the English word yes or no.
        # (English has no translation of its own: its message, which ends with the answer, stands)
        share = self.fmt.pgettext("persona", "say a shared opening word once: yes").strip().endswith("yes")
        said, previous = [], None
        for part in parts:
            first, _space, rest = part.partition(" ")
            said.append(rest if share and first == previous and rest else part)
            previous = first
        if len(said) == 1:
            return said[0]
        return self.fmt.pgettext("persona", "{items} and {last}").format(items=", ".join(said[:-1]), last=said[-1])

    @cached_property
    def persona_names(self) -> dict[str, str]:
        """Return every rule segment's and cluster's persona name by id; twins are told apart in words."""
        names = {}
        for groups in (self.context.get("segments") or [], (self.context.get("clusters") or {}).get("groups") or []):
            plain = {g["id"]: self.name_from_traits(self.traits_of(g)) for g in groups}
            for group in groups:
                twins = [g for g in groups if g is not group and plain[g["id"]] == plain[group["id"]]]
                names[group["id"]] = self._told_apart(group, twins) if twins else plain[group["id"]]
        return names

    def _told_apart(self, group: dict, twins: list[dict]) -> str:
        """Return a name shared with `twins` with what sets this group apart from them said in brackets."""
        traits = self.traits_of(group)
        if group.get("cluster") is None:
            mine = {c["feature"]: c for c in group.get("rule") or []}
            theirs = [{c["feature"]: c for c in t.get("rule") or []} for t in twins]
            order = [d["feature"] for d in group["profile"]["distinguishing"]] + list(mine)
            for column in order:
                if column in mine and all(other.get(column) != mine[column] for other in theirs):
                    return self.name_from_traits(traits, (self.condition(mine[column]),))
        return self.name_from_traits(traits, (group["id"],))

    def persona_name(self, group: dict) -> str:
        """Return the persona name of a rule segment or a cluster."""
        return self.persona_names.get(group["id"]) or self.name_from_traits(self.traits_of(group))

    # --- definition and portrait ------------------------------------------------------------
    def defining_features(self, group: dict) -> set[str]:
        """Return the columns a group's definition fixes (its rule's conditions; a cluster's name traits)."""
        if group.get("cluster") is not None:
            return {t.feature for t in self.cluster_traits(group)}
        return {c["feature"] for c in group.get("rule") or []}

    def definition(self, segment: dict) -> str:
        """Return a rule segment's definition: 'Rule S4 — account balance: ≥ 650 k ₽; active last month; men'."""
        return self._("Rule {id} — {conditions}").format(
            id=segment["id"], conditions=self.listing(self.condition(c) for c in segment.get("rule") or []))

    def facts(self, group: dict, limit: int = 4) -> list[str]:
        """Return what sets a group apart beyond its definition, as short facts, strongest first."""
        defining = self.defining_features(group)
        features = group["profile"]["features"]
        out = []
        for d in group["profile"]["distinguishing"]:
            column = d["feature"]
            if column in defining or abs(d["score"]) < FACT_SCORE or column not in features:
                continue
            out.append(self.fact(column, features[column], d))
            if len(out) == limit:
                break
        return out

    def fact(self, column: str, entry: dict, distinct: dict) -> str:
        """Return one fact: 'property score: mean 4.30 (all clients: 2.63)', '73.4% women (all clients: 50.0%)'."""
        base = entry["base"]
        if entry["type"] == "numeric":
            stat = "median" if entry.get("skewed") or base.get("skewed") else "mean"
            return self._("{feature}: {stat} {value} (all clients: {base})").format(
                feature=self.feature(column), stat=self._("median") if stat == "median" else self._("mean"),
                value=self.number_for(column, entry[stat]), base=self.number_for(column, base[stat]))
        if entry["type"] == "binary":
            phrases = None if self.custom_label(column) else FLAG_PHRASES.get(self.known_feature(column))
            if not phrases:
                return self._("{feature}: {value} (all clients: {base})").format(
                    feature=self.feature(column), value=self.fmt.percent(entry["share"]),
                    base=self.fmt.percent(base["share"]))
            return self._("{share} {phrase} (all clients: {base})").format(
                share=self.fmt.percent(entry["share"]), phrase=self.tr(phrases[0]),
                base=self.fmt.percent(base["share"]))
        level = distinct.get("level") or entry.get("majority")
        return self._("{share} {value} (all clients: {base})").format(
            share=self.fmt.percent(entry["shares"].get(level, 0.0)), value=self.value(column, level),
            base=self.fmt.percent(base["shares"].get(level, 0.0)))

    def portrait(self, group: dict) -> str:
        """Return the one-line portrait: the two strongest facts beyond the definition, or '' when none."""
        facts = self.facts(group, limit=2)
        if not facts:
            return ""
        return self._("Beyond their definition: {facts}.").format(facts=self.listing(facts))
