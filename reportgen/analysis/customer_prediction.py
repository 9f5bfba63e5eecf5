"""Churn prediction for a customer table: its features and flag to the model, then value at risk and the
action groups over its rule segments and clusters, and one row per client for the CRM lists."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from reportgen.analysis.action_groups import GROUPS, assign_groups, at_stake, density, group_entries, summarise
from reportgen.analysis.importance import key_factors
from reportgen.analysis.prediction import out_of_time, predict_churn
from reportgen.contract.column import Column
from reportgen.roles import Roles

VALUE_ROLES = ("value", "balance", "income")  # the configured value column, else a money role as a proxy


def predict_customers(frame: pd.DataFrame, roles: Roles, settings, playbook: dict, members: dict[str, np.ndarray],
                      clusters: np.ndarray | None, step: Callable[[str], None]) -> dict:
    """Return {prediction, value_at_risk, action_groups} for a customer table with a churn flag.

    `members` holds each rule segment's clients (a mask by segment id, riskiest segment first) and `clusters`
    each client's KMeans cluster (or None). When the model cannot run, prediction says why and the other two
    are None.
    """
    y = frame[roles.churn].to_numpy(dtype=int)
    excluded = [{"column": roles.id, "reason": "id", "auc": None}] if roles.id else []
    prediction, fitted = predict_churn(frame[roles.features], y, settings.contact_share, settings.random_state,
                                       excluded, step)
    prediction["label"] = roles.churn
    if fitted is None:
        return {"prediction": prediction, "value_at_risk": None, "action_groups": None}
    step("importance")
    prediction["key_factors"] = key_factors(fitted, settings.random_state)
    step("action_groups")
    risk = fitted.risk
    column, source = value_column(roles)
    value = frame[column].to_numpy(dtype=float) if column else None
    activity = roles.semantic.get("activity")
    active = frame[activity].to_numpy(dtype=float) if activity else None
    group, thresholds = assign_groups(risk, value, active, settings.contact_share, settings.high_value_share)
    stake = at_stake(value, risk)
    first_segment = np.zeros(len(y), dtype=np.int32)  # codes into [None, *segment ids]
    for code, mask in reversed(list(enumerate(members.values(), start=1))):  # the riskiest last, so it wins
        first_segment[mask] = code
    groups = group_entries(group, y, risk, value, stake, playbook, roles.semantic, settings.retention_uplift)
    # arrays, not lists: ten million clients' Python objects were the peak of the whole run (see Column)
    prediction["clients"] = {
        "id": _ids(frame, roles),
        "risk": Column(risk),
        "fold": Column(fitted.fold),
        "left": Column(y),
        "group": Column(group, names=GROUPS),
        "segment": Column(first_segment, names=(None, *members)),
        "cluster": _cluster_column(clusters) if clusters is not None else Column.missing(len(y)),
        "value": Column(value) if value is not None else Column.missing(len(y)),
        "value_at_risk": Column(stake) if stake is not None else Column.missing(len(y)),
        "extra": {},
    }
    by_cluster = {}
    if clusters is not None:
        by_cluster = {f"C{c + 1}": clusters == c for c in range(int(clusters.max()) + 1)}
    at_risk_value = {
        "status": "ok" if column else "not_computable",
        "reason": None if column else "no_value_column",
        "column": column, "source": source, "proxy": source != "config" if source else None,
        "overall": summarise(np.ones(len(y), dtype=bool), y, risk, value, stake),
        "by_segment": [{"id": sid, **summarise(mask, y, risk, value, stake)} for sid, mask in members.items()],
        "by_cluster": [{"id": cid, **summarise(mask, y, risk, value, stake)} for cid, mask in by_cluster.items()],
        "density": density(risk, value) if value is not None else None,
    }
    action_groups = {"contact_share": settings.contact_share, "high_value_share": settings.high_value_share,
                     "activity": activity, "retention_uplift": settings.retention_uplift, **thresholds,
                     "groups": groups}
    return {"prediction": prediction, "value_at_risk": at_risk_value, "action_groups": action_groups}


def value_column(roles: Roles) -> tuple[str | None, str | None]:
    """Return the column a client's value is read from and where it came from: 'config' (columns.value),
    else 'balance' or 'income' (a proxy); (None, None) when the table has none of them."""
    for role in VALUE_ROLES:
        column = roles.semantic.get(role)
        if column:
            return column, "config" if role == "value" else role
    return None, None


def _ids(frame: pd.DataFrame, roles: Roles) -> list[str]:
    """Return each client's id as text; without an id column, the row number in the file."""
    if roles.id:
        return frame[roles.id].astype("string").fillna("").tolist()
    return frame.index.astype(str).tolist()


def _cluster_column(clusters: np.ndarray) -> Column:
    """Return each client's cluster name ('C1'...) as codes into the names."""
    return Column(clusters, names=[f"C{c + 1}" for c in range(int(clusters.max()) + 1)])


def previous_quarter_check(before: pd.DataFrame, before_roles: Roles, frame: pd.DataFrame, roles: Roles,
                           prediction: dict, settings) -> dict:
    """Return the out-of-time check: the chosen model trained on last quarter's clients, scored on this one's."""
    features = [c for c in prediction["features"] if c in before_roles.features]
    result = out_of_time(before[features], before[before_roles.churn].to_numpy(dtype=int), frame[features],
                         frame[roles.churn].to_numpy(dtype=int), prediction["model"], settings.contact_share,
                         settings.random_state)
    return result
