"""The passes over a log's lines, written once in Ibis: table expression in, table expression out, on any engine.

They read the judged lines of reportgen.ingest.logparse.typed_lines (rule, client, day, amount, lines,
dups ...) and return what comes back to pandas:

- day_counts: lines, amounts and duplicate copies by rule and day, from which the cleaning counts, the
  log's first and last dates, the lines after the analysis date and revenue by month all follow, and, by
  day, the purchase days of a sample of clients (all of them in a small log), from which the gaps between
  purchases follow (at most a few hundred thousand rows);
- summary: one row per client, in one two-level aggregation (client and day, then client), with the
  months each client was active as bits, so that active clients by month need no pass of their own, and,
  for the churn model, the figures at its cut-off (known from the first pass's gaps: no pass of its own);
- main_value: each client's most frequent country, channel or category.

Purchase days are calendar days: several purchases on one day count as one, as in the literature on
purchase models. Nothing is stored between passes unless the caller stores it: each pass is one query
that streams the file, which costs less than writing its lines down and reading them again (measured on
10 million lines: storing the per-client-day table cost as much as the passes it saved). Every aggregate
has a fixed-size state (no ordered aggregate, no list) and clients are grouped by integers, so that
DuckDB can spill any of them under its memory limit; there is no window, so that Spark spreads the work
over its partitions as DuckDB does over its threads.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections.abc import Callable

import ibis

OK = 0
# Months per word of the activity bits (a signed 64-bit integer: bit 63 is left alone)
MONTH_BITS = 62
# Ids of digits only are grouped by the number they write and their length (5 bits): 17 digits fit in 64 bits
NUMBER_DIGITS = 17
PRINT_MASK = (1 << 31) - 1  # id prints times lines, summed over 4 billion lines, stay within 63 bits


def day_counts(lines, check_ids: bool = False, one_in: int = 1, hash=None, dedup: bool = True):
    """Return lines, amount, zero-amount lines and duplicate copies by rule, day and `sample`; with
    `check_ids`, also `id_prints`: the sum of the lines used weighted by id_print of their client, which a
    summary keyed by number must give back (else an id was not digits only). Without `dedup` (no line has
    copies dropped) the copies are 0, written on the counts rather than summed line by line.

    `sample` is 0 except for the lines used of the clients whose id hashes to 0 modulo `one_in` (every
    client for 1), where it is that hash (an id hashing to 0 itself: one chance in 2^63): their purchase days
    come back with the counts, and the gaps between purchases are measured on them without a pass, a window
    or a list of their own. Not a null: pandas would make the column floats, and hashes would lose bits.
    `hash` is the engine's hash of a column (Engine.hash; default: Ibis's, which is 32 bits wide on Spark).
    """
    # the hash in a projection of its own: named three times below, the engine computed it three times
    lines = lines.mutate(rg_key=hashed(lines.client, hash))
    kept = lines.lines
    used = lines.rule == OK
    key = lines.rg_key
    extra = {"id_prints": ibis.ifelse(used, (key & PRINT_MASK) * kept, 0).sum()} if check_ids else {}
    chosen = used if one_in == 1 else used & (key % one_in == 0)
    sample = ibis.ifelse(chosen, key, ibis.literal(0, "int64"))
    if dedup:
        extra.update(dups=lines.dups.sum(), dup_amount=(lines.amount * lines.dups).sum())
    counts = lines.group_by(rule=lines.rule, day=lines.day, sample=sample).aggregate(
        lines=kept.sum(), amount=(lines.amount * kept).sum(), zero_lines=ibis.ifelse(lines.amount == 0, kept, 0).sum(),
        **extra)
    if dedup:
        return counts
    return counts.mutate(dups=ibis.literal(0, "int64"), dup_amount=ibis.literal(0.0, "float64"))


def used(lines, as_of: dt.date):
    """Return the lines no rule caught, up to and including the analysis date."""
    return lines.filter((lines.rule == OK) & (lines.day <= ibis.date(as_of)))


def month_index(day, first_month: dt.date):
    """Return the number of calendar months from `first_month` to `day` (0 for the same month)."""
    return day.year() * 12 + day.month() - (first_month.year * 12 + first_month.month)


@ibis.udf.agg.builtin(name="min_by")
def min_by(arg: float, key: dt.date) -> float:
    """Return `arg` at the smallest `key` (DuckDB's and Spark's min_by: a fixed-size state, so a large
    aggregation can spill; ibis's own argmin is an ordered FIRST on DuckDB, which holds every row)."""


@ibis.udf.agg.builtin(name="bit_or")
def bit_or(arg: int) -> int:
    """Return the bitwise OR of `arg` over a group (DuckDB's and Spark's bit_or: Ibis has no Spark rule for
    its own BitOr)."""


def hashed(column, hash=None):
    """Return `hash`(`column`) (an engine's Engine.hash), or Ibis's own hash of it when `hash` is None."""
    return hash(column) if hash is not None else column.hash()


def id_print(client, hash=None):
    """Return a 31-bit print of a client id (from its hash, hashed()): summed over lines, it tells whether
    the ids a summary gives back are the ids read (a wrong id passes unseen about once in 2^31)."""
    return hashed(client, hash) & PRINT_MASK


def client_key(client, keys: str, hash=None):
    """Return the key clients are grouped by: the id itself ('id'), a hash of it (hashed(): 'hash'), or the
    number an id of digits only writes times 32 plus its length ('number'): an integer that gives the id back,
    zeros in front included (id_of_key). Any other id ('+12', '1e3', 'A7', 20 digits) gets a key that gives
    another id back, or none: the caller compares id prints."""
    if keys == "hash":
        return hashed(client, hash)
    if keys == "number":
        # the modulo keeps any number a cast reads in range (no overflow), without a test on every line
        return client.try_cast("int64") % 10 ** NUMBER_DIGITS * 32 + client.length()
    return client


def id_of_key(key):
    """Return the id a 'number' key (client_key) was made from: the number with zeros in front up to the length."""
    return (key >> 5).cast("string").lpad((key & 31).cast("int32"), "0")


def text_order(key):
    """Return an integer that sorts 'number' keys (client_key) as their ids sort as text: the number with
    zeros after it up to NUMBER_DIGITS digits, then the length (an id sorts before the longer ids it begins).
    The number is taken modulo 10^length, a no-op for an id of digits, so that no key overflows."""
    length = ibis.least(key & 31, NUMBER_DIGITS)
    power = (ibis.literal(10, "int64") ** length).cast("int64")
    scale = (ibis.literal(10, "int64") ** (NUMBER_DIGITS - length)).cast("int64")
    return (key >> 5) % power * scale * 32 + length


# The integer that sorts summary's rows keyed by number as their ids sort as text (text_order)
ORDER = "rg_order"


def summary(lines, as_of: dt.date, calibration_end: dt.date, first_month: dt.date, words: int,
            with_invoices: bool = False, keys: str = "id", cutoff: dt.date | None = None, recent_days: int = 90,
            hash=None):
    """Return one row per client of used lines, in no order (summary_order names the column that sorts them by
    client id, so that a run gives the same frame as the last):
    first and last purchase day, purchase days, lines, revenue, distinct invoices (counted per day), the
    purchase days after `calibration_end` (holdout_days), the figures of figures() at `as_of`,
    `months_<w>`: the months since `first_month` in which the client bought, as bits of `words` integers,
    and with a `cutoff`, the churn model's figures of cutoff_figures() (purchase days counted in windows of
    `recent_days`).

    Clients are grouped by client_key(`keys`). DuckDB spills an aggregation keyed by integers to disk, but
    not one keyed by text (measured: a 2 GB log under 512MB), hence 'number' and 'hash'. A 'number' key
    is the id itself, so nothing else rides along; the rows then have `id_print` (id_print of the id given
    back), for the caller to compare with day_counts' `id_prints`, and `key` and `rg_order` (summary_order),
    for the caller to drop. With 'hash' the id rides along as a value, which costs a third of the pass, and
    `client_check` (the largest id of a hash) differs from `client` only if two ids share a hash, which the
    caller checks; `hash` is the one day_counts took
    (hashed()), so that the prints agree. Conditional sums are CASE inside the aggregate: faster than FILTER.
    """
    by_hash = keys == "hash"
    groups = {"key": client_key(lines.client, keys, hash), "day": lines.day,
              **({"invoice": lines.invoice} if with_invoices else {})}
    # keyed by hash, any id of a (hash, day) group will do: two ids sharing a hash show as different ids below
    ids = {"client": lines.client.arbitrary()} if by_hash else {}
    # whole numbers are summed as floats (exact below 2^53): DuckDB sums integers into 128-bit states,
    # which cost a third more at the client level (measured on 10 million lines)
    days = lines.group_by(**groups).aggregate(**ids, amount=lines.amount.sum(),
                                              lines=lines.lines.cast("float64").sum())
    if with_invoices:
        ids = {"client": days.client.arbitrary()} if by_hash else {}
        days = days.group_by(["key", "day"]).aggregate(**ids, amount=days.amount.sum(), lines=days.lines.sum(),
                                                       invoices=days.invoice.count().cast("float64"))
    later = days.day > ibis.date(calibration_end)
    index = month_index(days.day, first_month)
    one = ibis.literal(1, "int64")
    if words == 1:  # two years of months fit in one word: no test of which word a month is in
        bits = {"months_0": bit_or(one << index)}
    else:
        bits = {f"months_{w}": bit_or(ibis.ifelse((index // MONTH_BITS) == w, one << (index % MONTH_BITS),
                                                  ibis.literal(0, "int64"))) for w in range(words)}
    extra = {"invoices": days.invoices.sum()} if with_invoices else {}
    if by_hash:
        extra.update(client=days.client.min(), client_check=days.client.max())
    # purchase days counted under a condition: at most the days between the bounds, so that they share sums
    counts = [("holdout_days", later, (as_of - calibration_end).days)]
    if cutoff is not None:
        extra.update(cutoff_sums(days, cutoff))
        counts += cutoff_counts(days, cutoff, as_of, recent_days, first_month)
    sums, unpack = packed_counts(counts)
    out = days.group_by("key").aggregate(
        first_purchase=days.day.min(), last_purchase=days.day.max(),
        purchase_days=ibis._.count(), lines=days.lines.sum(), revenue=days.amount.sum(),
        first_amount=min_by(days.amount, days.day), holdout_revenue=ibis.ifelse(later, days.amount, 0.0).sum(),
        cal_last=ibis.ifelse(later, ibis.null("date"), days.day).max(), **bits, **extra, **sums)
    whole = {"lines": out.lines.cast("int64"), **({"invoices": out.invoices.cast("int64")} if with_invoices else {})}
    out = out.mutate(**whole, **unpack(out)).drop(*sums)
    out = figures(out, as_of, calibration_end)
    if cutoff is not None:
        out = cutoff_figures(out, cutoff)
    if keys == "number":
        client = id_of_key(out.key)
        return out.mutate(client=client, id_print=id_print(client, hash), **{ORDER: text_order(out.key)})
    return out.drop("key") if by_hash else out.rename(client="key")


def summary_order(keys: str) -> str:
    """Return the column that sorts summary(keys=`keys`)'s rows by client id (unique, in the ids' text order):
    the engine returns them in no order and the caller sorts them as they arrive (Engine.frame's `order`).

    An ORDER BY made DuckDB carry every column of a million clients through its sort: 0.3 s of the pass's
    3.0 s on 10 million lines (medians of five runs of the query), where sorting the arrived columns costs
    0.15 s; on Spark it was a shuffle of every client."""
    return ORDER if keys == "number" else "client"


def figures(out, as_of: dt.date, calibration_end: dt.date):
    """Return the per-client rows of summary with each client's figures at `as_of` and at the calibration
    end (reportgen.ingest.logsummary says what they mean), in place of the amounts they come from. The
    engine does a million clients' arithmetic on its threads and in memory it already holds, and the
    columns then reach pandas without a copy (in pandas, each new column of a million clients cost page
    faults on fresh memory: up to half a second for the table).

    Days are counted by date_diff, NaN (not null) marks a figure a client outside the calibration has not,
    so that the float columns stay plain; the integer ones hold 0 there, for the caller to mask."""
    end, cal = ibis.date(as_of), ibis.date(calibration_end)
    first, last, days = out.first_purchase, out.last_purchase, out.purchase_days
    x = days - 1
    x_cal = x - out.holdout_days
    repeat = out.revenue - out.first_amount
    inside = first <= cal
    zero, nan = ibis.literal(0.0, "float64"), ibis.literal(float("nan"), "float64")
    return out.mutate(
        mean_basket=out.revenue / days, recency_days=end.delta(last, unit="day"),
        tenure_days=end.delta(first, unit="day"), x=x, t_x=last.delta(first, unit="day") / 7,
        T=end.delta(first, unit="day") / 7, zbar=ibis.ifelse(x > 0, repeat / x, zero), in_calibration=inside,
        x_cal=ibis.ifelse(inside, x_cal, 0),
        t_x_cal=ibis.ifelse(inside, out.cal_last.delta(first, unit="day") / 7, nan),
        T_cal=ibis.ifelse(inside, cal.delta(first, unit="day") / 7, nan),
        zbar_cal=ibis.ifelse(inside, ibis.ifelse(x_cal > 0, (repeat - out.holdout_revenue) / x_cal, zero), nan),
    ).drop("first_amount", "holdout_revenue", "cal_last")


def cutoff_sums(days, cutoff: dt.date) -> dict:
    """Return the client-level aggregates of the churn model's figures other than counts, from summary's
    client-day rows: the revenue up to `cutoff` (cut_revenue) and the last purchase day up to it
    (cut_last_purchase, null when none).

    They ride on summary's pass: the cut-off (the analysis date minus the inactivity threshold) follows from
    the gaps between purchases, which the first pass (day_counts) already brings back, so the churn model
    costs a few sums more at the client level, not a scan of the file of its own."""
    before = days.day <= ibis.date(cutoff)
    return {"cut_revenue": ibis.ifelse(before, days.amount, 0.0).sum(),
            "cut_last_purchase": ibis.ifelse(before, days.day, ibis.null("date")).max()}


def cutoff_counts(days, cutoff: dt.date, as_of: dt.date, recent_days: int, first_month: dt.date) -> list:
    """Return the churn model's counts of purchase days as (name, condition, most days) for packed_counts:
    up to `cutoff` (cut_purchase_days), in the `recent_days` up to `cutoff` and in the `recent_days` before
    those, and the same two up to `as_of` (WINDOWS)."""

    def between(end: dt.date, back: int):
        """Return whether a purchase day is in the `recent_days` ending `back` windows before `end`."""
        high, low = end - dt.timedelta(days=back * recent_days), end - dt.timedelta(days=(back + 1) * recent_days)
        return (days.day > ibis.date(low)) & (days.day <= ibis.date(high))

    windows = [between(cutoff, 0), between(cutoff, 1), between(as_of, 0), between(as_of, 1)]
    return [("cut_purchase_days", days.day <= ibis.date(cutoff), (cutoff - first_month).days + 1),
            *((name, inside, recent_days) for name, inside in zip(WINDOWS, windows))]


# The purchase-day counts of the churn model's windows (cutoff_counts)
WINDOWS = ("cut_recent_days", "cut_previous_days", "recent_days", "previous_days")
# Bits a sum of packed counts may use: a float64 holds every whole number below 2^53 exactly
PACKED_BITS = 53


def packed_counts(counts: list) -> tuple[dict, Callable]:
    """Return the sums that count the rows meeting each condition of `counts` ((name, condition, most
    rows)), packed several to a sum, and a function of the aggregated table that returns each count by name
    (int64 columns).

    Each aggregate updates a million clients' states row by row: on 10 million lines, four counts as four
    sums added 2.1 s of CPU time to the per-client pass's 9.0 s, as one sum 0.6 s (medians of about ten
    runs). A count takes the bits of its most rows; the sums are of floats, exact below 2^53 whatever the
    order of the rows (an engine's integer sum may widen to 128 bits, which costs more)."""
    fields, sums, used = [], {}, PACKED_BITS
    for name, condition, most in counts:
        width = max(1, int(most)).bit_length()
        if used + width > PACKED_BITS:
            sums[f"packed_{len(sums)}"], used = [], 0
        key = f"packed_{len(sums) - 1}"
        sums[key].append((condition, used))
        fields.append((name, key, used, width))
        used += width
    aggregates = {key: functools.reduce(operator.add, (ibis.ifelse(c, _double(1 << shift), _double(0))
                                                       for c, shift in parts)).sum() for key, parts in sums.items()}

    def unpack(out) -> dict:
        return {name: (out[key].cast("int64") >> shift) & ((1 << width) - 1) for name, key, shift, width in fields}

    return aggregates, unpack


def _double(number: int):
    """Return `number` as a float64 expression the engine reads as a float: Ibis writes a float literal as
    `128.0`, which DuckDB reads as a DECIMAL, and a sum of DECIMAL cases is summed into 128-bit states (the
    per-client pass over 10 million lines 3.21 s -> 3.00 s, medians of five runs of its query)."""
    return ibis.literal(number, "int64").cast("float64")


def cutoff_figures(out, cutoff: dt.date):
    """Return summary's rows with `in_cutoff` (the first purchase is on or before `cutoff`: the clients the
    churn model learns from) and NaN as the cut-off revenue of the others, as figures() marks a figure a
    client has not; counts hold 0 outside the cut-off, for the caller to mask (reportgen.ingest.logcutoff)."""
    inside = out.first_purchase <= ibis.date(cutoff)
    nan = ibis.literal(float("nan"), "float64")
    return out.mutate(in_cutoff=inside, cut_revenue=ibis.ifelse(inside, out.cut_revenue, nan))


def main_value(lines, attribute: str, by_hash: bool = False, hash=None):
    """Return each client's most frequent value of `attribute` (by lines; ties: the first in sort order);
    `by_hash` as summary's 'hash' keys (ids and values riding along), with `hash` as in hashed()."""
    present = lines.filter(lines[attribute].notnull())
    key = hashed(present.client, hash) if by_hash else present.client
    value_key = hashed(present[attribute], hash) if by_hash else present[attribute]
    counts = present.group_by(key=key, value_key=value_key).aggregate(
        client=present.client.min(), value=present[attribute].min(), n=present.lines.sum())
    top = counts.group_by("key").aggregate(top=counts.n.max())
    best = counts.join(top, [counts.key == top.key, counts.n == top.top])
    return best.group_by(best.key).aggregate(client=best.client.min(), **{attribute: best.value.min()}).drop("key")
