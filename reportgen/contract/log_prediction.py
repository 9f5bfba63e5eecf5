"""A transaction log's churn prediction (no purchase in the next N days, learnt at a cut-off and checked against
BG/NBD), its value at risk (risk × CLV) and its action groups: the customer table's parts, where a log differs."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from reportgen.contract.base import Part
from reportgen.contract.lifetime import Fit
from reportgen.contract.prediction import ActionGroups, ClientTable, Prediction, Scores, ValueAtRisk


class Baseline(Scores):
    """A BG/NBD baseline scored on the same clients and label as the model."""

    model: Literal["bgnbd_p_alive", "bgnbd_no_purchase"] = Field(
        description="bgnbd_p_alive: risk = 1 - P(alive) at the cut-off; bgnbd_no_purchase: BG/NBD's probability "
                    "of no purchase in the N days after it.")


class ActiveCheck(Part):
    """The scores among the clients still active at the cut-off (silent for no more than N days)."""

    clients: int
    churned: int = Field(description="Of them, clients who made no purchase in the N days after the cut-off.")
    base_rate: float
    contacts: int
    model: Scores
    baselines: list[Baseline]


class Evaluation(Part):
    """The clients of the cut-off, by id: the out-of-fold risk every figure of the model's quality comes from."""

    id: list[str]
    risk: list[float] = Field(description="Calibrated risk at the cut-off, from a model that never saw the client.")
    fold: list[int]
    label: list[int] = Field(description="1: no purchase in the N days after the cut-off.")


class LogClientTable(ClientTable):
    """Every client of the log scored at the analysis date, for the client lists."""

    risk: list[float] = Field(description="Risk of no purchase in the N days after the analysis date: the chosen "
                              "model fitted on all the cut-off's clients, applied to the whole log's features.")
    fold: list[int] = Field(description="-1 for every client: scored by a model fitted on the cut-off's clients.")
    left: list[int] = Field(description="1: lapsed by the inactivity rule (no purchase for more than N days).")
    segment: list[str | None] = Field(description="The client's RFM segment.")
    cluster: list[str | None] = Field(description="The client's RFM cluster.")


class LogPrediction(Prediction):
    """Who makes no purchase in the next N days: learnt at the cut-off, checked against BG/NBD, scored today.

    Every figure of the model's quality is out of fold at the cut-off; `clients` holds the scores at the
    analysis date, from the chosen model fitted on all the cut-off's clients."""

    cutoff: str | None = Field(description="The analysis date minus N: features up to it, label after it.")
    horizon_days: int = Field(description="N, the inactivity threshold in days.")
    scored_at: str = Field(description="The analysis date every client is scored at, for the lists.")
    recent_days: int = Field(description="The window of the recent-activity features (purchase days in the last "
                             "recent_days, and their change against the recent_days before).")
    baseline_fit: Fit | None = Field(default=None, description="BG/NBD fitted on the purchases up to the cut-off.")
    baselines: list[Baseline] = Field(default_factory=list)
    active: ActiveCheck | None = None
    evaluation: Evaluation | None = None
    clients: LogClientTable | None = None


class LogValueAtRisk(ValueAtRisk):
    """Risk × CLV, overall, per RFM segment and per RFM cluster."""

    source: Literal["clv"] = Field(description="A client's value is its CLV.")


class LogActionGroups(ActionGroups):
    """Inactive (lapsed by the inactivity rule), and among the others at risk, high value and standard."""

    inactivity_days: int
    risk_threshold: float | None = Field(description="The lowest risk in the at-risk group; null: nobody is active.")
