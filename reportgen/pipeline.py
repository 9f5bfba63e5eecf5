"""The flow of a run: settings -> load -> analyse -> context -> render; each step one function the CLI calls."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from reportgen import config as config_mod
from reportgen.config import Settings
from reportgen.console import Reporter
from reportgen.context import build_context
from reportgen.i18n.ui import _
from reportgen.ingest import Dataset, load_dataset
from reportgen.paths import SAMPLE_DATA
from reportgen.playbook_file import DEFAULT_PLAYBOOK, load_playbook

# command-line option -> (section, key) it overrides; command-line values win over the file
OVERRIDES = {
    "encoding": ("data", "encoding"),
    "separator": ("data", "separator"),
    "sheet": ("data", "sheet"),
    "kind": ("data", "kind"),
    "period": ("report", "period"),
    "languages": ("report", "languages"),
    "formats": ("report", "formats"),
    "template": ("report", "template"),
    "templates": ("report", "templates"),
    "playbook": ("analysis", "playbook"),
}


def settings_for(config: str | None, reporter: Reporter, **options) -> Settings:
    """Return the settings from the config file with command-line options applied; warn about unknown keys."""
    settings = config_mod.load_settings(config)
    for name, value in options.items():
        if value in (None, "", ()):
            continue
        section, key = OVERRIDES[name]
        if name in ("template", "templates", "playbook"):
            value = str(Path(value).expanduser().resolve())  # given on the command line: relative to cwd
        setattr(getattr(settings, section), key, list(value) if isinstance(value, tuple) else value)
    settings = config_mod.validate(settings)
    for warning in settings.warnings:
        reporter.warn(warning)
    return settings


def data_path(settings: Settings, data: str | None) -> Path:
    """Return the data file: --data, else data.path from the config, else the bundled sample."""
    if data:
        return Path(data).expanduser()
    if settings.data.path:
        return settings.resolve(settings.data.path)
    return SAMPLE_DATA


def period_of(settings: Settings) -> str:
    """Return the report period: configured or given, else the last complete quarter."""
    return settings.report.period or config_mod.default_period()


def load(settings: Settings, data: str | None, reporter: Reporter) -> Dataset:
    """Return the loaded dataset, with progress and the roles found reported."""
    path = data_path(settings, data)
    with reporter.step(_("Reading {path}").format(path=path)):
        dataset = load_dataset(path, settings)
    return dataset


def playbook_for(settings: Settings) -> dict:
    """Return the playbook to use: analysis.playbook (or --playbook), else the bundled one."""
    path = settings.resolve(settings.analysis.playbook) if settings.analysis.playbook else DEFAULT_PLAYBOOK
    return load_playbook(path)


def analyse(dataset: Dataset, settings: Settings, reporter: Reporter) -> dict:
    """Return the context of the dataset: every figure the reports will state."""
    from reportgen.analysis.engine import analyse_customers  # scikit-learn is imported only when needed

    playbook = playbook_for(settings)
    labels = {
        "factors": _("Churn by factor"),
        "tests": _("Hypothesis tests"),
        "segments": _("Churn-prone segments"),
        "clusters": _("Clusters"),
    }
    with reporter.step(_("Analysing {n} clients").format(n=dataset.quality["rows_used"])):
        results = analyse_customers(dataset.frame, dataset.roles, settings.analysis, playbook,
                                    step=lambda name: reporter.detail(labels.get(name, name)))
    return build_context(dataset, results, settings, playbook, period_of(settings))


def with_settings(settings: Settings, **changes) -> Settings:
    """Return a copy of the settings with top-level sections replaced."""
    return dataclasses.replace(settings, **changes)
