"""The PDF summary: a Jinja2 template (sandboxed, autoescaped, strict) rendered to A4 by WeasyPrint.

User templates (`--templates DIR`) come first and the bundled ones behind (a ChoiceLoader); WeasyPrint
reads only through SafeFetcher, and an ERROR it logs fails the build instead of leaving a hole in the PDF.
"""

from __future__ import annotations

import logging
from pathlib import Path

import jinja2
from markupsafe import Markup
from jinja2.sandbox import ImmutableSandboxedEnvironment

from reportgen.atomic import atomic_path
from reportgen.errors import TemplateError
from reportgen.i18n.ui import _
from reportgen.paths import FONTS_DIR, TEMPLATES_DIR
from reportgen.render import charts
from reportgen.render.fetcher import SafeFetcher
from reportgen.render.fonts import BOLD, REGULAR, check_fontconfig, font_file
from reportgen.render.templating import template_environment
from reportgen.render.wording import Wording

TEMPLATE_NAME = "summary.html"
MAX_TABLE_ROWS = 30  # a PDF table of thousands of rows takes minutes and is read by nobody
MAX_RECOMMENDATIONS = 3


def environment(wording: Wording, user_dir: Path | None) -> ImmutableSandboxedEnvironment:
    """Return the summary's Jinja2 environment: the shared safe one, plus css_string for @page headers."""
    env = template_environment(wording, user_dir)
    env.filters["css_string"] = css_string
    return env


def css_string(value) -> Markup:
    """Return text safe inside a quoted CSS string in a <style> element (quotes, '<', '&' as CSS escapes)."""
    out = [f"\\{ord(ch):x} " if ch in "\\\"'<>&" or ord(ch) < 0x20 else ch for ch in str(value)]
    return Markup("".join(out))


def view(context: dict, w: Wording, chart_urls: dict[str, str]) -> dict:
    """Return what the template shows, every figure already formatted for the language."""
    segments = []
    for seg in w.rule_segments:
        segments.append({
            "id": seg["id"], "name": w.segment_name(seg), "summary": w.segment_summary(seg),
            "recommendations": [{"title": w.recommendation_title(r["id"]), "text": w.recommendation(r)}
                                for r in seg["recommendations"][:MAX_RECOMMENDATIONS]],
        })
    tests = [{"question": w.question(t), "method": w.method(t.get("method")), "p": w.fmt.p_value(t.get("p_adjusted")),
              "effect": w.effect(t.get("effect_size")), "conclusion": w.conclusion(t),
              "significant": bool(t.get("significant"))} for t in context["tests"]]
    q = context["quality"]
    return {
        **w.headline_view(),
        "segments": segments,
        "segments_notice": w.segment_search_notice(),
        "tests": tests[:MAX_TABLE_ROWS],
        "tests_omitted": max(0, len(tests) - MAX_TABLE_ROWS),
        "charts": chart_urls,
        "comparison": _comparison_view(context, w),
        "quality": [
            w.fmt.quantity(q["rows_used"], "{n} client analysed.", "{n} clients analysed."),
            w._("{dupes} duplicate rows dropped, {ids} repeated ids kept as different clients, {missing} missing "
                "values.").format(dupes=w.fmt.number(q["duplicate_rows"]["count"]),
                                  ids=w.fmt.number(q["repeated_ids"]["ids"]),
                                  missing=w.fmt.number(sum(q["missing"].values())))],
        "fonts": {"regular": font_file(REGULAR).as_uri(), "bold": font_file(BOLD).as_uri()},
        "palette": charts.palette(),
        "ctx": context,
    }


def _comparison_view(context: dict, w: Wording) -> dict | None:
    """Return the 'what changed' section, or None without a previous quarter."""
    if not context.get("comparison"):
        return None
    return {"period": w.fmt.period(context["comparison"]["previous"]["period"] or ""),
            "lines": w.comparison_lines(), "segments": w.remeasured_rows()[:MAX_TABLE_ROWS]}


def make_charts(context: dict, w: Wording, folder: Path) -> dict[str, str]:
    """Write the summary's SVG charts into `folder` and return their file:// URLs by name."""
    folder.mkdir(parents=True, exist_ok=True)
    made = {}
    factors = sorted(context["churn_by_factor"], key=lambda f: -f.get("spread_pp", 0))
    if factors and factors[0]["levels"]:
        made["factor"] = charts.factor_chart(factors[0], w)
    if w.rule_segments:
        made["segments"] = charts.segments_chart(w.rule_segments, w)
    skewed = next((t for t in context["tests"] if w.disagreement(t)), None)
    if skewed is not None:
        made["groups"] = charts.groups_chart(skewed, w)
    urls = {}
    for name, svg in made.items():
        path = folder / f"{name}_{w.lang}.svg"
        with atomic_path(path) as tmp:
            tmp.write_bytes(svg)
        urls[name] = path.resolve().as_uri()
    return urls


def render_pdf(context: dict, lang: str, out: Path, chart_dir: Path, user_dir: Path | None = None) -> Path:
    """Write the PDF summary of `context` in `lang` to `out` (atomically); raise TemplateError on any fault."""
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    check_fontconfig()
    w = Wording(context, lang)
    env = environment(w, user_dir)
    try:
        template = env.get_template(TEMPLATE_NAME)
    except jinja2.TemplateNotFound:
        raise TemplateError(_("The PDF template {name} was not found.").format(name=TEMPLATE_NAME),
                            problems=[_("searched: {folder}").format(folder=f) for f in env.globals["folders"]],
                            hint=_("Put {name} in the folder given to --templates, or leave it out.").format(
                                name=TEMPLATE_NAME))
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(_("The PDF template cannot be rendered: {error}").format(
            error=f"{exc.filename or exc.name}:{exc.lineno}: {exc.message}"), hint=_("Fix the template line named above."))
    try:
        html = template.render(**view(context, w, make_charts(context, w, chart_dir)))
    except jinja2.UndefinedError as exc:
        raise TemplateError(_("The PDF template uses something the report does not have: {error}").format(
            error=exc), hint=_("Check the variable names in your template against the bundled summary.html."))
    except jinja2.exceptions.SecurityError as exc:
        raise TemplateError(_("The PDF template tried an operation that is not allowed: {error}").format(error=exc),
                            hint=_("Templates may only read the report's data, not call into Python."))
    except (jinja2.TemplateError, ValueError, TypeError, KeyError) as exc:
        raise TemplateError(_("The PDF template cannot be rendered: {error}").format(error=exc),
                            hint=_("Fix the template line named above ('%' in a translated text is written '%%')."))
    base = (user_dir or TEMPLATES_DIR).resolve()
    fetcher = SafeFetcher([base, TEMPLATES_DIR, FONTS_DIR, chart_dir])
    errors = _ErrorLog()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(errors)
    try:
        document = HTML(string=html, base_url=base.as_uri() + "/", url_fetcher=fetcher)
        with atomic_path(out) as tmp:
            document.write_pdf(str(tmp))
            if fetcher.refused or errors.messages:
                raise TemplateError(
                    _("The PDF template asks for resources it may not use, or the PDF engine reported errors."),
                    problems=[_("refused: {url}").format(url=u) for u in fetcher.refused] + errors.messages,
                    hint=_("Templates may use only files from their own folder and the run's charts; no network."))
    except FatalURLFetchingError:
        raise TemplateError(
            _("The PDF template asks for resources it may not use."),
            problems=[_("refused: {url}").format(url=u) for u in fetcher.refused] + errors.messages,
            hint=_("Templates may use only files from their own folder and the run's charts; no network."))
    finally:
        logger.removeHandler(errors)
    return out


class _ErrorLog(logging.Handler):
    """Collect the ERROR messages WeasyPrint logs while it renders."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Keep the message of an ERROR record."""
        self.messages.append(record.getMessage())
