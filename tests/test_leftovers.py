"""Nothing left behind, nothing live: a killed build's workers and staging folder, formulas in the workbooks
reportgen writes, bidirectional controls in data text."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.enum.chart import XL_CHART_TYPE
from pptx.util import Inches

from reportgen.outfolder import LOCK_NAME, UNLOCKED_GRACE_SECONDS, remove_stale
from tests.conftest import BIDI_CITY, FORMULA_CITY, PROJECT
from tests.render_helpers import deck_strings, pdf_text

BIDI_CONTROLS = "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


# --- a build killed with SIGKILL -------------------------------------------------------------------------


def children(pid: int) -> set[int]:
    """Return the pids of the live (not zombie) child processes of `pid`, read from /proc."""
    found = set()
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat_file.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # the process ended while we looked
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(stat_file.parent.name))
    return found


def alive(pid: int) -> bool:
    """Return True while process `pid` exists and is not a zombie."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def wait_for(condition, timeout: float, step: float = 0.05) -> bool:
    """Return True as soon as `condition()` holds, False if it still does not after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return bool(condition())


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signals and /proc are Linux's")
def test_a_killed_build_leaves_no_worker_and_the_next_build_removes_its_staging_folder(run_cli, sample_frame,
                                                                                       tmp_path):
    out = tmp_path / "out"
    # 2 languages x 2 formats: as many render workers as there are cores, up to 4
    workers = min(4, os.cpu_count() or 1)
    build = subprocess.Popen([sys.executable, "-m", "reportgen", "build", "-q", "--out", str(out), "--lang", "fr,en"],
                             cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(PROJECT)},
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        staged = lambda: [p for p in out.glob(".build-*")] if out.is_dir() else []  # noqa: E731
        started = wait_for(lambda: staged() and len(children(build.pid)) >= (workers if workers > 1 else 0), 60)
        assert started, "the build never reached its render workers"
        pool = children(build.pid)
        build.send_signal(signal.SIGKILL)
        build.wait(timeout=10)
    finally:
        if build.poll() is None:
            build.kill()
            build.wait()
    try:
        assert wait_for(lambda: not any(alive(pid) for pid in pool), 5), f"workers still alive: {pool}"
    finally:
        for pid in filter(alive, pool):  # a failed test leaves no process behind either
            os.kill(pid, signal.SIGKILL)
    left = staged()
    assert len(left) == 1  # the killed build could not clean up: its staging folder is there
    small = tmp_path / "small.csv"
    sample_frame.head(1500).to_csv(small, index=False)
    result = run_cli("build", "-q", "--data", small, "--out", out, "--lang", "en", "--format", "pptx")
    assert result.code == 0, result.err
    assert not left[0].exists() and staged() == []
    assert sorted(p.name for p in out.iterdir()) == ["clients.csv", "clients_en.xlsx", "context.json", "deck_en.pptx"]


# A build in another process that holds its staging folder until its standard input closes
HOLDER = """
import sys
from pathlib import Path
from reportgen.outfolder import staging
with staging(Path(sys.argv[1])) as folder:
    print(folder, flush=True)
    sys.stdin.read()
"""


def test_a_running_build_keeps_its_staging_folder_and_a_dead_ones_is_removed(tmp_path):
    with subprocess.Popen([sys.executable, "-c", HOLDER, str(tmp_path)], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(PROJECT)}) as holder:
        try:
            live = Path(holder.stdout.readline().strip())
            assert live.is_dir() and (live / LOCK_NAME).is_file()
            assert remove_stale(tmp_path) == [] and live.is_dir()
        finally:
            holder.kill()
            holder.wait()
    assert live.is_dir()  # killed: nobody cleaned up
    assert remove_stale(tmp_path) == [live] and not live.exists()


def test_staging_folders_without_a_lock_are_removed_only_when_old(tmp_path):
    young, old = tmp_path / ".build-young", tmp_path / ".build-old"
    young.mkdir()
    old.mkdir()
    then = time.time() - UNLOCKED_GRACE_SECONDS - 5
    os.utime(old, (then, then))
    unrelated = tmp_path / ".building-notes"
    unrelated.mkdir()
    assert remove_stale(tmp_path) == [old]
    assert young.is_dir() and unrelated.is_dir()


# --- formulas in the workbooks reportgen writes ----------------------------------------------------------


def embedded_workbooks(deck: bytes) -> list[openpyxl.Workbook]:
    """Return the workbooks embedded in a .pptx (the data of its native charts), opened with openpyxl."""
    with zipfile.ZipFile(io.BytesIO(deck)) as archive:
        return [openpyxl.load_workbook(io.BytesIO(archive.read(name)))
                for name in archive.namelist() if name.startswith("ppt/embeddings/") and name.endswith(".xlsx")]


def cells(workbook: openpyxl.Workbook) -> list:
    """Return every non-empty cell of every sheet of `workbook`."""
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row
            if cell.value is not None]


PALETTE = {"primary": "#1F4E79", "accent": "#C00000", "text": "#333333", "series": ["#1F4E79", "#C00000"]}
TEXTS = [FORMULA_CITY, "=1+1", "http://example.org/x", "+7 900", "@SUM(A1)"]


def chart_deck(kind: str) -> bytes:
    """Return a fresh one-slide deck holding one chart of `kind` whose labels all look like formulas."""
    from reportgen.i18n.formatting import Formatter
    from reportgen.render.pptx_charts import bars_with_reference, line_chart

    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    box = (Inches(0.5), Inches(0.5), Inches(8), Inches(5))
    if kind == "bars":
        bars_with_reference(slide, box, TEXTS, [0.1, 0.2, 0.3, 0.2, 0.1], 0.18, ("=A1", "=C1", "=B1"),
                            [False, True, False, False, False], PALETTE, Formatter("en"))
    elif kind == "line":
        line_chart(slide, box, TEXTS, {"=A1": [1, 2, 3, 4, 5], "-2": [5, 4, 3, 2, 1]}, str, PALETTE)
    else:  # python-pptx's own chart data: the control that shows what the test catches
        data = CategoryChartData()
        data.categories = TEXTS
        data.add_series("=A1", [1, 2, 3, 4, 5])
        slide.shapes.add_chart(XL_CHART_TYPE.COLUMN_CLUSTERED, *box, data)
    buffer = io.BytesIO()
    prs.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("kind", ["bars", "line"])
def test_chart_workbooks_hold_labels_as_text_never_formulas(kind):
    (workbook,) = embedded_workbooks(chart_deck(kind))
    found = cells(workbook)
    assert [c.coordinate for c in found if c.data_type == "f"] == []
    texts = {c.value for c in found if c.data_type == "s"}
    assert set(TEXTS) <= texts and "=A1" in texts
    assert all(c.hyperlink is None for c in found)


def test_python_pptx_default_would_write_live_formulas():
    (workbook,) = embedded_workbooks(chart_deck("default"))
    assert {c.value for c in cells(workbook) if c.data_type == "f"} >= {FORMULA_CITY, "=1+1"}


def test_the_built_deck_holds_no_formula_and_shows_the_formula_city_as_text(odd_build):
    deck = (odd_build / "deck_en.pptx").read_bytes()
    workbooks = embedded_workbooks(deck)
    assert workbooks
    found = [c for wb in workbooks for c in cells(wb)]
    assert [c.value for c in found if c.data_type == "f"] == []
    assert FORMULA_CITY in {c.value for c in found if c.data_type == "s"}  # the city chart is there, as text


def test_sample_xlsx_stores_text_as_text(tmp_path):
    from reportgen.ingest.sample_files import write_table

    path = tmp_path / "table.xlsx"
    write_table(pd.DataFrame({"city": TEXTS, "n": range(len(TEXTS))}), path)
    found = cells(openpyxl.load_workbook(path))
    assert [c.value for c in found if c.data_type == "f"] == []
    assert set(TEXTS) <= {c.value for c in found}


# --- bidirectional controls ------------------------------------------------------------------------------


def test_bidi_controls_are_removed_from_the_deck(odd_build):
    deck = Presentation(str(odd_build / "deck_en.pptx"))
    shown = "\n".join(deck_strings(odd_build / "deck_en.pptx"))
    assert "ROST" in shown and "TSOR" not in shown
    assert not set(shown) & set(BIDI_CONTROLS)
    assert "ROST" in [str(c) for slide in deck.slides for shape in slide.shapes if shape.has_chart
                      for c in shape.chart.plots[0].categories]


def test_bidi_controls_are_removed_from_the_pdf(odd_build):
    text = pdf_text(odd_build / "summary_en.pdf")
    assert "ROST" in text and "TSOR" not in text
    assert not set(text) & set(BIDI_CONTROLS)


def test_cleaning_removes_every_bidi_control_and_keeps_the_letters():
    from reportgen.render.sanitize import clean_text

    assert clean_text(BIDI_CITY) == "ROST"
    assert clean_text("".join(f"{c}a" for c in BIDI_CONTROLS)) == "a" * len(BIDI_CONTROLS)


def test_templates_print_no_control_even_from_a_raw_string(tmp_path):
    from reportgen.render.templating import template_environment
    from reportgen.render.wording import Wording

    context = {"meta": {"currency": "RUB"}, "roles": {}}
    env = template_environment(Wording(context, "en"), None)
    html = env.from_string("<p>{{ city }}</p><p>{{ safe|safe }}</p>").render(city=BIDI_CITY, safe="<b>\u202eX</b>")
    assert html == "<p>ROST</p><p><b>X</b></p>"
