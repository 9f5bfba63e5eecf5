"""Translations and locale-aware formatting: the one translation layer of decks, PDFs, e-mails and the CLI."""

from reportgen.i18n.catalogs import LANGUAGES, get_translations, check_language
from reportgen.i18n.formatting import Formatter

__all__ = ["LANGUAGES", "get_translations", "check_language", "Formatter"]
