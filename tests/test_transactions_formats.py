"""Transaction logs: date layouts, the engine's memory limit and spill folder, `check` in three languages, the
synthetic log of `reportgen sample --kind transactions`."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from reportgen.i18n.catalogs import get_translations
from reportgen.errors import DataError
from reportgen.ingest import load_dataset
from tests.conftest import settings as make_settings


def write(tmp_path, dates: list[str], name: str = "log.csv") -> object:
    """Write a log of two clients taking turns, one line per date given; return its path."""
    frame = pd.DataFrame({"client": ["a", "b"] * (len(dates) // 2) + ["a"] * (len(dates) % 2),
                          "date": dates, "amount": 10.0})
    frame.to_csv(tmp_path / name, index=False)
    return tmp_path / name


@pytest.mark.parametrize(("dates", "layout", "first", "last"), [
    (["2010-12-01", "2011-01-31 14:02:11", "2011-12-09T08:00:00"], "%Y-%m-%d %H:%M:%S", "2010-12-01", "2011-12-09"),
    (["01/12/2010", "25/01/2011", "09/12/2011"], "%d/%m/%Y", "2010-12-01", "2011-12-09"),
    (["12/1/2010 8:26", "1/25/2011 17:05", "12/9/2011 12:50"], "%m/%d/%Y %H:%M", "2010-12-01", "2011-12-09"),
    (["01.12.2010", "02.01.2011", "09.12.2011 10:00"], "%d.%m.%Y %H:%M", "2010-12-01", "2011-12-09"),
])
def test_dates_are_read_in_each_layout_and_the_day_month_order_is_proved_by_a_value(tmp_path, dates, layout, first,
                                                                                     last):
    dataset = load_dataset(write(tmp_path, dates), make_settings())
    assert dataset.log["date_format"] == layout
    assert (dataset.log["first_date"], dataset.log["last_date"]) == (first, last)


def test_a_month_first_proof_beyond_the_first_lines_decides_for_the_whole_column(tmp_path):
    from reportgen.ingest.logsample import SAMPLE_ROWS

    # the first lines all read both ways (day and month up to 12), as in the Online Retail export
    dates = [f"12/{1 + i % 12}/2010 8:26" for i in range(SAMPLE_ROWS + 10)] + ["12/13/2010 9:00"]
    dataset = load_dataset(write(tmp_path, dates), make_settings())
    assert dataset.log["date_format"] == "%m/%d/%Y %H:%M" and dataset.log["date_order"] == "proof"
    assert dataset.log["last_date"] == "2010-12-13"


def test_a_configured_format_reads_dates_that_prove_nothing(tmp_path):
    path = write(tmp_path, ["03/04/2024", "05/06/2024", "07/08/2024"])
    dataset = load_dataset(path, make_settings(data={"date_format": "%d/%m/%Y"}))
    assert (dataset.log["first_date"], dataset.log["last_date"]) == ("2024-04-03", "2024-08-07")
    assert dataset.log["date_order"] == "config"


def test_layouts_from_formats_and_back():
    from reportgen.ingest.logdates import layout_from_format

    for fmt in ("%d/%m/%Y", "%m/%d/%Y %H:%M", "%Y-%m-%d %H:%M:%S", "%d.%m.%y"):
        assert layout_from_format(fmt).format() == fmt
    layout = layout_from_format("%d/%m/%Y %H:%M")
    assert layout.parse("31/12/2024 23:59") == dt.datetime(2024, 12, 31, 23, 59)
    assert layout.parse("31/02/2024") is None and layout.parse("29/02/2024") == dt.datetime(2024, 2, 29)
    for bad in ("%d %b %Y", "%Y%m%d", "%d/%m", "%m/%Y/%d"):
        with pytest.raises(ValueError):
            layout_from_format(bad)


def test_february_30th_and_april_31st_are_unreadable_dates_in_the_engine_too(tmp_path):
    from reportgen.errors import DataError

    path = write(tmp_path, ["28/02/2023", "30/02/2023", "31/04/2023", "15/01/2023"])
    with pytest.raises(DataError) as error:
        load_dataset(path, make_settings())
    assert error.value.location.rows == [3, 4] and error.value.location.column == "date"


# --- the engine -------------------------------------------------------------------------------------------


def test_the_engine_runs_under_the_memory_limit_in_its_own_spill_folder_and_removes_it(tmp_path):
    from reportgen.engine import open_engine

    parent = tmp_path / "spill"
    settings = make_settings(engine={"memory_limit": "512MB", "temp_directory": str(parent)})
    with open_engine(settings.engine) as engine:
        applied = engine.settings()
        folder = engine.spill
        assert folder.is_dir() and folder.parent == parent
        # a sort larger than the limit spills to the folder instead of failing
        engine.con.raw_sql("SET threads = 1")
        (rows,) = engine.con.raw_sql("SELECT count(*) FROM (SELECT i, repeat('x', 200) || i AS pad "
                                     "FROM range(3000000) t(i) ORDER BY pad DESC LIMIT 2000000)").fetchone()
    assert applied["memory_limit"] == "488.2 MiB", applied  # 512 MB as DuckDB reports it
    assert applied["temp_directory"] == str(folder)
    assert rows == 2_000_000
    assert not folder.exists() and parent.is_dir() and list(parent.iterdir()) == []


def test_without_a_spill_folder_the_engine_makes_one_under_the_system_temp_and_leaves_nothing(tmp_path,
                                                                                            monkeypatch):
    import tempfile

    system_temp, work = tmp_path / "tmp", tmp_path / "work"
    system_temp.mkdir()
    work.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system_temp))
    monkeypatch.chdir(work)  # DuckDB's own default spill folder is ./.tmp
    path = write(work, ["2024-01-01", "2024-02-01", "2024-03-01"], "data.csv")
    load_dataset(path, make_settings())
    assert list(system_temp.iterdir()) == [] and sorted(p.name for p in work.iterdir()) == ["data.csv"]


@pytest.mark.parametrize(("section", "value", "fragment"), [
    ({"engine": {"name": "polars"}}, "polars", "use duckdb, spark"),
    ({"engine": {"memory_limit": "lots"}}, "lots", "512MB"),
    ({"data": {"date_format": "%d %B %Y"}}, "%d %B %Y", "%d/%m/%Y %H:%M"),
    ({"analysis": {"as_of": "30/09/2025"}}, "30/09/2025", "YYYY-MM-DD"),
    ({"data": {"duplicate_lines": "maybe"}}, "maybe", "auto, drop or keep"),
])
def test_unknown_values_of_the_log_settings_are_refused_with_the_fix(section, value, fragment):
    from reportgen.errors import ConfigError

    with pytest.raises(ConfigError) as error:
        make_settings(**section)
    assert any(value in problem and fragment in problem for problem in error.value.problems), error.value.problems


# --- what the user sees first -----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "fr", "ru"])
def test_check_reports_columns_date_format_and_cleaning_in_each_language(run_cli, tmp_path, monkeypatch, lang):
    from reportgen.ingest.sample_log import generate_log

    generate_log(300, 1).to_csv(tmp_path / "log.csv", index=False)
    monkeypatch.setenv("REPORTGEN_LANG", lang)
    result = run_cli("check", "--data", tmp_path / "log.csv")
    assert result.code == 0, result.err
    t = get_translations(lang)
    for message in ("Columns of the transaction log:", "Cleaning:"):
        assert t.gettext(message) in result.out
    assert "InvoiceDate" in result.out and "%Y-%m-%d %H:%M" in result.out
    assert t.gettext("ISO") in result.out
    cancelled = t.ngettext("{n} line of cancelled invoices (numbers starting with C) removed, amount {amount}",
                           "{n} lines of cancelled invoices (numbers starting with C) removed, amount {amount}", 5)
    assert cancelled.split("{n}")[1].split("{amount}")[0].strip() in result.out


def test_the_synthetic_log_is_deterministic_dirty_and_loads(run_cli, tmp_path):
    paths = [tmp_path / f"{name}.csv" for name in ("a", "b", "c")]
    for path, seed in zip(paths, (4, 4, 5)):
        assert run_cli("sample", "--kind", "transactions", "--rows", "3000", "--seed", seed, "-o", path).code == 0
    assert paths[0].read_bytes() == paths[1].read_bytes() != paths[2].read_bytes()
    log = pd.read_csv(paths[0], dtype={"CustomerID": str, "InvoiceNo": str})
    assert log["CustomerID"].nunique() == 3000
    assert log["InvoiceNo"].str.startswith("C").mean() > 0.005
    assert (log["Quantity"] < 0).sum() > (log["InvoiceNo"].str.startswith("C")).sum()  # returns beside them
    assert log["CustomerID"].isna().mean() > 0.02 and log.duplicated().sum() > 50
    assert log["Country"].nunique() >= 4 and (log["UnitPrice"] == 0).sum() > 0
    span = pd.to_datetime(log["InvoiceDate"])
    assert 365 <= (span.max() - span.min()).days <= 731
    dataset = load_dataset(paths[0], make_settings())
    frame = dataset.frame
    assert 2900 <= len(frame) <= 3000
    # purchases from a BG/NBD process: many one-time buyers, a long tail of repeat buyers, spend that varies
    assert 0.2 < (frame["x"] == 0).mean() < 0.6 and frame["x"].max() >= 15
    assert frame.loc[frame["x"] > 0, "zbar"].std() / frame.loc[frame["x"] > 0, "zbar"].mean() > 0.3


def _date_texts():
    """Return a strategy of texts near a date layout: fields of one to five digits, separators (right and
    wrong), spaces around, times with or without seconds and fractions, a 'T', a tab or a line break before
    the time."""
    from hypothesis import strategies as st

    digits = st.text("0123456789", min_size=1, max_size=5)
    sep = st.sampled_from(["/", "/", ".", "-"])
    field = st.text("0123456789", min_size=1, max_size=3)
    time = st.one_of(st.just(""), st.tuples(st.sampled_from([" ", "  ", "T", "\t", "\n", " \t"]), field, field,
                                            st.sampled_from(["", ":07", ":60", ":5.25", ":07,5"])).map("".join))
    space = st.sampled_from(["", "", " ", "\t"])
    return st.tuples(space, digits, sep, digits, sep, digits, time, space).map("".join)


@pytest.mark.parametrize("fmt", ["%d/%m/%Y", "%m/%d/%Y %H:%M", "%d.%m.%y", "%Y/%m/%d %H:%M:%S"])
def test_text_dates_read_by_the_engines_reader_of_formats_as_by_the_layout(fmt):
    from hypothesis import example, given, settings as hsettings, strategies as st
    import ibis
    import pyarrow as pa

    from reportgen.engine import Engine
    from reportgen.ingest.logdates import layout_from_format
    from reportgen.ingest.logparse import text_dates

    layout = layout_from_format(fmt)
    con = ibis.duckdb.connect()

    @hsettings(max_examples=40, deadline=None)
    @given(st.lists(_date_texts(), min_size=1, max_size=40))
    @example(["5/1/2024", " 05/01/2024 8:05 ", "1/1/0", "31/02/2024", "05/01/2024T08:05", "005/01/2024",
              "05/01/2024 8:05:07.5", "12/13/2010 9:00", "05/01/68", "1/1/99999", "05/01/2024 24:00",
              "05/01/2024\t8:05", "13.5.05\t12:00", "05/01/2024\r\n", "\t05/01/2024 8:05\t"])
    def check(texts):
        table = ibis.memtable(pa.table({"d": pa.array(texts, pa.string())}))
        expected = [layout.parse(text) for text in texts]
        for strptime in (Engine.strptime, None):  # DuckDB's reader first, and the regular expressions alone
            out, value, _state = text_dates(table, "d", layout, strptime)
            got = con.to_pyarrow(out.select(value=value)).column("value").to_pylist()
            assert got == expected, (strptime, [(t, g, e) for t, g, e in zip(texts, got, expected) if g != e])

    check()


@pytest.mark.parametrize("column", ["CustomerID", "InvoiceDate"])
def test_a_parquet_log_with_a_column_of_categories_is_found_without_data_kind(tmp_path, column):
    # pandas writes a category column as a Parquet dictionary, which the first lines cannot type: the table
    # read whole is judged then (a review found it read as a customer table when only the first lines judged)
    lines = pd.DataFrame({"CustomerID": [f"C{i % 7}" for i in range(50)],
                          "InvoiceDate": pd.date_range("2024-01-01", periods=50, freq="D").strftime("%Y-%m-%d"),
                          "Amount": [1.0 + i for i in range(50)]})
    lines[column] = lines[column].astype("category")
    path = tmp_path / "log.parquet"
    lines.to_parquet(path)
    dataset = load_dataset(path, make_settings())
    assert dataset.kind == "transactions"
    assert sorted(dataset.frame["client_id"]) == [f"C{i}" for i in range(7)]
    assert int(dataset.frame["purchase_days"].sum()) == 50


def test_a_parquet_log_with_dates_written_as_numbers_is_refused_as_a_log_not_read_as_clients(tmp_path):
    # the first lines type 20240105 as a number, which no date column is: the table read whole shows the text
    lines = pd.DataFrame({"CustomerID": [f"C{i % 7}" for i in range(60)],
                          "InvoiceDate": [20240101 + i % 28 for i in range(60)],
                          "Amount": [1.0 + i for i in range(60)]})
    path = tmp_path / "log.parquet"
    lines.to_parquet(path)
    with pytest.raises(DataError) as caught:
        load_dataset(path, make_settings())
    assert "InvoiceDate" in caught.value.message


def test_a_csv_log_whose_first_megabyte_shows_fewer_lines_than_the_second_look_is_still_found(tmp_path):
    # long lines: the first look reads 1 MB, fewer than 5,000 lines, all without a date; the table read whole
    # is judged on 5,000 lines, as before
    note = "x" * 400
    rows = [f"C{i % 50},{'' if i < 3000 else '2024-01-%02d' % (1 + i % 28)},{1 + i % 9}.5,{note}" for i in range(6000)]
    path = tmp_path / "log.csv"
    path.write_text("CustomerID,InvoiceDate,Amount,Note\n" + "\n".join(rows) + "\n", encoding="utf-8")
    assert path.stat().st_size > (1 << 20)
    assert load_dataset(path, make_settings()).kind == "transactions"
