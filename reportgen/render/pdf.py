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
from reportgen.render.sections import sections_of, summary_blocks
from reportgen.render.templating import template_environment
from reportgen.render.typography import bind_headings
from reportgen.render.wording import Wording

TEMPLATE_NAME = "summary.html"


def environment(wording: Wording, user_dir: Path | None) -> ImmutableSandboxedEnvironment:
    """Return the summary's Jinja2 environment: the shared safe one, plus css_string for @page headers."""
    env = template_environment(wording, user_dir)
    env.filters["css_string"] = css_string
    return env


def css_string(value) -> Markup:
    """Return text safe inside a quoted CSS string in a <style> element (quotes, '<', '&' as CSS escapes)."""
    out = [f"\\{ord(ch):x} " if ch in "\\\"'<>&" or ord(ch) < 0x20 else ch for ch in str(value)]
    return Markup("".join(out))


def view(context: dict, w: Wording, blocks: list, chart_urls: dict[str, str]) -> dict:
    """Return what the template shows, every figure already formatted: the opening, then each block's data.

    `blocks` lists the templates of the sections' blocks in order; each section's data is also given under
    its own names (segments, tests, comparison...), so a template may lay the blocks out as it likes.
    """
    out = {
        **w.headline_view(),
        "blocks": [section.template for section in blocks],
        "charts": chart_urls,
        # every block's names, empty, so that a template written for the full report still renders
        "comparison": None, "segments": [], "other_segments": [], "segments_notice": None, "tests": [], "tests_omitted": 0, "quality": [],
        "clusters": [], "clusters_notice": None, "method_lines": [], "messages": [], "opportunities": None,
        "plan": None, "next_steps": [],
        "action_groups": [], "prediction_lines": [], "precision": None, "value_at_risk": None,
        "value_at_risk_line": None, "value_source": None,
        "fonts": {"regular": font_file(REGULAR).as_uri(), "bold": font_file(BOLD).as_uri()},
        "palette": charts.palette(),
        "ctx": context,
    }
    for section in blocks:
        out.update(section.summary(w, chart_urls))
    return out


def make_charts(blocks: list, w: Wording, folder: Path) -> dict[str, str]:
    """Write the SVG charts of the summary's blocks into `folder` and return their file:// URLs by name."""
    folder.mkdir(parents=True, exist_ok=True)
    urls = {}
    for section in blocks:
        for name, svg in section.charts(w).items():
            path = folder / f"{name}_{w.lang}.svg"
            with atomic_path(path) as tmp:
                tmp.write_bytes(svg)
            urls[name] = path.resolve().as_uri()
    return urls


def summary_html(context: dict, lang: str, chart_dir: Path, user_dir: Path | None = None) -> str:
    """Return the PDF summary's HTML (its charts written into `chart_dir`); raise TemplateError on any fault."""
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
        blocks = summary_blocks(sections_of(context), context)
        return bind_headings(template.render(**view(context, w, blocks, make_charts(blocks, w, chart_dir))), lang)
    except jinja2.UndefinedError as exc:
        raise TemplateError(_("The PDF template uses something the report does not have: {error}").format(
            error=exc), hint=_("Check the variable names in your template against the bundled summary.html."))
    except jinja2.exceptions.SecurityError as exc:
        raise TemplateError(_("The PDF template tried an operation that is not allowed: {error}").format(error=exc),
                            hint=_("Templates may only read the report's data, not call into Python."))
    except (jinja2.TemplateError, ValueError, TypeError, KeyError) as exc:
        raise TemplateError(_("The PDF template cannot be rendered: {error}").format(error=exc),
                            hint=_("Fix the template line named above ('%' in a translated text is written '%%')."))


def render_pdf(context: dict, lang: str, out: Path, chart_dir: Path, user_dir: Path | None = None) -> Path:
    """Write the PDF summary of `context` in `lang` to `out` (atomically); raise TemplateError on any fault."""
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    check_fontconfig()
    html = summary_html(context, lang, chart_dir, user_dir)
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
