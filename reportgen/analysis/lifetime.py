"""Customer lifetime value of a transaction log's clients: the models fitted, what each client is expected to do
and be worth, the value by RFM segment and cluster, and the hold-out check of the purchase model.

Frames in, plain JSON-able data out. Time is counted in weeks, as in reportgen.analysis.clv and the per-client
columns of reportgen.ingest.logsummary (x, t_x, T, zbar at the analysis date; x_cal, t_x_cal, T_cal and
x_holdout at the calibration end). `lifetime_value` returns

    {"status": "ok" | "not_computable", "reason": None | "too_few_repeat_buyers" | "no_convergence" |
                                                 "degenerate" | "infinite_mean_spend",
     "failed_model": None | "bgnbd" | "gamma_gamma",
     "months": 12, "monthly_discount": 0.01, "unit": "weeks", "month_weeks": 4.35, "horizons_days": [90, 365],
     "bgnbd": fit, "gamma_gamma": fit,          # each {"status": "ok", parameters...} or {"status": "failed",
                                                # "reason", counts}: a failed fit carries no parameter
     "totals": {"clv", "mean_clv", "median_clv", "purchases_90", "purchases_365", "mean_p_alive",
                "mean_spend"} | None,
     "distribution": {"edges": [...], "counts": [...], "quantiles": {"0.5": ..}, "top_decile_share"} | None,
     "by_segment": {segment: value}, "by_cluster": {cluster id: value},
     "holdout": holdout}

value = {"clients", "mean_clv", "total_clv", "clv_share", "mean_p_alive", "purchases_365"} (None figures for
an empty group). holdout = {"status": "ok", "calibration_end", "weeks", "fit": BG/NBD fit on the calibration
part, **clv.holdout_check} or {"status": "not_computable", "reason", "fit" (failed, or None)}. Each client's
figures come back as a frame (`per_client`) so the run can add them to the context's client rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from reportgen.analysis import clv as models

HORIZONS_DAYS = (90, 365)
WEEK = 7.0
MONTH_WEEKS = 365.25 / 12 / WEEK
HISTOGRAM_BINS = 12
QUANTILES = (0.1, 0.25, 0.5, 0.75, 0.9, 0.99)
FIT_KEYS = {"bgnbd": ("r", "alpha", "a", "b"), "gamma_gamma": ("p", "q", "gamma")}


def lifetime_value(frame: pd.DataFrame, groups: pd.DataFrame, months: int, monthly_discount: float,
                   holdout_weeks: float | None, calibration_end: str) -> tuple[dict, pd.DataFrame | None]:
    """Return the lifetime-value results (see the module) and each client's figures (None when not computable).

    `groups` has each client's segment and cluster (analysis.rfm_analysis.assign_clients), index as `frame`.
    """
    base = {"months": months, "monthly_discount": monthly_discount, "unit": "weeks", "month_weeks": MONTH_WEEKS,
            "horizons_days": list(HORIZONS_DAYS), "totals": None, "distribution": None, "by_segment": {},
            "by_cluster": {}, "holdout": holdout(frame, holdout_weeks, calibration_end)}
    x, t_x, T, zbar = (frame[c].to_numpy(dtype=float) for c in ("x", "t_x", "T", "zbar"))
    purchases = plain_fit(models.fit_bgnbd(x, t_x, T))
    # repeat purchase days of zero amount (free items kept by data.zero_amounts) say nothing about spend, and
    # the spend model needs a positive mean: such clients are left out of its fit, not out of the predictions
    spenders = np.where(zbar > 0, x, 0.0)
    spend = plain_fit(models.fit_gamma_gamma(spenders, zbar)) if purchases["status"] == "ok" else None
    failed = "bgnbd" if purchases["status"] != "ok" else "gamma_gamma" if spend["status"] != "ok" else None
    out = {**base, "bgnbd": purchases, "gamma_gamma": spend}
    if failed:
        return {"status": "not_computable", "reason": out[failed]["reason"], "failed_model": failed, **out}, None
    clients = pd.DataFrame({
        "purchases_90": models.expected_purchases(purchases, HORIZONS_DAYS[0] / WEEK, x, t_x, T),
        "purchases_365": models.expected_purchases(purchases, HORIZONS_DAYS[1] / WEEK, x, t_x, T),
        "p_alive": models.probability_alive(purchases, x, t_x, T),
        "expected_spend": models.expected_spend(spend, x, zbar),
        "clv": models.clv(purchases, spend, x, t_x, T, zbar, months=months, monthly_discount=monthly_discount,
                          month_length=MONTH_WEEKS),
    }, index=frame.index)
    total = float(clients["clv"].sum())
    out["totals"] = {"clv": total, "mean_clv": float(clients["clv"].mean()),
                     "median_clv": float(clients["clv"].median()),
                     "purchases_90": float(clients["purchases_90"].sum()),
                     "purchases_365": float(clients["purchases_365"].sum()),
                     "mean_p_alive": float(clients["p_alive"].mean()),
                     "mean_spend": float(clients["expected_spend"].mean())}
    out["distribution"] = distribution(clients["clv"].to_numpy())
    for key, column in (("by_segment", "segment"), ("by_cluster", "cluster")):
        if groups[column].notna().any():
            out[key] = _by_group(clients, groups[column], total)
    return {"status": "ok", "reason": None, "failed_model": None, **out}, clients


def holdout(frame: pd.DataFrame, weeks: float | None, calibration_end: str) -> dict:
    """Return the hold-out check: BG/NBD fitted on the purchases up to the calibration end, its predicted repeat
    purchases after it against the actual ones, in total and by number of repeat purchases."""
    if not weeks or weeks <= 0:
        return {"status": "not_computable", "reason": "no_holdout_period", "fit": None}
    inside = frame[frame["in_calibration"].astype(bool)]
    x, t_x, T = (inside[c].to_numpy(dtype=float) for c in ("x_cal", "t_x_cal", "T_cal"))
    fit = plain_fit(models.fit_bgnbd(x, t_x, T))
    if fit["status"] != "ok":
        return {"status": "not_computable", "reason": fit["reason"], "fit": fit}
    check = models.holdout_check(fit, x, t_x, T, inside["x_holdout"].to_numpy(dtype=float), weeks)
    return {"status": "ok", "reason": None, "calibration_end": calibration_end, "weeks": float(weeks), "fit": fit,
            **check}


def distribution(values: np.ndarray) -> dict:
    """Return a histogram of the values (equal bins up to the 99th percentile, the rest in the last bin), their
    quantiles and the share of the total held by the top tenth of clients."""
    values = np.sort(values)
    top = float(np.quantile(values, 0.99))
    if top <= values[0]:
        top = float(values[-1]) if values[-1] > values[0] else float(values[0]) + 1.0
    edges = np.linspace(float(values[0]), top, HISTOGRAM_BINS + 1)
    counts = np.histogram(np.clip(values, edges[0], edges[-1]), bins=edges)[0]
    total = float(values.sum())
    tenth = max(1, int(np.ceil(0.1 * len(values))))
    return {"edges": edges.tolist(), "counts": counts.astype(int).tolist(), "above_last_edge": int((values > top).sum()),
            "quantiles": {str(q): float(v) for q, v in zip(QUANTILES, np.quantile(values, QUANTILES))},
            "top_decile_share": float(values[-tenth:].sum() / total) if total > 0 else None}


def _by_group(clients: pd.DataFrame, group: pd.Series, total: float) -> dict:
    """Return each group's clients, mean and total CLV, share of all CLV, mean P(alive) and expected purchases."""
    out = {}
    for name, part in clients.groupby(group.astype(str), sort=True):
        out[str(name)] = {"clients": int(len(part)), "mean_clv": float(part["clv"].mean()),
                          "total_clv": float(part["clv"].sum()),
                          "clv_share": float(part["clv"].sum() / total) if total > 0 else None,
                          "mean_p_alive": float(part["p_alive"].mean()),
                          "purchases_365": float(part["purchases_365"].mean())}
    return out


def plain_fit(fit: dict) -> dict:
    """Return a fit with only what the context keeps: parameters of a successful fit, the reason of a failed one."""
    keep = ("status", "reason", "detail", "clients", "repeat_buyers", "min_repeat_buyers", "log_likelihood",
            "iterations", "frequency_spend_correlation", "standard_errors")
    out = {k: fit[k] for k in keep if k in fit}
    if fit["status"] == "ok":
        out.update({"reason": None, **{k: float(fit[k]) for k in FIT_KEYS["bgnbd" if "r" in fit else "gamma_gamma"]}})
    return out
