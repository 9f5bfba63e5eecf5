"""The CDNOW logs (../shared/data): the per-client summary reproduces the published one exactly."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
import pytest

from reportgen.ingest import load_dataset
from tests.conftest import PROJECT
from tests.conftest import settings as make_settings

DATA = PROJECT.parent / "shared" / "data"
pytestmark = [pytest.mark.realdata,
              pytest.mark.skipif(not (DATA / "cdnow_sample_summary.csv").is_file(),
                                 reason=f"{DATA} has no CDNOW files (a fresh clone has no ../shared)")]


def published_rounding(value: float) -> float:
    """Return `value` rounded half up to cents, as the published summary is (computed in exact decimals).

    Our figures are binary floats (68.16499999... for 68.165); 1e-9 undoes that before rounding.
    """
    return float(Decimal(repr(value + 1e-9)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def test_the_cdnow_sample_summary_equals_the_published_one_exactly():
    dataset = load_dataset(DATA / "cdnow_sample.csv", make_settings(analysis={"calibration_end": "1997-09-30"}))
    published = pd.read_csv(DATA / "cdnow_sample_summary.csv")
    # the published ids number the clients in the order they first appear in the file
    order = pd.read_csv(DATA / "cdnow_sample.csv", dtype={"customer_id": str})["customer_id"].drop_duplicates()
    ours = dataset.frame.set_index("client_id").loc[list(order)]
    assert len(ours) == len(published) == 2357
    assert ours["in_calibration"].all()
    assert list(ours["x_cal"].astype(int)) == list(published["x"])
    assert int(ours["x_cal"].sum()) == 2457
    for column, theirs in (("t_x_cal", "t_x"), ("T_cal", "T"), ("zbar_cal", "zbar")):
        assert [published_rounding(v) for v in ours[column]] == list(published[theirs]), column
    # the 39 weeks after the calibration end: 1,882 repeat purchase days in the sample (data README)
    assert dataset.log["as_of"] == "1998-06-30" and int(ours["x_holdout"].sum()) == 1882


def test_the_cdnow_master_log_loads_with_several_lines_on_one_day():
    raw = pd.read_csv(DATA / "cdnow_master.csv", dtype={"customer_id": str})
    dataset = load_dataset(DATA / "cdnow_master.csv", make_settings())
    frame = dataset.frame
    assert len(frame) == raw["customer_id"].nunique() == 23_570
    days = raw.groupby(["customer_id", "order_date"]).size()
    assert int(frame["purchase_days"].sum()) == len(days) < len(raw)
    assert int(frame["lines"].sum()) == len(raw)
    assert frame["revenue"].sum() == pytest.approx(raw["amount"].sum())
    assert dataset.log["cleaning"]["lines_used"] == len(raw)
