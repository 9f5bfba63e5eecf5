"""Customer lifetime value: BG/NBD for how many purchases a client will make, Gamma-Gamma for what each is worth.

Both models are fitted by maximum likelihood with scipy here rather than through a library: PyMC-Marketing,
the maintained one, adds about 780 MB of dependencies (and took 36 s for a first fit on 5,000 clients on a
2-core machine); lifetimes, the former one, is archived and breaks on pandas 4.

Inputs are one summary row per client, every time in ONE unit chosen by the caller (weeks in the tests and
the product): x = repeat purchases (purchase days after the first), t_x = time from the first to the last
purchase, T = time from the first purchase to the end of the calibration period, zbar = mean amount of the
repeat purchase days (0 when x = 0). Fits run on the unique rows with their counts as weights, so a million
clients cost what their few hundred thousand distinct histories cost.

References: Fader, Hardie & Lee (2005), "Counting your customers the easy way: an alternative to the
Pareto/NBD model" (BG/NBD); Fader, Hardie & Lee (2005), "RFM and CLV: using iso-value curves for customer
base analysis" (Gamma-Gamma). Fits return plain data; predictions return float arrays, one value per client.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import expit, hyp2f1

from reportgen.analysis.clv_likelihood import BgnbdLikelihood, GammaGammaLikelihood, maximise, unique_rows

# Below 20 repeat buyers the drop-out process (a, b) and the spend heterogeneity (p, q, gamma) are not
# identified: the likelihood is nearly flat along them and the optimiser stops anywhere. A fit on fewer is
# refused rather than reported.
MIN_REPEAT_BUYERS = 20
HOLDOUT_GROUPS = 7  # hold-out table rows: x = 0, 1, ..., 6 and 7+, as in Fader, Hardie & Lee's figure


def _column(values, name: str) -> np.ndarray:
    """Return `values` as a 1-D float array; raise ValueError if it is not finite."""
    array = np.asarray(values, dtype=float).reshape(-1)
    bad = np.flatnonzero(~np.isfinite(array))
    if len(bad):
        raise ValueError(f"{name} is not finite at row {bad[0]} ({array[bad[0]]})")
    return array


def _summary(x, t_x, T) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (x, t_x, T) as float arrays, t_x set to 0 where x = 0; raise ValueError on an impossible row."""
    x, t_x, T = _column(x, "x"), _column(t_x, "t_x"), _column(T, "T")
    if not len(x) == len(t_x) == len(T):
        raise ValueError(f"x, t_x and T differ in length ({len(x)}, {len(t_x)}, {len(T)})")
    checks = [((x < 0) | (x != np.round(x)), "x must be a whole number >= 0"),
              ((t_x < 0) | (t_x > T), "t_x must lie between 0 and T")]
    for bad, rule in checks:
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise ValueError(f"{rule} (row {i}: x={x[i]}, t_x={t_x[i]}, T={T[i]})")
    return x, np.where(x > 0, t_x, 0.0), T  # t_x says nothing without a repeat purchase: fewer unique rows


# --- BG/NBD ---------------------------------------------------------------------------------------------

def bgnbd_log_likelihood(r: float, alpha: float, a: float, b: float, x, t_x, T) -> float:
    """Return the BG/NBD log-likelihood of the clients' (x, t_x, T) under (r, alpha, a, b)."""
    return BgnbdLikelihood(*_summary(x, t_x, T)).log_likelihood(r, alpha, a, b)


def _standard_errors(names: tuple[str, ...], values: tuple[float, ...], log_se: np.ndarray) -> dict[str, float]:
    """Return each parameter's standard error (delta method from its log's)."""
    return {name: float(value * se) for name, value, se in zip(names, values, log_se)}


def fit_bgnbd(x, t_x, T) -> dict:
    """Return the BG/NBD fit {'status': 'ok', r, alpha, a, b, ...} or {'status': 'failed', 'reason', 'detail', ...}.

    A fit also holds log_likelihood, standard_errors {r, alpha, a, b}, iterations, clients, repeat_buyers
    and min_repeat_buyers; a failure only the counts. Reasons: 'too_few_repeat_buyers' (fewer than
    MIN_REPEAT_BUYERS clients with x > 0), 'no_convergence', 'degenerate' (the optimum lies on a bound, or
    the data do not determine a parameter).
    """
    x, t_x, T = _summary(x, t_x, T)
    counts = {"clients": len(x), "repeat_buyers": int(np.count_nonzero(x)), "min_repeat_buyers": MIN_REPEAT_BUYERS}
    if counts["repeat_buyers"] < MIN_REPEAT_BUYERS:
        return {"status": "failed", "reason": "too_few_repeat_buyers", **counts}
    scale = float(T.mean())  # alpha is a time: scaled to ~1 the bounds and starts hold whatever the unit
    data = BgnbdLikelihood(x, t_x / scale, T / scale)
    rate = float(x.sum() / (T.sum() / scale))  # purchases per scaled time unit, for alpha's start
    starts = [np.array([1.0, 1.0 / max(rate, 1e-3), 1.0, 1.0]), np.array([0.3, 0.3 / max(rate, 1e-3), 0.5, 3.0]),
              np.array([3.0, 3.0 / max(rate, 1e-3), 2.0, 0.5])]
    names = ("r", "alpha", "a", "b")
    best = maximise(lambda p: data.log_likelihood(*p, gradient=True), starts, names, data.total)
    if "reason" in best:
        return {"status": "failed", **best, **counts}
    r, alpha, a, b = (float(v) for v in np.exp(best["log_params"]))
    # each client's likelihood in the caller's unit is its scaled one over scale^x
    log_likelihood = data.log_likelihood(r, alpha, a, b) - math.log(scale) * data.purchases
    return {"status": "ok", "r": r, "alpha": alpha * scale, "a": a, "b": b, "log_likelihood": log_likelihood,
            "standard_errors": _standard_errors(names, (r, alpha * scale, a, b), best["log_se"]),
            "iterations": best["iterations"], **counts}


# --- Gamma-Gamma ----------------------------------------------------------------------------------------

def _spends(x, zbar) -> tuple[np.ndarray, np.ndarray]:
    """Return (x, zbar) of the repeat buyers; raise ValueError on a bad row."""
    x, zbar = _column(x, "x"), _column(zbar, "zbar")
    if len(x) != len(zbar):
        raise ValueError(f"x and zbar differ in length ({len(x)}, {len(zbar)})")
    bad = np.flatnonzero((x < 0) | (x != np.round(x)) | ((x > 0) & (zbar <= 0)))
    if len(bad):
        raise ValueError(f"x must be a whole number >= 0 and zbar > 0 where x > 0 "
                         f"(row {bad[0]}: x={x[bad[0]]}, zbar={zbar[bad[0]]})")
    return x[x > 0], zbar[x > 0]


def gamma_gamma_log_likelihood(p: float, q: float, gamma: float, x, zbar) -> float:
    """Return the Gamma-Gamma log-likelihood of the repeat buyers' mean spends under (p, q, gamma)."""
    return GammaGammaLikelihood(*_spends(x, zbar)).log_likelihood(p, q, gamma)


def fit_gamma_gamma(x, zbar) -> dict:
    """Return the Gamma-Gamma fit {'status': 'ok', p, q, gamma, ...} or {'status': 'failed', 'reason', ...}.

    Fitted on the clients with x > 0 (mean spend zbar over x purchases). A fit also holds log_likelihood,
    standard_errors {p, q, gamma}, iterations, frequency_spend_correlation (the model assumes none),
    repeat_buyers and min_repeat_buyers. Reasons: as fit_bgnbd's ('degenerate' includes spends all alike),
    and 'infinite_mean_spend' (q <= 1: the population's mean spend, which a client without repeat purchase
    is expected to spend, does not exist).
    """
    x, zbar = _spends(x, zbar)
    counts = {"repeat_buyers": len(x), "min_repeat_buyers": MIN_REPEAT_BUYERS}
    if len(x) < MIN_REPEAT_BUYERS:
        return {"status": "failed", "reason": "too_few_repeat_buyers", **counts}
    scale = float(zbar.mean())  # gamma is an amount: scaled to ~1 the bounds and starts hold for any currency
    data = GammaGammaLikelihood(x, zbar / scale)
    starts = [np.array([1.0, 3.0, 2.0]), np.array([5.0, 5.0, 4.0]), np.array([0.5, 2.0, 0.5])]
    names = ("p", "q", "gamma")
    best = maximise(lambda v: data.log_likelihood(*v, gradient=True), starts, names, data.total)
    if "reason" in best:
        return {"status": "failed", **best, **counts}
    p, q, gamma = (float(v) for v in np.exp(best["log_params"]))
    if q <= 1:
        return {"status": "failed", "reason": "infinite_mean_spend", "detail": f"q = {q:.3g}", **counts}
    # each mean spend's density in the caller's currency is its scaled one over scale
    log_likelihood = data.log_likelihood(p, q, gamma) - math.log(scale) * data.total
    # the model assumes spend independent of frequency: a strong correlation is worth a word on the method slide
    correlation = float(np.corrcoef(x, zbar)[0, 1]) if np.ptp(x) > 0 and np.ptp(zbar) > 0 else 0.0
    return {"status": "ok", "p": p, "q": q, "gamma": gamma * scale, "log_likelihood": log_likelihood,
            "standard_errors": _standard_errors(names, (p, q, gamma * scale), best["log_se"]),
            "iterations": best["iterations"], "frequency_spend_correlation": correlation, **counts}


# --- Predictions ----------------------------------------------------------------------------------------

def _fitted(fit: dict, *names: str) -> list[float]:
    """Return the named parameters of a successful fit; raise ValueError for a failed one."""
    if fit.get("status") != "ok":
        raise ValueError(f"no prediction from a failed fit ({fit.get('reason')})")
    return [float(fit[name]) for name in names]


def _log_odds_dropped(r, alpha, a, b, x, t_x, T) -> np.ndarray:
    """Return log(P(dropped out) / P(alive)) per client (-inf where x = 0: nobody drops before a repeat)."""
    odds = np.full(len(x), -np.inf)
    m = x > 0
    odds[m] = (math.log(a) - np.log(b + x[m] - 1) + (r + x[m]) * (np.log(alpha + T[m]) - np.log(alpha + t_x[m])))
    return odds


def probability_alive(fit: dict, x, t_x, T) -> np.ndarray:
    """Return each client's probability of still being active at T (1 for a client without repeat purchase)."""
    r, alpha, a, b = _fitted(fit, "r", "alpha", "a", "b")
    x, t_x, T = _summary(x, t_x, T)
    return expit(-_log_odds_dropped(r, alpha, a, b, x, t_x, T))


def probability_no_purchase(fit: dict, t: float, x, t_x, T) -> np.ndarray:
    """Return each client's probability of no purchase in (T, T + t] given its history (same unit as T).

    In BG/NBD a client drops out only just after a purchase, so a client makes none in the window when it
    has already dropped out, or when it is alive and its Poisson process stays silent for t: with the rate's
    posterior Gamma(r + x, alpha + T), that is ((alpha + T) / (alpha + T + t))^(r + x).
    """
    r, alpha, a, b = _fitted(fit, "r", "alpha", "a", "b")
    x, t_x, T = _summary(x, t_x, T)
    alive = probability_alive(fit, x, t_x, T)
    silent = np.exp((r + x) * (np.log(alpha + T) - np.log(alpha + T + float(t))))
    return 1 - alive + alive * silent


def _hyp2f1(p: float, q: float, c: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Return 2F1(p, q; c; z), stepping p aside where scipy gives up."""
    f = hyp2f1(p, q, c, z)
    bad = ~np.isfinite(f)
    if bad.any():
        # scipy returns NaN or inf when c - p - q = x + r + 1 - a is a whole number and z > 0.9 (r = 1, a = 2
        # for one), and is exact a hair away. The expectation depends smoothly on r (p = a + b - 1 - r): move it
        # by 1e-5 either way (or 1e4 units in the last place of c, for huge x) and average; against mpmath at
        # 40 digits this is within 3e-9, and within 1e-13 from x = 100 on, where the failures are.
        c, z = (np.broadcast_to(v, f.shape)[bad] for v in (c, z))
        step = np.maximum(1e-5, 1e4 * np.spacing(np.abs(c) + abs(p) + abs(q)))
        f = f.copy()
        f[bad] = (hyp2f1(p - step, q, c, z) + hyp2f1(p + step, q, c, z)) / 2
    return f


# Below this z, 2F1 - 1 is summed as a series: subtracting 1 from 2F1 there loses the digits that matter
# (z = 6e-7 with a = 1 +- 1e-5: 2F1 - 1 is about 5e-16, near the rounding of 1, and an expectation was 8e-6 off)
SERIES_Z = 1e-3


def _hyp2f1_minus_one(p: float, q: float, c: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Return 2F1(p, q; c; z) - 1, summed term by term where z is small (no cancellation), else by _hyp2f1."""
    z, c = np.broadcast_arrays(np.asarray(z, dtype=float), np.asarray(c, dtype=float))
    out = np.empty(z.shape)
    small = np.abs(z) < SERIES_Z
    if (~small).any():
        out[~small] = _hyp2f1(p, q, c[~small], z[~small]) - 1
    if small.any():
        zs, cs = z[small], c[small]
        term, total = np.ones(zs.shape), np.zeros(zs.shape)
        for k in range(200):  # the ratio of terms tends to z: a few dozen terms reach the last digit
            term = term * ((p + k) * (q + k) / ((cs + k) * (k + 1)) * zs)
            total = total + term
            if np.all(np.abs(term) <= 1e-17 * np.abs(total)):
                break
        out[small] = total
    return out


def _expected(params, t: np.ndarray, x, t_x, T) -> np.ndarray:
    """Return E[purchases in (T, T + t] | x, t_x, T] for rows (x, t_x, T) and horizons t (broadcast).

    FHL 2005 eq. (10), with (1-z)^(r+x) 2F1(r+x, b+x; c; z) written by Euler's transformation as
    (1-z)^(a-1) 2F1(a+b-1-r, a-1; c; z): the original overflows to NaN for large x, this stays finite.
    """
    r, alpha, a, b = params
    if abs(a - 1) < 1e-7:  # the formula is 0/0 at a = 1: average the two sides, the function is smooth there
        return (_expected((r, alpha, 1 - 1e-5, b), t, x, t_x, T) + _expected((r, alpha, 1 + 1e-5, b), t, x, t_x, T)) / 2
    x, t_x, T = (v[:, None] for v in (x, t_x, T))
    alive = expit(-_log_odds_dropped(r, alpha, a, b, x[:, 0], t_x[:, 0], T[:, 0]))[:, None]
    z = t / (alpha + T + t)
    c = a + b + x - 1
    c = np.where(np.abs(c) < 1e-9, 1e-9, c)  # c = 0 only for x = 0 and a + b = 1: step aside
    u = (a - 1) * np.log1p(-z)
    bracket = -np.expm1(u) - np.exp(u) * _hyp2f1_minus_one(a + b - 1 - r, a - 1, c, z)
    return np.maximum(c / (a - 1) * bracket * alive, 0.0)  # rounding can leave -1e-17 where t is ~0


def expected_purchases(fit: dict, t: float, x, t_x, T) -> np.ndarray:
    """Return each client's expected number of purchases in the next `t` (same unit as T) given its history."""
    params = _fitted(fit, "r", "alpha", "a", "b")
    x, t_x, T = _summary(x, t_x, T)
    (ux, ut, uT), _, inverse = unique_rows(x, t_x, T)
    return _expected(params, np.array([float(t)]), ux, ut, uT)[:, 0][inverse]


def expected_spend(spend_fit: dict, x, zbar) -> np.ndarray:
    """Return each client's expected mean spend per purchase (the population mean where x = 0)."""
    p, q, gamma = _fitted(spend_fit, "p", "q", "gamma")
    x, zbar = _column(x, "x"), _column(zbar, "zbar")
    zbar = np.where(x > 0, zbar, 0.0)
    return (gamma + x * zbar) * p / (p * x + q - 1)


def clv(fit: dict, spend_fit: dict, x, t_x, T, zbar, *, months: int, monthly_discount: float,
        month_length: float) -> np.ndarray:
    """Return each client's discounted value over the next `months` months (a month is `month_length` of T's unit).

    Sum over months m of (E[purchases by m] - E[purchases by m - 1]) x expected spend / (1 + d)^m.
    """
    if months < 0 or month_length <= 0 or monthly_discount <= -1:
        raise ValueError(f"months >= 0, month_length > 0 and monthly_discount > -1 are required "
                         f"({months}, {month_length}, {monthly_discount})")
    params = _fitted(fit, "r", "alpha", "a", "b")
    spend = expected_spend(spend_fit, x, zbar)
    x, t_x, T = _summary(x, t_x, T)
    (ux, ut, uT), _, inverse = unique_rows(x, t_x, T)
    horizons = np.arange(months + 1) * float(month_length)
    cumulative = _expected(params, horizons, ux, ut, uT)
    discount = (1 + monthly_discount) ** -np.arange(1, months + 1, dtype=float)
    return (np.diff(cumulative, axis=1) * discount).sum(axis=1)[inverse] * spend


def holdout_check(fit: dict, x_cal, t_x_cal, T_cal, x_holdout, horizon: float) -> dict:
    """Return predicted against actual repeat purchases in a hold-out period of length `horizon`, in total and by x.

    {'horizon', 'clients', 'actual', 'predicted', 'relative_error' ((predicted - actual) / actual, None when
    nothing was bought), 'groups': [{'label' '0'..'6' or '7+', 'x_min', 'x_max' (None for 7+), 'clients',
    'actual_mean', 'predicted_mean'}]}; groups without clients are left out.
    """
    x, t_x, T = _summary(x_cal, t_x_cal, T_cal)
    actual = _column(x_holdout, "x_holdout")
    if len(actual) != len(x) or (actual < 0).any():
        raise ValueError(f"x_holdout must hold one count >= 0 per client ({len(actual)} for {len(x)} clients)")
    predicted = expected_purchases(fit, horizon, x, t_x, T)
    groups = []
    for k in range(HOLDOUT_GROUPS + 1):
        top = k == HOLDOUT_GROUPS
        members = x >= k if top else x == k
        if members.any():
            groups.append({"label": f"{k}+" if top else str(k), "x_min": k, "x_max": None if top else k,
                           "clients": int(members.sum()), "actual_mean": float(actual[members].mean()),
                           "predicted_mean": float(predicted[members].mean())})
    total_actual, total_predicted = float(actual.sum()), float(predicted.sum())
    return {"horizon": float(horizon), "clients": len(x), "actual": total_actual, "predicted": total_predicted,
            "relative_error": (total_predicted - total_actual) / total_actual if total_actual > 0 else None,
            "groups": groups}
