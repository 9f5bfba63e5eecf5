"""What is done for whom: a persona's own actions and those it shares (said once, in the action plan), and an
action's text that never restates the persona's definition as a finding."""

from __future__ import annotations

from reportgen.i18n.ui import N_
from reportgen.render.sanitize import clean_text
from reportgen.render.sentences.talk import GENERIC_READING, READINGS

# A yes/no definition said as a fact about every client of the persona, by role and value.
DEFINED_FLAGS = {
    ("credit_card", 0): N_("None of these clients holds a credit card."),
    ("credit_card", 1): N_("All of these clients hold a credit card."),
    ("activity", 0): N_("None of these clients was active last month."),
    ("activity", 1): N_("All of these clients were active last month."),
}


class ActionSentences:
    """The words of a persona's actions and of the action plan (a part of Wording)."""

    def _served(self, rule_id: str, groups: list[dict]) -> set[str]:
        """Return the ids of the groups (rule segments or clusters) a playbook rule serves."""
        return {g["id"] for g in groups for r in g["recommendations"] if r["id"] == rule_id}

    def _peers(self, group: dict) -> list[dict]:
        """Return the groups a group's actions are compared with: the clusters of a segmentation, else the rule
        segments."""
        return self.clusters if self.is_behaviour else self.rule_segments

    def own_recommendations(self, group: dict) -> list[dict]:
        """Return the group's recommendations that no other group shares."""
        return [r for r in group["recommendations"] if self._served(r["id"], self._peers(group)) == {group["id"]}]

    def shared_recommendations(self, group: dict) -> list[dict]:
        """Return the group's recommendations that other groups share (said once, in the action plan)."""
        return [r for r in group["recommendations"] if self._served(r["id"], self._peers(group)) != {group["id"]}]

    def playbook_field(self, rule_id: str, field: str) -> str:
        """Return a playbook rule's optional text (action, owner, kpi) in this language, or ''."""
        texts = self.context["playbook"]["rules"][rule_id].get(field) or {}
        return clean_text(texts.get(self.lang, "")) if texts else ""

    def persona_action(self, segment: dict, rec: dict) -> str:
        """Return a recommendation for a segment; when its figures would restate the segment's definition, the
        definition said as a fact and the action alone."""
        defining = {c["feature"]: c for c in segment.get("rule") or []}
        restated = [f["feature"] for f in rec.get("figures", {}).values() if f.get("feature") in defining]
        if not restated:
            return self.recommendation(rec)
        condition = defining[restated[0]]
        fact = ""
        if condition["op"] == "==" and self._kind(condition["feature"]) == "binary":
            key = (self.semantic.get(condition["feature"]), int(condition["value"]))
            fact = self.tr(DEFINED_FLAGS[key]) if key in DEFINED_FLAGS else ""
        action = self.playbook_field(rec["id"], "action") or self.recommendation_title(rec["id"]) + "."
        return f"{fact} {action}".strip()

    def persona_reading(self, segment: dict, trait) -> str:
        """Return what one of a persona's traits may mean (the reading of the churn-prone level it stands for)."""
        if trait.way == "level":
            key = (trait.role, "level")
        else:
            key = (trait.role, trait.way)
        return self.tr(READINGS[key]) if key in READINGS else self.tr(GENERIC_READING)

    def served_names(self, ids: list[str]) -> str:
        """Return who an action serves: 'all five personas at risk', or the personas' names."""
        if len(ids) > 2 and set(ids) == {s["id"] for s in self.rule_segments}:
            text = self.fmt.quantity(len(ids), "the {n} persona at risk", "all {n} personas at risk")
            return text[:1].upper() + text[1:]
        by_id = {s["id"]: s for s in self.rule_segments}
        # quoted: a name alone in a cell must not read as the persona slide's title said again
        return self.listing(self._("“{title}”").format(title=self.persona_name(by_id[i])) for i in ids if i in by_id)

    def persona_message(self, segment: dict) -> str:
        """Return the talk track's message on a persona: its churn against all clients and its weight."""
        return self._("In this persona {rate} of clients left, against {overall} across all clients; it holds "
                      "{share} of the base.").format(rate=self.fmt.percent(segment["churn_rate"]),
                                                     overall=self.fmt.percent(self.context["overview"]["churn_rate"]),
                                                     share=self.fmt.percent(segment["share"]))

    def action_titles(self, actions: list[dict]) -> str:
        """Return the titles of actions as a list inside a sentence, each in the language's quotes."""
        quoted = self._("“{title}”")
        return self.fmt.conjunction(quoted.format(title=self.recommendation_title(a["id"])) for a in actions)
