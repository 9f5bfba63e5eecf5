"""Churn-prone rule segments (with how they were validated), KMeans clusters, profiles and recommendations."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from reportgen.contract.base import FeatureType, Lifted, Number, Part, Rate, Status


class Condition(Part):
    """One condition of a rule: a range of a numeric feature (low inclusive, high exclusive) or a value."""

    feature: str
    op: Literal["range", "==", "other"]
    low: float | None = None
    high: float | None = None
    integer: bool | None = Field(default=None, description="Whole-number thresholds: 'under 7' reads 'up to 6'.")
    value: Any = None
    values: list[Any] | None = None


class FeatureSummary(Part):
    """One feature summarised over a group of clients."""

    n: int
    missing: int
    mean: float | None = None
    median: float | None = None
    std: float | None = None
    q1: float | None = None
    q3: float | None = None
    skewed: bool | None = None
    share: float | None = None
    shares: dict[str, float] | None = None
    majority: str | None = None
    majority_share: float | None = None


class OverRepresented(Part):
    """A level more frequent in the group than among all clients."""

    level: str
    share: float
    base_share: float
    ratio: float


class ProfileFeature(FeatureSummary):
    """A feature in a group's profile, next to all clients' (base)."""

    type: FeatureType
    role: str | None
    base: FeatureSummary
    over_represented: list[OverRepresented] | None = None


class Distinguishing(Part):
    """How strongly a feature sets a group apart from all clients."""

    feature: str
    type: FeatureType
    score: float
    direction: Literal["higher", "lower"]
    level: str | None = None
    share: float | None = None
    base_share: float | None = None


class Profile(Part):
    """Every feature of a group against all clients, and the most distinctive ones."""

    features: dict[str, ProfileFeature]
    distinguishing: list[Distinguishing]


class Figure(Part):
    """A number a recommendation quotes, with how to format it."""

    value: Any
    format: Literal["percent", "points", "money", "number", "ratio", "level", "count"]
    feature: str


class Recommendation(Part):
    """A playbook rule that applies to a group, with the figures its text quotes."""

    id: str
    priority: int
    horizon: Literal["short", "medium", "long"]
    generic: bool
    figures: dict[str, Figure]


class Discovery(Lifted):
    """A segment's figures on the clients the search looked at (biased upward: shown for reference only)."""


class RuleSegment(Lifted):
    """A churn-prone segment: its rule, its size in the whole table, and its churn measured on unseen clients.

    customers, churned, churn_rate, its interval, lift and p-values are measured on the holdout clients the
    search never saw; size and share count every client meeting the rule.
    """

    id: str
    rule: list[Condition]
    pruned: list[Condition] = Field(description="Conditions removed because they added nothing on unseen clients.")
    discovery: Discovery
    p_value: float | None = Field(description="One-sided test against the other unseen clients.")
    p_adjusted: float | None = Field(description="Holm over the shortlisted segments.")
    size: int
    share: float
    measured_on: Literal["holdout"]
    overlap: dict[str, float] = Field(description="Jaccard index with each other segment.")
    profile: Profile
    recommendations: list[Recommendation]


class DroppedSegment(Lifted):
    """A shortlisted segment that was not reported, and why."""

    rule: list[Condition]
    pruned: list[Condition]
    discovery: Discovery
    p_value: float | None
    p_adjusted: float | None
    size: int
    reason: Literal["too_small", "not_significant_on_unseen", "overlaps_a_kept_segment", "beyond_segments_max"]


class Split(Part):
    """How the clients were split between the search (discovery) and the measurement (holdout)."""

    method: Literal["holdout"]
    seed: int
    discovery: Rate
    holdout: Rate


class SegmentSearch(Part):
    """How the segments were searched and validated; `reason` says why there are none."""

    min_size: int
    searched: int = Field(description="Combinations of conditions counted.")
    conditions_tested: int = Field(description="Single conditions tested (Holm over all of them).")
    dropped: list[DroppedSegment]
    validation: Split | None
    reason: Literal["one_outcome", "too_small", "no_churn_prone_condition", "none_held"] | None = None
    needed: dict[str, int] | None = None


class Candidate(Part):
    """One number of clusters tried."""

    k: int
    silhouette: float | None
    inertia: float
    min_share: float
    accepted: bool


class Transform(Part):
    """The feature transform of the clustering, kept so that next quarter's clients can be assigned."""

    columns: list[str]
    impute: dict[str, float]
    log: list[str]
    levels: dict[str, list[str]]
    dropped: list[str]
    mean: list[float]
    scale: list[float]
    weights: list[float]


class ClusterGroup(Lifted):
    """One KMeans cluster: size, churn (not chosen by churn, so measured on all its clients) and profile."""

    id: str
    cluster: int
    size: int
    share: float
    profile: Profile
    recommendations: list[Recommendation]


class Clusters(Part):
    """The KMeans clustering: k and how it was chosen, the transform, centroids and the groups."""

    status: Status
    reason: str | None = None
    k: int | None = None
    choice: Literal["best_silhouette", "most_balanced"] | None = None
    candidates: list[Candidate] = Field(default_factory=list)
    transform: Transform | None = None
    centroids: list[list[float]] = Field(default_factory=list)
    chosen_on: int | None = None
    fitted_on: int | None = None
    silhouette_sample: int | None = None
    groups: list[ClusterGroup] = Field(default_factory=list)


BaseProfile = dict[str, FeatureSummary]
Numbers = dict[str, Number]
