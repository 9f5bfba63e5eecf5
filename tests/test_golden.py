"""The bundled sample's decks and PDFs say what they said before a restructuring (golden texts).

When a change is meant to alter what the reports say, rewrite the golden files with
`.venv/bin/python -m tests.golden` and review their diff in the commit.
"""

from __future__ import annotations

import difflib

import pytest

from tests.golden import GOLDEN, render_texts, sample_context


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """Return the texts of the sample's decks and PDFs in every language, rendered now."""
    return render_texts(sample_context(), tmp_path_factory.mktemp("golden"))


@pytest.mark.parametrize("name", ["deck_en.txt", "deck_fr.txt", "deck_ru.txt",
                                  "summary_en.txt", "summary_fr.txt", "summary_ru.txt"])
def test_reports_say_what_the_golden_texts_say(rendered, name):
    expected = (GOLDEN / name).read_text(encoding="utf-8").splitlines()
    diff = list(difflib.unified_diff(expected, rendered[name], "golden", "now", lineterm="", n=1))
    assert not diff, "\n".join(diff[:60])
