"""Tests of reading numbers written as text: the decimal mark comes only from cells that prove it.

Issue 8, section 1: billing exports write " " for a new client's total; one such cell sent the whole
income column down the decimal-comma path and '1889.50' was read as 188950. Every column here is written
by the test (as English, French, Russian or German-style Excel writes numbers) and every expected value
is the number the test generated, or read with Python's float() from the text the test wrote.
"""

from __future__ import annotations

import math
import re
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from reportgen.analysis.profile import base_summary, profile
from reportgen.config import settings_from_dict
from reportgen.errors import DataError
from reportgen.i18n.ui import set_ui_language
from reportgen.ingest import load_dataset
from reportgen.ingest.numbers import parse_numbers
from reportgen.ingest.readers import read_table
from reportgen.ingest.roles import detect_roles
from reportgen.console.summaries import quality_lines
from tests.render_helpers import tr
from tests.conftest import SAMPLE_DATA

NBSP, NNBSP, MINUS = "\u00a0", "\u202f", "\u2212"

# How each kind of export writes a number: decimal mark and thousands separator ("" for none).
STYLES = {
    "english, grouped": (".", ","),
    "english, plain": (".", ""),
    "french, narrow no-break space": (",", NNBSP),
    "russian, no-break space": (",", NBSP),
    "french, space": (",", " "),
    "french, plain": (",", ""),
    "german, point": (",", "."),
}
BLANKS = ["", " ", "   ", NBSP, f" {NNBSP} "]
# markers pandas leaves as text (reportgen reads them as missing) and markers pandas itself reads as NaN
MARKERS = ["н/д", "-", "—", "?", "нет данных", "N.D."]
PANDAS_MARKERS = ["NA", "n/a", "#N/A", "null"]
# a cell that reads two ways: one mark followed by exactly three digits after a one-to-three digit head
TWO_WAYS = re.compile(f"[-{MINUS}]?[1-9][0-9]{{0,2}}[.,][0-9]{{3}}")


def written(value: float, decimals: int, decimal: str, group: str, minus: str) -> str:
    """Return `value` as an export in the given style writes it: '−1 234 567,89', '1,234.5', '1.234,50'."""
    whole, _, fraction = f"{abs(value):,.{decimals}f}".partition(".")
    text = whole.replace(",", group) + (decimal + fraction if decimals else "")
    return (minus if value < 0 else "") + text


def point_reading(text: str) -> float:
    """Return a cell read with a decimal point, commas and spaces grouping thousands (the default)."""
    return float(re.sub(f"[, {NBSP}{NNBSP}]", "", text).replace(MINUS, "-"))


def proves_a_mark(text: str) -> bool:
    """Return True when a number cell holds a decimal mark and cannot be read two ways."""
    return bool(re.search("[.,]", text)) and not TWO_WAYS.fullmatch(text)


numbers = st.one_of(
    st.integers(min_value=-10**12, max_value=10**12).map(float),
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False),
    st.floats(min_value=-1e-3, max_value=1e-3, allow_nan=False, allow_infinity=False),  # tiny
    st.floats(min_value=-1e15, max_value=1e15, allow_nan=False, allow_infinity=False),  # huge
    st.integers(min_value=-999_999, max_value=999_999).map(float),  # one thousands group: '1.234' reads two ways
    st.just(0.0),
)


@st.composite
def exported_columns(draw, markers=tuple(MARKERS)):
    """Return (style, decimals, numbers, cells): one column in one export style, blanks and markers mixed in.

    `cells` is the column as written, in order; each entry is (text, value or None for a missing cell).
    """
    style = draw(st.sampled_from(sorted(STYLES)))
    decimal, group = STYLES[style]
    decimals = draw(st.sampled_from([0, 1, 2, 3, 4, 6]))
    minus = "-" if decimal == "." else draw(st.sampled_from(["-", MINUS]))
    values = draw(st.lists(numbers, min_size=1, max_size=30))
    cells = [(written(v, decimals, decimal, group, minus), v) for v in values]
    missing = draw(st.lists(st.tuples(st.integers(min_value=0, max_value=len(cells)),
                                      st.sampled_from(BLANKS + list(markers))), max_size=10))
    for position, text in missing:
        cells.insert(position, (text, None))
    return style, decimals, cells


def tolerance(value: float, decimals: int) -> float:
    """Return how far a number written with `decimals` decimals may be from the float it was written from."""
    return 0.5 * 10.0 ** -decimals * (1 + 1e-9) + 4 * np.spacing(abs(value))


def expected_reading(style: str, cells: list[tuple[str, float | None]]) -> tuple[str, list[float | None]]:
    """Return the decimal mark the column proves and each cell's expected value (None: missing).

    A decimal-comma column whose every number could be read two ways ('12,345', '1.234') proves nothing,
    so it keeps the point: its numbers are then expected as point readings of their text.
    """
    decimal, _ = STYLES[style]
    texts = [text for text, value in cells if value is not None]
    if decimal == "," and not any(proves_a_mark(t) for t in texts):
        return ".", [None if value is None else point_reading(text) for text, value in cells]
    return decimal, [value for _, value in cells]


def assert_read_back(parsed, cells, expected, decimals):
    """Assert every number equals its expected value within the written precision and every blank is NaN."""
    got = parsed.values.to_numpy(dtype=float)
    assert not parsed.failed.any(), [c for c, f in zip(cells, parsed.failed) if f]
    for (text, value), want, have in zip(cells, expected, got):
        if value is None:
            assert math.isnan(have), (text, have)
        elif want == value:
            assert abs(have - want) <= tolerance(want, decimals), (text, want, have)
        else:  # a point reading of the text: exact
            assert have == want, (text, want, have)


# --- properties ------------------------------------------------------------------------------------------


@hsettings(max_examples=500, deadline=None)
@given(column=exported_columns(markers=tuple(MARKERS + PANDAS_MARKERS)),
       separator=st.sampled_from([",", ";", "\t"]))
@example(column=("german, point", 0, [("1.234", 1234.0), (" ", None), ("1.234.567", 1234567.0)]), separator=";")
@example(column=("french, space", 3, [("12,345", 12.345), ("н/д", None), ("1 234,567", 1234.567)]), separator=",")
def test_property_exported_numbers_read_back_from_a_csv_file(column, separator):
    style, decimals, cells = column
    lines = [f"id{separator}amount"]
    for i, (text, _) in enumerate(cells):
        lines.append(f"C{i}{separator}" + (f'"{text}"' if separator in text else text))
    quoted = any('"' in line for line in lines)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        raw = read_table(path, settings_from_dict({}).data)
    assert raw.separator == separator
    parsed = parse_numbers(raw.frame["amount"])
    assert parsed.conflict is None
    decimal, expected = expected_reading(style, cells)
    assert parsed.format.decimal == decimal
    assert_read_back(parsed, cells, expected, decimals)
    # empty cells are NaN before parsing; so are pandas' own markers, unless quotes sent the file through
    # the csv module, which leaves every cell as text
    counted = MARKERS + PANDAS_MARKERS if quoted else MARKERS
    assert parsed.format.blank == sum(1 for text, v in cells if v is None and text and not text.strip())
    assert parsed.format.markers == sum(1 for text, v in cells if v is None and text in counted)


@hsettings(max_examples=500, deadline=None)
@given(column=exported_columns(markers=()), markers=st.lists(
    st.tuples(st.integers(min_value=0, max_value=40), st.sampled_from(BLANKS + MARKERS)), min_size=1, max_size=15))
def test_property_blanks_and_markers_never_change_another_cell(column, markers):
    style, decimals, cells = column
    clean = [(t, v) for t, v in cells if v is not None]
    before = parse_numbers(pd.Series([t for t, _ in clean], dtype=object))
    mixed = list(clean)
    for position, text in markers:
        mixed.insert(min(position, len(mixed)), (text, None))
    after = parse_numbers(pd.Series([t for t, _ in mixed], dtype=object))
    assert after.format.decimal == before.format.decimal
    kept = np.array([v is not None for _, v in mixed])
    assert np.array_equal(after.values.to_numpy()[kept], before.values.to_numpy(), equal_nan=True)
    assert after.values[~kept].isna().all()
    assert not after.failed.any()
    assert after.format.blank + after.format.markers == len(markers)
    decimal, expected = expected_reading(style, clean)
    assert before.format.decimal == decimal
    assert_read_back(before, clean, expected, decimals)


plain_texts = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.tuples(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False), st.integers(0, 6)).map(
        lambda vk: f"{vk[0]:.{vk[1]}f}"),
    st.integers(min_value=-10**15, max_value=10**15).map(str),
    # three digits after one point: read two ways in a decimal-comma column, plainly a decimal here
    st.tuples(st.integers(1, 999), st.integers(0, 999)).map(lambda ab: f"{ab[0]}.{ab[1]:03d}"),
)


@hsettings(max_examples=500, deadline=None)
@given(values=st.lists(st.floats(allow_infinity=False), max_size=60),
       texts=st.lists(st.one_of(plain_texts, st.none()), max_size=60),
       dtype=st.sampled_from([object, "str"]))
def test_property_plain_numeric_columns_are_never_changed(values, texts, dtype):
    floats = pd.Series(values, dtype=float)
    parsed = parse_numbers(floats)
    assert np.array_equal(parsed.values.to_numpy(), floats.to_numpy(), equal_nan=True)
    assert np.array_equal(np.signbit(parsed.values.to_numpy()), np.signbit(floats.to_numpy()))
    assert parsed.format.plain and not parsed.failed.any()

    column = pd.Series(texts, dtype=dtype)
    parsed = parse_numbers(column)
    expected = np.array([np.nan if t is None else float(t) for t in texts], dtype=float)
    assert np.array_equal(parsed.values.to_numpy(dtype=float), expected, equal_nan=True)
    assert parsed.format.plain and parsed.format.decimal == "." and not parsed.failed.any()


# --- single readings -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cells,values,decimal",
    [
        (["12,5"], [12.5], ","),
        (["1 234,50"], [1234.5], ","),
        ([f"1{NBSP}234{NBSP}567,5"], [1234567.5], ","),
        (["1.234,56"], [1234.56], ","),
        (["1,234.56"], [1234.56], "."),
        (["1.234.567"], [1234567.0], ","),
        (["1,234,567"], [1234567.0], "."),
        (["1889.50", " "], [1889.5, None], "."),
        (["1.234"], [1.234], "."),  # reads two ways, proves nothing: the point stays
        (["1,234"], [1234.0], "."),
        (["1.234", "12,5"], [1234.0, 12.5], ","),  # the comma is proven, so the point groups
        (["1,234", "0.5"], [1234.0, 0.5], "."),
        (["0,123", "1.234"], [0.123, 1234.0], ","),  # '0,123' cannot be a thousands group
        (["н/д", "-", "  ", "7"], [None, None, None, 7.0], "."),
        ([f"{MINUS}3,25", "1'234,5"], [-3.25, 1234.5], ","),
    ],
)
def test_cells_prove_the_decimal_mark(cells, values, decimal):
    parsed = parse_numbers(pd.Series(cells, dtype=object))
    assert parsed.conflict is None and not parsed.failed.any()
    assert parsed.format.decimal == decimal
    assert np.array_equal(parsed.values.to_numpy(dtype=float),
                          np.array([np.nan if v is None else v for v in values], dtype=float), equal_nan=True)


def test_badly_grouped_numbers_are_not_read():
    parsed = parse_numbers(pd.Series(["12 5", "1.23.456", "1 234.567,8", "12,5"], dtype=object))
    assert parsed.failed.tolist() == [True, True, True, False]


def test_typed_numbers_in_a_text_column_keep_their_value_and_prove_nothing():
    # an XLSX column: numbers typed as numbers next to text cells written with point groups
    parsed = parse_numbers(pd.Series([1.234, 2.5, "1.234.567", " ", None], dtype=object))
    assert parsed.format.decimal == ","
    assert np.array_equal(parsed.values.to_numpy(dtype=float), [1.234, 2.5, 1234567.0, np.nan, np.nan],
                          equal_nan=True)


def test_cells_proving_both_marks_are_a_conflict_naming_the_first_of_each():
    column = pd.Series(["3", "1889.50", "12,5", "7.25", "1.234.567"], index=[2, 3, 4, 5, 6], dtype=object)
    conflict = parse_numbers(column).conflict
    assert (conflict.point_row, conflict.point_text, conflict.point_count) == (3, "1889.50", 2)
    assert (conflict.comma_row, conflict.comma_text, conflict.comma_count) == (4, "12,5", 2)


def test_a_column_with_blanks_or_mixed_marks_is_still_found_numeric():
    frame = pd.DataFrame({
        "churn": [0, 1] * 40,
        "montant": [" " if i % 10 == 0 else f"{1000 + i},50" for i in range(80)],
        "total": ["12,5" if i == 7 else f"{i}.25" for i in range(80)],
    })
    roles = detect_roles(frame, settings_from_dict({}).columns, "t.csv")
    assert roles.numeric == ["montant", "total"]


def test_flags_written_with_a_decimal_comma_are_yes_no():
    frame = pd.DataFrame({"churn": [0, 1] * 40, "actif": ["1,0", "0,0", " ", "1,0"] * 20})
    roles = detect_roles(frame, settings_from_dict({}).columns, "t.csv")
    assert roles.binary == ["actif"]


# --- the bundled bank table ------------------------------------------------------------------------------


def blank_income_file(tmp_path: Path) -> tuple[pd.DataFrame, np.ndarray, Path]:
    """Return the bundled table, the positions of 1 % of its rows, and a copy with " " as their income."""
    original = pd.read_csv(SAMPLE_DATA, dtype={"USERID": str})
    blanked = np.sort(np.random.default_rng(8).choice(len(original), size=len(original) // 100, replace=False))
    copy = original.astype({"EST_SALARY": object})
    copy.loc[blanked, "EST_SALARY"] = " "
    path = tmp_path / "blank_income.csv"
    copy.to_csv(path, index=False, lineterminator="\n")
    return original, blanked, path


def test_blank_income_cells_change_no_other_income(tmp_path):
    original, blanked, path = blank_income_file(tmp_path)
    assert path.read_text(encoding="utf-8").count(", ,") >= len(blanked)  # the cells really hold a space
    dataset = load_dataset(path, settings_from_dict({}))
    frame = dataset.frame
    assert len(frame) == len(original)
    income = frame["EST_SALARY"].reindex(original.index + 2).to_numpy()  # file line = position + 2
    expected = original["EST_SALARY"].to_numpy(dtype=float).copy()
    expected[blanked] = np.nan
    assert np.array_equal(income, expected, equal_nan=True)

    kept = original.drop(index=blanked)
    churned_median = kept.loc[kept["churn"] == 1, "EST_SALARY"].median()
    assert frame.loc[frame["churn"] == 1, "EST_SALARY"].median() == churned_median
    # and as the report computes it: the churned clients' profile
    churned = profile(frame, (frame["churn"] == 1).to_numpy(), dataset.roles, base_summary(frame, dataset.roles))
    assert churned["features"]["EST_SALARY"]["median"] == pytest.approx(churned_median, rel=1e-12)

    assert dataset.quality["missing"]["EST_SALARY"] == len(blanked) + int(original["EST_SALARY"].isna().sum())
    nf = dataset.quality["number_formats"]
    assert list(nf) == ["EST_SALARY"]  # every other numeric column is plain
    texts = pd.read_csv(path, dtype=str)["EST_SALARY"].dropna()
    assert nf["EST_SALARY"] == {"decimal": ".", "grouping": [], "blank": len(blanked), "markers": 0,
                                "proof": sum(proves_a_mark(t) for t in texts), "ambiguous": 0}


def test_check_says_how_the_numbers_were_read(tmp_path, run_cli):
    original, blanked, path = blank_income_file(tmp_path)
    result = run_cli("check", "--data", path)
    assert result.code == 0, result.err
    assert f"numbers in EST_SALARY: decimal point; no thousands separator; {len(blanked)} blank cells read " \
           "as missing" in result.out


def test_check_prints_french_grouping_and_markers_in_the_ui_language(tmp_path):
    frame = pd.DataFrame({
        "id_client": [f"{i:03d}" for i in range(60)],
        "revenu": [" " if i == 4 else "н/д" if i == 9 else written(1000.0 + 37.5 * i, 2, ",", NBSP, "-")
                   for i in range(60)],
        "churn": [i % 2 for i in range(60)],
    })
    path = tmp_path / "fr.csv"
    frame.to_csv(path, sep=";", index=False)
    dataset = load_dataset(path, settings_from_dict({}))
    assert dataset.quality["number_formats"]["revenu"] == {
        "decimal": ",", "grouping": ["nbsp"], "blank": 1, "markers": 1, "proof": 58, "ambiguous": 0}
    assert "numbers in revenu: decimal comma; thousands separator: no-break space; 1 blank cell read as missing; " \
           "1 missing marker (such as NA or н/д) read as missing" in quality_lines(dataset)[-1]
    # the other languages say the same with their catalog's words, in the order the English line gives
    for lang in ("fr", "ru"):
        set_ui_language(lang)
        line = quality_lines(dataset)[-1].strip()
        assert line.startswith(tr(lang, "numbers in {column}: {details}").split("{column}")[0].strip())
        parts = [tr(lang, "decimal comma"), tr(lang, "thousands separator: {characters}").split("{")[0].strip(),
                 tr(lang, "no-break space")]
        positions = [line.find(part) for part in parts]
        assert -1 not in positions and positions == sorted(positions), (line, parts)


def test_mixed_decimal_marks_stop_check_with_exit_code_2(tmp_path, run_process):
    original = pd.read_csv(SAMPLE_DATA, dtype={"USERID": str})
    copy = original.astype({"EST_SALARY": object})
    pasted = [40, 41, 42]  # three rows pasted from a French export
    copy.loc[pasted, "EST_SALARY"] = [written(v, 2, ",", "", "-") for v in original.loc[pasted, "EST_SALARY"]]
    path = tmp_path / "mixed.csv"
    copy.to_csv(path, sep=";", index=False)
    texts = pd.read_csv(path, sep=";", dtype=str)["EST_SALARY"]
    first_point = int(np.flatnonzero(texts.notna())[0])
    assert first_point < 40 and proves_a_mark(texts[first_point])
    result = run_process("check", "--data", path)
    shown = result.out + result.err
    assert result.code == 2
    assert "Traceback" not in shown
    assert f"file: {path}" in shown and "column: EST_SALARY" in shown
    assert f"{texts[40]!r} (row {40 + 2})" in shown  # the first cell written with a decimal comma
    assert f"{texts[first_point]!r} (row {first_point + 2})" in shown
    assert "Make the column consistent" in shown


def test_mixed_decimal_marks_are_a_data_error_naming_file_column_and_rows(tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_text("id;amount;churn\nA;1889.50;0\nB;12,5;1\nC;3;0\nD; ;1\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_dataset(path, settings_from_dict({}))
    error = info.value
    assert error.location.file == str(path) and error.location.column == "amount"
    assert error.location.rows == [2, 3] and error.location.values == ["12,5", "1889.50"]
