"""What comes back from the engine, finished in pandas: the analysis date, the cleaning summary, the months,
the gaps between purchases and the per-client table (whose figures the engine computes:
reportgen.analysis.logpasses.figures).

Per client, at the analysis date `as_of` (purchase days after it are outside the analysis):
- recency_days: days from the last purchase to as_of; tenure_days: days from the first purchase to as_of;
- mean_basket: revenue per purchase day (a day's purchases make one basket, as they make one purchase);
- for the lifetime-value models: x = repeat purchase days (purchase days - 1), t_x = weeks from the first to
  the last purchase, T = weeks from the first purchase to as_of, zbar = mean amount of the repeat purchase
  days (each day's amount summed, the first day left out; 0 when x = 0);
- the same at the calibration end (x_cal, t_x_cal, T_cal, zbar_cal) for clients whose first purchase is on
  or before it (in_calibration), and x_holdout, their purchase days after it, up to as_of.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from reportgen.ingest.logparse import OK, RULES

# The hold-out period of the lifetime-value check when analysis.calibration_end is not set: the last
# quarter before the analysis date, in whole weeks (the models count time in weeks)
HOLDOUT_WEEKS = 13
GAP_QUANTILES = (0.5, 0.75, 0.8, 0.9, 0.95)
# What happens to the lines each rule catches
ACTIONS = {"missing_date": "removed", "bad_date": "error", "missing_amount": "removed", "bad_amount": "error",
           "bad_quantity": "error", "bad_price": "error", "cancelled": "removed", "returns": "removed",
           "negative": "removed", "zero": "removed", "missing_client": "removed", "too_old": "removed",
           "future": "removed"}


def decide_as_of(period_end: dt.date | None, first: dt.date, last: dt.date,
                 configured: dt.date | None = None) -> tuple[dt.date, str]:
    """Return the analysis date and why: 'config' (analysis.as_of), 'period_end' (the report period ends
    inside the log) or 'last_date' (the log's last purchase day)."""
    if configured is not None:
        return configured, "config"
    if period_end is not None and first <= period_end <= last:
        return period_end, "period_end"
    return last, "last_date"


def decide_calibration_end(as_of: dt.date, configured: dt.date | None = None) -> tuple[dt.date, str]:
    """Return the calibration end of the hold-out check and why: 'config', or 'default' (13 weeks before)."""
    if configured is not None:
        return configured, "config"
    return as_of - dt.timedelta(weeks=HOLDOUT_WEEKS), "default"


def cleaning_summary(counts: pd.DataFrame, later: dict, dedup: bool, drop_zero: bool, ragged: int) -> dict:
    """Return every cleaning rule with the lines and revenue it caught and what was done with them.

    `counts` is logpasses.rule_counts; `later` the lines used that come after the analysis date.
    """
    by_rule = counts.set_index("rule")
    used = by_rule.loc[OK] if OK in by_rule.index else pd.Series(0, index=counts.columns)
    rules = []
    for code, name in RULES.items():
        if name == "zero" and not drop_zero:
            continue
        row = by_rule.loc[code] if code in by_rule.index else None
        rules.append({"rule": name, "lines": _int(row, "lines"), "revenue": _float(row, "amount"),
                      "action": ACTIONS[name]})
    zero = _int(used, "zero_lines")
    if not drop_zero:
        rules.append({"rule": "zero", "lines": zero, "revenue": 0.0, "action": "kept"})
    rules.append({"rule": "duplicates", "lines": _int(used, "dups"), "revenue": _float(used, "dup_amount"),
                  "action": "removed" if dedup else "not_checked"})
    rules.append({"rule": "after_as_of", "lines": _int(later, "lines"), "revenue": _float(later, "amount"),
                  "action": "outside"})
    rules.append({"rule": "ragged", "lines": ragged, "revenue": 0.0, "action": "removed"})
    lines_used = _int(used, "lines") - _int(later, "lines")
    revenue_used = _float(used, "amount") - _float(later, "amount")
    lines_read = int(counts["lines"].sum() + counts["dups"].sum()) + ragged
    no_client = next(r for r in rules if r["rule"] == "missing_client")
    valid = revenue_used + no_client["revenue"]
    return {
        "lines_read": lines_read, "revenue_read": float(counts["amount"].sum() + counts["dup_amount"].sum()),
        "lines_used": lines_used, "revenue_used": revenue_used, "rules": rules,
        "missing_client_revenue_share": no_client["revenue"] / valid if valid > 0 else None,
    }


def _int(row, key: str) -> int:
    """Return a count from a row of counts (0 when the rule caught nothing)."""
    value = None if row is None else row.get(key)
    return 0 if value is None or pd.isna(value) else int(value)


def _float(row, key: str) -> float:
    """Return an amount from a row of counts (0 when the rule caught nothing)."""
    value = None if row is None else row.get(key)
    return 0.0 if value is None or pd.isna(value) else float(value)


def client_figures(raw: pd.DataFrame, attributes: tuple[str, ...] = ()) -> pd.DataFrame:
    """Return the per-client table (see the module's docstring) from logpasses.summary's rows, whose figures
    the engine computed (sorted by client id, as the engine returns them): the columns in their order and
    types, x_cal and x_holdout missing outside the calibration, and the cut-off's columns when the rows
    have them."""
    outside = ~raw["in_calibration"].to_numpy(dtype=bool)
    columns = {
        "client_id": raw["client"].astype(str),
        "first_purchase": raw["first_purchase"].astype("datetime64[ns]"),
        "last_purchase": raw["last_purchase"].astype("datetime64[ns]"),
        "purchase_days": raw["purchase_days"].to_numpy(dtype="int64"),
        "lines": raw["lines"].to_numpy(dtype="int64"),
    }
    if "invoices" in raw:
        columns["invoices"] = raw["invoices"].fillna(0).to_numpy(dtype="int64")
    # money to a billionth of the currency: each engine sums a client's lines in its own order (DuckDB and Spark
    # differ in the last bits), and the lifetime-value fit and its charts would carry the difference on
    money = ("revenue", "mean_basket", "zbar")
    for name in ("revenue", "mean_basket", "recency_days", "tenure_days", "x", "t_x", "T", "zbar", "in_calibration"):
        columns[name] = np.round(raw[name].to_numpy(dtype=float), 9) if name in money else raw[name].to_numpy()
    columns["x_cal"] = pd.arrays.IntegerArray(raw["x_cal"].to_numpy(dtype="int64"), outside)
    for name in ("t_x_cal", "T_cal"):
        columns[name] = raw[name].to_numpy(dtype=float)
    columns["zbar_cal"] = np.round(raw["zbar_cal"].to_numpy(dtype=float), 9)
    columns["x_holdout"] = pd.arrays.IntegerArray(raw["holdout_days"].to_numpy(dtype="int64"), outside.copy())
    for attribute in attributes:
        columns[attribute] = raw[attribute].astype(object).where(raw[attribute].notna(), None)
    if "in_cutoff" in raw:  # the churn model's figures at its cut-off
        from reportgen.ingest.logcutoff import cutoff_columns

        columns.update(cutoff_columns(raw))
    return pd.DataFrame(columns, copy=False)  # in the order of the summary: by client id


def rule_table(days: pd.DataFrame) -> pd.DataFrame:
    """Return the day counts (logpasses.day_counts) summed by rule."""
    columns = ["lines", "amount", "zero_lines", "dups", "dup_amount"]
    return days.groupby("rule", as_index=False)[columns].sum()


def after_table(days: pd.DataFrame, as_of: dt.date) -> dict:
    """Return the lines used after the analysis date and their amount."""
    later = days[(days["rule"] == OK) & (pd.to_datetime(days["day"]) > pd.Timestamp(as_of))]
    return {"lines": int(later["lines"].sum()), "amount": float(later["amount"].sum())}


def month_table(days: pd.DataFrame, raw: pd.DataFrame, first_month: dt.date, as_of: dt.date) -> list[dict]:
    """Return revenue, lines and active clients by month ('2010-12') as plain data: the sums from the day
    counts, the clients from each client's activity bits (`months_<w>` of logpasses.summary)."""
    from reportgen.analysis.logpasses import MONTH_BITS

    used = days[(days["rule"] == OK) & (pd.to_datetime(days["day"]) <= pd.Timestamp(as_of))]
    sums = used.assign(month=pd.to_datetime(used["day"]).dt.to_period("M")).groupby("month")[["amount", "lines"]].sum()
    out = []
    for index, month in enumerate(pd.period_range(pd.Timestamp(first_month), pd.Timestamp(as_of), freq="M")):
        word = raw[f"months_{index // MONTH_BITS}"].to_numpy(dtype="int64")
        clients = int(((word >> (index % MONTH_BITS)) & 1).sum())
        row = sums.loc[month] if month in sums.index else None
        out.append({"month": str(month), "revenue": float(row["amount"]) if row is not None else 0.0,
                    "clients": clients, "lines": int(row["lines"]) if row is not None else 0})
    return out


def gap_table(days: pd.DataFrame, as_of: dt.date, one_in: int) -> dict:
    """Return the gaps in days between consecutive purchase days of a client, up to the analysis date, as
    plain data: count, mean and quantiles (exact, interpolated as pandas does), and the share of clients they
    come from. The purchase days are the day counts' rows with a `sample` (logpasses.day_counts)."""
    day = days["day"].to_numpy().astype("datetime64[D]").astype("int64")
    keys = days["sample"].to_numpy(dtype="int64")
    keep = (keys != 0) & (days["rule"].to_numpy() == OK) & (day <= np.datetime64(as_of, "D").astype("int64"))
    day, keys = day[keep], keys[keep]
    values = np.array([], dtype="int64")
    if len(day):
        # one sort of integers (client number times the span, plus the day): a lexical sort of the 63-bit
        # hashes and the days took twice as long (0.05 s for 200,000 purchase days)
        span = int(day.max() - day.min()) + 1
        pairs = np.sort(pd.factorize(keys)[0].astype("int64") * span + (day - day.min()))
        client, offset = np.divmod(pairs, span)
        values = np.diff(offset)[client[1:] == client[:-1]]
    found = np.quantile(values, GAP_QUANTILES) if len(values) else [None] * len(GAP_QUANTILES)
    quantiles = {str(q): (float(v) if v is not None else None) for q, v in zip(GAP_QUANTILES, found)}
    return {"count": int(len(values)), "mean": float(values.mean()) if len(values) else None,
            "quantiles": quantiles, "clients_sampled": 1 / one_in}
