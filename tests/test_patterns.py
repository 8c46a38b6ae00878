"""missing_pattern against a brute-force count; complete_case and its report."""

import itertools

import numpy as np
import pandas as pd
import pytest

from companion import complete_case, missing_pattern, nhanes
from companion.missing import DropReport


@pytest.fixture
def incomplete() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    df = pd.DataFrame(rng.normal(size=(200, 3)), columns=["a", "b", "c"])
    return df.mask(rng.random(df.shape) < [0.1, 0.4, 0.2])


def test_pattern_counts_match_brute_force(incomplete):
    table = missing_pattern(incomplete)
    body = table.drop(index="total")
    variables = ["a", "c", "b"]  # fewest missing first
    assert list(table.columns) == [*variables, "rows", "missing_vars"]
    observed = incomplete[variables].notna()
    for pattern in itertools.product([0, 1], repeat=3):
        count = int((observed == np.array(pattern, bool)).all(axis=1).sum())
        match = body[(body[variables] == np.array(pattern)).all(axis=1)]
        assert (match["rows"].sum() if len(match) else 0) == count
    assert body["rows"].sum() == len(incomplete)
    assert (body["missing_vars"] == 3 - body[variables].sum(axis=1)).all()
    assert body["missing_vars"].is_monotonic_increasing
    total = table.loc["total"]
    assert total[variables].tolist() == incomplete[variables].isna().sum().tolist()
    assert total["missing_vars"] == incomplete.isna().sum().sum()


def test_complete_data_have_one_pattern():
    table = missing_pattern(pd.DataFrame({"u": [1.0, 2.0], "v": [3.0, 4.0]}))
    assert table.loc[1, "rows"] == 2
    assert table.loc["total", "missing_vars"] == 0


def test_nhanes_pattern_matches_its_counts():
    data = nhanes()
    table = missing_pattern(data)
    assert table.loc["total", "rows"] == len(data)
    assert table.loc[1, "rows"] == int(data.notna().all(axis=1).sum())


def test_complete_case_reports_what_it_dropped(incomplete):
    before = incomplete.copy()
    kept, report = complete_case(incomplete, ["a", "b"])
    pd.testing.assert_frame_equal(incomplete, before)
    assert isinstance(report, DropReport)
    assert not kept[["a", "b"]].isna().any().any()
    assert kept["c"].isna().any()  # columns not named may stay incomplete
    assert report.n_rows == len(incomplete)
    assert report.n_kept == len(kept)
    assert report.n_dropped == len(report.dropped) == len(incomplete) - len(kept)
    assert report.missing_by_column == {
        "a": int(incomplete["a"].isna().sum()),
        "b": int(incomplete["b"].isna().sum()),
    }
    assert set(report.dropped).isdisjoint(kept.index)
    assert f"Dropped {report.n_dropped} of 200 rows" in str(report)


def test_complete_case_with_nothing_missing():
    df = pd.DataFrame({"u": [1.0, 2.0]})
    kept, report = complete_case(df)
    assert report.n_dropped == 0 and len(kept) == 2


@pytest.mark.parametrize("function", [missing_pattern, complete_case])
def test_unknown_column_is_named(function, incomplete):
    with pytest.raises(ValueError, match="nope"):
        function(incomplete, ["a", "nope"])
