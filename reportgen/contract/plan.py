"""The playbook's texts, the action plan by horizon, and the method's parameters."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from reportgen.contract.base import Part


class RuleText(Part):
    """A playbook rule's title and text in each language, and its horizon; optionally what we observe in the
    group, the action alone, its owner and its KPI in each language (the action plan's table)."""

    title: dict[str, str]
    text: dict[str, str]
    horizon: Literal["short", "medium", "long"]
    action: dict[str, str] | None = Field(default=None, description="The action without figures, by language.")
    owner: dict[str, str] | None = Field(default=None, description="Who carries the action out, by language.")
    observation: dict[str, str] | None = Field(default=None, description="What we observe in the group, by language.")
    kpi: dict[str, str] | None = Field(default=None, description="How the action is measured, by language.")


class Playbook(Part):
    """The playbook used: its file and the texts of its rules by id."""

    source: str
    rules: dict[str, RuleText]


class Action(Part):
    """A recommended action and the segments it serves."""

    id: str
    priority: int
    segments: list[str]
    clients: int


class ActionPlan(Part):
    """Actions by horizon: this quarter, the next two, this year and beyond."""

    short: list[Action]
    medium: list[Action]
    long: list[Action]


class Method(Part):
    """The parameters every figure was computed with."""

    alpha: float = Field(description="Significance level, after Holm's correction.")
    correction: Literal["holm"]
    confidence: float
    interval: Literal["wilson"]
    bootstrap_resamples: int
    min_segment_size: int
    max_conditions: int
    max_overlap: float
    clusters_range: list[int]
    random_state: int
