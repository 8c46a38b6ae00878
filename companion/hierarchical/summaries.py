r"""Complete, no and partial pooling side by side: each model's estimate of each group.

:func:`group_estimates` turns several fitted models into one tidy table of
posterior means and central intervals per group, ready to compare or plot.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from companion._draws import group_dim, stacked, variable
from companion._modelling import shrinkage
from companion._validation import (
    check_posterior,
    check_probability,
    check_real,
    check_vector,
)

if TYPE_CHECKING:
    import pandas as pd
    import xarray as xr

__all__ = [
    "METHODS",
    "group_estimates",
    "posterior_shrinkage",
    "rank_summary",
    "group_summary",
    "group_ranks",
]

#: The three estimators, in the order tables and figures show them.
METHODS: tuple[str, ...] = ("no pooling", "partial pooling", "complete pooling")


def _draws(fit: object, var: str, method: str) -> tuple[xr.DataArray, str]:
    """Return the posterior draws of ``var`` in ``fit`` and their one group dimension."""
    name = f"fits[{method!r}]"
    draws = variable(
        check_posterior(fit, name), var, argument="var", where=f"the posterior of `{name}`"
    )
    return draws, group_dim(draws, var, name)


def group_estimates(
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
    truth : pandas.Series or array-like of float, optional
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
        ``upper`` and, when ``truth`` is given, a column ``truth`` of true
        group means.

    Examples
    --------
    >>> from companion import hierarchical_model, sample, simulate_schools
    >>> data, truth = simulate_schools(seed=1, return_truth=True)
    >>> model = hierarchical_model(data)
    >>> fit = sample(model, draws=200, tune=200)  # doctest: +SKIP
    >>> fits = {"partial pooling": fit}  # doctest: +SKIP
    >>> table = group_estimates(fits, truth=truth)  # doctest: +SKIP
    >>> list(table.columns)  # doctest: +SKIP
    ['school', 'method', 'mean', 'lower', 'upper', 'truth']
    """
    import pandas as pd

    if not isinstance(fits, Mapping) or len(fits) == 0:
        raise TypeError("`fits` must be a non-empty mapping of method name to fitted data.")
    prob = check_probability(prob, "prob")
    frames, groups, first_dim = [], None, None
    for method, fit in fits.items():
        if not isinstance(method, str):
            raise TypeError(f"`fits` keys must be method names (str), got {method!r}.")
        draws, dim = _draws(fit, var, method)
        labels = pd.Index(draws.coords[dim].values) if dim in draws.coords else None
        if labels is None:
            labels = pd.RangeIndex(draws.sizes[dim])
        if groups is None:
            groups, first_dim = labels, dim
        elif dim != first_dim or not labels.equals(groups):
            raise ValueError(
                f"`fits[{method!r}]` has groups {list(labels)} in dim {dim!r}; the first fit "
                f"has {list(groups)} in {first_dim!r}: all fits need the same groups."
            )
        values = stacked(draws)
        lower, upper = np.quantile(values, [(1 - prob) / 2, (1 + prob) / 2], axis=0)
        frames.append(pd.DataFrame({first_dim: labels, "method": method,
                                    "mean": values.mean(axis=0), "lower": lower,
                                    "upper": upper}))  # fmt: skip
    table = pd.concat(frames, ignore_index=True)
    table[first_dim] = pd.Categorical(table[first_dim], categories=groups, ordered=True)
    table["method"] = pd.Categorical(table["method"], categories=list(fits), ordered=True)
    if truth is not None:
        table["truth"] = _align_truth(truth, groups).to_numpy()[table[first_dim].cat.codes]
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


def _posterior_draws(idata: object, var_name: str):
    """Return the DataArray of ``var_name`` in the posterior of a fit."""
    return variable(check_posterior(idata), var_name)


def _draws_matrix(draws: object, var_name: str) -> tuple[np.ndarray, pd.Index]:
    """(draws, groups) array and group labels from a fit, DataArray, DataFrame or array."""
    import xarray as xr

    if isinstance(draws, pd.DataFrame):
        matrix, labels = draws.to_numpy(dtype=float), pd.Index(draws.columns)
    elif isinstance(draws, np.ndarray):
        matrix = np.asarray(draws, dtype=float)
        if matrix.ndim != 2:
            raise ValueError(f"`draws` array must be 2-D (draws, groups), got {matrix.shape}.")
        labels = pd.RangeIndex(matrix.shape[1])
    else:
        values = draws if isinstance(draws, xr.DataArray) else _posterior_draws(draws, var_name)
        dim = group_dim(values, var_name, "draws")
        matrix = stacked(values).astype(float)
        labels = pd.Index(values[dim].to_numpy(), name=dim)
    if matrix.shape[1] < 2:
        raise ValueError(f"ranking needs at least 2 groups, got {matrix.shape[1]}.")
    if np.isnan(matrix).any():
        raise ValueError("`draws` contain NaN.")
    return matrix, labels


def _ranks(matrix: np.ndarray, descending: bool) -> np.ndarray:
    """Rank 1..J of each group within each draw (1 = largest if descending)."""
    keys = -matrix if descending else matrix
    order = np.argsort(keys, axis=1, kind="stable")
    ranks = np.empty_like(order)
    rows = np.arange(matrix.shape[0])[:, None]
    ranks[rows, order] = np.arange(1, matrix.shape[1] + 1)
    return ranks


def group_ranks(draws: object, var_name: str = "theta", *, descending: bool = True) -> pd.DataFrame:
    r"""Posterior probability of each rank for each group.

    In every posterior draw the groups are ranked by ``var_name`` (rank 1
    is the largest with ``descending=True``); the table counts how often
    each group takes each rank. Ties, which have probability zero for
    continuous draws, are broken by group order.

    Parameters
    ----------
    draws : xarray.DataTree or xarray.DataArray or pandas.DataFrame or numpy.ndarray
        A fit with a ``posterior`` group; the draws of one variable with
        ``chain``/``draw`` dimensions and one group dimension; or a
        (draws, groups) table or array.
    var_name : str, default "theta"
        Variable to rank when ``draws`` is a fit.
    descending : bool, default True
        Rank 1 is the largest value (the best school when larger is better).

    Returns
    -------
    pandas.DataFrame
        Rows are groups, columns ranks 1, ..., J; each row and each column
        sums to 1. Column 1 is the probability of being the best.

    Examples
    --------
    >>> import numpy as np
    >>> from companion.hierarchical import group_ranks
    >>> draws = np.array([[3.0, 1.0, 2.0], [1.0, 3.0, 2.0]])
    >>> group_ranks(draws).to_numpy().tolist()
    [[0.5, 0.0, 0.5], [0.5, 0.0, 0.5], [0.0, 1.0, 0.0]]
    """
    if not isinstance(descending, bool):
        raise TypeError(f"`descending` must be a bool, got {type(descending).__name__}.")
    matrix, labels = _draws_matrix(draws, var_name)
    ranks = _ranks(matrix, descending)
    n_draws, n_groups = ranks.shape
    counts = np.zeros((n_groups, n_groups))
    for j in range(n_groups):
        counts[j] = np.bincount(ranks[:, j] - 1, minlength=n_groups)
    table = pd.DataFrame(
        counts / n_draws, index=labels, columns=pd.RangeIndex(1, n_groups + 1, name="rank")
    )
    return table


def rank_summary(
    draws: object,
    var_name: str = "theta",
    *,
    descending: bool = True,
    level: float = 0.9,
    truth: Mapping | pd.Series | None = None,
) -> pd.DataFrame:
    """Posterior mean rank, a rank interval and the probability of being best.

    Parameters
    ----------
    draws : xarray.DataTree or xarray.DataArray or pandas.DataFrame or numpy.ndarray
        A fit, the draws of one variable, or a (draws, groups) table or
        array, as in :func:`group_ranks`.
    var_name : str, default "theta"
        Variable to rank when ``draws`` is a fit.
    descending : bool, default True
        Rank 1 is the largest value (the best school when larger is better).
    level : float, default 0.9
        Probability of the central rank interval.
    truth : pandas.Series or mapping, optional
        True values by group (from a simulation); adds the column
        ``true_rank``.

    Returns
    -------
    pandas.DataFrame
        Indexed by group: ``mean_rank``, ``rank_lower``, ``rank_upper``,
        ``p_best`` and, with ``truth``, ``true_rank``.

    Examples
    --------
    >>> import numpy as np
    >>> from companion.hierarchical import rank_summary
    >>> draws = np.array([[3.0, 1.0, 2.0], [1.0, 3.0, 2.0]])
    >>> rank_summary(draws)["mean_rank"].tolist()
    [2.0, 2.0, 2.0]
    """
    from companion._validation import check_probability

    level = check_probability(level, "level")
    if not isinstance(descending, bool):
        raise TypeError(f"`descending` must be a bool, got {type(descending).__name__}.")
    matrix, labels = _draws_matrix(draws, var_name)
    ranks = _ranks(matrix, descending)
    tail = (1 - level) / 2
    table = pd.DataFrame(
        {
            "mean_rank": ranks.mean(axis=0),
            "rank_lower": np.quantile(ranks, tail, axis=0, method="inverted_cdf"),
            "rank_upper": np.quantile(ranks, 1 - tail, axis=0, method="inverted_cdf"),
            "p_best": (ranks == 1).mean(axis=0),
        },
        index=labels,
    )
    if truth is not None:
        true = pd.Series(truth).reindex(labels)
        if true.isna().any():
            raise ValueError(
                f"`truth` has no value for group(s) {list(labels[true.isna().to_numpy()][:5])}."
            )
        true_ranks = _ranks(true.to_numpy(dtype=float)[None, :], descending)[0]
        table["true_rank"] = true_ranks
    return table


def posterior_shrinkage(
    idata: object,
    n: pd.Series | Sequence[int] | np.ndarray,
    *,
    sigma: float | None = None,
) -> pd.Series:
    r"""Posterior mean of each group's shrinkage factor, :math:`E(B_j \mid y)`.

    .. math:: B_j = \frac{\sigma^2 / n_j}{\sigma^2 / n_j + \tau^2},

    averaged over the posterior draws of :math:`\tau` (and :math:`\sigma`):
    :func:`companion.shrinkage_factors` draw by draw. In a model with a
    covariate, :math:`\tau` is the residual sd and :math:`B_j` the weight on
    the regression prediction :math:`\mu + \beta w_j` (for groups whose
    covariate is observed).

    Parameters
    ----------
    idata : xarray.DataTree
        A fit with ``tau`` (and ``sigma`` unless given) in the posterior.
    n : pandas.Series or array-like of int
        Observed units per group (e.g. ``group_summaries(...)["n_observed"]``),
        all positive.
    sigma : float, optional
        Known within-group sd, for models fitted with ``known_sigma``.

    Returns
    -------
    pandas.Series
        :math:`E(B_j \mid y)`, indexed like ``n`` (a Series) or by position.

    Examples
    --------
    >>> from companion import hierarchical_model, sample, simulate_schools
    >>> from companion.hierarchical import posterior_shrinkage
    >>> data = simulate_schools(seed=1)
    >>> model = hierarchical_model(data)
    >>> fit = sample(model, draws=200, tune=200, chains=2)  # doctest: +SKIP
    >>> sizes = data.groupby("school").size()
    >>> shrinkage = posterior_shrinkage(fit, sizes)  # doctest: +SKIP
    >>> bool(((shrinkage > 0) & (shrinkage < 1)).all())  # doctest: +SKIP
    True
    """
    posterior = check_posterior(idata)
    counts = np.asarray(n, dtype=float)
    if counts.ndim != 1 or counts.size == 0 or np.isnan(counts).any() or (counts <= 0).any():
        raise ValueError("`n` must be a 1-D array of positive group sizes.")
    if "tau" not in posterior.data_vars:
        raise ValueError("the posterior has no `tau`; is it a hierarchical model?")
    tau = posterior["tau"].to_numpy().ravel()
    if sigma is None:
        if "sigma" not in posterior.data_vars:
            raise ValueError("the posterior has no `sigma`; pass the known `sigma`.")
        sig = posterior["sigma"].to_numpy().ravel()
    else:
        sig = np.full_like(tau, check_real(sigma, "sigma", positive=True))
    noise = sig[:, None] ** 2 / counts[None, :]
    factors = shrinkage(noise, tau[:, None]).mean(axis=0)
    index = n.index if isinstance(n, pd.Series) else pd.RangeIndex(counts.size)
    return pd.Series(factors, index=index, name="shrinkage")


def group_summary(idata: object, var_name: str = "theta", *, level: float = 0.9) -> pd.DataFrame:
    """Posterior mean, sd, central interval and Monte Carlo error per group.

    Parameters
    ----------
    idata : xarray.DataTree
        A fit with ``var_name`` in its posterior, with one group dimension.
    var_name : str, default "theta"
        The posterior variable to summarise.
    level : float, default 0.9
        Probability of the central interval.

    Returns
    -------
    pandas.DataFrame
        Indexed by group: ``mean``, ``sd``, ``lower``, ``upper`` and
        ``mcse`` (Monte Carlo standard error of the mean, from ArviZ's
        effective sample size).

    Examples
    --------
    >>> from companion import eight_schools, hierarchical_model, sample
    >>> model = hierarchical_model(eight_schools(), outcome="y", se="sigma")
    >>> fit = sample(model, draws=200, tune=200, chains=2)  # doctest: +SKIP
    >>> from companion.hierarchical import group_summary
    >>> group_summary(fit).columns.tolist()  # doctest: +SKIP
    ['mean', 'sd', 'lower', 'upper', 'mcse']
    """
    import arviz as az

    from companion._validation import check_probability

    level = check_probability(level, "level")
    draws = _posterior_draws(idata, var_name)
    matrix, labels = _draws_matrix(draws, var_name)  # also checks the dimensions
    tail = (1 - level) / 2
    mcse = az.mcse(draws.to_dataset(name=var_name), method="mean")[var_name].to_numpy()
    return pd.DataFrame(
        {
            "mean": matrix.mean(axis=0),
            "sd": matrix.std(axis=0, ddof=1),
            "lower": np.quantile(matrix, tail, axis=0),
            "upper": np.quantile(matrix, 1 - tail, axis=0),
            "mcse": mcse,
        },
        index=labels,
    )
