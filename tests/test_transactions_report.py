"""The report of a transaction log, end to end through the CLI: `reportgen sample --kind transactions`, then a build
in three languages read back with python-pptx and pypdf; figures on the slides against an independent pandas
reading of the log; logs the models cannot use; and the CDNOW log (realdata)."""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pandas as pd
import pytest
from pptx import Presentation

from reportgen.render.sentences.transactions import SEGMENT_WORDS
from tests.conftest import PROJECT
from tests.render_helpers import pdf_text, slide_paragraphs, spaces, tr

LANGS = ("en", "fr", "ru")
CDNOW = PROJECT.parent / "shared" / "data" / "cdnow_master.csv"
# The R x F segment map as issue 10 defines it (rows r = 5..1, columns f = 1..5): the specification, not the code
RF_MAP = {5: ["new", "potential_loyalists", "potential_loyalists", "champions", "champions"],
          4: ["promising", "potential_loyalists", "potential_loyalists", "loyal", "loyal"],
          3: ["about_to_sleep", "about_to_sleep", "need_attention", "loyal", "loyal"],
          2: ["hibernating", "hibernating", "at_risk", "at_risk", "cant_lose"],
          1: ["lost", "lost", "at_risk", "at_risk", "cant_lose"]}
SEGMENT_NAMES = {"champions": "Champions", "loyal": "Loyal clients", "potential_loyalists": "Potential loyalists",
                 "new": "New clients", "promising": "Promising", "need_attention": "Need attention",
                 "about_to_sleep": "About to sleep", "at_risk": "At risk", "cant_lose": "Can't lose them",
                 "hibernating": "Hibernating", "lost": "Lost"}
# a title of every section of the deck, in English (looked up in the catalogs for fr and ru)
TITLES = ("Agenda", "Executive summary", "Key figures", "Context and objectives", "Data and cleaning", "Cleaning rules",
          "Method in four steps", "Quintile scores", "The recency × frequency map", "RFM segments",
          "Revenue concentration", "Strategy by cluster", "Lifetime value of the clients", "Lifetime value by segment",
          "Hold-out check of the purchase model", "Recommendations per segment", "Action plan", "Next steps",
          "Model parameters", "Method details")
PDF_HEADINGS = ("Key findings", "RFM segments", "Revenue concentration", "Client clusters and a strategy for each",
                "Recommendations per segment", "Customer lifetime value", "Data and method")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Return (folder, log path) of a sample log built in three languages through the CLI in a subprocess."""
    import subprocess
    import sys

    folder = tmp_path_factory.mktemp("txreport")
    env = {"REPORTGEN_LANG": "en", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(PROJECT)}
    for args in (["sample", "--kind", "transactions", "--rows", "800", "-o", "log.csv"],
                 ["build", "--lang", "fr,ru,en", "--data", "log.csv", "--out", "out"]):
        done = subprocess.run([sys.executable, "-m", "reportgen", *args], cwd=folder, capture_output=True, text=True,
                              env=env, timeout=300)
        assert done.returncode == 0, done.stderr
    return folder / "out", folder / "log.csv"


def clients_of(log: pd.DataFrame) -> tuple[pd.DataFrame, pd.Timestamp]:
    """Return the per-client R, F, M of a shop log cleaned as documented, and the analysis date (the last day)."""
    log = log[~log["InvoiceNo"].astype(str).str.startswith("C") & (log["Quantity"] > 0)
              & log["CustomerID"].notna()].drop_duplicates()
    log = log.assign(day=pd.to_datetime(log["InvoiceDate"]).dt.normalize(),
                     amount=log["Quantity"] * log["UnitPrice"], client=log["CustomerID"].astype(str))
    as_of = log["day"].max()
    per = log.groupby("client").agg(last=("day", "max"), days=("day", "nunique"), revenue=("amount", "sum"))
    per["recency"] = (as_of - per["last"]).dt.days
    return per, as_of


def quintiles(frame: pd.DataFrame, keys: list[tuple[str, bool]]) -> pd.Series:
    """Return scores 1..5: qcut of the rank after sorting on `keys` (column, ascending) then the id."""
    order = frame.assign(_id=frame.index).sort_values([k for k, _ in keys] + ["_id"],
                                                      ascending=[a for _, a in keys] + [True], kind="stable")
    rank = pd.Series(np.arange(1, len(order) + 1), index=order.index)
    return pd.qcut(rank, 5, labels=[1, 2, 3, 4, 5]).astype(int).reindex(frame.index)


def segments_of(per: pd.DataFrame) -> pd.Series:
    """Return each client's RFM segment from balanced quintiles and the R x F map."""
    r = quintiles(per, [("recency", False), ("days", True), ("revenue", True)])
    f = quintiles(per, [("days", True), ("revenue", True), ("recency", False)])
    return pd.Series([RF_MAP[a][b - 1] for a, b in zip(r, f)], index=per.index)


def deck(folder, lang: str) -> list[list[str]]:
    """Return each slide's paragraphs, no-break spaces made plain (as pdf_text gives a PDF's)."""
    return [[spaces(p) for p in slide_paragraphs(s)] for s in Presentation(str(folder / f"deck_{lang}.pptx")).slides]


def test_every_section_is_in_the_decks_and_pdfs_of_three_languages(built):
    folder, _log = built
    for lang in LANGS:
        text = [t for slide in deck(folder, lang) for t in slide]
        titles = {tr(lang, t) for t in TITLES} | {tr(lang, "Client clusters (KMeans on R, F, M)")}
        missing = [t for t in titles if not any(p.startswith(t) for p in text)]
        assert missing == [], (lang, missing)
        pdf = pdf_text(folder / f"summary_{lang}.pdf")
        assert all(spaces(tr(lang, h)) in pdf for h in PDF_HEADINGS), lang
        names = [tr(lang, n) for n in ("Champions", "Lost", "At risk")]
        assert all(any(n in p for p in text) for n in names)
        # the agenda names each part once (the action plan and the next steps share a line)
        agenda = next(slide for slide in deck(folder, lang) if tr(lang, "Agenda") in slide)
        assert len(agenda) == len(set(agenda)) and tr(lang, "Action plan and next steps") in agenda
        # the plan names the RFM segments each action serves
        plan = Presentation(str(folder / f"deck_{lang}.pptx"))
        table = next(sh.table for s in plan.slides if s.shapes.title is not None
                     and s.shapes.title.text.startswith(tr(lang, "Action plan")) for sh in s.shapes if sh.has_table)
        served = [row.cells[1].text for row in list(table.rows)[1:]]
        segment_names = [tr(lang, words[0]) for words in SEGMENT_WORDS.values()]
        assert served and all(any(n in cell for n in segment_names) for cell in served), served


def test_sentences_end_on_one_stop_and_strategies_read_as_one_sentence(built):
    folder, _log = built
    for lang in LANGS:
        text = [t for slide in deck(folder, lang) for t in slide]
        # '3-й квартал 2026 г.' ending a sentence takes no second stop
        assert not [t for t in text if re.search(r"[^.]\.\.(?!\.)", t)], lang
    plan = Presentation(str(folder / "deck_fr.pptx"))
    rows = [[c.text for c in row.cells] for s in plan.slides for sh in s.shapes if sh.has_table
            for row in list(sh.table.rows)[1:] if s.shapes.title is not None
            and spaces(s.shapes.title.text).startswith(tr("fr", "Strategy by cluster"))]
    strategies = [row[-1] for row in rows if "\u00a0: " in row[-1]]
    assert strategies, rows
    # French: a no-break space before the colon and no capital after it; the profile after the dash in lower case
    assert all(cell.split("\u00a0: ", 1)[1][:1].islower() for cell in strategies), strategies
    assert all(row[0].split(" — ", 1)[1][:1].islower() for row in rows if " — " in row[0]), rows


def test_the_figures_on_the_slides_are_those_of_the_log(built):
    folder, log = built
    per, as_of = clients_of(pd.read_csv(log, dtype={"CustomerID": str, "InvoiceNo": str}))
    context = json.loads((folder / "context.json").read_text(encoding="utf-8"))
    assert context["log"]["as_of"] == as_of.date().isoformat()
    slides = deck(folder, "en")
    text = [t for slide in slides for t in slide]
    # clients and the top 20 %'s share of revenue
    assert f"{len(per):,}" in text
    revenue = per["revenue"].sort_values(ascending=False)
    top = revenue.iloc[:math.ceil(0.2 * len(per))].sum() / revenue.sum()
    assert f"The top 20% of clients bring {top:.1%} of the revenue." in text
    # the lapse rate, read against the threshold the context states
    lapsed = (per["recency"] > context["inactivity"]["days"]).mean()
    assert f"{lapsed:.0%}" in text
    # segment sizes in the segment table
    sizes = segments_of(per).value_counts()
    table = next(s for s in slides if s and s[0] == "RFM segments")
    cells = table[1:]
    for key, size in sizes.items():
        at = cells.index(SEGMENT_NAMES[key])
        assert cells[at + 1] == f"{size:,}", key


def test_the_context_follows_its_contract_and_says_what_the_model_is(built):
    from reportgen.context import load_context

    folder, _log = built
    context = load_context(folder / "context.json")
    assert context["meta"]["kind"] == "transactions"
    value = context["clv"]
    assert value["status"] == "ok" and value["bgnbd"]["r"] > 0
    rows = context["clients"]
    assert len(rows["ids"]) == len(rows["clv"]) == context["overview"]["clients"]
    assert sum(rows["clv"]) == pytest.approx(value["totals"]["clv"], rel=1e-3)


def write_log(path, rows: list[tuple]) -> None:
    """Write a small log of (client, date, amount) lines."""
    pd.DataFrame(rows, columns=["customer_id", "order_date", "amount"]).to_csv(path, index=False)


def test_a_log_without_repeat_purchases_gets_segments_but_no_lifetime_value(run_process, tmp_path):
    rng = np.random.default_rng(3)
    days = pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 300, 60), unit="D")
    write_log(tmp_path / "once.csv", [(f"c{i}", d.date().isoformat(), float(rng.integers(5, 90)))
                                      for i, d in enumerate(days)])
    done = run_process("build", "--lang", "en", "--format", "pptx", "--data", "once.csv", "--out", "out")
    assert done.code == 0, done.err
    assert "lifetime-value models could not be fitted (too few clients bought more than once)" in done.err
    context = json.loads((tmp_path / "out" / "context.json").read_text(encoding="utf-8"))
    value = context["clv"]
    assert value["status"] == "not_computable" and value["reason"] == "too_few_repeat_buyers"
    assert "r" not in value["bgnbd"] and value["totals"] is None
    assert context["inactivity"]["basis"] == "no_repeat_purchases"
    assert sum(s["size"] for s in context["rfm"]["segments"]) == 60
    text = [t for slide in deck(tmp_path / "out", "en") for t in slide]
    assert any(t.startswith("No lifetime value could be estimated: only 0 clients bought on more than one day")
               for t in text)
    assert "RFM segments" in text


@pytest.mark.parametrize("rows, words", [
    ([("only", "2025-01-0" + str(d), 10.0) for d in range(1, 8)], "a single client"),
    ([(f"c{i}", "2025-01-0" + str(i % 7 + 1), -10.0) for i in range(20)], "negative amount"),
])
def test_logs_nothing_can_be_said_about_stop_the_build_with_exit_2(run_process, tmp_path, rows, words):
    write_log(tmp_path / "bad.csv", rows)
    done = run_process("build", "--lang", "en", "--data", "bad.csv", "--out", "out")
    assert done.code == 2 and words in done.err and "Traceback" not in done.err
    assert not (tmp_path / "out").exists()


def test_previous_is_refused_for_a_log(run_process, tmp_path):
    write_log(tmp_path / "log.csv", [(f"c{i % 30}", f"2025-0{i % 9 + 1}-1{i % 9}", 10.0 + i) for i in range(120)])
    done = run_process("build", "--lang", "en", "--data", "log.csv", "--previous", "log.csv", "--out", "out")
    assert done.code == 2 and "--previous" in done.err and "Traceback" not in done.err


@pytest.mark.realdata
@pytest.mark.skipif(not CDNOW.is_file(), reason=f"{CDNOW} is absent")
def test_the_cdnow_report_has_the_fit_of_its_own_summary_and_an_honest_hold_out(run_process, tmp_path):
    from reportgen.analysis.clv import fit_bgnbd

    done = run_process("build", "--lang", "en", "--data", CDNOW, "--out", "out")
    assert done.code == 0, done.err
    context = json.loads((tmp_path / "out" / "context.json").read_text(encoding="utf-8"))
    raw = pd.read_csv(CDNOW, dtype={"customer_id": str}, parse_dates=["order_date"])
    days = raw.groupby(["customer_id", "order_date"]).size().reset_index()[["customer_id", "order_date"]]
    as_of = pd.Timestamp(context["log"]["as_of"])
    g = days.groupby("customer_id")["order_date"]
    first, last, n = g.min(), g.max(), g.size()
    fit = fit_bgnbd(n - 1, (last - first).dt.days / 7, (as_of - first).dt.days / 7)
    for name in ("r", "alpha", "a", "b"):
        assert context["clv"]["bgnbd"][name] == pytest.approx(fit[name], rel=1e-6)
    # hold-out: purchase days after the calibration end, counted here
    cal = pd.Timestamp(context["log"]["calibration_end"])
    after = days[(days["order_date"] > cal) & (days["order_date"] <= as_of)]
    check = context["clv"]["holdout"]
    assert check["actual"] == len(after)
    before = days[days["order_date"] <= cal].groupby("customer_id").size() - 1
    assert [g["clients"] for g in check["groups"][:7]] == [int((before == k).sum()) for k in range(7)]
    text = [t for slide in deck(tmp_path / "out", "en") for t in slide]
    assert all(any(p.startswith(t) for p in text) for t in TITLES)
    assert "Model parameters" in text


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("size", [{}, {"width": 7.0, "height": 3.8}])  # the deck's, the PDF's
def test_each_name_of_the_rfm_map_lies_whole_in_its_cell_above_its_count(built, lang, size):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from reportgen.render.transaction_charts import rfm_map
    from reportgen.render.wording import Wording

    folder, _ = built
    w = Wording(json.loads((folder / "context.json").read_text(encoding="utf-8")), lang)
    fig = rfm_map(w, **size)
    renderer = FigureCanvasAgg(fig).get_renderer()
    ax = fig.axes[0]
    texts = {}
    for text in ax.texts:
        x, y = text.get_position()
        texts.setdefault((int(x), int(y)), {})["count" if text.get_fontweight() == "bold" else "name"] = text
    names = {(c["f"] - 1, c["r"] - 1): w.rfm_name(c["segment"]) for c in w.context["rfm"]["grid"]}
    assert set(texts) == set(names) and len(names) == 25
    sizes = set()
    for (x, y), pair in texts.items():
        name, count = pair["name"], pair["count"]
        # the whole name, wrapped between words only
        assert name.get_text().replace("\n", " ") == names[(x, y)]
        box, below = name.get_window_extent(renderer), count.get_window_extent(renderer)
        left, bottom = ax.transData.transform((x, y))
        right, top = ax.transData.transform((x + 1, y + 1))
        assert left <= box.x0 and box.x1 <= right and box.y1 <= top, (lang, names[(x, y)])
        assert box.y0 >= below.y1 >= bottom, (lang, names[(x, y)])
        sizes.add(name.get_fontsize())
    assert len(sizes) == 1 and sizes.pop() >= 6.5  # one size for every name, still legible
