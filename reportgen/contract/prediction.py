"""Churn prediction (out-of-fold risks, their metrics, key factors, the out-of-time check), value at risk, and
the action groups with their actions."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from reportgen.contract.base import Part, Status
from reportgen.contract.segments import Recommendation

ModelName = Literal["hist_gradient_boosting", "logistic_regression"]


class Scores(Part):
    """How well risks rank and match outcomes, on clients no model was trained on."""

    roc_auc: float | None = Field(default=None, description="Area under the ROC curve: the chance that a leaver "
                                  "is ranked above a client who stayed (0.5: chance, 1: perfect).")
    pr_auc: float | None = Field(default=None, description="Average precision (area under the precision-recall "
                                 "curve); the models are compared on it.")
    brier: float | None = Field(default=None, description="Mean squared difference between risk and outcome "
                                "(lower is better).")
    precision_at_capacity: float | None = Field(
        default=None, description="Of the riskiest contact_share of clients (ties by table order), the share who left.")
    recall_at_capacity: float | None = Field(
        default=None, description="Of all leavers, the share found among the riskiest contact_share of clients.")


class ModelCandidate(Scores):
    """One model compared, with its out-of-fold scores."""

    model: ModelName


class Confusion(Part):
    """The riskiest clients (contacted) against who left."""

    true_positive: int
    false_positive: int
    false_negative: int
    true_negative: int


class GainPoint(Part):
    """A point of the cumulative-gains curve."""

    contacted: float = Field(description="Share of clients contacted, riskiest first.")
    found: float = Field(description="Share of all leavers among them.")


class CalibrationBin(Part):
    """A tenth of the clients by predicted risk: mean risk against the share who left."""

    clients: int
    predicted: float
    observed: float


class Metrics(Scores):
    """Every figure of the chosen model's risks, over all clients, each predicted by a model that never saw them."""

    clients: int
    churned: int
    base_rate: float | None = Field(description="Share of clients who left.")
    brier_reference: float | None = Field(description="Brier score of giving every client the base rate.")
    contact_share: float
    contacts: int = Field(description="Clients within the contact capacity.")
    threshold: float = Field(description="The lowest risk among them.")
    confusion: Confusion
    lift_top_decile: float | None = Field(description="Churn among the riskiest tenth divided by the base rate.")
    gains: list[GainPoint]
    calibration: list[CalibrationBin]
    calibration_slope: float | None = Field(description="Slope of the logistic regression of the outcome on "
                                            "logit(risk): 1 when risks spread as outcomes do.")
    calibration_intercept: float | None


class Excluded(Part):
    """A column the model does not use, and why."""

    column: str
    reason: Literal["id", "equal_to_label", "perfect_predictor"]
    auc: float | None = Field(description="The column's own out-of-fold ROC-AUC (leakage guard).")


class CurvePoint(Part):
    """The model's mean risk when every sampled client is given this value."""

    value: Any
    risk: float


class KeyFactor(Part):
    """A feature, how much the model loses when it is shuffled, and which way it moves the risk."""

    feature: str
    type: Literal["numeric", "binary", "categorical"]
    importance: float = Field(description="Mean loss of ROC-AUC when the feature is shuffled.")
    spread: float = Field(description="Standard deviation of that loss over the shuffles.")
    direction: Literal["increases", "decreases", "peaks", "dips", "mixed", "level", "flat"] = Field(
        description="Risk rises or falls with the feature (a flag: when set), is highest or lowest around `at`, "
                    "goes up and down, is highest at `level` (a category), or does not move.")
    at: float | None
    level: Any
    curve: list[CurvePoint]


class KeyFactors(Part):
    """Permutation importance on held-out clients, most important first."""

    importance: list[KeyFactor]
    sample: int = Field(description="Held-out clients the features were shuffled on.")
    repeats: int
    scoring: Literal["roc_auc"]
    baseline: float | None


class OutOfTime(Scores):
    """The chosen model trained on last quarter's clients and scored on this quarter's."""

    status: Status
    reason: str | None = None
    period: str | None = None
    model: ModelName | None = None
    trained_on: int | None = None
    scored: int | None = None
    features: list[str] = Field(default_factory=list)
    base_rate: float | None = None


class ClientTable(Part):
    """One entry per client, in the table's order: the risk the report's figures are computed from."""

    id: list[str] = Field(description="The id column's value, else the row number in the file.")
    risk: list[float] = Field(description="Calibrated risk, predicted by a model that never saw the client.")
    fold: list[int] = Field(description="The cross-validation fold that scored the client; -1: beyond the "
                            "cross-validated sample, scored by a model fitted on that sample.")
    left: list[int] = Field(description="The churn flag.")
    group: list[Literal["at_risk", "high_value", "inactive", "standard"]]
    segment: list[str | None] = Field(description="The riskiest rule segment the client belongs to.")
    cluster: list[str | None]
    value: list[float | None]
    value_at_risk: list[float | None] = Field(description="risk × value (a negative value counts as 0).")
    extra: dict[str, list[str | None]] = Field(description="Columns export.columns copies, as text.")


class Prediction(Part):
    """Churn prediction: two models compared out of fold, the chosen one's calibrated risks and their figures."""

    status: Status
    reason: str | None = None
    needed: int | None = None
    label: str | None = Field(default=None, description="The column predicted.")
    folds: int
    calibration: Literal["sigmoid", "isotonic"]
    calibration_share: float = Field(description="Share of each training part kept aside to calibrate on.")
    random_state: int
    excluded: list[Excluded]
    features: list[str]
    model: ModelName | None = Field(default=None, description="The candidate with the higher PR-AUC.")
    candidates: list[ModelCandidate] = Field(default_factory=list)
    cross_validated: int | None = None
    metrics: Metrics | None = None
    key_factors: KeyFactors | None = None
    out_of_time: OutOfTime | None = None
    clients: ClientTable | None = None


class Stake(Part):
    """A group of clients: who left, their mean risk, expected leavers, value and value at risk."""

    clients: int
    churned: int
    churn_rate: float | None
    mean_risk: float | None
    expected_leavers: float = Field(description="Sum of the risks.")
    value: float | None = Field(description="Sum of the value (negative values as 0).")
    value_at_risk: float | None = Field(description="Sum of risk × value.")
    mean_value: float | None
    valued: int = Field(description="Clients with a known value.")


class NamedStake(Stake):
    """The stake of a rule segment or cluster, by its id."""

    id: str


class Density(Part):
    """Clients counted on a grid of risk by value (log scale), for the value × risk chart."""

    risk_edges: list[float]
    value_edges: list[float]
    counts: list[list[int]]
    outside: int = Field(description="Clients without a positive value, left out of the grid.")


class ValueAtRisk(Part):
    """Risk × value, overall, per rule segment and per cluster; the value column and whether it is a proxy."""

    status: Status
    reason: str | None
    column: str | None
    source: Literal["config", "balance", "income"] | None = Field(
        description="columns.value, or a money role standing in for it.")
    proxy: bool | None
    overall: Stake
    by_segment: list[NamedStake]
    by_cluster: list[NamedStake]
    density: Density | None


class Effect(Part):
    """What retention would keep under the user's assumption (analysis.retention_uplift)."""

    uplift: float
    clients_kept: float
    value_kept: float | None


class ActionGroup(Stake):
    """An action group: its clients' figures, the assumed effect (if any) and the playbook's actions."""

    key: Literal["at_risk", "high_value", "inactive", "standard"]
    share: float
    expected_effect: Effect | None
    recommendations: list[Recommendation]


class ActionGroups(Part):
    """At risk (the contact capacity), high value, inactive, standard: how they were drawn, and each group."""

    contact_share: float
    high_value_share: float
    activity: str | None = Field(description="The activity flag column (0: inactive), if any.")
    retention_uplift: float | None
    risk_threshold: float
    value_threshold: float | None
    groups: list[ActionGroup]
