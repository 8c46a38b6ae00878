"""The convergence check that sample() applies, and the option that sets what it does."""

import warnings

import numpy as np
import pytest
from arviz import from_dict

from companion import eight_schools, hierarchical_model, sample
from companion.inference import ConvergenceError, ConvergenceWarning, check_convergence
from companion.options import get_options, options, set_options


def _fit(chains=4, draws=500, shift=0.0, divergent=0, seed=0):
    rng = np.random.default_rng(seed)
    mu = rng.normal(size=(chains, draws)) + shift * np.arange(chains)[:, None]
    diverging = np.zeros((chains, draws), bool)
    diverging.flat[:divergent] = True
    return from_dict({"posterior": {"mu": mu}, "sample_stats": {"diverging": diverging}})


def test_independent_draws_from_four_chains_pass():
    assert check_convergence(_fit()) == []


def test_each_failure_is_named():
    # Chains centred 0, 1, 2, 3 sd apart: R-hat far above 1.01.
    assert any(p.startswith("R-hat up to") for p in check_convergence(_fit(shift=1.0)))
    # 4 x 50 independent draws: ESS about 200, below 400.
    short = check_convergence(_fit(draws=50))
    assert any(p.startswith("bulk ESS") for p in short)
    assert any(p.startswith("tail ESS") for p in short)
    assert check_convergence(_fit(divergent=3)) == ["3 divergent transitions"]
    assert check_convergence(_fit(chains=2, draws=1000)) == ["2 chains, fewer than 4"]


def test_thresholds_are_arguments():
    fit = _fit(draws=50)
    assert check_convergence(fit, min_ess=100) == []
    with pytest.raises(ValueError, match="min_chains"):
        check_convergence(fit, min_chains=0)
    with pytest.raises(ValueError, match="max_rhat"):
        check_convergence(fit, max_rhat=-1.0)


@pytest.mark.parametrize("bad", ["loud", True, 1])
def test_the_option_refuses_unknown_actions(bad):
    with pytest.raises(ValueError, match="convergence"):
        set_options(convergence=bad)


def test_sample_warns_raises_or_stays_quiet_as_the_option_says():
    model = hierarchical_model(eight_schools(), outcome="y", se="sigma")
    before = get_options()
    # 2 chains of 30 draws cannot pass: too few chains and too small an ESS.
    small = {"draws": 30, "tune": 30, "chains": 2, "progressbar": False, "log_likelihood": False}
    with options(convergence="warn"), pytest.warns(ConvergenceWarning, match="2 chains"):
        sample(model, **small)
    with options(convergence="raise"), pytest.raises(ConvergenceError, match="bulk ESS"):
        sample(model, **small)
    with options(convergence="ignore"), warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        sample(model, **small)
    assert get_options() == before
