"""The language of the command line's own messages (errors, progress, summaries).

Chosen once per process from REPORTGEN_LANG, then the usual locale variables; English otherwise.
Report language is separate: renderers get their own translator for each `--lang`.
"""

from __future__ import annotations

import os

from reportgen.i18n.catalogs import LANGUAGES, get_translations

_state = {"lang": None}


def detect_ui_language(environ: dict[str, str] | None = None) -> str:
    """Return the UI language from the environment: REPORTGEN_LANG, LANGUAGE, LC_ALL, LC_MESSAGES, LANG."""
    env = os.environ if environ is None else environ
    for var in ("REPORTGEN_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var, "")
        for part in value.split(":"):
            code = part.strip().lower().replace("-", "_").split("_")[0].split(".")[0]
            if code in LANGUAGES:
                return code
            if code and code not in ("c", "posix"):
                break
    return "en"


def set_ui_language(lang: str | None) -> str:
    """Set the UI language (None: detect from the environment) and return it."""
    _state["lang"] = lang if lang in LANGUAGES else detect_ui_language()
    return _state["lang"]


def ui_language() -> str:
    """Return the current UI language, detecting it on first use."""
    if _state["lang"] is None:
        set_ui_language(None)
    return _state["lang"]


def _(message: str) -> str:
    """Return `message` translated into the UI language."""
    return get_translations(ui_language()).gettext(message)


def translate(message: str) -> str:
    """Return a message held in a variable (marked with N_ where it is defined) in the UI language."""
    return get_translations(ui_language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Return the plural form of a UI message that fits `n`."""
    return get_translations(ui_language()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark `message` for extraction without translating it now; return it unchanged."""
    return message


def NP_(context: str, message: str) -> str:
    """Mark `message` for extraction under a context (msgctxt) without translating it; return the message."""
    return message
