"""--engine spark: the log passes on Spark local[2] against DuckDB and pandas, whole builds against the default
engine, and what a machine without PySpark or Java is told.

One SparkSession serves the module (starting a JVM costs seconds); the engine uses a session that is already
running, as it would a notebook's. Skipped, with the reason, only where PySpark or a Java runtime is missing.
"""

from __future__ import annotations

import importlib.util
import json
import math
import os
import sys

import numpy as np
import pandas as pd
import pytest

from reportgen.spark import java_found
from tests.conftest import REAL_DATA, SAMPLE_DATA, settings
from tests.logref import assert_same_clients, kept_lines, per_client

AS_OF, CAL_END = "2026-08-31", "2026-05-31"
ENGINE_CONF = {"spark_master": "local[2]", "spark_conf": {"spark.sql.shuffle.partitions": 2}}


CDNOW = REAL_DATA.parent / "cdnow_master.csv"


def _missing() -> str | None:
    """Return why Spark cannot run here (PySpark or Java missing), or None."""
    if importlib.util.find_spec("pyspark") is None:
        return "PySpark is not installed (pip install 'reportgen[spark]')"
    from reportgen.spark import java_found

    if not java_found():
        return "no Java runtime (java on the PATH or JAVA_HOME): install openjdk-17-jre-headless"
    return None


@pytest.fixture(scope="module")
def spark(tmp_path_factory):
    """Return the module's SparkSession on local[2], made as the engine makes its own (its files in a folder of
    the test's, not the repository's); stopped at the end."""
    reason = _missing()
    if reason:
        pytest.skip(reason)
    from reportgen.settings import EngineSettings
    from reportgen.spark import session

    made, own = session(EngineSettings(name="spark", **ENGINE_CONF), tmp_path_factory.mktemp("spark"))
    assert own
    yield made
    made.stop()


@pytest.fixture(scope="module")
def shop_log(tmp_path_factory):
    """Return (lines, CSV path, Parquet path) of a generated shop log with cancellations, returns, guests
    without an id and duplicates, plus a line dated before 1990 and one after the analysis date."""
    from reportgen.ingest.sample_log import generate_log

    log = generate_log(300, 11)
    extra = pd.DataFrame({"InvoiceNo": ["900001", "900002"], "StockCode": ["X1", "X2"], "Quantity": [2, 1],
                          "InvoiceDate": ["1985-03-02 10:00", "2026-09-20 11:30"], "UnitPrice": [3.5, 9.25],
                          "CustomerID": ["12350", "12351"], "Country": ["France", "Spain"]})
    log = pd.concat([log, extra], ignore_index=True)
    folder = tmp_path_factory.mktemp("spark_log")
    log.to_csv(folder / "log.csv", index=False)
    log.to_parquet(folder / "log.parquet", index=False)
    return log, folder / "log.csv", folder / "log.parquet"


def _load(path, engine: str):
    """Return the dataset of `path` read with `engine` at the fixed analysis and calibration dates."""
    from reportgen.ingest import load_dataset

    return load_dataset(path, settings(engine={"name": engine, **ENGINE_CONF},
                                       analysis={"as_of": AS_OF, "calibration_end": CAL_END}))


def test_the_log_passes_give_the_same_clients_and_counts_on_spark_and_on_duckdb(spark, shop_log):
    log, csv_path, _ = shop_log
    duck, on_spark = _load(csv_path, "duckdb"), _load(csv_path, "spark")
    assert on_spark.log["engine"]["name"] == "spark" and duck.log["engine"]["name"] == "duckdb"

    # the clients, from pandas on the raw lines (tests/logref.py), not from either engine
    lines = log.rename(columns={"CustomerID": "client", "InvoiceDate": "when", "Quantity": "quantity",
                                "UnitPrice": "price", "InvoiceNo": "invoice"})
    lines["when"] = pd.to_datetime(lines["when"])
    from reportgen.ingest import transactions

    expected = per_client(kept_lines(lines, transactions.today(), dedup=True), pd.Timestamp(AS_OF).date(),
                          pd.Timestamp(CAL_END).date())
    assert_same_clients(on_spark.frame, expected)

    # and every column of the per-client table equals DuckDB's: counts exactly, sums to 1e-9
    a, b = duck.frame, on_spark.frame
    assert list(a.columns) == list(b.columns) and len(a) == len(b) and len(a) > 250
    for column in a.columns:
        x, y = a[column], b[column]
        if pd.api.types.is_float_dtype(x):
            assert np.allclose(x.to_numpy(float), y.to_numpy(float), rtol=1e-9, atol=1e-9, equal_nan=True), column
        else:
            assert x.astype(str).tolist() == y.astype(str).tolist(), column

    # the small tables: cleaning rules (cancellations, returns, missing ids, too old, duplicates, after as_of),
    # revenue and clients by month, the gaps between purchases
    clean_a, clean_b = duck.log["cleaning"], on_spark.log["cleaning"]
    rules = {r["rule"]: r["lines"] for r in clean_b["rules"]}
    assert all(rules[rule] > 0 for rule in ("cancelled", "returns", "missing_client", "too_old", "duplicates",
                                            "after_as_of")), rules
    assert rules == {r["rule"]: r["lines"] for r in clean_a["rules"]}
    for ra, rb in zip(clean_a["rules"], clean_b["rules"]):
        assert math.isclose(ra["revenue"], rb["revenue"], rel_tol=1e-9, abs_tol=1e-9), ra["rule"]
    assert (clean_b["lines_read"], clean_b["lines_used"]) == (clean_a["lines_read"], clean_a["lines_used"])
    assert math.isclose(clean_b["revenue_used"], clean_a["revenue_used"], rel_tol=1e-9)
    assert [(m["month"], m["clients"], m["lines"]) for m in on_spark.log["by_month"]] == \
        [(m["month"], m["clients"], m["lines"]) for m in duck.log["by_month"]]
    assert np.allclose([m["revenue"] for m in on_spark.log["by_month"]], [m["revenue"] for m in duck.log["by_month"]],
                       rtol=1e-9)
    assert on_spark.log["gaps"] == duck.log["gaps"] and on_spark.log["gaps"]["count"] > 100
    assert on_spark.log["cutoff"] == duck.log["cutoff"]


def _figures(context: dict) -> dict:
    """Return a context without what differs between two runs by design: when, where from and by which engine."""
    out = {k: v for k, v in context.items() if k not in ("generated_at", "meta")}
    if out.get("log"):
        out["log"] = {k: v for k, v in out["log"].items() if k != "engine"}
    return out


# Every figure to 1e-9, fitted models' included: the two engines' parallel sums differ in their last bits,
# and the per-client money is rounded to a billionth (ingest/logsummary.py) so that the fits (BG/NBD,
# Gamma-Gamma, the churn model) start from the same numbers; before, the CLV total moved by 5e-9 and the
# churn model's AUC by 1e-4 on CDNOW


def _assert_same_figures(expected, got, path: str = "") -> None:
    """Assert two contexts hold the same figures: integers and texts exactly, floats to 1e-9."""
    if isinstance(expected, dict):
        assert sorted(expected) == sorted(got), path
        for key in expected:
            _assert_same_figures(expected[key], got[key], f"{path}.{key}")
    elif isinstance(expected, list):
        assert len(expected) == len(got), path
        for i, (e, g) in enumerate(zip(expected, got)):
            _assert_same_figures(e, g, f"{path}.{i}")
    elif isinstance(expected, float) and not isinstance(got, bool):
        assert isinstance(got, (int, float)) and math.isclose(expected, got, rel_tol=1e-9, abs_tol=1e-12), \
            (path, expected, got)
    else:
        assert expected == got, (path, expected, got)


def _build(run_cli, data, out, *engine: str) -> dict:
    """Return the context.json of `reportgen build` of `data` (English deck only), with `engine` options, run
    in `out`'s folder: the repository's reportgen.toml (labels for the bundled sample) is not the defaults'."""
    result = run_cli("build", "--data", data, "--lang", "en", "--format", "pptx", "--out", out, "-q", *engine,
                     cwd=out.parent)
    assert result.code == 0, result.err
    assert (out / "deck_en.pptx").is_file()
    return json.loads((out / "context.json").read_text(encoding="utf-8"))


def test_build_with_engine_spark_gives_the_default_engines_figures_for_a_log(spark, shop_log, run_cli, tmp_path):
    _, _, parquet = shop_log
    default = _build(run_cli, parquet, tmp_path / "duckdb")
    on_spark = _build(run_cli, parquet, tmp_path / "spark", "--engine", "spark")
    assert on_spark["log"]["engine"]["name"] == "spark"
    assert on_spark["overview"]["clients"] > 250 and on_spark["prediction"] is not None
    _assert_same_figures(_figures(default), _figures(on_spark))


def test_build_with_engine_spark_gives_the_default_engines_figures_for_the_customer_sample(
        spark, sample_build, run_cli, tmp_path):
    default = json.loads((sample_build / "context.json").read_text(encoding="utf-8"))
    on_spark = _build(run_cli, SAMPLE_DATA, tmp_path / "spark", "--engine", "spark")
    assert on_spark["overview"]["customers"] == 10_000
    _assert_same_figures(_figures(default), _figures(on_spark))


@pytest.mark.realdata
@pytest.mark.skipif(not CDNOW.is_file(), reason=f"{CDNOW} is absent (../shared is not beside this clone)")
def test_analyze_with_engine_spark_gives_the_default_engines_figures_for_cdnow(spark, run_cli, tmp_path):
    contexts = []
    for name, engine in (("duckdb", ()), ("spark", ("--engine", "spark"))):
        result = run_cli("analyze", "--data", CDNOW, "-o", tmp_path / f"{name}.json", "-q", *engine, cwd=tmp_path)
        assert result.code == 0, result.err
        contexts.append(json.loads((tmp_path / f"{name}.json").read_text(encoding="utf-8")))
    assert contexts[1]["log"]["engine"]["name"] == "spark" and contexts[1]["overview"]["clients"] == 23_570
    _assert_same_figures(_figures(contexts[0]), _figures(contexts[1]))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["duckdb.json", "spark.json"]  # no spark-warehouse


def test_without_java_engine_spark_stops_with_what_to_install(run_process, tmp_path):
    if importlib.util.find_spec("pyspark") is None:
        pytest.skip("PySpark is not installed: the message is about PySpark (the next test)")
    result = run_process("check", "--data", SAMPLE_DATA, "--engine", "spark",
                         env={"JAVA_HOME": str(tmp_path / "no-java")})
    assert result.code == 2, result.err
    assert "needs a Java runtime" in result.err and "openjdk-17-jre-headless" in result.err
    assert "Traceback" not in result.err


@pytest.mark.parametrize("engine, named", [
    ('spark_master = "sprak://cluster:7077"', "engine.spark_master = sprak://cluster:7077"),
    ('[engine.spark_conf]\n"spark.driver.memory" = "lots"', "spark.driver.memory = lots"),
    # accepted by the JVM, refused when the SQL session is built: the reason quoted is the innermost one
    ('[engine.spark_conf]\n"spark.sql.shuffle.partitions" = 0', "spark.sql.shuffle.partitions must be positive"),
])
def test_a_spark_that_will_not_start_is_the_users_to_fix(run_process, tmp_path, engine, named):
    """A master Spark does not know, or a setting its JVM refuses: exit 2 naming the setting, no traceback,
    nothing left behind."""
    if importlib.util.find_spec("pyspark") is None or not java_found():
        pytest.skip("needs PySpark and a Java runtime")
    temp = tmp_path / "temp"
    temp.mkdir()
    (tmp_path / "reportgen.toml").write_text(f'[engine]\nname = "spark"\n{engine}\n', encoding="utf-8")
    result = run_process("analyze", "--data", SAMPLE_DATA, "-o", tmp_path / "context.json",
                         env={"TMPDIR": str(temp)})
    assert result.code == 2, result.err
    assert "Spark did not start" in result.err and named in result.err and "spark://host:7077" in result.err and "can be reached" in result.err
    assert "Traceback" not in result.err and "bug in reportgen" not in result.err
    assert not (tmp_path / "context.json").exists() and not list(temp.iterdir())


@pytest.mark.parametrize("kind", ["customers", "transactions"])
def test_spark_failing_while_it_runs_is_the_users_to_fix(run_process, tmp_path, kind):
    """Spark refusing results larger than the driver allows (a job aborted while it runs): exit 2 quoting
    Spark's reason and the settings to give, no traceback, nothing left behind."""
    if importlib.util.find_spec("pyspark") is None or not java_found():
        pytest.skip("needs PySpark and a Java runtime")
    data = SAMPLE_DATA
    if kind == "transactions":
        data = tmp_path / "log.csv"
        assert run_process("sample", "--kind", "transactions", "-o", data).code == 0
    temp = tmp_path / "temp"
    temp.mkdir()
    (tmp_path / "reportgen.toml").write_text(
        '[engine]\nname = "spark"\n[engine.spark_conf]\n"spark.driver.maxResultSize" = "1k"\n', encoding="utf-8")
    result = run_process("analyze", "--data", data, "-o", tmp_path / "context.json", env={"TMPDIR": str(temp)})
    assert result.code == 2, result.err
    assert "Spark stopped while it ran the passes (engine.spark_master = local[2]): Job aborted" in result.err
    assert "spark.driver.maxResultSize" in result.err and "--engine duckdb" in result.err
    assert "Traceback" not in result.err and "bug in reportgen" not in result.err
    assert not (tmp_path / "context.json").exists() and not list(temp.iterdir())


def test_only_spark_failing_while_it_runs_is_told_as_the_users():
    """A Spark failure of its own is the user's, found along the exception's causes; anything else (a query
    Spark cannot analyse would be a bug of ours) is not turned into a user error."""
    from reportgen.spark import run_failure

    engine = settings(engine={"name": "spark", **ENGINE_CONF}).engine
    try:
        try:
            raise RuntimeError("An error occurred while calling o79.collect.\n: org.apache.spark.SparkException: "
                               "Job aborted due to stage failure: java.lang.OutOfMemoryError: Java heap space")
        except RuntimeError as inner:
            raise ValueError("while collecting") from inner
    except ValueError as outer:
        told = run_failure(engine, outer)
    assert told is not None and told.exit_code == 2
    assert str(told).endswith("(engine.spark_master = local[2]): Job aborted due to stage failure: "
                              "java.lang.OutOfMemoryError: Java heap space")
    assert run_failure(engine, ValueError("[UNRESOLVED_COLUMN] A column cannot be resolved")) is None


def test_without_pyspark_engine_spark_stops_with_what_to_install(tmp_path):
    import subprocess

    # a Python where `import pyspark` fails, as in a default install
    code = ("import sys; sys.modules['pyspark'] = None; from reportgen.cli import main; "
            f"main(['build', '--data', {str(SAMPLE_DATA)!r}, '--engine', 'spark', '--out', {str(tmp_path)!r}])")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=120,
                          env={**os.environ, "REPORTGEN_LANG": "en"})
    assert done.returncode == 2, done.stderr
    assert "needs PySpark" in done.stderr and "pip install 'reportgen[spark]'" in done.stderr
    assert "Traceback" not in done.stderr
    assert not list(tmp_path.iterdir())  # stopped before writing anything


def test_the_engine_settings_are_checked():
    from reportgen.errors import ConfigError

    with pytest.raises(ConfigError) as raised:
        settings(engine={"name": "sparkk", "spark_master": " ", "spark_conf": {"spark.executor.memory": ["4g"]}})
    problems = "\n".join(raised.value.problems)
    assert "use duckdb, spark" in problems and "spark_master is empty" in problems
    assert "spark.executor.memory" in problems
    ok = settings(engine={"name": "spark", "spark_conf": {"spark.executor.memory": "4g", "spark.sql.ansi.enabled": True}})
    assert ok.engine.spark_master == "local[2]" and ok.engine.spark_conf["spark.executor.memory"] == "4g"


def test_the_default_install_needs_no_spark(tmp_path):
    import subprocess
    import tomllib
    from pathlib import Path

    project = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text())["project"]
    assert not any(d.startswith("pyspark") for d in project["dependencies"])
    assert any(d.startswith("pyspark") for d in project["optional-dependencies"]["spark"])
    # a log and a customer table are read with the default engine in a Python where `import pyspark` fails
    from reportgen.ingest.sample_log import generate_log

    generate_log(40, 2).to_csv(tmp_path / "log.csv", index=False)
    code = ("import sys; sys.modules['pyspark'] = None; from reportgen.cli import main; "
            f"main(['check', '--data', sys.argv[1]])")
    for data in (tmp_path / "log.csv", SAMPLE_DATA):
        done = subprocess.run([sys.executable, "-c", code, str(data)], capture_output=True, text=True, cwd=tmp_path,
                              timeout=120, env={**os.environ, "REPORTGEN_LANG": "en"})
        assert done.returncode == 0, done.stderr
