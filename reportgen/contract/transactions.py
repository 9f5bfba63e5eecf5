"""The context of a transaction log: cleaning, RFM segments, revenue concentration, RFM clusters, inactivity,
customer lifetime value and one compact row per client."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from reportgen.contract.base import Part, Status
from reportgen.contract.meta import Meta, Roles
from reportgen.contract.plan import ActionPlan, Playbook
from reportgen.contract.segments import Candidate, Recommendation

Dimension = Literal["recency", "frequency", "monetary"]


class LogQuality(Part):
    """Lines read and used, and the clients they belong to (the cleaning rules are under log.cleaning)."""

    rows_read: int = Field(description="Lines read from the file.")
    rows_used: int = Field(description="Lines left after cleaning, up to the analysis date.")
    clients: int


class CleaningRule(Part):
    """One cleaning rule: the lines it caught, their revenue and what was done with them."""

    rule: str = Field(description="cancelled, returns, negative, missing_client, duplicates, after_as_of, ...")
    lines: int
    revenue: float
    action: Literal["removed", "error", "kept", "not_checked", "outside"]


class Cleaning(Part):
    """Every cleaning rule, and the lines and revenue read and used."""

    lines_read: int
    revenue_read: float
    lines_used: int
    revenue_used: float
    rules: list[CleaningRule]
    missing_client_revenue_share: float | None = Field(
        description="Revenue of the lines without a client id over the revenue of every valid line.")


class Month(Part):
    """Revenue, active clients, purchase days and lines of one month ('2010-12')."""

    month: str
    revenue: float
    clients: int
    purchase_days: int
    lines: int


class Gaps(Part):
    """Days between consecutive purchase days of a client: count, mean and quantiles."""

    count: int
    mean: float | None
    quantiles: dict[str, float | None]
    clients_sampled: float = Field(description="Share of the clients whose gaps were measured (1: all).")


class Engine(Part):
    """The engine that read the lines."""

    name: str
    memory_limit: str | None


class Log(Part):
    """How the log was read: its columns, dates, cleaning, revenue by month and purchase rhythm."""

    columns: dict[str, str] = Field(description="Role (client, date, amount, quantity, price, invoice...) -> column.")
    amount_from: Literal["amount", "quantity_x_price"]
    date_format: str | None
    date_order: str = Field(description="How the date layout was decided: typed, iso, config, proof...")
    first_date: str
    last_date: str
    as_of: str = Field(description="The analysis date: recency and the models are measured at it.")
    as_of_reason: Literal["config", "period_end", "last_date"]
    calibration_end: str = Field(description="End of the part of the log the hold-out check fits on.")
    calibration_reason: Literal["config", "default"]
    calibration_clients: int
    cleaning: Cleaning
    by_month: list[Month]
    gaps: Gaps
    engine: Engine


class LogOverview(Part):
    """The log's key figures at the analysis date."""

    clients: int
    revenue: float
    purchase_days: int
    repeat_buyers: int = Field(description="Clients with purchases on more than one day.")
    repeat_share: float | None
    mean_revenue: float | None
    median_recency_days: float
    first_date: str
    last_date: str
    as_of: str


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


class TransactionsContext(Part):
    """A transaction log: segments and clusters of its clients, their value, and what to do for each."""

    schema_version: Literal[2] = Field(description="Version of this contract; see reportgen.contract.")
    generated_at: str = Field(description="When the context was computed (ISO 8601, UTC).")
    meta: Meta
    roles: Roles
    labels: dict[str, dict[str, str]] = Field(description="Column labels per language from the config.")
    value_labels: dict[str, dict[str, dict[str, str]]] = Field(
        description="Value labels per column and language from the config.")
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
    playbook: Playbook
    action_plan: ActionPlan
    method: TransactionsMethod
