"""The shipped Cyrillic-capable font (Noto Sans): its files, its registration in matplotlib, fontconfig's state."""

from __future__ import annotations

import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

from reportgen.errors import TemplateError
from reportgen.i18n.ui import _
from reportgen.paths import FONTS_DIR

FAMILY = "Noto Sans"
REGULAR = "NotoSans-Regular.ttf"
BOLD = "NotoSans-Bold.ttf"


def font_file(name: str = REGULAR, fonts_dir: Path = FONTS_DIR) -> Path:
    """Return the path of a shipped font file; raise TemplateError when it is missing."""
    path = fonts_dir / name
    if not path.is_file():
        raise TemplateError(
            _("The font file {path} is missing.").format(path=path),
            hint=_("Restore templates/fonts from the repository (git checkout -- templates/fonts)."),
        )
    return path


@lru_cache(maxsize=None)
def register_matplotlib(fonts_dir: Path = FONTS_DIR) -> str:
    """Register the shipped fonts with matplotlib and return the family name; DejaVu Sans stays as fallback."""
    from matplotlib import font_manager, rcParams

    for name in (REGULAR, BOLD):
        font_manager.fontManager.addfont(str(font_file(name, fonts_dir)))
    rcParams["font.family"] = [FAMILY, "DejaVu Sans"]
    rcParams["svg.fonttype"] = "path"  # the SVG carries its glyphs: no font needed where it is shown
    return FAMILY


@lru_cache(maxsize=None)
def check_fontconfig() -> None:
    """Raise TemplateError when fontconfig knows no font at all (WeasyPrint would crash, not fail)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return  # without the command we cannot tell; WeasyPrint still gets our font through @font-face
    try:
        listed = subprocess.run([fc_list, "--format", "%{family}\n"], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return
    if listed.returncode == 0 and not listed.stdout.strip():
        raise TemplateError(
            _("No font is installed on this system, and the PDF engine needs at least one."),
            hint=_("Install one: sudo apt-get install fontconfig fonts-dejavu-core"),
        )
