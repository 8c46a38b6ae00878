"""Tests for companion.missing.pool: Rubin's rules and the Barnard-Rubin degrees of freedom.

Every expected value is computed here from the published formulas (Rubin 1987;
Barnard and Rubin 1999; mice's pool.scalar), independently of the module's code
path, so the assertions are exact up to floating-point rounding.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from book.studies.multiple_imputation import pooled_by_m
from companion import fit_ols, imputations_needed, pool, rubin_pool
from companion.missing import PooledEstimate, pool_estimates
from companion.missing.pool import barnard_rubin_df

ESTIMATES = [2.0, 2.6, 1.8, 2.4]
VARIANCES = [0.25, 0.30, 0.20, 0.29]


def test_worked_example_by_hand():
    # m = 4; Qbar = 8.8 / 4 = 2.2; Ubar = 1.04 / 4 = 0.26;
    # squared deviations 0.04, 0.16, 0.16, 0.04 -> B = 0.40 / 3;
    # T = 0.26 + 1.25 * 0.4 / 3 = 0.26 + 1/6; r = (1/6) / 0.26; lambda = (1/6) / T.
    m, qbar, ubar, b = 4, 2.2, 0.26, 0.4 / 3
    total = ubar + (1 + 1 / m) * b
    riv = (1 + 1 / m) * b / ubar
    lam = (1 + 1 / m) * b / total
    nu_com = 30.0
    nu_old = (m - 1) / lam**2
    nu_obs = (nu_com + 1) / (nu_com + 3) * nu_com * (1 - lam)
    nu = nu_old * nu_obs / (nu_old + nu_obs)
    fmi = (riv + 2 / (nu + 3)) / (riv + 1)

    pooled = rubin_pool(ESTIMATES, VARIANCES, df_complete=nu_com)
    assert isinstance(pooled, PooledEstimate)
    assert pooled.m == m
    assert pooled.estimate == pytest.approx(qbar, rel=1e-12)
    assert pooled.within == pytest.approx(ubar, rel=1e-12)
    assert pooled.between == pytest.approx(b, rel=1e-12)
    assert pooled.total == pytest.approx(0.26 + 1 / 6, rel=1e-12)
    assert pooled.total == pytest.approx(total, rel=1e-12)
    assert pooled.riv == pytest.approx(riv, rel=1e-12)
    assert pooled.lambda_ == pytest.approx(lam, rel=1e-12)
    assert pooled.df == pytest.approx(nu, rel=1e-12)
    assert pooled.fmi == pytest.approx(fmi, rel=1e-12)
    assert pooled.std_error == pytest.approx(math.sqrt(total), rel=1e-12)
    assert pooled.df_complete == nu_com

    # Interval and test against the t distribution with nu degrees of freedom.
    lo, hi = pooled.conf_int(0.9)
    half = stats.t.ppf(0.95, nu) * math.sqrt(total)
    assert lo == pytest.approx(qbar - half, rel=1e-12)
    assert hi == pytest.approx(qbar + half, rel=1e-12)
    assert pooled.t_statistic == pytest.approx(qbar / math.sqrt(total), rel=1e-12)
    assert pooled.p_value == pytest.approx(2 * stats.t.sf(qbar / math.sqrt(total), nu), rel=1e-10)


def test_classic_df_without_complete_data_df():
    for df_complete in (None, math.inf):
        pooled = rubin_pool(ESTIMATES, VARIANCES, df_complete=df_complete)
        assert pooled.df == pytest.approx((pooled.m - 1) / pooled.lambda_**2, rel=1e-12)
        assert pooled.df_complete == math.inf
        # With nu = (m-1)/lambda^2, fmi is Rubin's (r + 2/(nu+3))/(r+1).
        expected = (pooled.riv + 2 / (pooled.df + 3)) / (pooled.riv + 1)
        assert pooled.fmi == pytest.approx(expected, rel=1e-12)


def test_df_tends_to_classic_as_complete_df_grows():
    classic = rubin_pool(ESTIMATES, VARIANCES).df
    gaps = [classic - rubin_pool(ESTIMATES, VARIANCES, df_complete=k).df for k in (1e2, 1e4, 1e8)]
    assert all(gap > 0 for gap in gaps)
    assert gaps[0] > gaps[1] > gaps[2]
    # nu = nu_old * nu_obs / (nu_old + nu_obs) = nu_old / (1 + nu_old / nu_obs): relative gap
    # ~ nu_old / nu_com, about 1e-7 at nu_com = 1e8 here (nu_old ~ 12).
    assert gaps[2] / classic < 1e-6


def test_identical_estimates_give_lambda_zero_limit():
    # lambda = 0: nu_old is infinite, so nu = nu_obs = nu_com (nu_com + 1) / (nu_com + 3),
    # the published Barnard-Rubin formula, slightly BELOW nu_com (not equal to it).
    pooled = rubin_pool([1.5, 1.5, 1.5], [0.1, 0.2, 0.3], df_complete=20)
    assert pooled.between == 0.0
    assert pooled.lambda_ == 0.0
    assert pooled.riv == 0.0
    assert pooled.total == pytest.approx(0.2, rel=1e-12)
    assert pooled.df == pytest.approx(20 * 21 / 23, rel=1e-12)
    assert pooled.df < 20
    assert pooled.fmi == pytest.approx(2 / (20 * 21 / 23 + 3), rel=1e-12)
    # Continuity: the limit agrees with the formula at a tiny lambda (mice uses 1e-4);
    # nu_obs carries the factor (1 - lambda), so the relative gap is about lambda.
    assert barnard_rubin_df(1e-9, 3, 20.0) == pytest.approx(pooled.df, rel=1e-8)
    # Without a complete-data df the limit is infinite and the interval is normal.
    large = rubin_pool([1.5, 1.5, 1.5], [0.1, 0.2, 0.3])
    assert large.df == math.inf
    assert large.fmi == 0.0
    lo, hi = large.conf_int(0.95)
    assert hi - 1.5 == pytest.approx(stats.norm.ppf(0.975) * math.sqrt(0.2), rel=1e-12)
    assert lo == pytest.approx(3.0 - hi, rel=1e-12)


def test_identities_and_df_bound_on_random_inputs():
    rng = np.random.default_rng(20240501)
    for _ in range(300):
        m = int(rng.integers(2, 60))
        nu_com = float(rng.choice([1.0, 3.0, 10.0, 100.0, 1e4]) * rng.uniform(0.5, 2))
        estimates = rng.normal(0, rng.uniform(0.01, 5), size=m)
        variances = rng.uniform(0, rng.uniform(0.01, 5), size=m)
        p = rubin_pool(estimates, variances, df_complete=nu_com)
        assert p.total == pytest.approx(p.within + (1 + 1 / m) * p.between, rel=1e-12)
        assert p.riv == pytest.approx(p.lambda_ / (1 - p.lambda_), rel=1e-9)
        assert p.lambda_ == pytest.approx(p.riv / (1 + p.riv), rel=1e-12)
        assert 0 <= p.lambda_ < 1
        assert 0 < p.df < nu_com  # Barnard-Rubin never exceeds the complete-data df
        assert p.df <= (m - 1) / p.lambda_**2  # nor Rubin's large-sample df
        assert p.fmi == pytest.approx((p.riv + 2 / (p.df + 3)) / (p.riv + 1), rel=1e-12)
        assert p.between == pytest.approx(np.var(estimates, ddof=1), rel=1e-12)


@pytest.mark.parametrize(
    ("estimates", "variances", "df_complete", "message"),
    [
        ([1.0], [0.1], None, "m >= 2"),
        ([1.0, 2.0], [0.1, -0.1], None, "non-negative"),
        ([1.0, 2.0], [0.1, np.nan], None, "NaN"),
        ([1.0, np.nan], [0.1, 0.1], None, "NaN"),
        ([1.0, 2.0, 3.0], [0.1, 0.1], None, "lengths differ"),
        ([1.0, 2.0], [0.1], None, "lengths differ"),
        ([1.0, 2.0], [0.0, 0.0], None, "positive mean"),
        ([1.0, 2.0], [0.1, 0.1], 0, "df_complete"),
        ([1.0, 2.0], [0.1, 0.1], -3.0, "df_complete"),
        ([1.0, 2.0], [0.1, 0.1], np.nan, "df_complete"),
    ],
)
def test_invalid_input_raises(estimates, variances, df_complete, message):
    with pytest.raises(ValueError, match=message):
        rubin_pool(estimates, variances, df_complete=df_complete)


def test_invalid_level_and_types():
    pooled = rubin_pool(ESTIMATES, VARIANCES)
    with pytest.raises(ValueError, match="level"):
        pooled.conf_int(1.0)
    with pytest.raises(TypeError, match="df_complete"):
        rubin_pool(ESTIMATES, VARIANCES, df_complete="10")


def _datasets(m: int = 4, n: int = 30) -> list[pd.DataFrame]:
    rng = np.random.default_rng(7)
    x = rng.normal(size=n)
    sets = []
    for _ in range(m):
        y = 1.0 + 2.0 * x + rng.normal(size=n)
        sets.append(pd.DataFrame({"x": x, "y": y}))
    return sets


def test_pool_matches_rubin_pool_per_coefficient():
    sets = _datasets()
    fits = fit_ols(sets, "y ~ x")
    table = pool(fits, level=0.9)
    assert table.index.tolist() == ["Intercept", "x"]
    for name in table.index:
        scalar = rubin_pool(
            [f.params[name] for f in fits], [f.bse[name] ** 2 for f in fits], df_complete=28
        )
        row = table.loc[name]
        assert row["estimate"] == pytest.approx(scalar.estimate, rel=1e-12)
        assert row["within"] == pytest.approx(scalar.within, rel=1e-12)
        assert row["between"] == pytest.approx(scalar.between, rel=1e-12)
        assert row["total"] == pytest.approx(scalar.total, rel=1e-12)
        assert row["std_error"] == pytest.approx(scalar.std_error, rel=1e-12)
        assert row["riv"] == pytest.approx(scalar.riv, rel=1e-12)
        assert row["lambda"] == pytest.approx(scalar.lambda_, rel=1e-12)
        assert row["fmi"] == pytest.approx(scalar.fmi, rel=1e-12)
        assert row["df"] == pytest.approx(scalar.df, rel=1e-12)
        lo, hi = scalar.conf_int(0.9)
        assert (row["ci_lower"], row["ci_upper"]) == pytest.approx((lo, hi), rel=1e-12)
        assert row["p_value"] == pytest.approx(scalar.p_value, rel=1e-12)


def test_pool_of_identical_fits_reduces_to_single_fit():
    one = _datasets(m=1)[0]
    fits = fit_ols([one, one.copy(), one.copy()], "y ~ x")
    table = pool(fits)
    assert np.allclose(table["std_error"], fits[0].bse, rtol=1e-12)
    assert np.allclose(table["between"], 0.0)
    # df = nu_com (nu_com + 1) / (nu_com + 3) with nu_com = n - 2 = 28.
    assert np.allclose(table["df"], 28 * 29 / 31, rtol=1e-12)


def test_pool_estimates_accepts_dicts():
    table = pool_estimates({"a": ESTIMATES}, {"a": VARIANCES}, df_complete=30)
    pooled = rubin_pool(ESTIMATES, VARIANCES, df_complete=30)
    assert table.loc["a", "df"] == pytest.approx(pooled.df, rel=1e-12)
    with pytest.raises(ValueError, match="same columns"):
        pool_estimates({"a": ESTIMATES}, {"b": VARIANCES})


def test_pool_and_fit_ols_validation():
    sets = _datasets()
    fits = fit_ols(sets, "y ~ x")
    with pytest.raises(ValueError, match="at least 2"):
        pool(fits[:1])
    with pytest.raises(ValueError, match="same model"):
        pool([fits[0], fit_ols(sets[:1], "y ~ x + I(x**2)")[0]])
    with pytest.raises(TypeError, match="fits\\[0\\]"):
        pool([1.0, 2.0])
    broken = sets[0].copy()
    broken.loc[3, "x"] = np.nan
    with pytest.raises(ValueError, match="datasets\\[1\\]"):
        fit_ols([sets[0], broken], "y ~ x")
    with pytest.raises(ValueError, match="formula"):
        fit_ols(sets, "y")
    with pytest.raises(TypeError, match="datasets"):
        fit_ols(sets[0], "y ~ x")


def test_imputations_needed_rules():
    # efficiency: (1 + g/m)^-1 >= 0.99 <=> m >= 99 g; White: m >= 100 g;
    # von Hippel: m = 1 + (g / cv)^2 / 2.
    rules = imputations_needed(0.5, cv=0.05)
    assert rules == {"efficiency": math.ceil(49.5), "white": 50, "von_hippel": 51}
    assert imputations_needed(0.001)["von_hippel"] == 2  # never fewer than 2
    with pytest.raises(ValueError, match="fmi"):
        imputations_needed(1.2)


def test_pooled_by_m_matches_theory():
    # With i.i.d. normal estimates of variance B = 1, the sd of the mean of m of them
    # (drawn without replacement from M = 2000) is sqrt(B/m) * sqrt(1 - (m-1)/(M-1));
    # with 400 repeats its relative Monte Carlo error is about 1/sqrt(2*399) = 3.5%,
    # so a 15% tolerance is > 4 MC standard errors.
    rng = np.random.default_rng(3)
    estimates = rng.normal(size=2000)
    table = pooled_by_m(estimates, np.ones(2000), [2, 10, 50], n_repeats=400, seed=4)
    fpc = np.sqrt(1 - (table["m"] - 1) / 1999)
    assert np.allclose(table["mc_sd_estimate"], table["theory_sd_estimate"] * fpc, rtol=0.15)
    assert table["mc_sd_std_error"].is_monotonic_decreasing
    with pytest.raises(ValueError, match="m_values"):
        pooled_by_m(estimates[:5], np.ones(5), [6])
