"""The context contract: every figure the reports state, typed, validated when written and when read.

The analysis writes a context (plain JSON data); the renderers, `--previous` and a user's own tools read
it. `Context` is its model; `reportgen schema` prints its JSON Schema.

Schema versions:
  1  the first contract (seven keys checked by name).
  2  typed and validated; KMeans groups under clusters.groups (segments holds rule segments only); 'kind'
     is only the input kind (meta.kind), a feature's numeric/binary/categorical is 'type', a level's
     band/value/flag/other/missing is 'level_type'; rule segments carry their churn measured on clients
     the search did not see, with the discovery figures beside them (segment_search.validation).
     Later additions that leave every existing context valid keep the version: the transactions kind
     (TransactionsContext) and the optional observation and kpi texts of a playbook rule.
     Later additions that leave every earlier context valid (so that last quarter's context.json still
     reads): prediction, value_at_risk and action_groups (null when the model did not run); the same three
     for a transaction log, and its log.cutoff.
"""

from __future__ import annotations

from pydantic import Field, ValidationError

from reportgen.contract.base import Part
from reportgen.contract.long_lists import original_place, shorten
from reportgen.contract.behaviour import BehaviourContext
from reportgen.contract.churn import ChurnProneInterval, Factor, Overview, Test
from reportgen.contract.comparison import Comparison
from reportgen.contract.meta import ContextHeader
from reportgen.contract.plan import ActionPlan, Method, Playbook
from reportgen.contract.prediction import ActionGroups, Prediction, ValueAtRisk
from reportgen.contract.segments import BaseProfile, Clusters, RuleSegment, SegmentSearch
from reportgen.contract.transactions import TransactionsContext

SCHEMA_VERSION = 2


class Context(ContextHeader):
    """Everything one run on a customer table computed, in the order the reports use it; no text formatted
    for a language."""

    overview: Overview
    churn_by_factor: list[Factor] = Field(description="Churn by every feature, level by level.")
    churn_prone_intervals: list[ChurnProneInterval] = Field(
        description="The churn-prone levels of all features, highest lift first.")
    tests: list[Test] = Field(description="Do churned and retained clients differ on each feature? (Holm)")
    segment_search: SegmentSearch
    segments: list[RuleSegment] = Field(description="Churn-prone rule segments, highest churn on unseen clients first.")
    clusters: Clusters
    prediction: Prediction | None = Field(
        default=None, description="Churn prediction: every client's out-of-fold risk and how good it is; null: "
                                  "analysis.predict is off.")
    value_at_risk: ValueAtRisk | None = Field(default=None, description="Risk × value, overall, by segment and cluster.")
    action_groups: ActionGroups | None = Field(default=None, description="Whom to keep first, and how.")
    base_profile: BaseProfile = Field(description="Every feature summarised over all clients.")
    playbook: Playbook
    action_plan: ActionPlan
    method: Method
    comparison: Comparison | None = Field(default=None, description="With --previous: what changed since then.")


class ContractError(ValueError):
    """A context that does not follow the contract; `path` names the first invalid place ('segments.0.size')."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


# The context's model by input kind (meta.kind).
MODELS: dict[str, type[Part]] = {"customers": Context, "behaviour": BehaviourContext,
                                 "transactions": TransactionsContext}


def validate(context: dict) -> dict:
    """Return `context` unchanged when it follows the contract of its input kind; raise ContractError naming
    the first bad path."""
    kind = context.get("meta", {}).get("kind") if isinstance(context, dict) else None
    if not isinstance(kind, str) or kind not in MODELS:
        raise ContractError("meta.kind", f"should be one of {', '.join(MODELS)}")
    places: dict[tuple, list[int]] = {}
    try:
        MODELS[kind].model_validate(shorten(MODELS[kind], context, (), places), strict=True)
    except ValidationError as exc:
        first = exc.errors()[0]
        path = ".".join(str(p) for p in original_place(first["loc"], places)) or "(top)"
        raise ContractError(path, first["msg"]) from None
    return context


def json_schema(kind: str = "customers") -> dict:
    """Return the JSON Schema of the context of an input kind; raise KeyError for an unknown kind."""
    return MODELS[kind].model_json_schema()


__all__ = ["BehaviourContext", "Context", "TransactionsContext", "ContractError", "MODELS", "SCHEMA_VERSION", "json_schema", "validate"]
