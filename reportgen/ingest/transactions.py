"""The transactions input kind: a log of purchases read by the engine, cleaned and summarised per client.

The file's first lines decide the columns, the dates' layout and the numbers' decimal mark
(reportgen.ingest.logcolumns, logdates); the engine then reads the whole file once into a small table of
rule, client and day (reportgen.ingest.logparse), and every figure comes from that
(reportgen.analysis.logpasses). Only one row per client and a few small tables come back to pandas.
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from reportgen import config as config_mod
from reportgen.config import Settings
from reportgen.engine import CSV_LINE, Engine, open_engine
from reportgen.errors import DataError, Location, UserError
from reportgen.i18n.ui import _
from reportgen.ingest import logerrors
from reportgen.ingest.dataset import Dataset
from reportgen.ingest.logcolumns import (NUMERIC_ROLES, OPTIONAL_ROLES, LogColumns, _present, check_log_columns,
                                         find_log_columns)
from reportgen.ingest.logdates import DateLayout, both_orders, guess_layout, layout_from_format, undecided
from reportgen.ingest.logparse import CODES, LogPlan, NumberLayout, order_proof
from reportgen.ingest.logread import judged_lines, open_text
from reportgen.ingest.logsample import LogSample
from reportgen.ingest.logsummary import (after_table, client_figures, cleaning_summary, decide_as_of,
                                         decide_calibration_end, gap_table, month_table, rule_table)
from reportgen.ingest.numbers import parse_numbers
from reportgen.roles import Roles

KIND = "transactions"
# Lines above which the gaps between purchase days are measured on a sample of clients (of about this many)
GAP_SAMPLE_DAYS = 200_000


def today() -> dt.date:
    """Return today's date: lines dated after it are in the future (a function, so tests can move it)."""
    return dt.date.today()


def build_transactions(sample: LogSample, settings: Settings, frame: pd.DataFrame | None = None) -> Dataset:
    """Return the per-client dataset of a log; raise DataError naming file, column, rows and the fix.

    `frame` is the whole table when it was already read (a workbook, as text); a CSV or Parquet file is read
    by the engine.
    """
    found = find_log_columns(sample, settings.columns)
    check_log_columns(found, sample, settings.columns)
    with open_engine(settings.engine, settings.base_dir) as engine:
        return _summarise(engine, sample, found, settings, frame)


def _summarise(engine: Engine, sample: LogSample, found: LogColumns, settings: Settings,
               frame: pd.DataFrame | None) -> Dataset:
    """Return the dataset of a log, computed with an open engine."""
    from reportgen.analysis import logpasses

    layout = _date_layout(engine, sample, found, settings, frame)
    plan = _plan(sample, found, layout, settings)
    lines, days = _run(engine, sample, lambda: judged_lines(engine, sample, frame, plan))
    counts = rule_table(days)
    ragged = _ragged(engine, sample, settings, int(counts["lines"].sum() + counts["dups"].sum()))
    _refuse_bad_values(counts, sample, found, plan, frame)
    kept = pd.to_datetime(days.loc[days["rule"] == logpasses.OK, "day"])
    if kept.empty:
        raise _nothing_left(counts, sample)
    first, last = kept.min().date(), kept.max().date()
    a = settings.analysis
    period_end = config_mod.period_end(settings.report.period or config_mod.default_period())
    as_of, as_of_reason = decide_as_of(period_end, first, last, config_mod.parse_day(a.as_of) if a.as_of else None)
    cal_end, cal_reason = decide_calibration_end(
        as_of, config_mod.parse_day(a.calibration_end) if a.calibration_end else None)
    window = logpasses.used(lines, as_of)
    first_month = first.replace(day=1)
    months = max(0, (as_of.year - first_month.year) * 12 + as_of.month - first_month.month) + 1
    words = -(-months // logpasses.MONTH_BITS)
    used_lines = int(days.loc[(days["rule"] == logpasses.OK) & (pd.to_datetime(days["day"]) <= pd.Timestamp(as_of)),
                              "lines"].sum())
    one_in = max(1, -(-used_lines // GAP_SAMPLE_DAYS))
    raw = _run(engine, sample, lambda: engine.frame(logpasses.summary(
        window, cal_end, first_month, words, with_invoices="invoice" in found.roles, one_in=one_in)))
    if raw.empty:
        raise DataError(
            _("No purchase is dated on or before the analysis date {as_of}.").format(as_of=as_of),
            hint=_("Set analysis.as_of between the log's first and last dates ({first} and {last}), or leave it "
                   "empty.").format(first=first, last=last), location=Location(file=str(sample.path)))
    for attribute in plan.attributes:
        raw = raw.merge(engine.frame(logpasses.main_value(window, attribute)), on="client", how="left")
    clients = client_figures(raw, as_of, cal_end, plan.attributes)
    if len(clients) == 1:
        raise DataError(
            _("The log holds the purchases of a single client ({client}): there is nobody to compare.").format(
                client=clients["client_id"].iloc[0]),
            hint=_("Check that [columns] id names the client id, not a shop or a country."),
            location=Location(file=str(sample.path), column=found.roles["client"]))
    log = {
        "columns": dict(found.roles),
        "amount_from": "amount" if "amount" in found.roles else "quantity_x_price",
        "date_format": layout.format() if layout.how != "typed" else None,
        "date_order": layout.how,
        "first_date": first.isoformat(), "last_date": last.isoformat(),
        "as_of": as_of.isoformat(), "as_of_reason": as_of_reason,
        "calibration_end": cal_end.isoformat(), "calibration_reason": cal_reason,
        "calibration_clients": int(clients["in_calibration"].sum()),
        "cleaning": cleaning_summary(counts, after_table(days, as_of), plan.dedup, plan.drop_zero, ragged),
        "by_month": month_table(days, raw, first_month, as_of),
        "gaps": gap_table(raw, one_in),
        "engine": {"name": engine.name, "memory_limit": engine.memory_limit},
        "cutoff": None,
    }
    if settings.analysis.predict:
        clients, log["cutoff"] = _at_cutoff(engine, sample, window, clients, log, settings)
    return _dataset(clients, found, log, sample)


def _at_cutoff(engine: Engine, sample: LogSample, window, clients: pd.DataFrame, log: dict,
               settings: Settings) -> tuple[pd.DataFrame, str | None]:
    """Return the per-client frame with the churn model's cut-off columns, and the cut-off (None, with the
    frame unchanged, when the log starts after it)."""
    from reportgen.analysis import logpasses
    from reportgen.analysis.log_features import RECENT_DAYS
    from reportgen.ingest.logcutoff import cutoff_figures, decide_cutoff

    as_of = dt.date.fromisoformat(log["as_of"])
    cutoff = decide_cutoff(as_of, dt.date.fromisoformat(log["first_date"]), log["gaps"],
                           settings.analysis.inactivity_days)
    if cutoff is None:
        return clients, None
    raw = _run(engine, sample, lambda: engine.frame(logpasses.at_cutoff(window, cutoff, as_of, RECENT_DAYS)))
    return cutoff_figures(clients, raw, cutoff), cutoff.isoformat()


def _dataset(clients: pd.DataFrame, found: LogColumns, log: dict, sample: LogSample) -> Dataset:
    """Return the Dataset of a log: the per-client frame, the roles of the file's columns, the small tables."""
    roles = Roles(id=found.roles["client"], semantic={r: c for r, c in found.roles.items() if r != "client"},
                  ignored={c: "not_used_by_log" for c in found.others}, sources=dict(found.sources))
    cleaning = log["cleaning"]
    quality = {"rows_read": cleaning["lines_read"], "rows_used": cleaning["lines_used"], "clients": len(clients)}
    return Dataset(frame=clients, roles=roles, quality=quality, path=str(sample.path), kind=KIND,
                   file_format=sample.file_format, encoding=sample.encoding, separator=sample.separator, log=log)


def _date_layout(engine: Engine, sample: LogSample, found: LogColumns, settings: Settings,
                 frame: pd.DataFrame | None) -> DateLayout:
    """Return the layout of the date column: typed, configured, proved by the first lines or by the whole
    column; raise DataError when dates prove both orders or none (for slashed dates)."""
    column = found.roles["date"]
    kind = sample.kind_of(column)
    if kind in ("date", "timestamp"):
        values = pd.to_datetime(sample.rows[column].dropna())
        timed = bool(len(values)) and bool((values != values.dt.normalize()).any())
        return DateLayout("ymd", time="%H:%M:%S" if timed else "", how="typed")
    if settings.data.date_format:
        return layout_from_format(settings.data.date_format)
    guess = guess_layout(sample.rows[column], column, str(sample.path))
    if guess.layout is not None:
        return guess.layout
    proof = _run(engine, sample, lambda: engine.frame(order_proof(open_text(engine, sample, frame), column,
                                                                  guess.sep))).iloc[0]
    day_first, month_first = int(proof["day_first"] or 0), int(proof["month_first"] or 0)
    if day_first and month_first:
        rows = [logerrors.locate(sample, column, logerrors.proves(field), frame, 1) for field in (1, 2)]
        raise both_orders(column, str(sample.path), (rows[0][0][0], rows[0][1][0]), (rows[1][0][0], rows[1][1][0]))
    if day_first or month_first:
        return DateLayout("dmy" if day_first else "mdy", guess.sep, time=guess.time, how="proof")
    raise undecided(column, str(sample.path), guess.examples or [], guess.sep)


def _plan(sample: LogSample, found: LogColumns, layout: DateLayout, settings: Settings) -> LogPlan:
    """Return the plan of the passes: columns, their kinds and layouts, and which rules drop what."""
    numbers = {}
    for role in NUMERIC_ROLES:
        column = found.get(role)
        if column and sample.kind_of(column) == "text":
            numbers[role] = _number_layout(sample, column)
    data = settings.data
    dedup = {"drop": True, "keep": False}.get(data.duplicate_lines, "invoice" in found.roles or bool(layout.time))
    kinds = {r: sample.kind_of(c) for r, c in found.roles.items()}
    if sample.file_format == "parquet":
        # a typed file writes missing text as nulls: its strings are ids and names as they are
        kinds.update({r: "read_text" for r, k in kinds.items() if k == "text" and r not in NUMERIC_ROLES + ("date",)})
    return LogPlan(roles=dict(found.roles), kinds=kinds,
                   dates=layout, numbers=numbers, dedup=dedup, drop_zero=data.zero_amounts == "drop",
                   today=today(), attributes=tuple(r for r in OPTIONAL_ROLES if r in found.roles and r != "invoice"))


def _number_layout(sample: LogSample, column: str) -> NumberLayout:
    """Return how a text column writes its numbers, from its first lines; raise DataError for both marks."""
    from reportgen.ingest.typed import mixed_marks
    from reportgen.ingest.rawtable import RawTable

    parsed = parse_numbers(_present(sample.rows[column]))
    if parsed.conflict is not None:
        raise mixed_marks(RawTable(sample.rows, str(sample.path), sample.file_format), column, parsed.conflict)
    fmt = parsed.format
    spaces = any(g in fmt.grouping for g in ("space", "nbsp", "narrow_nbsp", "thin_space", "apostrophe"))
    return NumberLayout(fmt.decimal, spaces=spaces, commas="comma" in fmt.grouping)


def _run(engine: Engine, sample: LogSample, work):
    """Return work(), with the engine's refusals of the file turned into the errors a user can act on."""
    import duckdb

    try:
        return work()
    except duckdb.OutOfMemoryException as exc:
        raise UserError(
            _("The engine ran out of memory (limit {limit}).").format(limit=engine.memory_limit),
            hint=_("Raise [engine] memory_limit, or set [engine] temp_directory to a folder with more free "
                   "space ({error}).").format(error=str(exc).splitlines()[0]))
    except duckdb.Error as exc:
        message = str(exc)
        line = re.search(CSV_LINE, message)
        row = int(line.group(1)) if line else None
        if "unicode" in message.lower():
            raise logerrors.not_utf8(str(sample.path), row)
        raise DataError(_("The file cannot be read as CSV: {error}").format(error=message.splitlines()[0]),
                        hint=_("Check the separator and quoting of that row, or export the file again."),
                        location=Location(file=str(sample.path), rows=[row] if row else []))


def _ragged(engine: Engine, sample: LogSample, settings: Settings, lines: int) -> int:
    """Return how many CSV lines had another number of fields than the header (skipped); raise DataError for
    lines that are not UTF-8, or for more ragged lines than data.max_bad_row_share allows."""
    if sample.file_format != "csv":
        return 0
    rejected = engine.rejected_lines().drop_duplicates("line")
    if rejected.empty:
        return 0
    unicode = rejected[rejected["error_type"].astype(str).str.contains("UNICODE|ENCODING")]
    if len(unicode):
        raise logerrors.not_utf8(str(sample.path), int(unicode["line"].iloc[0]))
    share = settings.data.max_bad_row_share
    if len(rejected) > share * (lines + len(rejected)):
        raise logerrors.ragged_lines(str(sample.path), rejected, lines + len(rejected), len(sample.columns), share)
    return len(rejected)


def _refuse_bad_values(counts: pd.DataFrame, sample: LogSample, found: LogColumns, plan: LogPlan,
                       frame: pd.DataFrame | None) -> None:
    """Raise DataError for dates or numbers that cannot be read, naming the first rows (found in the file)."""
    by_rule = dict(zip(counts["rule"], counts["lines"]))
    bad = int(by_rule.get(CODES["bad_date"], 0))
    if bad:
        raise logerrors.unreadable_dates(sample, found.roles["date"], plan.dates, bad, frame)
    for role in NUMERIC_ROLES:
        bad = int(by_rule.get(CODES[f"bad_{role}"], 0))
        if bad:
            raise logerrors.unreadable_numbers(sample, found.roles[role], plan.numbers.get(role, NumberLayout()),
                                               bad, frame)


def _nothing_left(counts: pd.DataFrame, sample: LogSample) -> DataError:
    """Return the error for a log in which every line was caught by a cleaning rule."""
    from reportgen.i18n.labels import LOG_RULE_LABELS
    from reportgen.i18n.ui import translate
    from reportgen.ingest.logparse import RULES

    by_rule = {RULES.get(int(r), "ok"): int(n) for r, n in zip(counts["rule"], counts["lines"]) if n}
    shown = ", ".join(f"{translate(LOG_RULE_LABELS[name])} {n}"
                      for name, n in sorted(by_rule.items(), key=lambda kv: -kv[1]))
    total = sum(by_rule.values())
    negative = by_rule.get("negative", 0) + by_rule.get("returns", 0)
    if negative and negative + by_rule.get("missing_date", 0) + by_rule.get("missing_amount", 0) >= total:
        return DataError(
            _("Every line of the log has a negative amount or quantity ({rules}): there is no purchase to "
              "analyse.").format(rules=shown),
            hint=_("If the log writes purchases as negative amounts (money leaving an account), change their sign "
                   "before the analysis; otherwise check that [columns] amount names the amount."),
            location=Location(file=str(sample.path)))
    return DataError(
        _("No line of the log is left after cleaning ({rules}).").format(rules=shown),
        hint=_("`reportgen check` shows the columns found and what each cleaning rule caught; correct the "
               "columns in [columns] or the data."),
        location=Location(file=str(sample.path)))
