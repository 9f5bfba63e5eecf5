"""Tests of the behaviour kind (issue 9, section 3): tables without a churn flag, loaded, clustered, described.

Every table is written here (or is the public mall table in ../shared); groups are planted or defined by
thresholds here, and every expected figure (z, medians, shares, bin counts, agreement of the clusters with
the groups) is computed here with pandas, numpy and scikit-learn's adjusted Rand index.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from reportgen.analysis.behaviour import (MIN_CLUSTER_SIZE, TRAIT_THRESHOLD, analyse_behaviour, distribution,
                                          name_clusters)
from reportgen.analysis.clusters import assign_clusters
from reportgen.ingest import load_dataset
from reportgen.ingest.playbook import default_playbook, load_playbook
from tests.conftest import PROJECT
from tests.conftest import settings as make_settings

MALL_DATA = PROJECT.parent / "shared" / "data" / "mall_customers.csv"
BEHAVIOUR_PLAYBOOK = load_playbook(default_playbook("behaviour"))

# The five groups of the classic mall tutorials, by income band (<40, 40-70, >70 k$) and spending score band
# (<40, 40-60, >60), and what must set each apart: (role, direction) of its traits.
EXPECTED_TRAITS = {
    (0, 0): {("income", "low"), ("spending_score", "low")},
    (0, 2): {("income", "low"), ("spending_score", "high")},
    (1, 1): set(),  # the middle group is close to all clients on both
    (2, 0): {("income", "high"), ("spending_score", "low")},
    (2, 2): {("income", "high"), ("spending_score", "high")},
}


# --- helpers ---------------------------------------------------------------------------------------------


def analyse(path: Path, **sections) -> tuple:
    """Return (dataset, results) of the behaviour analysis of `path` with settings from `sections`."""
    settings = make_settings(**sections)
    dataset = load_dataset(path, settings)
    return dataset, analyse_behaviour(dataset.frame, dataset.roles, settings.analysis, BEHAVIOUR_PLAYBOOK)


def cluster_labels(dataset, results) -> np.ndarray:
    """Return each client's cluster, checked against the sizes the results report."""
    clusters = results["clusters"]
    labels = assign_clusters(dataset.frame, clusters)
    assert [int((labels == c["cluster"]).sum()) for c in clusters["groups"]] == [c["size"] for c in
                                                                                     clusters["groups"]]
    return labels


def bands(values: pd.Series, low: float, high: float) -> np.ndarray:
    """Return 0 below `low`, 1 from `low` to `high`, 2 above `high`."""
    x = values.to_numpy(dtype=float)
    return np.where(x < low, 0, np.where(x > high, 2, 1))


def check_five_groups(dataset, results, income: str, score: str, groups: np.ndarray) -> None:
    """Check k = 5, agreement with the groups, and each cluster's traits and z against an independent computation."""
    clusters = results["clusters"]
    assert clusters["status"] == "ok" and clusters["k"] == 5, [(c["k"], c["silhouette"]) for c in
                                                                clusters["candidates"]]
    silhouettes = {c["k"]: c["silhouette"] for c in clusters["candidates"]}
    assert max(silhouettes, key=silhouettes.get) == 5
    assert [c["k"] for c in clusters["candidates"]] == list(range(2, 9))  # the elbow curve is kept
    labels = cluster_labels(dataset, results)
    assert adjusted_rand_score(groups, labels) >= 0.8
    frame = dataset.frame
    cells = list(zip(bands(frame[income], 40, 70), bands(frame[score], 40, 60)))
    seen = set()
    for cluster in clusters["groups"]:
        members = labels == cluster["cluster"]
        cell = pd.Series([c for c, m in zip(cells, members) if m]).mode()[0]
        seen.add(cell)
        assert {(t["role"], t["direction"]) for t in cluster["traits"]} == EXPECTED_TRAITS[cell], cluster["traits"]
        strengths = [abs(t["z"]) for t in cluster["traits"]]
        assert strengths == sorted(strengths, reverse=True)
        for column in (income, score):
            x = frame[column].astype(float)
            z = (x[members].mean() - x.mean()) / x.std(ddof=0)
            assert cluster["profile"]["features"][column]["z"] == pytest.approx(z)
            trait = next((t for t in cluster["traits"] if t["feature"] == column), None)
            assert (trait is not None) == (abs(z) >= TRAIT_THRESHOLD)
        assert cluster["name_unique"]
    assert seen == set(EXPECTED_TRAITS)


def mall_like(seed: int = 3) -> pd.DataFrame:
    """Return 200 shoppers in five Gaussian blobs at the mall's five groups, with their planted group."""
    rng = np.random.default_rng(seed)
    blobs = [  # (income, score, clients, income sd, score sd)
        (26, 20, 23, 7, 8), (25, 79, 22, 7, 8), (55, 50, 81, 8, 5), (88, 17, 35, 10, 8), (86, 82, 39, 10, 8)]
    parts = []
    for group, (income, score, n, sd_income, sd_score) in enumerate(blobs):
        parts.append(pd.DataFrame({
            "group": group,
            "Revenu annuel (k€)": np.clip(rng.normal(income, sd_income, n), 15, 140).round(),
            "Indice d'achat": np.clip(rng.normal(score, sd_score, n), 1, 99).round(),
            "Âge": rng.integers(18, 70, n),
        }))
    frame = pd.concat(parts, ignore_index=True).sample(frac=1, random_state=seed).reset_index(drop=True)
    frame.insert(0, "id_client", [f"M{i:04d}" for i in range(len(frame))])
    return frame


def card_usage(seed: int = 7) -> pd.DataFrame:
    """Return 1,250 card holders in four planted groups (heavy-tailed amounts), with their group."""
    rng = np.random.default_rng(seed)

    def amounts(median: float, n: int, sigma: float = 0.8) -> np.ndarray:
        return np.round(median * np.exp(rng.normal(0, sigma, n)), 2)

    groups = {  # clients, balance, purchases, cash advance, credit limit, payments, purchase frequency
        "cash_advance": (300, 4000, 150, 3000, 5000, 2500, 0.15),
        "dormant_high_limit": (250, 400, 40, 0, 12000, 300, 0.03),
        "active_spenders": (400, 1000, 3000, 0, 6000, 3000, 0.9),
        "small_users": (300, 300, 400, 0, 1500, 400, 0.5),
    }
    parts = []
    for name, (n, balance, purchases, cash, limit, payments, frequency) in groups.items():
        parts.append(pd.DataFrame({
            "group": name, "BALANCE": amounts(balance, n), "PURCHASES": amounts(purchases, n),
            "CASH_ADVANCE": amounts(cash, n) if cash else np.zeros(n),
            "CREDIT_LIMIT": np.round(amounts(limit, n, 0.2), -2), "PAYMENTS": amounts(payments, n),
            "PURCHASES_FREQUENCY": np.clip(rng.normal(frequency, 0.07, n), 0, 1).round(3)}))
    frame = pd.concat(parts, ignore_index=True).sample(frac=1, random_state=seed).reset_index(drop=True)
    frame.insert(0, "CUST_ID", [f"C{10001 + i}" for i in range(len(frame))])
    return frame


def write(frame: pd.DataFrame, path: Path) -> Path:
    """Write `frame` as UTF-8 CSV without its planted `group` column and return the path."""
    frame.drop(columns=["group"], errors="ignore").to_csv(path, index=False)
    return path


@pytest.fixture
def mall_data() -> Path:
    """Return the public mall table (tests using it are marked realdata)."""
    if not MALL_DATA.is_file():
        pytest.skip(f"{MALL_DATA} is absent (a fresh clone has no ../shared); real-data test skipped")
    return MALL_DATA


@pytest.fixture
def no_churn(sample_frame, tmp_path) -> tuple[pd.DataFrame, Path]:
    """Return the first 2,000 rows of the generated bank table without its churn column, and its CSV."""
    frame = sample_frame.head(2000).drop(columns="churn")
    return frame, write(frame, tmp_path / "no_churn.csv")


# --- the five groups of the mall ---------------------------------------------------------------------------


@pytest.mark.realdata
def test_mall_customers_fall_into_the_five_groups_plain_to_the_eye(mall_data):
    dataset, results = analyse(mall_data, columns={"ignore": ["Gender", "Age"]})
    income, score = "Annual Income (k$)", "Spending Score (1-100)"
    # found by their names, units in brackets and all
    assert dataset.roles.semantic == {"income": income, "spending_score": score}
    raw = pd.read_csv(mall_data)
    groups = bands(raw[income], 40, 70) * 3 + bands(raw[score], 40, 60)
    check_five_groups(dataset, results, income, score, groups)


def test_generated_mall_like_table_falls_into_its_five_planted_groups(tmp_path):
    frame = mall_like()
    income, score = "Revenu annuel (k€)", "Indice d'achat"
    dataset, results = analyse(write(frame, tmp_path / "mall_like.csv"),
                               columns={"income": income, "spending_score": score, "ignore": ["Âge"]})
    assert dataset.kind == "behaviour" and dataset.roles.numeric == [income, score]
    check_five_groups(dataset, results, income, score, frame["group"].to_numpy())
    # the cluster of high incomes and low scores is told to make a premium offer, the reverse one to offer
    # budget-friendly bundles; the figures quoted are the cluster's own medians
    labels = cluster_labels(dataset, results)
    for cluster in results["clusters"]["groups"]:
        roles = {(t["role"], t["direction"]) for t in cluster["traits"]}
        ids = [r["id"] for r in cluster["recommendations"]]
        members = dataset.frame[labels == cluster["cluster"]]
        assert ("premium_advice" in ids) == (roles == {("income", "high"), ("spending_score", "low")})
        assert ("budget_bundles" in ids) == (roles == {("income", "low"), ("spending_score", "high")})
        assert ("loyalty_programme" in ids) == (("spending_score", "high") in roles)
        for rec in cluster["recommendations"]:
            if "income" in rec["figures"]:
                assert rec["figures"]["income"]["value"] == pytest.approx(members[income].median())
                assert rec["figures"]["base_income"]["value"] == pytest.approx(dataset.frame[income].median())
        assert 2 <= len(ids) <= 3


# --- a card-usage table --------------------------------------------------------------------------------------


def test_card_usage_groups_get_credit_risk_review_and_activation_campaign(tmp_path):
    frame = card_usage()
    dataset, results = analyse(write(frame, tmp_path / "cards.csv"))
    assert dataset.kind == "behaviour" and dataset.roles.id == "CUST_ID"
    assert dataset.roles.semantic == {
        "balance": "BALANCE", "purchases": "PURCHASES", "cash_advance": "CASH_ADVANCE",
        "credit_limit": "CREDIT_LIMIT", "payments": "PAYMENTS", "purchase_frequency": "PURCHASES_FREQUENCY"}
    clusters = results["clusters"]
    assert clusters["status"] == "ok"
    labels = cluster_labels(dataset, results)
    assert adjusted_rand_score(frame["group"], labels) >= 0.8
    by_group = {}
    for cluster in clusters["groups"]:
        members = (labels == cluster["cluster"])
        by_group[frame.loc[members, "group"].mode()[0]] = (cluster, members)
    cash, cash_members = by_group["cash_advance"]
    dormant, _members = by_group["dormant_high_limit"]
    for cluster in clusters["groups"]:
        ids = [r["id"] for r in cluster["recommendations"]]
        assert ("credit_risk_cash_advance" in ids) == (cluster is cash), (cluster["id"], ids)
        assert ("activation_campaign" in ids) == (cluster is dormant), (cluster["id"], ids)
    review = next(r for r in cash["recommendations"] if r["id"] == "credit_risk_cash_advance")
    assert review["figures"]["cash"]["value"] == pytest.approx(frame.loc[cash_members, "CASH_ADVANCE"].median())
    assert review["figures"]["cash"]["format"] == "money"
    # cash advances are read on a log scale: z is the cluster's mean of log(1 + x) against all clients'
    logs = np.log1p(frame["CASH_ADVANCE"])
    z = (logs[cash_members].mean() - logs.mean()) / logs.std(ddof=0)
    assert cash["profile"]["features"]["CASH_ADVANCE"]["z"] == pytest.approx(z)
    assert cash["traits"][0]["feature"] == "CASH_ADVANCE" and cash["traits"][0]["direction"] == "high"


def test_long_tailed_amounts_get_log_spaced_bins_that_count_every_client(tmp_path):
    frame = card_usage()
    dataset, results = analyse(write(frame, tmp_path / "cards.csv"))
    for column in ("BALANCE", "PURCHASES", "PAYMENTS"):
        shown = results["distributions"][column]
        x = frame[column].to_numpy(dtype=float)
        histogram = shown["histogram"]
        edges, counts = np.asarray(histogram["edges"]), histogram["counts"]
        assert histogram["scale"] == "log" and 10 <= len(counts) <= 20
        assert edges[0] == x.min() and edges[-1] == x.max()
        # evenly spaced on log(1 + x) between the first and last edge
        steps = np.diff(np.log1p(edges[1:-1]))
        assert np.allclose(steps, steps[0])
        expected = [int(((x >= lo) & ((x < hi) if i < len(counts) - 1 else (x <= hi))).sum())
                    for i, (lo, hi) in enumerate(zip(edges[:-1], edges[1:]))]
        assert counts == expected and sum(counts) == len(x) == shown["count"]
        q1, median, q3 = np.quantile(x, [0.25, 0.5, 0.75])
        assert (shown["q1"], shown["median"], shown["q3"]) == pytest.approx((q1, median, q3))
        assert shown["mean"] == pytest.approx(x.mean())
    frequency = results["distributions"]["PURCHASES_FREQUENCY"]["histogram"]
    assert frequency["scale"] == "linear" and 10 <= len(frequency["counts"]) <= 20


def test_levels_of_categorical_and_yes_no_features_are_shares_of_the_clients(no_churn):
    frame, path = no_churn
    dataset = load_dataset(path, make_settings())
    results = analyse_behaviour(dataset.frame, dataset.roles, make_settings().analysis, BEHAVIOUR_PLAYBOOK)
    city = results["distributions"]["city"]
    expected = frame["city"].value_counts(normalize=True)
    assert city["type"] == "categorical" and city["other"] is None
    assert {level["level"]: level["share"] for level in city["levels"]} == pytest.approx(expected.to_dict())
    assert [level["share"] for level in city["levels"]] == sorted(expected.to_list(), reverse=True)
    card = results["distributions"]["credit_card"]
    assert card["type"] == "binary"
    assert {level["level"]: level["count"] for level in card["levels"]} == frame["credit_card"].value_counts().to_dict()
    products = results["distributions"]["products"]["histogram"]  # whole numbers: one bin per value
    values = frame["products"]
    assert products["scale"] == "discrete"
    assert products["counts"] == [int((values == v).sum()) for v in range(int(values.min()), int(values.max()) + 1)]
    json.dumps(results, allow_nan=False)  # plain data, ready for the context


# --- loading: detection, the kind setting, check -----------------------------------------------------------


def test_table_without_churn_loads_as_behaviour_with_one_warning(no_churn, sample_frame, tmp_path):
    frame, path = no_churn
    dataset = load_dataset(path, make_settings())
    assert dataset.kind == "behaviour" and dataset.roles.churn is None
    assert len(dataset.warnings) == 1 and "No churn column found" in dataset.warnings[0]
    assert dataset.quality["missing_churn"] == {"count": 0, "rows": []}
    assert dataset.quality["rows_used"] == len(frame) - int(frame.duplicated().sum())
    assert dataset.quality["missing"] == {c: int(frame[c].isna().sum()) for c in frame.columns}
    # the bank table keeps every role it had: the new roles take none of its columns
    with_churn = load_dataset(write(sample_frame.head(2000), tmp_path / "bank.csv"), make_settings())
    assert with_churn.kind == "customers" and with_churn.warnings == []
    assert with_churn.roles.semantic == dataset.roles.semantic == {
        "income": "EST_SALARY", "balance": "balance", "products": "products", "credit_card": "credit_card",
        "property": "equity", "activity": "last_activity", "age": "age", "gender": "gender", "region": "city",
        "score": "score"}
    assert (with_churn.roles.numeric, with_churn.roles.binary, with_churn.roles.categorical) == (
        dataset.roles.numeric, dataset.roles.binary, dataset.roles.categorical)


def test_kind_behaviour_in_the_config_forces_it_and_leaves_the_churn_flag_out(sample_frame, tmp_path):
    path = write(sample_frame.head(500), tmp_path / "bank.csv")
    dataset = load_dataset(path, make_settings(data={"kind": "behaviour"}))
    assert dataset.kind == "behaviour" and dataset.warnings == []
    assert dataset.roles.churn is None and dataset.roles.ignored == {"churn": "churn_not_used"}
    assert "churn" not in dataset.roles.features


def test_check_prints_the_roles_and_quality_of_a_table_without_churn(run_cli, no_churn):
    frame, path = no_churn
    result = run_cli("check", "--data", path)
    assert result.code == 0, result.err
    assert "churn flag" in result.out and "—" in result.out.split("churn flag")[1].splitlines()[0]
    assert "Data quality:" in result.out and f"rows read: {len(frame):,}" in result.out
    assert "missing values: balance" in result.out
    assert result.err.count("No churn column found") == 1


def test_a_configured_churn_column_that_is_absent_is_still_an_error(run_cli, no_churn, tmp_path):
    _frame, path = no_churn
    config = tmp_path / "reportgen.toml"
    config.write_text('[columns]\nchurn = "left_bank"\n', encoding="utf-8")
    result = run_cli("check", "--data", path, "--config", config)
    assert result.code == 2 and "left_bank" in result.err and "Traceback" not in result.err


def test_analyze_writes_the_behaviour_context_and_build_renders_it(run_cli, tmp_path):
    path = write(mall_like(), tmp_path / "mall_like.csv")
    config = tmp_path / "reportgen.toml"
    config.write_text('[columns]\nincome = "Revenu annuel (k€)"\nspending_score = "Indice d\'achat"\n'
                      'ignore = ["Âge"]\n', encoding="utf-8")
    out = tmp_path / "context.json"
    result = run_cli("analyze", "--data", path, "--config", config, "-o", out)
    assert result.code == 0, result.err
    context = json.loads(out.read_text(encoding="utf-8"))
    assert context["meta"]["kind"] == "behaviour" and context["roles"]["churn"] is None
    assert context["overview"] == {"clients": 200}
    assert context["clusters"]["k"] == 5 and len(context["clusters"]["groups"]) == 5
    assert context["playbook"]["source"].endswith("playbook_behaviour.toml")
    recommended = {r["id"] for c in context["clusters"]["groups"] for r in c["recommendations"]}
    assert recommended <= set(context["playbook"]["rules"])
    planned = {e["id"] for items in context["action_plan"].values() for e in items}
    assert planned == recommended
    premium = next(e for e in context["action_plan"]["medium"] if e["id"] == "premium_advice")
    sizes = {c["id"]: c["size"] for c in context["clusters"]["groups"]}
    assert premium["clients"] == sum(sizes[s] for s in premium["segments"])

    built = run_cli("build", "--data", path, "--config", config, "--out", tmp_path / "out", "--lang", "en")
    assert built.code == 0, built.err
    assert (tmp_path / "out" / "deck_en.pptx").is_file() and (tmp_path / "out" / "summary_en.pdf").is_file()
    previous = run_cli("analyze", "--data", path, "--config", config, "-o", tmp_path / "c2.json",
                       "--previous", path)
    assert previous.code == 2 and "--previous" in previous.err and not (tmp_path / "c2.json").exists()


def test_playbook_option_replaces_the_behaviour_playbook(run_cli, tmp_path):
    path = write(mall_like(), tmp_path / "mall_like.csv")
    playbook = tmp_path / "mine.toml"
    playbook.write_text("""
[[rule]]
id = "call_them"
priority = 1
horizon = "short"
generic = true
when = []
figures.share = { feature = "segment", stat = "share", format = "percent" }
title.en = "Call"
title.fr = "Appeler"
title.ru = "Позвонить"
text.en = "Call these {share}."
text.fr = "Appeler ces {share}."
text.ru = "Позвоните этим {share}."
""", encoding="utf-8")
    out = tmp_path / "context.json"
    result = run_cli("analyze", "--data", path, "--playbook", playbook, "-o", out)
    assert result.code == 0, result.err
    context = json.loads(out.read_text(encoding="utf-8"))
    assert context["playbook"]["source"] == str(playbook)
    for cluster in context["clusters"]["groups"]:
        assert [r["id"] for r in cluster["recommendations"]] == ["call_them"]
        assert cluster["recommendations"][0]["figures"]["share"]["value"] == pytest.approx(cluster["share"])


# --- degenerate tables -----------------------------------------------------------------------------------


@pytest.mark.parametrize("case", ["fewer rows than k", "constant column", "identical rows"])
def test_degenerate_tables_give_no_clusters_and_a_reason(run_cli, tmp_path, case):
    frames = {
        "fewer rows than k": (pd.DataFrame({"spend": [10.0, 250.0, 31.5, 80.0], "visits": [1, 9, 4, 2]}),
                              "too_few_rows"),
        "constant column": (pd.DataFrame({"client_id": range(1, 61), "visits": [3.5] * 60}), "no_usable_feature"),
        "identical rows": (pd.DataFrame({"client_id": range(1, 41), "spend": [12.0] * 40, "visits": [2] * 40}),
                           "no_usable_feature"),
    }
    frame, reason = frames[case]
    dataset, results = analyse(write(frame, tmp_path / "t.csv"))
    clusters = results["clusters"]
    assert clusters["status"] == "not_computable" and clusters["reason"] == reason and clusters["groups"] == []
    for column in dataset.roles.numeric:  # the distributions are still there
        histogram = results["distributions"][column]["histogram"]
        assert sum(histogram["counts"]) == frame[column].notna().sum()
    json.dumps(results, allow_nan=False)
    out = tmp_path / "context.json"
    result = run_cli("analyze", "--data", tmp_path / "t.csv", "-o", out)
    assert result.code == 0 and "No behaviour clusters could be formed" in result.err
    assert json.loads(out.read_text(encoding="utf-8"))["clusters"]["reason"] == reason


def test_a_constant_column_is_left_out_of_the_clusters_but_described(tmp_path):
    frame = mall_like()
    frame["visits"] = 4
    dataset, results = analyse(write(frame, tmp_path / "t.csv"), columns={"ignore": ["Âge"]})
    clusters = results["clusters"]
    assert clusters["status"] == "ok" and "visits" in clusters["transform"]["dropped"]
    for cluster in clusters["groups"]:
        assert cluster["profile"]["features"]["visits"]["z"] is None
        assert all(t["feature"] != "visits" for t in cluster["traits"])
    assert results["distributions"]["visits"]["histogram"]["counts"] == [len(frame)]


def test_a_handful_of_extreme_clients_is_set_aside_rather_than_made_a_cluster(tmp_path):
    rng = np.random.default_rng(11)
    # two groups of 50 and three extreme clients, whom every k isolates even on a log scale
    frame = pd.DataFrame({
        "group": [0] * 50 + [1] * 50 + [2] * 3,
        "spend": np.concatenate([rng.normal(100, 10, 50), rng.normal(160, 10, 50), [5000, 5200, 5400]]),
        "visits": np.concatenate([rng.normal(5, 1, 50), rng.normal(9, 1, 50), [40, 41, 42]])})
    dataset, results = analyse(write(frame, tmp_path / "t.csv"))
    clusters = results["clusters"]
    assert clusters["status"] == "ok" and clusters["k"] == 2
    assert clusters["outliers"] == {"count": 3, "rows": [102, 103, 104]}  # file lines: header, then rows
    assert sorted(c["size"] for c in clusters["groups"]) == [50, 50]
    assert sum(c["share"] for c in clusters["groups"]) == pytest.approx(100 / 103)
    labels = assign_clusters(dataset.frame, clusters)[:100]
    assert adjusted_rand_score(frame["group"][:100], labels) == 1.0
    for candidate in clusters["candidates"]:
        assert candidate["min_share"] * 100 >= MIN_CLUSTER_SIZE or not candidate["accepted"]


def test_clusters_of_a_handful_are_refused_when_too_many_clients_would_be_set_aside(tmp_path):
    rng = np.random.default_rng(2)
    # sixty ordinary clients and eight extreme ones, far from each other: more than a handful to set aside
    far = [(1e4, 1), (1e5, 30), (1e6, 2), (3e6, 60), (1e7, 5), (5e7, 90), (1e8, 3), (3e8, 45)]
    frame = pd.DataFrame({"spend": np.concatenate([rng.normal(100, 10, 60), [f[0] for f in far]]),
                          "visits": np.concatenate([rng.normal(5, 1, 60), [f[1] for f in far]])})
    _dataset, results = analyse(write(frame, tmp_path / "t.csv"))
    clusters = results["clusters"]
    assert clusters["status"] == "not_computable" and clusters["reason"] == "small_clusters"
    assert clusters["outliers"]["count"] == 0 and clusters["groups"] == []
    assert len(clusters["candidates"]) == 7 and not any(c["accepted"] for c in clusters["candidates"])
    # every candidate leaves a cluster of fewer than five clients, or fewer than 2 % of them
    assert all(c["min_share"] * len(frame) < MIN_CLUSTER_SIZE for c in clusters["candidates"])


# --- traits --------------------------------------------------------------------------------------------------


def _cluster(cid: str, **z: float) -> dict:
    return {"id": cid, "standardised": [{"feature": f, "role": None, "level": None, "z": v} for f, v in z.items()]}


def test_clusters_with_the_same_traits_get_their_next_trait_until_they_differ():
    a = _cluster("C1", x=1.5, y=0.9, w=0.1, v=0.05)
    b = _cluster("C2", x=1.2, y=0.7, w=-0.3, v=0.0)
    c = _cluster("C3", x=-1.0, y=-0.6, w=0.2, v=0.0)
    d = _cluster("C4", x=0.1, y=-0.2, w=0.3, v=0.1)
    name_clusters([a, b, c, d])
    said = {k["id"]: [(t["feature"], t["direction"]) for t in k["traits"]] for k in (a, b, c, d)}
    assert said["C1"] == [("x", "high"), ("y", "high"), ("w", "high")]
    assert said["C2"] == [("x", "high"), ("y", "high"), ("w", "low")]
    assert said["C3"] == [("x", "low"), ("y", "low")]
    assert said["C4"] == []  # close to all clients on every feature
    assert all(k["name_unique"] for k in (a, b, c, d))


def test_clusters_no_feature_can_tell_apart_are_flagged():
    a, b = _cluster("C1", x=2.0, y=1.0), _cluster("C2", x=1.0, y=0.6)
    name_clusters([a, b])
    assert [t["feature"] for t in a["traits"]] == [t["feature"] for t in b["traits"]] == ["x", "y"]
    assert not a["name_unique"] and not b["name_unique"]


def test_a_categorical_trait_names_its_over_represented_level():
    entry = {"id": "C1", "standardised": [
        {"feature": "city", "role": "region", "level": "Rybinsk", "z": 1.1},
        {"feature": "city", "role": "region", "level": "Rostov", "z": -0.9},
        {"feature": "age", "role": "age", "level": None, "z": -0.6}]}
    name_clusters([entry])
    assert entry["traits"] == [
        {"feature": "city", "role": "region", "direction": "high", "z": 1.1, "level": "Rybinsk"},
        {"feature": "age", "role": "age", "direction": "low", "z": -0.6}]


def test_distribution_of_a_column_with_no_values_has_no_histogram():
    shown = distribution(pd.Series([math.nan, math.nan]), "numeric")
    assert shown["count"] == 0 and shown["missing"] == 2 and shown["histogram"] is None and shown["mean"] is None
