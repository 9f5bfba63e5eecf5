"""Load the gettext catalogs (.po files kept in the repository) into Babel translations."""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LANGUAGES = ("fr", "ru", "en")
DOMAIN = "reportgen"
LOCALE_DIR = Path(__file__).parent / "locales"


def po_path(lang: str) -> Path:
    """Return the path of the .po catalog for `lang`."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def check_language(lang: str) -> str:
    """Return `lang` normalised ('FR' -> 'fr'); raise UserError when it is not supported."""
    code = lang.strip().lower().replace("-", "_").split("_")[0]
    if code not in LANGUAGES:
        from reportgen.errors import UserError
        from reportgen.i18n.ui import _

        raise UserError(
            _("Unknown language {lang!r}.").format(lang=lang),
            hint=_("Use one or more of: {langs}.").format(langs=", ".join(LANGUAGES)),
        )
    return code


@lru_cache(maxsize=None)
def get_translations(lang: str) -> Translations:
    """Return the Babel translations for `lang`, compiled in memory from its .po file.

    Compiling at load time (a few milliseconds) means no build step can leave a stale .mo behind.
    """
    with po_path(lang).open("rb") as fh:
        catalog = read_po(fh, locale=lang, domain=DOMAIN)
    buf = io.BytesIO()
    # use_fuzzy=False: a fuzzy entry is an unreviewed translation and must not reach a report
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    return Translations(buf, domain=DOMAIN)
