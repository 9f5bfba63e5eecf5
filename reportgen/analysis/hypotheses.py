"""Hypothesis tests: churned vs retained on numeric features, churn vs categorical features, Holm-corrected.

Each test checks first that it can run (group sizes, variance, levels): one that cannot is reported as
not computable with a reason, never as NaN or as the false p = 0 of a t-test on two constant groups.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import special, stats

from reportgen.analysis.rates import holm
from reportgen.roles import Roles
from reportgen.analysis.moments import skewness, sorted_quantiles

MIN_GROUP = 3  # smallest group a two-sample test is run on
SKEW_LIMIT = 1.0  # |skewness| above which means mislead and the rank test leads
SMALL_EXPECTED = 5  # expected count under which chi-square is replaced by Fisher's exact test
DIRECT_BOOTSTRAP_MAX = 2_000  # above this group size the exact bootstrap law of the median is sampled instead

QUESTION_NUMERIC = "numeric_difference"
QUESTION_CATEGORICAL = "churn_association"


def run_tests(frame: pd.DataFrame, roles: Roles, alpha: float, resamples: int, seed: int) -> list[dict]:
    """Return every test (numeric and categorical features) with Holm-adjusted p-values and conclusions."""
    churn = frame[roles.churn].to_numpy(dtype=int)
    rng = np.random.default_rng(seed)
    tests = []
    for column in roles.numeric:
        tests.append(numeric_test(frame[column], churn, column, resamples, rng))
    for column in [*roles.binary, *roles.categorical]:
        tests.append(categorical_test(frame[column], churn, column, seed))
    _adjust(tests, alpha)
    return tests


def numeric_test(values: pd.Series, churn: np.ndarray, column: str, resamples: int, rng: np.random.Generator) -> dict:
    """Return Welch's t, Mann-Whitney U and a bootstrap interval of the median difference (churned - retained)."""
    x = values.to_numpy(dtype=float)
    present = ~np.isnan(x)
    churned, retained = x[present & (churn == 1)], x[present & (churn == 0)]
    # each group sorted once, for its quartiles, the rank test and the bootstrap's law of the median (ten
    # million clients: 2 s a sort of both groups; quartiles of a sorted group cost a seventh)
    ordered = np.sort(churned), np.sort(retained)
    test = {
        "id": f"numeric:{column}",
        "question": QUESTION_NUMERIC,
        "feature": column,
        "type": "numeric",
        "dropped_missing": int((~present).sum()),
        "groups": {"churned": _describe(churned, ordered[0]), "retained": _describe(retained, ordered[1])},
    }
    reason = _cannot_compare(churned, retained)
    if reason:
        return {**test, **_not_computable(reason)}
    welch = _welch(churned, retained)
    mann = _mann_whitney(*ordered)
    boot = bootstrap_median_difference(churned, retained, resamples, rng, ordered)
    skew = max(abs(skewness(churned)), abs(skewness(retained)))
    lead, why = (mann, "skewed") if skew > SKEW_LIMIT else (welch, "near_symmetric")
    if lead["status"] != "ok":  # e.g. one group constant: the rank test may still run
        lead, why = next(((m, "only_computable") for m in (welch, mann) if m["status"] == "ok"), (lead, why))
    if lead["status"] != "ok":
        return {**test, **_not_computable(lead["reason"]), "methods": [welch, mann, boot]}
    return {
        **test,
        "status": "ok",
        "method": lead["method"],
        "lead_reason": why,
        "skewness": skew,
        "statistic": lead["statistic"],
        "p_value": lead["p_value"],
        "effect_size": lead["effect_size"],
        "methods": [welch, mann, boot],
    }


def categorical_test(values: pd.Series, churn: np.ndarray, column: str, seed: int) -> dict:
    """Return chi-square (or Fisher's exact test when expected counts are small) with Cramér's V."""
    # numbered once, missing cells -1: no mask of the cells and no copy of the present ones (ten million
    # clients: 0.8 s a column)
    codes, uniques = pd.factorize(values, sort=False)
    present = codes >= 0
    levels, counts = _crosstab(codes[present], uniques, churn[present])
    test = {
        "id": f"categorical:{column}",
        "question": QUESTION_CATEGORICAL,
        "feature": column,
        "type": "categorical",
        "dropped_missing": int((~present).sum()),
        "groups": {level: {"n": int(row.sum()), "churned": int(row[1])} for level, row in zip(levels, counts)},
    }
    outcomes = [o for o in (0, 1) if counts[:, o].sum() > 0]
    if len(levels) < 2:
        return {**test, **_not_computable("one_level")}
    if len(outcomes) < 2:
        return {**test, **_not_computable("one_outcome")}
    observed = counts[:, outcomes]
    chi2, p, dof, expected = stats.chi2_contingency(observed, correction=False)
    n = observed.sum()
    cramers_v = math.sqrt(chi2 / (n * (min(observed.shape) - 1))) if n else 0.0
    effect = {"name": "cramers_v", "value": cramers_v}
    small = bool(expected.min() < SMALL_EXPECTED)
    if small:
        fisher = _fisher(observed, seed)
        if fisher is not None:
            return {**test, "status": "ok", "method": "fisher_exact", "lead_reason": "small_expected_counts",
                    "min_expected": float(expected.min()), "statistic": fisher[0], "p_value": fisher[1],
                    "effect_size": effect, "dof": int(dof)}
    # a table too large for the exact test keeps chi-square, and says that its p-value is then approximate
    return {**test, "status": "ok", "method": "chi_square",
            "lead_reason": "expected_counts_small" if small else "expected_counts_ok",
            "min_expected": float(expected.min()),
            "statistic": float(chi2), "p_value": float(p), "effect_size": effect, "dof": int(dof)}


def _crosstab(codes: np.ndarray, uniques, churn: np.ndarray) -> tuple[list[str], np.ndarray]:
    """Return the levels as text, sorted, and the stayers and leavers of each (a row per level), from the
    cells' codes into their distinct values (pd.factorize's, none missing).

    The distinct values are turned into text, not every cell: pd.crosstab over a million cells' text took
    half a second per feature.
    """
    names = [str(u) for u in uniques]
    levels = sorted(set(names))
    position = {name: i for i, name in enumerate(levels)}
    level = np.array([position[name] for name in names], dtype=np.int64)[codes]
    counts = np.bincount(level * 2 + np.asarray(churn, dtype=np.int64), minlength=2 * len(levels))
    return levels, counts.reshape(-1, 2)


def bootstrap_median_difference(a: np.ndarray, b: np.ndarray, resamples: int, rng: np.random.Generator,
                                ordered: tuple[np.ndarray, np.ndarray] | None = None,
                                confidence: float = 0.95) -> dict:
    """Return the median difference a - b with its percentile bootstrap interval; `ordered` is (a, b)
    sorted, when the caller has them."""
    if len(a) < MIN_GROUP or len(b) < MIN_GROUP:
        return {"method": "bootstrap_median_difference", **_not_computable("group_too_small")}
    sa, sb = ordered or (None, None)
    medians_a = _bootstrap_medians(a, resamples, rng, sa)
    medians_b = _bootstrap_medians(b, resamples, rng, sb)
    diff = medians_a - medians_b
    tail = (1 - confidence) / 2
    low, high = np.quantile(diff, [tail, 1 - tail])
    return {
        "method": "bootstrap_median_difference",
        "status": "ok",
        "estimate": _median_difference(a, b, ordered),
        "ci": [float(low), float(high)],
        "confidence": confidence,
        "resamples": resamples,
        "excludes_zero": bool(low > 0 or high < 0),
    }


def _median_difference(a: np.ndarray, b: np.ndarray, ordered: tuple[np.ndarray, np.ndarray] | None) -> float:
    """Return np.median(a) - np.median(b), from the sorted groups when the caller has them (the same value
    without np.median's partition of each group: ten million clients, 0.7 s over the features)."""
    if ordered is not None:
        estimate = _sorted_median(ordered[0]) - _sorted_median(ordered[1])
        if estimate != 0:  # a zero's sign follows np.median's partition, not the sort: taken from it
            return estimate
    return float(np.median(a) - np.median(b))


def _bootstrap_medians(x: np.ndarray, resamples: int, rng: np.random.Generator,
                       ordered: np.ndarray | None = None) -> np.ndarray:
    """Return `resamples` bootstrap medians of x (`ordered`: x sorted, or None).

    Small groups are resampled directly. For large ones the median of a resample is an order statistic
    whose law is known exactly: P(M* <= x_(j)) = P(Binomial(n, j/n) >= m) with m = ceil(n/2); drawing from
    that law gives the same bootstrap distribution (of the lower median) in O(n) instead of O(n * resamples).
    """
    n = len(x)
    if n <= DIRECT_BOOTSTRAP_MAX:
        out = np.empty(resamples)
        chunk = max(1, 2_000_000 // n)
        for start in range(0, resamples, chunk):
            size = min(chunk, resamples - start)
            out[start:start + size] = np.median(x[rng.integers(0, n, size=(size, n))], axis=1)
        return out
    ordered = np.sort(x) if ordered is None else ordered
    m = math.ceil(n / 2)
    # the law is concentrated within a few sqrt(n) of the middle; outside it the probabilities are < 1e-20
    half = int(12 * math.sqrt(n)) + 10
    j = np.arange(max(1, m - half), min(n, m + half) + 1)
    cdf = stats.binom.sf(m - 1, n, j / n)  # P(M* <= x_(j))
    picks = np.searchsorted(cdf, rng.random(resamples), side="left")
    return ordered[j[np.minimum(picks, len(j) - 1)] - 1]


def _welch(a: np.ndarray, b: np.ndarray) -> dict:
    """Return Welch's t-test with Cohen's d; not computable when both groups are constant."""
    if a.var() == 0 and b.var() == 0:
        return {"method": "welch_t", **_not_computable("zero_variance")}
    t, p = stats.ttest_ind(a, b, equal_var=False)
    pooled = math.sqrt((a.var(ddof=1) * (len(a) - 1) + b.var(ddof=1) * (len(b) - 1)) / (len(a) + len(b) - 2))
    d = (a.mean() - b.mean()) / pooled if pooled > 0 else 0.0
    return {"method": "welch_t", "status": "ok", "statistic": float(t), "p_value": float(p),
            "effect_size": {"name": "cohens_d", "value": float(d)},
            "difference": {"name": "mean", "value": float(a.mean() - b.mean())}}


def _mann_whitney(sa: np.ndarray, sb: np.ndarray) -> dict:
    """Return the Mann-Whitney U test of two sorted groups with the rank-biserial correlation; not computable
    when all values tie."""
    if sa[0] == sa[-1] == sb[0] == sb[-1]:
        return {"method": "mann_whitney", **_not_computable("all_values_equal")}
    u, p = mann_whitney_sorted(sa, sb)
    r = 1 - 2 * u / (len(sa) * len(sb))  # rank-biserial: P(a < b) - P(a > b), here signed as a vs b
    return {"method": "mann_whitney", "status": "ok", "statistic": float(u), "p_value": float(p),
            "effect_size": {"name": "rank_biserial", "value": float(-r)},
            "difference": {"name": "median", "value": _sorted_median(sa) - _sorted_median(sb)}}


def mann_whitney_sorted(sa: np.ndarray, sb: np.ndarray) -> tuple[float, float]:
    """Return (U of the first group, two-sided p) of two sorted samples without missing values: scipy's
    mannwhitneyu(method="asymptotic") with its tie and continuity corrections, from the two sorts alone.

    scipy ranks the pooled sample with an argsort, 1.5 s per feature of ten million clients; here each
    distinct value of the first group is looked up in the second, so ties cost nothing extra.
    """
    n1, n2 = len(sa), len(sb)
    va, starts_a, ca = _runs(sa)
    vb, starts_b, cb = _runs(sb)
    # each distinct value of a looked up once among b's distinct values: where b's run of it starts (or the
    # next value's), and how long it is (0 when b has not got it); four searches of ten million reduced to one
    at = np.searchsorted(vb, va, side="left")
    same = np.zeros(len(va), dtype=bool)
    inside = np.flatnonzero(at < len(vb))
    same[inside] = vb[at[inside]] == va[inside]
    less_b = np.r_[starts_b, n2][at]
    equal_b = np.where(same, np.r_[cb, 0][at], 0)
    mean_rank = starts_a + less_b + (ca + equal_b + 1) / 2  # average rank of each of a's values in the pool
    u1 = float(np.sum(ca * mean_rank)) - n1 * (n1 + 1) / 2
    only_b = np.ones(len(vb), dtype=bool)
    only_b[at[same]] = False  # b's values that a has too
    tied = np.concatenate([ca + equal_b, cb[only_b]]).astype(float)
    tie_term = float(np.sum(tied ** 3 - tied))
    n = n1 + n2
    spread = math.sqrt(n1 * n2 / 12 * ((n + 1) - tie_term / (n * (n - 1))))
    z = (max(u1, n1 * n2 - u1) - n1 * n2 / 2 - 0.5) / spread  # the larger U, less the continuity correction
    return u1, float(min(max(2 * special.ndtr(-z), 0.0), 1.0))


def _runs(sorted_values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return the distinct values of a sorted array, where each starts and how many times it occurs."""
    starts = np.flatnonzero(np.r_[True, sorted_values[1:] != sorted_values[:-1]])
    counts = np.diff(np.r_[starts, len(sorted_values)])
    return sorted_values[starts], starts, counts


def _sorted_median(sorted_values: np.ndarray) -> float:
    """Return the median of a sorted, non-empty array as np.median gives it: the middle value, or the mean
    of the two middle values when even (a middle value added to itself overflowed above 9e307)."""
    n = len(sorted_values)
    if n % 2:
        return float(sorted_values[n // 2])
    return float((sorted_values[n // 2 - 1] + sorted_values[n // 2]) / 2)


def _fisher(observed: np.ndarray, seed: int) -> tuple[float, float] | None:
    """Return (statistic, p) of Fisher's exact test, or None when the table is too large for it; a table of
    more than two rows gets scipy's Monte Carlo p-value, drawn from a generator seeded with `seed`."""
    if observed.shape[0] > 2 and observed.sum() > 2_000:
        return None  # the r x c network algorithm grows too slow; chi-square is reported instead
    # an r x c table's p is drawn at random: unseeded, two runs on the same table gave 0.138 and 0.150
    method = stats.MonteCarloMethod(rng=np.random.default_rng(seed)) if observed.shape != (2, 2) else None
    # numpy's floating-point flags (an odds ratio over zero), set for this thread only: the tests run beside
    # other stages (analysis.engine), and warnings.catch_warnings changes every thread's filters
    with np.errstate(all="ignore"):
        result = stats.fisher_exact(observed, method=method)
    # scipy returns one-element arrays for a table of more than two rows: a category of three levels
    # with few clients made the whole analysis fail here
    statistic, p = float(np.ravel(result.statistic)[0]), float(np.ravel(result.pvalue)[0])
    return (statistic if np.isfinite(statistic) else None), p


def _cannot_compare(a: np.ndarray, b: np.ndarray) -> str | None:
    """Return why two groups cannot be compared (empty, too small), or None."""
    if len(a) == 0 or len(b) == 0:
        return "empty_group"
    if len(a) < MIN_GROUP or len(b) < MIN_GROUP:
        return "group_too_small"
    if np.all(a == a[0]) and np.all(b == a[0]):
        return "all_values_equal"
    return None


def _describe(x: np.ndarray, ordered: np.ndarray) -> dict:
    """Return n, mean, median, standard deviation and quartiles of a group (None when empty); `ordered` is
    the group sorted (the same quartiles, found faster; the mean and deviation summed in the group's order)."""
    if len(x) == 0:
        return {"n": 0, "mean": None, "median": None, "std": None, "q1": None, "q3": None}
    quartiles = sorted_quantiles(ordered, [0.25, 0.5, 0.75])
    if not quartiles.all():  # a zero may be -0.0 in the group's order and 0.0 in the sorted one: taken there
        quartiles = np.quantile(x, [0.25, 0.5, 0.75])
    q1, median, q3 = quartiles
    return {"n": int(len(x)), "mean": float(x.mean()), "median": float(median),
            "std": float(x.std(ddof=1)) if len(x) > 1 else None, "q1": float(q1), "q3": float(q3)}



def _not_computable(reason: str) -> dict:
    """Return the fields of a test that could not run."""
    return {"status": "not_computable", "reason": reason, "statistic": None, "p_value": None,
            "effect_size": None, "significant": False}


def _adjust(tests: list[dict], alpha: float) -> None:
    """Set p_adjusted and `significant` on every test and method: Holm over each p-value computed once.

    The family is every method run (Welch and Mann-Whitney for numeric features, chi-square or Fisher for
    categorical ones); a test's own p_adjusted is that of the method it leads with.
    """
    entries = []
    for test in tests:
        methods = [m for m in test.get("methods", []) if m.get("status") == "ok" and "p_value" in m]
        entries.extend(methods if methods else ([test] if test["status"] == "ok" else []))
    for entry, adjusted in zip(entries, holm([e["p_value"] for e in entries])):
        entry["p_adjusted"] = adjusted
        entry["significant"] = adjusted < alpha
    for test in tests:
        lead = next((m for m in test.get("methods", []) if m.get("method") == test.get("method")), None)
        if lead is not None and test["status"] == "ok":
            test["p_adjusted"], test["significant"] = lead["p_adjusted"], lead["significant"]
        test.setdefault("p_adjusted", None)
        test.setdefault("significant", False)
