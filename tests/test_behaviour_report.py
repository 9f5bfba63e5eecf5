"""The decks and PDFs of a behaviour segmentation (a table without a churn flag), read back with python-pptx
and pypdf: one slide per cluster, named from its traits in three languages, sizes as generated."""

from __future__ import annotations

import email
import email.policy
import json
import re

import numpy as np
import pandas as pd
import pytest
from pptx import Presentation
from pypdf import PdfReader

from tests.conftest import PROJECT
from tests.render_helpers import slide_paragraphs, tr

MALL = PROJECT.parent / "shared" / "data" / "mall_customers.csv"
INCOME, SCORE = "Annual Income (k$)", "Spending Score (1-100)"
# five shopper groups in income x spending score, of different sizes so that none ties with another
CENTRES = np.array([[55.0, 50.0], [25.0, 80.0], [90.0, 20.0], [90.0, 80.0], [25.0, 20.0]])
SIZES = [80, 70, 60, 50, 40]
ENGLISH_WORDS = {"high", "low", "income", "spending", "average", "older", "younger", "mostly", "above",
                 "below"}
LANGS = ("en", "fr", "ru")


def mall_like(path, seed: int = 7) -> pd.DataFrame:
    """Write a mall-like table of five tight blobs to `path` and return it (the values as written)."""
    rng = np.random.default_rng(seed)
    points = np.vstack([rng.normal(centre, 4.0, size=(n, 2)) for centre, n in zip(CENTRES, SIZES)])
    frame = pd.DataFrame({"CustomerID": np.arange(1, len(points) + 1),
                          INCOME: np.round(points[:, 0], 1), SCORE: np.round(points[:, 1], 1)})
    frame.to_csv(path, index=False)
    return frame


def expected_names(frame: pd.DataFrame, lang: str) -> tuple[list[str], list[int]]:
    """Return each blob's name (traits: |z| >= 0.5 from all clients, strongest first) and its size.

    Each client belongs to the blob whose generated centre is nearest; z compares the blob's mean with the
    mean of all clients in standard deviations of all clients (population, as the report states it).
    """
    values = frame[[INCOME, SCORE]].to_numpy()
    blob = ((values[:, None, :] - CENTRES[None, :, :]) ** 2).sum(axis=2).argmin(axis=1)
    mean, std = values.mean(axis=0), values.std(axis=0)
    phrases = [("high income", "low income"), ("high spending score", "low spending score")]
    names, sizes = [], []
    for index in range(len(CENTRES)):
        z = (values[blob == index].mean(axis=0) - mean) / std
        traits = sorted((j for j in range(2) if abs(z[j]) >= 0.5), key=lambda j: -abs(z[j]))
        words = [tr(lang, phrases[j][0] if z[j] > 0 else phrases[j][1]) for j in traits]
        name = ", ".join(words) if words else tr(lang, "Average clients")
        names.append(name[:1].upper() + name[1:])
        sizes.append(int((blob == index).sum()))
    return names, sizes


def leading_number(text: str) -> int | None:
    """Return the whole number a text starts with ('1 234 clients, ...' -> 1234), or None."""
    match = re.match(r"(\d[\d \u00a0\u202f,]*)", text)
    return int(re.sub(r"\D", "", match.group(1))) if match else None


def check_deck(path, names: list[str]) -> dict[str, int]:
    """Return the size each cluster slide states, by name; fail on lower-case paragraphs or missing slides."""
    prs = Presentation(str(path))
    sizes = {}
    for number, slide in enumerate(prs.slides, start=1):
        texts = slide_paragraphs(slide)
        for text in texts:
            assert not (text[0].isalpha() and text[0].islower()), f"{path.name} slide {number}: {text!r}"
        notes = slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else ""
        assert notes.strip(), f"{path.name} slide {number} has no speaker notes"
        title = slide.shapes.title.text if slide.shapes.title is not None else ""
        if title in names:
            assert title not in sizes, f"{path.name}: two slides for {title!r}"
            sizes[title] = next(n for n in map(leading_number, texts[1:]) if n is not None)
    return sizes


def test_a_mall_like_table_gets_one_named_slide_per_cluster_with_the_sizes_generated(run_cli, tmp_path):
    frame = mall_like(tmp_path / "shoppers.csv")
    out = tmp_path / "out"
    result = run_cli("build", "--lang", ",".join(LANGS), "--data", tmp_path / "shoppers.csv", "--out", out)
    assert result.code == 0, result.err
    # the brief's own words for the high-income, low-score shoppers
    assert expected_names(frame, "fr")[0][2] in ("Revenu élevé, faible score de dépenses",
                                                 "Faible score de dépenses, revenu élevé")
    assert expected_names(frame, "ru")[0][2] in ("Высокий доход, низкий балл трат", "Низкий балл трат, высокий доход")
    assert expected_names(frame, "en")[0][0] == "Average clients"
    for lang in LANGS:
        names, sizes = expected_names(frame, lang)
        stated = check_deck(out / f"deck_{lang}.pptx", names)
        assert sorted(stated) == sorted(names), lang
        for name, size in zip(names, sizes):
            # KMeans may put a client between two blobs on the other side; a handful at most
            assert abs(stated[name] - size) <= 3, (lang, name, stated[name], size)
        if lang != "en":
            words = {w.lower() for name in names for w in re.findall(r"[A-Za-z]+", name)}
            assert not words & ENGLISH_WORDS, (lang, words & ENGLISH_WORDS)
        pdf = PdfReader(str(out / f"summary_{lang}.pdf"))
        assert 2 <= len(pdf.pages) <= 4, (lang, len(pdf.pages))
        text = " ".join(" ".join(page.extract_text().split()) for page in pdf.pages)
        for name in names:
            assert name in text, (lang, name)
    context = json.loads((out / "context.json").read_text(encoding="utf-8"))
    assert context["meta"]["kind"] == "behaviour"
    prs = Presentation(str(out / "deck_en.pptx"))
    assert prs.slides[0].shapes.title.text == "Client segmentation"
    # the PDFs are e-mailed like a churn report's, headlined by their clusters (dry run: .eml files)
    (tmp_path / "reportgen.toml").write_text('[email]\nhost = "localhost"\nsecurity = "none"\n'
                                             'sender = "Reports <reports@example.org>"\n', encoding="utf-8")
    sent = run_cli("send", "--config", tmp_path / "reportgen.toml", "--out", out, "--to", "a@example.org",
                   "--dry-run", "--lang", ",".join(LANGS))
    assert sent.code == 0, sent.err
    k = len(context["clusters"]["groups"])
    for lang in LANGS:
        message = email.message_from_bytes(next((out / "outbox").glob(f"{lang}_*.eml")).read_bytes(),
                                           policy=email.policy.default)
        assert tr(lang, "Client segmentation {period}: {clusters}").split(" {period}")[0] in message["Subject"]
        assert f"{k} " in message["Subject"]
        assert [a.get_filename() for a in message.iter_attachments()] == [f"segmentation_summary_"
                                                                           f"{context['meta']['period']}_{lang}.pdf"]


@pytest.mark.realdata
@pytest.mark.skipif(not MALL.is_file(), reason=f"{MALL} is absent (a fresh clone has no ../shared)")
def test_the_real_mall_table_builds_named_clusters_in_three_languages(run_cli, tmp_path):
    out = tmp_path / "out"
    result = run_cli("build", "--lang", ",".join(LANGS), "--data", MALL, "--out", out)
    assert result.code == 0, result.err
    context = json.loads((out / "context.json").read_text(encoding="utf-8"))
    groups = context["clusters"]["groups"]
    assert len(groups) >= 5
    assert sum(g["size"] for g in groups) == 200 - context["clusters"]["outliers"]["count"]
    for lang in LANGS:
        prs = Presentation(str(out / f"deck_{lang}.pptx"))
        sizes = {}
        for slide in prs.slides:
            texts = slide_paragraphs(slide)
            number = leading_number(texts[1]) if len(texts) > 1 else None
            # a cluster slide: its title, then '45 clients, 22.5% of all clients'
            if number is not None and "%" in texts[1] and slide.shapes.title.text not in sizes:
                sizes[slide.shapes.title.text] = number
        assert len(sizes) == len(groups), (lang, sizes)
        assert sorted(sizes.values()) == sorted(g["size"] for g in groups)
        assert all(name[:1].isupper() for name in sizes)
        assert 2 <= len(PdfReader(str(out / f"summary_{lang}.pdf")).pages) <= 4


def wording(lang: str):
    """Return the Wording of a small behaviour context: a card table with a custom column and a category."""
    from reportgen.render.wording import Wording

    roles = {"churn": None, "id": "id", "semantic": {"cash_advance": "CASH_ADVANCE", "income": "income",
                                                     "gender": "Gender"},
             "numeric": ["CASH_ADVANCE", "income", "visits"], "categorical": ["Gender"], "binary": [],
             "ignored": {}, "sources": {}}
    context = {"meta": {"kind": "behaviour", "period": "2026-Q3", "currency": "EUR"}, "roles": roles,
               "labels": {}, "value_labels": {}}
    return Wording(context, lang)


@pytest.mark.parametrize("lang", LANGS)
def test_cluster_names_use_the_catalogs_phrases_and_need_no_agreement_elsewhere(lang):
    w = wording(lang)
    heavy = {"feature": "CASH_ADVANCE", "role": "cash_advance", "direction": "high", "z": 1.4}
    poor = {"feature": "income", "role": "income", "direction": "low", "z": -0.9}
    visits = {"feature": "visits", "role": None, "direction": "high", "z": 0.7}
    women = {"feature": "Gender", "role": "gender", "direction": "high", "z": 0.6, "level": "F"}
    name = w.cluster_name({"id": "C1", "traits": [heavy, poor, visits, women], "name_unique": True})
    parts = [tr(lang, "heavy cash advances"), tr(lang, "low income"),
             tr(lang, "{feature} above average").format(feature="visits"),
             tr(lang, "mostly {level}").format(level=tr(lang, "women"))]
    expected = ", ".join(parts)
    assert name == expected[:1].upper() + expected[1:]
    assert w.cluster_name({"id": "C2", "traits": [], "name_unique": True}) == tr(lang, "Average clients")
    twin = w.cluster_name({"id": "C3", "traits": [poor], "name_unique": False})
    assert twin.endswith("(C3)") and twin[:1].isupper()


def test_the_catalogs_say_the_trait_phrases_as_a_marketer_would():
    assert (tr("fr", "high income"), tr("ru", "high income")) == ("revenu élevé", "высокий доход")
    assert (tr("fr", "low spending score"), tr("ru", "low spending score")) == ("faible score de dépenses",
                                                                               "низкий балл трат")
    assert tr("fr", "{feature} above average") == "{feature} au-dessus de la moyenne"
    assert tr("ru", "{feature} above average") == "{feature}: выше среднего"
    assert tr("ru", "Average clients") == "Клиенты без выраженных отличий"


def test_money_roles_show_the_currency_unless_the_column_names_its_own_unit():
    from reportgen.render.wording import Wording

    roles = {"churn": None, "id": None, "semantic": {"income": "Annual Income (k$)", "purchases": "PURCHASES",
                                                     "age": "Age"},
             "numeric": ["Annual Income (k$)", "PURCHASES", "Age"], "categorical": [], "binary": [], "ignored": {},
             "sources": {}}
    w = Wording({"meta": {"kind": "behaviour", "period": "2026-Q3", "currency": "EUR"}, "roles": roles}, "en")
    assert w.number_for("Annual Income (k$)", 54) == "54"
    assert w.number_for("PURCHASES", 1200) == "€1,200"
    assert w.number_for("Age", 41) == "41"
