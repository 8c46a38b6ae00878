"""Tests of companion.inference.sbc: rank machinery, uniformity test and the NUTS loop.

The rank machinery is checked with the exact posterior of the normal-normal
model (companion.normal_normal_posterior), so a correct "sampler" is known to
give uniform ranks and a deliberately wrong one must not.
"""

import numpy as np
import pandas as pd
import pytest

from book.studies.sbc import normal_normal_sbc
from companion import eight_schools, hierarchical_model
from companion.inference.sbc import (
    binned_ranks,
    rank_uniformity_test,
    sbc_ranks,
    simulation_based_calibration,
)

SIGMA = eight_schools()["sigma"].to_numpy()


# ----------------------------------------------------------------------------- ranks
def test_rank_counts_draws_below_the_truth():
    ranks = sbc_ranks(
        {"a": [0.0, 10.0], "b": [1.0, -1.0]},
        {"a": [[-1.0, 1.0, 2.0], [0.0, 1.0, 2.0]], "b": [[0.0, 0.5, 0.9], [0.0, 1.0, 2.0]]},
    )
    assert ranks.to_dict("list") == {"a": [1, 3], "b": [3, 0]}
    assert ranks.attrs["n_draws"] == 3


def test_rank_input_errors():
    with pytest.raises(ValueError, match="`truth`"):
        sbc_ranks({}, {})
    with pytest.raises(ValueError, match="`draws`"):
        sbc_ranks({"a": [0.0]}, {"b": [[0.0]]})
    with pytest.raises(ValueError, match=r"`draws\['a'\]`"):
        sbc_ranks({"a": [0.0, 1.0]}, {"a": [0.0, 1.0]})


def test_bins_with_unequal_numbers_of_rank_values():
    # L = 9: ranks 0..9 in 3 bins hold 4, 3 and 3 rank values.
    counts, p = binned_ranks(pd.DataFrame({"m": list(range(10))}), bins=3, n_draws=9)
    np.testing.assert_allclose(p, [0.4, 0.3, 0.3])
    assert counts["m"].tolist() == [4, 3, 3]


def test_uniformity_test_errors():
    ranks = pd.DataFrame({"m": [0, 5, 9]})
    with pytest.raises(ValueError, match="`n_draws`"):
        rank_uniformity_test(ranks)
    with pytest.raises(ValueError, match="`bins`"):
        rank_uniformity_test(ranks, bins=3, n_draws=9)  # 1 rank expected per bin
    with pytest.raises(ValueError, match="`ranks`"):
        rank_uniformity_test(ranks, bins=2, n_draws=4)  # a rank above L


def test_exact_chi_square_on_a_known_table():
    # 200 ranks, 2 bins holding 120 and 80: X^2 = (20^2 + 20^2) / 100 = 8 on 1 df.
    ranks = pd.DataFrame({"m": [0] * 120 + [1] * 80})
    row = rank_uniformity_test(ranks, bins=2, n_draws=1).loc["m"]
    assert row["chi2"] == pytest.approx(8.0)
    assert row["p_value"] == pytest.approx(0.004677734981047266)


# ----------------------------------------------------------------------------- exact posterior
@pytest.fixture(scope="module")
def exact_ranks():
    return normal_normal_sbc(SIGMA, n_replicates=300, seed=2026)


def test_exact_posterior_gives_uniform_ranks(exact_ranks):
    assert exact_ranks.shape == (300, 10)
    assert exact_ranks.to_numpy().min() >= 0 and exact_ranks.to_numpy().max() <= 99
    # Under uniformity each p-value is U(0, 1): all 10 exceed 0.001 with probability 0.99.
    assert (rank_uniformity_test(exact_ranks, bins=10)["p_value"] > 0.001).all()


@pytest.mark.parametrize("spread", [0.6, 1.6])
def test_too_narrow_or_too_wide_posterior_is_detected(spread):
    ranks = normal_normal_sbc(SIGMA, n_replicates=300, spread=spread, seed=2026)
    p_values = rank_uniformity_test(ranks, bins=10)["p_value"]
    assert p_values["mu"] < 1e-4 and p_values["tau"] < 1e-4
    # Too narrow piles ranks into the two extreme bins (10% each if uniform), too wide
    # into the middle; with 300 replicates the share's sd is about 0.012.
    counts, _ = binned_ranks(ranks, bins=10)
    extremes = counts.iloc[[0, -1]].sum() / (2 * len(ranks))
    assert (extremes > 0.15).all() if spread < 1 else (extremes < 0.05).all()


def test_exact_sbc_is_reproducible_and_validates(exact_ranks):
    again = normal_normal_sbc(SIGMA, n_replicates=300, seed=2026)
    pd.testing.assert_frame_equal(again, exact_ranks)
    with pytest.raises(ValueError, match="`tau_prior`"):
        normal_normal_sbc(SIGMA, tau_prior="uniform", n_replicates=5)
    with pytest.raises(ValueError, match="`spread`"):
        normal_normal_sbc(SIGMA, spread=0.0, n_replicates=5)


# ----------------------------------------------------------------------------- NUTS
SMALL = {"n_replicates": 12, "n_draws": 19, "thin": 2, "tune": 300, "seed": 5}


@pytest.fixture(scope="module")
def school_model():
    return hierarchical_model(
        eight_schools(), outcome="y", se="sigma", mu_prior=(0, 10),
        tau_prior=("half-normal", 10),
    )  # fmt: skip


@pytest.fixture(scope="module")
def nuts_ranks(school_model):
    return simulation_based_calibration(school_model, **SMALL)


def test_nuts_sbc_shapes_and_attributes(nuts_ranks):
    assert nuts_ranks.shape == (12, 10)
    assert list(nuts_ranks.columns[:3]) == ["mu", "tau", "theta[A]"]
    assert nuts_ranks.to_numpy().min() >= 0 and nuts_ranks.to_numpy().max() <= 19
    assert nuts_ranks.attrs["n_draws"] == 19
    assert len(nuts_ranks.attrs["divergences"]) == 12


def test_nuts_sbc_keeps_each_fits_convergence_diagnostics(nuts_ranks):
    # one value per fit, over all draws before thinning (2 chains of 2 * 10 draws here)
    for key in ("max_rhat", "min_ess_bulk", "min_ess_tail"):
        values = np.asarray(nuts_ranks.attrs[key], dtype=float)
        assert values.shape == (12,) and np.isfinite(values).all(), key
    assert (np.asarray(nuts_ranks.attrs["max_rhat"]) > 0.9).all()
    assert (np.asarray(nuts_ranks.attrs["min_ess_bulk"]) > 0).all()


def test_nuts_sbc_is_reproducible(school_model, nuts_ranks):
    pd.testing.assert_frame_equal(simulation_based_calibration(school_model, **SMALL), nuts_ranks)


def test_nuts_sbc_validates(school_model):
    with pytest.raises(ValueError, match="`var_names`"):
        simulation_based_calibration(school_model, var_names=["sigma"])
    with pytest.raises(ValueError, match="`n_replicates`"):
        simulation_based_calibration(school_model, n_replicates=0)
    with pytest.raises(ValueError, match="`target_accept`"):
        simulation_based_calibration(school_model, target_accept=1.5)
