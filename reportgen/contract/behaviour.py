"""The context of a behaviour segmentation (a table without a churn flag): distributions and named clusters."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from reportgen.contract.base import FeatureType, Part, Status
from reportgen.contract.meta import ContextHeader
from reportgen.contract.plan import ActionPlan, Playbook
from reportgen.contract.segments import (BaseProfile, Candidate, Distinguishing, FeatureSummary, OverRepresented,
                                         Recommendation, Transform)


class Clients(Part):
    """How many clients were analysed."""

    clients: int


class Histogram(Part):
    """A histogram: k + 1 edges and k counts, on a linear, log(1 + x) or one-bin-per-value scale."""

    scale: Literal["linear", "log", "discrete"]
    edges: list[float]
    counts: list[int]


class LevelCount(Part):
    """One level of a yes/no or categorical feature."""

    level: Any
    count: int
    share: float


class OtherLevels(Part):
    """The levels beyond those listed, pooled."""

    levels: int
    count: int
    share: float


class Distribution(Part):
    """One feature's distribution over all clients, for a small multiple."""

    type: FeatureType
    role: str | None
    count: int
    missing: int
    mean: float | None = None
    median: float | None = None
    q1: float | None = None
    q3: float | None = None
    min: float | None = None
    max: float | None = None
    std: float | None = None
    histogram: Histogram | None = None
    levels: list[LevelCount] | None = None
    other: OtherLevels | None = None


class BehaviourFeature(FeatureSummary):
    """A feature in a cluster's profile against all clients, with its standardised difference."""

    type: FeatureType
    role: str | None
    base: FeatureSummary
    over_represented: list[OverRepresented] | None = None
    z: float | None = None
    z_levels: dict[str, float] | None = None


class BehaviourProfile(Part):
    """Every feature of a cluster against all clients, and the most distinctive ones."""

    features: dict[str, BehaviourFeature]
    distinguishing: list[Distinguishing]


class Standardised(Part):
    """A cluster's mean minus all clients' mean, in standard deviations of all clients."""

    feature: str
    role: str | None
    level: Any = None
    z: float | None


class Trait(Part):
    """What sets a cluster apart: a feature (or a category's level) clearly above or below all clients."""

    feature: str
    role: str | None
    direction: Literal["high", "low"]
    z: float
    level: Any = None


class Group(Part):
    """One behaviour cluster: size, profile, traits (its name, in words, is the renderers'), actions."""

    id: str
    cluster: int
    size: int
    share: float
    profile: BehaviourProfile
    standardised: list[Standardised]
    traits: list[Trait] = Field(description="Strongest first; empty: close to all clients on every feature.")
    name_unique: bool
    recommendations: list[Recommendation]


class Outliers(Part):
    """Extreme clients set aside before clustering (count 0 mostly)."""

    count: int
    rows: list[int]


class BehaviourClusters(Part):
    """KMeans on the scaled features; `reason` says why there are no clusters."""

    status: Status
    reason: str | None = None
    k: int | None = None
    choice: Literal["best_silhouette", "most_balanced"] | None = None
    candidates: list[Candidate] = Field(default_factory=list)
    min_share: float | None = None
    min_size: int | None = None
    outliers: Outliers | None = None
    trait_threshold: float | None = None
    max_traits: int | None = None
    transform: Transform | None = None
    centroids: list[list[float]] = Field(default_factory=list)
    chosen_on: int | None = None
    fitted_on: int | None = None
    silhouette_sample: int | None = None
    groups: list[Group] = Field(default_factory=list)


class BehaviourMethod(Part):
    """The parameters of the clustering."""

    clusters_range: list[int]
    min_cluster_share: float
    min_cluster_size: int
    trait_threshold: float
    random_state: int


class BehaviourContext(ContextHeader):
    """A behaviour segmentation: who the clients are, in groups, and what to do for each; no churn figures."""

    overview: Clients
    distributions: dict[str, Distribution] = Field(description="Every feature's distribution over all clients.")
    base_profile: BaseProfile = Field(description="Every feature summarised over all clients.")
    clusters: BehaviourClusters
    playbook: Playbook
    action_plan: ActionPlan
    method: BehaviourMethod
