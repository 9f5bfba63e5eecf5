"""Churn prediction for a transaction log: who makes no purchase in the next N days (N: the inactivity threshold),
learnt at a cut-off N days before the analysis date, checked against BG/NBD, then every client scored today;
value at risk (risk × CLV) by RFM segment and cluster, and the action groups.

What is trained and scored on what:
- the model learns from the clients whose first purchase is on or before the cut-off, with their features
  from the purchases up to the cut-off and the label "no purchase in the N days after it" (up to the
  analysis date); every figure of its quality is out of fold (analysis.prediction.predict_churn);
- the baselines are BG/NBD fitted on the same purchases up to the cut-off (never on the N days after it):
  1 - P(alive) at the cut-off, and the model's own probability of no purchase in the next N days;
- the same figures are given for the clients still active at the cut-off (no longer silent than N days),
  among whom the at-risk group is drawn;
- every client is then scored at the analysis date, with the same features computed from the whole log, by
  the chosen model fitted (and calibrated) on all the clients of the cut-off.

Action groups: inactive (lapsed by the inactivity rule: reactivation); among the others, at risk (the riskiest
contact_share of them), high value (the most valuable high_value_share of the rest, by CLV) and standard.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from reportgen.analysis import clv as models
from reportgen.analysis.action_groups import GROUPS, assign_groups, at_stake, density, group_entries, summarise
from reportgen.analysis.importance import key_factors
from reportgen.analysis.lifetime import WEEK, plain_fit
from reportgen.analysis.log_features import RECENT_DAYS, current_features, cutoff_features, cutoff_history
from reportgen.analysis.prediction import FOLDS, Fitted, predict_churn
from reportgen.analysis.prediction_metrics import contacts, score_metrics
from reportgen.analysis.prediction_models import CALIBRATION_METHOD, CALIBRATION_SHARE, encode, fit_calibrated
from reportgen.analysis.rfm import SEGMENTS
from reportgen.contract.column import Column

DENSITY_FLOOR = 0.01  # quantile of the positive lifetime values below which a client is left out of the picture


def predict_log(frame: pd.DataFrame, log: dict, groups: pd.DataFrame, per_client: pd.DataFrame | None,
                lapse_days: int, settings, playbook: dict, step: Callable[[str], None]) -> dict:
    """Return {prediction, value_at_risk, action_groups} for a log's clients (see the module).

    `groups` holds each client's RFM segment, cluster and lapse (analysis.rfm_analysis.assign_clients) and
    `per_client` its CLV (analysis.lifetime; None without the models), both on `frame`'s index. When the model
    cannot run, prediction says why and the other two are None.
    """
    cutoff = log.get("cutoff")
    seed, share = settings.random_state, settings.contact_share
    prediction = {"status": "not_computable", "reason": "log_too_short", "folds": FOLDS,
                  "calibration": CALIBRATION_METHOD, "calibration_share": CALIBRATION_SHARE, "random_state": seed,
                  "excluded": [], "features": []}
    nothing = {"prediction": None, "value_at_risk": None, "action_groups": None}
    if cutoff is not None:
        expected = dt.date.fromisoformat(log["as_of"]) - dt.timedelta(days=lapse_days)
        if dt.date.fromisoformat(cutoff) != expected:  # the ingest and the analysis decide N alike: a bug if not
            raise ValueError(f"the log's cut-off {cutoff} is not the analysis date minus {lapse_days} days")
        x, y, rows = cutoff_features(frame, cutoff)
        prediction, fitted = predict_churn(x, y, share, seed, [], step)
    else:
        fitted = None
    prediction.update({"label": None, "cutoff": cutoff, "horizon_days": int(lapse_days), "scored_at": log["as_of"],
                       "recent_days": RECENT_DAYS})
    if fitted is None:
        return {**nothing, "prediction": prediction}
    ids = frame["client_id"].astype(str).to_numpy()
    fit, baselines = baseline_risks(frame, rows, cutoff, lapse_days)
    prediction["baseline_fit"] = plain_fit(fit)
    prediction["baselines"] = [{"model": name, **score_metrics(y, p, share)} for name, p in baselines.items()]
    prediction["active"] = active_check(frame, rows, cutoff, lapse_days, y, fitted.risk, baselines, share)
    prediction["evaluation"] = {"id": ids[rows].tolist(), "risk": fitted.risk.tolist(), "fold": fitted.fold.tolist(),
                                "label": y.tolist()}
    step("importance")
    prediction["key_factors"] = key_factors(fitted, seed)
    step("action_groups")
    risk = score_today(fitted, prediction["model"], frame, log["as_of"], seed)
    lapsed = groups["lapsed"].to_numpy(dtype=bool)
    value = per_client["clv"].to_numpy(dtype=float) if per_client is not None else None
    group, thresholds = draw_groups(risk, value, lapsed, share, settings.high_value_share)
    stake = at_stake(value, risk)
    left = lapsed.astype(int)
    prediction["clients"] = {  # arrays, not lists of Python objects (see Column)
        "id": ids.tolist(), "risk": Column(risk), "fold": Column(np.full(len(ids), -1, dtype=np.int8)),
        "left": Column(left), "group": Column(group, names=GROUPS), "segment": _coded(groups["segment"].astype(str)),
        "cluster": _coded(groups["cluster"].map(lambda c: None if c is None else str(c))),
        "value": Column(value) if value is not None else Column.missing(len(ids)),
        "value_at_risk": Column(stake) if stake is not None else Column.missing(len(ids)), "extra": {}}
    return {"prediction": prediction,
            "value_at_risk": value_at_risk(groups, left, risk, value, stake),
            "action_groups": {"contact_share": share, "high_value_share": settings.high_value_share, "activity": None,
                              "retention_uplift": settings.retention_uplift, "inactivity_days": int(lapse_days),
                              **thresholds, "groups": group_entries(group, left, risk, value, stake, playbook, {},
                                                                    settings.retention_uplift)}}


def _coded(labels: pd.Series) -> Column:
    """Return texts (or None) as a Column of codes into the distinct ones."""
    codes, names = pd.factorize(labels)  # None: -1, made the last name
    return Column(np.where(codes < 0, len(names), codes), names=[*names.tolist(), None])


def baseline_risks(frame: pd.DataFrame, rows: np.ndarray, cutoff: str, horizon_days: int) -> tuple[dict, dict]:
    """Return BG/NBD's fit on the purchases up to the cut-off and, when it succeeded, each client's risk by it:
    1 - P(alive) at the cut-off, and the probability of no purchase in the next `horizon_days`."""
    x, t_x, T = cutoff_history(frame, rows, cutoff)
    fit = models.fit_bgnbd(x, t_x, T)
    if fit["status"] != "ok":
        return fit, {}
    return fit, {"bgnbd_p_alive": 1 - models.probability_alive(fit, x, t_x, T),
                 "bgnbd_no_purchase": models.probability_no_purchase(fit, horizon_days / WEEK, x, t_x, T)}


def active_check(frame: pd.DataFrame, rows: np.ndarray, cutoff: str, lapse_days: int, y: np.ndarray,
                 risk: np.ndarray, baselines: dict, share: float) -> dict | None:
    """Return the model's and the baselines' scores among the clients still active at the cut-off (silent for
    no more than `lapse_days`): the clients the at-risk group is drawn from. None when there are none."""
    last = frame["cut_last_purchase"].iloc[rows]
    active = ((pd.Timestamp(cutoff) - last).dt.days <= lapse_days).to_numpy()
    n = int(active.sum())
    if not n:
        return None
    part = y[active]
    return {"clients": n, "churned": int(part.sum()), "base_rate": float(part.mean()), "contacts": contacts(n, share),
            "model": score_metrics(part, risk[active], share),
            "baselines": [{"model": name, **score_metrics(part, p[active], share)} for name, p in baselines.items()]}


def score_today(fitted: Fitted, model: str, frame: pd.DataFrame, as_of: str, seed: int) -> np.ndarray:
    """Return every client's risk of no purchase in the N days after the analysis date: the chosen model fitted
    and calibrated on all the cut-off's clients, applied to the features of the whole log."""
    columns = fitted.encoding.columns
    with threadpool_limits(limits=1):
        _model, final = fit_calibrated(model, fitted.encoding, fitted.x, fitted.y, seed)
        return final.predict_proba(encode(current_features(frame, as_of)[columns], fitted.encoding))[:, 1]


def draw_groups(risk: np.ndarray, value: np.ndarray | None, lapsed: np.ndarray, contact_share: float,
                high_value_share: float) -> tuple[np.ndarray, dict]:
    """Return each client's action group (an index into GROUPS) and the thresholds: lapsed clients are inactive;
    the others are split by analysis.action_groups.assign_groups (at risk, high value, standard)."""
    group = np.full(len(risk), GROUPS.index("inactive"))
    active = ~lapsed
    if not active.any():
        return group, {"risk_threshold": None, "value_threshold": None}
    part, thresholds = assign_groups(risk[active], value[active] if value is not None else None, None,
                                     contact_share, high_value_share)
    group[active] = part
    return group, thresholds


def value_at_risk(groups: pd.DataFrame, left: np.ndarray, risk: np.ndarray, value: np.ndarray | None,
                  stake: np.ndarray | None) -> dict:
    """Return risk × CLV overall, by RFM segment (in the segments' order) and by cluster; `left` is the lapse."""
    everyone = np.ones(len(risk), dtype=bool)
    segment = groups["segment"].astype(str).to_numpy()
    cluster = np.array([None if c is None else str(c) for c in groups["cluster"]], dtype=object)
    clusters = sorted({c for c in cluster if c is not None}, key=lambda c: int(c[1:]))
    return {
        "status": "ok" if value is not None else "not_computable", "reason": None if value is not None else "no_clv",
        "column": "clv", "source": "clv", "proxy": False,
        "overall": summarise(everyone, left, risk, value, stake),
        "by_segment": [{"id": s, **summarise(segment == s, left, risk, value, stake)} for s in SEGMENTS
                       if (segment == s).any()],
        "by_cluster": [{"id": c, **summarise(cluster == c, left, risk, value, stake)} for c in clusters],
        "density": density(risk, _floored(value)) if value is not None else None,
    }


def _floored(value: np.ndarray) -> np.ndarray:
    """Return the values with those below the first percentile of the positive ones set to 0 (left out of the
    density grid): the lifetime value of a client lapsed long ago tends to 0, and a log scale stretched down
    to 1e-13 would squeeze every other client into a band."""
    positive = value[np.isfinite(value) & (value > 0)]
    if not len(positive):
        return value
    return np.where(value >= np.quantile(positive, DENSITY_FLOOR), value, 0.0)
