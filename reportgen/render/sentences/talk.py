"""The talk track: what a churn-prone level may mean and what the data cannot tell, and the next steps by horizon.

Every reading is said as an association: the data shows who leaves, never why.
"""

from __future__ import annotations

from reportgen.i18n.ui import N_

# What a churn-prone level may mean, by the role of its feature and the way it goes (high/yes, low/no).
READINGS = {
    ("activity", "high"): N_("Churn rising with last month's activity may be clients moving their money out before "
                             "they close their accounts: the data cannot tell whether the activity is the leaving "
                             "itself."),
    ("activity", "low"): N_("Inactive clients leave more often: a dormant account is the easiest to close. Whether "
                            "reactivation keeps them is for a test with a control group to show."),
    ("products", "high"): N_("Churn rising with the number of products may mean products sold but not used, or fees "
                             "that add up; the data does not say which."),
    ("products", "low"): N_("Clients with few products have few ties to the bank; whether a second product would "
                            "keep them is for a test to show."),
    ("balance", "high"): N_("Large balances leave more often: these are the clients other banks court, but the data "
                            "does not show where they went."),
    ("balance", "low"): N_("Small balances leave more often; the data does not say whether the money had already "
                           "moved elsewhere."),
    ("income", "high"): N_("Higher incomes leave more often: an association, which says nothing of the offers these "
                           "clients received."),
    ("income", "low"): N_("Lower incomes leave more often; fees may weigh more on them, which the data cannot show."),
    ("score", "high"): N_("A high credit score goes with more churn: creditworthy clients get offers from other "
                          "banks. An association, not a cause."),
    ("score", "low"): N_("A low credit score goes with more churn; whether refused credit played a part is not in "
                         "the data."),
    ("property", "high"): N_("Clients with more property leave more often; refinancing elsewhere is one possible "
                             "reason that the data cannot confirm."),
    ("property", "low"): N_("Clients with little property leave more often; the data shows the link, not its "
                            "reason."),
    ("age", "high"): N_("Older clients leave more often; pension transfers may play a part, which the data cannot "
                        "show."),
    ("age", "low"): N_("Younger clients leave more often; they compare offers more, but the data shows only the "
                       "association."),
    ("credit_card", "high"): N_("Card holders leave more often; the data does not say whether the card itself plays "
                                "a part."),
    ("credit_card", "low"): N_("Clients without a credit card leave more often: fewer ties to the bank. An "
                               "association: a card offer is worth testing against a control group, not a proven "
                               "cure."),
    ("tenure", "high"): N_("Long-standing clients leave more often; what changed for them is not in the data."),
    ("tenure", "low"): N_("Recent clients leave more often: the first months decide, though the data cannot say "
                          "why."),
    ("gender", "level"): N_("Churn differs between men and women; an association that may reflect other "
                            "differences, such as products or balances, rather than gender itself."),
    ("region", "level"): N_("Churn differs by place; local competition or service may explain it, which the data "
                            "does not show."),
}
GENERIC_READING = N_("An association measured on this quarter's clients: it says who leaves, not why.")


class TalkSentences:
    """Readings of the churn-prone levels and the next steps (a part of Wording)."""

    def reading(self, item: dict) -> str:
        """Return what a churn-prone level may mean and what the data cannot tell."""
        column = item["factor"]
        role = self.semantic.get(column)
        if item.get("level_type") == "flag":
            way = "high" if item.get("value") else "low"
        elif item.get("level_type") == "band":
            median = (self.context.get("base_profile") or {}).get(column, {}).get("median")
            low, high = item.get("low"), item.get("high")
            if high is None:
                way = "high"
            elif low is None:
                way = "low"
            else:
                way = "high" if median is None or (low + high) / 2 >= median else "low"
        else:
            way = "level"
        return self.tr(READINGS.get((role, way), GENERIC_READING))

    def next_steps(self) -> list[tuple[str, list[str]]]:
        """Return the next steps by horizon (0–3, 3–6, 6+ months): the plan's actions and how to measure them."""
        plan = self.context.get("action_plan") or {}

        def titles(horizon: str) -> str:
            return self.action_titles(plan.get(horizon) or [])

        short, medium, long = titles("short"), titles("medium"), titles("long")
        launch = self.fmt.ngettext("Launch {actions} with a control group.", "Launch {actions}, each with a control group.",
                                   len(plan.get("short") or []))
        first = [launch.format(actions=short)] if short else \
            [self._("Agree which group to start with, and who owns each action.")]
        first.append(self._("Flag the clusters' clients in the CRM.") if self.is_behaviour else
                     self._("Flag the clients of the personas at risk in the CRM."))
        second = [self._("Prepare {actions}.").format(actions=medium)] if medium else []
        second.append(self._("Read next quarter's segmentation against this one: which clusters grew or shrank.")
                      if self.is_behaviour else
                      self._("Read the first results in next quarter's report, where this quarter's segments are "
                             "measured again."))
        third = [self._("Then: {actions}.").format(actions=long)] if long else []
        third.append(self._("Keep the actions that beat their control groups, stop the others, and update the "
                            "playbook."))
        return [(self.horizon("short"), first), (self.horizon("medium"), second), (self.horizon("long"), third)]
