"""The context of a transaction log: cleaning, RFM segments, revenue concentration, RFM clusters, inactivity,
customer lifetime value and one compact row per client."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from reportgen.contract.base import Part, Status
from reportgen.contract.lifetime import ClientRows, Clv
from reportgen.contract.log import Log, LogOverview, LogQuality
from reportgen.contract.log_prediction import LogActionGroups, LogPrediction, LogValueAtRisk
from reportgen.contract.meta import ContextHeader
from reportgen.contract.plan import ActionPlan, Playbook
from reportgen.contract.segments import Candidate, Recommendation

Dimension = Literal["recency", "frequency", "monetary"]


class Stats(Part):
    """Median, mean and quartiles of a column over a group (null for an empty group)."""

    median: float | None
    mean: float | None
    q1: float | None
    q3: float | None


class GroupStats(Stats):
    """A column over a group, beside all clients (base)."""

    base: Stats


class GroupProfile(Part):
    """recency_days, purchase_days, revenue, basket and tenure_days of a group against all clients."""

    features: dict[str, GroupStats]


class ScoreBin(Part):
    """One score of a dimension: its clients and the range of their values."""

    score: int
    size: int
    min: float
    max: float


class Tie(Part):
    """The value shared by most clients on a dimension, and the scores it was spread over."""

    value: float
    size: int
    scores: list[int] = Field(min_length=2, max_length=2)


class Score(Part):
    """How one dimension was scored 1..5 by quintile."""

    column: str
    bins: list[ScoreBin]
    largest_tie: Tie


class RfmSegment(Part):
    """A named RFM segment: its R x F cells, clients, revenue share, profile and recommendations."""

    id: str = Field(description="champions, loyal, potential_loyalists, new, promising, need_attention, "
                                "about_to_sleep, at_risk, cant_lose, hibernating or lost.")
    name: str
    size: int
    share: float
    revenue_share: float
    cells: list[list[int]] = Field(description="Its [r, f] cells.")
    profile: GroupProfile
    recommendations: list[Recommendation]


class Cell(Part):
    """One cell of the R x F map."""

    r: int
    f: int
    segment: str
    size: int
    share: float
    revenue_share: float


class Rfm(Part):
    """RFM scores, the 11 segments (empty ones included) and the 25-cell R x F map."""

    clients: int
    revenue: float
    scores: dict[Dimension, Score]
    segments: list[RfmSegment]
    grid: list[Cell]
    base: dict[str, Stats]


class LorenzPoint(Part):
    """A point of the Lorenz curve: the share of revenue of the share of clients who spend least."""

    clients: float
    revenue: float


class Pareto(Part):
    """The smallest group of top clients that brings a share of the revenue."""

    revenue_share: float
    clients: int
    client_share: float


class Concentration(Part):
    """How concentrated the revenue is: the top 20 %'s share, the Lorenz curve and the Gini index."""

    clients: int
    top: float
    top_clients: int
    top_revenue_share: float | None
    lorenz: list[LorenzPoint]
    gini: float | None
    pareto: Pareto | None


class RfmTrait(Part):
    """A cluster on one dimension against all clients (z on the log scale)."""

    dimension: Dimension
    direction: Literal["recent", "long_ago", "frequent", "rare", "high", "low", "average"]
    z: float
    past_threshold: bool | None = None
    ratio: float | None
    mean_ratio: float | None


class Variant(Part):
    """Tells apart clusters of the same name: the dimension and their rank on it."""

    dimension: Dimension
    rank: int
    of: int


class RfmCluster(Part):
    """A KMeans cluster on log R, F, M: size, revenue share, centre, profile, traits, name and actions."""

    id: str
    cluster: int
    size: int
    share: float
    revenue_share: float
    centre: dict[str, float]
    profile: GroupProfile
    traits: list[RfmTrait]
    name: str = Field(description="champions, loyal, potential, new, need_attention, about_to_sleep, at_risk, "
                                  "cant_lose, hibernating or lost.")
    variant: Variant | None
    recommendations: list[Recommendation]


class RfmTransform(Part):
    """x -> (log1p(x) - mean) / scale, per column."""

    columns: list[str]
    log: bool
    mean: list[float]
    scale: list[float]


class RfmClusters(Part):
    """KMeans on log-scaled R, F, M; `reason` says why there are none."""

    status: Status
    reason: str | None = None
    k: int | None = None
    choice: Literal["best_silhouette", "most_balanced"] | None = None
    candidates: list[Candidate] = Field(default_factory=list)
    chosen_on: int | None = None
    fitted_on: int | None = None
    silhouette_sample: int | None = None
    transform: RfmTransform | None = None
    centroids: list[list[float]] = Field(default_factory=list)
    trait_threshold: float | None = None
    groups: list[RfmCluster] = Field(default_factory=list)


class Lapse(Part):
    """Clients, how many have lapsed, the share and its 95 % Wilson interval."""

    clients: int
    lapsed: int
    rate: float | None
    interval: list[float | None] = Field(min_length=2, max_length=2)


class Inactivity(Part):
    """After how many days without a purchase a client has lapsed, why, and how many have."""

    days: int
    basis: Literal["setting", "gap_quantile", "floor", "no_repeat_purchases"]
    figures: dict[str, float | int | dict[str, float | None]]
    max_recency_days: int | None
    overall: Lapse
    by_segment: dict[str, Lapse]
    by_cluster: dict[str, Lapse]


class Strategy(Part):
    """A recommended rule with the segments and clusters it serves."""

    id: str
    priority: int
    horizon: Literal["short", "medium", "long"]
    segments: list[str]
    clusters: list[str]


class TransactionsMethod(Part):
    """The parameters of the analysis."""

    scores: int
    clusters_range: list[int]
    min_cluster_share: float
    random_state: int
    inactivity_days: int = Field(description="The setting (0: derived from the log).")
    clv_months: int
    monthly_discount: float
    time_unit: Literal["weeks"]


class TransactionsContext(ContextHeader):
    """A transaction log: segments and clusters of its clients, their value, and what to do for each."""

    # the header of every kind, with the log's own quality summary (lines, cleaning rules) in place of a table's
    quality: LogQuality
    log: Log
    overview: LogOverview
    rfm: Rfm
    concentration: Concentration
    clusters: RfmClusters
    inactivity: Inactivity
    strategies: list[Strategy]
    clv: Clv
    clients: ClientRows
    prediction: LogPrediction | None = Field(
        default=None, description="Who makes no purchase in the next N days; null: analysis.predict is off.")
    value_at_risk: LogValueAtRisk | None = Field(default=None, description="Risk × CLV, overall, by segment and cluster.")
    action_groups: LogActionGroups | None = Field(default=None, description="Whom to keep first, and how.")
    playbook: Playbook
    action_plan: ActionPlan
    method: TransactionsMethod
