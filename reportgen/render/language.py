"""The deck's language on every text run and every default, so that PowerPoint checks spelling in it.

A run without a `lang` of its own takes the template's default, and the bundled template (like most corporate
ones) says en-US: a French deck would be spell-checked as English and every word underlined in red.
"""

from __future__ import annotations

from lxml import etree
from pptx.oxml.ns import qn

# the language a deck in each report language is written in (British English: the reports spell 'analysed')
LANGUAGE_TAGS = {"fr": "fr-FR", "ru": "ru-RU", "en": "en-GB"}
RUN_TAGS = (qn("a:r"), qn("a:fld"))
PROPERTY_TAGS = (qn("a:rPr"), qn("a:endParaRPr"), qn("a:defRPr"))


def language_tag(lang: str) -> str:
    """Return the BCP 47 tag of a report language ('fr' -> 'fr-FR')."""
    return LANGUAGE_TAGS[lang]


def set_language(prs, lang: str) -> None:
    """Tag every run, paragraph end and default text style of every part of `prs` (slides, notes, layouts,
    masters, charts, the presentation's defaults) and the document's properties with the language of `lang`."""
    tag = language_tag(lang)
    prs.core_properties.language = tag
    for part in prs.part.package.iter_parts():
        root = getattr(part, "_element", None)
        if root is None:
            continue
        for run in list(root.iter(*RUN_TAGS)):
            if run.find(qn("a:rPr")) is None:
                run.insert(0, etree.Element(qn("a:rPr")))
        for properties in root.iter(*PROPERTY_TAGS):
            properties.set("lang", tag)
        if root.tag == qn("c:chartSpace"):
            _chart_language(root, tag)


def _chart_language(chart_space, tag: str) -> None:
    """Set the chart's own editing language (c:lang, after c:date1904 in the schema's order)."""
    element = chart_space.find(qn("c:lang"))
    if element is None:
        element = etree.Element(qn("c:lang"))
        date1904 = chart_space.find(qn("c:date1904"))
        if date1904 is not None:
            date1904.addnext(element)
        else:
            chart_space.insert(0, element)
    element.set("val", tag)
