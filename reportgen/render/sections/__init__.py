"""Report sections and the reports they make: the deck and the PDF summary are the ordered sections of a run.

A new section is one module (a Section subclass) and one line in a report below; a new input kind is one
more entry in REPORTS, keyed like the input kinds of reportgen.kinds.
"""

from __future__ import annotations

from reportgen.render.sections.appendix import Appendix, AppendixOpening
from reportgen.render.sections.base import Section
from reportgen.render.sections.behaviour_clusters import BehaviourActionPlan, ClusterOverview, ClusterSlides
from reportgen.render.sections.behaviour_opening import (BehaviourAppendix, BehaviourDataAndMethod,
                                                         BehaviourKeyFigures, BehaviourObjectives, BehaviourTitle,
                                                         Distributions)
from reportgen.render.sections.changes import WhatChanged
from reportgen.render.sections.clusters import Opportunities
from reportgen.render.sections.factors import FactorCharts, Tests
from reportgen.render.sections.opening import Agenda, Title
from reportgen.render.sections.plan import ActionPlan, NextSteps, Questions
from reportgen.render.sections.results import Drivers, MorePersonas, PersonaOverview, PersonaSlides
from reportgen.render.sections.statistics import ClusterChoice, SegmentStatistics
from reportgen.render.sections.summary import ContextObjectives, ExecutiveSummary, MethodSteps
from reportgen.render.sections.prediction import KeyFactors, ModelQuality, PredictiveModel
from reportgen.render.sections.tx_opening import RfmMethod, TxData, TxObjectives, TxSummary, TxTitle
from reportgen.render.sections.tx_prediction import TxActionGroups, TxKeyFactors, TxPredictiveModel, TxValueAtRisk
from reportgen.render.sections.tx_segments import Concentration, RfmClusterSection, RfmMap, SegmentTable
from reportgen.render.sections.tx_value import (LifetimeValue, SegmentRecommendations, TxActionPlan, TxAppendix,
                                                TxNextSteps)
from reportgen.render.sections.value_at_risk import ActionGroups, ValueAtRisk

# Each input kind's report, section by section in deck order (the PDF takes those with a summary_rank).
# The customers' story follows the users' outline: title; executive summary; context and objectives; method;
# results (who leaves — when the model has no key factors —, the personas at risk, opportunities); predictive
# analysis (the model's precision, key factors); what is at stake with the action groups (high value, at risk,
# inactive) and what to do for each; the action plan; next steps; questions; and the appendix: statistics, the
# personas the story had no room for, the model's metrics, value at risk by segment, method and every factor.
REPORTS: dict[str, tuple[type[Section], ...]] = {
    "customers": (
        Title, Agenda, ExecutiveSummary, ContextObjectives, MethodSteps, WhatChanged,
        Drivers, PersonaOverview, PersonaSlides, Opportunities, PredictiveModel, KeyFactors, ActionGroups,
        ActionPlan, NextSteps, Questions,
        AppendixOpening, Tests, SegmentStatistics, MorePersonas, ModelQuality, ValueAtRisk, Appendix, FactorCharts,
        ClusterChoice,
    ),
    "behaviour": (
        BehaviourTitle, Agenda, BehaviourObjectives, BehaviourDataAndMethod, BehaviourKeyFigures, Distributions,
        ClusterOverview, ClusterSlides, BehaviourActionPlan, NextSteps, Questions, BehaviourAppendix,
    ),
    # the users' outline: executive summary, context, method in four steps, results, recommendations, plan,
    # next steps (with questions), appendix
    "transactions": (
        TxTitle, Agenda, TxSummary, TxObjectives, TxData, RfmMethod, RfmMap, SegmentTable, Concentration,
        RfmClusterSection, LifetimeValue, TxPredictiveModel, TxKeyFactors, TxValueAtRisk, TxActionGroups,
        SegmentRecommendations, TxActionPlan, TxNextSteps, TxAppendix,
    ),
}


def sections_of(ctx: dict) -> list[Section]:
    """Return the sections of the context's input kind, in deck order; raise KeyError for an unknown kind."""
    return [section() for section in REPORTS[ctx["meta"]["kind"]]]


def summary_blocks(sections: list[Section], ctx: dict) -> list[Section]:
    """Return the sections that have a block in the PDF summary and apply, in the summary's order."""
    blocks = [s for s in sections if s.summary_rank is not None and s.applies(ctx)]
    return sorted(blocks, key=lambda s: s.summary_rank)
