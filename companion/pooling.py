r"""Complete, no and partial pooling side by side: each model's estimate of each group.

:func:`pooling_estimates` turns several fitted models into one tidy table of
posterior means and central intervals per group, ready to compare or plot.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from companion._validation import (
    check_probability,
    check_vector,
)

if TYPE_CHECKING:
    import pandas as pd
    import xarray as xr

__all__ = [
    "METHODS",
    "pooling_estimates",
]

#: The three estimators, in the order tables and figures show them.
METHODS: tuple[str, ...] = ("no pooling", "partial pooling", "complete pooling")

_SAMPLE_DIMS = ("chain", "draw")


def _draws(fit: object, var: str, method: str) -> xr.DataArray:
    """The posterior draws of ``var`` in ``fit``, checked to have one group dimension."""
    try:
        posterior = fit.posterior
    except AttributeError:
        raise TypeError(
            f"`fits[{method!r}]` must be fitted data with a posterior group (as returned by "
            f"companion.sample), got {type(fit).__name__}."
        ) from None
    if var not in posterior.data_vars:
        raise ValueError(
            f"`fits[{method!r}]` has no posterior variable {var!r}; it has "
            f"{sorted(posterior.data_vars)}."
        )
    draws = posterior[var]
    group_dims = [d for d in draws.dims if d not in _SAMPLE_DIMS]
    if len(group_dims) != 1 or not set(_SAMPLE_DIMS) <= set(draws.dims):
        raise ValueError(
            f"`{var}` in `fits[{method!r}]` must have dims (chain, draw, group), got {draws.dims}."
        )
    return draws


def pooling_estimates(
    fits: Mapping[str, object],
    *,
    truth: pd.Series | Sequence[float] | None = None,
    prob: float = 0.9,
    var: str = "theta",
) -> pd.DataFrame:
    r"""Posterior mean and central interval of each group's mean, per model.

    Parameters
    ----------
    fits : mapping of str to xarray.DataTree
        Fitted models keyed by the method's name, e.g. ``{"no pooling":
        ..., "partial pooling": ..., "complete pooling": ...}``. Every fit needs
        the posterior variable ``var`` with dims ``(chain, draw, group)`` and
        the same groups.
    truth : pandas.Series or array-like, optional
        True group means (known in simulations), indexed by group or in the
        order of the groups; added as column ``truth``.
    prob : float, default 0.9
        Probability of the equal-tailed interval.
    var : str, default "theta"
        Name of the group-mean variable.

    Returns
    -------
    pandas.DataFrame
        One row per method and group: the group column (named after the
        group dimension, an ordered categorical), ``method`` (ordered
        categorical, in the order of ``fits``), ``mean``, ``lower``,
        ``upper`` and, with ``truth``, ``truth``.

    Examples
    --------
    >>> from companion import hierarchical_model, sample, simulate_schools
    >>> data, truth = simulate_schools(seed=1, return_truth=True)
    >>> fit = sample(hierarchical_model(data), draws=200, tune=200)  # doctest: +SKIP
    >>> table = pooling_estimates({"partial pooling": fit}, truth=truth)  # doctest: +SKIP
    >>> list(table.columns)  # doctest: +SKIP
    ['school', 'method', 'mean', 'lower', 'upper', 'truth']
    """
    import pandas as pd

    if not isinstance(fits, Mapping) or len(fits) == 0:
        raise TypeError("`fits` must be a non-empty mapping of method name to fitted data.")
    prob = check_probability(prob, "prob")
    frames, groups, group_dim = [], None, None
    for method, fit in fits.items():
        if not isinstance(method, str):
            raise TypeError(f"`fits` keys must be method names (str), got {method!r}.")
        draws = _draws(fit, var, method)
        dim = next(d for d in draws.dims if d not in _SAMPLE_DIMS)
        labels = pd.Index(draws.coords[dim].values) if dim in draws.coords else None
        if labels is None:
            labels = pd.RangeIndex(draws.sizes[dim])
        if groups is None:
            groups, group_dim = labels, dim
        elif dim != group_dim or not labels.equals(groups):
            raise ValueError(
                f"`fits[{method!r}]` has groups {list(labels)} in dim {dim!r}; the first fit "
                f"has {list(groups)} in {group_dim!r}: all fits need the same groups."
            )
        values = draws.transpose(*_SAMPLE_DIMS, dim).values.reshape(-1, len(labels))
        lower, upper = np.quantile(values, [(1 - prob) / 2, (1 + prob) / 2], axis=0)
        frames.append(pd.DataFrame({group_dim: labels, "method": method,
                                    "mean": values.mean(axis=0), "lower": lower,
                                    "upper": upper}))  # fmt: skip
    table = pd.concat(frames, ignore_index=True)
    table[group_dim] = pd.Categorical(table[group_dim], categories=groups, ordered=True)
    table["method"] = pd.Categorical(table["method"], categories=list(fits), ordered=True)
    if truth is not None:
        table["truth"] = _align_truth(truth, groups).to_numpy()[table[group_dim].cat.codes]
    return table


def _align_truth(truth, groups: pd.Index) -> pd.Series:
    import pandas as pd

    if isinstance(truth, pd.Series):
        missing = groups.difference(truth.index)
        if len(missing):
            raise ValueError(f"`truth` has no value for group(s) {list(missing)}.")
        return truth.reindex(groups).astype(float)
    values = check_vector(truth, "truth")
    if values.size != len(groups):
        raise ValueError(f"`truth` has {values.size} values for {len(groups)} groups.")
    return pd.Series(values, index=groups)

