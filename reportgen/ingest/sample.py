"""Synthetic customer tables shaped like the bank's own (bank_scrooge.csv); sample_files.py writes them.

The generator is purely parametric: every number below is a summary (shares, quantiles, logistic
coefficients) calibrated once on the real 10,000-client table; no real row is read or kept. Money and
score come from a Gaussian copula (correlated latent normals mapped through quantile knots), churn
from a latent logistic model, so that the relationships an analyst looks for are there with roughly
the real direction and size.
"""

from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd
from scipy.optimize import brentq
from scipy.special import expit, ndtr

from reportgen.errors import UserError
from reportgen.i18n.ui import _

COLUMNS = (
    "USERID", "score", "city", "gender", "age", "equity", "balance",
    "products", "credit_card", "last_activity", "EST_SALARY", "churn",
)
_INT_COLUMNS = ("USERID", "equity", "products", "credit_card", "last_activity", "churn")
_FLOAT_COLUMNS = ("score", "age", "balance", "EST_SALARY")

CITIES = ("Ярославль", "Рыбинск", "Ростов")
CITY_SHARES = (0.589, 0.270, 0.141)
MALE, FEMALE = "М", "Ж"
MISSING_AGE_SHARE = 0.0026

# Ids: the real range holds 10,000 clients, about one id in thirteen; larger tables get a wider range.
ID_LOW, ID_HIGH, ID_SPACING = 94_000, 230_000, 13
# 73 ids in 10,000 rows belong to two different clients, one in Rybinsk and one in Yaroslavl.
REPEATED_ID_SHARE = 0.0073
REPEATED_ID_CITIES = ("Рыбинск", "Ярославль")

# Quantile knots: probability -> value, interpolated linearly (the tails are what the reports show).
_P = np.array([0, 0.001, 0.01, 0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95, 0.99, 0.999, 1])
AGE_Q = np.array([18, 18, 23, 26, 29, 33, 40, 50, 59, 63, 70, 77, 82], dtype=float)
AGE_GENDER_STRETCH = 0.105  # women are about five years older than men
SCORE_Q = np.array([642, 649, 687, 737, 765, 802, 853, 900, 928, 946, 978, 997, 1000], dtype=float)
# log-balance residual, in units of the equity group's interquartile range: long left tail, long right tail
BALANCE_RESID_Q = np.array([-9.5, -7.5, -1.95, -1.15, -0.85, -0.44, 0.0, 0.56, 1.0, 1.32, 2.2, 3.6, 5.6])
SALARY_RESID_Q = np.array([-3.3, -2.57, -1.87, -1.27, -0.93, -0.44, 0.0, 0.37, 0.69, 0.95, 1.84, 2.2, 2.4])
# latent correlations of (score, balance, salary): richer clients score higher
MONEY_CORRELATION = np.array([[1.0, 0.40, 0.28], [0.40, 1.0, 0.40], [0.28, 0.40, 1.0]])

# Property score 0-9; 0 mostly means no savings account, hence no balance.
EQUITY_SHARES = np.array([0.2592, 0.0774, 0.1052, 0.1543, 0.1850, 0.1918, 0.0161, 0.0080, 0.0017, 0.0013])
# Per equity group 0, 1, ..., 5, 6+: score shift, log-balance median and spread.
SCORE_SHIFT = np.array([8, -22, -25, -14, 3, 17, 19], dtype=float)
BALANCE_LOG_MEDIAN = np.array([11.82, 12.28, 12.76, 13.12, 13.40, 13.66, 13.40])
BALANCE_LOG_IQR = np.array([1.28, 0.91, 1.03, 1.03, 0.98, 0.82, 0.70])
# Clients without property earn more (median 161k vs 107k roubles).
SALARY_LOG_MEDIAN_NO_EQUITY, SALARY_LOG_MEDIAN = 11.99, 11.585
# Products 1..5 by equity group 0..6+: more property, more products.
PRODUCT_SHARES = np.array([
    [0.762, 0.211, 0.022, 0.005, 0.000],
    [0.329, 0.560, 0.092, 0.017, 0.002],
    [0.183, 0.674, 0.111, 0.030, 0.002],
    [0.187, 0.636, 0.129, 0.045, 0.003],
    [0.163, 0.616, 0.149, 0.070, 0.002],
    [0.148, 0.614, 0.146, 0.088, 0.004],
    [0.170, 0.506, 0.144, 0.176, 0.004],
])
# Share without a balance by equity 0 and 1 (rows) and products 1..5; every other client has one.
NO_BALANCE_SHARES = np.array([[0.94, 0.55, 0.47, 0.0, 0.0], [0.38, 0.03, 0.03, 0.0, 0.0]])
# Credit card: logit by products 1..5, then age and gender; activity by products 1..5.
CARD_LOGIT = np.array([1.65, 0.35, -0.75, 0.60, 2.7])
CARD_AGE_SLOPE, CARD_MALE = -0.02, 0.50
ACTIVE_SHARES = np.array([0.53, 0.52, 0.42, 0.79, 0.89])

# Churn: a logistic model; piecewise-linear terms are (knots, logit offsets).
CHURN_INTERCEPT = -1.61
CHURN_MALE = 1.01
CHURN_PRODUCTS = np.array([0.0, 0.15, 0.65, 2.33, 1.28])  # products 1..5
CHURN_EQUITY = np.array([0.0, -0.28, -0.2, 0.01, 0.1, 0.27, 0.97])  # equity 0..5, 6+
CHURN_ACTIVE = 1.03
CHURN_CITY = np.array([0.0, -0.29, -0.01])  # by CITIES: Rybinsk's clients stay a little more
CHURN_CARD = -0.84
CHURN_NO_BALANCE = -3.86  # no savings account: almost nobody leaves
CHURN_AGE = ([18, 25, 30, 35, 40, 45, 50, 55, 60, 65, 75, 86],
             [-0.9, 0.6, 0.8, 0.43, 0.0, -0.1, 0.5, 1.45, 0.65, -1.3, -1.65, -1.65])
CHURN_SCORE = ([642, 700, 750, 800, 830, 860, 900, 940, 1000], [-5.0, -4.5, -2.0, -1.15, -0.85, 0.0, -0.9, -1.5, -2.3])
CHURN_LOG10_BALANCE = ([0, 5, 5.8, 6.0, 6.2, 6.5, 7, 9], [0.0, 0.0, -0.45, -0.3, 0.25, 1.1, 0.1, 0.1])
# Salary: a middle income churns most, so churned clients' incomes are less spread but average the same.
CHURN_LOG10_SALARY = ([3.4, 4.4, 4.8, 5.0, 5.2, 5.4, 5.6, 5.8, 6.2],
                      [-1.0, -0.65, -0.3, 0.0, 0.15, 0.15, 0.45, -0.85, -0.7])
# Interactions: with a million or more (log10 balance ramp), active, male and mid-scored (830-940) clients
# leave more than the sum of the effects says, as in the real table.
AFFLUENT_RAMP = ([5.9, 6.1], [0.0, 1.0])
MID_SCORE_RAMP = ([800, 830, 940, 970], [0.0, 1.0, 1.0, 0.0])
AFFLUENT_ACTIVE, AFFLUENT_MALE, AFFLUENT_MID_SCORE = 0.45, 0.25, 0.45

# Next quarter: who else leaves, how features drift, and which groups the retention actions moved.
QUIET_EXIT_SHARE = 0.02
BIRTHDAY_SHARE = 0.25
BALANCE_DRIFT_SD = 0.15
SALARY_DRIFT_SD = 0.02
ACTIVITY_FLIP_SHARE = 0.15
PRODUCT_CHANGE_SHARE = 0.04
NEGLECTED_RISE = 1.15  # churn factor for clients without a credit card, whom the actions ignored


def generate_customers(rows: int, seed: int) -> pd.DataFrame:
    """Return a synthetic customer table of `rows` clients shaped like the real one; raise UserError if rows < 0."""
    if rows < 0:
        raise UserError(_("The number of rows must be zero or more, not {rows}.").format(rows=rows))
    rng = np.random.default_rng(seed)
    features = _draw_features(rng, rows)
    features["USERID"] = _assign_ids(rng, features["city"])
    features["churn"] = rng.random(rows) < _churn_probability(features)
    return _as_frame(features)


def next_quarter(
    previous: pd.DataFrame, seed: int, *, retention_effect: float = 0.25, new_share: float = 0.12
) -> pd.DataFrame:
    """Return the table a quarter later: churners gone, newcomers in, churn re-drawn; raise UserError on bad input."""
    _check_quarter_input(previous, retention_effect, new_share)
    rng = np.random.default_rng([seed, 1])  # a stream of its own, not the one generate_customers(seed) used
    stayers = _stayers(previous, rng)
    count = _newcomer_count(len(stayers), new_share)
    newcomers = _newcomers(rng, previous["USERID"].to_numpy(), count)
    table = pd.concat([_drift(stayers, rng), newcomers], ignore_index=True)
    probability = _shifted_probability(table, previous, retention_effect)
    table["churn"] = (rng.random(len(table)) < probability).astype("int64")
    return table


# --- features ------------------------------------------------------------------------------------------


def _draw_features(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    """Return every column but USERID and churn for `n` new clients, as arrays."""
    features = {
        "city": np.asarray(CITIES)[rng.choice(len(CITIES), size=n, p=CITY_SHARES)],
        "gender": np.where(rng.random(n) < 0.5, MALE, FEMALE),
        "equity": rng.choice(len(EQUITY_SHARES), size=n, p=EQUITY_SHARES / EQUITY_SHARES.sum()),
    }
    features["age"] = _draw_age(rng, features["gender"])
    features["products"] = _draw_products(rng, features["equity"])
    features.update(_draw_money(rng, features["equity"], features["products"]))
    features.update(_draw_flags(rng, features))
    return features


def _draw_age(rng: np.random.Generator, gender: np.ndarray) -> np.ndarray:
    """Return whole ages 18-86, older for women, with a few missing."""
    stretch = np.where(gender == FEMALE, 1 + AGE_GENDER_STRETCH, 1 - AGE_GENDER_STRETCH)
    quantile = np.interp(rng.random(len(gender)), _P, AGE_Q)
    age = np.round(np.clip(AGE_Q[0] + (quantile - AGE_Q[0]) * stretch, 18, 86))
    return np.where(rng.random(len(gender)) < MISSING_AGE_SHARE, np.nan, age)


def _draw_products(rng: np.random.Generator, equity: np.ndarray) -> np.ndarray:
    """Return 1-5 products per client, more of them with more property."""
    cumulative = np.cumsum(PRODUCT_SHARES / PRODUCT_SHARES.sum(axis=1, keepdims=True), axis=1)
    rows = cumulative[np.minimum(equity, 6)]
    return 1 + (rng.random(len(equity))[:, None] > rows[:, :-1]).sum(axis=1)


def _draw_money(rng: np.random.Generator, equity: np.ndarray, products: np.ndarray) -> dict[str, np.ndarray]:
    """Return score, balance (NaN without a savings account) and EST_SALARY from correlated latent normals."""
    group = np.minimum(equity, 6)
    u = ndtr(rng.standard_normal((len(equity), 3)) @ np.linalg.cholesky(MONEY_CORRELATION).T)
    score = np.round(np.clip(np.interp(u[:, 0], _P, SCORE_Q) + SCORE_SHIFT[group], SCORE_Q[0], SCORE_Q[-1]))
    log_balance = BALANCE_LOG_MEDIAN[group] + BALANCE_LOG_IQR[group] * np.interp(u[:, 1], _P, BALANCE_RESID_Q)
    balance = np.round(np.exp(log_balance), 2)
    no_balance = rng.random(len(equity)) < _no_balance_share(equity, products)
    median = np.where(equity == 0, SALARY_LOG_MEDIAN_NO_EQUITY, SALARY_LOG_MEDIAN)
    salary = np.round(np.exp(median + np.interp(u[:, 2], _P, SALARY_RESID_Q)), 2)
    return {"score": score, "balance": np.where(no_balance, np.nan, balance), "EST_SALARY": salary}


def _no_balance_share(equity: np.ndarray, products: np.ndarray) -> np.ndarray:
    """Return each client's chance of having no savings account (only equity 0 or 1 clients may lack one)."""
    table = np.vstack([NO_BALANCE_SHARES, np.zeros((1, 5))])
    return table[np.minimum(equity, 2), np.clip(products, 1, 5) - 1]


def _draw_flags(rng: np.random.Generator, features: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Return credit_card and last_activity flags, which depend on products (and age, gender for cards)."""
    index = np.clip(features["products"], 1, 5) - 1
    age = np.nan_to_num(features["age"], nan=42.0)
    card_logit = CARD_LOGIT[index] + CARD_AGE_SLOPE * (age - 42) + CARD_MALE * (features["gender"] == MALE)
    card = rng.random(len(index)) < expit(card_logit)
    active = rng.random(len(index)) < ACTIVE_SHARES[index]
    return {"credit_card": card.astype(np.int64), "last_activity": active.astype(np.int64)}


def _churn_probability(frame: pd.DataFrame | Mapping[str, np.ndarray]) -> np.ndarray:
    """Return each client's churn probability under the model."""
    return expit(_churn_logit(frame))


def _churn_logit(frame: pd.DataFrame | Mapping[str, np.ndarray]) -> np.ndarray:
    """Return the churn log-odds of each client."""
    column = {name: np.asarray(frame[name]) for name in COLUMNS[1:-1]}
    male = column["gender"] == MALE
    log_balance = np.log10(np.maximum(np.nan_to_num(column["balance"].astype(float)), 1.0))
    has_balance = ~np.isnan(column["balance"].astype(float))
    return (
        CHURN_INTERCEPT
        + CHURN_MALE * male
        + CHURN_CITY[_city_index(column["city"])]
        + CHURN_PRODUCTS[np.clip(column["products"], 1, 5) - 1]
        + CHURN_EQUITY[np.minimum(column["equity"], 6)]
        + CHURN_ACTIVE * column["last_activity"]
        + CHURN_CARD * column["credit_card"]
        + np.interp(np.nan_to_num(column["age"].astype(float), nan=40.0), *CHURN_AGE)
        + np.interp(column["score"], *CHURN_SCORE)
        + np.interp(np.log10(column["EST_SALARY"].astype(float)), *CHURN_LOG10_SALARY)
        + np.where(has_balance, np.interp(log_balance, *CHURN_LOG10_BALANCE), CHURN_NO_BALANCE)
        + _affluence_logit(log_balance, column["last_activity"], male, column["score"])
    )


def _affluence_logit(log_balance: np.ndarray, active: np.ndarray, male: np.ndarray, score: np.ndarray) -> np.ndarray:
    """Return the extra log-odds of clients with a million or more who are also active, male or mid-scored."""
    affluent = np.interp(log_balance, *AFFLUENT_RAMP)
    mid_score = np.interp(score, *MID_SCORE_RAMP)
    return affluent * (AFFLUENT_ACTIVE * active + AFFLUENT_MALE * male + AFFLUENT_MID_SCORE * mid_score)


def _city_index(city: np.ndarray) -> np.ndarray:
    """Return each city's position in CITIES (an unknown town counts as the first)."""
    index = np.zeros(len(city), dtype=np.int64)
    for position, name in enumerate(CITIES[1:], start=1):
        index[city == name] = position
    return index


# --- ids -----------------------------------------------------------------------------------------------


def _assign_ids(rng: np.random.Generator, city: np.ndarray) -> np.ndarray:
    """Return client ids with REPEATED_ID_SHARE of them given to a second client; moves those pairs' cities."""
    n = len(city)
    pairs = min(int(round(n * REPEATED_ID_SHARE)), n // 2)
    unique = n - pairs
    high = max(ID_HIGH, ID_LOW + ID_SPACING * unique)
    ids = np.empty(n, dtype=np.int64)
    order = rng.permutation(n)
    first, second, rest = order[:pairs], order[pairs:2 * pairs], order[2 * pairs:]
    drawn = ID_LOW + rng.choice(high - ID_LOW, size=unique, replace=False)
    ids[first], ids[rest] = drawn[:pairs], drawn[pairs:]
    ids[second] = ids[first]
    # The two clients behind one id live in different towns, as in the real table.
    city[first], city[second] = REPEATED_ID_CITIES
    return ids


def _fresh_ids(rng: np.random.Generator, used: np.ndarray, n: int) -> np.ndarray:
    """Return `n` distinct ids above every id in `used`, spaced like the original ones (banks number upwards)."""
    start = int(used.max()) + 1 if len(used) else ID_LOW
    return start + rng.choice(max(ID_SPACING * n, 1), size=n, replace=False).astype(np.int64)


# --- next quarter --------------------------------------------------------------------------------------


def _check_quarter_input(previous: pd.DataFrame, retention_effect: float, new_share: float) -> None:
    """Raise UserError when the table lacks a column or a share is out of range."""
    missing = [name for name in COLUMNS if name not in previous.columns]
    if missing:
        raise UserError(_("The customer table lacks the columns: {names}.").format(names=", ".join(missing)))
    if not 0 <= retention_effect <= 1:
        raise UserError(_("retention_effect must be between 0 and 1, not {value}.").format(value=retention_effect))
    if not 0 <= new_share < 1:
        raise UserError(_("new_share must be at least 0 and below 1, not {value}.").format(value=new_share))


def _stayers(previous: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Return the clients who are still there: not churned, and not among the few who leave quietly."""
    quiet_exit = rng.random(len(previous)) < QUIET_EXIT_SHARE
    keep = (previous["churn"].to_numpy() == 0) & ~quiet_exit
    return previous.loc[keep, list(COLUMNS)].reset_index(drop=True)


def _retention_target(frame: pd.DataFrame) -> np.ndarray:
    """Return the mask of the groups the retention actions aimed at: men with 3+ products, and equity 5+."""
    men_many_products = (frame["gender"].to_numpy() == MALE) & (frame["products"].to_numpy() >= 3)
    return men_many_products | (frame["equity"].to_numpy() >= 5)


def _newcomers(rng: np.random.Generator, used_ids: np.ndarray, count: int) -> pd.DataFrame:
    """Return `count` new clients with ids never used in `used_ids` (churn still to be drawn)."""
    features = _draw_features(rng, count)
    features["USERID"] = _fresh_ids(rng, used_ids, count)
    features["churn"] = np.zeros(count, dtype=np.int64)
    return _as_frame(features)


def _newcomer_count(stayers: int, new_share: float) -> int:
    """Return how many newcomers make them `new_share` of the new table."""
    return int(round(stayers * new_share / (1 - new_share)))


def _drift(stayers: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Return the stayers one quarter older: birthdays, balances and salaries move, activity and products change."""
    n = len(stayers)
    drifted = {name: stayers[name].to_numpy().copy() for name in COLUMNS}
    drifted["age"] = drifted["age"] + (rng.random(n) < BIRTHDAY_SHARE)
    drifted["balance"] = np.round(drifted["balance"] * np.exp(rng.normal(0.0, BALANCE_DRIFT_SD, n)), 2)
    drifted["EST_SALARY"] = np.round(drifted["EST_SALARY"] * np.exp(rng.normal(0.005, SALARY_DRIFT_SD, n)), 2)
    flip = rng.random(n) < ACTIVITY_FLIP_SHARE
    drifted["last_activity"] = np.where(flip, 1 - drifted["last_activity"], drifted["last_activity"])
    step = np.where(rng.random(n) < PRODUCT_CHANGE_SHARE, rng.choice([-1, 1], size=n), 0)
    drifted["products"] = np.where(step != 0, np.clip(drifted["products"] + step, 1, 5), drifted["products"])
    return _as_frame(drifted)


def _action_groups(frame: pd.DataFrame) -> list[np.ndarray]:
    """Return the masks of the targeted groups, the neglected (no credit card) and the untouched (everyone else)."""
    targeted = _retention_target(frame)
    neglected = (frame["credit_card"].to_numpy() == 0) & ~targeted
    return [targeted, neglected, ~targeted & ~neglected]


def _shifted_probability(table: pd.DataFrame, previous: pd.DataFrame, retention_effect: float) -> np.ndarray:
    """Return next quarter's churn probabilities: lower where retention aimed, a little higher for the neglected."""
    logit = _churn_logit(table)
    probability = np.zeros(len(table))
    factors = (1 - retention_effect, NEGLECTED_RISE, 1.0)
    for now, before, factor in zip(_action_groups(table), _action_groups(previous), factors):
        # The stayers are those who did not leave, so with fixed propensities churn would fall by selection
        # alone; each group starts from its own rate of last quarter, and only the actions move it.
        level = float(previous["churn"].to_numpy()[before].mean()) if before.any() else float("nan")
        shifted = expit(logit[now] + _level_shift(logit[now], level))
        probability[now] = np.minimum(shifted * factor, 1.0)
    return probability


def _level_shift(logit: np.ndarray, level: float) -> float:
    """Return the common log-odds shift that makes `logit` average the churn rate `level` (0 if it cannot)."""
    if len(logit) == 0 or not 0 < level < 1:
        return 0.0
    return brentq(lambda shift: float(np.mean(expit(logit + shift))) - level, -30.0, 30.0, xtol=1e-6)


def _as_frame(columns: Mapping[str, np.ndarray]) -> pd.DataFrame:
    """Return the columns as a customer table in the real column order and dtypes."""
    frame = pd.DataFrame({name: columns[name] for name in COLUMNS})
    frame = frame.astype({name: "int64" for name in _INT_COLUMNS} | {name: "float64" for name in _FLOAT_COLUMNS})
    return frame.astype({"city": "str", "gender": "str"})
