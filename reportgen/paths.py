"""Where the bundled templates, fonts, sample data and output live (relative to the checkout)."""

from __future__ import annotations

import os
from pathlib import Path

# reportgen runs from its checkout (the Makefile installs it editable); REPORTGEN_HOME points elsewhere.
PROJECT_DIR = Path(os.environ.get("REPORTGEN_HOME", Path(__file__).resolve().parent.parent))
TEMPLATES_DIR = PROJECT_DIR / "templates"
FONTS_DIR = TEMPLATES_DIR / "fonts"
DATA_DIR = PROJECT_DIR / "data"
SAMPLE_DATA = DATA_DIR / "sample_customers.csv"
SAMPLE_CONFIG = DATA_DIR / "reportgen.toml"
