"""The churn model: honest figures recomputed here from the out-of-fold risks the context keeps and the data read
with pandas alone; leakage guards; value at risk and the action groups recomputed; the out-of-time check."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
import pandas as pd
import pytest
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

from reportgen.config import Settings
from reportgen.console import Reporter
from reportgen.ingest import load_dataset
from reportgen.pipeline import analyse
from tests.conftest import REAL_DATA, SAMPLE_DATA
from tests.conftest import settings as make_settings


def context_of(path, settings: Settings | None = None, previous: str | None = None) -> dict:
    """Return the context of a data file, analysed with default (or given) settings."""
    settings = settings or Settings()
    return analyse(load_dataset(path, settings), settings, Reporter(-1), previous=previous, period="2026-Q3")


def as_loaded(frame: pd.DataFrame, id_column: str = "USERID", churn: str = "churn") -> pd.DataFrame:
    """Return the rows the loader keeps, in order: exact duplicates and rows without a flag dropped."""
    kept = frame.drop_duplicates(keep="first")
    kept = kept[kept[churn].notna()]
    assert kept[id_column].notna().all()
    return kept


def top_share(risk: np.ndarray, share: float) -> np.ndarray:
    """Return the positions of the riskiest `share` of clients (ties by table order)."""
    k = max(1, int(round(len(risk) * share)))
    return np.argsort(-risk, kind="stable")[:k]


def calibration_slope(y: np.ndarray, risk: np.ndarray) -> float:
    """Return the slope of a logistic regression of the outcome on logit(risk), fitted here by Newton's method."""
    p = np.clip(risk, 1e-6, 1 - 1e-6)
    x = np.column_stack([np.ones(len(p)), np.log(p / (1 - p))])
    beta = np.zeros(2)
    for _ in range(50):
        mu = 1 / (1 + np.exp(-x @ beta))
        gradient = x.T @ (y - mu)
        hessian = x.T @ (x * (mu * (1 - mu))[:, None])
        beta += np.linalg.solve(hessian, gradient)
    return float(beta[1])


def recomputed(context: dict, frame: pd.DataFrame, churn: str = "churn") -> dict:
    """Return the model's figures computed here from the context's per-client risks and the data's churn column."""
    table = context["prediction"]["clients"]
    assert table["id"] == frame[context["roles"]["id"]].astype(str).str.strip().tolist()
    y = frame[churn].astype(int).to_numpy()
    risk = np.asarray(table["risk"])
    top = top_share(risk, 0.10)
    return {"y": y, "risk": risk, "roc_auc": roc_auc_score(y, risk), "pr_auc": average_precision_score(y, risk),
            "brier": brier_score_loss(y, risk), "precision": y[top].mean(), "recall": y[top].sum() / y.sum(),
            "slope": calibration_slope(y, risk), "base": y.mean()}


def assert_reported(context: dict, figures: dict) -> None:
    """Check that the context states the figures recomputed from its own per-client risks."""
    m = context["prediction"]["metrics"]
    assert m["roc_auc"] == pytest.approx(figures["roc_auc"], abs=1e-9)
    assert m["pr_auc"] == pytest.approx(figures["pr_auc"], abs=1e-9)
    assert m["brier"] == pytest.approx(figures["brier"], abs=1e-9)
    assert m["precision_at_capacity"] == pytest.approx(figures["precision"], abs=1e-9)
    assert m["recall_at_capacity"] == pytest.approx(figures["recall"], abs=1e-9)
    assert m["calibration_slope"] == pytest.approx(figures["slope"], abs=1e-3)
    assert m["lift_top_decile"] == pytest.approx(figures["precision"] / figures["base"], rel=1e-9)
    tp = int(figures["y"][top_share(figures["risk"], 0.10)].sum())
    assert m["confusion"]["true_positive"] == tp
    assert m["confusion"]["false_negative"] == int(figures["y"].sum()) - tp


# --- the real bank table: the figures the issue sets ------------------------------------------

@pytest.fixture(scope="module")
def real():
    if not REAL_DATA.is_file():
        pytest.skip(f"{REAL_DATA} is absent")
    context = context_of(REAL_DATA)
    return context, as_loaded(pd.read_csv(REAL_DATA, dtype={"USERID": str}))


@pytest.mark.realdata
def test_bank_table_model_is_as_good_as_the_reference_and_calibrated(real):
    context, frame = real
    figures = recomputed(context, frame)
    assert figures["roc_auc"] >= 0.88
    assert figures["precision"] >= 0.75  # against a base rate of 18 %
    assert 0.8 <= figures["slope"] <= 1.2
    assert_reported(context, figures)
    assert "USERID" not in context["prediction"]["features"]


# --- the bundled sample (no real data needed) -------------------------------------------------

@pytest.fixture(scope="module")
def sample():
    return context_of(SAMPLE_DATA), as_loaded(pd.read_csv(SAMPLE_DATA, dtype={"USERID": str}))


def test_sample_model_figures_recomputed_from_the_out_of_fold_risks(sample):
    context, frame = sample
    figures = recomputed(context, frame)
    assert figures["roc_auc"] >= 0.84
    assert figures["precision"] >= 0.65 and figures["precision"] > 3 * figures["base"]
    assert 0.8 <= figures["slope"] <= 1.25
    assert_reported(context, figures)


def test_every_client_is_scored_by_one_of_five_stratified_folds(sample):
    context, frame = sample
    fold = np.asarray(context["prediction"]["clients"]["fold"])
    y = frame["churn"].to_numpy()
    assert set(fold) == {0, 1, 2, 3, 4}
    sizes = np.bincount(fold)
    assert sizes.max() - sizes.min() <= 1
    for number in range(5):
        assert y[fold == number].mean() == pytest.approx(y.mean(), abs=0.002)


def test_both_models_are_reported_and_the_better_pr_auc_is_chosen(sample):
    context, _frame = sample
    p = context["prediction"]
    assert {c["model"] for c in p["candidates"]} == {"hist_gradient_boosting", "logistic_regression"}
    best = max(p["candidates"], key=lambda c: c["pr_auc"])
    assert p["model"] == best["model"]
    assert p["metrics"]["pr_auc"] == pytest.approx(best["pr_auc"])


def test_gains_and_calibration_points_match_the_risks(sample):
    context, frame = sample
    figures = recomputed(context, frame)
    y, risk = figures["y"], figures["risk"]
    m = context["prediction"]["metrics"]
    for point in m["gains"][1:]:
        top = top_share(risk, point["contacted"])
        assert point["found"] == pytest.approx(y[top].sum() / y.sum())
    order = np.argsort(risk, kind="stable")
    assert sum(b["clients"] for b in m["calibration"]) == len(y)
    first = order[:m["calibration"][0]["clients"]]
    assert m["calibration"][0]["observed"] == pytest.approx(y[first].mean())
    assert m["calibration"][0]["predicted"] == pytest.approx(risk[first].mean())


def test_value_at_risk_and_action_groups_recomputed_from_the_data(sample):
    context, frame = sample
    table = context["prediction"]["clients"]
    risk = np.asarray(table["risk"])
    balance = frame["balance"].to_numpy(dtype=float)  # no value column configured: the balance stands in
    stake = risk * np.clip(balance, 0, None)
    var = context["value_at_risk"]
    assert var["column"] == "balance" and var["proxy"] is True
    assert var["overall"]["value_at_risk"] == pytest.approx(np.nansum(stake))
    assert var["overall"]["valued"] == int(np.isfinite(balance).sum())
    groups = np.asarray(table["group"])
    top = top_share(risk, 0.10)
    assert set(np.flatnonzero(groups == "at_risk")) == set(top)
    at_risk = np.zeros(len(risk), dtype=bool)
    at_risk[top] = True
    high = ~at_risk & (np.nan_to_num(balance, nan=-np.inf) >= np.nanquantile(balance, 0.8))
    assert set(np.flatnonzero(groups == "high_value")) == set(np.flatnonzero(high))
    inactive = ~at_risk & ~high & (frame["last_activity"].to_numpy() == 0)
    assert set(np.flatnonzero(groups == "inactive")) == set(np.flatnonzero(inactive))
    by_key = {g["key"]: g for g in context["action_groups"]["groups"]}
    y = frame["churn"].to_numpy()
    assert by_key["at_risk"]["churn_rate"] == pytest.approx(y[at_risk].mean())
    assert by_key["high_value"]["value_at_risk"] == pytest.approx(np.nansum(stake[high]))
    assert [r["id"] for r in by_key["at_risk"]["recommendations"]][0] == "group_retention_calls"
    assert by_key["at_risk"]["expected_effect"] is None  # no assumption set: no promise


def test_value_at_risk_of_each_segment_recomputed_from_its_rule(sample):
    from tests.test_segments import rule_rows

    context, frame = sample
    risk = np.asarray(context["prediction"]["clients"]["risk"])
    stake = risk * np.clip(frame["balance"].to_numpy(dtype=float), 0, None)
    entries = {e["id"]: e for e in context["value_at_risk"]["by_segment"]}
    assert set(entries) == {s["id"] for s in context["segments"]}
    for segment in context["segments"]:
        rows = rule_rows(frame.reset_index(drop=True), segment["rule"]).to_numpy()
        assert entries[segment["id"]]["clients"] == int(rows.sum())
        assert entries[segment["id"]]["value_at_risk"] == pytest.approx(np.nansum(stake[rows]))


def test_key_factors_name_each_feature_once_with_a_direction(sample):
    context, _frame = sample
    factors = context["prediction"]["key_factors"]["importance"]
    assert sorted(f["feature"] for f in factors) == sorted(context["prediction"]["features"])
    importances = [f["importance"] for f in factors]
    assert importances == sorted(importances, reverse=True)
    by_name = {f["feature"]: f for f in factors}
    # the sample is generated with churn rising with the number of products and falling with a credit card
    assert by_name["products"]["direction"] == "increases"
    assert by_name["credit_card"]["direction"] == "decreases"


# --- honesty and leakage ----------------------------------------------------------------------

def test_a_label_of_pure_noise_scores_like_chance(sample_frame):
    """A model evaluated on the clients it was trained on would find patterns in noise; out of fold it cannot."""
    from reportgen.analysis.prediction import predict_churn

    frame = sample_frame.head(3000)
    noise = np.random.default_rng(3).random(len(frame)) < 0.2
    features = frame[["score", "age", "equity", "balance", "products", "EST_SALARY", "city", "gender"]]
    result, _fitted = predict_churn(features, noise.astype(int), 0.1, 42)
    assert 0.44 <= result["metrics"]["roc_auc"] <= 0.56


def test_a_planted_copy_and_a_perfect_predictor_are_dropped_and_reported(sample_frame):
    from reportgen.analysis.prediction import predict_churn

    frame = sample_frame.head(3000).copy()
    y = frame["churn"].to_numpy()
    frame["closed"] = y  # a copy of the flag
    frame["status"] = np.where(y == 1, "K", "A")  # an account status only leavers have
    frame["days_to_close"] = np.where(y == 1, np.arange(len(y)) % 30 + 1.0, np.nan)  # a date only leavers have
    features = frame[["age", "balance", "products", "closed", "status", "days_to_close", "city"]]
    result, _fitted = predict_churn(features, y, 0.1, 42)
    reasons = {e["column"]: e["reason"] for e in result["excluded"]}
    assert reasons == {"closed": "equal_to_label", "status": "perfect_predictor",
                       "days_to_close": "perfect_predictor"}
    assert set(result["features"]) == {"age", "balance", "products", "city"}
    assert result["metrics"]["roc_auc"] < 0.95  # the honest model, not the leak


def test_too_few_leavers_is_said_not_guessed():
    from reportgen.analysis.prediction import predict_churn

    frame = pd.DataFrame({"age": np.arange(200.0)})
    y = np.zeros(200, dtype=int)
    y[:10] = 1
    result, fitted = predict_churn(frame, y, 0.1, 42)
    assert fitted is None and result["status"] == "not_computable" and result["reason"] == "too_few_churned"


# --- settings and the previous quarter --------------------------------------------------------

def test_prediction_can_be_switched_off(tmp_path, sample_frame):
    path = tmp_path / "c.csv"
    sample_frame.head(2000).to_csv(path, index=False)
    context = context_of(path, make_settings(analysis={"predict": False}))
    assert context["prediction"] is None and context["action_groups"] is None and context["value_at_risk"] is None


@pytest.mark.parametrize("analysis", [{"contact_share": 0}, {"contact_share": 1.5}, {"retention_uplift": 0},
                                      {"retention_uplift": "some"}, {"high_value_share": 1}])
def test_bad_prediction_settings_are_refused(analysis):
    from reportgen.errors import ConfigError

    with pytest.raises(ConfigError):
        make_settings(analysis=analysis)


def test_a_retention_assumption_gives_the_expected_effect(tmp_path, sample_frame):
    path = tmp_path / "c.csv"
    sample_frame.head(2000).to_csv(path, index=False)
    context = context_of(path, make_settings(analysis={"retention_uplift": 0.2}))
    group = next(g for g in context["action_groups"]["groups"] if g["key"] == "at_risk")
    risk = np.asarray(context["prediction"]["clients"]["risk"])
    at_risk = np.asarray(context["prediction"]["clients"]["group"]) == "at_risk"
    assert group["expected_effect"]["clients_kept"] == pytest.approx(0.2 * risk[at_risk].sum())
    assert group["expected_effect"]["value_kept"] == pytest.approx(0.2 * group["value_at_risk"])
    assert all(g["expected_effect"] is None for g in context["action_groups"]["groups"] if g["key"] != "at_risk")


def test_the_model_trained_last_quarter_is_scored_on_this_one(tmp_path):
    from reportgen.ingest.sample import generate_customers, next_quarter

    before = generate_customers(2500, 21)
    after = next_quarter(before, 22)
    before.to_csv(tmp_path / "q2.csv", index=False)
    after.to_csv(tmp_path / "q3.csv", index=False)
    context = context_of(tmp_path / "q3.csv", previous=str(tmp_path / "q2.csv"))
    oot = context["prediction"]["out_of_time"]
    assert oot["status"] == "ok" and oot["period"] == "2026-Q2"
    assert oot["trained_on"] == len(as_loaded(before)) and oot["scored"] == len(as_loaded(after))
    assert 0.75 <= oot["roc_auc"] <= 1.0 and oot["precision_at_capacity"] > 2 * after["churn"].mean()
    assert oot["model"] == context["prediction"]["model"]
    assert not math.isclose(oot["roc_auc"], context["prediction"]["metrics"]["roc_auc"])


def test_without_a_money_column_there_is_no_value_at_risk_and_the_deck_still_says_whom_to_call(tmp_path,
                                                                                               sample_frame):
    from pptx import Presentation

    from reportgen.render.deck import render_deck

    path = tmp_path / "c.csv"
    sample_frame.head(2000).drop(columns=["balance", "EST_SALARY"]).to_csv(path, index=False)
    context = context_of(path)
    assert context["value_at_risk"]["status"] == "not_computable"
    assert context["value_at_risk"]["reason"] == "no_value_column"
    keys = [g["key"] for g in context["action_groups"]["groups"]]
    assert "high_value" not in keys and keys[0] == "at_risk"
    assert all(v is None for v in context["prediction"]["clients"]["value_at_risk"])
    deck = Presentation(str(render_deck(context, "en", tmp_path / "deck.pptx")))
    titles = [slide.shapes.title.text for slide in deck.slides]
    assert "Action groups" in titles and "Value at risk" not in titles and "Churn prediction model" in titles


def test_out_of_time_without_last_quarters_data_says_why():
    from reportgen.contract.prediction import OutOfTime
    from reportgen.customers_run import out_of_time_check

    check = out_of_time_check({"meta": {"period": "2026-Q2"}}, None, None, {}, Settings(), Reporter(-1))
    assert check == {"status": "not_computable", "reason": "no_previous_data", "period": "2026-Q2"}
    OutOfTime.model_validate(check, strict=True)


def test_clients_beyond_the_cross_validated_sample_are_scored_by_a_model_that_never_saw_them(sample_frame):
    from reportgen.analysis.prediction import predict_churn

    frame = sample_frame.head(3000)
    y = frame["churn"].to_numpy()
    features = frame[["score", "age", "equity", "balance", "products", "last_activity", "city", "gender"]]
    result, fitted = predict_churn(features, y, 0.1, 42, sample=1000)
    assert result["cross_validated"] == 1000
    outside = fitted.fold == -1
    assert outside.sum() == 2000 and set(fitted.fold[~outside]) == {0, 1, 2, 3, 4}
    assert roc_auc_score(y[outside], fitted.risk[outside]) > 0.75  # a real model, scored on unseen clients
    assert result["metrics"]["clients"] == 3000
    assert result["metrics"]["roc_auc"] == pytest.approx(roc_auc_score(y, fitted.risk))


@hsettings(max_examples=200, deadline=None)
@given(values=st.lists(st.sampled_from([0.0, 0.1, 0.25, 0.5, 0.9, 1.0]) | st.floats(0, 1), min_size=1, max_size=80),
       share=st.floats(0.01, 1.0))
def test_riskiest_is_the_head_of_a_stable_sort(values, share):
    """The riskiest k clients, ties broken by position, are the first k of a stable sort by falling risk."""
    from reportgen.analysis.prediction_metrics import riskiest

    p = np.array(values)
    k = max(1, int(len(p) * share))
    assert riskiest(p, k).tolist() == sorted(range(len(p)), key=lambda i: (-p[i], i))[:k]


@hsettings(max_examples=300, deadline=None)
@given(values=st.lists(st.sampled_from([0.0, -0.0, 0.5, 1.0, np.inf, -np.inf, 5e-324]) | st.floats(allow_nan=False),
                       max_size=120),
       nan=st.booleans())
def test_the_falling_order_is_numpys_stable_argsort(values, nan):
    """Positions from the highest value down, ties (signed zeros too) by position, as numpy's stable argsort of
    the negated values gives them; with a NaN, numpy's own order."""
    from reportgen.analysis.prediction_metrics import falling

    p = np.array(values + ([np.nan] if nan else []), dtype=float)
    np.random.default_rng(len(values)).shuffle(p)
    assert falling(p).tolist() == np.argsort(-p, kind="stable").tolist()


@hsettings(max_examples=100, deadline=None)
@given(cells=st.lists(st.one_of(st.none(), st.sampled_from(["a", "b", "c", "d", "new"])), min_size=1, max_size=40),
       pooled=st.booleans())
def test_encoded_levels_follow_the_fitted_levels(cells, pooled):
    """A category is encoded as its fitted level's position; an unseen level joins the pooled one, or is
    missing when nothing was pooled; a missing cell stays missing."""
    from reportgen.analysis.prediction_models import OTHER, Encoding, encode

    kept = ["a", "b", "c"] + ([OTHER] if pooled else [])
    matrix = encode(pd.DataFrame({"plan": pd.Series(cells, dtype=object)}), Encoding(["plan"], [True], {"plan": kept}, []))
    expected = [np.nan if c is None else kept.index(c) if c in kept else kept.index(OTHER) if pooled else np.nan
                for c in cells]
    np.testing.assert_array_equal(matrix[:, 0], np.array(expected, dtype=float))


@given(rows=st.lists(st.tuples(st.booleans(), st.sampled_from([0.0, 0.2, 0.5, 0.7, 1.0]) | st.floats(0, 1)),
                     min_size=2, max_size=120),
       share=st.floats(0.01, 1.0))
@hsettings(max_examples=200, deadline=None)
def test_ranking_figures_from_one_sort_are_scikit_learns(rows, share):
    """ROC-AUC, average precision and Brier read from the one sort equal scikit-learn's, ties included."""
    from reportgen.analysis.prediction_metrics import score_metrics

    y = np.array([int(left) for left, _ in rows])
    p = np.array([risk for _, risk in rows])
    out = score_metrics(y, p, share)
    assert out["brier"] == pytest.approx(brier_score_loss(y, p), abs=1e-12)
    if 0 < y.sum() < len(y):
        assert out["roc_auc"] == pytest.approx(roc_auc_score(y, p), abs=1e-12)
        assert out["pr_auc"] == pytest.approx(average_precision_score(y, p), abs=1e-12)
    else:
        assert out["roc_auc"] is None and out["pr_auc"] is None
    k = max(1, min(len(y), round(len(y) * share)))
    top = sorted(range(len(p)), key=lambda i: (-p[i], i))[:k]
    assert out["precision_at_capacity"] == sum(y[i] for i in top) / k


@given(p=st.lists(st.sampled_from([0.0, 0.1, 0.25, 0.5, 1.0]) | st.floats(0, 1), max_size=80))
def test_lowest_first_is_numpys_stable_sort_from_the_riskiest_order(p):
    # the calibration bins read the order riskiest() made, turned back (prediction_metrics.lowest_first)
    from reportgen.analysis.prediction_metrics import lowest_first, riskiest

    p = np.array(p, dtype=float)
    assert lowest_first(riskiest(p, len(p)), p).tolist() == np.argsort(p, kind="stable").tolist()


@hsettings(max_examples=200, deadline=None)
@given(cells=st.lists(st.one_of(st.none(), st.sampled_from(["a", "b", "c", "nan", " a", "1"]), st.just(1), st.just(np.nan),
                                st.text(max_size=2)), min_size=1, max_size=80),
       shared=st.sampled_from(["object", "shared", "category", "string"]))
def test_a_categorys_levels_are_those_of_its_text_counted(cells, shared):
    # fit_encoding counts a column of texts as it is: the same levels in the same order (ties included) as
    # counting every cell made text
    from reportgen.analysis.prediction_models import MAX_LEVELS, OTHER, fit_encoding
    from reportgen.ingest.values import shared_text

    column = pd.Series(cells, dtype=object)
    texts = pd.Series([c if isinstance(c, str) else None for c in cells], dtype="string")
    if shared == "shared":  # as the reader hands a category over: one object per distinct text, missing as NA
        column = shared_text(texts)
    elif shared == "category":  # unused categories are not levels
        column = texts.astype(pd.CategoricalDtype(["zz", *texts.dropna().unique()]))
    elif shared == "string":
        column = texts
    frame = pd.DataFrame({"city": column, "age": np.arange(len(cells), dtype=float)})
    counts = frame["city"].astype("string").dropna().value_counts()
    kept = [str(v) for v in counts.index[:MAX_LEVELS - 1]]
    expected = kept + ([OTHER] if len(counts) > len(kept) else [])
    assert fit_encoding(frame).levels["city"] == expected


@hsettings(max_examples=300, deadline=None)
@given(risk=st.lists(st.one_of(st.floats(-0.5, 1.5), st.sampled_from([0.0, 0.1, 0.5, 1.0])), min_size=1, max_size=60),
       values=st.lists(st.one_of(st.floats(1e-3, 1e7), st.sampled_from([1.0, 10.0, 100.0, 1e3])), min_size=1,
                       max_size=60),
       bins=st.integers(1, 12), value_range=st.tuples(st.floats(-2, 4), st.floats(0, 3)))
def test_the_value_by_risk_grid_counts_as_numpys_histogram2d(risk, values, bins, value_range):
    # grid_counts replaces np.histogram2d: the same bins (the last closed above), values outside left out
    from reportgen.analysis.action_groups import grid_counts

    n = min(len(risk), len(values))
    x, y = np.array(risk[:n]), np.array(values[:n])
    x_edges = np.linspace(0, 1, bins + 1)
    low = value_range[0]
    y_edges = np.logspace(low, low + value_range[1] + 1e-6, bins + 1)
    expected, _, _ = np.histogram2d(x, y, [x_edges, y_edges])
    assert grid_counts(x, y, x_edges, y_edges).tolist() == expected.astype(int).tolist()
    # edges themselves: the first and last of each axis, and an inner one
    corners = np.array([0.0, 1.0, x_edges[bins // 2]]), np.array([y_edges[0], y_edges[-1], y_edges[bins // 2]])
    expected, _, _ = np.histogram2d(*corners, [x_edges, y_edges])
    assert grid_counts(*corners, x_edges, y_edges).tolist() == expected.astype(int).tolist()


@hsettings(max_examples=200, deadline=None)
@given(rows=st.lists(st.tuples(st.booleans(), st.booleans(), st.floats(0, 1),
                               st.one_of(st.floats(-1e6, 1e12), st.sampled_from([np.nan, 0.0, -0.0]))),
                     max_size=80),
       valued=st.booleans())
def test_a_groups_figures_are_its_clients_counted_and_averaged(rows, valued):
    # the figures of the value at risk and the action groups, against pandas over the group's own rows; values
    # are finite or missing, as ingest leaves them (an infinite cell is a parse failure: ingest.numbers)
    from reportgen.analysis.action_groups import at_stake, summarise

    table = pd.DataFrame(rows, columns=["inside", "left", "risk", "value"]).astype(
        {"inside": bool, "left": int, "risk": float, "value": float})
    mask, y, risk, value = (table[c].to_numpy() for c in ("inside", "left", "risk", "value"))
    stake = at_stake(value, risk) if valued else None
    out = summarise(mask, y, risk, value if valued else None, stake)
    group = table[table["inside"]]
    assert out["clients"] == len(group) and out["churned"] == group["left"].sum()
    assert out["churn_rate"] == (group["left"].mean() if len(group) else None)
    assert out["mean_risk"] == (group["risk"].mean() if len(group) else None)
    assert out["expected_leavers"] == group["risk"].sum()
    if not valued:
        assert (out["value"], out["value_at_risk"], out["mean_value"], out["valued"]) == (None, None, None, 0)
        return
    known = group[np.isfinite(group["value"])]
    assert out["valued"] == len(known)
    assert out["value"] == known["value"].clip(lower=0).sum()
    assert out["value_at_risk"] == (known["risk"] * known["value"].clip(lower=0)).sum()
    assert out["mean_value"] == (known["value"].mean() if len(known) else None)


@hsettings(max_examples=200, deadline=None)
@given(values=st.lists(st.one_of(st.floats(-10, 1e13, allow_nan=False), st.just(float("nan")),
                                 st.sampled_from([5e12, 0.1, 3.0, 1e-3, 0.0])), min_size=1, max_size=60),
       seed=st.integers(0, 1000))
def test_the_value_by_risk_grid_counts_every_client_once(values, seed):
    # every client with a positive value is in one cell (the smallest and the largest included: 10 ** log10(v)
    # may miss v by a hair), every other one is counted outside
    from reportgen.analysis.action_groups import density

    value = np.array(values)
    risk = np.random.default_rng(seed).random(len(value))
    grid = density(risk, value)
    positive = np.isfinite(value) & (value > 0)
    if not positive.any():
        assert grid is None
        return
    assert np.sum(grid["counts"]) == positive.sum() and grid["outside"] == (~positive).sum()
    expected, _, _ = np.histogram2d(risk[positive], value[positive], [grid["risk_edges"], grid["value_edges"]])
    assert grid["counts"] == expected.astype(int).tolist()


@hsettings(max_examples=200, deadline=None)
@given(cells=st.lists(st.sampled_from([1, 1.0, True, 0, False, 2.5, "1", "1.0", "B", None, np.nan]), min_size=1,
                      max_size=40),
       start=st.integers(0, 39))
def test_a_category_is_encoded_by_its_own_text_whatever_rows_come_with_it(cells, start):
    # pandas finds 1, 1.0 and True one value: each cell's code must be that of its own text, as the levels
    # were counted, whether the whole column or a chunk of it is encoded (the model scores chunks; found by
    # review: a chunk starting at 1.0 gave the cells of 1 the code of '1.0')
    from reportgen.analysis.prediction_models import OTHER, encode, fit_encoding

    frame = pd.DataFrame({"product": pd.Series(cells, dtype=object)})
    encoding = fit_encoding(frame)
    kept = encoding.levels["product"]
    whole = encode(frame, encoding)[:, 0]
    expected = [np.nan if c is None or (isinstance(c, float) and np.isnan(c))
                else kept.index(str(c)) if str(c) in kept else kept.index(OTHER) if OTHER in kept else np.nan
                for c in cells]
    np.testing.assert_array_equal(whole, np.array(expected, dtype=float))
    start = min(start, len(cells) - 1)
    np.testing.assert_array_equal(encode(frame.iloc[start:], encoding)[:, 0], whole[start:])


def test_a_failure_of_the_calibration_fit_beside_the_figures_is_raised(monkeypatch):
    # evaluate() fits the calibration on a worker thread while it sorts: its error reaches the caller, and no
    # thread is left behind
    import threading

    import reportgen.analysis.prediction_metrics as metrics

    def broken(_y, _p):
        raise RuntimeError("calibration failed")

    before = threading.active_count()
    monkeypatch.setattr(metrics, "calibration_fit", broken)
    y = np.array([0, 1] * 50)
    with pytest.raises(RuntimeError, match="calibration failed"):
        metrics.evaluate(y, np.linspace(0.01, 0.99, 100), 0.1)
    assert threading.active_count() == before


@hsettings(max_examples=150, deadline=None)
@given(cells=st.lists(st.one_of(st.none(), st.integers(0, 3), st.floats(0, 2, allow_nan=False)), min_size=1,
                      max_size=30),
       start=st.integers(0, 29), whole_numbers=st.booleans(), size=st.integers(1, 30))
def test_a_category_column_of_numbers_is_encoded_alike_in_any_chunk(cells, start, whole_numbers, size):
    # a category of whole numbers read straight as "string" gave '1.0' beside a missing cell and '1' without
    # one: a chunk's codes depended on its rows (found by review); read through Python objects they do not
    from reportgen.analysis.prediction_models import encode, fit_encoding

    if whole_numbers:
        cells = [None if c is None else int(c) for c in cells]
    frame = pd.DataFrame({"plan": pd.Series(cells, dtype="category")})
    encoding = fit_encoding(frame)
    whole = encode(frame, encoding)[:, 0]
    start = min(start, len(cells) - 1)
    rows = frame.iloc[start:start + size]
    np.testing.assert_array_equal(encode(rows, encoding)[:, 0], whole[start:start + size])
    assert not np.isnan(whole[frame["plan"].notna().to_numpy()]).any()  # every present cell has its level
