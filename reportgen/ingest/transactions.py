"""The transactions input kind: a log of purchases read by the engine, cleaned and summarised per client.

The file's first lines decide the columns, the dates' layout and the numbers' decimal mark
(reportgen.ingest.logcolumns, logdates); the engine then types and judges every line
(reportgen.ingest.logparse) in two passes over the file (reportgen.analysis.logpasses): the first counts
lines by cleaning rule and day, with a sample of clients' purchase days for the gaps between purchases;
the second, once the analysis date is known, summarises each client. Only one row per client and a few
small tables come back to pandas.
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
# Lines above which the gaps between purchase days are measured on a sample of clients (of about this many
# lines, counted in the file or estimated from its first lines: the sample is chosen before the first pass)
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
    from reportgen.ingest.logcutoff import decide_cutoff

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
    prints = int(days.loc[(days["rule"] == logpasses.OK) & (pd.to_datetime(days["day"]) <= pd.Timestamp(as_of)),
                          "id_prints"].sum()) if plan.digit_ids and engine.integer_keys else None
    gaps = gap_table(days, as_of, plan.gap_one_in)
    # the churn model's cut-off follows from the gaps, which the first pass brought: its figures ride on the
    # per-client pass
    cutoff = decide_cutoff(as_of, first, gaps, a.inactivity_days) if a.predict else None
    raw = _per_client(engine, sample, window, as_of, cal_end, first_month, words, "invoice" in found.roles, prints,
                      cutoff)
    if raw.empty:
        raise DataError(
            _("No purchase is dated on or before the analysis date {as_of}.").format(as_of=as_of),
            hint=_("Set analysis.as_of between the log's first and last dates ({first} and {last}), or leave it "
                   "empty.").format(first=first, last=last), location=Location(file=str(sample.path)))
    for attribute in plan.attributes:
        values = engine.frame(logpasses.main_value(window, attribute, engine.integer_keys, engine.hash))
        raw = raw.merge(values, on="client", how="left", sort=False)
    clients = client_figures(raw, plan.attributes)
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
        "gaps": gaps,
        "engine": {"name": engine.name, "memory_limit": engine.memory_limit},
        "cutoff": cutoff.isoformat() if cutoff else None,
    }
    return _dataset(clients, found, log, sample)


def _per_client(engine: Engine, sample: LogSample, window, as_of: dt.date, cal_end: dt.date, first_month: dt.date,
                words: int, invoices: bool, prints: int | None, cutoff: dt.date | None = None) -> pd.DataFrame:
    """Return logpasses.summary's rows (with the churn model's figures at `cutoff` unless it is None), keyed
    by integers when the engine wants it: by the number each id writes when the first lines' ids are digits
    only (`prints`: the first pass's id prints of the lines used), else by a hash of the id. The pass runs
    again keyed by hash if the ids given back are not the ids read (their prints differ: an id further down
    is not digits only), and keyed by the ids themselves should two ids share a hash (about one chance in
    10^13 for a million clients)."""
    from reportgen.analysis import logpasses
    from reportgen.analysis.log_features import RECENT_DAYS

    def run(keys: str) -> pd.DataFrame:
        return _run(engine, sample, lambda: engine.frame(logpasses.summary(
            window, as_of, cal_end, first_month, words, with_invoices=invoices, keys=keys, cutoff=cutoff,
            recent_days=RECENT_DAYS, hash=engine.hash), order=logpasses.summary_order(keys)))

    if not engine.integer_keys:
        return run("id")
    raw = run("number") if prints is not None else None
    if raw is not None and (raw["client"].isna().any() or _prints(raw) != prints):
        raw = None
    if raw is None:
        raw = run("hash")
        if (raw["client_check"] != raw["client"]).any():
            raw = run("id")
    return raw.drop(columns=["client_check", "id_print", "key", logpasses.ORDER], errors="ignore")


def _prints(raw: pd.DataFrame) -> int:
    """Return the id prints of a summary keyed by number, weighted by lines as the first pass sums them."""
    return int((raw["id_print"].to_numpy(dtype="int64") * raw["lines"].to_numpy(dtype="int64")).sum())


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
    padded = frozenset(r for r, c in found.roles.items() if kinds[r] in ("text", "read_text")
                       and sample.rows[c].dropna().astype(str).str.contains(r"^\s|\s$", regex=True).any())
    return LogPlan(roles=dict(found.roles), kinds=kinds, padded=padded,
                   digit_ids=_digit_ids(sample.rows[found.roles["client"]], kinds["client"]),
                   gap_one_in=max(1, -(-(sample.lines or 0) // GAP_SAMPLE_DAYS)),
                   dates=layout, numbers=numbers, dedup=dedup, drop_zero=data.zero_amounts == "drop",
                   today=today(), attributes=tuple(r for r in OPTIONAL_ROLES if r in found.roles and r != "invoice"))


def _digit_ids(values: pd.Series, kind: str) -> bool:
    """Return whether the first lines' client ids are digits only, NUMBER_DIGITS at most, as text or as whole
    numbers: then clients are keyed by the number they write, and the first pass sums the ids' prints to
    check that every id further down gives the same id back."""
    from reportgen.analysis.logpasses import NUMBER_DIGITS

    if kind == "number":
        numbers = pd.to_numeric(values, errors="coerce").dropna()
        return bool(len(numbers)) and bool(((numbers >= 0) & (numbers == numbers.round())
                                            & (numbers < 10.0 ** NUMBER_DIGITS)).all())
    if kind not in ("text", "read_text"):
        return False
    text = _present(values)
    return bool(len(text)) and bool(text.str.fullmatch(f"[0-9]{{1,{NUMBER_DIGITS}}}").all())


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
