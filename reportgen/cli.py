"""The `reportgen` command: parse arguments, call one pipeline function, print the result; nothing else."""

from __future__ import annotations

import functools
import sys
import traceback

import click

from reportgen import __version__
from reportgen.console import Reporter
from reportgen.errors import ReportgenError, UserError
from reportgen.i18n.ui import _, set_ui_language, translate

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _split_list(ctx, param, value):
    """Return a comma- or space-separated option as a tuple ('fr,ru' -> ('fr', 'ru'))."""
    if not value:
        return ()
    items = []
    for part in value if isinstance(value, tuple) else (value,):
        items.extend(p.strip() for p in part.replace(" ", ",").split(",") if p.strip())
    return tuple(items)


def _format_list(ctx, param, value):
    """Return the --format option as a tuple of formats, 'both' standing for pptx and pdf, as the help says."""
    formats = _split_list(ctx, param, value)
    return tuple(dict.fromkeys(f for item in formats for f in (("pptx", "pdf") if item.lower() == "both" else (item,))))


def common(func):
    """Add --debug, -v/--verbose and -q/--quiet to a command and hand it a Reporter."""

    @click.option("--debug", is_flag=True, help=_("Show tracebacks of errors."))
    @click.option("-v", "--verbose", is_flag=True, help=_("Print more detail."))
    @click.option("-q", "--quiet", is_flag=True, help=_("Print only results and errors."))
    @click.pass_context
    @functools.wraps(func)
    def wrapper(ctx, *args, debug, verbose, quiet, **kwargs):
        state = ctx.ensure_object(dict)
        state["debug"] = state.get("debug") or debug
        reporter = Reporter(-1 if quiet or state.get("quiet") else (1 if verbose or state.get("verbose") else 0))
        state["reporter"] = reporter
        return func(reporter, *args, **kwargs)

    return wrapper


def data_options(func):
    """Add the options that choose and read the data file."""
    # applied bottom-up: the last one here is listed first in --help
    func = click.option("--engine", metavar="NAME", help=_(
        "Engine that reads the data: duckdb or spark (default: engine.name in the config, else duckdb)."))(func)
    func = click.option("--sheet", metavar="NAME", help=_("XLSX sheet (default: the first)."))(func)
    func = click.option("--separator", metavar="SEP", help=_("CSV separator: ',', ';', 'tab' or '|' (default: detected)."))(func)
    func = click.option("--encoding", metavar="NAME", help=_("Encoding of a CSV file (default: detected)."))(func)
    func = click.option("--config", "config", metavar="FILE", help=_("Config file; default: ./reportgen.toml if present."))(func)
    func = click.option("--data", "data", metavar="FILE", help=_("Data file (CSV, XLSX, Parquet); default: data.path in the config, else the bundled sample."))(func)
    return func


@click.group(context_settings=CONTEXT_SETTINGS, help=_(
    "Quarterly churn and segmentation reports: decks and PDF summaries in French, Russian and English."))
@click.version_option(__version__, prog_name="reportgen")
@click.option("--debug", is_flag=True, help=_("Show tracebacks of errors."))
@click.option("-v", "--verbose", is_flag=True, help=_("Print more detail."))
@click.option("-q", "--quiet", is_flag=True, help=_("Print only results and errors."))
@click.pass_context
def cli(ctx, debug, verbose, quiet):
    """Quarterly churn and segmentation reports: decks and PDF summaries in French, Russian and English."""
    ctx.ensure_object(dict).update(debug=debug, verbose=verbose, quiet=quiet)


@cli.command(context_settings=CONTEXT_SETTINGS,
             help=_("Load and validate a data file; print the roles found and the data-quality summary."))
@data_options
@common
def check(reporter: Reporter, data, config, encoding, separator, sheet, engine):
    """Load and validate a data file; print the roles found and the data-quality summary."""
    from reportgen import pipeline
    from reportgen.console.summaries import quality_lines, roles_lines, source_line

    settings = pipeline.settings_for(config, reporter, data, encoding=encoding, separator=separator, sheet=sheet,
                                     engine=engine)
    dataset = pipeline.load(settings, data, reporter, announce=False)
    if dataset.log:
        from reportgen.console.logsummary import log_lines

        lines = [source_line(dataset), *log_lines(dataset)]
    else:
        lines = [source_line(dataset), *roles_lines(dataset), *quality_lines(dataset)]
    for line in lines:
        reporter.result(line)


@cli.command(context_settings=CONTEXT_SETTINGS,
             help=_("Analyse a data file and write the context (every figure the reports state) as JSON."))
@data_options
@click.option("-o", "--output", "output", metavar="FILE", default="context.json", show_default=True,
              help=_("Where to write the context (JSON)."))
@click.option("--period", metavar="YYYY-Qn", help=_("Period of the report (default: the last complete quarter)."))
@click.option("--playbook", metavar="FILE", help=_("Recommendation playbook (TOML) replacing the bundled one."))
@click.option("--previous", metavar="FILE",
              help=_("Last quarter's data file or context.json: adds what changed since then."))
@common
def analyze(reporter: Reporter, data, config, encoding, separator, sheet, engine, output, period, playbook, previous):
    """Analyse a data file and write the context (every figure the reports state) as JSON."""
    from reportgen import pipeline
    from reportgen.context import write_context

    settings = pipeline.settings_for(config, reporter, data, encoding=encoding, separator=separator, sheet=sheet,
                                     engine=engine, period=period, playbook=playbook)
    pipeline.check_output_file(output)
    dataset = pipeline.load(settings, data, reporter)
    context = pipeline.analyse(dataset, settings, reporter, previous=previous)
    del dataset  # the table is not needed to write its context: ten million clients' columns are a gigabyte
    path = write_context(output, context)
    reporter.result(_("Context written to {path}").format(path=path))


@cli.command(context_settings=CONTEXT_SETTINGS,
             help=_("Build the decks and PDF summaries: analyse once, render every language and format."))
@data_options
@click.option("--lang", "languages", metavar="LANGS", callback=_split_list,
              help=_("Languages, e.g. fr or fr,ru,en (default: report.languages in the config)."))
@click.option("--format", "formats", metavar="FORMATS", callback=_format_list,
              help=_("Formats: pptx, pdf or both (default: both)."))
@click.option("--period", metavar="YYYY-Qn", help=_("Period of the report (default: the last complete quarter)."))
@click.option("--out", metavar="DIR", help=_("Output folder (default: output/<period>/)."))
@click.option("--template", metavar="FILE", help=_("Corporate .pptx whose layouts the deck uses."))
@click.option("--templates", metavar="DIR", help=_("Folder of HTML templates overriding the bundled PDF template."))
@click.option("--playbook", metavar="FILE", help=_("Recommendation playbook (TOML) replacing the bundled one."))
@click.option("--previous", metavar="FILE",
              help=_("Last quarter's data file or context.json: adds what changed since then."))
@click.option("--send", "send_after", is_flag=True, help=_("E-mail the PDF summaries once they are built."))
@common
def build(reporter: Reporter, data, config, encoding, separator, sheet, engine, languages, formats, period, out,
          template, templates, playbook, previous, send_after):
    """Build the decks and PDF summaries."""
    from reportgen import pipeline
    from reportgen.i18n.catalogs import check_language

    languages = tuple(check_language(lang) for lang in languages)
    settings = pipeline.settings_for(config, reporter, data, encoding=encoding, separator=separator, sheet=sheet,
                                     engine=engine, languages=languages, formats=formats, period=period,
                                     template=template, templates=templates, playbook=playbook)
    if send_after and "pdf" not in settings.report.formats:
        raise UserError(_("--send needs the PDF summaries, but --format leaves them out."),
                        hint=_("Add pdf to --format, or send later with `reportgen send`."))
    paths = pipeline.build(settings, data, out, reporter, previous=previous)
    for path in paths:
        reporter.result(str(path))
    if send_after:
        from reportgen.deliver import send_summaries

        send_summaries(paths[0].parent, settings, list(settings.report.languages), None, False, reporter)


@cli.command(context_settings=CONTEXT_SETTINGS,
             help=_("E-mail each language's PDF summary to its readers (recipients from the config or --to)."))
@click.option("--config", "config", metavar="FILE", help=_("Config file; default: ./reportgen.toml if present."))
@click.option("--period", metavar="YYYY-Qn", help=_("Period whose build is sent (default: the last complete quarter)."))
@click.option("--out", metavar="DIR", help=_("Output folder of the build (default: output/<period>/)."))
@click.option("--lang", "languages", metavar="LANGS", callback=_split_list,
              help=_("Languages to send (default: those with recipients in [email.recipients])."))
@click.option("--to", "to", metavar="ADDR", multiple=True,
              help=_("Recipient replacing the configured ones, for every language; repeat for several."))
@click.option("--dry-run", is_flag=True, help=_("Write each message as an .eml file under the output folder instead."))
@common
def send(reporter: Reporter, config, period, out, languages, to, dry_run):
    """E-mail the PDF summaries."""
    from reportgen import pipeline
    from reportgen.deliver import send_summaries
    from reportgen.i18n.catalogs import check_language

    languages = [check_language(lang) for lang in languages]
    settings = pipeline.settings_for(config, reporter, period=period)
    folder = pipeline.output_dir(settings, out, pipeline.period_of(settings))
    send_summaries(folder, settings, languages or None, list(to) or None, dry_run, reporter, period=period)


@cli.command(context_settings=CONTEXT_SETTINGS, help=_(
    "Write a synthetic customer table with the columns and churn patterns of a regional bank, or (--kind "
    "transactions) an online shop's transaction log."))
@click.option("--kind", default="customers", show_default=True, type=click.Choice(["customers", "transactions"]),
              help=_("What to write: a customer table or a transaction log."))
@click.option("--rows", type=click.IntRange(min=1), help=_("Number of clients (default: 10,000; 3,000 for a log)."))
@click.option("--seed", default=42, show_default=True, type=int, help=_("Random seed: same seed, same file."))
@click.option("-o", "--output", "output", metavar="FILE",
              help=_("File to write (.csv, .xlsx or .parquet; default: sample_customers.csv or "
                     "sample_transactions.csv)."))
@click.option("--next-quarter-of", "previous", metavar="FILE",
              help=_("Write the next quarter of this table instead (some clients gone, new ones, churn shifted)."))
@common
def sample(reporter: Reporter, kind, rows, seed, output, previous):
    """Write a synthetic customer table or transaction log."""
    from reportgen import pipeline

    if kind == "transactions" and previous:
        raise UserError(_("--next-quarter-of continues a customer table, not a transaction log."),
                        hint=_("Leave out --next-quarter-of, or --kind transactions."))
    output = output or f"sample_{kind}.csv"
    rows = rows or (3_000 if kind == "transactions" else 10_000)
    path = pipeline.write_sample(output, rows=rows, seed=seed, previous=previous, reporter=reporter, kind=kind)
    reporter.result(_("Sample written to {path}").format(path=path))


@cli.command(context_settings=CONTEXT_SETTINGS,
             help=_("Print the JSON Schema of the context: every figure a context.json holds, typed."))
@click.option("-o", "--output", "output", metavar="FILE", help=_("Write the schema to FILE instead of printing it."))
@click.option("--kind", default="customers", show_default=True, type=click.Choice(["customers", "behaviour"]),
              help=_("Input kind whose context is described."))
@common
def schema(reporter: Reporter, output, kind):
    """Print the JSON Schema of the context."""
    import json

    from reportgen.atomic import write_text
    from reportgen.contract import json_schema

    text = json.dumps(json_schema(kind), ensure_ascii=False, indent=1)
    if output:
        reporter.result(_("Schema written to {path}").format(path=write_text(output, text + "\n")))
    else:
        click.echo(text)


@cli.command(name="config", context_settings=CONTEXT_SETTINGS,
             help=_("Print every setting of reportgen.toml with its default and meaning."))
@common
def config_help(reporter: Reporter):
    """Print every setting of reportgen.toml with its default and meaning."""
    from reportgen.config import describe_settings

    for key, default, doc in describe_settings():
        reporter.result(f"{key} = {default}")
        reporter.result("    " + translate(doc))


def main(argv: list[str] | None = None) -> None:
    """Run the CLI and exit: 0 ok, 2 bad input or usage, 3 delivery failed, 1 internal error."""
    set_ui_language(None)
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    reporter = Reporter(-1 if ("-q" in argv or "--quiet" in argv) else 0)
    try:
        cli.main(args=argv, prog_name="reportgen", standalone_mode=False)
    except click.exceptions.Abort:
        reporter.err.print(_("Interrupted."))
        sys.exit(130)
    except click.ClickException as exc:  # usage errors: unknown option, bad value
        exc.show()
        sys.exit(2)
    except ReportgenError as exc:
        if debug:
            traceback.print_exc()
        reporter.error(exc)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        reporter.err.print(_("Interrupted."))
        sys.exit(130)
    except Exception as exc:  # a bug of ours: say so, and how to report it
        if debug:
            traceback.print_exc()
        reporter.error(UserError(
            _("Internal error: {error}").format(error=f"{type(exc).__name__}: {exc}"),
            hint=_("This is a bug in reportgen. Run again with --debug and send the output to the developers."),
        ))
        sys.exit(1)
    sys.exit(0)

