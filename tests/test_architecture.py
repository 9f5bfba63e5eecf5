"""The shape of the house: renderers that know no pandas, small modules, every kind registered everywhere."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import PROJECT


def test_the_renderers_import_neither_pandas_nor_the_analysis():
    code = ("import sys; import reportgen.render.deck, reportgen.render.pdf, reportgen.render.sections, "
            "reportgen.kinds; bad = sorted(m for m in sys.modules if m == 'pandas' or "
            "m.startswith(('pandas.', 'reportgen.analysis', 'reportgen.ingest', 'sklearn'))); print(bad)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PROJECT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_no_module_is_over_about_400_lines():
    sizes = {path.relative_to(PROJECT): len(path.read_text(encoding="utf-8").splitlines())
             for path in (PROJECT / "reportgen").rglob("*.py")}
    assert {p: n for p, n in sizes.items() if n > 420} == {}


def test_every_input_kind_has_a_loader_an_analysis_a_contract_a_report_and_a_playbook():
    from reportgen.contract import MODELS
    from reportgen.ingest.playbook import default_playbook
    from reportgen.kinds import KINDS
    from reportgen.render.sections import REPORTS

    assert set(KINDS) == set(MODELS) == set(REPORTS)
    for name, kind in KINDS.items():
        assert callable(kind.load()) and callable(kind.analysis())
        assert default_playbook(name).is_file()
