"""The context of a transaction log, its value part: the lifetime-value models, their hold-out check, the value
of each group and one compact row per client."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from reportgen.contract.base import Part, Status


class Fit(Part):
    """A model fit: parameters only when it succeeded, the reason when it failed."""

    status: Literal["ok", "failed"]
    reason: str | None = None
    detail: str | None = None
    clients: int | None = None
    repeat_buyers: int
    min_repeat_buyers: int
    log_likelihood: float | None = None
    iterations: int | None = None
    frequency_spend_correlation: float | None = None
    standard_errors: dict[str, float | None] | None = Field(default=None, description="Of each parameter.")
    r: float | None = None
    alpha: float | None = None
    a: float | None = None
    b: float | None = None
    p: float | None = None
    q: float | None = None
    gamma: float | None = None

    @model_validator(mode="after")
    def _no_parameters_from_a_failed_fit(self):
        """Refuse a failed fit that carries parameters, or a successful one without its reason cleared."""
        params = [self.r, self.alpha, self.a, self.b, self.p, self.q, self.gamma]
        if self.status == "failed" and (any(v is not None for v in params) or self.standard_errors):
            raise ValueError("a failed fit carries no parameter")
        if self.status == "ok" and self.reason is not None:
            raise ValueError("a successful fit has no failure reason")
        return self


class HoldoutGroup(Part):
    """Clients with a number of repeat purchases in the calibration part: actual and predicted means after it."""

    label: str
    x_min: int
    x_max: int | None
    clients: int
    actual_mean: float
    predicted_mean: float


class Holdout(Part):
    """BG/NBD fitted on the log up to the calibration end, checked on the repeat purchases after it."""

    status: Status
    reason: str | None = None
    fit: Fit | None = None
    calibration_end: str | None = None
    weeks: float | None = None
    horizon: float | None = None
    clients: int | None = None
    actual: float | None = None
    predicted: float | None = None
    relative_error: float | None = None
    groups: list[HoldoutGroup] = Field(default_factory=list)


class ClvTotals(Part):
    """Sums and means over all clients."""

    clv: float
    mean_clv: float
    median_clv: float
    purchases_90: float
    purchases_365: float
    mean_p_alive: float
    mean_spend: float


class ClvDistribution(Part):
    """A histogram of the clients' CLV (the last bin also holds the values above its edge) and its quantiles."""

    edges: list[float]
    counts: list[int]
    above_last_edge: int
    quantiles: dict[str, float]
    top_decile_share: float | None


class GroupValue(Part):
    """A segment's or cluster's lifetime value."""

    clients: int
    mean_clv: float
    total_clv: float
    clv_share: float | None
    mean_p_alive: float
    purchases_365: float


class Clv(Part):
    """Customer lifetime value from BG/NBD and Gamma-Gamma; `reason` says why there is none."""

    status: Status
    reason: str | None
    failed_model: Literal["bgnbd", "gamma_gamma"] | None
    months: int
    monthly_discount: float
    unit: Literal["weeks"]
    month_weeks: float
    horizons_days: list[int]
    bgnbd: Fit
    gamma_gamma: Fit | None
    totals: ClvTotals | None
    distribution: ClvDistribution | None
    by_segment: dict[str, GroupValue]
    by_cluster: dict[str, GroupValue]
    holdout: Holdout


class ClientRows(Part):
    """One entry per client, column by column; clv, p_alive and purchases_365 are null without the models."""

    ids: list[str]
    segment: list[str]
    cluster: list[str | None]
    lapsed: list[bool]
    clv: list[float] | None
    p_alive: list[float] | None
    purchases_365: list[float] | None
