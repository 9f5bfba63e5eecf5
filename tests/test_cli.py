"""Tests of the command line: help, version, check, analyze, sample, config; exit codes and error messages.

Most runs are in-process (`run_cli`); two run `python -m reportgen` in a real subprocess (`run_process`).
Input files are written here, in tmp_path; expected figures are computed here with pandas.
"""

from __future__ import annotations

import json
import tomllib
import zipfile

import numpy as np
import pandas as pd
import pytest

from tests.conftest import PROJECT

SMALL = 2_000  # rows of the tables the commands read: enough for every figure, fast to analyse

# option names each command must list in its --help (more may be added)
COMMAND_OPTIONS = {
    "check": ["--data", "--config", "--encoding", "--separator", "--sheet", "--debug", "--verbose", "--quiet"],
    "analyze": ["--data", "--config", "--encoding", "--separator", "--sheet", "--output", "--period", "--playbook",
                "--previous", "--debug", "--quiet"],
    "build": ["--data", "--config", "--lang", "--format", "--period", "--out", "--template", "--templates",
              "--playbook", "--previous", "--debug", "--quiet"],
    "sample": ["--rows", "--seed", "--output", "--next-quarter-of", "--debug", "--quiet"],
    "config": ["--debug", "--verbose", "--quiet"],
}


@pytest.fixture
def small_csv(sample_frame, tmp_path):
    """Return the path of a 2,000-row customer CSV (UTF-8, ',') and the frame written to it."""
    frame = sample_frame.head(SMALL).copy()
    path = tmp_path / "customers.csv"
    frame.to_csv(path, index=False)
    return path, frame


def assert_clean_error(result, *fragments: str, code: int = 2) -> None:
    """Check a user error: exit code, 'error:' and 'fix:' lines, every fragment shown, no traceback."""
    assert result.code == code, (result.code, result.err)
    assert "error:" in result.err
    assert "fix:" in result.err
    assert "Traceback" not in result.err and "Traceback" not in result.out
    for fragment in fragments:
        assert fragment in result.err, (fragment, result.err)


# --- help and version ------------------------------------------------------------------------------------


def test_group_help_lists_commands_and_options(run_cli):
    result = run_cli("--help")
    assert result.code == 0
    for word in ("--version", "--debug", "--quiet", "--verbose", *COMMAND_OPTIONS):
        assert word in result.out, word
    assert run_cli("-h").out == result.out


@pytest.mark.parametrize("command", list(COMMAND_OPTIONS))
def test_command_help_lists_its_options(run_cli, command):
    result = run_cli(command, "--help")
    assert result.code == 0, result.err
    assert f"Usage: reportgen {command}" in result.out
    for option in (*COMMAND_OPTIONS[command], "--help"):
        assert option in result.out, (command, option)
    assert result.err == ""


def test_every_registered_command_has_help(run_cli):
    from reportgen.cli import cli

    assert set(COMMAND_OPTIONS) <= set(cli.commands)
    for name in cli.commands:
        result = run_cli(name, "--help")
        assert result.code == 0 and "Options:" in result.out, name


def test_version(run_cli):
    expected = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    result = run_cli("--version")
    assert result.code == 0
    assert result.out.strip() == f"reportgen, version {expected}"


def test_python_dash_m_help_in_a_subprocess(run_process):
    result = run_process("--help")
    assert result.code == 0, result.err
    assert "Usage: reportgen" in result.out
    for command in COMMAND_OPTIONS:
        assert command in result.out


# --- usage errors ----------------------------------------------------------------------------------------


def test_unknown_option_exits_2(run_cli, small_csv):
    path, _frame = small_csv
    result = run_cli("check", "--data", path, "--no-such-option")
    assert result.code == 2
    assert "--no-such-option" in result.err
    assert "Traceback" not in result.err


def test_unknown_command_exits_2(run_cli):
    result = run_cli("frobnicate")
    assert result.code == 2 and "frobnicate" in result.err and "Traceback" not in result.err


def test_unknown_language_exits_2(run_cli, small_csv, tmp_path):
    path, _frame = small_csv
    result = run_cli("build", "--data", path, "--lang", "de", "--out", tmp_path / "out")
    assert_clean_error(result, "'de'", "fr, ru, en")
    assert not (tmp_path / "out").exists()


def test_bad_rows_value_exits_2(run_cli, tmp_path):
    result = run_cli("sample", "--rows", "0", "-o", tmp_path / "x.csv")
    assert result.code == 2 and "--rows" in result.err and "Traceback" not in result.err
    assert not (tmp_path / "x.csv").exists()


# --- check -----------------------------------------------------------------------------------------------


def test_check_prints_roles_and_quality(run_cli, small_csv):
    path, frame = small_csv
    result = run_cli("check", "--data", path)
    assert result.code == 0, result.err
    out = result.out
    assert str(path) in out and "CSV" in out and "utf-8" in out
    assert "Roles found:" in out and "Data quality:" in out
    for column in frame.columns:
        assert column in out, column
    assert f"rows read: {len(frame):,}; rows used: {len(frame):,}" in out
    assert f"age {frame['age'].isna().sum():,}" in out
    assert f"balance {frame['balance'].isna().sum():,}" in out
    repeated = frame["USERID"].value_counts()
    assert f"{(repeated > 1).sum()} ids appear on several differing rows" in out
    assert "Traceback" not in result.err


def test_check_reads_a_cp1251_semicolon_file_with_the_options(run_cli, small_csv, tmp_path):
    _path, frame = small_csv
    path = tmp_path / "export.csv"
    path.write_bytes(frame.to_csv(index=False, sep=";").encode("cp1251"))
    result = run_cli("check", "--data", path, "--encoding", "cp1251", "--separator", ";")
    assert result.code == 0, result.err
    assert "cp1251" in result.out and "separator ';'" in result.out
    # forced to the wrong separator, the same file is a clear error
    assert_clean_error(run_cli("check", "--data", path, "--encoding", "cp1251", "--separator", ","),
                       str(path), "single column")


def test_check_reports_skipped_rows_and_unparsed_values(run_cli, small_csv, tmp_path):
    _path, frame = small_csv
    written = frame.astype({"age": object})
    written.loc[[7, 70, 700], "age"] = "abc"
    lines = written.to_csv(index=False).splitlines()
    for line in (15, 150):
        lines[line - 1] += ",surplus"
    path = tmp_path / "dirty.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    config = tmp_path / "tolerant.toml"
    config.write_text("[data]\nmax_unparsed_share = 0.01\n", encoding="utf-8")
    result = run_cli("check", "--data", path, "--config", config)
    assert result.code == 0, result.err
    assert f"rows read: {len(frame):,}; rows used: {len(frame) - 2:,}" in result.out
    assert "2 ragged rows skipped (lines 15, 150)" in result.out
    assert "3 text values in numeric column age treated as missing" in result.out


@pytest.mark.realdata
def test_check_on_the_real_table(run_cli, real_data):
    raw = pd.read_csv(real_data, dtype={"USERID": str})
    ages, balances = int(raw["age"].isna().sum()), int(raw["balance"].isna().sum())
    repeated = raw["USERID"].value_counts()
    ids = int((repeated > 1).sum())
    assert (ages, balances, ids) == (26, 2_295, 73)
    result = run_cli("check", "--data", real_data)
    assert result.code == 0, result.err
    assert f"rows read: {len(raw):,}; rows used: {len(raw):,}" in result.out
    assert f"age {ages}" in result.out
    assert f"balance {balances:,}" in result.out and "2,295" in result.out
    assert f"{ids} ids appear on several differing rows" in result.out


def test_quiet_prints_only_results(run_cli, small_csv, tmp_path):
    path, _frame = small_csv
    config = tmp_path / "reportgen.toml"
    config.write_text('[value_labels.ghost.fr]\n"a" = "b"\n', encoding="utf-8")
    normal = run_cli("check", "--data", path, "--config", config)
    assert normal.code == 0
    assert "warning:" in normal.err and "ghost" in normal.err  # progress and warnings go to stderr
    for args in (("check", "-q"), ("-q", "check"), ("check", "--quiet")):
        quiet = run_cli(*args, "--data", path, "--config", config)
        assert quiet.code == 0
        assert quiet.err == ""
        assert quiet.out == normal.out  # the results themselves are unchanged


# --- bad input: exit 2, file named, a fix, no traceback --------------------------------------------------


def _bad_inputs(tmp_path, frame):
    """Return name -> (arguments, fragments the error must show) for each kind of bad input."""
    small = frame.head(200).copy()
    cases = {}

    def csv(name, table, **kw):
        path = tmp_path / name
        path.write_bytes(table.to_csv(index=False, sep=kw.pop("sep", ",")).encode(kw.pop("encoding", "utf-8")))
        return path

    missing = tmp_path / "absent.csv"
    cases["missing file"] = (["--data", missing], [str(missing), "does not exist"])
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    cases["empty file"] = (["--data", empty], [str(empty), "empty"])
    header = tmp_path / "header.csv"
    header.write_text("USERID,age,churn\n", encoding="utf-8")
    cases["header only"] = (["--data", header], [str(header), "no rows"])
    cases["folder"] = (["--data", tmp_path], [str(tmp_path), "folder"])
    unknown = tmp_path / "table.json"
    unknown.write_text("{}", encoding="utf-8")
    cases["unknown extension"] = (["--data", unknown], [str(unknown), "'.json'"])

    semicolon = csv("semicolon.csv", small, sep=";")
    cases["single column"] = (["--data", semicolon, "--separator", ","], [str(semicolon), "single column"])

    lines = small.to_csv(index=False).splitlines()
    for line in (5, 9, 40):
        lines[line - 1] += ",surplus"
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("\n".join(lines) + "\n", encoding="utf-8")
    cases["ragged rows"] = (["--data", ragged], [str(ragged), "3 rows", "rows: 5, 9, 40"])

    churn = small.astype({"churn": object})
    churn.loc[[3, 17], "churn"] = ["maybe", "2"]
    bad_churn = csv("bad_churn.csv", churn)
    cases["bad churn values"] = (["--data", bad_churn], [str(bad_churn), "column: churn", "rows: 5, 19",
                                                         "'maybe'", "'2'"])

    age = small.astype({"age": object})
    age.loc[[0, 10, 20], "age"] = "abc"
    text_age = csv("text_age.csv", age)
    cases["text in numeric"] = (["--data", text_age], [str(text_age), "column: age", "rows: 2, 12, 22", "'abc'"])

    garbled = small.copy()
    garbled.loc[[1, 2], "city"] = "Ярославль".encode("utf-8").decode("cp1251")
    mojibake = csv("mojibake.csv", garbled)
    cases["mojibake"] = (["--data", mojibake], [str(mojibake), "column: city", "rows: 3, 4", "mojibake"])

    cp1251 = csv("cp1251.csv", small, encoding="cp1251")
    first = next(n for n, line in enumerate(small.to_csv(index=False).splitlines(), start=1) if not line.isascii())
    cases["wrong encoding"] = (["--data", cp1251, "--encoding", "utf-8"], [str(cp1251), f"in row {first}.", f"rows: {first},", "--encoding"])

    random_xlsx = tmp_path / "random.xlsx"
    random_xlsx.write_bytes(np.random.default_rng(3).bytes(4_000))
    cases["unreadable xlsx"] = (["--data", random_xlsx], [str(random_xlsx), "not a readable Excel workbook"])

    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<" + b"A" * (8 * 1024 * 1024))
    cases["zip bomb"] = (["--data", bomb], [str(bomb), "xl/worksheets/sheet1.xml", "100:1"])

    not_parquet = csv("table.parquet", small)
    cases["not parquet"] = (["--data", not_parquet], [str(not_parquet), "not a readable Parquet file"])

    config = tmp_path / "nope.toml"
    config.write_text('[columns]\nchurn = "nope"\n', encoding="utf-8")
    plain = csv("plain.csv", small)
    cases["config names a missing column"] = (["--data", plain, "--config", config], [str(plain), "column: nope"])
    return cases


BAD_INPUTS = ["missing file", "empty file", "header only", "folder", "unknown extension", "single column",
              "ragged rows", "bad churn values", "text in numeric", "mojibake", "wrong encoding",
              "unreadable xlsx", "zip bomb", "not parquet", "config names a missing column"]


@pytest.mark.parametrize("case", BAD_INPUTS)
def test_bad_input_exits_2_with_the_file_and_a_fix(run_cli, sample_frame, tmp_path, case):
    args, fragments = _bad_inputs(tmp_path, sample_frame)[case]
    assert_clean_error(run_cli("check", *args), *fragments)


@pytest.mark.parametrize("command", ["check", "analyze"])
def test_bad_input_in_analyze_is_the_same_clean_error(run_cli, sample_frame, tmp_path, command):
    args, fragments = _bad_inputs(tmp_path, sample_frame)["text in numeric"]
    extra = ["-o", tmp_path / "ctx.json"] if command == "analyze" else []
    assert_clean_error(run_cli(command, *args, *extra), *fragments)
    assert not (tmp_path / "ctx.json").exists()


def test_debug_shows_the_traceback_of_the_same_bad_input(run_cli, sample_frame, tmp_path):
    args, fragments = _bad_inputs(tmp_path, sample_frame)["text in numeric"]
    for debug in (("--debug", "check"), ("check", "--debug")):
        result = run_cli(*debug, *args)
        assert result.code == 2
        assert "Traceback" in result.err and "DataError" in result.err
        for fragment in fragments:
            assert fragment in result.err


def test_bad_input_in_a_subprocess_exits_2_without_traceback(run_process, tmp_path):
    path = tmp_path / "header.csv"
    path.write_text("USERID,age,churn\n", encoding="utf-8")
    result = run_process("check", "--data", path)
    assert result.code == 2
    assert str(path) in result.err and "fix:" in result.err
    assert "Traceback" not in result.err


def test_internal_error_exits_1_and_points_to_debug(run_cli, small_csv, monkeypatch):
    from reportgen import pipeline

    def broken(*args, **kwargs):
        raise RuntimeError("simulated failure")

    monkeypatch.setattr(pipeline, "load", broken)
    path, _frame = small_csv
    result = run_cli("check", "--data", path)
    assert result.code == 1
    assert "Internal error" in result.err and "RuntimeError: simulated failure" in result.err
    assert "--debug" in result.err
    assert "Traceback" not in result.err
    debug = run_cli("check", "--data", path, "--debug")
    assert debug.code == 1 and "Traceback" in debug.err and "simulated failure" in debug.err


# --- config ----------------------------------------------------------------------------------------------


def test_config_lists_every_setting_with_its_default(run_cli):
    result = run_cli("config")
    assert result.code == 0
    for line in ("data.encoding = 'auto'", "data.separator = 'auto'", "data.max_bad_row_share = 0.01",
                 "data.max_unparsed_share = 0.0", "data.max_xlsx_ratio = 100", "columns.churn = ''",
                 "columns.numeric = []", "analysis.alpha = 0.05", "report.languages = ['fr', 'ru', 'en']",
                 "ranges = {}", "value_labels = {}"):
        assert line in result.out, line
    keys = [line.split(" = ")[0] for line in result.out.splitlines() if line and not line.startswith(" ")]
    assert len(keys) == len(set(keys)) > 40
    # every setting is followed by its meaning
    lines = result.out.splitlines()
    assert all(lines[i + 1].startswith("    ") and lines[i + 1].strip() for i, line in enumerate(lines)
               if line and not line.startswith(" "))


def test_a_removed_setting_is_named_as_no_longer_used(run_cli, small_csv, tmp_path):
    path, _frame = small_csv
    config = tmp_path / "reportgen.toml"
    config.write_text("[analysis]\nsegments_min = 3\nsegments_max = 4\n", encoding="utf-8")
    result = run_cli("check", "--config", config, "--data", path)
    assert result.code == 0, result.err
    err = " ".join(result.err.split())
    assert "'segments_min' in [analysis] is no longer used and is ignored" in err
    assert "unknown key" not in err  # a removed setting is explained, not reported as a typo
    listed = run_cli("config").out
    assert "analysis.segments_max = 5" in listed and "segments_min" not in listed


def test_segments_max_below_one_is_a_config_error(run_cli, small_csv, tmp_path):
    path, _frame = small_csv
    config = tmp_path / "reportgen.toml"
    config.write_text("[analysis]\nsegments_max = 0\n", encoding="utf-8")
    result = run_cli("check", "--config", config, "--data", path)
    assert_clean_error(result, str(config), "[analysis] segments_max must be at least 1")


# --- sample ----------------------------------------------------------------------------------------------


def test_sample_is_deterministic(run_cli, tmp_path):
    first, again, other = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "c.csv"
    for path, seed in ((first, 3), (again, 3), (other, 4)):
        result = run_cli("sample", "--rows", "500", "--seed", seed, "-o", path)
        assert result.code == 0, result.err
        assert str(path) in result.out
    assert first.read_bytes() == again.read_bytes()
    assert first.read_bytes() != other.read_bytes()
    frame = pd.read_csv(first)
    assert len(frame) == 500
    assert {"USERID", "churn", "city", "EST_SALARY"} <= set(frame.columns)


def test_sample_next_quarter_of(run_cli, tmp_path):
    before_path, after_path = tmp_path / "q1.csv", tmp_path / "q2.csv"
    assert run_cli("sample", "--rows", "1000", "--seed", "3", "-o", before_path).code == 0
    result = run_cli("sample", "--next-quarter-of", before_path, "--seed", "5", "-o", after_path)
    assert result.code == 0, result.err
    before, after = pd.read_csv(before_path), pd.read_csv(after_path)
    assert list(after.columns) == list(before.columns)
    churned = set(before.loc[before["churn"] == 1, ["USERID", "city"]].itertuples(index=False))
    present = set(after[["USERID", "city"]].itertuples(index=False))
    assert churned and not churned & present  # clients who left are gone
    assert set(after["USERID"]) - set(before["USERID"])  # newcomers
    again = tmp_path / "q2_again.csv"
    assert run_cli("sample", "--next-quarter-of", before_path, "--seed", "5", "-o", again).code == 0
    assert again.read_bytes() == after_path.read_bytes()
    # the next quarter of a missing file is a clean error
    assert_clean_error(run_cli("sample", "--next-quarter-of", tmp_path / "absent.csv", "-o", tmp_path / "x.csv"),
                       "absent.csv")


def test_sample_quiet_prints_only_the_result(run_cli, tmp_path):
    result = run_cli("sample", "--rows", "50", "-q", "-o", tmp_path / "q.csv")
    assert result.code == 0 and result.err == "" and "q.csv" in result.out


# --- analyze ---------------------------------------------------------------------------------------------


def test_analyze_writes_the_context_as_json(run_cli, small_csv, tmp_path):
    path, frame = small_csv
    output = tmp_path / "ctx.json"
    config = tmp_path / "fast.toml"  # fewer cluster candidates: the command, not KMeans, is under test
    config.write_text("[analysis]\nclusters_max = 3\nbootstrap_resamples = 200\n", encoding="utf-8")
    result = run_cli("analyze", "--data", path, "--config", config, "-o", output, "--period", "2026-Q2")
    assert result.code == 0, result.err
    assert str(output) in result.out
    context = json.loads(output.read_text(encoding="utf-8"))
    for key in ("schema_version", "meta", "quality", "overview", "churn_by_factor", "tests", "segments"):
        assert key in context, key
    assert isinstance(context["schema_version"], int)
    assert context["meta"]["period"] == "2026-Q2"
    assert context["meta"]["rows_used"] == len(frame)
    assert context["quality"]["missing"]["age"] == int(frame["age"].isna().sum())
    assert context["quality"]["missing"]["balance"] == int(frame["balance"].isna().sum())
    assert context["overview"]["customers"] == len(frame)
    assert context["overview"]["churned"] == int(frame["churn"].sum())
    assert context["overview"]["churn_rate"] == pytest.approx(frame["churn"].mean())
    assert isinstance(context["churn_by_factor"], list) and context["churn_by_factor"]
    assert isinstance(context["tests"], list) and context["tests"]
    assert isinstance(context["segments"], list)


def test_the_repository_config_stays_with_the_bundled_sample(run_process, sample_frame, tmp_path):
    """Run from the repository folder, whose reportgen.toml names an organisation for the bundled sample: a
    user's --data gets the defaults, and the console says which config was used and why."""
    own = tomllib.loads((PROJECT / "reportgen.toml").read_text(encoding="utf-8"))
    organisation = own["report"]["organisation"]
    assert organisation and own["data"]["only_for_path"] is True
    mine = tmp_path / "mine.csv"
    sample_frame.head(400).to_csv(mine, index=False)
    out = tmp_path / "out"
    built = run_process("build", "--data", mine, "--lang", "en", "--format", "pptx", "--period", "2026-Q3",
                        "--out", out, cwd=PROJECT)
    assert built.code == 0, built.err
    context = json.loads((out / "context.json").read_text(encoding="utf-8"))
    assert context["meta"]["organisation"] == "" and context["meta"]["config"] is None
    with zipfile.ZipFile(out / "deck_en.pptx") as deck:
        slides = "".join(deck.read(n).decode("utf-8") for n in deck.namelist() if n.startswith("ppt/slides/"))
    assert organisation not in slides and "Executive summary" in slides
    assert "reportgen.toml is not used" in built.err and "only_for_path" in built.err
    # the bundled sample itself, named with --data or not, still gets its config
    sample = run_process("analyze", "--data", PROJECT / "data" / "sample_customers.csv", "-o", tmp_path / "c.json",
                         cwd=PROJECT)
    assert sample.code == 0, sample.err
    meta = json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))["meta"]
    assert meta["organisation"] == organisation and meta["config"] == str(PROJECT / "reportgen.toml")
    assert f"Settings: {PROJECT / 'reportgen.toml'}" in sample.err
