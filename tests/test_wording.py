"""Wording that fits any organisation: columns under their own names, comparisons with 'all clients', not 'the bank'.

A telecom-like table with its own [columns] mapping and playbook is built in three languages and read back
(python-pptx, pypdf, the e-mail bodies): no word of banking may reach the reader, and its Geography column
keeps its name.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from reportgen.console import Reporter
from reportgen.deliver.compose import Composer
from reportgen.pipeline import build
from reportgen.render.wording import Wording
from tests.conftest import settings as make_settings
from tests.render_helpers import deck_strings, pdf_text, tr

LANGS = ("en", "fr", "ru")
BANK_WORDS = re.compile(r"bank|banque|банк", re.IGNORECASE)
CITY_WORDS = re.compile(r"\b(city|ville|город)\b", re.IGNORECASE)
ORGANISATION = "Telco Demo"

PLAYBOOK = """
[[rule]]
id = "contract_upgrade"
priority = 90
horizon = "short"
when = [{ feature = "segment", stat = "lift_pp", op = ">=", value = 5 }]
figures.churn = { feature = "segment", stat = "churn_rate", format = "percent" }
figures.size = { feature = "segment", stat = "size", format = "count" }
title.en = "Offer a yearly contract"
title.fr = "Proposer un contrat annuel"
title.ru = "Предложить годовой контракт"
text.en = "Churn here is {churn}: offer these subscribers ({size}) a discounted yearly contract."
text.fr = "Le taux de départ atteint {churn} : proposer à ces abonnés ({size}) un contrat annuel à prix réduit."
text.ru = "Отток здесь {churn}: предложите этим абонентам ({size}) годовой контракт со скидкой."

[[rule]]
id = "network_survey"
priority = 10
horizon = "medium"
generic = true
when = []
title.en = "Ask about network quality"
title.fr = "Interroger sur la qualité du réseau"
title.ru = "Опросить о качестве сети"
text.en = "Survey these subscribers on coverage and speed before their contract ends."
text.fr = "Interroger ces abonnés sur la couverture et le débit avant la fin de leur contrat."
text.ru = "Опросите этих абонентов о покрытии и скорости до окончания контракта."
"""


def telecom_table(n: int = 3_000, seed: int = 7) -> pd.DataFrame:
    """Return a telecom-like customer table: month-to-month contracts, short tenure and Germany churn more."""
    rng = np.random.default_rng(seed)
    contract = rng.choice(["Month-to-month", "One year", "Two year"], n, p=[0.55, 0.25, 0.2])
    geography = rng.choice(["France", "Spain", "Germany"], n, p=[0.5, 0.25, 0.25])
    tenure = rng.integers(1, 73, n)
    charges = np.round(rng.uniform(20, 120, n), 2)
    logit = (-2.0 + 1.6 * (contract == "Month-to-month") + 0.9 * (geography == "Germany") - 0.03 * tenure
             + 0.01 * (charges - 70))
    churn = rng.random(n) < 1 / (1 + np.exp(-logit))
    ids = [f"{i:04d}-{''.join(rng.choice(list('ABCDEFGHJKLMNPQRSTUVWXYZ'), 5))}" for i in range(n)]
    return pd.DataFrame({"customerID": ids, "Churn": np.where(churn, "Yes", "No"), "tenure": tenure,
                         "MonthlyCharges": charges, "Geography": geography, "Contract": contract})


@pytest.fixture(scope="module")
def telecom_build(tmp_path_factory):
    """Return the output folder of the telecom table built (decks and PDFs) in en, fr and ru."""
    folder = tmp_path_factory.mktemp("telecom")
    data = folder / "telco.csv"
    telecom_table().to_csv(data, index=False)
    playbook = folder / "telco_playbook.toml"
    playbook.write_text(PLAYBOOK, encoding="utf-8")
    settings = make_settings(
        report={"languages": list(LANGS), "formats": ["pptx", "pdf"], "organisation": ORGANISATION,
                "period": "2026-Q3", "currency": "EUR"},
        columns={"id": "customerID", "churn": "Churn", "region": "Geography", "tenure": "tenure",
                 "numeric": ["MonthlyCharges"], "categorical": ["Contract"]},
        analysis={"playbook": str(playbook), "min_segment_size": 150})
    build(settings, str(data), str(folder / "out"), Reporter(-1))
    return folder / "out"


def deck_text(path) -> str:
    """Return every text of a deck: shapes, table cells, chart categories and series, and speaker notes."""
    return "\n".join(deck_strings(path))


@pytest.mark.parametrize("lang", LANGS)
def test_telecom_deck_speaks_of_all_clients_and_keeps_the_column_names(telecom_build, lang):
    context = json.loads((telecom_build / "context.json").read_text(encoding="utf-8"))
    assert context["roles"]["semantic"]["region"] == "Geography"  # the role is kept: only the label changes
    text = deck_text(telecom_build / f"deck_{lang}.pptx")
    assert not BANK_WORDS.search(text), BANK_WORDS.search(text)
    assert not CITY_WORDS.search(text), CITY_WORDS.search(text)
    assert "Geography" in text and "MonthlyCharges" in text and "Contract" in text
    assert tr(lang, "Does churn depend on {feature}?").format(feature="Geography") in text
    # the deck names the organisation, never a bank
    assert ORGANISATION in text


@pytest.mark.parametrize("lang", LANGS)
def test_telecom_pdf_and_email_say_nothing_of_a_bank(telecom_build, lang):
    text = pdf_text(telecom_build / f"summary_{lang}.pdf")
    assert not BANK_WORDS.search(text), BANK_WORDS.search(text)
    assert not CITY_WORDS.search(text), CITY_WORDS.search(text)
    assert "Geography" in text
    context = json.loads((telecom_build / "context.json").read_text(encoding="utf-8"))
    mail = Composer(context, lang, b"%PDF-1.4")
    for part in (mail.subject, mail.text, mail.html):
        assert not BANK_WORDS.search(part), BANK_WORDS.search(part)
        assert not CITY_WORDS.search(part)


# --- the label rule, one column at a time -------------------------------------------------------------------

def wording(lang: str, semantic: dict, labels: dict | None = None) -> Wording:
    """Return the Wording of a minimal context with the given roles and [labels]."""
    context = {"meta": {"currency": "EUR"}, "roles": {"semantic": semantic}, "labels": labels or {}}
    return Wording(context, lang)


@pytest.mark.parametrize("lang", LANGS)
def test_a_translated_name_only_where_the_column_name_means_it(lang):
    w = wording(lang, {"region": "Geography", "score": "score", "income": "EST_SALARY", "age": "Âge",
                       "activity": "IsActiveMember", "credit_card": "HasCrCard"})
    assert w.feature("Geography") == "Geography"  # region role, but not called city
    assert w.feature("city") == tr(lang, "city") and w.feature("ville") == tr(lang, "city")
    assert w.feature("город") == tr(lang, "city")
    # 'score' detected as a credit score by its range (the score role) is named so; the same column name
    # without that role stays its own name
    assert w.feature("score") == tr(lang, "credit score")
    assert wording(lang, {}).feature("score") == "score"
    assert w.feature("CreditScore") == tr(lang, "credit score")
    assert w.feature("EST_SALARY") == tr(lang, "estimated income")
    assert w.feature("Âge") == tr(lang, "age")
    assert w.feature("last_visit") == "last visit"  # its own name, underscores as spaces
    assert w.churn_by("last_visit") == tr(lang, "Churn by {feature}").format(feature="last visit")
    assert w.feature("last_activity") == tr(lang, "active last month")  # a bank's name for that flag
    # yes/no phrases follow the same rule: 'with a credit card' for HasCrCard, not for an 'active member'
    assert w.flag("HasCrCard", 1) == tr(lang, "with a credit card")
    assert w.flag("IsActiveMember", 0) == tr(lang, "{feature}: {answer}").format(feature="IsActiveMember",
                                                                                answer=tr(lang, "no"))


@pytest.mark.parametrize("lang", LANGS)
def test_money_bands_of_one_factor_share_one_form_and_open_bands_are_said_in_words(lang):
    from babel.numbers import format_compact_decimal

    w = wording(lang, {"income": "EST_SALARY"})
    edges = [70_000.0, 100_000.0, 150_000.0]
    bounds = [None, *edges, None]
    factor = {"factor": "EST_SALARY", "spec": {"edges": edges, "integer": False}}
    labels = [w.level(factor, {"level_type": "band", "low": low, "high": high})
              for low, high in zip(bounds, bounds[1:])]
    # every bound of the axis written compactly ('70 k', '70 тыс.', '70K'), none in full ('70 000')
    for value in edges:
        short = format_compact_decimal(value, locale=lang).replace("\u00a0", " ")
        assert sum(short in label.replace("\u00a0", " ") for label in labels) == 2, (short, labels)
    assert not any(re.search(r"\d[\s\u00a0\u202f,]000", label) for label in labels), labels
    assert labels[-1] == tr(lang, "{value} or more").format(value=w.fmt.money(150_000.0, compact=True))
    # a whole-number band open at the top is said in words, not '4+'
    products = {"factor": "products", "spec": {"edges": [2.0, 4.0], "integer": True}}
    top = w.level(products, {"level_type": "band", "low": 4.0, "high": None})
    assert top == tr(lang, "{value} or more").format(value="4") and "+" not in top


def test_the_config_label_wins_and_turns_off_the_phrases():
    w = wording("fr", {"region": "city", "credit_card": "credit_card"},
                {"fr": {"city": "agence", "credit_card": "carte Visa"}})
    assert w.feature("city") == "agence"
    assert w.flag("credit_card", 1) == tr("fr", "{feature}: {answer}").format(feature="carte Visa",
                                                                             answer=tr("fr", "yes"))
    assert wording("en", {}, {"fr": {"city": "agence"}}).feature("city") == "city"


@pytest.mark.parametrize("lang", LANGS)
def test_an_approximate_chi_square_says_so_in_its_conclusion(lang):
    test = {"feature": "Contract", "type": "categorical", "status": "ok", "significant": False,
            "p_adjusted": 0.2, "method": "chi_square", "effect_size": {"name": "cramers_v", "value": 0.05}}
    w = wording(lang, {})
    note = tr(lang, "some expected counts are below 5 and the table is too large for the exact test, so the "
                    "chi-square p-value is only approximate")
    assert note[:1].upper() + note[1:] in w.conclusion({**test, "lead_reason": "expected_counts_small"})
    assert note[1:] not in w.conclusion({**test, "lead_reason": "expected_counts_ok"})


def test_the_bundled_playbook_on_a_telecom_table_speaks_of_all_clients(tmp_path):
    """Rules that fire on any table (the retention call, the generic fallbacks) name no bank."""
    from reportgen.ingest import load_dataset
    from reportgen.pipeline import analyse

    path = tmp_path / "telecom.csv"
    telecom_table().to_csv(path, index=False)
    settings = make_settings(columns={"id": "customerID", "churn": "Churn", "tenure": "tenure"},
                             analysis={"min_segment_size": 150})
    context = analyse(load_dataset(path, settings), settings, Reporter(-1), period="2026-Q3")
    rules = context["segments"]
    assert rules, "the telecom table must have segments for this test to mean anything"
    for lang in LANGS:
        w = Wording(context, lang)
        texts = [w.recommendation(r) for s in rules for r in s["recommendations"]]
        assert texts and not any(BANK_WORDS.search(t) for t in texts), [t for t in texts if BANK_WORDS.search(t)]
