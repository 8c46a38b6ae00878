"""Bad input to the book's simulation studies: NaN is refused, not averaged over."""

import numpy as np
import pandas as pd
import pytest

from book.studies.complete_case import complete_case_estimates
from book.studies.imputation import coverage_summary
from book.studies.pooling import pooling_risk, pooling_rmse
from companion import simulate_regression


def test_pooling_rmse_refuses_missing_errors_instead_of_skipping_them():
    risk = pooling_risk(n_sims=5, seed=1)
    assert np.isfinite(pooling_rmse(risk)["rmse"]).all()
    risk.loc[[0, 3], "error"] = np.nan
    with pytest.raises(ValueError, match=r"`risk` has missing values \{'error': 2\}"):
        pooling_rmse(risk)


def test_coverage_summary_refuses_missing_results():
    results = pd.DataFrame(
        {"scenario": "s", "method": "m", "estimate": [2.9, np.nan, 3.1],
         "covered": [True, False, True], "width": [0.5, 0.5, 0.5], "rows_dropped": 0}
    )  # fmt: skip
    results.attrs["truth"] = 3.0
    with pytest.raises(ValueError, match=r"\{'estimate': 1\}"):
        coverage_summary(results)
    results.loc[1, "estimate"] = 3.0
    assert coverage_summary(results)["n_sim"].tolist() == [3]


@pytest.mark.parametrize("level", [0.0, 1.0, 1.5, float("nan"), "0.9", True])
def test_complete_case_estimates_checks_level(level):
    with pytest.raises((ValueError, TypeError), match="level"):
        complete_case_estimates(simulate_regression(50, seed=1), level=level)
