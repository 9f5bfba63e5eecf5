"""RFM analysis of a transaction log's clients: scores, segments, concentration, clusters, inactivity, playbook.

Expected figures are computed here with pandas and numpy (sort_values + rank + qcut, groupby, crosstab,
a nearest-centroid assignment of our own), never read from the code's output.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from reportgen.analysis.inactivity import FLOOR_DAYS, NO_REPEAT_DAYS, inactivity, threshold
from reportgen.analysis.playbook import playbook_texts, recommend
from reportgen.analysis.rfm import (RF_MAP, ROLES, SEGMENTS, concentration, rfm_summary, score, segment_cells,
                                    segment_of)
from reportgen.analysis.rfm_analysis import analyse_rfm, assign_clients
from reportgen.analysis.rfm_clusters import CLUSTER_KEYS, CLUSTER_NAMES, name_clusters, name_of, rfm_clusters
from reportgen.config import settings_from_dict
from reportgen.errors import ConfigError
from reportgen.i18n.catalogs import LANGUAGES
from reportgen.ingest.playbook import default_playbook, load_playbook, validate_rules
from reportgen.settings import AnalysisSettings

PROJECT = Path(__file__).resolve().parent.parent
CDNOW = PROJECT.parent / "shared" / "data" / "cdnow_master.csv"
RETAIL_PLAYBOOK = PROJECT / "templates" / "playbook_transactions.toml"

# The R x F map as the retail guides draw it (recency rows, frequency columns), written here cell by cell
# so that the code's table is checked against the documented one, not against itself.
DOCUMENTED_MAP = {
    "champions": {(5, 4), (5, 5)},
    "loyal": {(4, 4), (4, 5), (3, 4), (3, 5)},
    "potential_loyalists": {(5, 2), (5, 3), (4, 2), (4, 3)},
    "new": {(5, 1)},
    "promising": {(4, 1)},
    "need_attention": {(3, 3)},
    "about_to_sleep": {(3, 1), (3, 2)},
    "at_risk": {(2, 3), (2, 4), (1, 3), (1, 4)},
    "cant_lose": {(2, 5), (1, 5)},
    "hibernating": {(2, 1), (2, 2)},
    "lost": {(1, 1), (1, 2)},
}


# --- tables -----------------------------------------------------------------------------------------------
def client_table(n: int = 1003, seed: int = 7) -> pd.DataFrame:
    """Return n clients with the ties of a real shop: half buy once, recency in whole days, repeated amounts."""
    rng = np.random.default_rng(seed)
    purchase_days = np.where(rng.random(n) < 0.55, 1, 1 + rng.geometric(0.3, n))
    revenue = np.round(rng.lognormal(3.5, 1.0, n) * purchase_days, 0) + 1
    recency = rng.integers(0, 400, n)
    ids = [f"{i:05d}" for i in rng.permutation(n)]  # ids not in row order: the tie-break must use them
    return pd.DataFrame({"recency_days": recency, "purchase_days": purchase_days, "revenue": revenue.astype(float),
                         "tenure_days": recency + rng.integers(0, 300, n)}, index=pd.Index(ids, name="client"))


def planted(per_group: int = 250, seed: int = 3) -> tuple[pd.DataFrame, np.ndarray]:
    """Return four planted client groups, well apart on log R, F, M, and each client's group (0..3).

    0: champions (bought days ago, often, much); 1: lost (a year ago, once, little); 2: new (days ago,
    once, average); 3: big clients gone quiet (a year ago, often, much).
    """
    rng = np.random.default_rng(seed)
    centres = [(4, 20, 2000), (420, 1, 20), (4, 1, 150), (420, 20, 2000)]
    parts, truth = [], []
    for group, (recency, frequency, revenue) in enumerate(centres):
        noise = rng.lognormal(0, 0.15, (per_group, 3))
        parts.append(pd.DataFrame({
            "recency_days": np.round(recency * noise[:, 0]).astype(int),
            "purchase_days": np.maximum(1, np.round(frequency * noise[:, 1])).astype(int) if frequency > 1
            else np.ones(per_group, dtype=int),
            "revenue": revenue * noise[:, 2],
        }))
        truth += [group] * per_group
    frame = pd.concat(parts, ignore_index=True)
    frame["tenure_days"] = frame["recency_days"] + 30
    frame.index = pd.Index([f"c{i}" for i in range(len(frame))], name="client")
    return frame, np.asarray(truth)


def expected_scores(frame: pd.DataFrame) -> pd.DataFrame:
    """Return r, f, m by pandas: sort on the value and the documented tie-breakers, rank 'first', qcut in five."""
    data = frame.assign(neg_recency=-frame["recency_days"], id=frame.index.astype(str))
    keys = {"r": ["neg_recency", "purchase_days", "revenue", "id"],
            "f": ["purchase_days", "revenue", "neg_recency", "id"],
            "m": ["revenue", "purchase_days", "neg_recency", "id"]}
    out = {}
    for name, columns in keys.items():
        ordered = data.sort_values(columns, kind="mergesort")
        rank = pd.Series(np.arange(1, len(ordered) + 1), index=ordered.index).rank(method="first")
        out[name] = (pd.qcut(rank, 5, labels=False) + 1).reindex(frame.index)
    return pd.DataFrame(out)


def expected_segments(scores: pd.DataFrame) -> pd.Series:
    """Return each client's segment from the documented map."""
    cell_to_segment = {cell: name for name, cells in DOCUMENTED_MAP.items() for cell in cells}
    return pd.Series([cell_to_segment[(r, f)] for r, f in zip(scores["r"], scores["f"])], index=scores.index)


def nearest_centroid(frame: pd.DataFrame, centroids) -> np.ndarray:
    """Return each client's nearest centre on log1p R, F, M standardised with numpy (population sd)."""
    logged = np.log1p(frame[["recency_days", "purchase_days", "revenue"]].to_numpy(dtype=float))
    x = (logged - logged.mean(axis=0)) / logged.std(axis=0)
    c = np.asarray(centroids)
    return np.array([int(np.argmin(((c - row) ** 2).sum(axis=1))) for row in x])


def analysis_settings(**overrides) -> AnalysisSettings:
    """Return the default analysis settings with some changed."""
    settings = AnalysisSettings()
    for key, value in overrides.items():
        setattr(settings, key, value)
    return settings


@pytest.fixture(scope="module")
def retail_playbook() -> dict:
    """Return the bundled retail playbook."""
    return load_playbook(RETAIL_PLAYBOOK)


@pytest.fixture(scope="module")
def planted_result(retail_playbook):
    """Return the planted table, its groups, and the full analysis of it (gap p90 of 50 days)."""
    frame, truth = planted()
    gaps = {"0.5": 12.0, "0.75": 30.0, "0.8": 35.0, "0.9": 50.0, "0.95": 80.0}
    return frame, truth, gaps, analyse_rfm(frame, gaps, analysis_settings(), retail_playbook)


# --- scores -----------------------------------------------------------------------------------------------
def test_scores_are_pandas_qcut_of_first_ranks_with_the_documented_tie_breakers():
    frame = client_table()
    got = score(frame)
    want = expected_scores(frame)
    for column in "rfm":
        assert (got[column] == want[column]).all(), column


def test_quintiles_are_balanced_and_recency_is_reversed():
    frame = client_table(n=1003)
    scores = score(frame)
    for column, values, better in (("r", frame["recency_days"], -1), ("f", frame["purchase_days"], 1),
                                   ("m", frame["revenue"], 1)):
        sizes = scores[column].value_counts().reindex(range(1, 6), fill_value=0)
        assert set(sizes) <= {1003 // 5, 1003 // 5 + 1}, column
        # a higher score never holds a worse client than a lower one
        for s in range(1, 5):
            worse, best = values[scores[column] == s] * better, values[scores[column] == s + 1] * better
            assert worse.max() <= best.min(), (column, s)
    assert scores.loc[frame["recency_days"].idxmin(), "r"] == 5
    assert scores.loc[frame["recency_days"].idxmax(), "r"] == 1


def test_equal_clients_get_adjacent_scores_the_better_on_the_tie_breaker_higher():
    frame = client_table()
    scores = score(frame)
    once = frame["purchase_days"] == 1
    assert once.mean() > 0.4  # more than two fifths: one-time buyers must spread over several F scores
    spread = sorted(scores.loc[once, "f"].unique())
    assert spread == list(range(1, len(spread) + 1)) and len(spread) >= 3
    # among one-time buyers the F score follows revenue (the first tie-breaker)
    one = frame[once].assign(f=scores.loc[once, "f"])
    by_score = one.groupby("f")["revenue"]
    assert all(by_score.max()[s] <= by_score.min()[s + 1] for s in spread[:-1])
    tie = rfm_summary(frame, scores)["scores"]["frequency"]["largest_tie"]
    assert tie == {"value": 1.0, "size": int(once.sum()), "scores": [spread[0], spread[-1]]}


def test_scores_do_not_depend_on_the_row_order():
    frame = client_table()
    shuffled = frame.sample(frac=1, random_state=1)
    pd.testing.assert_frame_equal(score(shuffled).loc[frame.index], score(frame))


# --- segments ---------------------------------------------------------------------------------------------
def test_every_cell_and_every_rfm_code_has_exactly_one_segment_from_the_documented_map():
    cells = [(r, f) for r in range(1, 6) for f in range(1, 6)]
    owners = {cell: [name for name in SEGMENTS if list(cell) in segment_cells(name)] for cell in cells}
    assert all(len(names) == 1 for names in owners.values())
    for name, documented in DOCUMENTED_MAP.items():
        assert {tuple(c) for c in segment_cells(name)} == documented
        assert all(segment_of(r, f) == name for r, f in documented)
    codes = [(r, f, m) for r in range(1, 6) for f in range(1, 6) for m in range(1, 6)]
    named = [segment_of(*code) for code in codes]
    assert len(named) == 125 and set(named) == set(SEGMENTS) and all(n in SEGMENTS for n in named)
    assert len(RF_MAP) == 5 and all(len(row) == 5 for row in RF_MAP.values())
    with pytest.raises(KeyError):
        segment_of(0, 3)


def test_segments_shares_revenue_and_medians_match_pandas():
    frame = client_table()
    summary = rfm_summary(frame, score(frame))
    segment = expected_segments(expected_scores(frame))
    total = frame["revenue"].sum()
    by = {s["id"]: s for s in summary["segments"]}
    assert [s["id"] for s in summary["segments"]] == list(SEGMENTS)
    assert math.isclose(sum(s["share"] for s in summary["segments"]), 1.0)
    assert math.isclose(sum(s["revenue_share"] for s in summary["segments"]), 1.0)
    for name in SEGMENTS:
        members = frame[segment == name]
        entry = by[name]
        assert entry["size"] == len(members)
        assert math.isclose(entry["share"], len(members) / len(frame))
        assert math.isclose(entry["revenue_share"], members["revenue"].sum() / total)
        features = entry["profile"]["features"]
        if len(members):
            assert features["recency_days"]["median"] == pytest.approx(members["recency_days"].median())
            assert features["purchase_days"]["median"] == pytest.approx(members["purchase_days"].median())
            assert features["revenue"]["median"] == pytest.approx(members["revenue"].median())
            basket = members["revenue"] / members["purchase_days"]
            assert features["basket"]["median"] == pytest.approx(basket.median())
        else:
            assert features["revenue"]["median"] is None
        assert features["revenue"]["base"]["median"] == pytest.approx(frame["revenue"].median())


def test_grid_counts_every_cell_as_a_crosstab_does():
    frame = client_table()
    summary = rfm_summary(frame, score(frame))
    scores = expected_scores(frame)
    table = pd.crosstab(scores["r"], scores["f"]).reindex(index=range(1, 6), columns=range(1, 6), fill_value=0)
    assert len(summary["grid"]) == 25
    assert [(c["r"], c["f"]) for c in summary["grid"][:6]] == [(5, 1), (5, 2), (5, 3), (5, 4), (5, 5), (4, 1)]
    for cell in summary["grid"]:
        assert cell["size"] == table.loc[cell["r"], cell["f"]]
        assert cell["segment"] in {n for n, cells in DOCUMENTED_MAP.items() if (cell["r"], cell["f"]) in cells}
    assert math.isclose(sum(c["revenue_share"] for c in summary["grid"]), 1.0)


@hsettings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.integers(1, 4), st.integers(1, 50)), min_size=10, max_size=80))
def test_property_every_client_gets_one_segment_and_scores_in_1_to_5(rows):
    frame = pd.DataFrame(rows, columns=["recency_days", "purchase_days", "revenue"]).astype({"revenue": float})
    frame["tenure_days"] = frame["recency_days"]
    frame.index = [str(i) for i in range(len(frame))]
    scores = score(frame)
    assert scores.isin(range(1, 6)).all().all()
    for column in "rfm":
        sizes = scores[column].value_counts().reindex(range(1, 6), fill_value=0)
        assert sizes.max() - sizes.min() <= 1
    summary = rfm_summary(frame, scores)
    assert sum(s["size"] for s in summary["segments"]) == len(frame)
    assert math.isclose(sum(s["share"] for s in summary["segments"]), 1.0)
    assert math.isclose(sum(s["revenue_share"] for s in summary["segments"]), 1.0)
    assert sum(c["size"] for c in summary["grid"]) == len(frame)


# --- concentration ----------------------------------------------------------------------------------------
def test_revenue_concentration_against_a_direct_computation():
    revenue = client_table()["revenue"]
    got = concentration(revenue)
    n, total = len(revenue), revenue.sum()
    top = math.ceil(0.2 * n)
    assert got["top_clients"] == top
    assert got["top_revenue_share"] == pytest.approx(revenue.sort_values(ascending=False).head(top).sum() / total)
    ascending = np.sort(revenue.to_numpy())
    i = np.arange(1, n + 1)
    assert got["gini"] == pytest.approx(((2 * i - n - 1) * ascending).sum() / (n * ascending.sum()))
    lorenz = got["lorenz"]
    assert len(lorenz) == 21 and lorenz[0] == {"clients": 0.0, "revenue": 0.0}
    assert lorenz[-1]["revenue"] == pytest.approx(1.0)
    assert all(a["revenue"] <= b["revenue"] for a, b in zip(lorenz, lorenz[1:]))
    # 0.2 of 1003 clients is 200.6: between the 200 and the 201 smallest
    low, high = ascending[:200].sum() / total, ascending[:201].sum() / total
    assert lorenz[4]["revenue"] == pytest.approx(low + 0.6 * (high - low))
    share = np.cumsum(ascending[::-1]) / total
    assert got["pareto"]["clients"] == int(np.argmax(share >= 0.8)) + 1


def test_equal_spenders_have_no_concentration():
    got = concentration(pd.Series([10.0] * 7))
    assert got["top_clients"] == 2 and got["top_revenue_share"] == pytest.approx(2 / 7)
    assert got["gini"] == pytest.approx(0.0, abs=1e-12)


# --- clusters ---------------------------------------------------------------------------------------------
def test_k_is_recovered_on_four_planted_groups_with_the_elbow_and_silhouettes_kept(planted_result):
    frame, truth, _gaps, result = planted_result
    clusters = result["clusters"]
    assert clusters["status"] == "ok" and clusters["k"] == 4 and clusters["choice"] == "best_silhouette"
    candidates = clusters["candidates"]
    assert [c["k"] for c in candidates] == list(range(2, 9))
    assert all(c["silhouette"] is not None for c in candidates)
    assert max(candidates, key=lambda c: c["silhouette"])["k"] == 4
    inertia = [c["inertia"] for c in candidates]
    assert all(a > b for a, b in zip(inertia, inertia[1:]))
    # each planted group is one cluster
    assigned = nearest_centroid(frame, clusters["centroids"])
    assert pd.crosstab(truth, assigned).gt(0).sum(axis=1).eq(1).all()


def test_clusters_are_the_nearest_centres_reported(planted_result):
    frame, _truth, _gaps, result = planted_result
    clusters = result["clusters"]
    logged = np.log1p(frame[["recency_days", "purchase_days", "revenue"]].to_numpy(dtype=float))
    assert np.allclose(clusters["transform"]["mean"], logged.mean(axis=0))
    assert np.allclose(clusters["transform"]["scale"], logged.std(axis=0))
    assigned = nearest_centroid(frame, clusters["centroids"])
    total = frame["revenue"].sum()
    sizes = [g["size"] for g in clusters["groups"]]
    assert sizes == sorted(sizes, reverse=True) and sum(sizes) == len(frame)
    for group in clusters["groups"]:
        members = frame[assigned == group["cluster"]]
        assert group["size"] == len(members)
        assert group["revenue_share"] == pytest.approx(members["revenue"].sum() / total)
        assert group["profile"]["features"]["revenue"]["median"] == pytest.approx(members["revenue"].median())
        assert group["centre"]["revenue"] == pytest.approx(
            np.expm1(clusters["centroids"][group["cluster"]][2] * logged.std(axis=0)[2] + logged.mean(axis=0)[2]))
    ids = {g["cluster"]: g["id"] for g in clusters["groups"]}
    assert list(assign_clients(frame, result)["cluster"]) == [ids[i] for i in assigned]


def test_planted_groups_are_named_from_their_profile(planted_result):
    frame, truth, _gaps, result = planted_result
    assigned = nearest_centroid(frame, result["clusters"]["centroids"])
    names = {g["cluster"]: g["name"] for g in result["clusters"]["groups"]}
    named = {group: names[pd.Series(assigned[truth == group]).mode()[0]] for group in range(4)}
    assert named == {0: "champions", 1: "lost", 2: "new", 3: "cant_lose"}
    champions = next(g for g in result["clusters"]["groups"] if g["name"] == "champions")
    directions = {t["dimension"]: t["direction"] for t in champions["traits"]}
    assert directions == {"recency": "recent", "frequency": "frequent", "monetary": "high"}
    members = frame[assigned == champions["cluster"]]
    ratio = next(t["ratio"] for t in champions["traits"] if t["dimension"] == "monetary")
    assert ratio == pytest.approx(members["revenue"].median() / frame["revenue"].median())


def test_the_name_table_covers_all_27_profiles():
    sides = (-1, 0, 1)
    assert {key for key in CLUSTER_NAMES} == {(r, f) for r in sides for f in sides}
    words = {"recency": {1: "recent", 0: "average", -1: "long_ago"},
             "frequency": {1: "frequent", 0: "average", -1: "rare"},
             "monetary": {1: "high", 0: "average", -1: "low"}}
    seen = set()
    for r in sides:
        for f in sides:
            assert set(CLUSTER_NAMES[(r, f)]) == set(sides)
            for m in sides:
                traits = [{"dimension": d, "direction": words[d][v]} for d, v in
                          (("recency", r), ("frequency", f), ("monetary", m))]
                name = name_of(traits)
                assert name in CLUSTER_KEYS
                seen.add(name)
    assert seen == set(CLUSTER_KEYS)
    best = [{"dimension": d, "direction": w} for d, w in (("recency", "recent"), ("frequency", "frequent"),
                                                          ("monetary", "high"))]
    worst = [{"dimension": d, "direction": w} for d, w in (("recency", "long_ago"), ("frequency", "rare"),
                                                           ("monetary", "low"))]
    assert name_of(best) == "champions" and name_of(worst) == "lost"


def test_clusters_with_the_same_name_are_told_apart_by_their_widest_difference():
    def group(cluster, z_recency, z_frequency, z_monetary):
        traits = [{"dimension": "recency", "direction": "long_ago", "z": z_recency},
                  {"dimension": "frequency", "direction": "rare", "z": z_frequency},
                  {"dimension": "monetary", "direction": "low", "z": z_monetary}]
        return {"id": f"C{cluster + 1}", "cluster": cluster, "traits": traits}

    groups = [group(0, 1.0, -1.0, -0.6), group(1, 1.1, -0.9, -1.8), group(2, 1.2, -1.1, -1.2)]
    name_clusters(groups)
    assert [g["name"] for g in groups] == ["lost"] * 3
    # monetary differs most (-0.6 .. -1.8): the highest spenders rank first
    assert [g["variant"] for g in groups] == [{"dimension": "monetary", "rank": 1, "of": 3},
                                              {"dimension": "monetary", "rank": 3, "of": 3},
                                              {"dimension": "monetary", "rank": 2, "of": 3}]
    alone = [group(0, 1.0, -1.0, -0.6)]
    name_clusters(alone)
    assert alone[0]["variant"] is None


def test_a_cluster_whose_median_client_has_lapsed_is_long_ago_even_near_the_base():
    # most clients lapsed long ago, a fifth buy often and recently: the big cluster is the base itself
    rng = np.random.default_rng(5)
    n_old, n_new = 800, 200
    frame = pd.DataFrame({
        "recency_days": np.r_[rng.integers(300, 500, n_old), rng.integers(0, 30, n_new)],
        "purchase_days": np.r_[np.ones(n_old, dtype=int), rng.integers(5, 15, n_new)],
        "revenue": np.r_[rng.lognormal(3, 0.3, n_old), rng.lognormal(6, 0.3, n_new)],
    })
    frame["tenure_days"] = frame["recency_days"]
    frame.index = [str(i) for i in range(len(frame))]
    settings = analysis_settings(clusters_max=2)
    plain, labels = rfm_clusters(frame, settings)
    gone, _ = rfm_clusters(frame, settings, inactivity_days=90)
    big_plain, big_gone = plain["groups"][0], gone["groups"][0]
    recency = next(t for t in big_gone["traits"] if t["dimension"] == "recency")
    assert recency["past_threshold"] and recency["direction"] == "long_ago"
    assert frame["recency_days"][labels == 0].median() > 90
    assert big_gone["name"] in ("lost", "hibernating", "at_risk")
    assert "past_threshold" not in next(t for t in big_plain["traits"] if t["dimension"] == "recency")


def test_too_few_distinct_clients_give_no_clusters_but_segments(retail_playbook):
    frame = pd.DataFrame({"recency_days": [5, 5, 5], "purchase_days": [2, 2, 2], "revenue": [10.0, 10.0, 10.0],
                          "tenure_days": [9, 9, 9]}, index=["a", "b", "c"])
    result = analyse_rfm(frame, None, analysis_settings(), retail_playbook)
    assert result["clusters"]["status"] == "not_computable" and result["clusters"]["groups"] == []
    assert result["inactivity"]["by_cluster"] == {}
    assert sum(s["size"] for s in result["rfm"]["segments"]) == 3
    assert all(s["clusters"] == [] for s in result["strategies"])
    assert assign_clients(frame, result)["cluster"].isna().all()


# --- inactivity -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("p90, days, basis", [(58.0, 63, "gap_quantile"), (63.0, 63, "gap_quantile"),
                                              (63.5, 70, "gap_quantile"), (10.0, FLOOR_DAYS, "floor")])
def test_inactivity_threshold_is_the_90th_gap_percentile_rounded_up_to_weeks(p90, days, basis):
    gaps = {"0.5": 5.0, "0.75": 9.0, "0.8": 9.5, "0.9": p90, "0.95": p90 + 20}
    got = threshold(0, gaps)
    assert got["days"] == max(FLOOR_DAYS, 7 * math.ceil(p90 / 7)) == days
    assert got["basis"] == basis
    assert got["figures"]["gap_days"] == p90 and got["figures"]["quantile"] == 0.9


def test_inactivity_threshold_from_settings_and_without_repeat_buyers():
    assert threshold(45, {"0.9": 200.0}) == {"days": 45, "basis": "setting", "figures": {"setting_days": 45}}
    assert threshold(0, None)["days"] == NO_REPEAT_DAYS == 365
    assert threshold(0, None)["basis"] == "no_repeat_purchases"
    assert threshold(0, {"0.5": None, "0.9": None})["basis"] == "no_repeat_purchases"
    assert threshold(0, {0.9: 30.0})["days"] == 35  # float keys are read too


def test_lapse_rates_overall_per_segment_and_per_cluster_match_pandas(planted_result):
    frame, _truth, gaps, result = planted_result
    lapse = result["inactivity"]
    assert lapse["days"] == 56 and lapse["basis"] == "gap_quantile"  # p90 of 50 days -> 8 weeks
    lapsed = frame["recency_days"] > 56
    assert lapse["overall"]["lapsed"] == lapsed.sum() and lapse["overall"]["rate"] == pytest.approx(lapsed.mean())
    low, high = lapse["overall"]["interval"]
    assert low < lapsed.mean() < high
    segment = expected_segments(expected_scores(frame))
    assert set(lapse["by_segment"]) == set(SEGMENTS)
    for name in SEGMENTS:
        members = lapsed[segment == name]
        entry = lapse["by_segment"][name]
        assert entry["clients"] == len(members) and entry["lapsed"] == members.sum()
        assert entry["rate"] == (pytest.approx(members.mean()) if len(members) else None)
    assigned = nearest_centroid(frame, result["clusters"]["centroids"])
    for group in result["clusters"]["groups"]:
        members = lapsed[assigned == group["cluster"]]
        assert lapse["by_cluster"][group["id"]]["rate"] == pytest.approx(members.mean())
    assert (assign_clients(frame, result)["lapsed"] == lapsed).all()


def test_inactivity_counts_a_client_exactly_at_the_threshold_as_active():
    recency = pd.Series([27, 28, 29, 400])
    got = inactivity(recency, 28, None, {})
    assert got["overall"]["lapsed"] == 2 and got["max_recency_days"] == 400


# --- playbook and strategies ------------------------------------------------------------------------------
def entry_named(name: str, lapse_rate: float = 0.3, basket_ratio: float = 1.0) -> dict:
    """Return a segment-like entry with a name and plausible figures, as the playbook reads it."""
    features = {column: {"median": 10.0, "mean": 12.0, "base": {"median": 10.0, "mean": 12.0}}
                for column in ROLES.values()}
    features["basket"]["median"] = 10.0 * basket_ratio
    return {"id": name, "name": name, "size": 100, "share": 0.1, "revenue_share": 0.2, "lapse_rate": lapse_rate,
            "profile": {"features": features}}


def test_the_retail_playbook_has_a_strategy_for_every_segment_and_cluster_name(retail_playbook):
    main = {}
    for name in (*SEGMENTS, *CLUSTER_KEYS):
        recs = recommend(entry_named(name), retail_playbook, ROLES)
        specific = [r for r in recs if not r["generic"]]
        assert specific, name
        main[name] = specific[0]["id"]
        assert 2 <= len(recs) <= 3
    assert main["champions"] == "vip_programme"
    assert main["potential_loyalists"] == main["potential"] == "basket_growth"
    assert main["lost"] == "win_back_then_stop"
    assert main["new"] == "welcome_series"
    # every name a rule lists is a segment or cluster name: a typo would silently match nobody
    known = set(SEGMENTS) | set(CLUSTER_KEYS)
    for rule in retail_playbook["rules"]:
        for condition in rule.get("when", []):
            if condition["stat"] == "name":
                assert set(condition["value"]) <= known, rule["id"]


def test_champions_get_no_discount_and_big_baskets_get_the_premium_range(retail_playbook):
    champions = [r["id"] for r in recommend(entry_named("champions"), retail_playbook, ROLES)]
    assert champions == ["vip_programme", "referral_programme"]
    texts = playbook_texts(retail_playbook)["vip_programme"]
    assert "no discounts" in texts["title"]["en"]
    loyal = [r["id"] for r in recommend(entry_named("loyal", lapse_rate=0.1, basket_ratio=2), retail_playbook, ROLES)]
    assert loyal[0] == "loyalty_tiers" and set(loyal[1:]) == {"premium_range", "referral_programme"}
    alert = [r["id"] for r in recommend(entry_named("loyal", lapse_rate=0.3), retail_playbook, ROLES)]
    assert alert[:2] == ["loyalty_tiers", "lapse_alert"]


def test_every_retail_rule_says_what_we_observe_what_to_do_and_the_kpi_in_three_languages(retail_playbook):
    texts = playbook_texts(retail_playbook)
    nbsp_missing = re.compile(r" [:;!?%]")
    for rule_id, rule in texts.items():
        for field in ("title", "observation", "text", "kpi"):
            assert set(rule[field]) == set(LANGUAGES), (rule_id, field)
            assert not nbsp_missing.search(rule[field]["fr"]), (rule_id, field, "fr")
            assert " %" not in rule[field]["ru"], (rule_id, field, "ru")
            assert rule[field]["fr"] != rule[field]["en"] and rule[field]["ru"] != rule[field]["en"]
    # the churn playbook says no observation; its rules may add the plan's action, owner and KPI
    churn = playbook_texts(load_playbook(default_playbook("customers")))
    assert all({"title", "text", "horizon"} <= set(rule) <= {"title", "text", "horizon", "action", "owner", "kpi"}
               for rule in churn.values())


def test_playbook_checks_the_in_operator_and_the_optional_texts():
    def rule(**extra):
        base = {"id": "r", "priority": 1, "horizon": "short",
                "when": [{"feature": "segment", "stat": "name", "op": "in", "value": ["lost"]}],
                "title": dict.fromkeys(LANGUAGES, "t"), "text": dict.fromkeys(LANGUAGES, "x")}
        return {**base, **extra}

    assert validate_rules([rule()]) == []
    bad_in = rule(when=[{"feature": "segment", "stat": "name", "op": "in", "value": "lost"}])
    assert any("needs a list" in p for p in validate_rules([bad_in]))
    half = rule(kpi={"en": "repeat rate"})
    problems = validate_rules([half])
    assert any("kpi in fr is missing" in p for p in problems) and any("kpi in ru is missing" in p for p in problems)
    unknown = rule(observation=dict.fromkeys(LANGUAGES, "{nothing}"))
    assert any("unknown figures nothing" in p for p in validate_rules([unknown]))
    playbook = {"rules": [rule()]}
    assert [r["id"] for r in recommend(entry_named("lost"), playbook, ROLES)] == ["r"]
    assert recommend(entry_named("champions"), playbook, ROLES) == []
    # a churn segment has no name: the rule does not apply to it
    assert recommend({"size": 5, "share": 0.1, "profile": {"features": {}}}, playbook, ROLES) == []


def test_analysis_result_is_plain_json_with_strategies_for_its_segments_and_clusters(planted_result, retail_playbook):
    frame, _truth, gaps, result = planted_result
    assert set(result) == {"rfm", "concentration", "clusters", "inactivity", "strategies"}
    json.dumps(result, allow_nan=False)
    segments = {s["id"]: s for s in result["rfm"]["segments"]}
    clusters = {g["id"]: g for g in result["clusters"]["groups"]}
    for strategy in result["strategies"]:
        assert strategy["segments"] or strategy["clusters"]
        for key in strategy["segments"]:
            assert strategy["id"] in [r["id"] for r in segments[key]["recommendations"]]
        for key in strategy["clusters"]:
            assert strategy["id"] in [r["id"] for r in clusters[key]["recommendations"]]
    assert all(not s["recommendations"] for s in segments.values() if s["size"] == 0)
    assert all(s["recommendations"] for s in segments.values() if s["size"] > 0)
    priorities = [s["priority"] for s in result["strategies"]]
    assert priorities == sorted(priorities, reverse=True)
    stages = []
    analyse_rfm(frame, gaps, analysis_settings(), retail_playbook, stages.append)
    assert stages == ["rfm", "clusters", "inactivity", "strategies"]


def test_inactivity_days_setting_decides_the_threshold(planted_result, retail_playbook):
    frame, _truth, gaps, _result = planted_result
    result = analyse_rfm(frame, gaps, analysis_settings(inactivity_days=500), retail_playbook)
    assert result["inactivity"]["days"] == 500 and result["inactivity"]["basis"] == "setting"
    assert result["inactivity"]["overall"]["lapsed"] == (frame["recency_days"] > 500).sum()


def test_transaction_settings_are_checked():
    assert settings_from_dict({}).analysis.clv_months == 12
    assert settings_from_dict({}).analysis.monthly_discount == 0.01
    assert settings_from_dict({}).analysis.inactivity_days == 0
    for bad in ({"inactivity_days": -1}, {"clv_months": 0}, {"monthly_discount": 1.0}):
        with pytest.raises(ConfigError):
            settings_from_dict({"analysis": bad})


# --- real data --------------------------------------------------------------------------------------------
@pytest.mark.realdata
@pytest.mark.skipif(not CDNOW.is_file(), reason=f"{CDNOW} is absent (a fresh clone has no ../shared)")
def test_cdnow_master_gets_segments_clusters_and_strategies(retail_playbook):
    log = pd.read_csv(CDNOW, dtype={"customer_id": str}, parse_dates=["order_date"])
    as_of = log["order_date"].max()
    days = log.groupby(["customer_id", "order_date"], as_index=False)["amount"].sum()
    by = days.groupby("customer_id")
    frame = pd.DataFrame({"recency_days": (as_of - by["order_date"].max()).dt.days, "purchase_days": by.size(),
                          "revenue": by["amount"].sum(), "tenure_days": (as_of - by["order_date"].min()).dt.days})
    frame = frame[frame["revenue"] > 0]
    gaps = days.sort_values(["customer_id", "order_date"]).groupby("customer_id")["order_date"].diff().dt.days
    quantiles = {str(q): float(gaps.quantile(q)) for q in (0.5, 0.75, 0.8, 0.9, 0.95)}
    result = analyse_rfm(frame, quantiles, analysis_settings(), retail_playbook)
    json.dumps(result, allow_nan=False)
    segments = result["rfm"]["segments"]
    assert sum(s["size"] for s in segments) == len(frame) == 23_502
    assert math.isclose(sum(s["share"] for s in segments), 1.0)
    assert math.isclose(sum(s["revenue_share"] for s in segments), 1.0)
    groups = result["clusters"]["groups"]
    assert result["clusters"]["status"] == "ok" and sum(g["size"] for g in groups) == len(frame)
    assert math.isclose(sum(g["revenue_share"] for g in groups), 1.0)
    assert result["inactivity"]["days"] == 7 * math.ceil(quantiles["0.9"] / 7)
    lapsed = frame["recency_days"] > result["inactivity"]["days"]
    assert result["inactivity"]["overall"]["rate"] == pytest.approx(lapsed.mean())
    top = frame["revenue"].nlargest(math.ceil(0.2 * len(frame))).sum() / frame["revenue"].sum()
    assert result["concentration"]["top_revenue_share"] == pytest.approx(top)
