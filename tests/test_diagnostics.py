"""Tests of companion.inference.diagnostics and the chapter "Computation" plots.

The statistical test fits both parameterisations of the hierarchical model to
the same summary data and checks each against the exact posterior
(companion.normal_normal_posterior, same priors): the centred and non-centred
forms are one model, so both must reproduce it, to within Monte Carlo error.
"""

import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")

import arviz as az  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

from book.figures.computation import plot_funnel, plot_parameterization_comparison
from book.studies.parameterizations import compare_parameterizations, funnel_draws
from companion import (
    eight_schools,
    hierarchical_model,
    normal_normal_posterior,
    sampler_diagnostics,
    simulate_schools,
)
from companion.inference import compile_model, sample_compiled

#: 15 to 25 students per school: every school is data-rich.
RICH_SIZES = (20, 15, 25, 18, 22, 16, 19, 21)

# Priors shared by the MCMC fits and the exact posterior.
PRIORS = {"mu_prior": (70.0, 20.0), "tau_prior": ("half-cauchy", 5.0)}
# A deviation of more than 5 Monte Carlo standard errors has probability
# below 1e-6 per comparison when the sampler is right, so with ~40
# comparisons a failure means a real disagreement, not bad luck.
MCSE_TOLERANCE = 5.0


@pytest.fixture(scope="module")
def rich_summaries():
    """Group means of the simulated schools with their known standard errors.

    With 15-25 students per school, sigma/sqrt(n_j) is about 2.5-3 against
    tau = 8, so the posterior of tau stays away from zero and both
    parameterisations sample well (the chapter's "data-rich" case).
    """
    scores = simulate_schools(RICH_SIZES, seed=7)
    grouped = scores.groupby("school", observed=True)["score"]
    return pd.DataFrame(
        {"y": grouped.mean(), "sigma": 12.0 / np.sqrt(grouped.size())}
    ).reset_index()


@pytest.fixture(scope="module")
def exact(rich_summaries):
    post = normal_normal_posterior(
        rich_summaries.set_index("school")["y"], rich_summaries["sigma"].to_numpy(), **PRIORS
    )
    return post.summary()


@pytest.fixture(scope="module")
def rich_fits(rich_summaries):
    fits = {}
    for kind in ("centered", "noncentered"):
        model = hierarchical_model(
            rich_summaries, outcome="y", se="sigma", parameterization=kind, **PRIORS
        )
        fits[kind] = sample_compiled(compile_model(model), seed=11)
    return fits


def _mcmc_summary(fit) -> pd.DataFrame:
    """Posterior mean, sd and their MCSEs, rows named as in NormalNormalPosterior.summary."""
    table = az.summary(fit, var_names=["mu", "tau", "theta"], round_to="none")
    return table[["mean", "sd", "mcse_mean", "mcse_sd"]].astype(float)


@pytest.mark.parametrize("kind", ["centered", "noncentered"])
def test_each_parameterization_matches_exact_posterior(rich_fits, exact, kind):
    fit = rich_fits[kind]
    health = sampler_diagnostics(fit, var_names=["mu", "tau", "theta"])
    # MCSEs are only trustworthy for a converged fit.
    assert health["max_rhat"] < 1.01
    assert health["divergences"] <= 0.005 * health["draws"]
    mcmc = _mcmc_summary(fit)
    assert set(mcmc.index) == set(exact.index)
    mcmc = mcmc.loc[exact.index]
    mean_error = (mcmc["mean"] - exact["mean"]).abs()
    sd_error = (mcmc["sd"] - exact["sd"]).abs()
    assert (mean_error <= MCSE_TOLERANCE * mcmc["mcse_mean"]).all(), mean_error / mcmc["mcse_mean"]
    assert (sd_error <= MCSE_TOLERANCE * mcmc["mcse_sd"]).all(), sd_error / mcmc["mcse_sd"]


def test_centered_and_noncentered_agree(rich_fits):
    centred = _mcmc_summary(rich_fits["centered"])
    noncentred = _mcmc_summary(rich_fits["noncentered"]).loc[centred.index]
    # Independent fits: the MCSE of the difference adds in quadrature.
    for stat in ("mean", "sd"):
        mcse = np.hypot(centred[f"mcse_{stat}"], noncentred[f"mcse_{stat}"])
        assert ((centred[stat] - noncentred[stat]).abs() <= MCSE_TOLERANCE * mcse).all()


def test_compare_parameterizations_flags_centered_eight_schools():
    table = compare_parameterizations(
        eight_schools(), outcome="y", se="sigma", seeds=[1, 2], draws=500, tune=500,
        chains=2, mu_prior=(0, 20), tau_prior=("half-cauchy", 5),
        statistics={"tau_mean": lambda fit: fit.posterior["tau"].mean()},
    )  # fmt: skip
    assert len(table) == 4
    assert list(table.columns[:3]) == ["parameterization", "target_accept", "seed"]
    assert table["target_accept"].eq(0.8).all()
    assert {"divergences", "max_rhat", "min_ess_bulk", "ess_per_second", "tau_mean"} <= set(
        table.columns
    )
    assert (table["draws"] == 1000).all()
    assert (table["sampling_time"] > 0).all()
    by_kind = table.groupby("parameterization")
    # The funnel of eight schools: the centred form diverges, the other barely.
    assert by_kind["divergences"].min()["centered"] > 0
    assert (
        by_kind["divergences"].sum()["centered"] > 3 * by_kind["divergences"].sum()["noncentered"]
    )
    assert (
        by_kind["min_ess_bulk"].median()["centered"]
        < by_kind["min_ess_bulk"].median()["noncentered"]
    )


def test_sample_compiled_is_reproducible_and_timed(rich_fits, rich_summaries):
    assert rich_fits["centered"].posterior.attrs["sampling_time"] > 0
    assert dict(rich_fits["noncentered"].posterior.sizes) == {
        "chain": 4, "draw": 1000, "school": 8,
    }  # fmt: skip


# --- constructed fits: exact expectations -------------------------------------


def _fake_fit(diverging: np.ndarray, *, shift: float = 0.0, seed: int = 0, z: bool = False):
    rng = np.random.default_rng(seed)
    chains, draws = diverging.shape
    mu = rng.normal(size=(chains, draws))
    mu[0] += shift  # a chain stuck elsewhere
    posterior = {
        "mu": mu,
        "tau": rng.exponential(size=(chains, draws)),
        "theta": rng.normal(size=(chains, draws, 3)),
    }
    if z:
        posterior["z"] = rng.normal(size=(chains, draws, 3))
    fit = az.from_dict(
        {
            "posterior": posterior,
            "sample_stats": {"diverging": diverging, "n_steps": np.full((chains, draws), 7)},
        },
        dims={"theta": ["school"], "z": ["school"]},
        coords={"school": ["A", "B", "C"]},
    )
    fit.posterior.attrs["sampling_time"] = 2.0
    return fit


def test_sampler_diagnostics_on_constructed_fit():
    diverging = np.zeros((4, 200), dtype=bool)
    diverging[0, [3, 50]] = True
    diverging[2, [7, 8, 9, 199]] = True
    fit = _fake_fit(diverging)
    row = sampler_diagnostics(fit)
    assert row["draws"] == 800
    assert row["divergences"] == 6
    assert np.isnan(row["treedepth_hits"])  # not recorded in this fit
    assert row["gradient_evals"] == 7 * 800
    rhat = az.rhat(fit)
    assert row["max_rhat"] == pytest.approx(max(float(rhat[v].max()) for v in rhat.data_vars))
    ess = az.ess(fit, method="bulk")
    assert row["min_ess_bulk"] == pytest.approx(min(float(ess[v].min()) for v in ess.data_vars))
    tail = az.ess(fit, method="tail")
    assert row["min_ess_tail"] == pytest.approx(min(float(tail[v].min()) for v in tail.data_vars))
    assert row["ess_per_second"] == pytest.approx(row["min_ess_bulk"] / 2.0)
    assert row["ess_per_1k_gradients"] == pytest.approx(1000 * row["min_ess_bulk"] / 5600)
    only_mu = sampler_diagnostics(fit, var_names=["mu"])
    assert only_mu["min_ess_bulk"] == pytest.approx(float(ess["mu"]))


def test_sampler_diagnostics_sees_a_stuck_chain():
    healthy = sampler_diagnostics(_fake_fit(np.zeros((4, 200), bool)))
    stuck = sampler_diagnostics(_fake_fit(np.zeros((4, 200), bool), shift=3.0))
    assert healthy["max_rhat"] < 1.02
    assert stuck["max_rhat"] > 1.1
    assert stuck["min_ess_bulk"] < healthy["min_ess_bulk"] / 5


def test_sampler_diagnostics_validation():
    fit = _fake_fit(np.zeros((2, 50), bool))
    with pytest.raises(TypeError, match="`idata`"):
        sampler_diagnostics({"posterior": None})
    with pytest.raises(ValueError, match="`var_names`"):
        sampler_diagnostics(fit, var_names=["nope"])
    no_stats = az.from_dict({"posterior": {"mu": np.zeros((2, 50))}})
    with pytest.raises(ValueError, match="sample_stats"):
        sampler_diagnostics(no_stats)


def test_funnel_draws():
    diverging = np.zeros((2, 30), dtype=bool)
    diverging[1, 4] = True
    fit = _fake_fit(diverging)
    by_label = funnel_draws(fit, "B")
    by_position = funnel_draws(fit, 1)
    pd.testing.assert_frame_equal(by_label, by_position)
    assert by_label.attrs == {"group": "B", "dim": "school"}
    assert list(by_label.columns) == ["chain", "draw", "log_tau", "theta", "diverging"]
    np.testing.assert_allclose(by_label["log_tau"], np.log(fit.posterior["tau"].values.ravel()))
    np.testing.assert_allclose(by_label["theta"], fit.posterior["theta"].values[:, :, 1].ravel())
    assert by_label.loc[by_label["diverging"], ["chain", "draw"]].values.tolist() == [[1, 4]]
    # A non-centred fit is shown in the sampler's coordinate z by default.
    assert "z" in funnel_draws(_fake_fit(diverging, z=True)).columns
    with pytest.raises(ValueError, match="`group`"):
        funnel_draws(fit, "Q")
    with pytest.raises(ValueError, match="`variable`"):
        funnel_draws(fit, variable="z")


def test_argument_validation_before_any_fitting():
    data = eight_schools()
    kwargs = {"outcome": "y", "se": "sigma"}
    with pytest.raises(ValueError, match="`seeds`"):
        compare_parameterizations(data, seeds=[], **kwargs)
    with pytest.raises(ValueError, match="`seeds`"):
        compare_parameterizations(data, seeds=[1, -2], **kwargs)
    with pytest.raises(TypeError, match="`seeds`"):
        compare_parameterizations(data, seeds=3, **kwargs)
    with pytest.raises(ValueError, match="`target_accept`"):
        compare_parameterizations(data, target_accept=[0.8, 1.0], **kwargs)
    with pytest.raises(ValueError, match="`chains`"):
        compare_parameterizations(data, chains=1, **kwargs)
    with pytest.raises(TypeError, match="`parameterization`"):
        compare_parameterizations(data, parameterization="centered", **kwargs)
    with pytest.raises(ValueError, match="clash"):
        compare_parameterizations(data, statistics={"max_rhat": len}, **kwargs)
    with pytest.raises(TypeError, match="`statistics`"):
        compare_parameterizations(data, statistics={"x": 1}, **kwargs)
    with pytest.raises(TypeError, match="`model`"):
        compile_model("not a model")
    with pytest.raises(ValueError, match="`draws`"):
        sample_compiled(None, draws=0)
    with pytest.raises(ValueError, match="`target_accept`"):
        sample_compiled(None, target_accept=1.5)


def test_plots():
    diverging = np.zeros((2, 40), dtype=bool)
    diverging[0, :3] = True
    fits = {"centred": _fake_fit(diverging), "non-centred": _fake_fit(diverging, z=True)}
    fig = plot_funnel(fits, "A")
    assert len(fig.axes) == 2
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["centred: 3 divergent", "non-centred: 3 divergent"]
    assert fig.axes[1].get_xlabel() == "$z_{A}$"
    plt.close(fig)
    with pytest.raises(TypeError, match="`fits`"):
        plot_funnel({})
    table = pd.DataFrame(
        {
            "data": ["rich"] * 2 + ["poor"] * 2,
            "parameterization": ["centered", "noncentered"] * 2,
            "ess_per_second": [1000.0, 300.0, 20.0, 400.0],
            "divergences": [0, 0, 40, 1],
        }
    )
    fig = plot_parameterization_comparison(table)
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["rich", "poor"]
    plt.close(fig)
    with pytest.raises(ValueError, match="ess_per_1k_gradients"):
        plot_parameterization_comparison(table, metric="ess_per_1k_gradients")
