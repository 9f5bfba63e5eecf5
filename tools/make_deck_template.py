"""Build the bundled 16:9 deck template, templates/deck.pptx, from python-pptx's default one."""

# Run `python tools/make_deck_template.py` after editing templates/palette.json: the palette lives
# there, not here, because the matplotlib charts and the PDF CSS read the same file.
# The renderer finds layouts by name (KEEP below), so those names are part of its contract.

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from lxml import etree
from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.opc.packuri import PackURI
from pptx.oxml import parse_xml
from pptx.oxml.ns import nsdecls, qn
from pptx.util import Emu, Inches

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
OUT = TEMPLATES / "deck.pptx"
PALETTE = TEMPLATES / "palette.json"

FONT = "Noto Sans"  # shipped in templates/fonts; covers Latin and Cyrillic
THEME_NAME = "Reportgen"

# PowerPoint's own widescreen size; Inches(13.333) would be 305 EMU short.
SLIDE_W, SLIDE_H = Emu(12192000), Emu(6858000)
MIN_MARGIN = Inches(0.5)

# One grid for every layout so titles and content line up from slide to slide.
MARGIN_X = Inches(0.6)
CONTENT_W = SLIDE_W - 2 * MARGIN_X
# Two title lines of 28 pt Noto Sans at 90 % spacing need about 1.05 in with the insets.
TITLE_Y, TITLE_H = Inches(0.5), Inches(1.05)
BODY_Y = Inches(1.7)
BODY_H = SLIDE_H - BODY_Y - Inches(0.6)
GUTTER = Inches(0.4)
HALF_W = (CONTENT_W - GUTTER) // 2
TOP_BAR_H = Inches(0.08)

# Title slide: a primary band over the upper part, the title in white at its foot.
BAND_H = Inches(4.6)

# Sizes in hundredths of a point, as DrawingML writes them.
TITLE_SZ, COVER_TITLE_SZ, SECTION_TITLE_SZ = 2800, 4000, 3600
BODY_SZ = (1800, 1600, 1400)  # levels 1, 2, 3+
SUBTITLE_SZ = 2000
OTHER_SZ = 1400  # text boxes and table cells the renderer adds

KEEP = ["Title Slide", "Section Header", "Title and Content", "Two Content", "Title Only", "Blank"]
FOOTER_TYPES = {"dt", "ftr", "sldNum"}
FOOTER_PH = {PP_PLACEHOLDER.DATE, PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.SLIDE_NUMBER}

A = "http://schemas.openxmlformats.org/drawingml/2006/main"
HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")


def load_palette(path: Path) -> dict:
    """Return the palette, checked for the keys and colour format the other consumers rely on."""
    palette = json.loads(path.read_text(encoding="utf-8"))
    keys = ["primary", "accent", "text", "muted", "background", "good", "bad"]
    missing = [k for k in keys + ["series"] if k not in palette]
    if missing:
        raise SystemExit(f"{path}: missing {', '.join(missing)}")
    colours = [palette[k] for k in keys] + list(palette["series"])
    bad = [c for c in colours if not isinstance(c, str) or not HEX.match(c)]
    if bad or len(palette["series"]) != 6:
        raise SystemExit(f"{path}: colours must be #RRGGBB and series must hold 6 of them ({bad})")
    return palette


def rgb(colour: str) -> str:
    """Return '#1b4f72' as DrawingML's '1B4F72'."""
    return colour.lstrip("#").upper()


def mix(colour: str, other: str, share: float) -> str:
    """Return `colour` blended with `other`, `share` being the part of `colour`."""
    a = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    b = [int(other[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x * share + y * (1 - share)):02X}" for x, y in zip(a, b))


def fill(scheme: str | None = None, srgb: str | None = None) -> str:
    """Return a <a:solidFill> of a theme colour or of a fixed #RRGGBB."""
    if scheme:
        return f'<a:solidFill><a:schemeClr val="{scheme}"/></a:solidFill>'
    return f'<a:solidFill><a:srgbClr val="{rgb(srgb)}"/></a:solidFill>'


# -- theme -------------------------------------------------------------------------------------


def theme_colours(palette: dict) -> dict[str, str]:
    """Map the palette onto the theme's twelve colour slots."""
    series = palette["series"]
    return {
        "dk1": palette["text"],  # tx1: all body text
        "lt1": palette["background"],  # bg1: slide background
        "dk2": palette["primary"],  # tx2: titles, bands, bullets
        # bg2: a faint primary tint for panels, so it never clashes with the bands
        "lt2": mix(palette["primary"], palette["background"], 0.08),
        # accent1..6 are what native charts and table styles cycle through
        **{f"accent{i}": series[i - 1] for i in range(1, 7)},
        "hlink": palette["primary"],
        "folHlink": palette["muted"],
    }


def edit_theme(theme: etree._Element, palette: dict) -> None:
    """Put the palette, Noto Sans and flat shape styles into the theme XML."""
    ns = {"a": A}
    theme.set("name", THEME_NAME)

    scheme = theme.find("a:themeElements/a:clrScheme", ns)
    scheme.set("name", THEME_NAME)
    for slot, colour in theme_colours(palette).items():
        el = scheme.find(f"a:{slot}", ns)
        for child in list(el):
            el.remove(child)
        # srgbClr, not the default sysClr: a sysClr follows the viewer's OS colours.
        etree.SubElement(el, f"{{{A}}}srgbClr", val=rgb(colour))

    fonts = theme.find("a:themeElements/a:fontScheme", ns)
    fonts.set("name", THEME_NAME)
    for kind in ("a:majorFont", "a:minorFont"):
        group = fonts.find(kind, ns)
        # Cyrillic (like Greek) has no slot of its own: PowerPoint and LibreOffice draw it with the
        # <a:latin> face, so this one setting covers French, Russian and English text.
        group.find("a:latin", ns).set("typeface", FONT)
        # Symbols such as № or curly quotes can be classed East Asian or complex depending on the
        # editing language; they then take the ea/cs face, which should be Noto Sans too.
        # The per-script <a:font> entries stay, so real CJK or Arabic text still gets a font that has it.
        group.find("a:ea", ns).set("typeface", FONT)
        group.find("a:cs", ns).set("typeface", FONT)

    # The 2007 defaults give every autoshape a gradient, a shadow and, for the third style, a bevel;
    # shapes the renderer draws (markers, callouts) and chart elements pick these up. Keep them flat.
    fmt = theme.find("a:themeElements/a:fmtScheme", ns)
    fmt.set("name", THEME_NAME)
    solid = '<a:solidFill xmlns:a="%s"><a:schemeClr val="phClr"/></a:solidFill>' % A
    for lst_name in ("a:fillStyleLst", "a:bgFillStyleLst"):
        lst = fmt.find(lst_name, ns)
        for child in list(lst):
            lst.remove(child)
        for _ in range(3):
            lst.append(etree.fromstring(solid))
    lines = fmt.find("a:lnStyleLst", ns)
    for child in list(lines):
        lines.remove(child)
    for width in (6350, 12700, 19050):
        lines.append(
            etree.fromstring(
                f'<a:ln xmlns:a="{A}" w="{width}" cap="flat" cmpd="sng" algn="ctr">'
                '<a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:prstDash val="solid"/>'
                '<a:miter lim="800000"/></a:ln>'
            )
        )
    effects = fmt.find("a:effectStyleLst", ns)
    for child in list(effects):
        effects.remove(child)
    for _ in range(3):
        effects.append(etree.fromstring(f'<a:effectStyle xmlns:a="{A}"><a:effectLst/></a:effectStyle>'))


# -- text styles -------------------------------------------------------------------------------


def rpr(sz: int | None, colour: str = "", bold: bool = False, font: str = "") -> str:
    """Return a <a:defRPr> with size, colour XML, weight and theme font reference (mj/mn)."""
    attrs = (f' sz="{sz}"' if sz else "") + (' b="1"' if bold else "") + (' kern="1200"' if font else "")
    faces = (
        f'<a:latin typeface="+{font}-lt"/><a:ea typeface="+{font}-ea"/><a:cs typeface="+{font}-cs"/>'
        if font
        else ""
    )
    return f"<a:defRPr{attrs}>{colour}{faces}</a:defRPr>"


PARA_ATTRS = 'defTabSz="457200" rtl="0" eaLnBrk="1" latinLnBrk="0" hangingPunct="1"'


def title_style() -> str:
    """Return the master's <p:titleStyle>: left-aligned, bold, primary colour."""
    return (
        f"<p:titleStyle {nsdecls('a', 'p')}>"
        f'<a:lvl1pPr algn="l" {PARA_ATTRS}>'
        '<a:lnSpc><a:spcPct val="90000"/></a:lnSpc><a:spcBef><a:spcPct val="0"/></a:spcBef><a:buNone/>'
        + rpr(TITLE_SZ, fill("tx2"), bold=True, font="mj")
        + "</a:lvl1pPr></p:titleStyle>"
    )


def body_level(level: int) -> str:
    """Return the master body style of one level (1-9): hanging bullets, smaller with depth."""
    # Level 1 text hangs 0.3 in after its bullet; level 2's dash starts 0.1 in inside that text, so
    # the nesting reads at a glance without eating the width; deeper levels step 0.3 in.
    if level == 1:
        mar_l, indent = Inches(0.3), -Inches(0.3)
    else:
        mar_l, indent = Inches(0.65) + (level - 2) * Inches(0.3), -Inches(0.25)
    sz = BODY_SZ[min(level, 3) - 1]
    before = {1: 900, 2: 400}.get(level, 300)
    char = "•" if level % 2 else "–"
    return (
        f'<a:lvl{level}pPr marL="{mar_l}" indent="{indent}" algn="l" {PARA_ATTRS}>'
        f'<a:lnSpc><a:spcPct val="100000"/></a:lnSpc><a:spcBef><a:spcPts val="{before}"/></a:spcBef>'
        # Bullets in the primary colour. The font is named rather than <a:buFontTx/> ("as the text"),
        # which LibreOffice turns into OpenSymbol; Noto Sans has both • and –.
        f'<a:buClr><a:schemeClr val="tx2"/></a:buClr><a:buFont typeface="{FONT}"/><a:buChar char="{char}"/>'
        + rpr(sz, fill("tx1"), font="mn")
        + f"</a:lvl{level}pPr>"
    )


def body_style() -> str:
    """Return the master's <p:bodyStyle>."""
    return f"<p:bodyStyle {nsdecls('a', 'p')}>" + "".join(body_level(n) for n in range(1, 10)) + "</p:bodyStyle>"


def flat_levels(sizes: tuple[int, ...], colour: str) -> str:
    """Return a <a:lstStyle> without bullets or indents (subtitles, section descriptions)."""
    levels = "".join(
        f'<a:lvl{n}pPr marL="0" indent="0"><a:spcBef><a:spcPts val="0"/></a:spcBef><a:buNone/>'
        + rpr(sizes[min(n, len(sizes)) - 1], colour)
        + f"</a:lvl{n}pPr>"
        for n in range(1, 10)
    )
    return f"<a:lstStyle {nsdecls('a')}>{levels}</a:lstStyle>"


def replace(old: etree._Element, xml: str) -> etree._Element:
    """Put the element parsed from `xml` where `old` is and return it."""
    new = parse_xml(xml)
    old.getparent().replace(old, new)
    return new


# -- shapes and placeholders -------------------------------------------------------------------


def ph_type(sp: etree._Element) -> str:
    """Return a <p:sp>'s placeholder type: 'obj' when unset (the schema default), '' when not a placeholder."""
    ph = sp.find(f"{qn('p:nvSpPr')}/{qn('p:nvPr')}/{qn('p:ph')}")
    return "" if ph is None else ph.get("type", "obj")


def drop_footer_placeholders(sp_tree: etree._Element) -> None:
    """Remove date, footer and slide-number placeholders (the decks number nothing)."""
    for sp in sp_tree.findall(qn("p:sp")):
        if ph_type(sp) in FOOTER_TYPES:
            sp_tree.remove(sp)


def place(shape, x: int, y: int, cx: int, cy: int) -> None:
    """Move and resize a placeholder."""
    shape.left, shape.top, shape.width, shape.height = Emu(x), Emu(y), Emu(cx), Emu(cy)


def set_text_frame(shape, anchor: str | None = None, lst_style: str | None = None) -> None:
    """Set a placeholder's vertical anchor and/or replace its list style."""
    tx_body = shape._element.find(qn("p:txBody"))
    if anchor:
        tx_body.find(qn("a:bodyPr")).set("anchor", anchor)
    if lst_style is not None:
        replace(tx_body.find(qn("a:lstStyle")), lst_style)


def add_rect(sp_tree: etree._Element, name: str, x: int, y: int, cx: int, cy: int, colour: str) -> None:
    """Add a borderless filled rectangle behind everything else in a master or layout."""
    ids = [int(el.get("id")) for el in sp_tree.iter(qn("p:cNvPr"))]
    sp = parse_xml(
        f"<p:sp {nsdecls('a', 'p')}>"
        f'<p:nvSpPr><p:cNvPr id="{max(ids) + 1}" name="{name}"/><p:cNvSpPr/><p:nvPr userDrawn="1"/></p:nvSpPr>'
        f'<p:spPr><a:xfrm><a:off x="{x}" y="{y}"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
        f'<a:prstGeom prst="rect"><a:avLst/></a:prstGeom>{colour}<a:ln><a:noFill/></a:ln></p:spPr>'
        "</p:sp>"
    )
    # Right after the group properties = bottom of the z-order, under the placeholders.
    sp_tree.find(qn("p:grpSpPr")).addnext(sp)


def placeholders(owner) -> dict[int, object]:
    """Return a master's or layout's placeholders by idx."""
    return {ph.placeholder_format.idx: ph for ph in owner.placeholders}


# -- master and layouts ------------------------------------------------------------------------


def build_master(master, palette: dict) -> None:
    """Lay out the master on the 16:9 grid and give it the text styles and the top bar."""
    sp_tree = master.shapes._spTree
    drop_footer_placeholders(sp_tree)
    phs = placeholders(master)
    place(phs[0], MARGIN_X, TITLE_Y, CONTENT_W, TITLE_H)
    # Titles sit on the bottom of their box, so one- and two-line titles end at the same height.
    set_text_frame(phs[0], anchor="b")
    place(phs[1], MARGIN_X, BODY_Y, CONTENT_W, BODY_H)

    styles = master._element.find(qn("p:txStyles"))
    replace(styles.find(qn("p:titleStyle")), title_style())
    replace(styles.find(qn("p:bodyStyle")), body_style())
    for d in styles.find(qn("p:otherStyle")).iter(qn("a:defRPr")):
        if d.get("sz"):
            d.set("sz", str(OTHER_SZ))

    add_rect(sp_tree, "Top Bar", 0, 0, SLIDE_W, TOP_BAR_H, fill("tx2"))


def build_title_slide(layout, palette: dict) -> None:
    """Give the title slide a primary band with the white title at its foot, subtitle below."""
    layout._element.set("showMasterSp", "0")  # the band replaces the master's top bar
    phs = placeholders(layout)
    place(phs[0], MARGIN_X, Inches(1.5), CONTENT_W, BAND_H - Inches(1.5) - Inches(0.4))
    set_text_frame(
        phs[0],
        anchor="b",
        lst_style=f"<a:lstStyle {nsdecls('a')}><a:lvl1pPr algn=\"l\"><a:lnSpc><a:spcPct val=\"90000\"/></a:lnSpc>"
        + rpr(COVER_TITLE_SZ, fill("bg1"), bold=True)
        + "</a:lvl1pPr></a:lstStyle>",
    )
    place(phs[1], MARGIN_X, BAND_H + Inches(0.45), CONTENT_W, Inches(1.45))
    set_text_frame(phs[1], anchor="t", lst_style=flat_levels((SUBTITLE_SZ, 1600), fill(srgb=palette["muted"])))
    sp_tree = layout.shapes._spTree
    # Added in reverse: each goes to the bottom of the z-order, so the band ends up under the dash.
    add_rect(sp_tree, "Accent Dash", MARGIN_X + Inches(0.1), BAND_H - Inches(0.04), Inches(1.2), Inches(0.08),
             fill(srgb=palette["accent"]))
    add_rect(sp_tree, "Band", 0, 0, SLIDE_W, BAND_H, fill("tx2"))


def build_section_header(layout, palette: dict) -> None:
    """Give the section header a faint band across the middle, a primary edge, title and one line."""
    phs = placeholders(layout)
    band_y, band_h = Inches(2.35), Inches(2.8)
    text_x = MARGIN_X + Inches(0.35)
    place(phs[0], text_x, band_y + Inches(0.3), SLIDE_W - text_x - MARGIN_X, Inches(1.2))
    set_text_frame(
        phs[0],
        anchor="b",
        lst_style=f"<a:lstStyle {nsdecls('a')}><a:lvl1pPr algn=\"l\">"
        + rpr(SECTION_TITLE_SZ, bold=True)
        + "</a:lvl1pPr></a:lstStyle>",
    )
    place(phs[1], text_x, band_y + Inches(1.6), SLIDE_W - text_x - MARGIN_X, Inches(0.9))
    set_text_frame(phs[1], anchor="t", lst_style=flat_levels((1800, 1600), fill(srgb=palette["muted"])))
    sp_tree = layout.shapes._spTree
    add_rect(sp_tree, "Edge", MARGIN_X, band_y + Inches(0.4), Inches(0.1), band_h - Inches(0.8), fill("tx2"))
    add_rect(sp_tree, "Band", 0, band_y, SLIDE_W, band_h, fill("bg2"))


def build_title_and_content(layout, palette: dict) -> None:
    """Use the master's title and body boxes."""
    phs = placeholders(layout)
    place(phs[0], MARGIN_X, TITLE_Y, CONTENT_W, TITLE_H)
    place(phs[1], MARGIN_X, BODY_Y, CONTENT_W, BODY_H)
    set_text_frame(phs[1], lst_style=f"<a:lstStyle {nsdecls('a')}/>")


def build_two_content(layout, palette: dict) -> None:
    """Split the body area into two halves with a gutter."""
    phs = placeholders(layout)
    place(phs[0], MARGIN_X, TITLE_Y, CONTENT_W, TITLE_H)
    place(phs[1], MARGIN_X, BODY_Y, HALF_W, BODY_H)
    place(phs[2], SLIDE_W - MARGIN_X - HALF_W, BODY_Y, HALF_W, BODY_H)
    # The default shrinks half-width text to 28/24/20 pt; the master's sizes already suit a half.
    for idx in (1, 2):
        set_text_frame(phs[idx], lst_style=f"<a:lstStyle {nsdecls('a')}/>")


def build_title_only(layout, palette: dict) -> None:
    """Keep the title; everything below it is free for charts and tables."""
    place(placeholders(layout)[0], MARGIN_X, TITLE_Y, CONTENT_W, TITLE_H)


def build_blank(layout, palette: dict) -> None:
    """Keep nothing but the master's top bar."""


BUILDERS = {
    "Title Slide": build_title_slide,
    "Section Header": build_section_header,
    "Title and Content": build_title_and_content,
    "Two Content": build_two_content,
    "Title Only": build_title_only,
    "Blank": build_blank,
}


def keep_layouts(prs) -> None:
    """Drop the layouts not in KEEP, order the rest as KEEP and name their parts 1..n."""
    layouts = prs.slide_master.slide_layouts
    for layout in [lay for lay in layouts if lay.name not in KEEP]:
        # removes the sldLayoutId and the master's relationship, so the part is not saved
        layouts.remove(layout)
    master_part = prs.slide_master.part
    id_lst = prs.slide_master._element.find(qn("p:sldLayoutIdLst"))
    by_part = {master_part.related_part(entry.get(qn("r:id"))): entry for entry in id_lst}
    parts = [layouts.get_by_name(name).part for name in KEEP]
    for part in parts:
        id_lst.append(by_part[part])  # re-appending moves it: the list ends up in KEEP order
    # Two passes so no name is taken twice in between; relationship targets follow the partname.
    for n, part in enumerate(parts, 1):
        part.partname = PackURI(f"/ppt/slideLayouts/tmp{n}.xml")
    for n, part in enumerate(parts, 1):
        part.partname = PackURI(f"/ppt/slideLayouts/slideLayout{n}.xml")


def tidy_package(prs) -> None:
    """Drop the 4:3 leftovers: the Mac printer settings, the thumbnail, and the 4:3 doc props."""
    pres_part = prs.part
    for rId, rel in list(pres_part.rels.items()):
        if rel.reltype == RT.PRINTER_SETTINGS:
            pres_part.drop_rel(rId)
    package = pres_part.package
    # Only the package itself points at a thumbnail, so these rIds are the package's.
    for rId in [rel.rId for rel in package.iter_rels() if rel.reltype == RT.THUMBNAIL]:
        package.drop_rel(rId)
    app = package.part_related_by(RT.EXTENDED_PROPERTIES)
    xml = app.blob.decode("utf-8")
    xml = xml.replace("On-screen Show (4:3)", "Widescreen").replace(">Office Theme<", f">{THEME_NAME}<")
    app.blob = xml.encode("utf-8")
    core = prs.core_properties
    core.title = "reportgen deck template"
    core.author = core.last_modified_by = "reportgen (tools/make_deck_template.py)"
    core.comments = "Generated by tools/make_deck_template.py from templates/palette.json; do not edit by hand."


def build(palette: dict):
    """Return the template as a Presentation."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = SLIDE_W, SLIDE_H
    # type="screen4x3" would contradict the size; no type means custom, as PowerPoint writes 16:9.
    prs.part._element.find(qn("p:sldSz")).attrib.pop("type", None)

    keep_layouts(prs)
    master = prs.slide_master
    build_master(master, palette)
    for layout in master.slide_layouts:
        drop_footer_placeholders(layout.shapes._spTree)
        BUILDERS[layout.name](layout, palette)

    theme_part = master.part.part_related_by(RT.THEME)
    theme = etree.fromstring(theme_part.blob)
    edit_theme(theme, palette)
    # The theme is a plain part to python-pptx (no object model), so it is edited as bytes.
    theme_part.blob = etree.tostring(theme, xml_declaration=True, encoding="UTF-8", standalone=True)

    tidy_package(prs)
    return prs


def check(prs) -> list[str]:
    """Return the problems found: missing layouts, placeholders off the grid or left over."""
    problems = []
    names = [layout.name for layout in prs.slide_layouts]
    if names != KEEP:
        problems.append(f"layouts are {names}, expected {KEEP}")
    owners = [("master", prs.slide_master)] + [(layout.name, layout) for layout in prs.slide_layouts]
    for owner_name, owner in owners:
        for ph in owner.placeholders:
            box = (ph.left, ph.top, ph.left + ph.width, ph.top + ph.height)
            inside = (
                box[0] >= MIN_MARGIN
                and box[1] >= MIN_MARGIN
                and box[2] <= SLIDE_W - MIN_MARGIN
                and box[3] <= SLIDE_H - MIN_MARGIN
            )
            if not inside:
                problems.append(f"{owner_name}: placeholder idx {ph.placeholder_format.idx} at {box} is off the grid")
            if ph.placeholder_format.type in FOOTER_PH:
                problems.append(f"{owner_name}: {ph.placeholder_format.type} placeholder left over")
    return problems


def main(argv: list[str] | None = None) -> int:
    """Build, check and save the template."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help=f"where to write (default: {OUT})")
    args = parser.parse_args(argv)

    prs = build(load_palette(PALETTE))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    prs.save(args.out)

    # Check the saved file, not the object in memory: that is what the renderer will open.
    problems = check(Presentation(args.out))
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    if not problems:
        print(f"wrote {args.out}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
