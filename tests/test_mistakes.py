"""A user's mistake is answered as one: exit code 2, the file, column and rows named, a fix, no traceback.

Each case below once ended in "Internal error ... This is a bug" (exit 1). Every input is written here.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pptx import Presentation

from reportgen.errors import ConfigError
from tests.conftest import PROJECT, SAMPLE_DATA, Result
from tests.conftest import settings as make_settings
from tests.render_helpers import pdf_text

ROWS = 2_000


def assert_user_error(result, *fragments: str) -> None:
    """Check a user's mistake: exit 2, 'error:' and 'fix:', every fragment shown, no traceback, no 'bug'."""
    assert result.code == 2, (result.code, result.err)
    assert "error:" in result.err and "fix:" in result.err, result.err
    assert "Traceback" not in result.err + result.out
    assert "Internal error" not in result.err and "bug" not in result.err
    for fragment in fragments:
        assert fragment in result.err, (fragment, result.err)


@pytest.fixture
def customers(sample_frame) -> pd.DataFrame:
    """Return the first 2,000 rows of the generated table (Cyrillic cities), a fresh copy."""
    return sample_frame.head(ROWS).copy()


def csv_lines(frame: pd.DataFrame) -> list[str]:
    """Return the table as CSV lines (header first), as the tests write them."""
    return frame.to_csv(index=False, lineterminator="\n").rstrip("\n").split("\n")


# --- a data file that is not a table ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["clients.csv", "clients.xlsx", "clients.parquet"])
def test_random_bytes_are_a_clear_error_whatever_the_file_is_called(run_cli, tmp_path, name):
    path = tmp_path / name
    path.write_bytes(np.random.default_rng(8).bytes(4096))
    result = run_cli("check", "--data", path)
    assert_user_error(result, str(path))
    if name.endswith(".csv"):
        assert "binary data, not CSV text" in result.err


@pytest.mark.parametrize("real", [".xlsx", ".parquet"])
def test_a_workbook_or_parquet_file_named_csv_is_called_what_it_is(run_cli, customers, tmp_path, real):
    path = tmp_path / "clients.csv"
    buffer = io.BytesIO()
    if real == ".xlsx":
        customers.head(50).to_excel(buffer, index=False)
    else:
        customers.head(50).to_parquet(buffer)
    path.write_bytes(buffer.getvalue())
    result = run_cli("check", "--data", path)
    assert_user_error(result, str(path), {".xlsx": "Excel workbook (.xlsx)", ".parquet": "a Parquet file"}[real])


def test_utf16_text_with_an_explicit_encoding_is_not_taken_for_binary(run_cli, customers, tmp_path):
    path = tmp_path / "utf16.csv"
    path.write_bytes(customers.to_csv(index=False, sep="\t").encode("utf-16-le"))  # no byte-order mark
    result = run_cli("check", "--data", path, "--encoding", "utf-16-le")
    assert result.code == 0, result.err
    assert f"{len(customers):,}" in result.out


# --- the output folder, checked before any work ----------------------------------------------------------


def test_out_naming_an_existing_file_is_refused_before_the_analysis(run_cli, tmp_path):
    existing = tmp_path / "report.txt"
    existing.write_text("keep me", encoding="utf-8")
    for out in (existing, existing / "sub"):
        result = run_cli("build", "--data", SAMPLE_DATA, "--out", out, "--lang", "en", "--format", "pptx")
        assert_user_error(result, f"{existing} exists and is not a folder", "--out")
        assert "Reading" not in result.err and "Analysing" not in result.err  # nothing was read or analysed
    assert existing.read_text(encoding="utf-8") == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.txt"]


def test_out_where_a_report_file_is_a_folder_is_refused_before_the_analysis(run_cli, tmp_path):
    (tmp_path / "out" / "deck_en.pptx").mkdir(parents=True)
    result = run_cli("build", "--data", SAMPLE_DATA, "--out", tmp_path / "out", "--lang", "en", "--format", "pptx")
    assert_user_error(result, str(tmp_path / "out" / "deck_en.pptx"), "in the way")
    assert "Analysing" not in result.err


def test_analyze_output_under_a_file_is_refused_before_the_analysis(run_cli, tmp_path):
    (tmp_path / "file").write_text("x", encoding="utf-8")
    result = run_cli("analyze", "--data", SAMPLE_DATA, "-o", tmp_path / "file" / "context.json")
    assert_user_error(result, f"{tmp_path / 'file'} exists and is not a folder")
    assert "Analysing" not in result.err


def test_a_missing_template_folder_is_refused_instead_of_silently_ignored(run_cli, tmp_path):
    result = run_cli("build", "--data", SAMPLE_DATA, "--out", tmp_path / "out", "--lang", "en", "--format", "pdf",
                     "--templates", tmp_path / "nowhere")
    assert_user_error(result, str(tmp_path / "nowhere"), "--templates")
    assert "Analysing" not in result.err and not (tmp_path / "out").exists()


# Runs `reportgen ARGS` as the unprivileged user 'nobody' when the tests run as root (where chmod cannot
# make a folder read-only): the modules are loaded first, since the interpreter's own library may be
# unreadable to nobody; then the process gives up root for good and runs the command.
UNPRIVILEGED = """
import os, sys
import reportgen.cli, reportgen.pipeline, reportgen.outfolder, reportgen.render.sanitize, reportgen.console.summaries
import reportgen.ingest, reportgen.ingest.readers
from reportgen.i18n.ui import _, set_ui_language
set_ui_language("en"); _("error:")
if os.geteuid() == 0:
    os.setgroups([]); os.setgid(65534); os.setuid(65534)
    assert os.geteuid() == 65534
reportgen.cli.main(sys.argv[1:])
"""


def run_unprivileged(*args, cwd: Path) -> Result:
    """Run `reportgen ARGS` in a subprocess without root's rights (as nobody when started as root)."""
    env = {**os.environ, "REPORTGEN_LANG": "en", "PYTHONPATH": str(PROJECT)}
    done = subprocess.run([sys.executable, "-c", UNPRIVILEGED, *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, env=env, timeout=120)
    return Result(done.returncode, done.stdout, done.stderr)


@pytest.fixture
def open_folder():
    """Yield a folder every user can reach (pytest's tmp_path is private to root), removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="reportgen-test-"))
    folder.chmod(0o755)
    yield folder
    for path in [folder, *folder.rglob("*")]:
        if path.is_dir():
            path.chmod(0o755)
    shutil.rmtree(folder)


def test_read_only_output_folder_is_refused_before_the_analysis(open_folder):
    read_only = open_folder / "reports"
    read_only.mkdir()
    read_only.chmod(0o555)
    result = run_unprivileged("build", "--data", SAMPLE_DATA, "--out", read_only / "2026-Q3", "--lang", "en",
                              "--format", "pptx", cwd=open_folder)
    assert_user_error(result, f"{read_only} is not writable", "Permission denied", "write access")
    assert "Reading" not in result.err
    assert list(read_only.iterdir()) == []  # not even the probe is left


def test_the_same_check_passes_a_writable_folder(open_folder):
    writable = open_folder / "reports"
    writable.mkdir()
    writable.chmod(0o777)
    # a missing template folder is refused right after the output check: proof that the check passed
    result = run_unprivileged("build", "--data", SAMPLE_DATA, "--out", writable / "new", "--templates",
                              open_folder / "absent", "--lang", "en", cwd=open_folder)
    assert_user_error(result, "template folder")
    assert "not writable" not in result.err
    assert list(writable.iterdir()) == []


def test_unreadable_data_file_is_a_clear_error(open_folder, customers):
    path = open_folder / "clients.csv"
    customers.to_csv(path, index=False)
    path.chmod(0)
    result = run_unprivileged("check", "--data", path, cwd=open_folder)
    assert_user_error(result, str(path), "cannot be read", "Permission denied")


# --- control characters in the config --------------------------------------------------------------------


def test_control_characters_in_config_text_become_spaces_on_slides_and_in_the_pdf(odd_build):
    deck = Presentation(str(odd_build / "deck_en.pptx"))
    title_slide = [shape.text_frame.text for shape in deck.slides[0].shapes if shape.has_text_frame]
    assert "Churn review Q3" in title_slide  # "Churn\nreview \u2067Q3\u2069"
    assert any("Demo Bank ·" in text for text in title_slide)  # "Demo\rBank\u0007"
    texts = [shape.text_frame.text for slide in deck.slides for shape in slide.shapes if shape.has_text_frame]
    assert any("town name" in text.lower() for text in texts)  # [labels.en] city, its CR LF folded
    assert not any(ch in text for text in texts for ch in "\r\x07\u2067\u2069")
    pdf = pdf_text(odd_build / "summary_en.pdf")
    assert "Churn review Q3" in pdf and "Demo Bank" in pdf
    assert "\x07" not in pdf


def test_config_labels_that_are_not_text_are_a_config_error():
    with pytest.raises(ConfigError) as info:
        make_settings(labels={"en": {"age": 5}}, value_labels={"city": {"fr": {"Ростов": ["x"]}}})
    assert any("[labels.en] age = 5" in p for p in info.value.problems)
    assert any("[value_labels.city.fr] Ростов = ['x']" in p for p in info.value.problems)


def test_config_text_is_cleaned_where_it_is_read():
    settings = make_settings(report={"organisation": "A\rB\u202e", "title": "T\x00"},
                             value_labels={"city": {"en": {"Ростов": "Ros\ntov"}}})
    assert settings.report.organisation == "A B" and settings.report.title == "T"
    assert settings.value_labels["city"]["en"]["Ростов"] == "Ros tov"


# --- a carriage return inside an unquoted cell -----------------------------------------------------------


@pytest.mark.parametrize("quoted", [False, True])
def test_bare_carriage_return_in_a_cell_names_row_and_column(run_cli, customers, tmp_path, quoted):
    lines = csv_lines(customers)
    header = lines[0].split(",")
    city = header.index("city")
    cells = lines[7].split(",")  # file row 8
    cells[city] = cells[city][:3] + "\r" + cells[city][3:]
    lines[7] = ",".join(cells)
    if quoted:  # a quoted cell elsewhere sends the file through the csv module instead of pandas
        first, rest = lines[2].split(",", 1)
        lines[2] = f'"{first}",{rest}'
    path = tmp_path / "cr.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode("utf-8"))
    assert (b'"' in path.read_bytes()) is quoted
    result = run_cli("check", "--data", path)
    assert_user_error(result, str(path), "carriage return", "column: city", "row: 8")


def test_crlf_file_with_one_bare_carriage_return_names_its_row(run_cli, customers, tmp_path):
    lines = csv_lines(customers)
    lines[40] = lines[40] + "\rtail"  # the last cell (churn) of file row 41
    path = tmp_path / "crlf.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))
    result = run_cli("check", "--data", path)
    assert_user_error(result, "carriage return", "column: churn", "row: 41")


def test_file_with_old_mac_line_ends_is_read(run_cli, customers, tmp_path):
    path = tmp_path / "mac.csv"
    path.write_bytes(("\r".join(csv_lines(customers)) + "\r").encode("utf-8"))
    result = run_cli("check", "--data", path)
    assert result.code == 0, result.err
    assert f"{len(customers):,}" in result.out


def test_quote_never_closed_is_a_clear_error(run_cli, sample_frame, tmp_path):
    lines = csv_lines(sample_frame)  # 10,000 rows: more than the csv module's largest field
    lines[20] = lines[20].replace(",", ',"', 1)
    path = tmp_path / "quote.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode("utf-8"))
    assert_user_error(run_cli("check", "--data", path), str(path), "row: 21", "quote")


# --- one invalid UTF-8 byte in a UTF-8 file --------------------------------------------------------------


def test_one_invalid_byte_in_utf8_names_byte_row_and_column_not_mojibake(run_cli, customers, tmp_path):
    lines = [line.encode("utf-8") for line in csv_lines(customers)]
    city = lines[0].split(b",").index(b"city")
    cells = lines[5].split(b",")  # file row 6
    cells[city] = cells[city][:2] + b"\xff" + cells[city][2:]
    lines[5] = b",".join(cells)
    path = tmp_path / "damaged.csv"
    path.write_bytes(b"\n".join(lines) + b"\n")
    assert sum(not line.isascii() for line in lines) > 1500  # Cyrillic on nearly every row
    result = run_cli("check", "--data", path)
    assert_user_error(result, str(path), "0xFF", "row 6", "column: city", "row: 6", "UTF-8", "--encoding")
    assert "mojibake" not in result.err
    assert f"'{customers['city'].iloc[4][:1]}\ufffd{customers['city'].iloc[4][1:]}'" in result.err


def test_a_few_invalid_bytes_are_all_located(run_cli, customers, tmp_path):
    lines = [line.encode("utf-8") for line in csv_lines(customers)]
    for row in (6, 300, 1200):
        lines[row - 1] += b"\xc3"  # a truncated two-byte sequence at the end of the last cell
    path = tmp_path / "damaged.csv"
    path.write_bytes(b"\n".join(lines) + b"\n")
    result = run_cli("check", "--data", path)
    assert_user_error(result, "3 bytes", "0xC3", "rows: 6, 300, 1200", "column: churn")


def test_cp1251_file_with_a_pair_that_happens_to_be_utf8_is_still_cp1251(customers, tmp_path):
    from reportgen.ingest import load_dataset

    # 'Рё' in cp1251 is D0 B8, which is also UTF-8 for 'и': one well-formed sequence among thousands of bad
    customers["city"] = customers["city"].replace({"Рыбинск": "Рёбинск"})
    path = tmp_path / "cp1251.csv"
    path.write_bytes(customers.to_csv(index=False, sep=";").encode("cp1251"))
    assert "и".encode("utf-8") in path.read_bytes()
    dataset = load_dataset(path, make_settings())
    assert dataset.encoding == "cp1251"
    assert set(dataset.frame["city"]) == set(customers["city"])


# --- other files that are not what they say --------------------------------------------------------------


def test_parquet_with_nested_columns_names_them_and_ignore_lets_it_load(run_cli, customers, tmp_path):
    frame = customers.head(300).copy()
    frame["tags"] = [[1, 2]] * len(frame)
    frame["address"] = [{"street": "x", "number": 1}] * len(frame)
    path = tmp_path / "nested.parquet"
    frame.to_parquet(path)
    assert_user_error(run_cli("check", "--data", path), str(path), "tags, address", "column: tags", "ignore")
    config = tmp_path / "reportgen.toml"
    config.write_text('[columns]\nignore = ["tags", "address"]\n', encoding="utf-8")
    assert run_cli("check", "--data", path, "--config", config).code == 0


def test_workbook_without_sheets_and_a_missing_sheet_name(run_cli, customers, tmp_path):
    with_sheet = tmp_path / "one.xlsx"
    customers.head(50).to_excel(with_sheet, index=False, sheet_name="Clients")
    assert_user_error(run_cli("check", "--data", with_sheet, "--sheet", "Nope"), "'Nope'", "Clients")
    no_sheet = tmp_path / "none.xlsx"
    with zipfile.ZipFile(with_sheet) as source, zipfile.ZipFile(no_sheet, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/workbook.xml":
                start, end = data.index(b"<sheets>"), data.index(b"</sheets>") + len(b"</sheets>")
                data = data[:start] + b"<sheets/>" + data[end:]
            target.writestr(item, data)
    assert_user_error(run_cli("check", "--data", no_sheet), str(no_sheet), "no sheets")
