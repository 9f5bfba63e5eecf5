"""A log's lines as typed values and cleaning rules, written once in Ibis so that DuckDB and Spark run the same.

Table expression in, table expression out: typed_lines turns the raw lines (text cells of a CSV file, or a
Parquet file's own types) into judged lines: one row per line (per distinct line when duplicates are
dropped) with its cleaning rule, client, day and amount (and invoice and optional attributes), which the
passes (reportgen.analysis.logpasses) aggregate. Only plain expressions are used: try_cast, regular
expressions, CASE, GROUP BY; an engine's own function only when the engine passes it in (DuckDB's reader of
date formats: text_dates), with the plain expressions behind it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

import ibis

from reportgen.ingest.logdates import DateLayout
from reportgen.ingest.values import MISSING_TOKENS

# Cleaning rules: each line gets the first that applies; 0 is a line that is used.
OK = 0
RULES = {  # code -> name, in the order they are applied
    1: "missing_date", 2: "bad_date", 3: "missing_amount", 4: "bad_amount", 5: "bad_quantity", 6: "bad_price",
    7: "cancelled", 8: "returns", 9: "negative", 10: "zero", 11: "missing_client", 12: "too_old", 13: "future",
}
CODES = {name: code for code, name in RULES.items()}
# Purchases before this date are taken for mistakes (a year typed as 0024, a default date of 1900-01-01):
# e-commerce and card logs begin in the 1990s.
OLDEST = dt.date(1990, 1, 1)
_TOKENS = sorted(MISSING_TOKENS)
_LONGEST_TOKEN = max(len(t) for t in _TOKENS)
_SPACES = "[ \u00a0\u202f\u2009'\u2019]"


@dataclass
class NumberLayout:
    """How a numeric column is written: its decimal mark and whether spaces or commas group thousands."""

    decimal: str = "."
    spaces: bool = False  # spaces (or no-break, thin spaces, apostrophes) group thousands
    commas: bool = False  # commas group thousands (with a decimal point)


@dataclass
class LogPlan:
    """Everything the passes need to know about a log: its columns by role, how they are written, the rules."""

    roles: dict[str, str]  # role -> column of the file
    kinds: dict[str, str]  # role -> 'text', 'number', 'date' or 'timestamp' (as stored in the file)
    dates: DateLayout
    numbers: dict[str, NumberLayout] = field(default_factory=dict)
    dedup: bool = False  # drop exact duplicate lines
    drop_zero: bool = False  # drop lines with a zero amount or price
    today: dt.date = field(default_factory=dt.date.today)
    attributes: tuple[str, ...] = ()  # optional roles kept per client: country, channel, category
    padded: frozenset = frozenset()  # text roles whose first values have spaces around them
    digit_ids: bool = False  # the first lines' client ids are digits only: the first pass sums their prints
    gap_one_in: int = 1  # the gaps between purchases are measured on the clients whose id hashes to 0 modulo this


def _missing(text):
    """Return whether a text cell is blank or a missing marker (NA, -, н/д ...)."""
    return text.isnull() | text.strip().lower().isin(_TOKENS)


def _state(value, column, finite=None):
    """Return 0 for a value read, 1 for an empty cell (or a missing marker), 2 for a cell that is not a value.

    The test for markers runs only where the value could not be read (a CASE: the engines evaluate a
    branch only for the rows that take it), so it costs nothing on a clean column.
    """
    read = ibis.literal(0, "int8") if finite is None else ibis.ifelse(finite, 0, 2).cast("int8")
    return ibis.ifelse(value.notnull(), read, ibis.ifelse(_missing(column), 1, 2).cast("int8"))


def text_value(column, kind: str, padded: bool = True):
    """Return a column as text without surrounding spaces, null when blank or a missing marker (ids, invoices).

    Kind 'read_text' is text whose markers the reader already made nulls (a CSV file's fast path, a typed
    file's strings); there, spaces around values are cut only when the first lines show some (`padded`):
    testing every id costs more than reading it. Elsewhere trimming and the test for markers are guarded
    by cheap tests (a space at either end; ten characters at most).
    """
    if kind == "number":
        # an id stored as a float (17850.0, as pandas writes ids with gaps) is the integer it holds
        whole = column.cast("float64")
        return ibis.ifelse(whole == whole.floor(), whole.cast("int64").cast("string"), column.cast("string"))
    text = column.cast("string")
    if kind == "read_text" and not padded:
        return text.nullif("")
    edge = text.like(" %") | text.like("% ") | text.like("\t%") | text.like("%\t")
    text = ibis.ifelse(edge, text.strip(), text)
    if kind == "read_text":
        return text.nullif("")
    marker = ibis.ifelse(text.length() <= _LONGEST_TOKEN, text.lower().isin(_TOKENS), False)
    return ibis.ifelse(marker, ibis.null("string"), text)


def number_value(column, kind: str, layout: NumberLayout):
    """Return (value, state) of a numeric column: the float it holds (null unless state 0), and its _state
    (infinities and NaN are not numbers)."""
    if kind == "number":
        value = column.cast("float64")
        state = ibis.ifelse(value.isnull(), 1, ibis.ifelse(value.isinf() | value.isnan(), 2, 0)).cast("int8")
        return value, state
    text = column
    if layout.spaces:
        text = text.re_replace(_SPACES, "")
    if layout.decimal == ",":
        text = text.replace(".", "").replace(",", ".")
    elif layout.commas:
        text = text.replace(",", "")
    value = text.try_cast("float64")
    return value, _state(value, column, ~(value.isinf() | value.isnan()))


def timestamp_value(column, kind: str, layout: DateLayout):
    """Return (timestamp, state) of a date column stored as a date or a timestamp, or of ISO text (other text
    dates: text_dates), and its _state."""
    if kind in ("timestamp", "date"):
        # a date stays a date: only its day is used, and a cast to timestamp and back costs on every line
        value = column if kind == "date" else column.cast("timestamp")
        return value, ibis.ifelse(value.isnull(), 1, 0).cast("int8")
    # the engines' casts refuse a trailing space: trimmed only where the first cast fails
    value = column.try_cast("timestamp")
    value = ibis.ifelse(value.isnull(), column.strip().try_cast("timestamp"), value)
    return value, _state(value, column)


def date_fields(column, layout: DateLayout) -> list:
    """Return the six fields of text dates in `layout` as integers (three of the date, then hour, minute and
    second), null where the text does not match or has no time."""
    pattern = layout.pattern()
    return [column.re_extract(pattern, i).try_cast("int32") for i in range(1, 7)]


def _fields_to_timestamp(f: list, layout: DateLayout):
    """Return the timestamp of text dates in `layout` from their date_fields, null where a field is out of
    range (31/02, 13th month)."""
    by_order = {"ymd": (f[0], f[1], f[2]), "dmy": (f[2], f[1], f[0]), "mdy": (f[2], f[0], f[1])}
    year, month, day = by_order[layout.order]
    if layout.short_year:
        year = year + ibis.ifelse(year < 69, 2000, 1900)
    hour, minute, second = (v.fill_null(0) for v in f[3:])
    leap = (((year % 4) == 0) & ((year % 100) != 0)) | ((year % 400) == 0)
    days = ibis.cases((month == 2, ibis.ifelse(leap, 29, 28)), (month.isin([4, 6, 9, 11]), 30), else_=31)
    valid = (year.between(1, 9999) & month.between(1, 12) & day.between(1, 31) & (day <= days)
             & (hour < 24) & (minute < 60) & (second < 60)).fill_null(False)
    # the engine builds a timestamp even where `valid` is false: give it fields it accepts there
    safe = [ibis.ifelse(valid, v, 1) for v in (year, month, day)] + [ibis.ifelse(valid, v, 0)
                                                                     for v in (hour, minute, second)]
    return ibis.ifelse(valid, ibis.timestamp(*safe), ibis.null("timestamp"))


def order_proof(table, column: str, sep: str):
    """Return an expression counting the dates of `column` that prove day first (first field above 12) and
    month first (second field above 12), over the whole column."""
    sep = "\\" + sep
    pattern = r"^\s*(\d{1,2})" + sep + r"(\d{1,2})" + sep + r"\d{4}"
    first = table[column].re_extract(pattern, 1).try_cast("int32")
    second = table[column].re_extract(pattern, 2).try_cast("int32")
    return table.aggregate(day_first=(first > 12).sum(), month_first=(second > 12).sum())


def text_dates(table, column: str, layout: DateLayout, strptime=None):
    """Return (table, timestamp, state) of text dates in `layout` (not ISO): the table with the columns the
    timestamp is computed from, the timestamp (null where the text is no date of the layout: DateLayout.parse
    says what it reads) and its _state. `strptime` is an engine's reader of strptime formats
    (Engine.strptime), or None.

    The engine's reader of formats costs a thirtieth of the six regular expressions of date_fields; they
    run only where it read nothing (a 'T' before the time, fractions of seconds, a day written '005'). Its
    dates before year 1, and its times after a tab or a line break, are left to them: they refuse both. The
    fields get a projection of their own: the timestamp's expression names each several times, and the
    engine ran the regular expression at each mention (180 times a line on DuckDB: 10 million French lines
    took 39 s, 19.5 s with the fields projected, 4.5 s with the reader of formats first)."""
    fast = None
    if strptime is not None:
        date = table[column]
        bare = dataclasses.replace(layout, time="").format()
        day = strptime(date, [bare])
        # the reader takes any whitespace for the format's space before the time, where the layout takes a space
        # or a 'T' only: a text with a tab or a line break is left to the regular expressions (tested only where
        # a time is read: the test costs more than the reader)
        plain = ~date.re_search(r"[\t\n\r\f\v]")
        times = sorted([f"{bare} %H:%M:%S", f"{bare} %H:%M"], key=lambda f: f != layout.format())
        timed = ibis.ifelse(plain, strptime(date, times), ibis.null("timestamp"))
        read = ibis.coalesce(timed, day) if layout.time else ibis.coalesce(day, timed)
        table = table.mutate(rg_fast=ibis.ifelse(read.year() >= 1, read, ibis.null("timestamp")))
        fast = table.rg_fast
    fields = date_fields(table[column], layout)
    if fast is not None:
        fields = [ibis.ifelse(fast.isnull(), f, ibis.null("int32")) for f in fields]
    table = table.mutate(**{f"rg_field_{i}": f for i, f in enumerate(fields)})
    value = _fields_to_timestamp([table[f"rg_field_{i}"] for i in range(6)], layout)
    if fast is not None:
        value = ibis.ifelse(table.rg_fast.notnull(), table.rg_fast, value)
    return table, value, _state(value, table[column])


def typed_lines(table, plan: LogPlan, strptime=None):
    """Return the log's lines typed and judged: rule, client, day, amount, lines and dups (with invoice and
    attributes when the log has them).

    A row is a line, or, when duplicates are dropped, a distinct line: `lines` counts the lines it keeps
    (1 for a line used; every copy for a line a rule catches) and `dups` its copies dropped. Values are
    computed in one projection and the rule in the next, so that each cell is parsed once; `strptime` is
    the engine's reader of date formats, when it has one (text_dates).
    """
    if plan.dedup:
        table = table.group_by(list(table.columns)).aggregate(rg_n=ibis._.count())
    else:
        table = table.mutate(rg_n=ibis.literal(1, "int64"))
    roles, kinds = plan.roles, plan.kinds
    numeric = [role for role in ("amount", "quantity", "price") if role in roles]
    if kinds["date"] in ("timestamp", "date") or plan.dates.iso:
        ts, date_state = timestamp_value(table[roles["date"]], kinds["date"], plan.dates)
    else:
        table, ts, date_state = text_dates(table, roles["date"], plan.dates, strptime)
    values = {"rg_ts": ts, "rg_date_state": date_state, "rg_n": table.rg_n,
              "rg_client": text_value(table[roles["client"]], kinds["client"], "client" in plan.padded)}
    for role in numeric:
        value, state = number_value(table[roles[role]], kinds[role], plan.numbers.get(role, NumberLayout()))
        values[f"rg_{role}"], values[f"rg_{role}_state"] = value, state
    for role in ("invoice", *plan.attributes):
        if role in roles:
            values[f"rg_{role}"] = text_value(table[roles[role]], kinds[role], role in plan.padded)
    typed = table.select(**values)
    amount = typed.rg_amount if "amount" in roles else typed.rg_quantity * typed.rg_price
    day = typed.rg_ts if plan.kinds["date"] == "date" else typed.rg_ts.date()
    cases = [(typed.rg_date_state == 1, "missing_date"), (typed.rg_date_state == 2, "bad_date"),
             (ibis.or_(*(typed[f"rg_{r}_state"] == 1 for r in numeric)), "missing_amount")]
    cases += [(typed[f"rg_{r}_state"] == 2, f"bad_{r}") for r in numeric]
    if "invoice" in roles:
        cases.append((typed.rg_invoice.startswith("C"), "cancelled"))
    if "quantity" in roles:
        cases.append((typed.rg_quantity < 0, "returns"))
    price = typed.rg_price if "price" in roles else None
    cases.append(((amount < 0) if price is None else (amount < 0) | (price < 0), "negative"))
    if plan.drop_zero:
        cases.append(((amount == 0) if price is None else (amount == 0) | (price == 0), "zero"))
    cases += [(typed.rg_client.isnull(), "missing_client"), (day < ibis.date(OLDEST), "too_old"),
              (day > ibis.date(plan.today), "future")]
    # a condition that is null (a missing value) does not match, as SQL's CASE has it
    rule = ibis.cases(*((c, CODES[name]) for c, name in cases), else_=OK).cast("int8")
    judged = typed.select(rule=rule, client=typed.rg_client, day=day, amount=amount.fill_null(0.0), n=typed.rg_n,
                          **{role: typed[f"rg_{role}"] for role in ("invoice", *plan.attributes) if role in roles})
    if not plan.dedup:
        return judged.rename(lines="n").mutate(dups=ibis.literal(0, "int64"))
    used = judged.rule == OK
    return judged.mutate(lines=ibis.ifelse(used, 1, judged.n), dups=ibis.ifelse(used, judged.n - 1, 0)).drop("n")
