"""An independent reading of a transaction log in plain pandas, for the tests to compare the engine with.

Written from the rules as the README states them, not from the engine's code: cancelled invoices (C...),
returns (negative quantities), negative amounts or prices, lines without a client, dates before 1990 or
after today are dropped; exact duplicates are dropped when asked; purchases after the analysis date are
outside; several purchases on one day are one purchase day.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

COLUMNS = ["client_id", "first_purchase", "last_purchase", "purchase_days", "lines", "revenue", "x", "t_x", "T",
           "zbar", "recency_days", "tenure_days", "x_cal", "t_x_cal", "T_cal", "zbar_cal", "x_holdout"]


def kept_lines(log: pd.DataFrame, today: dt.date, dedup: bool) -> pd.DataFrame:
    """Return the lines a correct cleaning keeps, with `client`, `day` and `value` (the line's amount).

    `log` has columns client, when (datetime), and amount or quantity and price, optionally invoice.
    """
    lines = log.copy()
    value = lines["amount"] if "amount" in lines else lines["quantity"] * lines["price"]
    keep = value >= 0
    if "price" in lines:
        keep &= lines["price"] >= 0
    if "quantity" in lines:
        keep &= lines["quantity"] >= 0
    if "invoice" in lines:
        keep &= ~lines["invoice"].astype(str).str.startswith("C")
    keep &= lines["client"].notna()
    day = pd.to_datetime(lines["when"]).dt.normalize()
    keep &= (day >= pd.Timestamp("1990-01-01")) & (day <= pd.Timestamp(today))
    out = lines[keep]
    if dedup:
        out = out.drop_duplicates()
    out = out.assign(value=(out["amount"] if "amount" in out else out["quantity"] * out["price"]),
                     day=pd.to_datetime(out["when"]).dt.normalize(), client=out["client"].astype(str))
    return out


def per_client(lines: pd.DataFrame, as_of: dt.date, cal_end: dt.date) -> pd.DataFrame:
    """Return the per-client figures of kept lines (see reportgen.ingest.logsummary for their meaning)."""
    end, cal = pd.Timestamp(as_of), pd.Timestamp(cal_end)
    lines = lines[lines["day"] <= end]
    days = lines.groupby(["client", "day"]).agg(amount=("value", "sum"), lines=("value", "size")).reset_index()
    rows = []
    for client, group in days.groupby("client"):
        group = group.sort_values("day")
        first, last = group["day"].iloc[0], group["day"].iloc[-1]
        x = len(group) - 1
        repeat = group["amount"].iloc[1:]
        cal_days = group[group["day"] <= cal]
        inside = first <= cal
        row = {"client_id": client, "first_purchase": first, "last_purchase": last, "purchase_days": len(group),
               "lines": int(group["lines"].sum()), "revenue": group["amount"].sum(), "x": x,
               "t_x": (last - first).days / 7, "T": (end - first).days / 7,
               "zbar": repeat.mean() if x else 0.0, "recency_days": (end - last).days,
               "tenure_days": (end - first).days}
        if inside:
            xc = len(cal_days) - 1
            row.update(x_cal=xc, t_x_cal=(cal_days["day"].iloc[-1] - first).days / 7, T_cal=(cal - first).days / 7,
                       zbar_cal=cal_days["amount"].iloc[1:].mean() if xc else 0.0,
                       x_holdout=int((group["day"] > cal).sum()))
        else:
            row.update(x_cal=np.nan, t_x_cal=np.nan, T_cal=np.nan, zbar_cal=np.nan, x_holdout=np.nan)
        rows.append(row)
    return pd.DataFrame(rows, columns=COLUMNS).sort_values("client_id").reset_index(drop=True)


def assert_same_clients(ours: pd.DataFrame, expected: pd.DataFrame) -> None:
    """Assert the engine's per-client table equals the reference: ids, counts exactly, sums to 1e-9."""
    ours = ours.sort_values("client_id").reset_index(drop=True)
    assert list(ours["client_id"]) == list(expected["client_id"])
    for column in COLUMNS[1:]:
        got = pd.to_numeric(ours[column], errors="coerce") if column not in ("first_purchase", "last_purchase") \
            else pd.to_datetime(ours[column])
        want = expected[column]
        if column in ("first_purchase", "last_purchase"):
            assert (got.to_numpy() == pd.to_datetime(want).to_numpy()).all(), column
            continue
        got, want = got.astype(float).to_numpy(), want.astype(float).to_numpy()
        assert np.array_equal(np.isnan(got), np.isnan(want)), column
        ok = ~np.isnan(want)
        assert np.allclose(got[ok], want[ok], rtol=1e-9, atol=1e-9), (column, got[ok][:5], want[ok][:5])
