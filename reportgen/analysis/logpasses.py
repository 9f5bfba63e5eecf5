"""The passes over a log's lines, written once in Ibis: table expression in, table expression out, on any engine.

They read the judged lines of reportgen.ingest.logparse.typed_lines (rule, client, day, amount, lines,
dups ...) and return what comes back to pandas:

- day_counts: lines, amounts and duplicate copies by rule and day (a few thousand rows), from which the
  cleaning counts, the log's first and last dates, the lines after the analysis date and revenue by month
  all follow;
- summary: one row per client, in one two-level aggregation (client and day, then client), with the
  months each client was active as bits and the purchase days of a sample of clients, so that active
  clients by month and the gaps between purchases need no pass of their own;
- main_value: each client's most frequent country, channel or category.

Purchase days are calendar days: several purchases on one day count as one, as in the literature on
purchase models. Nothing is stored between passes unless the caller stores it: each pass is one query
that streams the file, which costs less than writing its lines down and reading them again. Quantiles
are computed in pandas from a sample of clients' purchase days, and there is no window at all, so that
Spark spreads the work over its partitions as DuckDB does over its threads.
"""

from __future__ import annotations

import datetime as dt

import ibis

OK = 0
# Months per word of the activity bits (a signed 64-bit integer: bit 63 is left alone)
MONTH_BITS = 62


def day_counts(lines):
    """Return lines, amount, zero-amount lines and duplicate copies by rule and day."""
    kept = lines.lines
    return lines.group_by(["rule", "day"]).aggregate(
        lines=kept.sum(), amount=(lines.amount * kept).sum(), zero_lines=ibis.ifelse(lines.amount == 0, kept, 0).sum(),
        dups=lines.dups.sum(), dup_amount=(lines.amount * lines.dups).sum())


def used(lines, as_of: dt.date):
    """Return the lines no rule caught, up to and including the analysis date."""
    return lines.filter((lines.rule == OK) & (lines.day <= ibis.date(as_of)))


def month_index(day, first_month: dt.date):
    """Return the number of calendar months from `first_month` to `day` (0 for the same month)."""
    return day.year() * 12 + day.month() - (first_month.year * 12 + first_month.month)


def summary(lines, calibration_end: dt.date, first_month: dt.date, words: int, with_invoices: bool = False,
            one_in: int = 1):
    """Return one row per client of used lines: first and last purchase day, purchase days, lines, revenue,
    the first day's amount, the purchase days after `calibration_end` and their amount (holdout_days,
    holdout_revenue), the last purchase day up to it (cal_last), distinct invoices (counted per day),
    `months_<w>`: the months since `first_month` in which the client bought, as bits of `words` integers,
    and `gap_days`: the purchase days (days since 1970) of the clients whose id hashes to 0 modulo `one_in`
    (all of them for 1), from which the gaps between purchases are measured without a window or a pass of
    their own.

    Conditional sums are written as CASE inside the aggregate: the engines run that faster than FILTER.
    """
    keys = ["client", "day", "invoice"] if with_invoices else ["client", "day"]
    days = lines.group_by(keys).aggregate(amount=lines.amount.sum(), lines=lines.lines.sum())
    if with_invoices:
        days = days.group_by(["client", "day"]).aggregate(amount=days.amount.sum(), lines=days.lines.sum(),
                                                          invoices=days.invoice.count())
    later = days.day > ibis.date(calibration_end)
    index = month_index(days.day, first_month)
    one = ibis.literal(1, "int64")
    if words == 1:  # two years of months fit in one word: no test of which word a month is in
        bits = {"months_0": (one << index).bit_or()}
    else:
        bits = {f"months_{w}": ibis.ifelse((index // MONTH_BITS) == w, one << (index % MONTH_BITS),
                                           ibis.literal(0, "int64")).bit_or() for w in range(words)}
    extra = {"invoices": days.invoices.sum()} if with_invoices else {}
    sampled = None if one_in == 1 else (days.client.hash() % one_in) == 0
    extra["gap_days"] = days.day.epoch_days().collect(where=sampled)
    return days.group_by("client").aggregate(
        first_purchase=days.day.min(), last_purchase=days.day.max(), purchase_days=ibis._.count(),
        lines=days.lines.sum(), revenue=days.amount.sum(), first_amount=days.amount.argmin(days.day),
        holdout_days=ibis.ifelse(later, 1, 0).sum(), holdout_revenue=ibis.ifelse(later, days.amount, 0.0).sum(),
        cal_last=ibis.ifelse(later, ibis.null("date"), days.day).max(), **bits, **extra)


def main_value(lines, attribute: str):
    """Return each client's most frequent value of `attribute` (by lines; ties: the first in sort order)."""
    counts = lines.filter(lines[attribute].notnull()).group_by(["client", attribute]).aggregate(
        n=ibis._.lines.sum())
    top = counts.group_by("client").aggregate(top=counts.n.max())
    best = counts.join(top, [counts.client == top.client, counts.n == top.top])
    return best.group_by("client").aggregate(**{attribute: best[attribute].min()})


def at_cutoff(lines, cutoff: dt.date, as_of: dt.date, recent_days: int):
    """Return one row per client of used lines, for the churn model: purchase days and revenue up to `cutoff`
    (cut_days, cut_revenue), the last purchase day up to it (cut_last), and the purchase days in the
    `recent_days` up to `cutoff` and in the `recent_days` before those (cut_recent, cut_previous), and the same
    two counts up to `as_of` (recent, previous).

    A pass of its own: the cut-off is the analysis date minus the inactivity threshold, which the gaps that
    `summary` measures decide, so it is not known while `summary` runs.
    """
    days = lines.group_by(["client", "day"]).aggregate(amount=lines.amount.sum())
    before = days.day <= ibis.date(cutoff)

    def between(end: dt.date, back: int):
        """Return 1 for a purchase day in the `recent_days` ending `back` windows before `end`, else 0."""
        high, low = end - dt.timedelta(days=back * recent_days), end - dt.timedelta(days=(back + 1) * recent_days)
        return ibis.ifelse((days.day > ibis.date(low)) & (days.day <= ibis.date(high)), 1, 0).sum()

    return days.group_by("client").aggregate(
        cut_days=ibis.ifelse(before, 1, 0).sum(), cut_revenue=ibis.ifelse(before, days.amount, 0.0).sum(),
        cut_last=ibis.ifelse(before, days.day, ibis.null("date")).max(),
        cut_recent=between(cutoff, 0), cut_previous=between(cutoff, 1), recent=between(as_of, 0),
        previous=between(as_of, 1))
