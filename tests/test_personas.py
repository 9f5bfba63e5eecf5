"""Persona names built from a segment's traits read as a native speaker would write them, in three languages;
twins are told apart; a definition is never restated as a finding."""

from __future__ import annotations

import json

import pytest
from pptx import Presentation

from tests.render_helpers import slide_paragraphs, spaces

ROLES = {"churn": "churn", "id": None, "semantic": {"balance": "balance", "activity": "last_activity",
                                                    "gender": "gender", "age": "age", "score": "score",
                                                    "products": "products", "credit_card": "credit_card",
                                                    "income": "EST_SALARY"},
         "numeric": ["balance", "age", "score", "products", "EST_SALARY", "visits"],
         "binary": ["last_activity", "credit_card"], "categorical": ["gender", "city"], "ignored": {},
         "sources": {}}


def wording(lang: str):
    from reportgen.render.wording import Wording

    context = {"meta": {"kind": "customers", "period": "2026-Q3", "currency": "RUB"}, "roles": ROLES, "labels": {},
               "value_labels": {}, "base_profile": {"age": {"median": 42}, "score": {"median": 850}}}
    return Wording(context, lang)


def rule(*conditions) -> dict:
    """Return a rule segment with these conditions and no profile."""
    return {"id": "S1", "rule": list(conditions), "profile": {"features": {}, "distinguishing": []}}


BALANCE = {"feature": "balance", "op": "range", "low": 650_000.0, "high": None, "integer": False}
ACTIVE = {"feature": "last_activity", "op": "==", "value": 1}
MEN = {"feature": "gender", "op": "==", "value": "М"}
WOMEN = {"feature": "gender", "op": "==", "value": "Ж"}
YOUNG = {"feature": "age", "op": "range", "low": None, "high": 36.0, "integer": True}
SCORE = {"feature": "score", "op": "range", "low": 830.0, "high": 950.0, "integer": True}
PRODUCTS = {"feature": "products", "op": "range", "low": 3.0, "high": None, "integer": True}
NO_CARD = {"feature": "credit_card", "op": "==", "value": 0}
VISITS = {"feature": "visits", "op": "range", "low": 12.0, "high": None, "integer": True}
CITY = {"feature": "city", "op": "==", "value": "Ростов"}

NAMES = [
    ((BALANCE, ACTIVE, MEN), {"en": "Active men with large balances", "fr": "Hommes actifs à gros encours",
                              "ru": "Активные мужчины с крупными остатками"}),
    ((ACTIVE, WOMEN), {"en": "Active women", "fr": "Femmes actives", "ru": "Активные женщины"}),
    ((YOUNG, BALANCE, ACTIVE), {"en": "Young active clients with large balances",
                                "fr": "Jeunes clients actifs à gros encours",
                                "ru": "Молодые активные клиенты с крупными остатками"}),
    ((BALANCE, SCORE), {"en": "Clients with large balances and a high credit score",
                        "fr": "Clients à gros encours et à score de crédit élevé",
                        "ru": "Клиенты с крупными остатками и высоким скоринговым баллом"}),
    ((PRODUCTS, WOMEN), {"en": "Women with several products", "fr": "Femmes multi-équipées",
                         "ru": "Женщины с несколькими продуктами"}),
    ((BALANCE, NO_CARD, SCORE), {"en": "Clients with large balances, a high credit score and without a credit card",
                                 "fr": "Clients à gros encours, à score de crédit élevé et sans carte de crédit",
                                 "ru": "Клиенты с крупными остатками, высоким скоринговым баллом и без кредитной "
                                       "карты"}),
    ((VISITS, CITY), {"en": "Clients with visits above average (city: Ростов)",
                      "fr": "Clients avec un indicateur « visits » supérieur à la moyenne (ville : Ростов)",
                      "ru": "Клиенты с показателем «visits» выше среднего (город: Ростов)"}),
]


@pytest.mark.parametrize("lang", ["en", "fr", "ru"])
@pytest.mark.parametrize("conditions, names", NAMES)
def test_persona_names_agree_in_each_language(conditions, names, lang):
    assert spaces(wording(lang).persona_name(rule(*conditions))) == names[lang]


def test_twins_are_told_apart_by_what_differs():
    w = wording("en")
    high = {**BALANCE, "low": 1_100_000.0}
    w.context["segments"] = [{**rule(SCORE, high, ACTIVE), "id": "S1"}, {**rule(SCORE, BALANCE, ACTIVE), "id": "S3"}]
    first, second = (w.persona_name(s) for s in w.context["segments"])
    assert first != second
    plain = "Active clients with a high credit score and large balances ("
    assert first.startswith(plain) and second.startswith(plain)
    assert "1.1M" in first and "650K" in second


def test_a_flag_that_defines_the_persona_is_said_as_a_fact_not_as_a_share(sample_build, tmp_path):
    """The sample's S4 has no credit card by definition; alone, its cashback offer is its own action."""
    from reportgen.render.deck import render_deck

    context = json.loads((sample_build / "context.json").read_text(encoding="utf-8"))
    segment = next(s for s in context["segments"] if any(c["feature"] == "credit_card" for c in s["rule"]))
    assert any(r["id"] == "cashback_card" for r in segment["recommendations"])
    context["segments"] = [segment]
    context["action_plan"] = {"short": [{"id": r["id"], "priority": r["priority"], "segments": [segment["id"]],
                                         "clients": segment["size"]} for r in segment["recommendations"]],
                              "medium": [], "long": []}
    deck = Presentation(str(render_deck(context, "en", tmp_path / "deck.pptx")))
    text = [p for slide in deck.slides for p in slide_paragraphs(slide)]
    assert "None of these clients holds a credit card. Offer a cashback credit card with no fee in the first " \
           "year." in text
    assert not [p for p in text if "0.0%" in p]
