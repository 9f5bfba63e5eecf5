"""Extract the translatable messages and update the fr/ru/en catalogs, keeping existing translations.

    python tools/i18n.py            # update reportgen/i18n/locales/*/LC_MESSAGES/reportgen.po
    python tools/i18n.py --check    # exit 1 when a catalog lacks a message or a translation

English is the source language: its catalog is filled with the message ids themselves, so that every
language goes through the same path and a missing English entry is caught like any other.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reportgen.i18n.catalogs import DOMAIN, LANGUAGES, po_path  # noqa: E402

METHOD_MAP = [
    ("reportgen/**.py", "python"),
    ("templates/**.html", "jinja2"),
    ("templates/**.txt", "jinja2"),
]
OPTIONS_MAP = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}, "templates/**.txt": {"extensions": "jinja2.ext.i18n"}}
# _/N_/gettext/ngettext as usual; `fmt.quantity(n, singular, plural)` is ngettext with the number formatted.
# Messages held in variables are marked N_ where defined and looked up with translate()/Wording.tr().
# Phrases that read differently by use carry a context: pgettext(ctx, msg), NP_(ctx, msg) (persona traits).
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2), "quantity": (2, 3),
            "pgettext": ((1, "c"), 2), "NP_": ((1, "c"), 2)}


def extract() -> Catalog:
    """Return a catalog of every message found in the package and the templates."""
    template = Catalog(domain=DOMAIN, project="reportgen", charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
        ROOT, METHOD_MAP, OPTIONS_MAP, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",), strip_comment_tags=True
    ):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def load(lang: str) -> Catalog:
    """Return the existing catalog of `lang`, or a new empty one."""
    path = po_path(lang)
    if path.exists():
        with path.open("rb") as fh:
            return read_po(fh, locale=lang, domain=DOMAIN)
    return Catalog(locale=lang, domain=DOMAIN, project="reportgen", charset="utf-8")


def problems(catalog: Catalog, template: Catalog) -> list[str]:
    """Return the messages of `template` that `catalog` lacks or leaves untranslated (or fuzzy)."""
    out = []
    for message in template:
        if not message.id:
            continue
        found = catalog.get(message.id, context=message.context)
        if found is None:
            out.append(f"missing: {message.id!r}")
        elif found.fuzzy:
            out.append(f"fuzzy: {message.id!r}")
        elif isinstance(found.string, (list, tuple)):
            if not all(found.string) or len(found.string) < catalog.num_plurals:
                out.append(f"untranslated plural: {message.id!r}")
        elif not found.string:
            out.append(f"untranslated: {message.id!r}")
    return out


def main() -> int:
    """Update or check the catalogs; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report missing translations")
    args = parser.parse_args()
    template = extract()
    status = 0
    for lang in LANGUAGES:
        catalog = load(lang)
        if not args.check:
            catalog.update(template, no_fuzzy_matching=True)
            if lang == "en":
                for message in catalog:
                    if message.id and not (all(message.string) if message.pluralizable else message.string):
                        message.string = tuple(message.id) if message.pluralizable else message.id
            catalog.obsolete.clear()
            catalog.fuzzy = False  # the header carries Plural-Forms; a fuzzy header could be dropped from .mo
            catalog.revision_date = catalog.creation_date = template.creation_date.replace(
                year=2026, month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
            path = po_path(lang)
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("wb") as fh:
                write_po(fh, catalog, width=100, omit_header=False, sort_output=False, include_previous=False)
        missing = problems(catalog, template)
        if missing:
            status = 1
            print(f"{lang}: {len(missing)} message(s) to translate")
            for line in missing[:200]:
                print("   ", line)
    return status


if __name__ == "__main__":
    sys.exit(main())
