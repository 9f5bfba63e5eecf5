"""PDF summaries read back with pypdf; user templates, and what a template may not do."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from pypdf import PdfReader

from reportgen.context import dumps  # the context as written: its columns are arrays
from reportgen.errors import TemplateError
from reportgen.render import pdf as pdf_module
from reportgen.render.pdf import render_pdf
from tests.conftest import REAL_DATA, SAMPLE_DATA, build_all
from tests.render_helpers import pdf_text, spaces, tr
from tests.test_deck import LANGS


# Given explicitly: the default period follows today's date, and a test must not expire with the calendar.
PERIOD = "2025-Q2"


@pytest.fixture(scope="module")
def sample_build(tmp_path_factory):
    return build_all(SAMPLE_DATA, tmp_path_factory.mktemp("pdf_sample"), period=PERIOD)


@pytest.fixture(scope="module")
def context(sample_build):
    return json.loads((sample_build / "context.json").read_text(encoding="utf-8"))


def churn_text(rate: float, lang: str) -> str:
    """Return the churn rate as each language writes it, composed here without Babel."""
    number = f"{rate * 100:.1f}"
    return number + "%" if lang == "en" else number.replace(".", ",") + " %"


@pytest.mark.parametrize("lang", LANGS)
def test_summary_text_language_figures_and_pages(sample_build, lang):
    path = sample_build / f"summary_{lang}.pdf"
    pages = len(PdfReader(str(path)).pages)
    assert 2 <= pages <= 4
    text = pdf_text(path)
    rate = pd.read_csv(SAMPLE_DATA)["churn"].mean()
    assert churn_text(rate, lang) in text
    assert spaces(tr(lang, "Executive summary")) in text
    assert spaces(tr(lang, "Are the differences real?")) in text
    if lang == "ru":
        assert "клиент" in text and "отток" in text.lower()  # Cyrillic extracted intact, not boxes
    year, quarter = PERIOD.split("-Q")
    assert spaces(tr(lang, "Q{quarter} {year}").format(quarter=quarter, year=year)) in text


@pytest.mark.realdata
@pytest.mark.parametrize("lang", LANGS)
def test_real_summary_shows_18_2_percent(tmp_path_factory, lang, real_pdfs):
    text = pdf_text(real_pdfs / f"summary_{lang}.pdf")
    assert ("18.2%" if lang == "en" else "18,2 %") in text
    if lang == "ru":
        assert "клиент" in text


@pytest.fixture(scope="module")
def real_pdfs(tmp_path_factory):
    if not REAL_DATA.is_file():
        pytest.skip(f"{REAL_DATA} is absent")
    from reportgen.console import Reporter
    from reportgen.pipeline import build
    from tests.conftest import settings

    out = tmp_path_factory.mktemp("real_pdf")
    build(settings(report={"languages": list(LANGS), "formats": ["pdf"]}), str(REAL_DATA), str(out), Reporter(-1))
    return out


def user_template(folder, body: str, head: str = "") -> None:
    """Write a minimal summary.html into `folder`."""
    folder.mkdir(exist_ok=True)
    (folder / "summary.html").write_text(
        f"<!doctype html><html><head><meta charset='utf-8'>{head}"
        "<style>@font-face { font-family: 'Noto Sans'; src: url('{{ fonts.regular|css_string }}'); }"
        "html { font-family: 'Noto Sans'; }</style></head>"
        f"<body>{body}</body></html>", encoding="utf-8")


def test_user_html_template_is_used(tmp_path, context):
    folder = tmp_path / "mine"
    user_template(folder, "<h1>ACME {{ _('Key findings') }}</h1><p>{{ kpis[1].value }}</p>"
                          "<img src='logo.svg'>{% for f in findings %}<p>{{ f }}</p>{% endfor %}")
    (folder / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'>"
                                     "<rect width='10' height='10'/></svg>")
    out = render_pdf(context, "fr", tmp_path / "summary_fr.pdf", tmp_path / "charts", folder)
    text = pdf_text(out)
    assert "ACME " + spaces(tr("fr", "Key findings")) in text
    assert churn_text(context["overview"]["churn_rate"], "fr") in text


def test_data_is_escaped_not_run(tmp_path, context):
    hostile = json.loads(dumps(context))
    hostile["meta"]["title"] = "<b>{{ 7*7 }}</b><script>x</script>"
    out = render_pdf(hostile, "en", tmp_path / "s.pdf", tmp_path / "charts")
    text = pdf_text(out)
    assert "{{ 7*7 }}" in text and "49" not in text.split("{{ 7*7 }}")[0][-5:]
    assert "<b>" in text  # shown as text, never interpreted


@pytest.mark.parametrize("body", [
    "<link rel='attachment' href='file:///etc/passwd'>secret",
    "<img src='http://example.com/tracker.png'>",
    "<img src='https://127.0.0.1:9/x.png'>",
    "<img src='missing.png'>",
    "<style>body { background: url('file:///etc/hostname'); }</style>",
])
def test_template_may_not_reach_outside_its_folder(tmp_path, context, body):
    folder = tmp_path / "evil"
    user_template(folder, body)
    with pytest.raises(TemplateError) as error:
        render_pdf(context, "en", tmp_path / "s.pdf", tmp_path / "charts", folder)
    assert error.value.problems
    assert not (tmp_path / "s.pdf").exists()


def test_attachment_never_embeds_a_local_file(tmp_path, context):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-42")
    folder = tmp_path / "evil"
    user_template(folder, f"<link rel='attachment' href='{secret.as_uri()}'>hello")
    with pytest.raises(TemplateError):
        render_pdf(context, "en", tmp_path / "s.pdf", tmp_path / "charts", folder)
    assert not any(b"TOP-SECRET" in p.read_bytes() for p in tmp_path.rglob("*.pdf"))


@pytest.mark.parametrize("body, match", [
    ("{{ no_such_thing }}", "does not have"),
    ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "not allowed"),
    ("{% for x in %}", "cannot be rendered"),
])
def test_broken_or_unsafe_templates_are_clear_errors(tmp_path, context, body, match):
    folder = tmp_path / "bad"
    user_template(folder, body)
    with pytest.raises(TemplateError, match=match):
        render_pdf(context, "en", tmp_path / "s.pdf", tmp_path / "charts", folder)


def test_missing_template_names_every_folder(tmp_path, context, monkeypatch):
    monkeypatch.setattr(pdf_module, "TEMPLATE_NAME", "nothing.html")
    with pytest.raises(TemplateError) as error:
        render_pdf(context, "en", tmp_path / "s.pdf", tmp_path / "charts", tmp_path)
    assert any(str(tmp_path) in p for p in error.value.problems)
    assert len(error.value.problems) == 2


def test_missing_font_is_a_clear_error(tmp_path, context, monkeypatch):
    from reportgen.render import fonts

    monkeypatch.setattr(pdf_module, "font_file", lambda name: fonts.font_file(name, tmp_path / "nofonts"))
    with pytest.raises(TemplateError, match="font"):
        render_pdf(context, "en", tmp_path / "s.pdf", tmp_path / "charts")


def test_long_tables_are_capped(tmp_path, context):
    crowded = json.loads(dumps(context))
    crowded["tests"] = crowded["tests"] * 40  # hundreds of rows
    out = render_pdf(crowded, "en", tmp_path / "s.pdf", tmp_path / "charts")
    assert len(PdfReader(str(out)).pages) <= 6
    assert "more tests are in the deck" in pdf_text(out)


def test_charts_are_vector_and_closed(tmp_path, context):
    import matplotlib.pyplot as plt

    render_pdf(context, "ru", tmp_path / "s.pdf", tmp_path / "charts")
    charts = list((tmp_path / "charts").glob("*.svg"))
    assert charts and all(c.read_text(encoding="utf-8").lstrip().startswith("<?xml") for c in charts)
    assert plt.get_fignums() == []


def test_a_glyph_no_font_has_fails_the_chart(tmp_path, context):
    odd = json.loads(dumps(context))
    odd["value_labels"] = {"city": {"en": {"Ярославль": "東京"}}}
    # the city becomes part of a persona's name, which labels a bar of the personas chart
    odd["segments"][0]["rule"].append({"feature": "city", "op": "==", "value": "Ярославль"})
    with pytest.raises(TemplateError, match="character"):
        render_pdf(odd, "en", tmp_path / "s.pdf", tmp_path / "charts")


def test_a_system_without_any_font_is_a_clear_error_not_a_crash(tmp_path, context, monkeypatch):
    """With no font installed WeasyPrint crashes the process; reportgen must stop before that."""
    from reportgen.render import fonts

    class Listed:
        returncode, stdout = 0, ""

    monkeypatch.setattr(fonts.subprocess, "run", lambda *a, **k: Listed())
    fonts.check_fontconfig.cache_clear()
    try:
        with pytest.raises(TemplateError, match="No font is installed") as error:
            render_pdf(context, "en", tmp_path / "s.pdf", tmp_path / "charts")
        assert "apt-get install" in error.value.hint
    finally:
        fonts.check_fontconfig.cache_clear()
