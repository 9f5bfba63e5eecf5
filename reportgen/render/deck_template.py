"""Open the deck template (bundled or a user's corporate .pptx) and find the layouts the deck needs.

Layouts are matched by name first, then by their placeholders; a template that lacks something gets one
error listing everything it lacks, never python-pptx's IndexError or KeyError halfway through a build.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.exc import PackageNotFoundError

from reportgen.errors import TemplateError
from reportgen.i18n.ui import N_, _, translate
from reportgen.paths import TEMPLATES_DIR

DEFAULT_TEMPLATE = TEMPLATES_DIR / "deck.pptx"
TITLES = (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE)
BODIES = (PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT)

# kind -> (names it goes by in English, French and Russian PowerPoint, bodies needed, what it is for)
LAYOUTS = {
    "title": (("title slide", "diapositive de titre", "титульный слайд"), 0, N_("the title slide")),
    "section": (("section header", "en-tête de section", "заголовок раздела"), 1, N_("section headers")),
    "content": (("title and content", "titre et contenu", "заголовок и объект"), 1, N_("slides with a list")),
    "two": (("two content", "deux contenus", "два объекта"), 2, N_("slides with two columns")),
    "title_only": (("title only", "titre seul", "только заголовок"), 0, N_("slides with a chart or a table")),
}


@dataclass
class DeckTemplate:
    """A presentation opened from a template, emptied of its slides, with a layout for each kind of slide."""

    prs: Presentation
    layouts: dict
    path: Path


def open_template(path: Path | None) -> DeckTemplate:
    """Return the template at `path` (None: the bundled one); raise TemplateError listing what it lacks."""
    path = Path(path) if path else DEFAULT_TEMPLATE
    if not path.is_file():
        raise TemplateError(_("The deck template {path} does not exist.").format(path=path),
                            hint=_("Check the path given to --template."))
    if path.suffix.lower() in (".potx", ".potm"):
        raise TemplateError(_("The deck template {path} is a .potx file, which python-pptx cannot open.").format(
            path=path), hint=_("Open it in PowerPoint and save it as a presentation (.pptx)."))
    try:
        prs = Presentation(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise TemplateError(_("The deck template {path} is not a readable .pptx file ({error}).").format(
            path=path, error=exc), hint=_("Save it again from PowerPoint as .pptx."))
    layouts, problems = {}, []
    for kind, (names, bodies, purpose) in LAYOUTS.items():
        layout = _by_name(prs, names, kind, bodies) or _by_shape(prs, kind, bodies, used=layouts.values())
        if layout is None:
            problems.append(_("no layout for {purpose}: name one '{name}', with a title and {n} content "
                              "placeholder(s)").format(purpose=translate(purpose), name=names[0].title(), n=bodies))
        else:
            layouts[kind] = layout
    if problems:
        raise TemplateError(_("The deck template {path} lacks what the deck needs:").format(path=path),
                            problems=problems,
                            hint=_("Add the layouts in PowerPoint (View > Slide Master), or use the bundled "
                                   "template by leaving --template out."))
    _remove_slides(prs)
    return DeckTemplate(prs, layouts, path)


def _placeholders(layout) -> tuple[list, list, bool]:
    """Return (title placeholders, body placeholders, has subtitle) of a layout."""
    titles, bodies, subtitle = [], [], False
    for ph in layout.placeholders:
        kind = ph.placeholder_format.type
        if kind in TITLES:
            titles.append(ph)
        elif kind in BODIES:
            bodies.append(ph)
        elif kind == PP_PLACEHOLDER.SUBTITLE:
            subtitle = True
    return titles, bodies, subtitle


def _fits(layout, kind: str, bodies_needed: int) -> bool:
    """Return True when the layout has the placeholders a slide of `kind` fills."""
    titles, bodies, subtitle = _placeholders(layout)
    if not titles:
        return False
    if kind == "title":
        return subtitle or len(bodies) >= 1
    if kind == "title_only":
        return True
    return len(bodies) >= bodies_needed


def _by_name(prs, names: tuple[str, ...], kind: str, bodies: int):
    """Return the layout whose name is one of `names` (any case) and whose placeholders fit, or None."""
    for layout in prs.slide_layouts:
        if layout.name.strip().lower() in names and _fits(layout, kind, bodies):
            return layout
    return None


def _by_shape(prs, kind: str, bodies_needed: int, used) -> object | None:
    """Return a layout that fits by its placeholders alone (renamed layouts of a corporate template)."""
    used = list(used)
    for layout in prs.slide_layouts:
        if layout in used:
            continue
        titles, bodies, subtitle = _placeholders(layout)
        if not titles:
            continue
        if kind == "title" and subtitle:
            return layout
        if kind == "title_only" and not bodies and not subtitle:
            return layout
        if kind in ("content", "section") and len(bodies) == 1 and not subtitle:
            return layout
        if kind == "two" and len(bodies) == 2 and not subtitle:
            return layout
    return None


def _remove_slides(prs) -> None:
    """Remove every slide a template came with (a corporate template often holds examples)."""
    slide_ids = prs.slides._sldIdLst
    for slide_id in list(slide_ids):
        prs.part.drop_rel(slide_id.rId)
        slide_ids.remove(slide_id)


def body_placeholders(slide) -> list:
    """Return a slide's content placeholders ordered left to right, top to bottom."""
    found = [ph for ph in slide.placeholders if ph.placeholder_format.type in BODIES]
    return sorted(found, key=lambda ph: (ph.left or 0, ph.top or 0))


def title_placeholder(slide):
    """Return a slide's title placeholder; raise TemplateError when the layout has none."""
    for ph in slide.placeholders:
        if ph.placeholder_format.type in TITLES:
            return ph
    raise TemplateError(_("A slide layout of the template has no title placeholder."))


def subtitle_placeholder(slide):
    """Return the subtitle placeholder (or the first body) of a title slide, or None."""
    for ph in slide.placeholders:
        if ph.placeholder_format.type == PP_PLACEHOLDER.SUBTITLE:
            return ph
    bodies = body_placeholders(slide)
    return bodies[0] if bodies else None
