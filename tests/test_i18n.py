"""Catalogs complete in every language, plural forms right, numbers and money formatted by the locale."""

from __future__ import annotations

import string
import sys

import pytest

from reportgen.i18n.catalogs import LANGUAGES, get_translations
from reportgen.i18n.formatting import Formatter
from tests.conftest import PROJECT

sys.path.insert(0, str(PROJECT / "tools"))
import i18n as catalog_tool  # noqa: E402  (tools/i18n.py: extraction shared with the developers' command)


@pytest.fixture(scope="module")
def extracted():
    return catalog_tool.extract()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_is_translated_in_every_language(extracted, lang):
    problems = catalog_tool.problems(catalog_tool.load(lang), extracted)
    assert problems == [], f"{lang}: {len(problems)} messages missing or untranslated, e.g. {problems[:5]}"


def _fields(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_keep_the_placeholders(lang):
    catalog = catalog_tool.load(lang)
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, (list, tuple)) else (message.id,)
        strings = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
        expected = set().union(*(_fields(i) for i in ids))
        if message.context == "persona":  # a language may make any trait wrap the head noun (reportgen.render
            expected.add("head")          # .sentences.personas): « {head} multi-équipés »
        for text in strings:
            assert _fields(text) <= expected, (lang, message.id, text)


@pytest.mark.parametrize("n, word", [(1, "клиент"), (2, "клиента"), (4, "клиента"), (5, "клиентов"),
                                     (11, "клиентов"), (12, "клиентов"), (21, "клиент"), (22, "клиента"),
                                     (25, "клиентов"), (101, "клиент"), (111, "клиентов")])
def test_russian_plurals(n, word):
    text = Formatter("ru").quantity(n, "{n} client", "{n} clients")
    assert text.split()[-1] == word


@pytest.mark.parametrize("lang, n, expected", [("fr", 1, "1 client"), ("fr", 2, "2 clients"), ("fr", 0, "0 client"),
                                                ("en", 1, "1 client"), ("en", 0, "0 clients"),
                                                ("en", 21, "21 clients")])
def test_french_and_english_plurals(lang, n, expected):
    assert Formatter(lang).quantity(n, "{n} client", "{n} clients") == expected


def test_fractions_take_the_form_that_reads_right():
    assert Formatter("ru").ratio(3.4) == "в 3,4 раза"
    assert Formatter("en").ratio(3.4) == "3.4 times"
    assert Formatter("fr").ratio(3.4).startswith("3,4") and "fois" in Formatter("fr").ratio(3.4)


def test_numbers_percentages_and_money_by_locale():
    fr, ru, en = Formatter("fr"), Formatter("ru"), Formatter("en")
    assert fr.percent(0.182) in ("18,2\u00a0%", "18,2\u202f%")
    assert ru.percent(0.182) in ("18,2\u00a0%", "18,2\u202f%")
    assert en.percent(0.182) == "18.2%"
    assert fr.number(10000) == "10\u202f000"
    assert ru.number(10000) == "10\u00a0000"
    assert en.number(10000) == "10,000"
    assert ru.money(986723) == "986\u00a0723\u00a0₽"
    assert en.money(986723) == "RUB\u00a0986,723"
    assert "млн" in ru.money(119_000_000)
    assert fr.points(5.4) in ("+5,4\u00a0pts", "+5,4 pts")
    assert en.points(-2.25) == "−2.2 pp" or en.points(-2.25) == "−2.3 pp"
    assert en.p_value(0.0002) == "<\u00a00.001" and fr.p_value(0.0346) == "0,035"


def test_dates_and_periods():
    assert Formatter("ru").date("2026-11-24").replace("\u202f", " ") == "24 ноября 2026 г."
    assert Formatter("fr").date("2026-11-24") == "24 novembre 2026"
    # French writes the first of a month as an ordinal, and only the first
    assert Formatter("fr").date("2025-01-01") == "1er janvier 2025"
    assert Formatter("fr").date("2025-03-01", "full") == "samedi 1er mars 2025"
    assert [Formatter("fr").date(f"2025-01-{d}") for d in ("11", "21", "31")] == [
        "11 janvier 2025", "21 janvier 2025", "31 janvier 2025"]
    assert Formatter("ru").date("2025-01-01").replace("\u202f", " ") == "1 января 2025 г."
    assert Formatter("en").date("2025-01-01") == "January 1, 2025"
    assert Formatter("en").period("2026-Q3") == "Q3 2026"
    assert Formatter("fr").period("2026-Q3") == "T3 2026"
    assert "квартал" in Formatter("ru").period("2026-Q3")


def test_plural_forms_header_reaches_the_compiled_catalog():
    assert get_translations("ru").ngettext("{n} client", "{n} clients", 5) == "{n} клиентов"
    assert get_translations("fr").ngettext("{n} client", "{n} clients", 1) == "{n} client"


@pytest.mark.parametrize("lang, number, percent, money", [
    ("fr", "−0,13", "−5,2\u00a0%", "−12\u202f345\u00a0RUB"),
    ("ru", "−0,13", "−5,2\u00a0%", "−12\u00a0345\u00a0₽"),
    ("en", "−0.13", "−5.2%", "−RUB\u00a012,345"),
])
def test_negative_numbers_take_a_true_minus_sign(lang, number, percent, money):
    fmt = Formatter(lang)
    assert fmt.number(-0.13, 2) == number
    assert fmt.percent(-0.052) == percent
    assert fmt.money(-12345) == money
    assert fmt.money(-12_000_000).count("\u2212") == 1 and fmt.points(-5.4).startswith("\u2212")
    for text in (fmt.number(-1234567), fmt.smart_number(-3.4), fmt.ratio(-1.5), fmt.money(-12_000_000)):
        assert "-" not in text and "\u2212" in text, text
