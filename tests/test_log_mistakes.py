"""A user's mistake in a transaction log is answered as one: exit 2, the file, column and rows, the fix.

Every log is written here, small; each runs through the real command line.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from tests.test_mistakes import assert_user_error


def write(tmp_path, text: str, name: str = "log.csv"):
    """Write a CSV log and return its path."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def check(run_cli, path, *config: str):
    """Run `reportgen check` on a log (read as transactions), with config lines; return the result."""
    toml = path.parent / "reportgen.toml"
    toml.write_text("[data]\nkind = \"transactions\"\n" + "\n".join(config) + "\n", encoding="utf-8")
    return run_cli("check", "--data", path, "--config", toml)


def test_a_log_without_a_date_column(run_cli, tmp_path):
    path = write(tmp_path, "client,amount,shop\na,1.5,x\nb,2,y\n")
    assert_user_error(check(run_cli, path), str(path), "No date column", "[columns] date", "client, amount, shop")


def test_unparseable_dates_name_the_column_and_rows(run_cli, tmp_path):
    path = write(tmp_path, "client,date,amount\na,2025-01-03,1\nb,2025-01-04,2\nc,yesterday,3\nd,2025-13-01,4\n")
    result = check(run_cli, path)
    assert_user_error(result, str(path), "column: date", "rows: 4, 5", "'yesterday'", "date_format")


def test_dates_that_prove_neither_order_are_refused_with_examples(run_cli, tmp_path):
    path = write(tmp_path, "client,date,amount\na,03/04/2025,1\nb,05/06/2025,2\na,07/08/2025,3\n")
    assert_user_error(check(run_cli, path), str(path), "column: date", "03/04/2025", "%d/%m/%Y", "%m/%d/%Y")


def test_dates_that_prove_both_orders_name_a_row_of_each(run_cli, tmp_path):
    path = write(tmp_path, "client,date,amount\na,25/04/2025,1\nb,05/06/2025,2\na,04/25/2025,3\n")
    assert_user_error(check(run_cli, path), str(path), "column: date", "25/04/2025", "04/25/2025", "rows: 2, 4")


def test_a_log_of_only_negative_amounts(run_cli, tmp_path):
    path = write(tmp_path, "client,date,amount\na,2025-01-03,-10\nb,2025-01-04,-2.5\n")
    assert_user_error(check(run_cli, path), str(path), "negative", "change their sign")


def test_a_log_of_a_single_client(run_cli, tmp_path):
    path = write(tmp_path, "client,date,amount\na,2025-01-03,10\na,2025-01-04,2.5\n")
    assert_user_error(check(run_cli, path), str(path), "single client (a)", "column: client", "[columns] id")


def test_nothing_left_after_cleaning_says_which_rules_took_the_lines(run_cli, tmp_path):
    path = write(tmp_path, "InvoiceNo,client,date,amount\nC1,a,2025-01-03,10\n2,,2025-01-04,2.5\n")
    assert_user_error(check(run_cli, path), str(path), "No line of the log is left",
                      "cancelled invoices 1", "lines without a client id 1", "reportgen check")


def test_a_mapped_column_missing_from_the_file(run_cli, tmp_path):
    path = write(tmp_path, "client,date,amount\na,2025-01-03,10\nb,2025-01-04,2.5\n")
    assert_user_error(check(run_cli, path, "[columns]", 'date = "Datum"'), str(path), "column: Datum",
                      "[columns]", "client, date, amount")


def test_an_amount_that_is_not_a_number(run_cli, tmp_path):
    lines = "".join(f"c{i % 3},2025-01-{1 + i % 28:02d},{i}.5\n" for i in range(30))
    path = write(tmp_path, "client,date,amount\n" + lines + "a,2025-02-01,twelve\n")
    assert_user_error(check(run_cli, path), str(path), "column: amount", "row: 32", "'twelve'", "decimal point")


def test_an_analysis_date_before_the_log(run_cli, tmp_path):
    path = write(tmp_path, "client,date,amount\na,2025-01-03,10\nb,2025-01-04,2.5\n")
    assert_user_error(check(run_cli, path, "[analysis]", 'as_of = "2024-06-30"'), str(path), "2024-06-30",
                      "2025-01-03", "analysis.as_of")


def test_a_ragged_line_is_named(run_cli, tmp_path):
    path = write(tmp_path, "client,date,amount\na,2025-01-03,10\nb,2025-01-04\nc,2025-01-05,3\n")
    assert_user_error(check(run_cli, path), str(path), "row: 3", "max_bad_row_share")


def test_a_log_not_utf8_after_its_first_lines(run_cli, tmp_path):
    from reportgen.ingest.logsample import SAMPLE_BYTES

    head = "client,date,amount\n" + "a,2025-01-03,10\nb,2025-01-04,2.5\n" * (SAMPLE_BYTES // 30)
    path = tmp_path / "log.csv"
    path.write_bytes(head.encode() + "Ёлка,2025-01-05,3\n".encode("cp1251"))
    result = check(run_cli, path)
    assert_user_error(result, str(path), "not UTF-8", "--encoding")


def test_a_tiny_log_is_analysed_and_says_it_has_no_lifetime_value(run_cli, tmp_path):
    # the transactions kind is registered (issue 10): a log is analysed, and what cannot be estimated is said
    frame = pd.DataFrame({"client": ["a", "b"], "date": ["2025-01-03", "2025-01-04"], "amount": [1.0, 2.0]})
    frame.to_csv(tmp_path / "log.csv", index=False)
    result = run_cli("analyze", "--data", tmp_path / "log.csv", "-o", tmp_path / "c.json")
    assert result.code == 0, result.err
    assert "lifetime-value models could not be fitted" in result.err
    assert json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))["clv"]["status"] == "not_computable"


@pytest.mark.parametrize("option", [["--kind", "transactions", "--next-quarter-of", "x.csv"]])
def test_sample_refuses_a_next_quarter_of_a_log(run_cli, tmp_path, option):
    assert_user_error(run_cli("sample", *option, "-o", tmp_path / "y.csv"), "--next-quarter-of")
