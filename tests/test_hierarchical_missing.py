"""Tests of companion.hierarchical.covariate: hierarchical models with missing data.

Two PyMC models are sampled (module-scoped fixtures): one with missing
scores and a known sigma, whose posterior of theta is known exactly, and one
with a missing school covariate on a simulated data set with 40 schools.
"""

from __future__ import annotations

import arviz as az
import numpy as np
import pandas as pd
import pytest
import xarray as xr
from scipy import stats
from scipy.stats import rankdata

from companion import (
    ampute,
    hierarchical_covariate_model,
    hierarchical_model,
    normal_normal_posterior,
    sample,
    shrinkage_factors,
    simulate_schools,
)
from companion.datasets import simulate_schools_with_covariate
from companion.hierarchical import (
    ampute_groups,
    group_covariate,
    group_ranks,
    group_summaries,
    group_summary,
    posterior_shrinkage,
    rank_summary,
)

SIGMA = 12.0
MU_PRIOR = (75.0, 20.0)
TAU_PRIOR = ("half-normal", 10.0)


# --- Fixtures --------------------------------------------------------------------


@pytest.fixture(scope="module")
def missing_scores():
    """Eight schools of Part I with scores missing at rates that differ by school (MAR)."""
    # 15 to 25 students per school, so that every school keeps observed scores.
    data = simulate_schools((20, 15, 25, 18, 22, 16, 19, 21), seed=11)
    rng = np.random.default_rng(12)
    # Missingness depends on the school only: rates from 0% to 70%.
    rates = np.linspace(0.0, 0.7, 8)[data["school"].cat.codes.to_numpy()]
    out = data.copy()
    out.loc[rng.random(len(out)) < rates, "score"] = np.nan
    return data, out


@pytest.fixture(scope="module")
def exact_fit(missing_scores):
    """Imputing model with known sigma, and the exact posterior of the observed summaries."""
    _, incomplete = missing_scores
    model = hierarchical_covariate_model(
        incomplete, covariate=None, known_sigma=SIGMA, mu_prior=MU_PRIOR, tau_prior=TAU_PRIOR
    )
    fit = sample(model, draws=1500, tune=1000, chains=4, seed=3, log_likelihood=False)
    summary = group_summaries(incomplete, sigma=SIGMA)
    exact = normal_normal_posterior(
        summary["mean"], summary["se"], mu_prior=MU_PRIOR, tau_prior=TAU_PRIOR
    )
    return fit, exact, summary


@pytest.fixture(scope="module")
def covariate_case():
    """40 schools of 25, w missing for about 30% of schools, 20% of scores missing (MCAR)."""
    data, truth = simulate_schools_with_covariate(
        [25] * 40, beta=5.0, tau=4.0, sigma=12.0, seed=7, return_truth=True
    )
    incomplete = ampute_groups(data, "w", prop=0.3, seed=8)
    incomplete = ampute(incomplete, ["score"], prop=0.2, seed=9)
    fit = sample(
        hierarchical_covariate_model(incomplete), draws=1000, tune=1000, chains=4, seed=10,
        log_likelihood=False,
    )  # fmt: skip
    return incomplete, truth, fit


# --- Simulation and school tables --------------------------------------------------


def test_simulation_is_seeded_and_consistent():
    data, truth = simulate_schools_with_covariate(seed=5, return_truth=True)
    again = simulate_schools_with_covariate(seed=5)
    pd.testing.assert_frame_equal(data, again)
    assert list(truth.columns) == ["n", "w", "theta"]
    # The covariate is constant within a school and equals the true w_j.
    np.testing.assert_allclose(group_covariate(data).to_numpy(), truth["w"].to_numpy())
    sizes = data.groupby("school", observed=True).size()
    np.testing.assert_array_equal(sizes.to_numpy(), truth["n"].to_numpy())


def test_school_summaries_match_groupby():
    df = pd.DataFrame({
        "school": ["b", "a", "b", "a", "b", "c"],
        "score": [1.0, np.nan, 3.0, 4.0, np.nan, np.nan],
    })  # fmt: skip
    table = group_summaries(df, sigma=2.0)
    assert list(table.index) == ["b", "a", "c"]  # order of appearance
    assert table["n"].tolist() == [3, 2, 1]
    assert table["n_observed"].tolist() == [2, 1, 0]
    np.testing.assert_allclose(table["missing"], [1 / 3, 1 / 2, 1.0])
    np.testing.assert_allclose(table["mean"].to_numpy()[:2], [2.0, 4.0])
    assert np.isnan(table["mean"].iloc[2])
    np.testing.assert_allclose(table["se"].to_numpy()[:2], [2 / np.sqrt(2), 2.0])
    assert np.isinf(table["se"].iloc[2])


def test_ampute_groups_removes_whole_schools():
    data = simulate_schools_with_covariate([10] * 200, seed=1)
    before = data.copy()
    out = ampute_groups(data, "w", prop=0.3, seed=2)
    pd.testing.assert_frame_equal(data, before)  # input untouched
    pd.testing.assert_series_equal(out["score"], data["score"])
    gone = out["w"].isna().groupby(out["school"], observed=True).agg(["all", "any"])
    assert (gone["all"] == gone["any"]).all()  # a school loses all its w or none
    # 200 schools, expected share 0.3: binomial sd sqrt(.3 * .7 / 200) = 0.032; 4 sd = 0.13.
    assert abs(gone["all"].mean() - 0.3) < 0.13
    kept = out["w"].notna()
    np.testing.assert_array_equal(out.loc[kept, "w"], data.loc[kept, "w"])


def test_school_covariate_rejects_varying_values():
    df = pd.DataFrame({"school": ["a", "a", "b"], "w": [1.0, 2.0, 3.0], "score": [1.0] * 3})
    with pytest.raises(ValueError, match="varies within group"):
        group_covariate(df)


# --- The model -------------------------------------------------------------------


def test_without_covariate_it_is_the_part_one_model():
    # Same variables and the same log density as companion.hierarchical_model.
    data = simulate_schools(seed=2)
    priors = {"mu_prior": MU_PRIOR, "tau_prior": TAU_PRIOR, "sigma_prior": ("half-normal", 20.0)}
    ours = hierarchical_covariate_model(data, covariate=None, **priors)
    theirs = hierarchical_model(data, **priors)
    assert sorted(v.name for v in ours.free_RVs) == sorted(v.name for v in theirs.free_RVs)
    point = {"mu": 71.0, "tau_log__": np.log(6.0), "sigma_log__": np.log(11.0),
             "z": np.linspace(-1.5, 1.5, 8)}  # fmt: skip
    np.testing.assert_allclose(ours.compile_logp()(point), theirs.compile_logp()(point),
                               rtol=1e-10)  # fmt: skip


def test_model_structure_with_missing_values(missing_scores):
    _, incomplete = missing_scores
    model = hierarchical_covariate_model(incomplete, covariate=None, selection=True)
    names = {v.name for v in model.free_RVs}
    assert {"score_unobserved", "gamma0", "gamma1"} <= names
    missing_rows = incomplete.index[incomplete["score"].isna()]
    assert list(model.coords["score_missing"]) == list(missing_rows)
    assert model.named_vars_to_dims["theta"] == ("school",)


def test_selection_term_is_the_bernoulli_likelihood_of_responding():
    # logit Pr(R = 1 | y) = gamma0 + gamma1 (y - m)/s, R = 1 where observed (the
    # convention of selection_model): the potential must equal the Bernoulli
    # log-likelihood of the response indicators written out independently.
    from scipy.special import expit

    data = _toy().drop(columns="w")
    model = hierarchical_covariate_model(data, covariate=None, selection=True)
    observed = data["score"].notna().to_numpy()
    y = data["score"].to_numpy().copy()
    y[~observed] = 64.0  # the value of the one missing score at this point
    m, s = data["score"].mean(), data["score"].std()
    g0, g1 = 0.3, 0.7
    p_respond = expit(g0 + g1 * (y - m) / s)
    expected = np.sum(np.where(observed, np.log(p_respond), np.log1p(-p_respond)))
    # The selection model adds the priors of gamma0 ~ N(0, 2^2), gamma1 ~ N(0, 2^2)
    # and the potential to the same model without it.
    without = hierarchical_covariate_model(data, covariate=None)
    point = {"mu": 73.0, "tau_log__": np.log(4.0), "z": np.array([0.5, -1.0, 0.2]),
             "sigma_log__": np.log(9.0), "score_unobserved": np.array([64.0])}  # fmt: skip
    with_selection = model.compile_logp()({**point, "gamma0": g0, "gamma1": g1})
    priors = stats.norm.logpdf([g0, g1], 0.0, 2.0).sum()
    got = with_selection - without.compile_logp()(point) - priors
    # Two log densities of size ~50 are subtracted: rounding leaves ~1e-9.
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-7)


def test_imputing_scores_equals_exact_posterior_of_observed(exact_fit):
    # Under MAR given school, imputing the missing scores must give the posterior
    # of theta from the observed scores alone, which with known sigma is the exact
    # normal-normal posterior of the observed school means. MCMC means must agree
    # within 4 Monte Carlo standard errors (|z| > 4 has probability 6e-5 per school).
    fit, exact, _ = exact_fit
    est = group_summary(fit)
    z = (est["mean"].to_numpy() - exact.theta_mean) / est["mcse"].to_numpy()
    assert np.all(np.abs(z) < 4), z
    # Posterior sds agree too: with ESS > 1000 the relative error of an sd is < 3%,
    # 10% leaves room for the 8 schools and the sd of the sd estimate.
    np.testing.assert_allclose(est["sd"].to_numpy(), exact.theta_sd, rtol=0.1)


def test_imputed_scores_are_centred_on_theta(exact_fit, missing_scores):
    # E(y_mis | y_obs) = E(theta_j | y_obs): the average imputed score of each school
    # must match the exact theta mean within 4 of its own Monte Carlo errors.
    fit, exact, summary = exact_fit
    _, incomplete = missing_scores
    imputed = fit.posterior["score_unobserved"]
    labels = incomplete.loc[imputed["score_missing"].to_numpy(), "school"].to_numpy()
    checked = 0
    for j, school in enumerate(summary.index):
        mask = labels == school
        if not mask.any():
            continue
        average = imputed.isel(score_missing=np.flatnonzero(mask)).mean("score_missing")
        mcse = float(az.mcse(average.to_dataset(name="a"), method="mean")["a"])
        assert abs(float(average.mean()) - exact.theta_mean[j]) < 4 * mcse
        checked += 1
    assert checked == int((summary["n_observed"] < summary["n"]).sum()) >= 6


def test_covariate_model_recovers_beta_and_imputes_w(covariate_case):
    incomplete, truth, fit = covariate_case
    post = fit.posterior
    assert int(fit.sample_stats["diverging"].sum()) == 0
    # beta: the truth must lie within 3 posterior sds (a calibrated posterior
    # misses by more with probability 0.003; MCSE is < 5% of the sd).
    beta = post["beta"].to_numpy()
    assert abs(beta.mean() - 5.0) < 3 * beta.std()
    # The data identify beta: its posterior sd is well below the prior sd of 'auto'.
    assert beta.std() < 2.5
    imputed = post["w_unobserved"]
    labels = list(imputed["w_missing"].to_numpy())
    assert labels == list(group_covariate(incomplete).index[group_covariate(incomplete).isna()])
    mean = imputed.mean(("chain", "draw")).to_numpy()
    sd = imputed.std(("chain", "draw")).to_numpy()
    z = (mean - truth.loc[labels, "w"].to_numpy()) / sd
    # About 12 imputed schools: P(any |z| > 3.5) is about 12 * 4.7e-4 = 0.6%.
    assert np.all(np.abs(z) < 3.5), z
    # The scores inform w_j. With n = 20 observed scores, sigma = 12, gamma = 5 and
    # tau = 4, the posterior sd of w_j is about sigma_w / sqrt(1 + 25 / 23.2) = 0.69
    # sigma_w given the parameters (more once their uncertainty is added); the
    # covariate model alone would give sigma_w.
    assert sd.mean() < float(post["sigma_w"].mean())
    # ... so the imputed means track the truth: with 1 - 0.69^2 = 52% of the variance
    # of w_j explained the expected correlation is about 0.7; for 14 schools its sd
    # is about 0.15, so a correlation below 0.2 would mean the imputation is broken.
    true_w = truth.loc[labels, "w"].to_numpy()
    assert np.corrcoef(mean, true_w)[0, 1] > 0.2


# --- Shrinkage and ranks -----------------------------------------------------------


def test_posterior_shrinkage_is_average_of_shrinkage_factors(covariate_case):
    incomplete, _, fit = covariate_case
    n = group_summaries(incomplete)["n_observed"]
    result = posterior_shrinkage(fit, n)
    tau = fit.posterior["tau"].to_numpy().ravel()
    sigma = fit.posterior["sigma"].to_numpy().ravel()
    pairs = zip(sigma, tau, strict=True)
    direct = np.mean([shrinkage_factors(s, t, n=n.to_numpy()) for s, t in pairs], axis=0)
    np.testing.assert_allclose(result.to_numpy(), direct, rtol=1e-12)
    assert list(result.index) == list(n.index)
    # Known sigma: a constant sigma gives the same as shrinkage_factors at that value.
    fixed = posterior_shrinkage(fit, n, sigma=12.0)
    direct_fixed = np.mean([shrinkage_factors(12.0, t, n=n.to_numpy()) for t in tau], 0)
    np.testing.assert_allclose(fixed.to_numpy(), direct_fixed, rtol=1e-12)


def test_school_ranks_match_direct_count():
    rng = np.random.default_rng(4)
    draws = rng.normal(np.arange(6.0), 2.0, size=(500, 6))
    table = group_ranks(draws)
    np.testing.assert_allclose(table.sum(axis=1), 1.0)
    np.testing.assert_allclose(table.sum(axis=0), 1.0)
    ranks = rankdata(-draws, axis=1).astype(int)  # no ties in continuous draws
    for j in range(6):
        for k in range(1, 7):
            assert table.iloc[j, k - 1] == np.mean(ranks[:, j] == k)
    np.testing.assert_allclose(table[1].to_numpy(),
                               np.bincount(draws.argmax(axis=1), minlength=6) / 500)  # fmt: skip
    # Ascending ranks are the descending ones read backwards.
    ascending = group_ranks(draws, descending=False)
    np.testing.assert_allclose(ascending.to_numpy(), table.to_numpy()[:, ::-1])
    summary = rank_summary(draws, truth=pd.Series(np.arange(6.0)))
    np.testing.assert_allclose(summary["mean_rank"], table.to_numpy() @ np.arange(1, 7))
    np.testing.assert_allclose(summary["p_best"], table[1])
    assert summary["true_rank"].tolist() == [6, 5, 4, 3, 2, 1]
    assert (summary["rank_lower"] <= summary["mean_rank"]).all()
    assert (summary["mean_rank"] <= summary["rank_upper"]).all()


def test_school_ranks_of_a_fit_use_labels_and_all_draws(exact_fit):
    fit, _, summary = exact_fit
    table = group_ranks(fit)
    assert list(table.index) == list(summary.index)
    theta = fit.posterior["theta"].stack(sample=("chain", "draw")).transpose("sample", ...)
    direct = group_ranks(pd.DataFrame(theta.to_numpy(), columns=summary.index))
    pd.testing.assert_frame_equal(table, direct, check_names=False)
    da = group_ranks(fit.posterior["theta"])
    np.testing.assert_allclose(da.to_numpy(), table.to_numpy())


# --- Bad input -------------------------------------------------------------------


def _toy():
    return pd.DataFrame({"school": ["a", "a", "b", "b", "c"], "w": [1.0, 1.0, np.nan, np.nan, 2.0],
                         "score": [70.0, 72.0, np.nan, 80.0, 75.0]})  # fmt: skip


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"outcome": "grade"}, "`outcome`='grade' is not a column"),
        ({"covariate": "ses"}, "`covariate`='ses' is not a column"),
        ({"group": "class"}, "`group`='class' is not a column"),
        ({"covariate": "score"}, "must differ"),
        ({"known_sigma": -1.0}, "`known_sigma` must be positive"),
        ({"tau_prior": "flat"}, "`tau_prior` must be"),
        ({"selection_prior": (0.0, 0.0)}, "must be positive"),
    ],
)
def test_model_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        hierarchical_covariate_model(_toy(), **kwargs)


def test_model_rejects_bad_data():
    with pytest.raises(TypeError, match="`data` must be a pandas DataFrame"):
        hierarchical_covariate_model(_toy().to_numpy())
    nan_group = _toy().astype({"school": object})
    nan_group.loc[0, "school"] = None
    with pytest.raises(ValueError, match="`group` column 'school' has missing labels"):
        hierarchical_covariate_model(nan_group)
    all_missing = _toy().assign(w=np.nan)
    with pytest.raises(ValueError, match="missing for every group"):
        hierarchical_covariate_model(all_missing)
    with pytest.raises(ValueError, match="at least two"):
        hierarchical_covariate_model(_toy().assign(score=[1.0] + [np.nan] * 4))
    with pytest.raises(ValueError, match="needs missing values"):
        hierarchical_covariate_model(_toy().fillna(1.0), selection=True)
    with pytest.raises(ValueError, match="clashes with a model variable"):
        hierarchical_covariate_model(_toy().rename(columns={"score": "tau"}), outcome="tau")
    with pytest.raises(ValueError, match="at least 2 groups"):
        hierarchical_covariate_model(_toy().assign(school="a"), covariate=None)
    with pytest.raises(ValueError, match="must be numeric"):
        hierarchical_covariate_model(_toy().assign(score="x"))


def test_summaries_and_ranks_reject_bad_input():
    with pytest.raises(ValueError, match="`outcome`='grade'"):
        group_summaries(_toy(), outcome="grade")
    with pytest.raises(ValueError, match="must be 2-D"):
        group_ranks(np.zeros(5))
    with pytest.raises(ValueError, match="at least 2 groups"):
        group_ranks(np.zeros((5, 1)))
    with pytest.raises(ValueError, match="contain NaN"):
        group_ranks(np.array([[1.0, np.nan], [0.0, 1.0]]))
    with pytest.raises(TypeError, match="`descending` must be a bool"):
        group_ranks(np.zeros((3, 2)), descending="yes")
    with pytest.raises(ValueError, match="`level` must be in"):
        rank_summary(np.zeros((3, 2)), level=1.5)
    with pytest.raises(ValueError, match="`truth` has no value"):
        rank_summary(pd.DataFrame(np.zeros((3, 2)), columns=["a", "b"]),
                     truth=pd.Series({"a": 1.0}))  # fmt: skip
    bad = xr.DataArray(np.zeros((2, 3, 2, 2)), dims=("chain", "draw", "s", "t"))
    with pytest.raises(ValueError, match="exactly one dimension"):
        group_ranks(bad)
    with pytest.raises(ValueError, match="`column` must differ"):
        ampute_groups(_toy(), "school")


def test_fit_helpers_reject_bad_input(exact_fit):
    fit, _, summary = exact_fit
    with pytest.raises(ValueError, match="`var_name`='beta' is not in the posterior"):
        group_ranks(fit, "beta")
    with pytest.raises(ValueError, match="`var_name`='beta'"):
        group_summary(fit, "beta")
    with pytest.raises(ValueError, match="positive group sizes"):
        posterior_shrinkage(fit, [0, 3])
    with pytest.raises(ValueError, match="pass the known `sigma`"):
        posterior_shrinkage(fit, summary["n_observed"])
    with pytest.raises(TypeError, match="posterior group"):
        posterior_shrinkage(object(), [1, 2])
