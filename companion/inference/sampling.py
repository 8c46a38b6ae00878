"""Reproducible sampling with the defaults the book uses.

:func:`sample` wraps :func:`pymc.sample` so that every fit in the book is
seeded, quiet (no log lines in rendered pages; progress bars as set by
:func:`companion.options.set_options`) and carries
what later steps need: the pointwise log-likelihood for LOO and, on request,
posterior predictive draws.
"""

from __future__ import annotations

import importlib.util
import logging
import os
from contextlib import contextmanager
from typing import TYPE_CHECKING

from companion._random import DEFAULT_SEED, sampler_seed
from companion._validation import check_count, check_probability
from companion.inference.diagnostics import enforce_convergence
from companion.options import resolve_progressbar

if TYPE_CHECKING:
    import pymc as pm
    import xarray as xr

__all__ = [
    "NUTS_SAMPLERS",
    "sample",
    "sample_prior_predictive",
]


@contextmanager
def _quiet_pymc():
    # PyMC logs "Sampling: [y]" at INFO level; rendered pages should not show it.
    logger = logging.getLogger("pymc")
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


#: The NUTS implementations :func:`sample` can use (``nuts_sampler``).
NUTS_SAMPLERS = ("nutpie", "pymc", "numpyro", "blackjax")
_JAX_SAMPLERS = ("numpyro", "blackjax")  # each named after the package it needs


def _check_nuts_sampler(nuts_sampler: str | None) -> None:
    if nuts_sampler is None:
        return
    if nuts_sampler not in NUTS_SAMPLERS:
        raise ValueError(f"`nuts_sampler` must be one of {NUTS_SAMPLERS}, got {nuts_sampler!r}.")
    if nuts_sampler in _JAX_SAMPLERS and importlib.util.find_spec(nuts_sampler) is None:
        raise ImportError(
            f"nuts_sampler={nuts_sampler!r} needs JAX and {nuts_sampler}: "
            'pip install "companion[jax]".'
        )


def _is_bambi_model(model: object) -> bool:
    # Duck-typed, so that companion does not import bambi.
    return type(model).__module__.split(".")[0] == "bambi" and hasattr(model, "fit")


def _sample_bambi(
    model,
    *,
    random_seed: int,
    progressbar: bool,
    nuts_sampler,
    target_accept,
    log_likelihood: bool,
    posterior_predictive: bool,
    **kwargs,
) -> xr.DataTree:
    if target_accept is not None:
        kwargs.setdefault("nuts", {})["target_accept"] = target_accept
    with _quiet_pymc():
        idata = model.fit(
            random_seed=random_seed, progressbar=progressbar,
            inference_method=nuts_sampler or "nutpie", **kwargs,
        )  # fmt: skip
        if log_likelihood:
            model.compute_log_likelihood(idata)
        if posterior_predictive:
            model.predict(idata, kind="response", random_seed=random_seed + 1)
    return idata


def sample(
    model: pm.Model,
    *,
    draws: int = 1000,
    tune: int = 1000,
    chains: int = 4,
    seed: int | None = DEFAULT_SEED,
    target_accept: float | None = None,
    log_likelihood: bool = True,
    posterior_predictive: bool = False,
    nuts_sampler: str | None = None,
    progressbar: bool | None = None,
    **kwargs,
) -> xr.DataTree:
    """Draw from the posterior of ``model`` with NUTS, reproducibly.

    Any keyword arguments beyond those below are passed on to
    :func:`pymc.sample`.

    Parameters
    ----------
    model : pymc.Model or bambi.Model
        For example from :func:`companion.hierarchical_model`. A bambi model
        is fitted by its own ``fit`` method with these settings, so its output
        keeps bambi's names and post-processing (group-specific terms such as
        ``1|county`` with their ``county__factor_dim`` dimension); the
        log-likelihood and posterior predictive groups come from bambi's
        ``compute_log_likelihood`` and ``predict``.
    draws : int, default 1000
        Kept draws per chain.
    tune : int, default 1000
        Tuning steps per chain (discarded).
    chains : int, default 4
        Independent chains (at least 2, so R-hat can be computed); run on at
        most as many processes as the machine has cores.
    seed : int or numpy.random.Generator or None, default 2026
        The same seed gives the same draws; ``None`` draws a fresh seed
        (as ``seed=None`` does everywhere in the package).
    target_accept : float, optional
        NUTS target acceptance rate in (0, 1); raise it (e.g. to 0.95) to
        shrink the step size when there are divergences.
    log_likelihood : bool, default True
        Add the pointwise log-likelihood group, which :func:`arviz.loo` needs.
    posterior_predictive : bool, default False
        Add a ``posterior_predictive`` group of replicated data.
    nuts_sampler : str, one of "nutpie", "pymc", "numpyro", "blackjax", optional
        The NUTS implementation, passed to :func:`pymc.sample`; ``None``
        leaves the choice to PyMC (nutpie, when installed). ``"numpyro"`` and
        ``"blackjax"`` compile the model to JAX and run on a GPU when JAX finds
        one; they need the optional extra ``pip install "companion[jax]"``.
        All four sample the same posterior; the book uses nutpie, which is
        fastest on a CPU.
    progressbar : bool, optional
        Show the sampler's progress bar; by default as set by
        :func:`companion.options.set_options` (on, unless switched off).

    Returns
    -------
    xarray.DataTree
        ArviZ 1.x data with ``posterior``, ``sample_stats``,
        ``observed_data``, ``constant_data`` and the requested extra groups.

    Examples
    --------
    >>> from companion import eight_schools, hierarchical_model, sample
    >>> model = hierarchical_model(eight_schools(), outcome="y", se="sigma")
    >>> idata = sample(model, draws=200, tune=200, chains=2)  # doctest: +SKIP
    >>> idata.posterior["theta"].dims  # doctest: +SKIP
    ('chain', 'draw', 'school')
    """
    import pymc as pm

    from companion.hierarchical.models import is_marginal, recover_group_means

    check_count(draws, "draws", 1)
    check_count(tune, "tune", 0)
    check_count(chains, "chains", 2)
    if target_accept is not None:
        check_probability(target_accept, "target_accept")
    _check_nuts_sampler(nuts_sampler)
    random_seed = sampler_seed(seed)
    progressbar = resolve_progressbar(progressbar)
    if _is_bambi_model(model):
        idata = _sample_bambi(
            model, random_seed=random_seed, progressbar=progressbar, nuts_sampler=nuts_sampler,
            target_accept=target_accept, log_likelihood=log_likelihood,
            posterior_predictive=posterior_predictive, draws=draws, tune=tune, chains=chains,
            cores=min(chains, os.cpu_count() or 1), **kwargs,
        )  # fmt: skip
        enforce_convergence(idata)
        return idata
    if not isinstance(model, pm.Model):
        raise TypeError(
            f"`model` must be a pymc.Model or a bambi.Model, got {type(model).__name__}."
        )
    if target_accept is not None:
        kwargs.setdefault("nuts", {})["target_accept"] = target_accept
    idata = pm.sample(
        draws=draws,
        tune=tune,
        chains=chains,
        cores=min(chains, os.cpu_count() or 1),
        random_seed=random_seed,
        progressbar=progressbar,
        quiet=True,
        nuts_sampler=nuts_sampler,
        model=model,
        **kwargs,
    )
    if is_marginal(model):
        recover_group_means(idata, model, seed=random_seed + 2)
    if log_likelihood:
        pm.compute_log_likelihood(idata, model=model, progressbar=progressbar)
    if posterior_predictive:
        with _quiet_pymc():
            pm.sample_posterior_predictive(
                idata, model=model, extend_inferencedata=True, random_seed=random_seed + 1,
                progressbar=progressbar,
            )  # fmt: skip
    enforce_convergence(idata, var_names=[rv.name for rv in model.free_RVs])
    return idata


def sample_prior_predictive(
    model: pm.Model, *, draws: int = 500, seed: int | None = DEFAULT_SEED
) -> xr.DataTree:
    """Draw parameters and data sets from the prior, reproducibly.

    Parameters
    ----------
    model : pymc.Model
        A model with proper priors (a flat prior has no predictive).
    draws : int, default 500
        Number of draws from the prior predictive distribution.
    seed : int or numpy.random.Generator or None, default 2026
        Seed of the draws; ``None`` means fresh randomness.

    Returns
    -------
    xarray.DataTree
        With ``prior`` and ``prior_predictive`` groups.

    Examples
    --------
    >>> from companion import (
    ...     hierarchical_model, sample_prior_predictive, simulate_schools)
    >>> model = hierarchical_model(simulate_schools(seed=1))
    >>> prior = sample_prior_predictive(model, draws=50, seed=1)
    >>> prior.prior_predictive["y"].shape
    (1, 50, 126)
    """
    import pymc as pm

    check_count(draws, "draws", 1)
    with _quiet_pymc():
        return pm.sample_prior_predictive(draws=draws, model=model, random_seed=sampler_seed(seed))
