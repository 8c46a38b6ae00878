r"""Centred against non-centred: the study of the chapter "Computation".

:func:`compare_parameterizations` fits both forms over several seeds and
target acceptance rates; :func:`funnel_draws` pairs one group's draws with
:math:`\log\tau` for the funnel figure.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Hashable, Mapping, Sequence
from numbers import Integral, Real
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from companion import sampler_diagnostics
from companion._validation import check_count, check_mcmc_fit, check_probability
from companion.inference import compile_model, sample_compiled
from companion.inference.diagnostics import DIAGNOSTIC_COLUMNS
from companion.options import options

if TYPE_CHECKING:
    import xarray as xr

__all__ = ["compare_parameterizations", "funnel_draws"]


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
    >>> from book.studies.parameterizations import compare_parameterizations
    >>> from companion import eight_schools
    >>> table = compare_parameterizations(
    ...     eight_schools(), outcome="y", se="sigma", seeds=[1, 2],
    ...     statistics={"p_small_tau": lambda fit: (fit.posterior["tau"] < 1).mean()},
    ... )  # doctest: +SKIP
    >>> table.groupby("parameterization")["divergences"].sum()  # doctest: +SKIP
    """
    import pandas as pd

    from companion.hierarchical.models import hierarchical_model

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
            # The study reports every fit's diagnostics itself: fits that fail
            # them (the centred funnel) are its finding, not a warning.
            with options(convergence="ignore"):
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

    check_mcmc_fit(idata)
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
    reserved = {"parameterization", "target_accept", "seed", *DIAGNOSTIC_COLUMNS}
    clash = reserved.intersection(statistics)
    if clash:
        raise ValueError(f"`statistics` names {sorted(clash)} clash with the table's columns.")
    return dict(statistics)


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
