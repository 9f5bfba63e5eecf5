"""Tests of the synthetic customer-table generator, the next-quarter table and the atomic writer."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from reportgen.errors import UserError
from reportgen.ingest import sample_files
from reportgen.ingest.sample import generate_customers, next_quarter
from reportgen.ingest.sample_files import write_table

COLUMNS = [
    "USERID", "score", "city", "gender", "age", "equity", "balance",
    "products", "credit_card", "last_activity", "EST_SALARY", "churn",
]
ROWS = 10_000


@pytest.fixture(scope="module")
def customers() -> pd.DataFrame:
    """Return the 10,000-client table every statistical test reads (generated once)."""
    return generate_customers(ROWS, 42)


@pytest.fixture(scope="module")
def quarters(customers: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return a quarter and the one after it."""
    return customers, next_quarter(customers, 7)


def churn_by(frame: pd.DataFrame, key: pd.Series | str) -> pd.Series:
    """Return the churn rate of each group of `key`."""
    return frame.groupby(key)["churn"].mean()


# --- determinism, shape, types ---------------------------------------------------------------------------


def test_same_seed_gives_identical_csv_bytes_and_another_seed_differs(tmp_path):
    paths = [tmp_path / f"{name}.csv" for name in ("a", "b", "c")]
    for path, seed in zip(paths, (5, 5, 6)):
        write_table(generate_customers(2_000, seed), path)
    first, again, other = (path.read_bytes() for path in paths)
    assert first == again
    assert first != other


def test_columns_dtypes_and_ranges(customers):
    frame = customers
    assert list(frame.columns) == COLUMNS
    assert len(frame) == ROWS
    for name in ("USERID", "equity", "products", "credit_card", "last_activity", "churn"):
        assert frame[name].dtype == np.int64, name
    for name in ("score", "age", "balance", "EST_SALARY"):
        assert frame[name].dtype == np.float64, name
    for name in ("city", "gender"):
        assert pd.api.types.is_string_dtype(frame[name]), name
    assert frame["USERID"].between(94_000, 229_999).all()
    assert frame["score"].between(642, 1000).all() and (frame["score"] % 1 == 0).all()
    assert set(frame["city"]) == {"Ярославль", "Рыбинск", "Ростов"}
    assert set(frame["gender"]) == {"Ж", "М"}
    assert frame["age"].dropna().between(18, 86).all()
    assert frame["equity"].between(0, 9).all() and frame["products"].between(1, 5).all()
    for name in ("credit_card", "last_activity", "churn"):
        assert set(frame[name]) == {0, 1}, name
    assert (frame["EST_SALARY"] > 0).all()
    assert np.allclose(frame["EST_SALARY"], frame["EST_SALARY"].round(2), rtol=0, atol=1e-9)


def test_marginals_are_close_to_the_real_table(customers):
    frame = customers
    cities = frame["city"].value_counts(normalize=True)
    assert cities["Ярославль"] == pytest.approx(0.59, abs=0.03)
    assert cities["Рыбинск"] == pytest.approx(0.27, abs=0.03)
    assert frame["gender"].eq("М").mean() == pytest.approx(0.5, abs=0.03)
    assert frame["credit_card"].mean() == pytest.approx(0.68, abs=0.03)
    assert frame["last_activity"].mean() == pytest.approx(0.52, abs=0.03)
    assert frame["churn"].mean() == pytest.approx(0.182, abs=0.02)
    assert frame["products"].isin([1, 2]).mean() > 0.8
    assert frame["equity"].eq(0).mean() == pytest.approx(0.26, abs=0.03)
    assert 100_000 <= frame["EST_SALARY"].median() <= 150_000
    assert frame["EST_SALARY"].mean() > frame["EST_SALARY"].median()  # right-skewed
    # heavy right tail: the largest balance is many times the 99th percentile
    assert frame["balance"].max() > 5 * frame["balance"].quantile(0.99)
    assert frame["balance"].quantile(0.5) < frame["balance"].mean()


def test_rows_must_not_be_negative_and_zero_rows_keep_the_columns():
    with pytest.raises(UserError):
        generate_customers(-1, 1)
    empty = generate_customers(0, 1)
    assert list(empty.columns) == COLUMNS and empty.empty


# --- missing values and repeated ids ---------------------------------------------------------------------


def test_missing_ages_are_few_and_missing_balances_mostly_without_equity(customers):
    frame = customers
    assert 0 < frame["age"].isna().sum() < 0.01 * ROWS
    missing_balance = frame["balance"].isna()
    assert 0.19 <= missing_balance.mean() <= 0.27
    assert (frame.loc[missing_balance, "equity"] == 0).mean() > 0.85
    assert missing_balance[frame["equity"] >= 2].mean() < 0.01
    for name in ("USERID", "score", "city", "gender", "equity", "products", "EST_SALARY", "churn"):
        assert frame[name].notna().all(), name


def test_repeated_ids_exist_and_belong_to_different_clients(customers):
    frame = customers
    counts = frame["USERID"].value_counts()
    repeated = counts[counts > 1]
    assert 50 <= len(repeated) <= 100  # about 73 in 10,000, as in the real table
    assert (repeated == 2).all()
    pairs = frame[frame["USERID"].isin(repeated.index)].groupby("USERID")
    assert (pairs["city"].nunique() == 2).all()
    assert not frame[frame["USERID"].isin(repeated.index)].drop(columns="USERID").duplicated().any()


# --- churn relationships ---------------------------------------------------------------------------------


def test_churn_is_higher_for_men(customers):
    rates = churn_by(customers, "gender")
    assert rates["М"] - rates["Ж"] >= 0.05


def test_churn_rises_with_products(customers):
    rates = churn_by(customers, "products")
    assert rates[1] < rates[2] < rates[3]
    assert rates[4] > 0.40


def test_churn_rises_with_equity(customers):
    rates = churn_by(customers, np.where(customers["equity"] >= 5, "5+", customers["equity"].astype(str)))
    assert rates["5+"] > rates["0"] + 0.15
    assert rates["0"] < rates["2"] < rates["4"] < rates["5+"]


def test_active_clients_churn_more_and_card_holders_less(customers):
    active = churn_by(customers, "last_activity")
    card = churn_by(customers, "credit_card")
    assert active[1] > active[0] + 0.05
    assert card[1] < card[0] - 0.05


def test_churn_is_higher_with_a_million_and_non_monotonic_in_age(customers):
    frame = customers
    rich = frame["balance"] >= 1e6
    assert frame.loc[rich, "churn"].mean() > frame.loc[~rich & frame["balance"].notna(), "churn"].mean() + 0.1
    by_age = churn_by(frame, pd.cut(frame["age"], [17, 35, 50, 60, 100]))
    young, middle, fifties, old = by_age.to_numpy()
    assert young > middle < fifties > old


def test_salary_means_match_while_distributions_differ(customers):
    churned = customers.loc[customers["churn"] == 1, "EST_SALARY"]
    stayed = customers.loc[customers["churn"] == 0, "EST_SALARY"]
    assert churned.mean() == pytest.approx(stayed.mean(), rel=0.05)
    assert stats.ttest_ind(churned, stayed, equal_var=False).pvalue > 0.05
    assert stats.mannwhitneyu(churned, stayed).pvalue < 0.01


def test_combined_conditions_give_large_segments_with_high_churn(customers):
    f = customers
    active, male, rich = f["last_activity"] == 1, f["gender"] == "М", f["balance"] >= 1e6
    segments = {
        "active, a million or more, score 830-940": active & rich & f["score"].between(830, 940),
        "men with 3+ products": male & (f["products"] >= 3),
        "active men with equity 4+": active & male & (f["equity"] >= 4),
        "active clients with 3+ products": active & (f["products"] >= 3),
        "active men with equity 5+": active & male & (f["equity"] >= 5),
    }
    found = {name: (int(mask.sum()), f.loc[mask, "churn"].mean()) for name, mask in segments.items()}
    large_and_churning = [name for name, (size, rate) in found.items() if size >= 500 and rate >= 0.40]
    assert len(large_and_churning) >= 3, found


# --- next quarter ----------------------------------------------------------------------------------------


def test_next_quarter_drops_churned_clients_and_adds_new_ids(quarters):
    before, after = quarters
    # A repeated id names two clients, so a client is an (id, city) pair.
    churned = set(before.loc[before["churn"] == 1, ["USERID", "city"]].itertuples(index=False))
    present = set(after[["USERID", "city"]].itertuples(index=False))
    assert churned and not churned & present
    new_ids = set(after["USERID"]) - set(before["USERID"])
    assert len(new_ids) == pytest.approx(0.12 * len(after), rel=0.05)
    assert new_ids.isdisjoint(before["USERID"])
    assert after["USERID"].isin(new_ids).sum() == len(new_ids)  # newcomers get an id each
    assert len(after) < len(before)


def test_next_quarter_keeps_columns_and_types(quarters):
    before, after = quarters
    assert list(after.columns) == COLUMNS
    assert after.dtypes.to_dict() == before.dtypes.to_dict()
    assert after.index.equals(pd.RangeIndex(len(after)))


def targeted(frame: pd.DataFrame) -> pd.Series:
    """Return the mask of the groups the retention actions aim at: men with 3+ products, equity 5+."""
    return ((frame["gender"] == "М") & (frame["products"] >= 3)) | (frame["equity"] >= 5)


def group_churn(frame: pd.DataFrame) -> dict[str, float]:
    """Return the churn of the targeted, the neglected (no card, not targeted) and everyone else."""
    aimed, card = targeted(frame), frame["credit_card"] == 1
    masks = {"targeted": aimed, "neglected": ~aimed & ~card, "untouched": ~aimed & card}
    return {name: frame.loc[mask, "churn"].mean() for name, mask in masks.items()}


def test_next_quarter_lowers_churn_where_retention_aimed(quarters):
    before, after = (group_churn(frame) for frame in quarters)
    assert after["targeted"] < before["targeted"] - 0.05
    assert after["neglected"] > before["neglected"]
    assert after["untouched"] == pytest.approx(before["untouched"], abs=0.02)


def test_without_retention_effect_the_targeted_groups_keep_their_churn(customers):
    before = group_churn(customers)
    after = group_churn(next_quarter(customers, 7, retention_effect=0.0))
    assert after["targeted"] == pytest.approx(before["targeted"], abs=0.04)


def test_next_quarter_drifts_features_of_the_stayers(quarters):
    before, after = quarters
    # Non-repeated ids only, so that a join by id pairs one client with itself.
    single = before[~before["USERID"].duplicated(keep=False)]
    joined = single.merge(after, on=["USERID", "city"], suffixes=("_before", "_after"))
    assert len(joined) > 0.7 * len(single)
    grown = joined["age_after"] - joined["age_before"]
    assert set(grown.dropna().unique()) <= {0.0, 1.0} and (grown == 1).any()
    assert (joined["last_activity_after"] != joined["last_activity_before"]).mean() == pytest.approx(0.15, abs=0.03)
    assert (joined["balance_after"] != joined["balance_before"])[joined["balance_before"].notna()].mean() > 0.9
    assert 0 < (joined["products_after"] != joined["products_before"]).mean() < 0.1
    assert (joined["gender_after"] == joined["gender_before"]).all()


def test_next_quarter_is_deterministic(customers):
    assert next_quarter(customers, 3).equals(next_quarter(customers, 3))
    assert not next_quarter(customers, 3).equals(next_quarter(customers, 4))


@pytest.mark.parametrize(
    "arguments", [{"retention_effect": -0.1}, {"retention_effect": 1.5}, {"new_share": 1.0}, {"new_share": -0.2}]
)
def test_next_quarter_rejects_shares_out_of_range(customers, arguments):
    with pytest.raises(UserError):
        next_quarter(customers, 1, **arguments)


def test_next_quarter_rejects_a_table_without_the_columns(customers):
    with pytest.raises(UserError, match="churn"):
        next_quarter(customers.drop(columns="churn"), 1)


# --- writing ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_write_table_round_trips(tmp_path, suffix):
    frame = generate_customers(300, 11)
    path = tmp_path / f"customers{suffix}"
    write_table(frame, path)
    readers = {".csv": pd.read_csv, ".xlsx": pd.read_excel, ".parquet": pd.read_parquet}
    back = readers[suffix](path)
    pd.testing.assert_frame_equal(back, frame, check_dtype=suffix != ".xlsx")
    assert os.listdir(tmp_path) == [path.name]


def test_csv_is_plain_utf8_with_empty_missing_cells(tmp_path):
    frame = pd.DataFrame({"city": ["Рыбинск", "Ростов"], "score": [850.0, np.nan], "tiny": [1e-7, 2.5e17]})
    path = tmp_path / "plain.csv"
    write_table(frame, path)
    text = path.read_bytes().decode("utf-8")
    assert text == "city,score,tiny\nРыбинск,850.0,0.0000001\nРостов,,250000000000000000.0\n"


def test_unknown_suffix_raises_and_writes_nothing(tmp_path):
    with pytest.raises(UserError, match="customers.txt"):
        write_table(generate_customers(10, 1), tmp_path / "customers.txt")
    assert os.listdir(tmp_path) == []


def test_missing_folder_raises_user_error(tmp_path):
    with pytest.raises(UserError):
        write_table(generate_customers(10, 1), tmp_path / "absent" / "customers.csv")


def test_failed_write_leaves_no_file_and_keeps_the_old_one(tmp_path, monkeypatch):
    def write_half_then_fail(frame, path):
        path.write_text("USERID,sco")
        raise OSError("disk full")

    monkeypatch.setitem(sample_files._WRITERS, ".csv", write_half_then_fail)
    fresh = tmp_path / "fresh.csv"
    with pytest.raises(OSError, match="disk full"):
        write_table(generate_customers(10, 1), fresh)
    assert os.listdir(tmp_path) == []

    existing = tmp_path / "existing.csv"
    existing.write_text("old content")
    with pytest.raises(OSError, match="disk full"):
        write_table(generate_customers(10, 1), existing)
    assert os.listdir(tmp_path) == ["existing.csv"]
    assert existing.read_text() == "old content"
