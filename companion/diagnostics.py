r"""Sampler diagnostics and the centred versus non-centred comparison.

Hamiltonian Monte Carlo tells us when it fails: divergent transitions, a
rank-normalised :math:`\hat R` above 1.01 and a small effective sample size
(ESS) are the three warnings the book reads after every fit. This module
condenses them into one row per fit (:func:`sampler_diagnostics`), measures
them for both parameterisations of the hierarchical model over several seeds
(:func:`compare_parameterizations`), and extracts the draws that show the
funnel (:func:`funnel_draws`).

:math:`\hat R` and ESS come from ArviZ (:func:`arviz.rhat`, :func:`arviz.ess`);
nothing here re-implements them.

To fit one model several times, compile it once with :func:`compile_model` and
call :func:`sample_compiled` for each seed or setting: compiling takes seconds,
sampling the small models of Part I a fraction of a second.
"""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Callable, Hashable, Mapping, Sequence
from numbers import Integral, Real
from typing import TYPE_CHECKING

import numpy as np

from companion._validation import check_count, check_probability
from companion.sampling import DEFAULT_SEED, sampler_seed

if TYPE_CHECKING:
    import pandas as pd
    import pymc as pm
    import xarray as xr

__all__ = [
    "compare_parameterizations",
    "compile_model",
    "funnel_draws",
    "sample_compiled",
    "sampler_diagnostics",
]

#: Sampler statistics that count gradient evaluations and tree-depth hits,
#: under nutpie's and PyMC's names.
_STEP_STATS = ("n_steps",)
_TREEDEPTH_STATS = ("maxdepth_reached", "reached_max_treedepth")
#: Columns of :func:`sampler_diagnostics`, in order.
_DIAGNOSTIC_COLUMNS = (
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
    >>> from companion import compile_model, eight_schools, hierarchical_model
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
) -> xr.DataTree:
    """Sample a model compiled by :func:`compile_model`, timing the sampling only.

    Parameters
    ----------
    compiled : nutpie.CompiledModel
        From :func:`compile_model`.
    draws, tune : int, default 1000
        Kept draws and tuning steps per chain.
    chains : int, default 4
        At least 2, so that R-hat can be computed.
    seed : int, numpy.random.Generator or None, default 2026
        The same seed gives the same draws.
    target_accept : float, optional
        NUTS target acceptance rate in (0, 1); nutpie's default is 0.8.

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
    >>> from companion import compile_model, eight_schools, hierarchical_model
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
        save_warmup=False, progress_bar=False, **kwargs,
    )  # fmt: skip
    idata.posterior.attrs["sampling_time"] = time.perf_counter() - start
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


def _check_fit(idata: object, name: str = "idata") -> None:
    import xarray as xr

    if not isinstance(idata, xr.DataTree):
        raise TypeError(f"`{name}` must be an xarray.DataTree, got {type(idata).__name__}.")
    for group, variable in (("posterior", None), ("sample_stats", "diverging")):
        if group not in idata.children:
            raise ValueError(f"`{name}` has no `{group}` group: is it an MCMC fit?")
        if variable is not None and variable not in idata[group]:
            raise ValueError(f"`{name}.{group}` has no `{variable}` variable.")


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
    >>> from arviz import from_dict
    >>> rng = np.random.default_rng(0)
    >>> fit = from_dict({"posterior": {"mu": rng.normal(size=(2, 100))},
    ...                  "sample_stats": {"diverging": np.arange(200).reshape(2, 100) < 3}})
    >>> int(sampler_diagnostics(fit)["divergences"])
    3
    """
    import arviz as az
    import pandas as pd

    _check_fit(idata)
    if var_names is not None:
        var_names = list(var_names)
        missing = [v for v in var_names if v not in idata.posterior]
        if missing:
            raise ValueError(f"`var_names` {missing} are not posterior variables.")
    stats = idata.sample_stats
    draws = int(np.asarray(stats["diverging"]).size)
    ess_bulk = _extreme(az.ess(idata, var_names=var_names, method="bulk"), "min")
    gradients = _stat_total(stats, _STEP_STATS)
    seconds = float(idata.posterior.attrs.get("sampling_time", np.nan))
    return pd.Series(
        {
            "draws": draws,
            "divergences": int(np.asarray(stats["diverging"]).sum()),
            "treedepth_hits": _stat_total(stats, _TREEDEPTH_STATS),
            "max_rhat": _extreme(az.rhat(idata, var_names=var_names), "max"),
            "min_ess_bulk": ess_bulk,
            "min_ess_tail": _extreme(az.ess(idata, var_names=var_names, method="tail"), "min"),
            "gradient_evals": gradients,
            "ess_per_1k_gradients": 1000 * ess_bulk / gradients,
            "sampling_time": seconds,
            "ess_per_second": ess_bulk / seconds,
        },
        dtype=float,
    )


def _check_seeds(seeds: object) -> list[int]:
    if isinstance(seeds, (str, bytes)) or not isinstance(seeds, Sequence | np.ndarray):
        raise TypeError(f"`seeds` must be a sequence of integers, got {type(seeds).__name__}.")
    if len(seeds) == 0:
        raise ValueError("`seeds` must contain at least one seed.")
    for seed in seeds:
        if isinstance(seed, bool) or not isinstance(seed, Integral) or seed < 0:
            raise ValueError(f"`seeds` must be non-negative integers, got {seed!r}.")
    return [int(s) for s in seeds]


def _check_accepts(target_accept: object) -> list[float]:
    values = target_accept if isinstance(target_accept, Sequence) else [target_accept]
    if len(values) == 0:
        raise ValueError("`target_accept` must contain at least one value.")
    for value in values:
        if isinstance(value, bool) or not isinstance(value, Real):
            raise TypeError(f"`target_accept` must be numbers, got {value!r}.")
        check_probability(value, "target_accept")
    return [float(v) for v in values]


def _check_statistics(statistics: object) -> dict:
    if statistics is None:
        return {}
    if not isinstance(statistics, Mapping) or not all(callable(f) for f in statistics.values()):
        raise TypeError("`statistics` must map column names to functions of a fit.")
    reserved = {"parameterization", "target_accept", "seed", *_DIAGNOSTIC_COLUMNS}
    clash = reserved.intersection(statistics)
    if clash:
        raise ValueError(f"`statistics` names {sorted(clash)} clash with the table's columns.")
    return dict(statistics)


def compare_parameterizations(
    data: pd.DataFrame,
    *,
    seeds: Sequence[int] = (1, 2, 3, 4),
    draws: int = 1000,
    tune: int = 1000,
    chains: int = 4,
    target_accept: float | Sequence[float] = 0.8,
    statistics: Mapping[str, Callable[[xr.DataTree], float]] | None = None,
    **model_kwargs,
) -> pd.DataFrame:
    """Fit the centred and non-centred hierarchical model and compare diagnostics.

    Both parameterisations of :func:`companion.hierarchical_model` are built
    on the same ``data`` with the same priors, compiled once each and sampled
    with every seed (and every ``target_accept``); each fit is summarised by
    :func:`sampler_diagnostics` on the variables both share (``mu``, ``tau``,
    ``theta`` and, for individual data, ``sigma``), so the ESS of the two are
    comparable.

    Sampling time is measured around the sampling call only. Compiling a
    model takes seconds, far longer than sampling the small models of Part I,
    and is paid once per model however many fits follow, so including it
    would measure the compiler instead of the parameterisation.

    Parameters
    ----------
    data : pandas.DataFrame
        Individual data or group summaries, as for
        :func:`companion.hierarchical_model`.
    seeds : sequence of int, default (1, 2, 3, 4)
        One fit of each parameterisation per seed.
    draws, tune, chains : int
        Passed to :func:`sample_compiled`.
    target_accept : float or sequence of float, default 0.8
        NUTS target acceptance rate(s) in (0, 1); 0.8 is the default of
        nutpie and PyMC. Each value is run with every seed.
    statistics : mapping of str to callable, optional
        Extra columns: ``name -> function(fit) -> float``, computed on each
        fit, for example a posterior probability to compare with an exact
        value.
    **model_kwargs
        Passed to :func:`companion.hierarchical_model` (``group``,
        ``outcome``, ``se``, priors); not ``parameterization``.

    Returns
    -------
    pandas.DataFrame
        One row per fit: ``parameterization``, ``target_accept``, ``seed``,
        the columns of :func:`sampler_diagnostics` and those of
        ``statistics``.

    Examples
    --------
    >>> from companion import compare_parameterizations, eight_schools
    >>> table = compare_parameterizations(
    ...     eight_schools(), outcome="y", se="sigma", seeds=[1, 2],
    ...     statistics={"p_small_tau": lambda fit: (fit.posterior["tau"] < 1).mean()},
    ... )  # doctest: +SKIP
    >>> table.groupby("parameterization")["divergences"].sum()  # doctest: +SKIP
    """
    import pandas as pd

    from companion.models import hierarchical_model

    seeds = _check_seeds(seeds)
    check_count(draws, "draws", 1)
    check_count(tune, "tune", 1)
    check_count(chains, "chains", 2)
    accepts = _check_accepts(target_accept)
    statistics = _check_statistics(statistics)
    if "parameterization" in model_kwargs:
        raise TypeError("`parameterization` is set by compare_parameterizations: both are fitted.")
    models = {
        kind: hierarchical_model(data, parameterization=kind, **model_kwargs)
        for kind in ("centered", "noncentered")
    }
    shared = set.intersection(
        *({v.name for v in m.free_RVs + m.deterministics} for m in models.values())
    )
    var_names = sorted(shared)
    rows = []
    for kind, model in models.items():
        compiled = compile_model(model)
        for accept, seed in itertools.product(accepts, seeds):
            fit = sample_compiled(
                compiled, draws=draws, tune=tune, chains=chains, seed=seed,
                target_accept=accept,
            )  # fmt: skip
            row = {"parameterization": kind, "target_accept": accept, "seed": seed}
            row.update(sampler_diagnostics(fit, var_names=var_names).to_dict())
            row.update({name: float(function(fit)) for name, function in statistics.items()})
            rows.append(row)
    table = pd.DataFrame(rows)
    return table.astype({"draws": int, "divergences": int})


def _group_position(posterior, variable: str, group: Hashable) -> tuple[str, int]:
    dims = [d for d in posterior[variable].dims if d not in ("chain", "draw")]
    if len(dims) != 1:
        raise ValueError(f"`{variable}` must have one group dimension, has {dims}.")
    labels = list(posterior[variable][dims[0]].values)
    if group in labels:
        return dims[0], labels.index(group)
    if isinstance(group, Integral) and not isinstance(group, bool) and 0 <= group < len(labels):
        return dims[0], int(group)
    raise ValueError(f"`group`={group!r} is neither a label nor a position of {labels}.")


def funnel_draws(
    idata: xr.DataTree, group: Hashable = 0, *, variable: str | None = None
) -> pd.DataFrame:
    r"""Draws of :math:`\log\tau` and one group's parameter, with divergences.

    These are the coordinates in which the funnel of a hierarchical model is
    seen: :math:`(\theta_j, \log\tau)` for the centred and
    :math:`(z_j, \log\tau)` for the non-centred parameterisation, the
    variables the sampler actually moves in.

    Parameters
    ----------
    idata : xarray.DataTree
        A fit of :func:`companion.hierarchical_model`.
    group : label or int, default 0
        The group, by label (``"A"``) or position.
    variable : str, optional
        ``"theta"`` or ``"z"``; default ``"z"`` if the fit is non-centred,
        else ``"theta"``.

    Returns
    -------
    pandas.DataFrame
        One row per draw: ``chain``, ``draw``, ``log_tau``, the variable
        (column named after it) and ``diverging`` (bool); the group's label
        is in ``attrs["group"]``, the name of its dimension in ``attrs["dim"]``.

    Examples
    --------
    >>> import numpy as np
    >>> from arviz import from_dict
    >>> rng = np.random.default_rng(0)
    >>> fit = from_dict({"posterior": {"tau": rng.exponential(size=(2, 50)),
    ...                                "theta": rng.normal(size=(2, 50, 3))},
    ...                  "sample_stats": {"diverging": np.zeros((2, 50), bool)}},
    ...                 dims={"theta": ["school"]})
    >>> funnel_draws(fit, 1).columns.tolist()
    ['chain', 'draw', 'log_tau', 'theta', 'diverging']
    """
    import pandas as pd

    _check_fit(idata)
    posterior = idata.posterior
    if "tau" not in posterior:
        raise ValueError("`idata.posterior` has no `tau`: fit a hierarchical model.")
    if variable is None:
        variable = "z" if "z" in posterior else "theta"
    if variable not in posterior:
        raise ValueError(f"`variable`={variable!r} is not a posterior variable.")
    dim, position = _group_position(posterior, variable, group)
    values = posterior[variable].isel({dim: position}).transpose("chain", "draw")
    tau = np.asarray(posterior["tau"].transpose("chain", "draw"))
    chains, draws = tau.shape
    frame = pd.DataFrame(
        {
            "chain": np.repeat(np.arange(chains), draws),
            "draw": np.tile(np.arange(draws), chains),
            "log_tau": np.log(tau).ravel(),
            variable: np.asarray(values).ravel(),
            "diverging": np.asarray(
                idata.sample_stats["diverging"].transpose("chain", "draw"), dtype=bool
            ).ravel(),
        }
    )
    frame.attrs.update(group=posterior[variable][dim].values[position], dim=dim)
    return frame
