"""book.models.same_model: the check the chapters use to show a written-out model is companion's."""

import numpy as np
import pymc as pm
import pytest
from scipy import stats

from book.models import same_model


def _model(mu_sd):
    with pm.Model(coords={"school": ["A", "B", "C"]}) as model:
        mu = pm.Normal("mu", 0.0, mu_sd)
        pm.Normal("theta", mu, 1.0, dims="school")
    return model


def test_the_same_model_written_twice_has_no_gap():
    table, gap = same_model(_model(2.0), _model(2.0), "built")
    assert gap == 0.0
    assert table.to_dict("index") == {
        "mu": {"explicit": "scalar", "built": "scalar"},
        "theta": {"explicit": "school", "built": "school"},
    }
    assert table.index.name == "free variable"


def test_another_prior_shows_as_the_largest_log_density_gap():
    # Only the prior of mu differs, so the gap at each point is the difference
    # of two normal log densities of mu there; the points are the built
    # model's initial point (mu = 0) plus standard normal noise, seed 0.
    _, gap = same_model(_model(1.0), _model(2.0), "built", n_points=4, seed=0)
    rng = np.random.default_rng(0)
    differences = []
    for _ in range(4):
        mu = rng.normal()  # initial_point() lists mu before theta
        rng.normal(size=3)
        differences.append(abs(stats.norm.logpdf(mu, 0, 1) - stats.norm.logpdf(mu, 0, 2)))
    assert gap == pytest.approx(max(differences), rel=1e-6)
