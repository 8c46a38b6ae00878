"""Package options (progress bars) and the one meaning of ``seed=None``."""

from __future__ import annotations

import pymc
import pytest

from companion import eight_schools, hierarchical_model, sample, set_options
from companion._random import DEFAULT_SEED, sampler_seed
from companion.options import get_options, options, resolve_progressbar


class _StopSamplingError(Exception):
    pass


def _record_sample_kwargs(monkeypatch) -> dict:
    seen = {}

    def fake_sample(**kwargs):
        seen.update(kwargs)
        raise _StopSamplingError

    monkeypatch.setattr(pymc, "sample", fake_sample)
    return seen


def test_set_options_changes_the_default_and_options_restores_it():
    before = get_options()
    with options(progressbar=not before["progressbar"]):
        assert get_options()["progressbar"] is (not before["progressbar"])
    assert get_options() == before
    set_options()  # nothing given: nothing changes
    assert get_options() == before


@pytest.mark.parametrize("bad", [1, "yes", 0.0])
def test_progressbar_must_be_a_bool(bad):
    with pytest.raises(TypeError, match="`progressbar` must be True"):
        set_options(progressbar=bad)
    with pytest.raises(TypeError, match="`progressbar` must be True, False or None"):
        resolve_progressbar(bad)


@pytest.mark.parametrize("default", [True, False])
def test_sample_follows_the_package_default_unless_told(monkeypatch, default):
    seen = _record_sample_kwargs(monkeypatch)
    model = hierarchical_model(eight_schools(), outcome="y", se="sigma")
    with options(progressbar=default), pytest.raises(_StopSamplingError):
        sample(model, draws=10, tune=10, chains=2)
    assert seen["progressbar"] is default
    with options(progressbar=default), pytest.raises(_StopSamplingError):
        sample(model, draws=10, tune=10, chains=2, progressbar=not default)
    assert seen["progressbar"] is (not default)


def test_seed_none_means_fresh_randomness_and_the_default_is_fixed(monkeypatch):
    assert sampler_seed(None) != sampler_seed(None)  # equal with probability 2**-31
    assert sampler_seed(7) == sampler_seed(7)
    seen = _record_sample_kwargs(monkeypatch)
    model = hierarchical_model(eight_schools(), outcome="y", se="sigma")
    with pytest.raises(_StopSamplingError):
        sample(model, draws=10, tune=10, chains=2)
    assert seen["random_seed"] == sampler_seed(DEFAULT_SEED)
