r"""Sampler diagnostics: the health of an MCMC fit in numbers.

Hamiltonian Monte Carlo tells us when it fails: divergent transitions, a
rank-normalised :math:`\hat R` above 1.01 and a small effective sample size
(ESS) are the three warnings the book reads after every fit. This module
condenses them into one row per fit (:func:`sampler_diagnostics`).

:math:`\hat R` and ESS come from ArviZ (:func:`arviz.rhat`, :func:`arviz.ess`);
nothing here re-implements them.

To fit one model several times, compile it once with :func:`compile_model` and
call :func:`sample_compiled` for each seed or setting: compiling takes seconds,
sampling the small models of Part I a fraction of a second.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from companion._random import DEFAULT_SEED, sampler_seed
from companion._validation import check_count, check_mcmc_fit, check_probability
from companion.options import resolve_progressbar

if TYPE_CHECKING:
    import pymc as pm
    import xarray as xr

__all__ = [
    "ConvergenceError",
    "ConvergenceWarning",
    "DIAGNOSTIC_COLUMNS",
    "check_convergence",
    "compile_model",
    "sample_compiled",
    "sampler_diagnostics",
]

#: Sampler statistics that count gradient evaluations and tree-depth hits,
#: under nutpie's and PyMC's names.
_STEP_STATS = ("n_steps",)
_TREEDEPTH_STATS = ("maxdepth_reached", "reached_max_treedepth")
#: The columns of :func:`sampler_diagnostics`, in order.
DIAGNOSTIC_COLUMNS = (
    "draws", "divergences", "treedepth_hits", "max_rhat", "min_ess_bulk", "min_ess_tail",
    "gradient_evals", "ess_per_1k_gradients", "sampling_time", "ess_per_second",
)  # fmt: skip


def compile_model(model: pm.Model):
    """Compile a PyMC model for nutpie once, to sample it many times.

    Parameters
    ----------
    model : pymc.Model
        For example from :func:`companion.hierarchical_model`.

    Returns
    -------
    nutpie.CompiledModel
        Pass it to :func:`sample_compiled`.

    Examples
    --------
    >>> from companion import eight_schools, hierarchical_model
    >>> from companion.inference import compile_model
    >>> model = hierarchical_model(eight_schools(), outcome="y", se="sigma")
    >>> compiled = compile_model(model)  # doctest: +SKIP
    """
    import nutpie
    import pymc as pm

    if not isinstance(model, pm.Model):
        raise TypeError(f"`model` must be a pymc.Model, got {type(model).__name__}.")
    return nutpie.compile_pymc_model(model)


def sample_compiled(
    compiled,
    *,
    draws: int = 1000,
    tune: int = 1000,
    chains: int = 4,
    seed: int | np.random.Generator | None = DEFAULT_SEED,
    target_accept: float | None = None,
    progressbar: bool | None = None,
) -> xr.DataTree:
    """Sample a model compiled by :func:`compile_model`, timing the sampling only.

    Parameters
    ----------
    compiled : nutpie.CompiledModel
        From :func:`compile_model`.
    draws : int, default 1000
        Kept draws per chain.
    tune : int, default 1000
        Tuning steps per chain (discarded).
    chains : int, default 4
        At least 2, so that R-hat can be computed.
    seed : int or numpy.random.Generator or None, default 2026
        The same seed gives the same draws; ``None`` draws a fresh seed.
    target_accept : float, optional
        NUTS target acceptance rate in (0, 1); nutpie's default is 0.8.
    progressbar : bool, optional
        Show nutpie's progress bar; by default as set by
        :func:`companion.options.set_options`.

    Returns
    -------
    xarray.DataTree
        ``posterior`` and ``sample_stats`` (tuning draws discarded). The
        wall-clock time of the sampling call, tuning included and
        compilation excluded, is stored in
        ``posterior.attrs["sampling_time"]`` (seconds), where
        :func:`companion.sample` stores it too.

    Examples
    --------
    >>> from companion import eight_schools, hierarchical_model
    >>> from companion.inference import compile_model
    >>> compiled = compile_model(hierarchical_model(eight_schools(), outcome="y",
    ...                                             se="sigma"))  # doctest: +SKIP
    >>> fit = sample_compiled(compiled, draws=500, seed=1)  # doctest: +SKIP
    >>> fit.posterior["tau"].shape  # doctest: +SKIP
    (4, 500)
    """
    import nutpie

    check_count(draws, "draws", 1)
    check_count(tune, "tune", 1)
    check_count(chains, "chains", 2)
    if target_accept is not None:
        check_probability(target_accept, "target_accept")
    kwargs = {} if target_accept is None else {"target_accept": target_accept}
    start = time.perf_counter()
    idata = nutpie.sample(
        compiled, draws=draws, tune=tune, chains=chains,
        cores=min(chains, os.cpu_count() or 1), seed=sampler_seed(seed),
        save_warmup=False, progress_bar=resolve_progressbar(progressbar), **kwargs,
    )  # fmt: skip
    idata.posterior.attrs["sampling_time"] = time.perf_counter() - start
    enforce_convergence(idata)
    return idata


def _extreme(values: xr.DataTree, how: str) -> float:
    # Largest or smallest value over every variable and element (NaNs skipped:
    # a constant variable has no R-hat or ESS).
    arrays = [np.asarray(v) for v in values.to_dataset().data_vars.values()]
    flat = np.concatenate([a.ravel() for a in arrays]) if arrays else np.array([])
    flat = flat[np.isfinite(flat)]
    if flat.size == 0:
        return float("nan")
    return float(flat.max() if how == "max" else flat.min())


def _stat_total(stats, names: Sequence[str]) -> float:
    for name in names:
        if name in stats:
            return float(np.asarray(stats[name]).sum())
    return float("nan")


def sampler_diagnostics(idata: xr.DataTree, *, var_names: Sequence[str] | None = None):
    r"""Summarise the health of an MCMC fit in one row.

    Parameters
    ----------
    idata : xarray.DataTree
        A fit from :func:`companion.sample` or :func:`sample_compiled`, with
        ``posterior`` and ``sample_stats`` groups.
    var_names : sequence of str, optional
        Variables whose :math:`\hat R` and ESS count; default all posterior
        variables. To compare parameterisations, pass the variables they
        share (``mu``, ``tau``, ``theta``, ...), not ``z``.

    Returns
    -------
    pandas.Series
        ``draws`` (kept draws over all chains), ``divergences`` (divergent
        transitions among them), ``treedepth_hits`` (draws that hit the
        maximum tree depth), ``max_rhat`` (largest rank-normalised split
        :math:`\hat R`, :func:`arviz.rhat`), ``min_ess_bulk`` and
        ``min_ess_tail`` (smallest bulk and tail ESS, :func:`arviz.ess`),
        ``gradient_evals`` (leapfrog steps, each one gradient evaluation),
        ``ess_per_1k_gradients`` (``min_ess_bulk`` per 1,000 gradient
        evaluations: the cost of an effective draw, independent of the
        machine), ``sampling_time`` (seconds, from
        ``posterior.attrs["sampling_time"]``; NaN if absent) and
        ``ess_per_second`` (``min_ess_bulk / sampling_time``).

    Notes
    -----
    ``sampling_time`` is wall-clock time, so ``ess_per_second`` varies with
    the machine and its load; ``ess_per_1k_gradients`` is reproducible for a
    given seed. Both nutpie and PyMC's own sampler store the sampling time
    without the model's compilation (PyMC's includes starting its worker
    processes).

    Examples
    --------
    >>> import numpy as np
    >>> from companion import sampler_diagnostics
    >>> from arviz import from_dict
    >>> rng = np.random.default_rng(0)
    >>> diverging = np.arange(200).reshape(2, 100) < 3
    >>> fit = from_dict({"posterior": {"mu": rng.normal(size=(2, 100))},
    ...                  "sample_stats": {"diverging": diverging}})
    >>> int(sampler_diagnostics(fit)["divergences"])
    3
    """
    import arviz as az
    import pandas as pd

    check_mcmc_fit(idata)
    if var_names is not None:
        var_names = list(var_names)
        missing = [v for v in var_names if v not in idata.posterior]
        if missing:
            raise ValueError(f"`var_names` {missing} are not posterior variables.")
    stats = idata.sample_stats
    draws = int(np.asarray(stats["diverging"]).size)
    # A variable constant over the draws (the observed part of an imputed
    # column) has no R-hat or ESS: NaN, skipped by _extreme, without a warning.
    with np.errstate(invalid="ignore", divide="ignore"):
        rhat = _extreme(az.rhat(idata, var_names=var_names), "max")
        ess_bulk = _extreme(az.ess(idata, var_names=var_names, method="bulk"), "min")
        ess_tail = _extreme(az.ess(idata, var_names=var_names, method="tail"), "min")
    gradients = _stat_total(stats, _STEP_STATS)
    seconds = float(idata.posterior.attrs.get("sampling_time", np.nan))
    return pd.Series(
        {
            "draws": draws,
            "divergences": int(np.asarray(stats["diverging"]).sum()),
            "treedepth_hits": _stat_total(stats, _TREEDEPTH_STATS),
            "max_rhat": rhat,
            "min_ess_bulk": ess_bulk,
            "min_ess_tail": ess_tail,
            "gradient_evals": gradients,
            "ess_per_1k_gradients": 1000 * ess_bulk / gradients,
            "sampling_time": seconds,
            "ess_per_second": ess_bulk / seconds,
        },
        dtype=float,
    )


class ConvergenceWarning(UserWarning):
    """A fit fails the convergence diagnostics (``options(convergence="warn")``).

    Examples
    --------
    >>> from companion.inference import ConvergenceWarning
    >>> issubclass(ConvergenceWarning, UserWarning)
    True
    """


class ConvergenceError(RuntimeError):
    """A fit fails the convergence diagnostics (``options(convergence="raise")``).

    Examples
    --------
    >>> from companion.inference import ConvergenceError
    >>> issubclass(ConvergenceError, RuntimeError)
    True
    """


def check_convergence(
    idata: xr.DataTree,
    *,
    var_names: Sequence[str] | None = None,
    max_rhat: float = 1.01,
    min_ess: float = 400,
    min_chains: int = 4,
) -> list[str]:
    """List what keeps a fit from passing the convergence diagnostics.

    The defaults are the Computation chapter's rules for a posterior worth
    reporting: R-hat at most 1.01 over at least 4 chains, bulk and tail ESS
    at least 400 (100 per chain), and no divergent transition.

    Parameters
    ----------
    idata : xarray.DataTree
        An MCMC fit with ``posterior`` and ``sample_stats`` groups.
    var_names : sequence of str, optional
        Variables whose R-hat and ESS count; default all posterior variables
        (those constant over the draws have none and are skipped).
    max_rhat : float, default 1.01
        Largest acceptable rank-normalised split R-hat.
    min_ess : float, default 400
        Smallest acceptable bulk and tail effective sample size.
    min_chains : int, default 4
        Fewest chains for R-hat to be trusted.

    Returns
    -------
    list of str
        One sentence per failed check (empty when the fit passes); any
        divergent transition is a failure.

    Examples
    --------
    >>> import numpy as np
    >>> from companion.inference import check_convergence
    >>> from arviz import from_dict
    >>> rng = np.random.default_rng(0)
    >>> fit = from_dict({"posterior": {"mu": rng.normal(size=(4, 500))},
    ...                  "sample_stats": {"diverging": np.zeros((4, 500), bool)}})
    >>> check_convergence(fit)
    []
    >>> check_convergence(fit.sel(chain=[0, 1]))
    ['2 chains, fewer than 4']
    """
    from companion._validation import check_real

    max_rhat = check_real(max_rhat, "max_rhat", positive=True)
    min_ess = check_real(min_ess, "min_ess", nonnegative=True)
    min_chains = check_count(min_chains, "min_chains", 1)
    row = sampler_diagnostics(idata, var_names=var_names)
    chains = int(idata.posterior.sizes["chain"])
    problems = []
    if chains < min_chains:
        problems.append(f"{chains} chains, fewer than {min_chains}")
    if row["max_rhat"] > max_rhat:
        problems.append(f"R-hat up to {row['max_rhat']:.3f}, above {max_rhat}")
    for kind in ("bulk", "tail"):
        if row[f"min_ess_{kind}"] < min_ess:
            problems.append(f"{kind} ESS down to {row[f'min_ess_{kind}']:.0f}, below {min_ess:.0f}")
    if row["divergences"] > 0:
        problems.append(f"{int(row['divergences'])} divergent transitions")
    return problems


def enforce_convergence(idata: xr.DataTree, *, var_names: Sequence[str] | None = None) -> None:
    """Warn about or refuse a fit that fails :func:`check_convergence`, as the options say.

    ``companion.options.set_options(convergence=...)``: ``"warn"`` (the
    default) issues a :class:`ConvergenceWarning`, ``"raise"`` a
    :class:`ConvergenceError`, ``"ignore"`` checks nothing. :func:`sample`
    and :func:`sample_compiled` call it after sampling.

    Parameters
    ----------
    idata : xarray.DataTree
        An MCMC fit.
    var_names : sequence of str, optional
        As in :func:`check_convergence`.

    Examples
    --------
    >>> import numpy as np
    >>> from companion.inference.diagnostics import enforce_convergence
    >>> from arviz import from_dict
    >>> from companion.options import options
    >>> mu = np.zeros((2, 10)) + np.arange(2)[:, None]
    >>> fit = from_dict({"posterior": {"mu": mu},
    ...                  "sample_stats": {"diverging": np.zeros((2, 10), bool)}})
    >>> with options(convergence="raise"):
    ...     enforce_convergence(fit)
    Traceback (most recent call last):
    ...
    companion.inference.diagnostics.ConvergenceError: the fit has not converged: ...
    """
    import warnings

    from companion.options import get_options

    action = get_options()["convergence"]
    if action == "ignore":
        return
    problems = check_convergence(idata, var_names=var_names)
    if not problems:
        return
    message = (
        "the fit has not converged: " + "; ".join(problems) + ". Run more chains or draws, "
        "raise target_accept, reparameterise, or look at companion.sampler_diagnostics; "
        "companion.set_options(convergence=...) sets what happens here."
    )
    if action == "raise":
        raise ConvergenceError(message)
    warnings.warn(message, ConvergenceWarning, stacklevel=3)
