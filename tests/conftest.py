"""Shared fixtures: the real bank table (when ../shared is there), generated tables, a CLI runner."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
REAL_DATA = PROJECT.parent / "shared" / "data" / "bank_scrooge.csv"
SAMPLE_DATA = PROJECT / "data" / "sample_customers.csv"

# Every message in tests is English unless a test asks for another language.
os.environ["REPORTGEN_LANG"] = "en"


def pytest_collection_modifyitems(config, items):
    """Skip tests marked `realdata`, with the reason, where ../shared/data/bank_scrooge.csv is absent."""
    if REAL_DATA.is_file():
        return
    skip = pytest.mark.skip(reason=f"{REAL_DATA} is absent (a fresh clone has no ../shared); real-data test skipped")
    for item in items:
        if "realdata" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _english_ui():
    """Reset the UI language to English for each test."""
    from reportgen.i18n.ui import set_ui_language

    set_ui_language("en")
    yield
    set_ui_language("en")


@pytest.fixture
def real_data() -> Path:
    """Return the path of the real bank table (tests using it are marked realdata)."""
    return REAL_DATA


@dataclass
class Result:
    """What a CLI run returned and printed."""

    code: int
    out: str
    err: str


@pytest.fixture
def run_cli(capsys, monkeypatch):
    """Return a function running `reportgen ARGS` in-process and returning its exit code and output."""
    from reportgen.cli import main

    def run(*args: str, cwd: Path | None = None) -> Result:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        capsys.readouterr()
        try:
            main([str(a) for a in args])
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


@pytest.fixture
def run_process(tmp_path):
    """Return a function running `python -m reportgen ARGS` in a subprocess (a real, separate process)."""
    import subprocess

    def run(*args: str, cwd: Path | None = None, env: dict | None = None) -> Result:
        environment = {**os.environ, "REPORTGEN_LANG": "en", **(env or {})}
        done = subprocess.run([sys.executable, "-m", "reportgen", *map(str, args)], cwd=cwd or tmp_path,
                              capture_output=True, text=True, env=environment, timeout=300)
        return Result(done.returncode, done.stdout, done.stderr)

    return run


@pytest.fixture(scope="session")
def sample_frame():
    """Return a 10,000-row generated customer table (seed 42), the same as the bundled sample."""
    from reportgen.ingest.sample import generate_customers

    return generate_customers(10_000, 42)


def build_all(data, out, **report):
    """Build decks and PDFs of `data` in three languages into `out`; return the folder."""
    from reportgen.console import Reporter
    from reportgen.pipeline import build

    config = settings(report={"languages": ["fr", "ru", "en"], "organisation": "Banque Démo", **report})
    build(config, str(data), str(out), Reporter(-1))
    return out


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory):
    """Return the folder of the bundled sample's decks and PDFs in fr, ru and en (built once per session)."""
    return build_all(SAMPLE_DATA, tmp_path_factory.mktemp("sample_build"))


def settings(**sections):
    """Return Settings built from section dicts, e.g. settings(data={"encoding": "cp1251"})."""
    from reportgen.config import settings_from_dict

    return settings_from_dict(sections)


# Text a user's data and config may hold that must not reach a report as it is: a right-to-left override
# around a city name, a spreadsheet formula as a category, control characters in config strings.
BIDI_CITY = "\u202eROST\u202c"
FORMULA_CITY = '=HYPERLINK("http://x","click")'
ODD_CONFIG = """
[report]
organisation = "Demo\\rBank\\u0007"
title = "Churn\\nreview \\u2067Q3\\u2069"

[labels.en]
city = "town\\r\\nname"
"""


@pytest.fixture(scope="session")
def odd_build(sample_frame, tmp_path_factory):
    """Return the output folder of an English deck and PDF built from such data and config.

    The two odd cities churn far more than the third, so that the city chart, segments and findings
    name them.
    """
    import numpy as np

    from reportgen.cli import main

    folder = tmp_path_factory.mktemp("odd")
    frame = sample_frame.head(3000).copy()
    cities = {"Ростов": BIDI_CITY, "Рыбинск": FORMULA_CITY, "Ярославль": "Yar"}
    frame["city"] = frame["city"].map(cities)
    rng = np.random.default_rng(5)
    for city, rate in ((BIDI_CITY, 0.6), (FORMULA_CITY, 0.45)):
        rows = frame["city"] == city
        frame.loc[rows, "churn"] = (rng.random(int(rows.sum())) < rate).astype(int)
    frame.to_csv(folder / "odd.csv", index=False)
    (folder / "reportgen.toml").write_text(ODD_CONFIG, encoding="utf-8")
    try:
        main(["build", "-q", "--data", str(folder / "odd.csv"), "--config", str(folder / "reportgen.toml"),
              "--out", str(folder / "out"), "--lang", "en", "--period", "2026-Q3"])
    except SystemExit as exc:
        assert exc.code == 0, f"the build failed with exit code {exc.code}"
    return folder / "out"
