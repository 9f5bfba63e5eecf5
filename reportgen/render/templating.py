"""The Jinja2 environment of every text template (PDF summary, e-mail bodies): one set of safety rules.

User templates come first and the bundled ones behind (a ChoiceLoader); rendering is sandboxed and
immutable, autoescaped for HTML, strict about undefined names, and translated into the report language.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined, select_autoescape
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from reportgen.paths import TEMPLATES_DIR
from reportgen.render.sanitize import strip_unsafe
from reportgen.render.wording import Wording


def safe_output(value):
    """Return a value printed by a template without control, bidi or non-characters (markup stays markup)."""
    if isinstance(value, Markup):
        # the characters removed are never HTML syntax, so the markup stays as safe as it was
        return Markup(strip_unsafe(str(value)))
    if isinstance(value, str):
        return strip_unsafe(value)
    return value


def template_environment(wording: Wording, user_dir: Path | None, **options) -> ImmutableSandboxedEnvironment:
    """Return a sandboxed environment over the user's folder then the bundled templates, with format filters.

    `options` are passed to Jinja2 (e.g. trim_blocks for plain-text templates); `folders` lists where
    templates are looked for, for error messages.
    """
    folders = ([user_dir] if user_dir else []) + [TEMPLATES_DIR]
    env = ImmutableSandboxedEnvironment(
        loader=ChoiceLoader([FileSystemLoader(str(f)) for f in folders]),
        autoescape=select_autoescape(["html", "xml"], default_for_string=True),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        # every {{ ... }} passes here: a data string that escaped the wording's cleaning is still cleaned
        finalize=safe_output,
        **options,
    )
    env.install_gettext_translations(wording.fmt.translations, newstyle=True)
    fmt = wording.fmt
    env.filters.update(percent=fmt.percent, number=fmt.number, money=fmt.money, points=fmt.points,
                       pvalue=fmt.p_value, date=fmt.date, ratio=fmt.ratio, period=fmt.period)
    env.globals["folders"] = [str(f) for f in folders]
    return env
