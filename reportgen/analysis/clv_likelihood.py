"""Likelihoods of the CLV models on unique rows with weights, and the optimiser that refuses what it cannot trust.

Used by reportgen.analysis.clv, which checks the inputs and holds the public functions.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import minimize
from scipy.special import digamma, expit, gammaln
from threadpoolctl import threadpool_limits

# Parameters are bounded to 1e-5..1e5 with times scaled to their mean (and spends to theirs). A fit that ends
# on a bound has collapsed (nobody drops out, so b runs off to infinity; spends all alike, so q does): its
# parameters describe no population and are refused as degenerate.
LOG_BOUND = math.log(1e5)
AT_BOUND = 1e-3  # distance, in log-parameter, under which a parameter counts as being on its bound
# ... and a parameter whose log has a standard error above ln(10) is not known within a factor of 10: the data
# do not determine it (seen with 25 simulated repeat buyers: standard errors of 5 to 13 on log a and log b;
# 0.5 to 1.5 from 40 repeat buyers on; 0.3 on CDNOW's 946).
LOG_SE_LIMIT = math.log(10)
# Relative change of the mean log-likelihood and size of its projected gradient at which L-BFGS-B stops:
# tight enough to reproduce the published CDNOW parameters to 3 decimals.
FTOL, GTOL = 1e-14, 1e-9


def unique_rows(*columns: np.ndarray) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """Return (the unique rows' columns, how many times each occurs, each row's index among them)."""
    n = len(columns[0])
    order = np.lexsort(columns[::-1])
    ordered = [c[order] for c in columns]
    new = np.ones(n, dtype=bool)  # where a row differs from the one before it in sorted order
    if n > 1:
        new[1:] = np.logical_or.reduce([c[1:] != c[:-1] for c in ordered])
    starts = np.flatnonzero(new)
    inverse = np.empty(n, dtype=np.intp)
    inverse[order] = np.cumsum(new) - 1
    return [c[starts] for c in ordered], np.diff(np.append(starts, n)), inverse


class BgnbdLikelihood:
    """Unique (x, t_x, T) rows with weights, arranged so that one evaluation costs little.

    Terms of x alone or T alone are summed once per distinct value; only repeat buyers' rows (who may have
    dropped out after their last purchase) need work row by row.
    """

    def __init__(self, x: np.ndarray, t_x: np.ndarray, T: np.ndarray):
        (x, t_x, T), w, _ = unique_rows(x, t_x, T)
        self.ux, ix = np.unique(x, return_inverse=True)
        self.uT, iT = np.unique(T, return_inverse=True)
        self.wx = np.bincount(ix, weights=w, minlength=len(self.ux))  # clients per distinct x
        self.wT = np.bincount(iT, weights=w, minlength=len(self.uT))  # clients per distinct T
        self.wxT = np.bincount(iT, weights=w * x, minlength=len(self.uT))  # ... and their repeat purchases
        self.total, self.purchases = float(w.sum()), float(w @ x)
        repeat = x > 0
        self.w, self.x, self.ix, self.iT = w[repeat], x[repeat], ix[repeat], iT[repeat]
        self.ut, self.it = np.unique(t_x[repeat], return_inverse=True)

    def log_likelihood(self, r: float, alpha: float, a: float, b: float, gradient: bool = False):
        """Return the weighted log-likelihood (and its gradient in r, alpha, a, b when asked)."""
        ux, x, w = self.ux, self.x, self.w
        per_x = gammaln(r + ux) - gammaln(r) + gammaln(a + b) + gammaln(b + ux) - gammaln(b) - gammaln(a + b + ux)
        log_T = np.log(alpha + self.uT)
        # every client is still alive at T, or (a repeat buyer) dropped out just after the last purchase:
        # log L = log(alive term) + log(1 + odds), odds = dropped term / alive term
        alive = self.wx @ per_x + self.total * r * math.log(alpha) - (r * self.wT + self.wxT) @ log_T
        b_x = b + np.maximum(ux, 1) - 1  # b + x - 1, used for x > 0 only
        gap = log_T[self.iT] - np.log(alpha + self.ut)[self.it]  # log((alpha + T) / (alpha + t_x)) >= 0
        log_odds = math.log(a) - np.log(b_x)[self.ix] + (r + x) * gap
        ll = float(alive + w @ np.logaddexp(0.0, log_odds))
        if not gradient:
            return ll
        dropped = w * expit(log_odds)  # weighted posterior probability of having dropped out
        inverse_T = 1 / (alpha + self.uT)
        d_r = self.wx @ (digamma(r + ux) - digamma(r)) + self.total * math.log(alpha) - self.wT @ log_T + dropped @ gap
        d_alpha = (self.total * r / alpha - (r * self.wT + self.wxT) @ inverse_T
                   + dropped @ ((r + x) * (inverse_T[self.iT] - 1 / (alpha + self.ut)[self.it])))
        common = digamma(a + b) - digamma(a + b + ux)
        d_a = self.wx @ common + dropped.sum() / a
        d_b = self.wx @ (common + digamma(b + ux) - digamma(b)) - dropped @ (1 / b_x)[self.ix]
        return ll, np.array([d_r, d_alpha, d_a, d_b])


class GammaGammaLikelihood:
    """Unique (x, zbar) rows of the repeat buyers with weights; x-only terms are computed per distinct x."""

    def __init__(self, x: np.ndarray, zbar: np.ndarray):
        (x, z), self.w, _ = unique_rows(x, zbar)
        self.ux, ix = np.unique(x, return_inverse=True)
        self.wx = np.bincount(ix, weights=self.w, minlength=len(self.ux))  # clients per distinct x
        self.w_x, self.xz = self.w * x, x * z
        log_xz = np.log(self.xz)
        self.total, self.s1, self.s0 = float(self.w.sum()), float(self.w_x @ log_xz), float(self.w @ log_xz)
        self.log_x = float(self.wx @ np.log(self.ux))

    def log_likelihood(self, p: float, q: float, gamma: float, gradient: bool = False):
        """Return the weighted log-likelihood of the mean spends (and its gradient in p, q, gamma when asked)."""
        ux = self.ux
        log_g = np.log(gamma + self.xz)
        sum_x, sum_1 = self.w_x @ log_g, self.w @ log_g  # sums of x log(gamma + x zbar) and of log(...)
        per_x = gammaln(p * ux + q) - gammaln(p * ux) - gammaln(q)
        ll = float(self.wx @ per_x + self.total * q * math.log(gamma) + p * self.s1 - self.s0 + self.log_x
                   - p * sum_x - q * sum_1)
        if not gradient:
            return ll
        inverse = 1 / (gamma + self.xz)
        d_p = self.wx @ (ux * (digamma(p * ux + q) - digamma(p * ux))) + self.s1 - sum_x
        d_q = self.wx @ (digamma(p * ux + q) - digamma(q)) + self.total * math.log(gamma) - sum_1
        d_gamma = self.total * q / gamma - p * (self.w_x @ inverse) - q * (self.w @ inverse)
        return ll, np.array([d_p, d_q, d_gamma])


def log_standard_errors(gradient, theta: np.ndarray) -> np.ndarray:
    """Return the standard errors of the log-parameters at the optimum theta (inf for those left undetermined).

    The observed information is the negated Hessian of the log-likelihood in log-parameters, by central
    differences of the analytic gradient. Where it is not positive definite, the parameters that move along
    a flat (or worse) direction get an infinite standard error.
    """
    step = 1e-4
    rows = np.array([(gradient(theta + step * e) - gradient(theta - step * e)) / (2 * step)
                     for e in np.eye(len(theta))])
    information = -(rows + rows.T) / 2
    if not np.all(np.isfinite(information)):
        return np.full(len(theta), np.inf)
    values, vectors = np.linalg.eigh(information)
    if values[0] <= 0:
        return np.where(np.abs(vectors[:, values <= 0]).max(axis=1) > 0.3, np.inf, 0.0)
    return np.sqrt(np.einsum("ij,j,ij->i", vectors, 1 / values, vectors))


def maximise(log_likelihood, starts: list[np.ndarray], names: tuple[str, ...], clients: float) -> dict:
    """Return {'log_params', 'log_se', 'iterations'} of the maximum likelihood, or {'reason', 'detail'}.

    The mean log-likelihood is maximised over log-parameters with L-BFGS-B from each start in turn until one
    converges to a determined optimum. 'degenerate': the optimum lies on a bound, or the data leave a
    parameter undetermined (standard error of its log above LOG_SE_LIMIT, or a flat likelihood).
    """
    def objective(theta):  # the mean over clients, so that the tolerances hold for any number of them
        ll, grad = log_likelihood(np.exp(theta))
        if not np.isfinite(ll) or not np.all(np.isfinite(grad)):
            return np.inf, np.zeros_like(theta)
        return -ll / clients, -grad * np.exp(theta) / clients

    failure = {"reason": "no_convergence", "detail": ""}
    bounds = [(-LOG_BOUND, LOG_BOUND)] * len(starts[0])
    for start in starts:
        # the likelihoods are dot products: OpenBLAS's threads made each one 10 times slower (measured on a
        # loaded 2-core machine: a 30,000-client fit took 0.86 s instead of 0.08 s)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"), threadpool_limits(1, user_api="blas"):
            run = minimize(objective, np.log(start), jac=True, method="L-BFGS-B", bounds=bounds,
                           options={"ftol": FTOL, "gtol": GTOL, "maxiter": 2000})
            if not run.success or not np.isfinite(run.fun) or not np.all(np.isfinite(run.x)):
                if failure["reason"] == "no_convergence":  # an optimum found degenerate says more
                    failure["detail"] = str(run.message)
                continue
            on_bound = [n for n, v in zip(names, run.x) if LOG_BOUND - abs(v) < AT_BOUND]
            log_se = log_standard_errors(lambda th: -clients * objective(th)[1], run.x)
        if on_bound:
            failure = {"reason": "degenerate", "detail": f"{', '.join(on_bound)} on the bound of 1e-5..1e5"}
        elif np.max(log_se) > LOG_SE_LIMIT:
            loose = [n for n, v in zip(names, log_se) if v > LOG_SE_LIMIT]
            failure = {"reason": "degenerate", "detail": f"{', '.join(loose)} not determined by the data"}
        else:
            return {"log_params": run.x, "log_se": log_se, "iterations": int(run.nit)}
    return failure
