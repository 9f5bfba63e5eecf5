"""Recommendations per segment: the playbook rules whose conditions the segment's profile meets."""

from __future__ import annotations

import operator

OPERATORS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq,
             "!=": operator.ne,
             # a name among a list: { feature = "segment", stat = "name", op = "in", value = ["lost", "hibernating"] }
             "in": lambda value, allowed: value in allowed}
SEGMENT_STATS = ("churn_rate", "lift_pp", "lift_ratio", "size", "share",
                 # a transaction log's RFM segments and clusters (analysis.rfm_analysis): their name key, the share
                 # of revenue they bring and the share of their clients who have lapsed
                 "name", "revenue_share", "lapse_rate")
# an action group's figures (reportgen.analysis.action_groups): rules on "group" apply to action groups only
GROUP_STATS = ("key", "size", "share", "churn_rate", "mean_risk", "expected_leavers", "value", "value_at_risk",
               "mean_value")
FEATURE_STATS = ("mean", "median", "share", "majority", "majority_share", "base.mean", "base.median", "base.share",
                 "base.majority_share", "median_ratio", "mean_ratio", "median_z", "share_diff",
                 "top_over_represented.level", "top_over_represented.share", "top_over_represented.base_share",
                 "top_over_represented.ratio",
                 # a behaviour cluster's standardised mean against all clients (analysis.behaviour)
                 "z")
# Texts a rule may carry beside its title and text (what to do), in every language when present: what we
# observe in the segment, the action alone and who carries it out (the action plan's table), and the KPI that
# tells whether the action worked.
OPTIONAL_TEXTS = ("observation", "action", "owner", "kpi")
MIN_RECOMMENDATIONS = 2
MAX_RECOMMENDATIONS = 3  # what one slide holds in Russian, the longest of the three languages


def recommend(segment: dict, playbook: dict, columns_by_role: dict[str, str]) -> list[dict]:
    """Return the recommendations that apply to a segment: specific ones by priority, generic ones to fill up.

    A generic rule is added only while fewer than two specific rules apply, so it is never the only one
    when a specific rule fits.
    """
    specific, generic = [], []
    for rule in playbook["rules"]:
        if all(_holds(c, segment, columns_by_role) for c in rule.get("when", [])):
            figures = _figures(rule, segment, columns_by_role)
            if figures is None:
                continue
            entry = {"id": rule["id"], "priority": rule["priority"], "horizon": rule["horizon"],
                     "generic": bool(rule.get("generic")), "figures": figures}
            (generic if entry["generic"] else specific).append(entry)
    specific.sort(key=lambda r: -r["priority"])
    generic.sort(key=lambda r: -r["priority"])
    chosen = specific[:MAX_RECOMMENDATIONS]
    if len(chosen) < MIN_RECOMMENDATIONS:
        chosen += generic[: MIN_RECOMMENDATIONS - len(chosen)]
    return chosen


def playbook_texts(playbook: dict) -> dict:
    """Return {rule id: {'title': {lang: text}, 'text': {lang: text}, 'horizon'}} for the renderers.

    A rule's optional texts (OPTIONAL_TEXTS) are added when it has them.
    """
    return {r["id"]: {"title": r["title"], "text": r["text"], "horizon": r["horizon"],
                      **{field: r[field] for field in OPTIONAL_TEXTS if field in r}} for r in playbook["rules"]}


def _read(ref: dict, segment: dict, columns_by_role: dict[str, str]):
    """Return the value a condition or figure reads from the segment, or None when it is not there."""
    feature, stat = ref["feature"], ref["stat"]
    if feature in ("segment", "group"):
        return segment.get(stat)
    column = columns_by_role.get(feature, feature)
    entry = segment["profile"]["features"].get(column)
    if entry is None:
        return None
    base = entry["base"]
    if stat.startswith("base."):
        return base.get(stat[5:])
    if stat.startswith("top_over_represented."):
        top = entry.get("over_represented") or []
        return top[0].get(stat.split(".", 1)[1]) if top else None
    if stat in ("median_ratio", "mean_ratio"):
        key = stat.split("_")[0]
        return entry[key] / base[key] if entry.get(key) is not None and base.get(key) else None
    if stat == "median_z":
        return (entry["median"] - base["median"]) / base["std"] if entry.get("median") is not None and base.get(
            "std") else None
    if stat == "share_diff":
        return entry["share"] - base["share"] if entry.get("share") is not None else None
    return entry.get(stat)


def _holds(condition: dict, segment: dict, columns_by_role: dict[str, str]) -> bool:
    """Return True when the segment meets the condition (False when the feature is absent)."""
    value = _read(condition, segment, columns_by_role)
    if value is None:
        return False
    try:
        return bool(OPERATORS[condition["op"]](value, condition["value"]))
    except TypeError:  # a number compared with text: the condition does not fit this table
        return False


def _figures(rule: dict, segment: dict, columns_by_role: dict[str, str]) -> dict | None:
    """Return the rule's figures read from the segment, or None when one of them is missing."""
    out = {}
    for name, ref in rule.get("figures", {}).items():
        value = _read(ref, segment, columns_by_role)
        if value is None:
            return None
        column = columns_by_role.get(ref["feature"], ref["feature"])
        out[name] = {"value": value, "format": ref["format"], "feature": column}
    return out
