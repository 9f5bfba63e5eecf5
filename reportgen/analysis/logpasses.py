"""The passes over a log, written once in Ibis: table expression in, table expression out, on any engine.

They read the `cells` of reportgen.ingest.logparse (one row per rule, client, day, invoice ...) and return
what comes back to pandas: the counts of each cleaning rule, the log's first and last dates, one row per
client, revenue and active clients by month, and quantiles of the days between purchases. Purchase days
are calendar days: several purchases on one day count as one, as in the literature on purchase models.
Aggregates are used wherever one will do; the one window (the previous purchase day of each client) is
partitioned by client, never global, and quantiles over purchase days are approximate, so that Spark
spreads the work over its partitions as DuckDB does over its threads.
"""

from __future__ import annotations

import datetime as dt

import ibis

OK = 0
GAP_QUANTILES = (0.5, 0.75, 0.8, 0.9, 0.95)


def _copies(cells) -> dict:
    """Return the sums of duplicate copies: zero when the cells have none (duplicates were kept)."""
    if "dups" in cells.columns:
        return {"dups": cells.dups.sum(), "dup_amount": cells.dup_amount.sum()}
    return {"dups": ibis.literal(0, "int64"), "dup_amount": ibis.literal(0.0)}


def rule_counts(cells):
    """Return lines, duplicate copies, amounts and zero-amount lines by cleaning rule (a dozen rows)."""
    return cells.group_by("rule").aggregate(
        lines=cells.lines.sum(), amount=cells.amount.sum(), zero_lines=cells.zero_lines.sum(),
        **_copies(cells)).order_by("rule")


def bounds(cells):
    """Return the first and last purchase day of the lines used (one row)."""
    used = cells.filter(cells.rule == OK)
    return used.aggregate(first=used.day.min(), last=used.day.max())


def after(cells, as_of: dt.date):
    """Return the lines used that come after the analysis date, and their amount (one row)."""
    later = cells.filter((cells.rule == OK) & (cells.day > ibis.date(as_of)))
    return later.aggregate(lines=later.lines.sum(), amount=later.amount.sum(), zero_lines=later.zero_lines.sum())


def window(cells, as_of: dt.date):
    """Return the cells of the lines used, up to and including the analysis date."""
    return cells.filter((cells.rule == OK) & (cells.day <= ibis.date(as_of)))


def daily(used, by_day: bool = False):
    """Return one row per client and purchase day: the day's amount and lines (`by_day`: the cells already
    are one row per client and day, when they have no invoice nor attribute)."""
    if by_day:
        return used.select("client", "day", "amount", "lines")
    return used.group_by(["client", "day"]).aggregate(amount=used.amount.sum(), lines=used.lines.sum())


def clients(days, calibration_end: dt.date):
    """Return one row per client: first and last purchase day, purchase days, lines, revenue, the first day's
    amount, and the purchase days after `calibration_end` (holdout_days) with their amount, and the last
    purchase day up to it (cal_last).

    Conditional sums are written as CASE inside the aggregate: both engines run that faster than a
    FILTER clause.
    """
    later = days.day > ibis.date(calibration_end)
    return days.group_by("client").aggregate(
        first_purchase=days.day.min(), last_purchase=days.day.max(), purchase_days=ibis._.count(),
        lines=days.lines.sum(), revenue=days.amount.sum(), first_amount=days.amount.argmin(days.day),
        holdout_days=ibis.ifelse(later, 1, 0).sum(), holdout_revenue=ibis.ifelse(later, days.amount, 0.0).sum(),
        cal_last=ibis.ifelse(later, ibis.null("date"), days.day).max())


def invoices(used):
    """Return the number of distinct invoices of each client."""
    return used.group_by("client").aggregate(invoices=used.invoice.nunique())


def main_value(used, attribute: str):
    """Return each client's most frequent value of `attribute` (by lines; ties: the first in sort order)."""
    counts = used.filter(used[attribute].notnull()).group_by(["client", attribute]).aggregate(
        n=ibis._.lines.sum())
    top = counts.group_by("client").aggregate(top=counts.n.max())
    best = counts.join(top, [counts.client == top.client, counts.n == top.top])
    return best.group_by("client").aggregate(**{attribute: best[attribute].min()})


def summary(used, calibration_end: dt.date, attributes: tuple[str, ...] = (), with_invoices: bool = False):
    """Return the per-client table: clients() joined with invoices and main attribute values when present."""
    table = clients(daily(used, by_day=not (attributes or with_invoices)), calibration_end)
    extras = ([invoices(used)] if with_invoices else []) + [main_value(used, a) for a in attributes]
    for extra in extras:
        table = table.left_join(extra, "client").drop("client_right")
    return table


def months(days):
    """Return revenue, active clients, purchase days and lines by calendar month."""
    by_month = days.mutate(month=days.day.truncate("M"))
    return by_month.group_by("month").aggregate(
        revenue=by_month.amount.sum(), clients=by_month.client.nunique(), purchase_days=ibis._.count(),
        lines=by_month.lines.sum()).order_by("month")


def gaps(days, quantiles: tuple[float, ...] = GAP_QUANTILES, one_in: int = 1):
    """Return the number of gaps between consecutive purchase days of a client, their mean and approximate
    quantiles, in days (one row); with `one_in` > 1, over the clients whose id hashes to 0 modulo it (a
    sample of clients, all their gaps: sorting every purchase day of a large log costs more than the rest)."""
    if one_in > 1:
        days = days.filter(days.client.hash() % one_in == 0)
    previous = days.day.lag().over(ibis.window(group_by=days.client, order_by=days.day))
    spaced = days.mutate(gap=days.day.delta(previous, unit="day"))
    spaced = spaced.filter(spaced.gap.notnull())
    return spaced.aggregate(count=spaced.gap.count(), mean=spaced.gap.mean(),
                            quantiles=spaced.gap.approx_quantile(list(quantiles)))
