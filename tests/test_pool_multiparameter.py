"""Pooling beyond scalars: Rubin's original df, pooled R^2, and the D1/D2/D3 model comparisons.

The reference is R's mice (3.15, with mitml 0.4, which mice's D1 and D2 call): the same
completed data sets are written to CSV, R fits ``lm`` to each and runs ``pool``,
``pool.r.squared``, ``D1``, ``D2``, ``D3`` and ``mitml::testModels``. These are deterministic
computations on identical numbers, so the agreement asked for is 1e-6 relative (what is left
is floating-point rounding, about 1e-12). Without R the properties below still check the
formulas against exact special cases (identical data sets reduce every rule to the
complete-data test).
"""

from __future__ import annotations

import math
import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from companion import fit_ols, mice_impute, nhanes
from companion.missing import (
    PooledRSquared,
    PooledTest,
    d1,
    d2,
    d3,
    pool,
    pool_compare,
    pool_r_squared,
    rubin_pool,
)

REL = 1e-6
FULL, NULL, SMALL = "chl ~ age + bmi + hyp", "chl ~ age", "chl ~ age + bmi"


@pytest.fixture(scope="module")
def sets() -> list[pd.DataFrame]:
    return mice_impute(nhanes(), m=5, seed=2024)


@pytest.fixture(scope="module")
def fits(sets):
    return fit_ols(sets, FULL)


@pytest.fixture(scope="module")
def fits_null(sets):
    return fit_ols(sets, NULL)


# --- R's mice on the same completed data sets ---------------------------------------------------

R_SCRIPT = r"""
suppressMessages({library(mice); library(mitml)})
sets <- lapply(0:4, function(i) read.csv(file.path("DIR", sprintf("set%d.csv", i))))
f1 <- as.mira(lapply(sets, function(d) lm(chl ~ age + bmi + hyp, d)))
f0 <- as.mira(lapply(sets, function(d) lm(chl ~ age, d)))
fs <- as.mira(lapply(sets, function(d) lm(chl ~ age + bmi, d)))
out <- function(key, x) cat(key, "=", paste(sprintf("%.17g", x), collapse = ","), "\n", sep = "")
p <- pool(f1)$pooled
for (col in c("estimate", "ubar", "b", "t", "df", "riv", "lambda", "fmi")) out(col, p[[col]])
out("df_inf", pool(f1, dfcom = Inf)$pooled$df)
out("fmi_inf", pool(f1, dfcom = Inf)$pooled$fmi)
out("df_10", pool(f1, dfcom = 10)$pooled$df)
out("r2", pool.r.squared(f1)[1, ])
out("r2_adj", pool.r.squared(f1, adjusted = TRUE)[1, ])
out("D1", D1(f1, f0)$result[1, ])
out("D1_null", D1(f1)$result[1, ])
out("D1_k1", D1(f1, fs)$result[1, ])
out("D1_dfcom15", D1(f1, f0, dfcom = 15)$result[1, ])
out("D2", D2(f1, f0)$result[1, ])
out("D2_null", D2(f1)$result[1, ])
out("D2_lik", D2(f1, f0, use = "likelihood")$result[1, ])
out("D3", D3(f1, f0)$result)
out("D3_null", D3(f1)$result)
out("mitml_D1", testModels(getfit(f1), getfit(f0), method = "D1")$test[1, ])
out("mitml_D3", testModels(getfit(f1), getfit(f0), method = "D3")$test[1, ])
out("mitml_D3_k1", testModels(getfit(f1), getfit(fs), method = "D3")$test[1, ])
"""


@pytest.fixture(scope="module")
def mice_results(sets, tmp_path_factory) -> dict[str, np.ndarray]:
    if shutil.which("Rscript") is None:
        pytest.skip("R is not installed (apt-get install r-base-core r-cran-mice)")
    check = subprocess.run(
        ["Rscript", "-e", "library(mice); library(mitml)"], capture_output=True, check=False
    )
    if check.returncode != 0:
        pytest.skip("R's mice is not installed (apt-get install r-cran-mice)")
    folder = tmp_path_factory.mktemp("mice")
    for position, data in enumerate(sets):
        data.to_csv(folder / f"set{position}.csv", index=False)
    script = R_SCRIPT.replace("DIR", str(folder))
    run = subprocess.run(["Rscript", "-e", script], capture_output=True, text=True, check=False)
    if run.returncode != 0:
        pytest.fail(f"the R reference script failed:\n{run.stderr}")
    results = {}
    for line in run.stdout.splitlines():
        key, _, values = line.partition("=")
        results[key] = np.array([float(v) for v in values.split(",")])
    return results


def test_csv_round_trip_is_exact(sets, tmp_path):
    # R reads the CSV files: they must hold the very numbers Python analyses.
    sets[0].to_csv(tmp_path / "a.csv", index=False)
    back = pd.read_csv(tmp_path / "a.csv")
    assert np.array_equal(back.to_numpy(), sets[0].to_numpy())


def test_pool_agrees_with_mice(fits, mice_results):
    table = pool(fits)
    names = {"within": "ubar", "between": "b", "total": "t", "lambda": "lambda"}
    for column in ("estimate", "within", "between", "total", "df", "riv", "lambda", "fmi"):
        expected = mice_results[names.get(column, column)]
        assert table[column].to_numpy() == pytest.approx(expected, rel=REL), column


def test_rubin_1987_df_agrees_with_mice_dfcom_inf(fits, mice_results):
    # mice has no switch for the original df; pool(fit, dfcom = Inf) gives it.
    table = pool(fits, df_method="rubin")
    assert table["df"].to_numpy() == pytest.approx(mice_results["df_inf"], rel=REL)
    assert table["fmi"].to_numpy() == pytest.approx(mice_results["fmi_inf"], rel=REL)
    assert pool(fits, dfcom=math.inf)["df"].to_numpy() == pytest.approx(
        mice_results["df_inf"], rel=REL
    )
    assert pool(fits, dfcom=10)["df"].to_numpy() == pytest.approx(mice_results["df_10"], rel=REL)


@pytest.mark.parametrize("adjusted", [False, True])
def test_pooled_r_squared_agrees_with_mice(fits, mice_results, adjusted):
    expected = mice_results["r2_adj" if adjusted else "r2"]  # est, lo 95, hi 95, fmi
    pooled = pool_r_squared(fits, adjusted=adjusted)
    assert isinstance(pooled, PooledRSquared)
    assert pooled.estimate == pytest.approx(expected[0], rel=REL)
    assert pooled.fmi == pytest.approx(expected[3], rel=REL)
    # mice's interval uses the rounded quantile 1.96: the level with exactly that quantile
    # reproduces it; the default level's limits differ only in the fifth digit.
    rounded = pool_r_squared(fits, adjusted=adjusted, level=2 * stats.norm.cdf(1.96) - 1)
    assert [rounded.ci_lower, rounded.ci_upper] == pytest.approx(expected[1:3], rel=REL)
    assert [pooled.ci_lower, pooled.ci_upper] == pytest.approx(expected[1:3], rel=1e-3)


def _check(test: PooledTest, expected: np.ndarray) -> None:
    # R's order: F, df1, df2, p, riv
    assert test.statistic == pytest.approx(expected[0], rel=REL)
    assert test.df1 == expected[1]
    assert test.df2 == pytest.approx(expected[2], rel=REL)
    assert test.p_value == pytest.approx(expected[3], rel=REL)
    assert test.riv == pytest.approx(expected[4], rel=REL)


def test_d1_agrees_with_mice(fits, fits_null, sets, mice_results):
    _check(d1(fits, fits_null), mice_results["D1"])  # k = 2, Reiter's df with dfcom = 21
    _check(pool_compare(fits), mice_results["D1_null"])  # all slopes, k = 3
    _check(d1(fits, fits_null, dfcom=15), mice_results["D1_dfcom15"])
    # k = 1 and m = 5: k(m - 1) = 4, where Reiter's df takes its limit 4
    test = d1(fits, fit_ols(sets, SMALL))
    _check(test, mice_results["D1_k1"])
    assert test.df2 == 4.0
    # no complete-data df: Li, Raghunathan and Rubin's df, as mitml without df.com
    _check(d1(fits, fits_null, dfcom=math.inf), mice_results["mitml_D1"])


def test_d2_agrees_with_mice(fits, fits_null, mice_results):
    _check(d2(fits, fits_null), mice_results["D2"])
    _check(d2(fits), mice_results["D2_null"])
    _check(d2(fits, fits_null, use="likelihood"), mice_results["D2_lik"])


def test_d3_agrees_with_mice_and_mitml(fits, fits_null, sets, mice_results):
    _check(d3(fits, fits_null, loglik="mice"), mice_results["D3"])
    _check(d3(fits, loglik="mice"), mice_results["D3_null"])
    _check(d3(fits, fits_null), mice_results["mitml_D3"])  # Meng and Rubin's pooled estimates
    _check(d3(fits, fit_ols(sets, SMALL)), mice_results["mitml_D3_k1"])


# --- properties that need no R ------------------------------------------------------------------


@pytest.fixture(scope="module")
def same(sets):
    """Five copies of one completed data set: no between-imputation variance at all."""
    return [sets[0]] * 5


def test_identical_sets_reduce_d1_to_the_complete_data_f_test(same):
    full, null = fit_ols(same, FULL), fit_ols(same, NULL)
    f_value, p_value, k = full[0].compare_f_test(null[0])
    nu = full[0].df_resid
    test = d1(full, null)
    # B is a variance of m equal numbers: zero, up to rounding in their mean.
    assert test.riv == pytest.approx(0.0, abs=1e-12)
    assert test.statistic == pytest.approx(f_value, rel=1e-10)
    assert test.df1 == k == 2
    # Reiter's df at r = 0 is nu (nu + 1) / (nu + 3), a little below n - p
    assert test.df2 == pytest.approx(nu * (nu + 1) / (nu + 3), rel=1e-12)
    assert test.p_value == pytest.approx(stats.f.sf(f_value, k, test.df2), rel=1e-10)
    large = d1(full, null, dfcom=math.inf)  # no complete-data df: chi-square reference
    assert large.df2 == math.inf
    assert large.p_value == pytest.approx(stats.chi2.sf(k * f_value, k), rel=1e-10)


def test_identical_sets_reduce_d2_and_d3_to_complete_data_tests(same):
    full, null = fit_ols(same, FULL), fit_ols(same, NULL)
    lr = 2 * (full[0].llf - null[0].llf)
    wald = full[0].wald_test("bmi = 0, hyp = 0", scalar=True, use_f=False).statistic
    for loglik in ("pooled", "mice"):
        test = d3(full, null, loglik=loglik)
        assert test.statistic == pytest.approx(lr / 2, rel=1e-9)
        assert test.riv == pytest.approx(0.0, abs=1e-9)
    test = d2(full, null, use="likelihood")
    assert test.statistic == pytest.approx(lr / 2, rel=1e-9)
    test = d2(full, null)
    assert test.statistic == pytest.approx(wald / 2, rel=1e-9)
    assert (test.riv, test.df2) == (0.0, math.inf)


def test_identical_sets_give_the_complete_data_r_squared(same):
    fit = fit_ols(same[:1], FULL)[0]
    for adjusted, value in ((False, fit.rsquared), (True, fit.rsquared_adj)):
        pooled = pool_r_squared(fit_ols(same, FULL), adjusted=adjusted)
        assert pooled.estimate == pytest.approx(value, rel=1e-12)
        z, half = math.atanh(math.sqrt(value)), stats.norm.ppf(0.975) / math.sqrt(fit.nobs - 3)
        assert pooled.ci_lower == pytest.approx(math.tanh(z - half) ** 2, rel=1e-12)
        assert pooled.ci_upper == pytest.approx(math.tanh(z + half) ** 2, rel=1e-12)


def test_d1_of_one_coefficient_is_the_squared_pooled_t(fits, sets):
    # k = 1: the Wald statistic is (qbar / sqrt(T))^2 and r is the scalar riv.
    test = d1(fits, fit_ols(sets, "chl ~ age + bmi"))
    row = pool(fits).loc["hyp"]
    assert test.statistic == pytest.approx(row["t_statistic"] ** 2, rel=1e-10)
    assert test.riv == pytest.approx(row["riv"], rel=1e-10)


def test_rubin_df_ignores_dfcom(fits):
    rubin = pool(fits, df_method="rubin")
    assert rubin["df"].to_numpy() == pytest.approx(4 / rubin["lambda"].to_numpy() ** 2, rel=1e-12)
    assert rubin["df"].to_numpy() == pytest.approx(pool(fits, dfcom=math.inf)["df"], rel=1e-12)
    assert (pool(fits)["df"] < rubin["df"]).all()  # Barnard-Rubin shrinks towards n - p
    one = rubin_pool([1.0, 1.2, 0.8], [0.04, 0.05, 0.06], df_complete=20, df_method="rubin")
    assert one.df == pytest.approx(2 / one.lambda_**2, rel=1e-12)
    assert one.df_complete == 20


def test_reiter_df_stays_valid_when_k_times_m_minus_1_is_below_4(sets):
    # mitml returns a negative df (m = 2) or NaN (m = 3) here; the fallback is finite, positive
    # and never above the complete-data limit.
    for m in (2, 3, 4):
        full, null = fit_ols(sets[:m], SMALL), fit_ols(sets[:m], NULL)
        test = d1(full, null)
        nu = full[0].df_resid
        assert 0 < test.df2 <= nu * (nu + 1) / (nu + 3) * (1 + 1e-12)  # up to rounding
        assert 0 <= test.p_value <= 1


def test_inputs_are_not_modified(fits, fits_null, sets):
    before = [f.params.copy() for f in fits], [s.copy() for s in sets]
    for method in ("D1", "D2", "D3"):
        pool_compare(fits, fits_null, method=method)
    pool_r_squared(fits)
    pool(fits, df_method="rubin")
    assert all(f.params.equals(b) for f, b in zip(fits, before[0], strict=True))
    assert all(s.equals(b) for s, b in zip(sets, before[1], strict=True))


def test_mira_like_object_is_accepted(fits):
    class Mira:
        analyses = fits

    pd.testing.assert_frame_equal(pool(Mira()), pool(fits))
    assert pool_compare(Mira()).statistic == pool_compare(fits).statistic


# --- bad input -----------------------------------------------------------------------------------


def test_pool_refuses_completed_data_sets(sets):
    with pytest.raises(TypeError, match=r"`fits\[0\]` is a DataFrame.*fit_ols"):
        pool(sets)
    with pytest.raises(TypeError, match="`fits` is a DataFrame.*fit_ols"):
        pool(sets[0])

    class Mids:
        def complete(self, i):
            return sets[i]

    with pytest.raises(TypeError, match="`fits` is an imputation result.*fit_ols"):
        pool(Mids())
    with pytest.raises(TypeError, match="`fits` is a DataFrame"):
        pool_r_squared(sets[0])
    with pytest.raises(TypeError, match=r"`fits_null\[0\]` is a DataFrame"):
        pool_compare(fit_ols(sets, FULL), sets)


def test_bad_arguments_are_named(fits, fits_null, sets):
    with pytest.raises(ValueError, match="`df_method` must be one of"):
        pool(fits, df_method="reiter")
    with pytest.raises(ValueError, match="`df_method` must be one of"):
        rubin_pool([1.0, 2.0], [0.1, 0.1], df_method="Rubin")
    with pytest.raises(ValueError, match="`dfcom` must be positive"):
        pool(fits, dfcom=0)
    with pytest.raises(ValueError, match="`dfcom` must be positive"):
        d1(fits, fits_null, dfcom=-1.0)
    with pytest.raises(TypeError, match="`dfcom` must be a positive number"):
        d1(fits, fits_null, dfcom="21")
    with pytest.raises(ValueError, match="`fits` needs at least 2 fits"):
        pool(fits[:1])
    with pytest.raises(ValueError, match="`fits` needs at least 2 fits"):
        pool_compare(fits[:1], fits_null[:1])
    with pytest.raises(ValueError, match="`fits` needs at least 2 fits"):
        pool_r_squared(fits[:1])
    with pytest.raises(ValueError, match="`method` must be one of"):
        pool_compare(fits, method="D4")
    with pytest.raises(ValueError, match="`use` must be"):
        pool_compare(fits, method="D2", use="lik")
    with pytest.raises(ValueError, match="`loglik` must be"):
        pool_compare(fits, method="D3", loglik="mitml")
    with pytest.raises(TypeError, match="`adjusted` must be True or False"):
        pool_r_squared(fits, adjusted="yes")


def test_models_must_be_nested_and_fitted_to_the_same_sets(fits, fits_null, sets):
    with pytest.raises(
        ValueError, match=r"not nested: `fits_null` has coefficient\(s\) \['I\(bmi \*\* 2\)'\]"
    ):
        d1(fits, fit_ols(sets, "chl ~ age + I(bmi**2)"))
    with pytest.raises(ValueError, match="nothing to test"):
        d1(fits, fits)
    with pytest.raises(ValueError, match="`fits` has 5 fits and `fits_null` 4"):
        d1(fits, fits_null[:4])
    with pytest.raises(ValueError, match=r"`fits_null\[0\]` was not fitted to the same data"):
        d1(fits, fits_null[::-1])
    with pytest.raises(ValueError, match=r"`fits\[1\]` has coefficients"):
        d1([fits[0], fit_ols(sets[1:2], SMALL)[0]], fits_null[:2])


def test_coefficients_must_have_names_to_be_matched(sets):
    import statsmodels.api as sm

    def fit(data, columns):
        return sm.OLS(data["chl"].to_numpy(), sm.add_constant(data[columns].to_numpy())).fit()

    full = [fit(s, ["age", "bmi"]) for s in sets]
    null = [fit(s, ["age"]) for s in sets]
    with pytest.raises(TypeError, match="unnamed coefficients"):
        d1(full, null)
    # without a null model nothing needs matching: all slopes against the constant
    assert d1(full).tested == ("1", "2")


def test_d3_needs_ols_fits(sets, fits, fits_null):
    import statsmodels.formula.api as smf

    wls = [smf.wls(FULL, s, weights=np.ones(len(s))).fit() for s in sets]
    wls_null = [smf.wls(NULL, s, weights=np.ones(len(s))).fit() for s in sets]
    with pytest.raises(TypeError, match=r"`fits\[0\]` is not a statsmodels OLS fit"):
        d3(wls, wls_null)
    # D1 works with any fit that has params and cov_params(): here the same numbers as OLS
    assert d1(wls, wls_null).statistic == pytest.approx(d1(fits, fits_null).statistic, rel=1e-10)


def test_pooled_test_reads_well(fits, fits_null):
    text = str(d1(fits, fits_null))
    assert text.startswith("D1 test of bmi, hyp (m = 5): F = ")
    assert "on 2 and" in text and "p = " in text
    assert "PooledTest(method='D1'" in repr(d1(fits, fits_null))
    assert str(pool_r_squared(fits)).startswith("pooled R^2 = ")


BAD_NUMBERS = {
    "pool(dfcom)": ("dfcom", [float("nan"), True, "21", 0.0, -1.0], lambda f, v: pool(f, dfcom=v)),
    "d1(dfcom)": ("dfcom", [float("nan"), True, "21", 0.0, -1.0], lambda f, v: d1(f, dfcom=v)),
    "pool(level)": ("level", [float("nan"), True, "0.9", 0.0, 1.0], lambda f, v: pool(f, level=v)),
    "pool_r_squared(level)": (
        "level",
        [float("nan"), float("inf"), True, "0.9", 0.0, 1.0, -0.1],
        lambda f, v: pool_r_squared(f, level=v),
    ),
}


@pytest.mark.parametrize(
    ("name", "value"), [(n, v) for n, (_, values, _) in BAD_NUMBERS.items() for v in values]
)
def test_numeric_arguments_are_checked(fits, name, value):
    argument, _, call = BAD_NUMBERS[name]
    with pytest.raises((ValueError, TypeError), match=f"`{argument}`"):
        call(fits, value)
    call(fits, {"dfcom": 21.0, "level": 0.9}[argument])  # the same call with a good value runs
