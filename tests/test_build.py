"""`reportgen build` end to end: the files it writes, what a failure leaves, and --previous."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest
from pptx import Presentation
from scipy import stats

from reportgen.ingest.sample import generate_customers, next_quarter
from tests.test_segments import rule_rows
from tests.conftest import REAL_DATA, SAMPLE_DATA
from tests.render_helpers import pdf_text, spaces, tr


@pytest.mark.realdata
def test_build_three_languages_on_the_real_table_writes_six_reports_and_the_client_lists(run_cli, tmp_path):
    result = run_cli("build", "--lang", "fr,ru,en", "--data", REAL_DATA, "--out", tmp_path / "out")
    assert result.code == 0, result.err
    written = sorted(p.name for p in (tmp_path / "out").iterdir() if p.is_file())
    assert written == ["clients.csv", "clients_en.xlsx", "clients_fr.xlsx", "clients_ru.xlsx", "context.json",
                       "deck_en.pptx", "deck_fr.pptx", "deck_ru.pptx", "summary_en.pdf", "summary_fr.pdf",
                       "summary_ru.pdf"]
    for name in written:
        assert str(tmp_path / "out" / name) in result.out
    context = json.loads((tmp_path / "out" / "context.json").read_text(encoding="utf-8"))
    assert round(context["overview"]["churn_rate"], 3) == 0.182


def test_build_without_data_uses_the_bundled_sample(run_cli, tmp_path):
    result = run_cli("build", "--lang", "en", "--format", "pptx", "--period", "2026-Q2", cwd=tmp_path)
    assert result.code == 0, result.err
    out = tmp_path / "output" / "2026-Q2"
    assert (out / "deck_en.pptx").is_file() and (out / "context.json").is_file()
    context = json.loads((out / "context.json").read_text(encoding="utf-8"))
    assert context["meta"]["dataset"].endswith("sample_customers.csv")
    assert context["overview"]["customers"] == len(pd.read_csv(SAMPLE_DATA))
    assert context["meta"]["period"] == "2026-Q2"
    assert not (out / "summary_en.pdf").exists()


def test_format_both_writes_the_deck_and_the_summary_as_the_help_says(run_cli, tmp_path):
    result = run_cli("build", "-q", "--lang", "en", "--format", "both", "--out", tmp_path, "--data", SAMPLE_DATA)
    assert result.code == 0, result.err
    assert (tmp_path / "deck_en.pptx").is_file() and (tmp_path / "summary_en.pdf").is_file()
    assert "both" in run_cli("build", "--help").out


def test_progress_is_shown_and_quiet_hides_it(run_cli, tmp_path):
    loud = run_cli("build", "--lang", "en", "--format", "pptx", "--out", tmp_path / "a", "--data", SAMPLE_DATA)
    assert "Reading" in loud.err and "Analysing" in loud.err and "Rendering" in loud.err
    quiet = run_cli("build", "-q", "--lang", "en", "--format", "pptx", "--out", tmp_path / "b", "--data",
                    SAMPLE_DATA)
    assert quiet.code == 0 and quiet.err == ""


def test_a_failed_build_leaves_nothing_half_written(run_cli, tmp_path):
    out = tmp_path / "out"
    first = run_cli("build", "--lang", "en", "--data", SAMPLE_DATA, "--out", out)
    assert first.code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    evil = tmp_path / "evil"
    evil.mkdir()
    (evil / "summary.html").write_text("<img src='http://example.com/x.png'>", encoding="utf-8")
    failed = run_cli("build", "--lang", "fr,en", "--data", SAMPLE_DATA, "--out", out, "--templates", evil,
                     "--period", "2025-Q1")
    assert failed.code == 2 and "Traceback" not in failed.err
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert after == before  # the old files untouched, no deck_fr from the failed run
    assert not [p for p in out.iterdir() if p.name.startswith(".build-")]


# --- the comparison with the previous quarter -------------------------------------------------

@pytest.fixture(scope="module")
def quarters(tmp_path_factory):
    folder = tmp_path_factory.mktemp("quarters")
    before = generate_customers(8_000, 11)
    after = next_quarter(before, 12)
    before.to_csv(folder / "q2.csv", index=False)
    after.to_csv(folder / "q3.csv", index=False)
    return folder, before, after


def z_test(k1, n1, k2, n2):
    """Return the two-sided p of the pooled two-proportion z-test, written out here."""
    p = (k1 + k2) / (n1 + n2)
    z = (k1 / n1 - k2 / n2) / math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2))
    return 2 * stats.norm.sf(abs(z))


def test_comparison_figures_match_independent_computation(run_cli, quarters):
    folder, before, after = quarters
    result = run_cli("analyze", "--data", folder / "q3.csv", "--previous", folder / "q2.csv", "-o",
                     folder / "ctx.json", "--period", "2026-Q3")
    assert result.code == 0, result.err
    comp = json.loads((folder / "ctx.json").read_text(encoding="utf-8"))["comparison"]
    assert comp["previous"]["period"] == "2026-Q2"
    assert comp["churn"]["then"] == pytest.approx(before["churn"].mean())
    assert comp["churn"]["now"] == pytest.approx(after["churn"].mean())
    assert comp["churn"]["change_pp"] == pytest.approx((after["churn"].mean() - before["churn"].mean()) * 100)
    expected_p = z_test(after["churn"].sum(), len(after), before["churn"].sum(), len(before))
    assert comp["churn"]["test"]["p_value"] == pytest.approx(expected_p)
    ids_before, ids_after = set(before["USERID"].astype(str)), set(after["USERID"].astype(str))
    assert comp["clients"]["by_id"]
    assert comp["clients"]["gained"] == len(ids_after - ids_before)
    assert comp["clients"]["lost"] == len(ids_before - ids_after)
    assert comp["clients"]["kept"] == len(ids_after & ids_before)
    # last quarter's segments re-measured on this quarter's clients, with the same rule
    for seg in comp["segments"]:
        if seg["rule"] is None:
            continue
        mask = rule_rows(after, seg["rule"])
        assert seg["now"]["customers"] == mask.sum()
        assert seg["now"]["churn_rate"] == pytest.approx(after.loc[mask, "churn"].mean())
    gender = next(f for f in comp["factors"] if f["factor"] == "gender")
    men = next(lvl for lvl in gender["levels"] if lvl["value"] == "М")
    assert men["then"] == pytest.approx(before.loc[before.gender == "М", "churn"].mean())
    assert men["now"] == pytest.approx(after.loc[after.gender == "М", "churn"].mean())
    # the generator lowered churn where last quarter's retention actions were aimed
    assert any(s["change_pp"] < 0 for s in comp["segments"] if s["rule"] is not None and s["status"] == "ok")


def test_previous_context_json_and_the_what_changed_slide(run_cli, quarters, tmp_path):
    folder, _before, _after = quarters
    first = run_cli("build", "--lang", "en", "--format", "pptx", "--data", folder / "q2.csv", "--out",
                    tmp_path / "q2", "--period", "2026-Q2")
    assert first.code == 0, first.err
    second = run_cli("build", "--lang", "fr,ru,en", "--data", folder / "q3.csv", "--previous",
                     tmp_path / "q2" / "context.json", "--out", tmp_path / "q3", "--period", "2026-Q3")
    assert second.code == 0, second.err
    comp = json.loads((tmp_path / "q3" / "context.json").read_text(encoding="utf-8"))["comparison"]
    assert comp["clients"]["by_id"]  # ids read back from the data file the old context names
    for lang in ("fr", "ru", "en"):
        deck = Presentation(str(tmp_path / "q3" / f"deck_{lang}.pptx"))
        titles = [spaces(s.shapes.title.text) for s in deck.slides]
        wanted = tr(lang, "What changed since {period}").split("{period}")[0]
        index = next(i for i, t in enumerate(titles) if t.startswith(wanted))
        assert titles[index - 1] == tr(lang, "Method in four steps")  # after the method, before the results
        text = pdf_text(tmp_path / "q3" / f"summary_{lang}.pdf")
        assert spaces(wanted.strip()) in text


def test_previous_that_is_not_a_context_is_refused(run_cli, tmp_path):
    bogus = tmp_path / "old.json"
    bogus.write_text('{"hello": 1}', encoding="utf-8")
    result = run_cli("analyze", "--data", SAMPLE_DATA, "--previous", bogus, "-o", tmp_path / "c.json")
    assert result.code == 2 and "not a reportgen context" in result.err
