"""A synthetic transaction log shaped like an online shop's invoice lines (`reportgen sample --kind transactions`).

Clients buy as the BG/NBD model assumes (Fader, Hardie and Lee 2005): while alive, each buys at a rate of
its own (Gamma across clients, purchases a Poisson process in time) and after each purchase leaves for good
with a probability of its own (Beta across clients); each client's baskets scatter around a mean of its own
(the Gamma-Gamma spend model). So a lifetime-value model has something true to find. Each purchase day is
an invoice of a few lines (item, quantity, unit price), and the log carries what real exports carry:
cancelled invoices (numbers starting with C, negative quantities), returns, lines without a client id
(guest checkouts), exact duplicate lines, free items and a few countries. Same seed, same log.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

LOG_COLUMNS = ("InvoiceNo", "StockCode", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID", "Country")
START, END = pd.Timestamp("2025-01-01"), pd.Timestamp("2026-09-30")
ACQUISITION_DAYS = 455  # clients make their first purchase in the first fifteen months
# BG/NBD: purchase rate per week ~ Gamma(R, scale 1/ALPHA); dropout after a purchase ~ Beta(A, B)
R, ALPHA, A, B = 0.9, 9.0, 0.8, 4.0
# Gamma-Gamma: a basket ~ Gamma(P, rate nu), nu ~ Gamma(Q, rate GAMMA): mean basket P * GAMMA / (Q - 1) = 40
P, Q, GAMMA = 6.0, 4.0, 20.0
COUNTRIES = ("France", "Germany", "Belgium", "Spain", "Switzerland", "Netherlands")
COUNTRY_SHARES = (0.45, 0.2, 0.12, 0.1, 0.08, 0.05)
CATALOGUE = 240  # items, each with its unit price
CANCELLED_SHARE, GUEST_SHARE, RETURN_SHARE, DUPLICATE_SHARE, FREE_SHARE = 0.02, 0.05, 0.004, 0.01, 0.002


def generate_log(clients: int, seed: int) -> pd.DataFrame:
    """Return a log of about `clients` clients' invoice lines over 21 months, sorted by date (see the module)."""
    rng = np.random.default_rng(seed)
    prices = np.round(np.exp(rng.normal(1.4, 0.8, CATALOGUE)), 2) + 0.25
    days, owners, baskets = _purchase_days(rng, clients)
    guests = max(1, int(GUEST_SHARE * len(days)))
    days = np.concatenate([days, rng.integers(0, (END - START).days + 1, guests)])
    owners = np.concatenate([owners, np.full(guests, -1)])
    baskets = np.concatenate([baskets, rng.gamma(P, 1 / rng.gamma(Q, 1 / GAMMA, guests))])
    minutes = rng.integers(8 * 60, 20 * 60, len(days))
    order = np.argsort(days * 1440 + minutes, kind="stable")  # invoices are numbered in time order
    days, owners, baskets, minutes = days[order], owners[order], baskets[order], minutes[order]
    invoices = np.arange(len(days)) + 536_000
    countries = np.asarray(COUNTRIES)[rng.choice(len(COUNTRIES), clients + len(days), p=COUNTRY_SHARES)]
    # a client's country is its own; a guest's is drawn for each invoice
    places = np.where(owners >= 0, countries[np.maximum(owners, 0)], countries[clients:])
    lines = _lines(rng, invoices, days, minutes, owners, baskets, prices)
    lines["Country"] = places[lines.pop("at").to_numpy()]
    lines = pd.concat([lines, _cancellations(rng, lines)], ignore_index=True)
    lines = _dirt(rng, lines)
    owner = lines.pop("owner").to_numpy()
    lines["CustomerID"] = np.where(owner >= 0, (12_346 + np.maximum(owner, 0)).astype(str), None)
    lines = lines.sort_values(["when", "InvoiceNo"], kind="stable").reset_index(drop=True)
    lines["InvoiceDate"] = lines.pop("when").dt.strftime("%Y-%m-%d %H:%M")
    return lines[list(LOG_COLUMNS)]


def _purchase_days(rng: np.random.Generator, clients: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return the purchase days (from START), their client and basket amount, from the BG/NBD process."""
    rate = rng.gamma(R, 1 / ALPHA, clients) / 7  # per day
    dropout = rng.beta(A, B, clients)
    spend = rng.gamma(Q, 1 / GAMMA, clients)  # each client's nu
    horizon = (END - START).days
    days, owners, baskets = [], [], []
    for client in range(clients):
        day = float(rng.integers(0, ACQUISITION_DAYS))
        while day <= horizon:
            days.append(int(day))
            owners.append(client)
            baskets.append(rng.gamma(P, 1 / spend[client]))
            if rng.random() < dropout[client]:
                break
            day += rng.exponential(1 / rate[client]) + 1  # a new purchase day, at least a day later
    return np.asarray(days), np.asarray(owners), np.asarray(baskets)


def _lines(rng: np.random.Generator, invoices, days, minutes, owners, baskets, prices) -> pd.DataFrame:
    """Return each invoice's lines: a few items whose quantities make up about the basket's amount."""
    counts = 1 + rng.poisson(2.0, len(invoices))
    at = np.repeat(np.arange(len(invoices)), counts)
    items = rng.integers(0, len(prices), len(at))
    weight = rng.gamma(1.0, 1.0, len(at))
    share = weight / np.bincount(at, weight)[at]  # the basket split between the invoice's lines
    wanted = baskets[at] * share
    quantity = np.maximum(1, np.round(wanted / prices[items])).astype(int)
    when = START + pd.to_timedelta(days[at], unit="D") + pd.to_timedelta(minutes[at], unit="m")
    return pd.DataFrame({"InvoiceNo": invoices[at].astype(str), "StockCode": (84_000 + items).astype(str),
                         "Quantity": quantity, "when": when, "UnitPrice": prices[items], "owner": owners[at], "at": at})


def _cancellations(rng: np.random.Generator, lines: pd.DataFrame) -> pd.DataFrame:
    """Return cancelled invoices: some invoices' lines again, a few days later, under C + number, negative."""
    invoices = lines["InvoiceNo"].unique()
    chosen = rng.choice(invoices, max(1, int(CANCELLED_SHARE * len(invoices))), replace=False)
    cancelled = lines[lines["InvoiceNo"].isin(chosen)].copy()
    cancelled["InvoiceNo"] = "C" + cancelled["InvoiceNo"]
    cancelled["Quantity"] = -cancelled["Quantity"]
    later = pd.to_timedelta(rng.integers(0, 5, len(cancelled)), unit="D")
    cancelled["when"] = np.minimum(cancelled["when"] + later, END + pd.Timedelta(hours=20))
    return cancelled


def _dirt(rng: np.random.Generator, lines: pd.DataFrame) -> pd.DataFrame:
    """Return the lines with returns (negative quantities), free items and exact duplicates added."""
    lines = lines.copy()
    regular = ~lines["InvoiceNo"].str.startswith("C")
    returned = regular & (rng.random(len(lines)) < RETURN_SHARE)
    lines.loc[returned, "Quantity"] = -lines.loc[returned, "Quantity"]
    free = regular & ~returned & (rng.random(len(lines)) < FREE_SHARE)
    lines.loc[free, "UnitPrice"] = 0.0
    copies = lines[rng.random(len(lines)) < DUPLICATE_SHARE]
    return pd.concat([lines, copies], ignore_index=True)
