"""Transaction logs: read by the engine, cleaned, summarised per client; checked against plain pandas.

Every log is built here; the expected figures come from tests/logref.py (pandas groupby), never from the
code under test.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from reportgen.ingest import load_dataset
from tests.conftest import settings as make_settings
from tests.logref import assert_same_clients, kept_lines, per_client

TODAY = dt.date(2026, 12, 4)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    """Fix 'today' (lines after it are in the future) so that the tests do not age."""
    import reportgen.ingest.transactions as transactions

    monkeypatch.setattr(transactions, "today", lambda: TODAY)


def shop_log() -> pd.DataFrame:
    """Return a small invoice-line log with every kind of dirt a cleaning must count."""
    rows = [
        # invoice, client, when, quantity, price
        ("1001", "007", "2025-01-05 10:00", 2, 3.5),
        ("1001", "007", "2025-01-05 10:00", 1, 10.0),
        ("1001", "007", "2025-01-05 10:00", 1, 10.0),  # exact duplicate of the line above
        ("1002", "007", "2025-01-05 16:30", 1, 4.0),  # a second invoice the same day: one purchase day
        ("1003", "007", "2025-03-01 09:00", 3, 2.0),
        ("C1003", "007", "2025-03-02 09:00", -3, 2.0),  # cancelled
        ("1004", "015", "2025-02-10 12:00", 5, 1.2),
        ("1005", "015", "2025-02-10 12:00", -1, 1.2),  # a return
        ("1006", "015", "2025-06-30 18:00", 1, 0.0),  # a free item: kept, no revenue
        ("1007", None, "2025-03-03 11:00", 4, 5.0),  # no client
        ("1008", "021", "2025-04-01 08:00", 1, -5.0),  # negative price
        ("1009", "021", "2025-04-02 08:00", 2, 6.0),
        ("1010", "021", "1985-04-02 08:00", 2, 6.0),  # implausibly old
        ("1011", "021", "2027-01-02 08:00", 2, 6.0),  # after today
        ("1012", "021", "2025-09-15 08:00", 1, 6.5),
        ("1013", "030", "2025-09-20 13:00", 1, 20.0),
    ]
    frame = pd.DataFrame(rows, columns=["InvoiceNo", "CustomerID", "InvoiceDate", "Quantity", "UnitPrice"])
    return frame


def as_reference(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a shop log under the reference's column names."""
    return frame.rename(columns={"InvoiceNo": "invoice", "CustomerID": "client", "InvoiceDate": "when",
                                 "Quantity": "quantity", "UnitPrice": "price"})


def test_a_shop_log_is_cleaned_and_summarised_as_pandas_does_it(tmp_path):
    frame = shop_log()
    path = tmp_path / "lines.csv"
    frame.to_csv(path, index=False)
    dataset = load_dataset(path, make_settings(analysis={"as_of": "2025-09-30", "calibration_end": "2025-04-30"}))
    assert dataset.kind == "transactions"
    kept = kept_lines(as_reference(frame), TODAY, dedup=True)
    expected = per_client(kept, dt.date(2025, 9, 30), dt.date(2025, 4, 30))
    assert_same_clients(dataset.frame, expected)
    assert list(dataset.frame["client_id"]) == ["007", "015", "021", "030"]  # ids keep their zeros
    assert dataset.frame.set_index("client_id").loc["007", "invoices"] == 3
    assert dataset.frame.set_index("client_id").loc["007", "purchase_days"] == 2
    rules = {r["rule"]: r for r in dataset.log["cleaning"]["rules"]}
    assert {name: rules[name]["lines"] for name in ("cancelled", "returns", "negative", "missing_client", "too_old",
                                                    "future", "duplicates", "zero")} == {
        "cancelled": 1, "returns": 1, "negative": 1, "missing_client": 1, "too_old": 1, "future": 1,
        "duplicates": 1, "zero": 1}
    assert rules["missing_client"]["revenue"] == pytest.approx(20.0)
    assert rules["cancelled"]["revenue"] == pytest.approx(-6.0)
    cleaning = dataset.log["cleaning"]
    assert cleaning["lines_read"] == len(frame)
    assert cleaning["lines_used"] == int(expected["lines"].sum())
    revenue = kept[kept["day"] <= "2025-09-30"]["value"].sum()
    assert cleaning["revenue_used"] == pytest.approx(revenue)
    assert cleaning["missing_client_revenue_share"] == pytest.approx(20.0 / (20.0 + revenue))
    assert dataset.log["as_of_reason"] == "config" and dataset.log["calibration_reason"] == "config"
    assert dataset.log["first_date"] == "2025-01-05" and dataset.log["last_date"] == "2025-09-20"


def test_revenue_and_clients_by_month_and_the_gaps_between_purchases(tmp_path):
    frame = shop_log()
    frame.to_csv(tmp_path / "lines.csv", index=False)
    dataset = load_dataset(tmp_path / "lines.csv", make_settings(analysis={"as_of": "2025-09-30"}))
    kept = kept_lines(as_reference(frame), TODAY, dedup=True)
    months = kept.assign(month=kept["day"].dt.strftime("%Y-%m")).groupby("month").agg(
        revenue=("value", "sum"), clients=("client", "nunique"))
    # every month from the first purchase to the analysis date is listed, a month without sales as zeros
    months = months.reindex(pd.period_range("2025-01", "2025-09", freq="M").astype(str), fill_value=0)
    got = pd.DataFrame(dataset.log["by_month"]).set_index("month")
    assert list(got.index) == list(months.index)
    assert np.allclose(got["revenue"], months["revenue"]) and list(got["clients"]) == list(months["clients"])
    days = kept[["client", "day"]].drop_duplicates().sort_values(["client", "day"])
    gaps = days.groupby("client")["day"].diff().dropna().dt.days
    assert dataset.log["gaps"]["count"] == len(gaps)
    assert dataset.log["gaps"]["mean"] == pytest.approx(gaps.mean())
    for q in (0.5, 0.75, 0.8, 0.9, 0.95):
        assert dataset.log["gaps"]["quantiles"][str(q)] == pytest.approx(gaps.quantile(q))
    assert dataset.log["gaps"]["clients_sampled"] == 1


def test_the_analysis_date_is_the_period_end_inside_the_log_else_its_last_date():
    from reportgen.ingest.logsummary import decide_as_of, decide_calibration_end

    first, last = dt.date(2025, 1, 5), dt.date(2025, 11, 20)
    assert decide_as_of(dt.date(2025, 9, 30), first, last) == (dt.date(2025, 9, 30), "period_end")
    assert decide_as_of(dt.date(2026, 9, 30), first, last) == (last, "last_date")
    assert decide_as_of(dt.date(2024, 12, 31), first, last) == (last, "last_date")
    assert decide_as_of(None, first, last, dt.date(2025, 6, 1)) == (dt.date(2025, 6, 1), "config")
    assert decide_calibration_end(dt.date(2025, 9, 30)) == (dt.date(2025, 7, 1), "default")


def test_purchases_after_the_period_end_are_counted_outside_the_analysis(tmp_path):
    frame = shop_log()
    frame.to_csv(tmp_path / "lines.csv", index=False)
    dataset = load_dataset(tmp_path / "lines.csv", make_settings(report={"period": "2025-Q2"}))
    assert dataset.log["as_of"] == "2025-06-30" and dataset.log["as_of_reason"] == "period_end"
    kept = kept_lines(as_reference(frame), TODAY, dedup=True)
    after = kept[kept["day"] > "2025-06-30"]
    rules = {r["rule"]: r for r in dataset.log["cleaning"]["rules"]}
    assert rules["after_as_of"]["lines"] == len(after)
    assert rules["after_as_of"]["revenue"] == pytest.approx(after["value"].sum())
    assert "030" not in set(dataset.frame["client_id"])  # its only purchase is after the analysis date


# --- random logs: the engine against pandas ---------------------------------------------------------------

line = st.tuples(
    st.sampled_from(["C1", "C2", "C3", "c4", None]),  # client ids (the lower-case one is not a cancellation)
    st.integers(0, 400),  # day offset
    st.sampled_from(["1", "2", "3", "C9"]),  # invoice
    st.integers(-2, 5),  # quantity
    st.sampled_from([0.0, 1.25, 2.5, 9.99, -1.0]),  # price
)


@hsettings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(line, min_size=1, max_size=40), st.integers(0, 3))
def test_any_log_gives_the_per_client_figures_pandas_gives(tmp_path_factory, lines, copies):
    frame = pd.DataFrame(lines, columns=["client", "offset", "invoice", "quantity", "price"])
    frame["when"] = (pd.Timestamp("2025-01-01") + pd.to_timedelta(frame.pop("offset"), unit="D")).dt.strftime(
        "%Y-%m-%d %H:%M")
    frame = pd.concat([frame, frame.head(copies)], ignore_index=True)  # exact duplicates
    reference = kept_lines(frame, TODAY, dedup=True)
    path = tmp_path_factory.mktemp("log") / "log.csv"
    frame.rename(columns={"client": "CustomerID", "invoice": "InvoiceNo", "quantity": "Quantity",
                          "price": "UnitPrice", "when": "InvoiceDate"}).to_csv(path, index=False)
    settings = make_settings(data={"kind": "transactions"},
                             analysis={"as_of": "2026-01-31", "calibration_end": "2025-06-30"})
    expected = per_client(reference, dt.date(2026, 1, 31), dt.date(2025, 6, 30))
    if len(expected) < 2:  # nothing left, or a single client up to the analysis date: refused
        from reportgen.errors import DataError

        with pytest.raises(DataError):
            load_dataset(path, settings)
        return
    dataset = load_dataset(path, settings)
    assert_same_clients(dataset.frame, expected)
    assert dataset.log["cleaning"]["lines_read"] == len(frame)


# --- formats, encodings, languages -----------------------------------------------------------------------


def test_parquet_csv_and_xlsx_give_the_same_summary(tmp_path):
    frame = shop_log()
    settings = make_settings(analysis={"as_of": "2025-09-30"})
    frame.to_csv(tmp_path / "log.csv", index=False)
    frame.to_parquet(tmp_path / "log.parquet", index=False)
    frame.to_excel(tmp_path / "log.xlsx", index=False)
    csv = load_dataset(tmp_path / "log.csv", settings)
    for name in ("log.parquet", "log.xlsx"):
        other = load_dataset(tmp_path / name, settings)
        pd.testing.assert_frame_equal(other.frame, csv.frame)
        assert other.log["cleaning"] == csv.log["cleaning"]


def test_a_typed_parquet_log_with_numeric_ids_and_timestamps(tmp_path):
    frame = as_reference(shop_log()).dropna(subset=["client"])
    frame["client"] = frame["client"].astype(int)
    frame["when"] = pd.to_datetime(frame["when"])
    frame.rename(columns={"client": "customer_id", "when": "order_date"}).to_parquet(tmp_path / "t.parquet")
    dataset = load_dataset(tmp_path / "t.parquet", make_settings(analysis={"as_of": "2025-09-30"}))
    assert dataset.log["date_order"] == "typed"
    expected = per_client(kept_lines(frame, TODAY, dedup=True), dt.date(2025, 9, 30), dt.date(2025, 7, 1))
    assert_same_clients(dataset.frame, expected)
    assert list(dataset.frame["client_id"]) == ["15", "21", "30", "7"]


def test_a_russian_cp1251_log_with_semicolons_and_decimal_commas(tmp_path):
    text = ("номер чека;клиент;дата;количество;цена\n"
            "1;Иванов;05.01.2025;2;1 234,50\n"
            "2;Петров;13.01.2025;1;99,90\n"
            "2;Петров;13.01.2025;1;99,90\n"
            "3;Иванов;01.02.2025 14:05;1;10,00\n")
    (tmp_path / "чеки.csv").write_bytes(text.encode("cp1251"))
    dataset = load_dataset(tmp_path / "чеки.csv", make_settings(analysis={"as_of": "2025-03-31"}))
    assert dataset.encoding == "cp1251" and dataset.separator == ";"
    assert dataset.log["columns"] == {"client": "клиент", "date": "дата", "invoice": "номер чека",
                                      "quantity": "количество", "price": "цена"}
    assert dataset.log["date_format"].startswith("%d.%m.%Y")
    by_client = dataset.frame.set_index("client_id")
    assert by_client.loc["Иванов", "revenue"] == pytest.approx(2 * 1234.5 + 10.0)
    assert by_client.loc["Петров", "revenue"] == pytest.approx(99.9)  # the duplicate line is dropped
    assert by_client.loc["Иванов", "purchase_days"] == 2


def test_a_french_log_with_an_amount_column(tmp_path):
    text = ("facture;client;date;montant\nF1;A;2025-01-03;12,5\nF2;B;2025-01-04;7\nF3;A;2025-02-03;30\n")
    (tmp_path / "ventes.csv").write_text(text, encoding="utf-8")
    dataset = load_dataset(tmp_path / "ventes.csv", make_settings(analysis={"as_of": "2025-03-31"}))
    assert dataset.log["columns"] == {"client": "client", "date": "date", "invoice": "facture", "amount": "montant"}
    assert dataset.log["amount_from"] == "amount"
    assert dataset.frame.set_index("client_id").loc["A", "zbar"] == pytest.approx(30.0)


def test_a_table_with_a_churn_flag_is_no_log_even_with_a_date(tmp_path):
    frame = pd.DataFrame({"client_id": ["a", "b", "c"], "date": ["2025-01-01"] * 3, "amount": [1.0, 2.0, 3.0],
                          "churn": [0, 1, 0]})
    from reportgen.ingest.logcolumns import is_log
    from reportgen.ingest.logsample import read_sample

    frame.to_csv(tmp_path / "t.csv", index=False)
    settings = make_settings()
    assert not is_log(read_sample(tmp_path / "t.csv", settings.data), settings.columns)
    frame.drop(columns="churn").to_csv(tmp_path / "log.csv", index=False)
    assert is_log(read_sample(tmp_path / "log.csv", settings.data), settings.columns)


def test_columns_mapped_in_the_config_win_over_names(tmp_path):
    frame = pd.DataFrame({"who": ["a", "b", "a"], "when_paid": ["2025-01-01", "2025-01-02", "2025-02-01"],
                          "paid": [1.0, 2.0, 3.0], "amount": [100.0, 100.0, 100.0]})
    frame.to_csv(tmp_path / "t.csv", index=False)
    settings = make_settings(data={"kind": "transactions"},
                             columns={"id": "who", "date": "when_paid", "amount": "paid"})
    dataset = load_dataset(tmp_path / "t.csv", settings)
    assert dataset.log["columns"] == {"client": "who", "date": "when_paid", "amount": "paid"}
    assert dataset.frame["revenue"].sum() == pytest.approx(6.0)
    assert dataset.roles.sources == {"who": "config", "when_paid": "config", "paid": "config"}


def test_a_cell_the_fast_reader_refuses_late_in_the_file_is_read_by_the_tolerant_path(tmp_path):
    from reportgen.ingest.logsample import SAMPLE_ROWS

    # the first lines are plain (ISO dates, plain numbers): the reader types them itself, until a date with
    # spaces around it and a missing marker it does not know; the whole pass is then made on text
    lines = [f"c{i % 7},2025-01-{1 + i % 28:02d},{1 + i % 5}.25" for i in range(SAMPLE_ROWS + 50)]
    lines += ["c1, 2025-03-01 ,4.5", "c2,2025-03-02,#N/A", "c3,2025-03-03,  7  "]
    (tmp_path / "log.csv").write_text("client,date,amount\n" + "\n".join(lines) + "\n", encoding="utf-8")
    dataset = load_dataset(tmp_path / "log.csv", make_settings(analysis={"as_of": "2025-03-31"}))
    frame = pd.DataFrame([line.split(",") for line in lines], columns=["client", "when", "amount"])
    frame["amount"] = pd.to_numeric(frame["amount"].str.strip(), errors="coerce")
    frame["when"] = frame["when"].str.strip()
    reference = kept_lines(frame.dropna(subset=["amount"]), TODAY, dedup=False)
    assert_same_clients(dataset.frame, per_client(reference, dt.date(2025, 3, 31), dt.date(2024, 12, 30)))
    rules = {r["rule"]: r["lines"] for r in dataset.log["cleaning"]["rules"]}
    assert rules["missing_amount"] == 1 and rules["ragged"] == 0


@pytest.mark.parametrize(("dates", "separator", "late"), [("%Y-%m-%d", ",", ""), ("%d/%m/%Y", ";", ""),
                                                      ("%d/%m/%Y", ";", "#N/A")])
def test_a_csv_log_stored_once_or_read_again_by_each_pass_gives_the_same_summary(tmp_path, monkeypatch, dates,
                                                                                 separator, late):
    from reportgen.engine import Engine
    from reportgen.ingest.logsample import SAMPLE_ROWS

    # no invoice and no time: no duplicates are dropped, so the fast path stores the file's typed cells (ISO
    # dates) or its judged lines (dates read from text) when they fit in half the memory limit, and streams
    # the file again for each pass when they do not; a cell the reader refuses late in the file (`late`)
    # sends the pass to the tolerant path (the stored table is dropped), which stores its judged lines when
    # its dates are read from text
    rows = [(f"{i % 37:05d}", dt.date(2025, 1 + i % 12, 1 + i % 28), f"{(i % 9) - 1}.5") for i in range(SAMPLE_ROWS + 100)]
    rows += [("", dt.date(2025, 3, 1), "4.5"), ("00003", dt.date(2027, 1, 1), "2.0"), ("00005", dt.date(1985, 2, 2), "3.0")]
    rows += [("00007", dt.date(2025, 6, 1), late)] if late else []
    lines = [separator.join([client, day.strftime(dates), amount]) for client, day, amount in rows]
    lines.insert(SAMPLE_ROWS + 50, separator.join(["00004", "2025-05-05", "1.0", "extra"]))
    (tmp_path / "log.csv").write_text("client,date,amount\n".replace(",", separator) + "\n".join(lines) + "\n",
                                      encoding="utf-8")
    stored = []
    cache = Engine.cache

    def spy(self, expr):
        stored.append(expr)
        return cache(self, expr)

    monkeypatch.setattr(Engine, "cache", spy)
    settings = make_settings(analysis={"as_of": "2025-12-31"})
    once = load_dataset(tmp_path / "log.csv", settings)
    stores = 2 if late and dates != "%Y-%m-%d" else 1
    assert len(stored) == stores
    monkeypatch.setattr(Engine, "can_hold", lambda self, nbytes: False)
    again = load_dataset(tmp_path / "log.csv", settings)
    assert len(stored) == stores  # nothing more was stored
    pd.testing.assert_frame_equal(once.frame, again.frame)
    assert once.log == again.log
    frame = pd.DataFrame([(c or None, d.isoformat(), a) for c, d, a in rows], columns=["client", "when", "amount"])
    frame["amount"] = pd.to_numeric(frame["amount"], errors="coerce")
    as_of = dt.date(2025, 12, 31)  # the calibration end by default: thirteen weeks before
    expected = per_client(kept_lines(frame.dropna(subset=["amount"]), TODAY, dedup=False), as_of,
                          as_of - dt.timedelta(weeks=13))
    assert_same_clients(once.frame, expected)
    rules = {r["rule"]: r["lines"] for r in once.log["cleaning"]["rules"]}
    assert (rules["ragged"], rules["missing_client"], rules["future"], rules["too_old"]) == (1, 1, 1, 1)
    assert rules["missing_amount"] == (1 if late else 0)
    assert rules["negative"] == sum(1 for i in range(SAMPLE_ROWS + 100) if i % 9 == 0)


def test_a_memory_size_is_read_as_duckdb_reads_it():
    from reportgen.config import size_in_bytes

    assert size_in_bytes("512MB") == 512e6 and size_in_bytes("2 GiB") == 2 ** 31
    assert size_in_bytes("1.5gb") == 1.5e9 and size_in_bytes("100KiB") == 102_400
    with pytest.raises(ValueError):
        size_in_bytes("lots")


@hsettings(max_examples=60, deadline=None)
@given(st.lists(st.text("0123456789", min_size=1, max_size=17), min_size=1, max_size=40, unique=True))
def test_clients_keyed_by_number_sort_as_their_ids_sort_as_text(ids):
    import ibis
    import pyarrow as pa

    from reportgen.analysis.logpasses import client_key, id_of_key, text_order

    table = ibis.memtable(pa.table({"client": pa.array(ids, pa.string())}))
    key = client_key(table.client, "number")
    ordered = table.mutate(key=key).order_by(text_order(key))
    out = ibis.duckdb.connect().to_pyarrow(ordered.mutate(back=id_of_key(ordered.key))).to_pydict()
    assert out["client"] == sorted(ids)  # Python compares strings as the engine's binary collation
    assert out["back"] == out["client"]


@hsettings(max_examples=60, deadline=None)
@given(st.one_of(st.lists(st.integers(-2 ** 63, 2 ** 63 - 1), min_size=1, max_size=60, unique=True),
                 st.lists(st.text(max_size=6), min_size=1, max_size=60, unique=True)),
       st.integers(1, 7))
def test_rows_arrive_sorted_by_a_unique_column_whatever_the_engines_chunks(keys, chunk):
    import pyarrow as pa

    from reportgen.engine import arrow_frame

    values = [None if i % 5 == 0 else i * 0.5 for i in range(len(keys))]
    names = [f"row {i}" for i in range(len(keys))]
    whole = pa.table({"key": keys, "value": pa.array(values, pa.float64()), "name": names})
    # the engine's result comes in batches: the sort must read across them
    table = pa.Table.from_batches(whole.to_batches(max_chunksize=chunk))
    frame = arrow_frame(table, "key")
    expected = sorted(zip(keys, values, names), key=lambda row: row[0])  # Python compares text by code point,
    assert list(frame["key"]) == [row[0] for row in expected]           # as UTF-8 bytes sort
    assert list(frame["name"]) == [row[2] for row in expected]
    assert [None if pd.isna(v) else v for v in frame["value"]] == [row[1] for row in expected]


def test_in_a_large_log_the_gaps_come_from_a_sample_of_clients_with_all_their_purchases(tmp_path, monkeypatch):
    import reportgen.ingest.transactions as transactions
    from reportgen.ingest.sample_log import generate_log

    generate_log(400, 3).to_csv(tmp_path / "log.csv", index=False)
    everyone = load_dataset(tmp_path / "log.csv", make_settings())
    monkeypatch.setattr(transactions, "GAP_SAMPLE_DAYS", 500)  # so that this small log counts as a large one
    sampled = load_dataset(tmp_path / "log.csv", make_settings())
    share = sampled.log["gaps"]["clients_sampled"]
    assert share < 0.2 and everyone.log["gaps"]["clients_sampled"] == 1
    # about that share of the gaps, each a whole client's, and quantiles near those of every gap
    assert 0.3 * share < sampled.log["gaps"]["count"] / everyone.log["gaps"]["count"] < 3 * share
    for q in ("0.5", "0.9"):
        assert sampled.log["gaps"]["quantiles"][q] == pytest.approx(everyone.log["gaps"]["quantiles"][q], rel=0.6)
    # nothing else is sampled: only the churn model's cut-off follows from the gaps (their 0.9 quantile)
    cut = [c for c in everyone.frame.columns if c.startswith("cut_") or c == "in_cutoff"]
    assert cut and len(sampled.frame.columns) == len(everyone.frame.columns)
    pd.testing.assert_frame_equal(sampled.frame.drop(columns=cut), everyone.frame.drop(columns=cut))
    as_of = dt.date.fromisoformat(everyone.log["as_of"])
    inactive = [(as_of - dt.date.fromisoformat(d.log["cutoff"])).days for d in (sampled, everyone)]
    assert inactive[0] == pytest.approx(inactive[1], rel=0.6)


def test_clients_keyed_by_number_by_hash_or_by_id_give_the_same_summary(tmp_path, monkeypatch):
    from reportgen.analysis import logpasses
    from reportgen.ingest import logsample
    from reportgen.engine import Engine
    from reportgen.ingest.sample_log import generate_log

    log = generate_log(300, 8)
    # '0' + an id is another client than the id: keyed by number, its length keeps the two apart
    log.loc[log["CustomerID"] == log["CustomerID"].iloc[-1], "CustomerID"] = "0" + str(log["CustomerID"].iloc[0])
    texts = log.assign(CustomerID="C-" + log["CustomerID"].astype(str))
    # digits in the first lines, other ids further down: keyed by number, they would not come back as they
    # were read ('+12347' as '012347'), so the pass is made again keyed by hash
    late = log.astype({"CustomerID": str})
    late.loc[late.index[-1], "CustomerID"] = "12a"
    signed = log.astype({"CustomerID": str})
    signed.loc[signed.index[-1], "CustomerID"] = "+" + signed["CustomerID"].iloc[0]
    keys = []
    summary = logpasses.summary

    def recorded(*args, keys_used=keys, **kwargs):
        keys_used.append(kwargs["keys"])
        return summary(*args, **kwargs)

    monkeypatch.setattr(logpasses, "summary", recorded)
    monkeypatch.setattr(logsample, "SAMPLE_ROWS", 200)  # the first lines, in which the last line is not
    cases = (("numbers", log, ["number"]), ("texts", texts, ["hash"]), ("late", late, ["number", "hash"]),
             ("signed", signed, ["number", "hash"]))
    for name, frame, integer in cases:
        frame.to_csv(tmp_path / f"{name}.csv", index=False)
        keys.clear()
        keyed = load_dataset(tmp_path / f"{name}.csv", make_settings())
        assert keys == integer, name
        monkeypatch.setattr(Engine, "integer_keys", False)
        plain = load_dataset(tmp_path / f"{name}.csv", make_settings())
        monkeypatch.setattr(Engine, "integer_keys", True)
        assert keys == [*integer, "id"]
        # the churn model's cut-off figures ride on the same pass, keyed the same way
        assert keyed.log["cutoff"] is not None and "cut_purchase_days" in keyed.frame, name
        pd.testing.assert_frame_equal(keyed.frame, plain.frame)
        # the engine returns the rows in no order: they are sorted as they arrive, by the ids as text
        assert list(keyed.frame["client_id"]) == sorted(keyed.frame["client_id"]), name
        reference = as_reference(frame)
        reference["when"] = pd.to_datetime(reference["when"])
        as_of, cal_end = (dt.date.fromisoformat(keyed.log[k]) for k in ("as_of", "calibration_end"))
        expected = per_client(kept_lines(reference, TODAY, dedup=True), as_of, cal_end)
        assert_same_clients(keyed.frame, expected)
    assert {"+" + str(log["CustomerID"].iloc[0]), "0" + str(log["CustomerID"].iloc[0])} <= set(keyed.frame["client_id"])
    # two ids sharing a hash would be merged: the pass is then made again keyed by the ids themselves
    monkeypatch.setattr(logpasses, "summary", summary)
    calls = []

    def colliding(*args, **kwargs):
        calls.append(kwargs["keys"])
        table = summary(*args, **kwargs)
        return table.mutate(client_check=table.client + "x") if kwargs["keys"] == "hash" else table

    monkeypatch.setattr(logpasses, "summary", colliding)
    again = load_dataset(tmp_path / "texts.csv", make_settings())
    assert calls == ["hash", "id"]
    pd.testing.assert_frame_equal(again.frame, load_dataset(tmp_path / "texts.csv", make_settings()).frame)

def test_the_lines_of_a_log_are_counted_or_estimated_before_the_first_pass(tmp_path):
    from reportgen.config import settings_from_dict
    from reportgen.ingest.logsample import read_sample
    from reportgen.ingest.sample_log import generate_log

    log = generate_log(400, 3)
    assert len(log) > 5_000  # more than the first records read: the rest is estimated from their bytes
    log.to_csv(tmp_path / "log.csv", index=False)
    log.to_parquet(tmp_path / "log.parquet")
    data = settings_from_dict({}).data
    assert read_sample(tmp_path / "log.parquet", data).lines == len(log)
    assert read_sample(tmp_path / "log.csv", data).lines == pytest.approx(len(log), rel=0.1)


@hsettings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(0, 60), min_size=1, max_size=200),
       st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60), st.sampled_from([1, 61, 2 ** 20, 2 ** 40])),
                min_size=1, max_size=8))
def test_packed_counts_give_each_count_as_a_sum_of_its_own(values, fields):
    """Counts packed several to a sum (53 bits a float holds exactly) equal each count made alone, also when
    they take more than one sum."""
    import pyarrow as pa

    from reportgen.analysis.logpasses import packed_counts
    from reportgen.engine import Engine

    engine = Engine(make_settings().engine)
    rows = engine.table(pa.table({"g": [v % 3 for v in values], "v": values}))
    counts = [(f"c{i}", (rows.v >= low) & (rows.v <= high), max(most, len(values)))
              for i, (low, high, most) in enumerate(fields)]
    sums, unpack = packed_counts(counts)
    assert len(sums) >= -(-sum(max(most, len(values)).bit_length() for *_, most in counts) // 53)
    out = rows.group_by("g").aggregate(**sums)
    with engine:
        got = engine.frame(out.mutate(**unpack(out)).order_by("g"))
    frame = pd.DataFrame({"g": [v % 3 for v in values], "v": values})
    for i, (low, high, _) in enumerate(fields):
        expected = frame.assign(hit=frame["v"].between(low, high)).groupby("g")["hit"].sum()
        assert got[f"c{i}"].tolist() == expected.sort_index().tolist(), (i, low, high)


@hsettings(max_examples=40, deadline=None)
@given(days=st.lists(st.tuples(st.integers(0, 3), st.one_of(st.none(), st.dates(dt.date(2024, 1, 1), dt.date(2024, 3, 31)))),
                     min_size=1, max_size=30))
def test_packed_counts_count_the_rows_meeting_each_condition(days):
    # several counts share one sum (logpasses.packed_counts): a row whose condition is NULL meets none of them
    # and leaves the others of its sum as they are (a condition cast to a number once made the whole sum NULL)
    import ibis
    import pyarrow as pa

    from reportgen.analysis.logpasses import packed_counts

    table = ibis.memtable(pa.table({"key": pa.array([k for k, _ in days], pa.int64()),
                                    "day": pa.array([d for _, d in days], pa.date32())}))
    cut = dt.date(2024, 2, 15)
    sums, unpack = packed_counts([("before", table.day <= ibis.date(cut), 100), ("after", table.day > ibis.date(cut), 100),
                                  ("known", table.day.notnull(), 100)])
    out = table.group_by("key").aggregate(**sums)
    out = ibis.duckdb.connect().to_pyarrow(out.mutate(**unpack(out)).order_by("key")).to_pydict()
    for key, before, after, known in zip(out["key"], out["before"], out["after"], out["known"]):
        mine = [d for k, d in days if k == key]
        assert before == sum(d is not None and d <= cut for d in mine)
        assert after == sum(d is not None and d > cut for d in mine)
        assert known == sum(d is not None for d in mine)
