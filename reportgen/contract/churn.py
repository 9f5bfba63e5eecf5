"""Churn overall, by factor, and the hypothesis tests."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from reportgen.contract.base import FeatureType, Lifted, Named, Number, Part, Rate, Status


class Overview(Rate):
    """Clients analysed, clients who left, the churn rate and its interval."""


class BandSpec(Part):
    """How a numeric feature was cut into bands (kept so that next quarter uses the same cuts)."""

    edges: list[float]
    integer: bool
    discrete: bool
    floor: float | None


class LevelSpec(Part):
    """Which levels of a categorical feature were kept (the rest pooled as 'other')."""

    levels: list[str]
    other: bool


class Level(Lifted):
    """One band or level of a feature with its churn, interval, lift and test against the rest."""

    level_type: Literal["band", "value", "flag", "other", "missing"]
    label: str = Field(description="Language-neutral label ('25-34', '55+', a category's own value).")
    low: float | None = None
    high: float | None = None
    value: Any = None
    p_value: float | None
    p_adjusted: float | None = Field(description="Holm-adjusted over every level of every feature.")
    churn_prone: bool = Field(description="Churn above average and significant after Holm.")


class Factor(Part):
    """Churn by one feature: every level, the spread between levels."""

    factor: str = Field(description="The column.")
    role: str | None
    type: FeatureType
    spec: BandSpec | LevelSpec | dict
    missing: int
    levels: list[Level]
    spread_pp: float
    max_lift_pp: float


class ChurnProneInterval(Part):
    """A churn-prone level of some feature, strongest first."""

    factor: str
    type: FeatureType
    label: str
    low: float | None = None
    high: float | None = None
    value: Any = None
    level_type: Literal["band", "value", "flag", "other"]
    customers: int
    churn_rate: float | None
    churn_rate_ci: list[float | None]
    lift_pp: float | None
    lift_ratio: float | None
    p_adjusted: float | None


class TestMethod(Part):
    """One method run on a numeric feature (the test names which one leads)."""

    method: Literal["welch_t", "mann_whitney", "bootstrap_median_difference"]
    status: Status
    reason: str | None = None
    statistic: float | None = None
    p_value: float | None = None
    p_adjusted: float | None = None
    significant: bool | None = None
    effect_size: Named | None = None
    difference: Named | None = None
    estimate: float | None = None
    ci: list[float] | None = None
    confidence: float | None = None
    resamples: int | None = None
    excludes_zero: bool | None = None


class Test(Part):
    """Whether churned and retained clients differ on a feature; a test that cannot run says why."""

    id: str
    question: str
    feature: str
    type: Literal["numeric", "categorical"]
    dropped_missing: int
    groups: dict[str, dict[str, Number | None]] = Field(
        description="Per group (churned/retained, or each level): n and figures.")
    status: Status
    reason: str | None = None
    method: str | None = None
    lead_reason: str | None = None
    skewness: float | None = None
    min_expected: float | None = None
    dof: int | None = None
    statistic: float | None = None
    p_value: float | None = None
    effect_size: Named | None = None
    methods: list[TestMethod] = Field(default_factory=list)
    p_adjusted: float | None = None
    significant: bool | None = None
