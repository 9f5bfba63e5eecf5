"""What changed since the previous quarter."""

from __future__ import annotations

from typing import Any

from reportgen.contract.base import FeatureType, Lifted, Part, Rate, Status
from reportgen.contract.churn import BandSpec, LevelSpec
from reportgen.contract.segments import Condition


class Previous(Rate):
    """Last quarter's period, data file and churn."""

    period: str | None
    dataset: str | None


class ChangeTest(Part):
    """A two-proportion test of a change (Holm-adjusted with the others)."""

    status: Status
    reason: str | None = None
    method: str | None = None
    statistic: float | None = None
    p_value: float | None = None
    p_adjusted: float | None = None
    significant: bool | None = None


class ChurnChange(Part):
    """Churn then and now, the change in points, and its test."""

    then: float | None
    now: float | None
    change_pp: float | None
    test: ChangeTest


class Clients(Part):
    """Clients now and then; gained, lost and kept when both quarters have ids."""

    now: int
    then: int
    net: int
    by_id: bool
    gained: int | None
    lost: int | None
    kept: int | None


class LevelChange(Part):
    """One level of a factor on last quarter's bands: churn then and now."""

    label: str
    level_type: str
    low: float | None
    high: float | None
    value: Any
    then: float | None
    now: float | None
    customers_now: int
    customers_then: int
    change_pp: float | None
    p_value: float | None
    p_adjusted: float | None = None
    significant: bool | None = None


class FactorChange(Part):
    """A factor's levels then and now (not computable when its column is gone)."""

    factor: str
    status: Status
    reason: str | None = None
    type: FeatureType | None = None
    spec: BandSpec | LevelSpec | dict | None = None
    levels: list[LevelChange]


class Then(Part):
    """A segment's figures last quarter."""

    size: int
    customers: int
    churned: int
    churn_rate: float | None


class SegmentChange(Part):
    """Last quarter's segment or cluster measured on this quarter's clients, with the same definition."""

    id: str
    rule: list[Condition] | None
    cluster: int | None
    then: Then
    status: Status
    reason: str | None = None
    now: Lifted | None = None
    change_pp: float | None = None
    p_value: float | None = None
    p_adjusted: float | None = None
    significant: bool | None = None
    improved: bool | None = None


class Comparison(Part):
    """This quarter against the previous one."""

    previous: Previous
    churn: ChurnChange
    clients: Clients
    factors: list[FactorChange]
    segments: list[SegmentChange]
    new_segments: list[str]
