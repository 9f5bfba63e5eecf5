"""Segments found on one part of the table and measured on the other; clusters and profiles on the bundled sample.

Every expected figure is recomputed here with pandas, scipy and scikit-learn from the rules and the
documented split (half of the clients, stratified by churn, scikit-learn's train_test_split with the
analysis seed), never read from the engine's own intermediate results.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from scipy import stats
from sklearn.model_selection import train_test_split

from reportgen.analysis.segments import find_segments
from reportgen.config import AnalysisSettings, Settings
from reportgen.console import Reporter
from reportgen.ingest import load_dataset
from reportgen.roles import Roles
from reportgen.pipeline import analyse
from tests.conftest import SAMPLE_DATA
from tests.conftest import settings as make_settings
from tests.render_helpers import deck_paragraphs, pdf_text, tr


def rule_rows(frame: pd.DataFrame, rule: list[dict]) -> pd.Series:
    """Return the clients meeting a rule, evaluated with pandas (missing values meet no condition)."""
    mask = pd.Series(True, index=frame.index)
    for cond in rule:
        col = frame[cond["feature"]]
        if cond["op"] == "==":
            mask &= col == cond["value"]
        elif cond["op"] == "other":  # the levels not named, a missing value never
            mask &= col.notna() & ~col.isin(cond["values"])
        else:
            mask &= col.notna()
            if cond.get("low") is not None:
                mask &= col >= cond["low"]
            if cond.get("high") is not None:
                mask &= col < cond["high"]
    return mask


def discovery_half(churn: np.ndarray, seed: int) -> np.ndarray:
    """Return the documented discovery half: stratified, train_test_split with the analysis seed."""
    picked, _ = train_test_split(np.arange(len(churn)), train_size=len(churn) // 2, stratify=churn,
                                 random_state=seed)
    mask = np.zeros(len(churn), dtype=bool)
    mask[picked] = True
    return mask


def wilson(k: int, n: int) -> tuple[float, float]:
    """Return scipy's Wilson interval of k/n."""
    ci = stats.binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    return ci.low, ci.high


@pytest.fixture(scope="module")
def sample():
    """Return (context, frame) of the bundled sample: the frame read with pandas alone."""
    settings = Settings()
    context = analyse(load_dataset(SAMPLE_DATA, settings), settings, Reporter(-1), period="2026-Q3")
    return context, pd.read_csv(SAMPLE_DATA)


def test_sample_segments_are_measured_on_clients_the_search_did_not_see(sample):
    context, frame = sample
    churn = frame["churn"].to_numpy()
    found = pd.Series(discovery_half(churn, context["method"]["random_state"]), index=frame.index)
    held = ~found
    base = frame.loc[held, "churn"].mean()
    segments = context["segments"]
    assert len(segments) >= 3
    assert [s["churn_rate"] for s in segments] == sorted((s["churn_rate"] for s in segments), reverse=True)
    for seg in segments:
        rows = rule_rows(frame, seg["rule"])
        assert rows.sum() == seg["size"] >= context["method"]["min_segment_size"]
        assert seg["share"] == pytest.approx(rows.mean())
        unseen = frame.loc[rows & held, "churn"]
        assert seg["customers"] == len(unseen) and seg["churned"] == unseen.sum()
        assert seg["churn_rate"] == pytest.approx(unseen.mean())
        assert seg["churn_rate_ci"] == pytest.approx(wilson(int(unseen.sum()), len(unseen)))
        assert seg["lift_pp"] == pytest.approx((unseen.mean() - base) * 100)
        seen = frame.loc[rows & found, "churn"]
        assert seg["discovery"]["churn_rate"] == pytest.approx(seen.mean())
        # significantly above the unseen clients' average, one-sided
        rest = frame.loc[held & ~rows, "churn"]
        table = [[unseen.sum(), len(unseen) - unseen.sum()], [rest.sum(), len(rest) - rest.sum()]]
        p = stats.fisher_exact(table, alternative="greater").pvalue
        assert p < 0.01
        assert seg["p_adjusted"] < context["method"]["alpha"]
    for a, b in itertools.combinations(segments, 2):
        ra, rb = rule_rows(frame, a["rule"]), rule_rows(frame, b["rule"])
        jaccard = (ra & rb).sum() / (ra | rb).sum()
        assert jaccard < context["method"]["max_overlap"]
        assert a["overlap"][b["id"]] == b["overlap"][a["id"]] == pytest.approx(jaccard, abs=1e-15)


def test_sample_segment_profiles_match_pandas(sample):
    context, frame = sample
    seg = context["segments"][0]
    part = frame[rule_rows(frame, seg["rule"])]
    features = seg["profile"]["features"]
    assert features["age"]["mean"] == pytest.approx(part["age"].mean())
    assert features["balance"]["median"] == pytest.approx(part["balance"].median())
    assert features["EST_SALARY"]["mean"] == pytest.approx(part["EST_SALARY"].mean())
    assert features["credit_card"]["share"] == pytest.approx(part["credit_card"].mean())
    shares = part["city"].value_counts(normalize=True)
    assert features["city"]["majority"] == shares.index[0]
    assert features["city"]["majority_share"] == pytest.approx(shares.iloc[0])
    assert features["age"]["base"]["mean"] == pytest.approx(frame["age"].mean())
    for column in ("balance", "age", "credit_card", "city"):  # numbers, a flag and levels, each with gaps
        assert features[column]["n"] == part[column].notna().sum()
        assert features[column]["missing"] == part[column].isna().sum()
        assert features[column]["base"]["missing"] == frame[column].isna().sum()
    assert features["balance"]["base"]["missing"] > 0 and features["balance"]["base"]["q3"] == pytest.approx(
        frame["balance"].quantile(0.75))
    assert features["balance"]["q3"] == pytest.approx(part["balance"].quantile(0.75))


def nearest_centroid(frame: pd.DataFrame, clusters: dict) -> np.ndarray:
    """Return each client's nearest centroid, with the stored transform applied here in numpy."""
    spec = clusters["transform"]
    parts = []
    for column, median in spec["impute"].items():
        values = frame[column].astype(float).fillna(median).to_numpy()
        parts.append(np.log1p(np.clip(values, 0, None)) if column in spec["log"] else values)
    for column, levels in spec["levels"].items():
        parts += [(frame[column].astype(str) == level).to_numpy(dtype=float) for level in levels]
    x = (np.column_stack(parts) - np.asarray(spec["mean"])) / np.asarray(spec["scale"]) * np.asarray(spec["weights"])
    centroids = np.asarray(clusters["centroids"])
    return ((x[:, None, :] - centroids[None, :, :]) ** 2).sum(axis=2).argmin(axis=1)


def test_sample_clusters_sizes_churn_and_profiles_match_an_independent_assignment(sample):
    context, frame = sample
    clusters = context["clusters"]
    assert clusters["status"] == "ok" and 2 <= clusters["k"] <= 8
    chosen = next(c for c in clusters["candidates"] if c["k"] == clusters["k"])
    assert chosen["silhouette"] == max(c["silhouette"] for c in clusters["candidates"] if c["accepted"])
    for column, median in clusters["transform"]["impute"].items():
        assert median == pytest.approx(frame[column].median())
    labels = nearest_centroid(frame, clusters)
    kmeans = context["clusters"]["groups"]
    assert len(kmeans) == clusters["k"]
    for seg in kmeans:
        members = frame[labels == seg["cluster"]]
        assert seg["size"] == len(members)
        assert seg["churn_rate"] == pytest.approx(members["churn"].mean())
        assert seg["profile"]["features"]["age"]["mean"] == pytest.approx(members["age"].mean())
        assert seg["profile"]["features"]["products"]["median"] == pytest.approx(members["products"].median())
    assert min(s["share"] for s in kmeans) >= 0.02


def with_noise(frame: pd.DataFrame, columns: int, seed: int) -> pd.DataFrame:
    """Return the frame with `columns` random numeric and as many random categorical columns."""
    rng = np.random.default_rng(seed)
    n = len(frame)
    noise = {f"noise_num_{i}": rng.lognormal(3, 1, n) for i in range(columns)}
    noise |= {f"noise_cat_{i}": rng.choice(["A", "B", "C", "D", "E"], n) for i in range(columns)}
    return pd.concat([frame, pd.DataFrame(noise, index=frame.index)], axis=1)


def test_columns_of_noise_never_make_a_segment():
    settings = Settings()
    dataset = load_dataset(SAMPLE_DATA, settings)
    frame = with_noise(dataset.frame, 100, seed=11)
    r = dataset.roles
    roles = Roles(churn=r.churn, id=r.id, semantic=r.semantic, binary=r.binary,
                  numeric=r.numeric + [c for c in frame if c.startswith("noise_num")],
                  categorical=r.categorical + [c for c in frame if c.startswith("noise_cat")])
    result = find_segments(frame, roles, settings.analysis)
    assert result["segments"], "the real conditions must still make segments"
    used = {c["feature"] for s in result["segments"] for c in s["rule"]}
    assert not {f for f in used if f.startswith("noise")}
    assert result["conditions_tested"] > 20_000  # the noise columns were searched, not skipped


def telecom(n: int, seed: int) -> pd.DataFrame:
    """Return a telecom-like table where new month-to-month fibre clients (six months or less) churn most."""
    rng = np.random.default_rng(seed)
    tenure = np.where(rng.random(n) < 0.3, rng.integers(0, 13, n), rng.integers(0, 73, n))
    contract = rng.choice(["Month-to-month", "One year", "Two year"], n, p=[0.6, 0.2, 0.2])
    internet = rng.choice(["Fiber optic", "DSL", "No"], n, p=[0.5, 0.35, 0.15])
    p = np.full(n, 0.08)
    p += 0.12 * (contract == "Month-to-month") + 0.08 * (internet == "Fiber optic")
    p += 0.20 * (tenure <= 12)
    p = np.where((tenure <= 6) & (contract == "Month-to-month") & (internet == "Fiber optic"), 0.78, p)
    churn = (rng.random(n) < p).astype(int)
    return pd.DataFrame({"customerID": [f"{i:05d}-TEL" for i in range(n)], "tenure": tenure, "Contract": contract,
                         "InternetService": internet, "MonthlyCharges": rng.normal(70, 20, n).round(2),
                         "Churn": np.where(churn == 1, "Yes", "No")})


def brute_force_best(frame: pd.DataFrame, min_size: int) -> float:
    """Return the highest churn of any 'tenure <= t' x contract x internet segment of min_size clients."""
    churn = frame["Churn"] == "Yes"
    best = 0.0
    contracts = [None, *frame["Contract"].unique()]
    internets = [None, *frame["InternetService"].unique()]
    for t in range(0, 73):
        for contract in contracts:
            for internet in internets:
                mask = frame["tenure"] <= t
                if contract is not None:
                    mask &= frame["Contract"] == contract
                if internet is not None:
                    mask &= frame["InternetService"] == internet
                if mask.sum() >= min_size:
                    best = max(best, churn[mask].mean())
    return best


def test_numeric_conditions_are_as_fine_as_the_data_supports(tmp_path):
    frame = telecom(12_000, seed=3)
    path = tmp_path / "telecom.csv"
    frame.to_csv(path, index=False)
    settings = make_settings(columns={"id": "customerID", "churn": "Churn", "tenure": "tenure"})
    context = analyse(load_dataset(path, settings), settings, Reporter(-1), period="2026-Q3")
    best = brute_force_best(frame, 500)
    assert best > 0.7
    top = context["segments"][0]
    tenure = next(c for c in top["rule"] if c["feature"] == "tenure")
    assert tenure["low"] is None and tenure["high"] <= 8  # 'six months or less', not a 20-month band
    whole = frame.loc[rule_rows(frame, top["rule"]), "Churn"].eq("Yes").mean()
    assert whole >= best - 0.03
    assert top["churn_rate"] >= best - 0.08  # measured on unseen clients: noisier, not biased upward


@pytest.mark.parametrize("n, churned", [(150, 40), (1_000, 20)])
def test_a_table_too_small_to_segment_gets_no_segment_and_says_why(n, churned):
    rng = np.random.default_rng(1)
    churn = np.zeros(n, dtype=int)
    churn[rng.choice(n, churned, replace=False)] = 1
    frame = pd.DataFrame({"churn": churn, "age": rng.integers(18, 80, n).astype(float),
                          "flag": (churn | (rng.random(n) < 0.2)).astype(float)})
    roles = Roles(churn="churn", numeric=["age"], binary=["flag"])
    result = find_segments(frame, roles, AnalysisSettings(min_segment_size=1))
    assert result["segments"] == []
    assert result["reason"] == "too_small"


def test_the_deck_says_where_a_segments_churn_was_measured(run_cli, tmp_path):
    frame = pd.read_csv(SAMPLE_DATA)
    out = tmp_path / "out"
    result = run_cli("build", "--data", SAMPLE_DATA, "--lang", "en", "--out", out, "--period", "2026-Q3")
    assert result.code == 0, result.err
    import json

    context = json.loads((out / "context.json").read_text(encoding="utf-8"))
    seg = context["segments"][0]
    held = ~discovery_half(frame["churn"].to_numpy(), 42) & rule_rows(frame, seg["rule"]).to_numpy()
    texts = deck_paragraphs(out / "deck_en.pptx")
    expected = f"Churn measured on the {held.sum():,} clients of the segment that the search did not see."
    assert any(expected in t for t in texts), expected
    assert any(t.startswith("Segment validation: searched on 5,000 clients, measured on 5,000 others") for t in texts)

    assert expected.replace(",", ",") in " ".join(pdf_text(out / "summary_en.pdf").split())


def test_a_small_table_builds_without_segments_and_says_why(run_cli, tmp_path):
    frame = pd.read_csv(SAMPLE_DATA).head(150)
    path = tmp_path / "small.csv"
    frame.to_csv(path, index=False)
    out = tmp_path / "out"
    result = run_cli("build", "--data", path, "--lang", "en,fr", "--out", out, "--period", "2026-Q3")
    assert result.code == 0, result.err
    assert "too small to look for churn-prone segments" in result.err + result.out
    texts = " ".join(deck_paragraphs(out / "deck_en.pptx"))
    assert "The table is too small to look for churn-prone segments: 150 clients and" in texts
    assert "Segment S1" not in texts

    pdf = " ".join(pdf_text(out / "summary_fr.pdf").split())
    assert " ".join(tr("fr", "The table is too small to look for churn-prone segments: {clients} and {churned}; at "
                             "least {min_clients} clients and {min_churned} churned clients are needed.")
                    .split("{clients}")[0].split()) in pdf


@hsettings(max_examples=200, deadline=None)
@given(cells=st.lists(st.one_of(st.none(), st.just(float("nan")), st.sampled_from(["a", "b", "1", "Ростов"]),
                                st.integers(0, 2), st.booleans()), min_size=1, max_size=40),
       value=st.one_of(st.sampled_from(["a", "1", "Ростов"]), st.integers(0, 2)),
       text=st.booleans())
def test_a_level_condition_matches_the_cells_equal_to_it_and_never_a_missing_one(cells, value, text):
    """A rule's `==` condition on a text column: the cells equal to the level, missing cells never, whatever
    the column holds (mixed types, Python's 1 == True included) and whether it is object or string dtype."""
    from reportgen.analysis.rules import condition_mask

    column = pd.Series(cells, dtype=object)
    if text:
        column = pd.Series([None if c is None or c != c else str(c) for c in cells], dtype="string")
        value = str(value)
    expected = [c is not None and not pd.isna(c) and c == value for c in column.astype(object)]
    got = condition_mask(pd.DataFrame({"x": column}), {"feature": "x", "op": "==", "value": value})
    assert got.tolist() == expected


def test_clusters_of_a_large_table_are_those_of_its_whole_matrix(monkeypatch):
    """Above LAZY_ROWS the clustering matrix is never built whole (the samples encoded on their own, every row
    assigned a block at a time): the same scaling, choice of k, centroids and clients' clusters as the whole
    matrix gives. Thresholds lowered so that 60,000 clients take the large-table route."""
    from reportgen.analysis import clusters as clusters_mod
    from reportgen.ingest.sample import generate_customers

    frame = generate_customers(60_000, 7)
    roles = Roles(id="USERID", churn="churn", numeric=["score", "age", "equity", "balance", "products", "EST_SALARY"],
                  binary=["credit_card", "last_activity"], categorical=["city", "gender"])
    analysis = make_settings().analysis
    monkeypatch.setattr(clusters_mod, "WHOLE_ROWS", 1_000)
    monkeypatch.setattr(clusters_mod, "FIT_SAMPLE", 30_000)
    whole = clusters_mod.find_clusters(frame, roles, analysis)
    monkeypatch.setattr(clusters_mod, "LAZY_ROWS", 1_000)
    monkeypatch.setattr(clusters_mod, "ASSIGN_BLOCK", 7_000)
    monkeypatch.setattr(clusters_mod, "apply_transform", _counting(clusters_mod.apply_transform, seen := []))
    large = clusters_mod.find_clusters(frame, roles, analysis)
    assert max(seen) <= 30_000  # never the whole table at once
    assert whole["status"] == large["status"] == "ok" and whole["k"] == large["k"]
    assert large["transform"]["mean"] == pytest.approx(whole["transform"]["mean"], rel=1e-12, abs=1e-12)
    assert large["transform"]["scale"] == pytest.approx(whole["transform"]["scale"], rel=1e-12)
    assert np.asarray(large["centroids"]) == pytest.approx(np.asarray(whole["centroids"]), abs=1e-9)
    assert np.array_equal(large["labels"], whole["labels"])
    assert [c["k"] for c in large["candidates"]] == [c["k"] for c in whole["candidates"]]


def _counting(function, seen: list):
    """Return `function` recording the number of rows of each frame it is given."""
    def counted(frame, spec):
        seen.append(len(frame))
        return function(frame, spec)
    return counted


@hsettings(max_examples=200, deadline=None)
@given(y=st.lists(st.sampled_from([0, 1, 2]), min_size=6, max_size=300), share=st.floats(0.05, 0.95),
       seed=st.integers(0, 2**31 - 1), as_type=st.sampled_from(["int8", "int64", "uint8", "bool", "float", "str",
                                                                   "large"]))
def test_stratified_pick_is_scikit_learns_first_part_row_for_row(y, share, seed, as_type):
    # discovery_rows draws its rows as train_test_split does, without building the other part; small integer
    # labels (a churn flag) are counted, others sorted, as np.unique sorts them
    from reportgen.analysis.segments import stratified_pick

    counts = np.bincount(y)
    y = np.array(y)
    if as_type == "bool":
        y = y.astype(bool)
        counts = np.bincount(y)
    elif as_type == "large":
        y = y * 1000 - 7  # negative and beyond the counted range
    else:
        y = y.astype({"float": float, "str": str}.get(as_type, as_type))
    classes = int((counts > 0).sum())
    if counts[counts > 0].min() < 2:
        return  # scikit-learn refuses a class of one row; the search never asks (30 churned clients at least)
    take = min(len(y) - classes, max(classes, int(share * len(y))))
    expected, _rest = train_test_split(np.arange(len(y)), train_size=take, stratify=y, random_state=seed)
    assert stratified_pick(y, take, seed).tolist() == expected.tolist()


CONDITIONS = [{"feature": "x", "op": "range", "low": 0.0, "high": 5.0}, {"feature": "x", "op": "range", "low": 3.0,
                                                                        "high": None},
              {"feature": "x", "op": "range", "low": None, "high": 2.0}, {"feature": "t", "op": "==", "value": "a"},
              {"feature": "t", "op": "other", "values": ["a", "b"]}, {"feature": "f", "op": "==", "value": 1}]


def _table(xs: list, ts: list, fs: list, n: int) -> pd.DataFrame:
    """Return a table of `n` rows cycling through the drawn cells (x numbers or NaN, t texts or None, f 0/1)."""
    return pd.DataFrame({"x": [xs[i % len(xs)] for i in range(n)], "t": [ts[i % len(ts)] for i in range(n)],
                         "f": [fs[i % len(fs)] for i in range(n)]})


@hsettings(max_examples=60, deadline=None)
@given(xs=st.lists(st.one_of(st.floats(-2, 8), st.just(float("nan"))), min_size=1, max_size=30),
       ts=st.lists(st.one_of(st.none(), st.sampled_from(["a", "b", "c"])), min_size=1, max_size=30),
       fs=st.lists(st.integers(0, 1), min_size=1, max_size=30),
       rules=st.lists(st.lists(st.sampled_from(CONDITIONS), min_size=1, max_size=3), min_size=1, max_size=4))
def test_rule_masks_are_the_rules_rows_however_often_asked_and_whatever_is_forgotten(xs, ts, fs, rules):
    """RuleMasks (each condition computed once, shared by the search's steps) gives every rule's rows as pandas
    finds them, as a fresh array a caller may change without changing the next answer, before and after
    keep() forgets the conditions of the other rules."""
    from reportgen.analysis.rules import RuleMasks

    frame = _table(xs, ts, fs, 97)
    masks = RuleMasks(frame)
    for rule in rules + rules:
        got = masks.rule(rule)
        assert got.tolist() == rule_rows(frame, rule).tolist()
        got[:] = ~got  # the caller's own array: the cache must not see this
    masks.keep(rules[:1])
    for rule in rules:
        assert masks.rule(rule).tolist() == rule_rows(frame, rule).tolist()
    assert masks.rule([]).all()


def test_rule_masks_keep_a_number_and_its_text_apart():
    """A level written as a numpy number and the same digits as text are two conditions with their own rows
    (a review's case: keyed by their text, the second was given the first one's rows)."""
    from reportgen.analysis.rules import RuleMasks, condition_mask

    frame = pd.DataFrame({"t": pd.Series([np.int64(5), "5", "5", np.int64(5), "x", np.True_, "True",
                                          "int64:np.int64(5)", 5.0, pd.Timestamp("2020-01-01")], dtype=object)})
    masks = RuleMasks(frame)
    for value in ("5", np.int64(5), "True", np.True_, 5, "int64:np.int64(5)", np.int64(5), 5.0, True,
                  pd.Timestamp("2020-01-01"), "Timestamp:Timestamp('2020-01-01 00:00:00')"):
        condition = {"feature": "t", "op": "==", "value": value}
        assert masks.condition(condition).tolist() == condition_mask(frame, condition).tolist(), value
    for values in (["5"], [np.int64(5)]):
        condition = {"feature": "t", "op": "other", "values": values}
        assert masks.condition(condition).tolist() == condition_mask(frame, condition).tolist(), values


@hsettings(max_examples=60, deadline=None)
@given(xs=st.lists(st.one_of(st.floats(-2, 8), st.just(float("nan"))), min_size=1, max_size=30),
       ts=st.lists(st.one_of(st.none(), st.sampled_from(["a", "b", "c"])), min_size=1, max_size=30),
       fs=st.lists(st.integers(0, 1), min_size=1, max_size=30),
       churn=st.lists(st.integers(0, 1), min_size=2, max_size=40),
       rule=st.lists(st.sampled_from(CONDITIONS), min_size=2, max_size=3, unique_by=lambda c: str(c)),
       alpha=st.sampled_from([0.05, 0.5, 0.99]))
def test_pruning_on_the_holdout_drops_the_conditions_a_direct_count_finds_adding_nothing(xs, ts, fs, churn, rule,
                                                                                         alpha):
    """The holdout's pruning (counts by difference, masks shared) removes the conditions, in the order, that
    the documented procedure finds with pandas masks and a one-sided two-proportion z-test from scipy:
    among holdout clients meeting the other conditions, those meeting it must churn significantly more."""
    from reportgen.analysis.rules import RuleMasks
    from reportgen.analysis.segments import _prune

    n = 301
    frame = _table(xs, ts, fs, n)
    y = np.array([churn[i % len(churn)] ^ (i % 7 == 0) for i in range(n)], dtype=int)
    held = np.arange(n) % 3 != 0
    expected_rule, expected_removed = list(rule), []
    while len(expected_rule) > 1:
        worst, worst_p = None, alpha
        for i, condition in enumerate(expected_rule):
            others = rule_rows(frame, expected_rule[:i] + expected_rule[i + 1:]).to_numpy() & held
            meets = others & rule_rows(frame, [condition]).to_numpy()
            rest = others & ~meets
            k1, n1, k2, n2 = y[meets].sum(), meets.sum(), y[rest].sum(), rest.sum()
            pooled = (k1 + k2) / (n1 + n2) if n1 and n2 else 0.0
            p = 1.0
            if n1 and n2 and 0 < pooled < 1:
                z = (k1 / n1 - k2 / n2) / np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
                p = stats.norm.sf(z) if z > 0 else 1.0
            if p >= worst_p:
                worst, worst_p = i, p
        if worst is None:
            break
        expected_removed.append(expected_rule.pop(worst))
    got_rule, got_removed = _prune(RuleMasks(frame), y.astype(bool), held, rule, alpha)
    assert (got_rule, got_removed) == (expected_rule, expected_removed)
