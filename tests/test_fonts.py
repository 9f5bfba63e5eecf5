"""The shipped font has every character the reports use: no viewer falls back to another font for any of them."""

from __future__ import annotations

import re
import zipfile

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from tests.conftest import PROJECT

LANGS = ("fr", "ru", "en")
FONTS = PROJECT / "templates" / "fonts"
# text nodes of DrawingML (a:t) and the values cached in charts (c:v): everything a slide or its notes show
TEXT_NODE = re.compile(r"<(a:t|c:v)>([^<]*)</\1>")


def deck_characters(path) -> dict[str, str]:
    """Return every character the slides, notes and charts of a deck show, each with a text it occurs in."""
    found: dict[str, str] = {}
    with zipfile.ZipFile(path) as package:
        for name in package.namelist():
            if re.fullmatch(r"ppt/(slides|notesSlides|charts)/[^/]+\.xml", name):
                xml = package.read(name).decode("utf-8")
                for _tag, text in TEXT_NODE.findall(xml):
                    for char in text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">"):
                        found.setdefault(char, text)
    return found


@pytest.mark.parametrize("face", ["NotoSans-Regular.ttf", "NotoSans-Bold.ttf"])
def test_the_shipped_font_has_every_character_of_the_three_decks(sample_build, face):
    cmap = TTFont(str(FONTS / face)).getBestCmap()
    missing = {}
    for lang in LANGS:
        for char, text in deck_characters(sample_build / f"deck_{lang}.pptx").items():
            if ord(char) not in cmap and char not in "\n\t\v":
                missing[f"U+{ord(char):04X} {char}"] = f"{lang}: {text[:60]}"
    assert not missing, missing
    # the characters the reports are known to write, whatever the data: « », ₽, the minus sign, no-break spaces
    for char in "«»₽−\u00a0\u202f–—’·":
        assert ord(char) in cmap, f"U+{ord(char):04X}"


@pytest.mark.parametrize("lang", LANGS)
def test_the_pdf_embeds_only_the_shipped_font(sample_build, lang):
    """A glyph the shipped font lacks makes WeasyPrint take another system font, which the PDF then embeds."""
    fonts = set()
    for page in PdfReader(str(sample_build / f"summary_{lang}.pdf")).pages:
        for font in (page.get("/Resources", {}).get("/Font") or {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    # WeasyPrint names an embedded face from its family and style ('ABCDEF+Noto-Sans-Bold')
    shipped = set()
    for face in ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf"):
        names = TTFont(str(FONTS / face))["name"]
        shipped |= {names.getDebugName(1).replace(" ", ""), names.getDebugName(4).replace(" ", ""),
                    names.getDebugName(6).replace("-", "")}
    embedded = {re.sub(r"^/([A-Z]{6}\+)?", "", name).replace("-", "") for name in fonts}
    assert embedded and embedded <= shipped, fonts


def test_bounds_are_said_in_words_the_font_can_write(sample_build):
    from tests.render_helpers import deck_strings, tr

    ru = "\n".join(deck_strings(sample_build / "deck_ru.pptx"))
    fr = "\n".join(deck_strings(sample_build / "deck_fr.pptx"))
    assert "≥" not in ru + fr and "≤" not in ru + fr
    assert tr("ru", "{value} or more").format(value="1\u00a0млн\u00a0₽") in ru
    assert tr("fr", "up to {value}").format(value="799") in fr
