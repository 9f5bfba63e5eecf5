"""The building blocks of the context contract: a strict base model and the figures every section shares."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

FeatureType = Literal["numeric", "binary", "categorical"]
Status = Literal["ok", "not_computable"]
Number = float | int


class Part(BaseModel):
    """A part of the context: unknown keys are refused, so that a renderer never reads a key nobody writes."""

    model_config = ConfigDict(extra="forbid", frozen=False)


class Rate(Part):
    """Clients, how many of them churned, the churn rate and its 95 % Wilson interval."""

    customers: int = Field(description="Clients counted.")
    churned: int = Field(description="Of them, clients who left.")
    churn_rate: float | None = Field(description="churned / customers; null for no client.")
    churn_rate_ci: list[float | None] = Field(min_length=2, max_length=2,
                                              description="95 % Wilson interval [low, high] of the churn rate.")


class Lifted(Rate):
    """A rate with its lift over a reference rate: in percentage points and as a ratio."""

    lift_pp: float | None = Field(description="Churn rate minus the reference rate, in percentage points.")
    lift_ratio: float | None = Field(description="Churn rate divided by the reference rate.")


class Named(Part):
    """A named number, e.g. an effect size {name: 'cohens_d', value: 0.26}."""

    name: str
    value: float | None
