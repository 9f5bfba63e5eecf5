"""The churn model in the reports and the client lists: one French and Russian build with hostile ids and a
personal column read back with python-pptx, pypdf, openpyxl and the csv module."""

from __future__ import annotations

import csv
import json
import re

import numpy as np
import pytest
from babel.numbers import format_compact_decimal, format_decimal, format_percent
from openpyxl import load_workbook

from tests.render_helpers import deck_paragraphs, deck_strings, pdf_text, spaces, tr

HOSTILE = ["=1+1", "+cmd", "-2", "@SUM(A1)", "\tx", "\rx"]
# ids are read as text with surrounding white space trimmed: only the first four survive as ids
HOSTILE_IDS = HOSTILE[:4]


def compact_figure(value: float, lang: str) -> str:
    """Return an amount as a report's figures write it compactly: CLDR's short form, one decimal below ten."""
    text = format_compact_decimal(value, locale=lang, fraction_digits=1)
    mantissa = re.match(r"-?[\d.,]+", text).group(0)
    return text if len(mantissa.lstrip("-")) > 1 else text.replace(mantissa, format_decimal(float(mantissa), "0.0", locale=lang), 1)


@pytest.fixture(scope="module")
def built(tmp_path_factory, sample_frame):
    """Return (output folder, context, frame) of a fr,ru build whose ids and surnames are spreadsheet formulas,
    with a planted column that gives churn away and a surname column exported on request."""
    from reportgen.cli import main

    folder = tmp_path_factory.mktemp("lists")
    frame = sample_frame.head(4000).copy()
    frame["USERID"] = frame["USERID"].astype(str)
    frame.loc[frame.index[:4], "USERID"] = HOSTILE_IDS
    frame["surname"] = [HOSTILE[i % len(HOSTILE)] + f" {i}" for i in range(len(frame))]
    frame["closing_code"] = frame["churn"] * 7 + 3  # known only once a client has left
    frame.to_parquet(folder / "clients.parquet", index=False)
    (folder / "reportgen.toml").write_text('[export]\ncolumns = ["surname"]\n[columns]\nignore = ["surname"]\n',
                                           encoding="utf-8")
    try:
        main(["build", "-q", "--data", str(folder / "clients.parquet"), "--config", str(folder / "reportgen.toml"),
              "--out", str(folder / "out"), "--lang", "fr,ru", "--period", "2026-Q3"])
    except SystemExit as exc:
        assert exc.code == 0, f"the build failed with exit code {exc.code}"
    context = json.loads((folder / "out" / "context.json").read_text(encoding="utf-8"))
    return folder / "out", context, frame


def test_a_build_writes_the_csv_and_a_workbook_per_language(built):
    out, _context, _frame = built
    names = {p.name for p in out.iterdir() if p.is_file()}
    assert {"clients.csv", "clients_fr.xlsx", "clients_ru.xlsx"} <= names
    assert not [n for n in names if n.startswith(".")]


def test_the_planted_column_is_left_out_and_said_on_the_slide(built):
    out, context, _frame = built
    excluded = {e["column"]: e["reason"] for e in context["prediction"]["excluded"]}
    assert excluded == {"USERID": "id", "closing_code": "perfect_predictor"}
    assert "closing_code" not in context["prediction"]["features"]
    assert "USERID" not in context["prediction"]["features"]
    lead = tr("fr", "Left out of the model because they give the answer away: {columns}.").split("{")[0]
    assert any(p.startswith(lead.strip()) and "closing code" in p for p in deck_paragraphs(out / "deck_fr.pptx"))


def test_csv_cells_that_a_spreadsheet_would_run_are_prefixed(built):
    out, context, frame = built
    with (out / "clients.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    assert header[:8] == ["id", "action_group", "segment", "cluster", "risk", "value", "value_at_risk", "first_action"]
    assert header[-1] == "surname"
    assert len(body) == len(frame)
    ids = {row[0] for row in body}
    for value in HOSTILE_IDS:
        assert "'" + value in ids and value not in ids
    assert {row[-1] for row in body} == {"'" + s for s in frame["surname"]}  # every surname starts hostile
    for row in body:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), row
    stakes = [float(row[6]) for row in body if row[6]]
    assert stakes == sorted(stakes, reverse=True)


def ooxml_text(value: str) -> str:
    """Return a cell's text with OOXML's _xHHHH_ escapes decoded (how Excel shows a CR that openpyxl leaves escaped)."""
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), value)


def test_workbooks_hold_text_never_formulas_one_sheet_per_group(built):
    out, context, frame = built
    groups = {g["key"]: g for g in context["action_groups"]["groups"]}
    names = {"at_risk": "At risk", "high_value": "High value", "inactive": "Inactive", "standard": "Standard care"}
    for lang in ("fr", "ru"):
        book = load_workbook(out / f"clients_{lang}.xlsx")
        assert book.sheetnames == [tr(lang, names[key]) for key in groups]
        ids, surnames = set(), set()
        for key, sheet in zip(groups, book.worksheets):
            values = list(sheet.iter_rows(values_only=True))
            assert values[0][0] == tr(lang, "Client id") and values[0][-1] == "surname"
            assert len(values) - 1 == groups[key]["clients"]
            for row in sheet.iter_rows(min_row=2):
                for cell in row:
                    assert cell.data_type != "f", (lang, cell.coordinate, cell.value)
            ids |= {row[0] for row in values[1:]}
            surnames |= {ooxml_text(row[-1]) for row in values[1:]}
            stakes = [row[6] for row in values[1:] if row[6] is not None]
            assert stakes == sorted(stakes, reverse=True)
        assert set(HOSTILE_IDS) <= ids  # the text itself, stored as text
        assert set(frame["surname"]) == surnames


def test_no_personal_column_unless_export_names_it(tmp_path, sample_frame):
    from reportgen.cli import main

    frame = sample_frame.head(1500).copy()
    frame["surname"] = [f"Ivanov{i}" for i in range(len(frame))]
    frame.to_csv(tmp_path / "c.csv", index=False)
    try:
        main(["build", "-q", "--data", str(tmp_path / "c.csv"), "--out", str(tmp_path / "out"), "--lang", "en",
              "--format", "pptx"])
    except SystemExit as exc:
        assert exc.code == 0
    text = (tmp_path / "out" / "clients.csv").read_text(encoding="utf-8-sig")
    assert "Ivanov" not in text and "surname" not in text
    book = load_workbook(tmp_path / "out" / "clients_en.xlsx")
    assert not any("Ivanov" in str(c.value) for s in book.worksheets for r in s.iter_rows() for c in r)


def _precision(context: dict, frame) -> float:
    """Return the precision at 10 % computed here from the risks and the data's churn column."""
    risk = np.asarray(context["prediction"]["clients"]["risk"])
    top = np.argsort(-risk, kind="stable")[:int(round(len(risk) * 0.1))]
    return float(frame["churn"].to_numpy()[top].mean())


@pytest.mark.parametrize("lang", ["fr", "ru"])
def test_the_deck_states_the_precision_with_its_definition_and_the_value_at_risk(built, lang):
    out, context, frame = built
    precision = _precision(context, frame)
    paragraphs = [spaces(p) for p in deck_paragraphs(out / f"deck_{lang}.pptx")]
    headline = spaces(tr(lang, "Precision {precision}").format(
        precision=format_percent(precision, "#,##0.0 %" if lang != "en" else "#,##0.0%", locale=lang)))
    assert headline in paragraphs
    definition = spaces(tr(lang, "Precision at the contact capacity: of the {share} of clients the model ranks "
                                 "riskiest ({contacts}), {precision} left, against {base} of all clients."))
    lead = definition.split("{")[0]
    assert any(p.startswith(lead) for p in paragraphs)
    at_risk = context["value_at_risk"]["overall"]["value_at_risk"]
    risk = np.asarray(context["prediction"]["clients"]["risk"])
    balance = frame["balance"].to_numpy(dtype=float)
    assert at_risk == pytest.approx(np.nansum(risk * np.clip(balance, 0, None)))
    money = spaces(compact_figure(at_risk, lang))
    card = spaces(tr(lang, "value at risk"))
    card = card[:1].upper() + card[1:]  # a card's label stands as a line of its own
    strings = [spaces(s) for s in deck_strings(out / f"deck_{lang}.pptx")]
    position = strings.index(card)
    assert strings[position - 1].startswith(money), (strings[position - 1], money)


@pytest.mark.parametrize("lang", ["fr", "ru"])
def test_the_pdf_has_the_value_at_risk_the_precision_and_the_group_table(built, lang):
    out, context, frame = built
    text = pdf_text(out / f"summary_{lang}.pdf")
    flat = " ".join(text.split())
    assert spaces(tr(lang, "Whom to keep first")) in text
    headline = spaces(tr(lang, "Precision {precision}").format(
        precision=format_percent(_precision(context, frame), "#,##0.0 %", locale=lang)))
    assert headline in text
    definition = spaces(tr(lang, "Precision at the contact capacity: of the {share} of clients the model ranks "
                                 "riskiest ({contacts}), {precision} left, against {base} of all clients."))
    assert " ".join(definition.split("{")[0].split()) in flat
    money = spaces(compact_figure(context["value_at_risk"]["overall"]["value_at_risk"], lang))
    label = spaces(tr(lang, "Value at risk"))
    # the headline figure in its currency, then its label (the executive summary says it first, in a sentence)
    assert re.search(re.escape(money) + r"[\s\u00a0\u202f]*(RUB|₽)[\s\u00a0\u202f]*" + re.escape(label), flat), money
    for key in ("At risk", "High value", "Inactive", "Standard care"):
        assert " ".join(spaces(tr(lang, key)).split()) in flat
