"""The wording a native French or Russian reader expects, read back from the rendered decks and PDFs."""

from __future__ import annotations

import json
import re

import pytest
from pptx import Presentation

from reportgen.render.deck import render_deck
from tests.render_helpers import catalog, deck_strings, pdf_text, spaces, tr

LANGS = ("fr", "ru", "en")


def plural(lang: str, singular: str, plural_id: str, n: int) -> str:
    """Return the catalog's form of a plural message for `n`, the form chosen here by each language's rule."""
    if lang == "en":
        return singular if n == 1 else plural_id
    forms = catalog(lang).get(singular).string
    if lang == "fr":
        return forms[0] if n in (0, 1) else forms[1]
    if n % 10 == 1 and n % 100 != 11:
        return forms[0]
    return forms[1] if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14 else forms[2]


def texts(build, lang: str) -> list[str]:
    """Return every text of a language's deck (paragraphs, chart labels, notes) and its PDF, line by line."""
    return deck_strings(build / f"deck_{lang}.pptx") + pdf_text(build / f"summary_{lang}.pdf").splitlines()


def test_french_says_taux_d_attrition_never_taux_de_depart(sample_build):
    for message in catalog("fr"):
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        for text in strings:
            assert not re.search(r"taux de départ|départs? de clients|indicateur de départ", text, re.I), message.id
    joined = "\n".join(texts(sample_build, "fr")).replace("\n", " ")
    assert "taux d’attrition" in joined.lower()
    assert not re.search(r"taux de départ|départs? de clients|un départ qui", joined, re.I)


@pytest.mark.parametrize("lang", LANGS)
def test_key_figures_agree_with_their_numbers(sample_build, lang):
    context = json.loads((sample_build / "context.json").read_text(encoding="utf-8"))
    overview = context["overview"]
    deck = Presentation(str(sample_build / f"deck_{lang}.pptx"))
    # the key figures open the executive summary
    slide = next(s for s in deck.slides
                 if s.shapes.title is not None and s.shapes.title.text == tr(lang, "Executive summary"))
    cards = {}
    for shape in slide.shapes:
        if shape.has_text_frame and not shape.is_placeholder:
            lines = [p.text for p in shape.text_frame.paragraphs]
            if len(lines) < 2:
                continue
            cards[lines[0].replace("\u00a0", "").replace("\u202f", "").replace(",", "")] = lines[1]
    for n, singular, plural_id in ((overview["customers"], "client analysed", "clients analysed"),
                                   (overview["churned"], "client who left", "clients who left")):
        expected = plural(lang, singular, plural_id, n)
        assert cards[str(n)] == expected[:1].upper() + expected[1:]
    if lang == "ru":
        # the sample's 10,000 clients and 1,861 leavers take the genitive plural and the singular of 1 (…1)
        assert cards["10000"] == "Клиентов в анализе" and cards[str(overview["churned"])].lower().startswith(
            "ушедш")


def test_russian_and_french_decline_known_features_in_chart_titles(sample_build):
    ru = [spaces(t) for t in deck_strings(sample_build / "deck_ru.pptx")]  # titles tie one-letter words
    fr = deck_strings(sample_build / "deck_fr.pptx")
    assert "Отток по числу продуктов" in ru and "Отток с кредитной картой и без неё" in ru
    assert "Taux d’attrition selon le nombre de produits" in fr
    # a column named by the role detected for it ('equity' ranges 0-9: the property score) declines as well
    assert "Отток по баллу собственности" in ru and "Taux d’attrition selon le score de patrimoine" in fr
    assert "Отток по активности в прошлом месяце" in ru  # last_activity: a bank's name for that flag
    assert not any(t.startswith("Отток в разрезе:") for t in ru)


@pytest.mark.parametrize("lang, words", [("fr", "aucun doublon"), ("ru", "дубликатов строк нет"),
                                         ("en", "no duplicate rows")])
def test_no_duplicates_is_said_in_words(sample_build, lang, words):
    context = json.loads((sample_build / "context.json").read_text(encoding="utf-8"))
    assert context["quality"]["duplicate_rows"]["count"] == 0
    assert tr(lang, "no duplicate rows") == words
    deck = "\n".join(deck_strings(sample_build / f"deck_{lang}.pptx"))
    assert words in deck and words[:1].upper() + words[1:] in pdf_text(sample_build / f"summary_{lang}.pdf")


@pytest.mark.parametrize("lang", LANGS)
def test_an_action_for_one_persona_names_it_alone(sample_build, tmp_path, lang):

    context = json.loads((sample_build / "context.json").read_text(encoding="utf-8"))
    action = next(a for actions in context["action_plan"].values() for a in actions)
    action["segments"] = ["S4"]
    title = context["playbook"]["rules"][action["id"]]["title"][lang]
    deck = Presentation(str(render_deck(context, lang, tmp_path / "deck.pptx")))
    plan = next(s for s in deck.slides if s.shapes.title.text == tr(lang, "Action plan"))
    table = next(sh.table for sh in plan.shapes if sh.has_table)
    cells = next([c.text for c in row.cells] for row in table.rows if row.cells[0].text == title)
    opening = tr(lang, "“{title}”").split("{title}")[0]  # the quotation mark the language opens a name with
    assert cells[1].count(opening) == 1 and cells[1].startswith(opening)


@pytest.mark.parametrize("lang", LANGS)
def test_no_capital_after_a_colon_inside_a_sentence(sample_build, lang):
    lines = texts(sample_build, lang)
    joined = "\n".join(lines)
    found = []
    for line in lines:
        for match in re.finditer(r"\S[\s\u00a0\u202f]?[:;][\s\u00a0\u202f]+([A-ZÀ-ÞА-ЯЁ][a-zà-ÿа-яё]+)", line):
            word = match.group(1)
            # a word that the same texts also write in lower case is a common word, not a name (Les, Средние)
            if re.search(rf"(?<![\w]){re.escape(word.lower())}(?![\w])", joined):
                found.append(line)
    assert not found, found[:5]


@pytest.mark.parametrize("lang", LANGS)
def test_95_percent_is_written_one_way(sample_build, lang):
    from reportgen.i18n.formatting import Formatter

    expected = Formatter(lang).percent(0.95, 0)
    deck = "\n".join(deck_strings(sample_build / f"deck_{lang}.pptx"))
    written = re.findall(r"95[\s\u00a0\u202f]*%", deck)
    assert written and set(written) == {expected}


@pytest.mark.parametrize("lang, stem", [("ru", "отток"), ("fr", "attrition"), ("en", "churn")])
def test_no_title_echoes_its_own_word(lang, stem):
    # "Отток в сегментах с повышенным оттоком": a short message (a title, a label) says its key word once
    for message in catalog(lang) if lang != "en" else catalog("fr"):
        if not message.id or isinstance(message.id, (list, tuple)):
            continue
        text = message.id if lang == "en" else message.string
        in_reports = any(part in path for path, _line in message.locations
                         for part in ("render/", "templates/", "compose.py"))
        if in_reports and len(text) <= 70:
            assert len(re.findall(stem, text, re.I)) <= 1, text


@pytest.mark.parametrize("lang, tag", [("fr", "fr-FR"), ("ru", "ru-RU"), ("en", "en-GB")])
def test_every_text_run_carries_the_deck_language(sample_build, lang, tag):
    """PowerPoint checks spelling in a run's `lang`; runs without one take the template's en-US."""
    import zipfile

    from lxml import etree

    a = "http://schemas.openxmlformats.org/drawingml/2006/main"
    c = "http://schemas.openxmlformats.org/drawingml/2006/chart"
    path = sample_build / f"deck_{lang}.pptx"
    runs = charts = 0
    with zipfile.ZipFile(path) as package:
        for name in package.namelist():
            if not name.endswith(".xml") or not name.startswith("ppt/"):
                continue
            root = etree.fromstring(package.read(name))
            for run in root.iter(f"{{{a}}}r"):
                properties = run.find(f"{{{a}}}rPr")
                assert properties is not None and properties.get("lang") == tag, (name, etree.tostring(run)[:120])
                runs += 1
            for kind in ("rPr", "endParaRPr", "defRPr"):
                for element in root.iter(f"{{{a}}}{kind}"):
                    assert element.get("lang") == tag, (name, kind, element.get("lang"))
            if root.tag == f"{{{c}}}chartSpace":
                assert root.find(f"{{{c}}}lang").get("val") == tag
                charts += 1
            assert b"en-US" not in package.read(name), name
    assert runs > 100 and charts >= 3
    assert Presentation(str(path)).core_properties.language == tag
