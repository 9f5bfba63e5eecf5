"""The flow of a run: settings -> load -> analyse -> context -> render; each step one function the CLI calls."""

from __future__ import annotations

from pathlib import Path

from reportgen import config as config_mod
from reportgen.config import Settings
from reportgen.console import Reporter
from reportgen.context import write_context
from reportgen.errors import ConfigError, UserError
from reportgen.i18n.formatting import Formatter
from reportgen.i18n.ui import _, ui_language
from reportgen.ingest import Dataset, load_dataset
from reportgen.memory import keep_freed_memory, release_freed_memory
from reportgen.paths import SAMPLE_DATA
from reportgen.ingest.playbook import default_playbook, load_playbook
from reportgen.kinds import KINDS

# command-line option -> (section, key) it overrides; command-line values win over the file
OVERRIDES = {
    "encoding": ("data", "encoding"),
    "separator": ("data", "separator"),
    "sheet": ("data", "sheet"),
    "engine": ("engine", "name"),
    "period": ("report", "period"),
    "languages": ("report", "languages"),
    "formats": ("report", "formats"),
    "template": ("report", "template"),
    "templates": ("report", "templates"),
    "playbook": ("analysis", "playbook"),
}


def settings_for(config: str | None, reporter: Reporter, data: str | None = None, **options) -> Settings:
    """Return the settings from the config file with command-line options applied; warn about unknown keys.

    Say which config file is used. A file that configures only its own data file (data.only_for_path, as the
    repository's reportgen.toml does for the bundled sample) is left aside when --data names another file:
    a user's table must not get the sample's organisation, labels or columns.
    """
    settings = config_mod.load_settings(config)
    if not config_mod.applies_to(settings, data):
        reporter.info(_("Settings: the defaults. {config} is not used: it configures {path} only "
                        "(data.only_for_path), and --data names another file. Give your own config with "
                        "--config, or delete that line to use this one.").format(
            config=settings.source, path=settings.data.path))
        settings = config_mod.default_settings()
    elif settings.source:
        reporter.info(_("Settings: {config}").format(config=settings.source))
    else:
        reporter.info(_("Settings: the defaults (no reportgen.toml in this folder, and no --config)."))
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


def load(settings: Settings, data: str | None, reporter: Reporter, announce: bool = True) -> Dataset:
    """Return the loaded dataset, with progress, warnings and (when `announce`) the roles found reported."""
    from reportgen.console.summaries import roles_brief, roles_lines

    path = data_path(settings, data)
    keep_freed_memory()  # a large table's columns reuse the pages the last ones freed (see memory.py)
    with reporter.step(_("Reading {path}").format(path=path)):
        dataset = load_dataset(path, settings)
    release_freed_memory()  # the file's bytes and the parser's buffers, before the analysis needs room
    for warning in dataset.warnings:
        reporter.warn(warning)
    if announce and dataset.log:
        from reportgen.console.logsummary import log_brief, log_lines

        reporter.info(log_brief(dataset))
        for line in log_lines(dataset):
            reporter.detail(line)
    elif announce:
        reporter.info(roles_brief(dataset))
        for line in roles_lines(dataset):
            reporter.detail(line)
    return dataset


def playbook_for(settings: Settings, kind: str = "customers") -> dict:
    """Return the playbook to use: analysis.playbook (or --playbook), else the input kind's bundled one."""
    configured = settings.analysis.playbook
    return load_playbook(settings.resolve(configured) if configured else default_playbook(kind))


def run_analysis(analysis, dataset: Dataset, settings: Settings, playbook: dict, reporter: Reporter,
                 stages: dict[str, str]) -> dict:
    """Return analysis(frame, roles, settings, playbook) run under an 'Analysing N clients' step, each
    stage named as it starts (`stages`: stage -> translated name)."""
    clients = Formatter(ui_language()).quantity(dataset.quality["rows_used"], "Analysing {n} client",
                                                 "Analysing {n} clients")
    with reporter.step(clients):
        results = analysis(dataset.frame, dataset.roles, settings.analysis, playbook,
                           step=lambda name: reporter.detail(stages.get(name, name)))
    release_freed_memory()  # the matrices of the models and clusters, before the context's per-client lists
    return results


def analyse(dataset: Dataset, settings: Settings, reporter: Reporter, previous: str | None = None,
            period: str | None = None) -> dict:
    """Return the context of the dataset, by its input kind's analysis: every figure the reports will state.

    With `previous` (last quarter's data file or context.json) the context gains a `comparison`.
    """
    if dataset.kind not in KINDS:
        # a transaction log is read and checked before its analysis and report are registered
        raise UserError(_("Transaction logs can be checked (reportgen check) but not yet analysed."),
                        hint=_("Run `reportgen check --data {path}` to see its columns and cleaning.").format(
                            path=dataset.path))
    analysis = KINDS[dataset.kind].analysis()
    return analysis(dataset, settings, reporter, period or period_of(settings), previous)


def load_previous(path: str, settings: Settings, reporter: Reporter,
                  period: str) -> tuple[dict, set[str] | None, Dataset | None]:
    """Return last quarter's context, client ids and dataset: from its context.json, or by analysing its data file.

    A context.json holds no ids; they (and the dataset, for the model's out-of-time check) are read from
    the data file it names when that file still exists; otherwise both are None.
    """
    from reportgen.context import load_context

    source = Path(path).expanduser()
    if source.suffix.lower() == ".json":
        context = load_context(source)
        data = Path(context["meta"].get("dataset") or "")
        ids, dataset = None, None
        if context["meta"]["kind"] == "customers" and data.is_file():
            dataset = load_dataset(data, settings)
            ids = _ids(dataset)
        else:
            reporter.warn(_("The data file of {path} is not available: clients gained and lost are counted, not "
                            "matched by id.").format(path=source))
        return context, ids, dataset
    dataset = load(settings, str(source), reporter)
    from reportgen.behaviour_run import refuse_previous
    refuse_previous(dataset)
    quiet = Reporter(-1)
    context = analyse(dataset, settings, quiet, period=period)
    return context, _ids(dataset), dataset


def _ids(dataset: Dataset) -> set[str] | None:
    """Return the client ids of a dataset, or None when it has no id column."""
    if not dataset.roles.id:
        return None
    return set(dataset.frame[dataset.roles.id].dropna().astype(str))


def output_dir(settings: Settings, out: str | None, period: str) -> Path:
    """Return the build's folder: --out, else <report.output>/<period>/."""
    if out:
        return Path(out).expanduser()
    return settings.resolve(settings.report.output) / period


def build(settings: Settings, data: str | None, out: str | None, reporter: Reporter,
          previous: str | None = None) -> list[Path]:
    """Analyse once, write context.json, render every language and format; return the files written.

    The output folder is checked before anything is read, so that a mistake there costs seconds, not a
    whole analysis. Everything is written to a hidden staging folder first and moved into place at the
    end, so a run that fails never leaves a half-written or half-updated set of files.
    """
    from reportgen.render import RenderPool

    report = settings.report
    period = period_of(settings)
    folder = output_dir(settings, out, period)
    languages = list(dict.fromkeys(report.languages))
    _check_before_build(settings, folder, languages)
    formats = tuple(report.formats) + (("xlsx",) if settings.analysis.predict else ())
    with RenderPool(formats, len(languages) * len(formats)) as pool:
        dataset = load(settings, data, reporter)
        context = analyse(dataset, settings, reporter, previous=previous, period=period)
        del dataset  # the renderers read the context only: ten million clients' columns are a gigabyte
        return _render(context, settings, folder, languages, reporter, pool)


def _render(context: dict, settings: Settings, folder: Path, languages: list[str], reporter: Reporter,
            pool) -> list[Path]:
    """Write context.json, the client lists and every language and format of the build; return the files."""
    from reportgen.outfolder import publish, staging
    from reportgen.render import RenderJob, render_all
    from reportgen.render.client_lists import CSV_NAME, has_clients, write_csv

    report = settings.report
    with staging(folder) as staging_folder:
        staged = [write_context(staging_folder / "context.json", context)]
        lists = has_clients(context)
        if lists:  # the CRM lists: one CSV for an import, a workbook per language
            staged.append(write_csv(context, staging_folder / CSV_NAME))
        job = RenderJob(
            formats=tuple(report.formats) + (("xlsx",) if lists else ()), staging=staging_folder,
            template=settings.resolve(report.template) if report.template else None,
            templates=settings.resolve(report.templates) if report.templates else None,
        )
        with reporter.step(_("Rendering {formats} in {langs}").format(
                formats=", ".join(job.formats), langs=", ".join(languages))):
            staged += render_all(context, languages, job,
                                 done=lambda lang, fmt: reporter.detail(_("{lang}: {format} done").format(
                                     lang=lang, format=fmt)), pool=pool)
        return publish(staged, staging_folder, folder)


def _check_before_build(settings: Settings, folder: Path, languages: list[str]) -> None:
    """Raise UserError for an output folder the build could not write, ConfigError for a missing template folder."""
    from reportgen.outfolder import check_writable

    report = settings.report
    names = ["context.json", *(f"deck_{lang}.pptx" for lang in languages if "pptx" in report.formats)]
    if settings.analysis.predict:
        names += ["clients.csv", *(f"clients_{lang}.xlsx" for lang in languages)]
    if "pdf" in report.formats:
        names += ["charts", *(f"summary_{lang}.pdf" for lang in languages)]
    check_writable(folder, names)
    if report.templates and not settings.resolve(report.templates).is_dir():
        # a missing folder would leave the bundled template in use without a word
        raise ConfigError(_("The template folder {folder} does not exist.").format(
            folder=settings.resolve(report.templates)),
            hint=_("Check the folder given to --templates (or report.templates in the config)."))


def check_output_file(path: str) -> None:
    """Raise UserError unless a file can be written at `path` (checked before the work that makes it)."""
    from reportgen.outfolder import check_writable

    target = Path(path).expanduser()
    check_writable(target.parent, [target.name])


def write_sample(output: str, rows: int, seed: int, previous: str | None, reporter: Reporter,
                 kind: str = "customers") -> Path:
    """Write a synthetic customer table (or the next quarter of `previous`), or a transaction log of `rows`
    clients, and return its path."""
    from reportgen.ingest.sample import generate_customers, next_quarter
    from reportgen.ingest.sample_files import read_sample, write_table

    check_output_file(output)
    with reporter.step(_("Generating the sample")):
        if kind == "transactions":
            from reportgen.ingest.sample_log import generate_log

            frame = generate_log(rows, seed)
        elif previous:
            frame = next_quarter(read_sample(previous), seed)
        else:
            frame = generate_customers(rows, seed)
        write_table(frame, output)
    return Path(output)
