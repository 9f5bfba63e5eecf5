"""The context contract: every context validates, a wrong one is refused with its path, and the schema prints."""

from __future__ import annotations

import copy
import json
import math
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from reportgen.config import Settings
from reportgen.console import Reporter
from reportgen.context import dumps  # the context as written: its columns are arrays
from reportgen.contract import SCHEMA_VERSION, ContractError, validate
from reportgen.ingest import load_dataset
from reportgen.pipeline import analyse
from tests.conftest import SAMPLE_DATA


@pytest.fixture(scope="module")
def context():
    """Return the bundled sample's context as JSON would give it back."""
    settings = Settings()
    built = analyse(load_dataset(SAMPLE_DATA, settings), settings, Reporter(-1), period="2026-Q3")
    return json.loads(dumps(built))


def test_the_sample_context_follows_the_contract(context):
    assert context["schema_version"] == SCHEMA_VERSION == 2
    assert validate(copy.deepcopy(context)) == context


@pytest.mark.parametrize("path, value, where", [
    (("segments", 0, "size"), "509", "segments.0.size"),
    (("overview", "churn_rate"), "18 %", "overview.churn_rate"),
    (("clusters", "groups", 1, "profile", "features", "age", "type"), "number",
     "clusters.groups.1.profile.features.age.type"),
    (("churn_by_factor", 2, "levels", 0, "level_type"), "kind", "churn_by_factor.2.levels.0.level_type"),
])
def test_a_wrong_type_is_refused_with_its_path(context, path, value, where):
    broken = copy.deepcopy(context)
    node = broken
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    with pytest.raises(ContractError) as caught:
        validate(broken)
    assert caught.value.path == where


def test_a_key_nobody_documents_is_refused(context):
    broken = copy.deepcopy(context)
    broken["segments"][0]["churn"] = 0.5  # a renderer reading this would read drift
    with pytest.raises(ContractError, match=r"segments\.0\.churn"):
        validate(broken)


def test_previous_context_with_a_wrong_type_fails_with_the_path_named(context, run_cli, tmp_path):
    broken = copy.deepcopy(context)
    broken["overview"]["customers"] = "ten thousand"
    path = tmp_path / "context.json"
    path.write_text(json.dumps(broken), encoding="utf-8")
    result = run_cli("analyze", "--data", SAMPLE_DATA, "--previous", path, "-o", tmp_path / "now.json")
    assert result.code == 2
    assert "overview.customers" in result.err and "Traceback" not in result.err
    assert str(path) in result.err
    assert not (tmp_path / "now.json").exists()


def test_previous_context_of_the_first_schema_is_refused_with_the_version(context, run_cli, tmp_path):
    old = copy.deepcopy(context) | {"schema_version": 1}
    path = tmp_path / "old.json"
    path.write_text(json.dumps(old), encoding="utf-8")
    result = run_cli("analyze", "--data", SAMPLE_DATA, "--previous", path, "-o", tmp_path / "now.json")
    assert result.code == 2 and "schema version 1" in result.err


def test_degenerate_tables_give_valid_contexts(tmp_path):
    rng = np.random.default_rng(3)
    n = 120
    frames = {
        "nobody_left": pd.DataFrame({"id": range(n), "churn": 0, "age": rng.integers(20, 70, n),
                                     "city": rng.choice(["A", "B"], n)}),
        "tiny": pd.DataFrame({"id": range(n), "churn": (rng.random(n) < 0.3).astype(int),
                              "age": rng.integers(20, 70, n), "city": rng.choice(["A", "B"], n)}),
        "one_column": pd.DataFrame({"id": range(n), "churn": (rng.random(n) < 0.3).astype(int),
                                    "age": np.full(n, 40)}),
    }
    settings = Settings()
    for name, frame in frames.items():
        path = tmp_path / f"{name}.csv"
        frame.to_csv(path, index=False)
        context = analyse(load_dataset(path, settings), settings, Reporter(-1), period="2026-Q3")
        validate(json.loads(dumps(context)))
        assert context["segments"] == [] and context["segment_search"]["reason"]


def test_schema_command_prints_the_contract(run_cli, tmp_path):
    result = run_cli("schema")
    assert result.code == 0
    schema = json.loads(result.out)
    assert schema["title"] == "Context" and schema["additionalProperties"] is False
    top = set(schema["properties"])
    assert {"meta", "quality", "overview", "churn_by_factor", "tests", "segments", "clusters", "comparison"} <= top
    assert "RuleSegment" in schema["$defs"] and "measured_on" in schema["$defs"]["RuleSegment"]["properties"]
    out = tmp_path / "schema.json"
    assert run_cli("schema", "-o", out).code == 0
    assert json.loads(out.read_text(encoding="utf-8")) == schema


def test_the_readme_describes_the_current_contract():
    import subprocess
    import sys

    from tests.conftest import PROJECT

    done = subprocess.run([sys.executable, str(PROJECT / "tools" / "contract_doc.py"), "--check"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def behaviour_context(tmp_path) -> dict:
    """Return the context of a generated table without a churn flag (two plain groups of shoppers)."""
    from reportgen.behaviour_run import analyse_behaviour_table

    rng = np.random.default_rng(8)
    n = 240
    frame = pd.DataFrame({"CustomerID": range(n),
                          "Annual Income (k$)": np.r_[rng.normal(30, 4, n // 2), rng.normal(90, 5, n // 2)],
                          "Spending Score (1-100)": np.r_[rng.normal(80, 5, n // 2), rng.normal(20, 5, n // 2)]})
    path = tmp_path / "shoppers.csv"
    frame.to_csv(path, index=False)
    settings = Settings()
    dataset = load_dataset(path, settings)
    assert dataset.kind == "behaviour"
    return json.loads(json.dumps(analyse_behaviour_table(dataset, settings, Reporter(-1), "2026-Q3")))


def test_a_behaviour_context_follows_its_own_contract(tmp_path):
    context = behaviour_context(tmp_path)
    assert context["meta"]["kind"] == "behaviour" and validate(copy.deepcopy(context)) == context
    broken = copy.deepcopy(context)
    broken["clusters"]["groups"][0]["traits"] = [{"feature": "x", "role": None, "direction": "up", "z": 1.0}]
    with pytest.raises(ContractError) as caught:
        validate(broken)
    assert caught.value.path == "clusters.groups.0.traits.0.direction"
    broken = copy.deepcopy(context) | {"meta": {**context["meta"], "kind": "stocks"}}
    with pytest.raises(ContractError, match="meta.kind"):
        validate(broken)


def verdicts(ours_of: dict, whole_of: dict) -> tuple[str | None, str | None]:
    """Return the path validate() names for `ours_of` and the one pydantic names validating `whole_of` whole
    (None: valid)."""
    from pydantic import ValidationError

    from reportgen.contract import MODELS

    try:
        MODELS["customers"].model_validate(whole_of, strict=True)
        whole = None
    except ValidationError as exc:
        whole = ".".join(str(p) for p in exc.errors()[0]["loc"])
    try:
        validate(ours_of)
        ours = None
    except ContractError as exc:
        ours = exc.path
    return ours, whole


CLIENT_COLUMNS = ["id", "risk", "fold", "left", "group", "segment", "cluster", "value", "value_at_risk"]
class _Int(int):
    """An int subclass: pydantic checks its value, not only its type."""


ENTRIES = [None, "x", "bogus", "at_risk", "C1", "\ud800", np.str_("a"), np.str_("\ud800"), True, 1, -1, 2**1024,
           -(2**1100), _Int(1), _Int(2**1024), Fraction(1, 2), Fraction(10**400), Decimal("sNaN"), 0.5,
           float("nan"), [1], {"a": 1}, pd.NA]


@hypothesis_settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(column=st.sampled_from(CLIENT_COLUMNS), entries=st.lists(st.sampled_from(ENTRIES), min_size=1, max_size=3),
       wheres=st.lists(st.floats(0, 1), min_size=3, max_size=3))
@example(column="risk", entries=[1, 2**1024], wheres=[0.001, 0.5, 0])  # a small int first: its type is fine
@example(column="value", entries=[1, 2**1024], wheres=[0.001, 0.5, 0])
@example(column="group", entries=["bogus", [1]], wheres=[0.3, 0.4, 0])  # then an unhashable entry
@example(column="group", entries=["bogus", pd.NA], wheres=[0.3, 0.4, 0])
@example(column="id", entries=[np.str_("a"), np.str_("\ud800")], wheres=[0.01, 0.5, 0])  # the same type, valid
@example(column="risk", entries=[_Int(1), _Int(2**1024)], wheres=[0.01, 0.5, 0])      # first, then invalid
@example(column="value", entries=[Fraction(1, 2), Fraction(10**400)], wheres=[0.01, 0.5, 0])
@example(column="segment", entries=["\ud800"], wheres=[0.5, 0, 0])  # a lone surrogate: valid in a str
def test_long_per_client_lists_are_judged_as_pydantic_judges_them_whole(context, column, entries, wheres):
    # validate() gives pydantic a few entries of each long list (reportgen.contract.long_lists): its verdict
    # and the place it names must be pydantic's own on the whole lists, wherever the wrong entries are
    from reportgen.contract.long_lists import LONG

    broken = copy.deepcopy(context)
    values = broken["prediction"]["clients"][column]
    assert len(values) > LONG  # the sample's lists are long enough to be shortened
    for entry, where in zip(entries, wheres):
        values[int(where * (len(values) - 1))] = entry
    ours, whole = verdicts(broken, broken)
    assert ours == whole


FLOAT_COLUMNS, INT_COLUMNS = ["risk", "value", "value_at_risk"], ["fold", "left"]
CODED_COLUMNS = ["group", "segment", "cluster"]


@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(column=st.sampled_from(FLOAT_COLUMNS + INT_COLUMNS + CODED_COLUMNS),
       changes=st.lists(st.tuples(st.floats(0, 1), st.sampled_from([float("nan"), float("inf"), -float("inf"), 0.25,
                                                                     -1, 7, "bogus", None, "at_risk", "C1"])),
                        max_size=3))
@example(column="risk", changes=[(0.5, float("nan"))])  # missing where the contract takes no None
@example(column="group", changes=[(0.5, "bogus")])     # a name the Literal does not know, far down the list
@example(column="value", changes=[(0.9, float("inf")), (0.2, 0.25)])
def test_a_column_held_as_an_array_reads_writes_and_validates_as_its_list(context, column, changes):
    # the analysis hands per-client columns over as arrays (contract.column.Column): what reads them, the
    # context's writer and validate() must see exactly the plain list they stand for
    from reportgen.contract.column import Column

    plain = list(context["prediction"]["clients"][column])
    if column in CODED_COLUMNS:
        names = list(dict.fromkeys(plain + [v for _, v in changes if v is None or isinstance(v, str)]))
        codes = np.array([names.index(v) for v in plain])
        for where, v in changes:
            if v is None or isinstance(v, str):
                codes[int(where * (len(plain) - 1))] = names.index(v)
        array = Column(codes, names=names)
        expected = [names[c] for c in codes]
    else:
        kind = float if column in FLOAT_COLUMNS else np.int64
        values = np.array([np.nan if v is None else v for v in plain], dtype=kind)
        for where, v in changes:
            if isinstance(v, (int, float)) and (kind is float or (isinstance(v, int))):
                values[int(where * (len(plain) - 1))] = v
        array = Column(values)
        expected = [None if isinstance(v, float) and not math.isfinite(v) else v for v in values.tolist()]
    assert list(array) == expected and len(array) == len(expected)
    assert [array[i] for i in range(0, len(expected), 97)] == expected[::97]
    as_list = copy.deepcopy(context)
    as_list["prediction"]["clients"][column] = expected
    as_array = copy.deepcopy(context)
    as_array["prediction"]["clients"][column] = array
    assert dumps(as_array) == dumps(as_list)
    ours, whole = verdicts(as_array, as_list)
    assert ours == whole


def test_a_short_column_reads_as_a_list_and_refuses_what_it_cannot_hold():
    from reportgen.contract.column import Column

    floats = Column(np.array([0.5, np.nan, np.inf, 2.0]))
    assert floats == [0.5, None, None, 2.0] and floats[-1] == 2.0 and floats[1:3] == [None, None]
    assert floats.to_json() == b"[0.5,null,null,2.0]" and np.isnan(np.asarray(floats)[1])
    assert floats.deciding(1) == ([0, 1], [0.5, None])
    coded = Column(np.array([1, 0, 1]), names=["a", None])
    assert list(coded) == [None, "a", None] and coded.to_json() == b'[null,"a",null]'
    assert Column(np.array([True, False])) == [1, 0] and Column.missing(2) == [None, None]
    with pytest.raises(IndexError):
        floats[4]
    with pytest.raises(ValueError):
        Column(np.array([0, 2]), names=["a", "b"])
    with pytest.raises(TypeError):
        Column(np.array(["a"], dtype=object))
    with pytest.raises(ValueError):
        Column(np.zeros((2, 2)))
    assert Column(np.array([1, 2], dtype=">i4")).to_json() == b"[1,2]"  # big-endian numbers written too
    assert Column(np.array([1, 2])) != (1, 2) and Column(np.array([1, 2])) == [1, 2]  # as a list compares


def test_a_column_is_judged_whole_where_its_type_does_not_decide_its_entries():
    # a review's cases: numbers under a Literal, a constrained float, a field with a length constraint
    from typing import Annotated, Literal

    from pydantic import BaseModel, Field, ValidationError

    from reportgen.contract.column import Column
    from reportgen.contract.long_lists import original_place, shorten

    class Model(BaseModel):
        left: list[Literal[0, 1]]
        share: list[Annotated[float, Field(ge=0, le=1)]] = []
        some: list[float] = Field(default_factory=list, min_length=1)

    def first_error(data: dict):
        try:
            Model.model_validate(data, strict=True)
        except ValidationError as exc:
            return exc.errors()[0]["loc"]
        return None

    flags, shares = np.zeros(2000, dtype=int), np.zeros(2000)
    flags[1500], shares[1500] = 2, 1.5
    for data in ({"left": Column(flags)}, {"left": Column(flags * 0), "share": Column(shares)},
                 {"left": Column(flags * 0), "some": Column(np.zeros(5))}):
        places: dict = {}
        ours = first_error(shorten(Model, data, (), places))
        assert (ours and original_place(ours, places)) == first_error({k: list(v) for k, v in data.items()})
