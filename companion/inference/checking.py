r"""Checking fitted hierarchical models: predictive checks, prediction and LOO.

Three questions about a fitted model, one group of functions each:

* **Does the model reproduce the data, school by school?**
  :func:`group_test_statistics` computes a test statistic :math:`T` (mean,
  sd, min, max, ...) of each group's observed data and of each replicated
  data set, and the posterior predictive p-value
  :math:`p_j = \Pr\{T(y^{\text{rep}}_j) \ge T(y_j) \mid y\}`
  (Gelman, Meng and Stern 1996).
* **What does it predict?** :func:`predict_new_group` draws the mean of a
  school not in the data, :math:`\tilde\theta \sim \mathcal N(\mu, \tau^2)`,
  and a student in it; :func:`predict_new_unit` draws a new student in a
  school that *is* in the data, :math:`\tilde y \sim \mathcal N(\theta_j,
  \sigma^2)`.
* **Which pooling predicts best?** :func:`compare_loo` compares models by
  PSIS-LOO (Vehtari, Gelman and Gabry 2017) with ArviZ and counts the
  observations whose Pareto :math:`\hat k` makes the estimate unreliable;
  :func:`pareto_k` returns those diagnostics one by one.

Every function takes the :class:`xarray.DataTree` returned by
:func:`companion.sample`; draws are flattened in chain-major order.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from companion._draws import stacked, variable
from companion._validation import (
    SeedLike,
    check_fit_group,
    check_probability,
    check_real,
    check_rng,
)

if TYPE_CHECKING:
    import pandas as pd
    import xarray as xr

__all__ = [
    "K_THRESHOLD",
    "STATISTICS",
    "compare_loo",
    "group_statistic_draws",
    "group_test_statistics",
    "pareto_k",
    "predict_new_group",
    "predict_new_unit",
]

Statistic = str | Callable[..., np.ndarray]


def _sd(values: np.ndarray, axis: int) -> np.ndarray:
    return np.std(values, axis=axis, ddof=1)


#: Test statistics known by name; each reduces an array along ``axis``.
STATISTICS: dict[str, Callable[..., np.ndarray]] = {
    "mean": np.mean,
    "sd": _sd,
    "min": np.min,
    "max": np.max,
    "median": np.median,
}


# --------------------------------------------------------------------------- helpers
def _group(idata: object, name: str, hint: str = "") -> xr.Dataset:
    return check_fit_group(idata, name, "idata", hint)


def _draws(dataset: xr.Dataset, var: str, argument: str = "idata") -> np.ndarray:
    """Draws of ``var`` as an array (chain * draw, ...), chain-major."""
    return stacked(variable(dataset, var, argument="var_name", where=f"`{argument}`"))


def _statistic(stat: Statistic) -> tuple[str, Callable[..., np.ndarray]]:
    if callable(stat):
        return getattr(stat, "__name__", "statistic"), stat
    if isinstance(stat, str) and stat in STATISTICS:
        return stat, STATISTICS[stat]
    raise ValueError(f"`stat` must be one of {sorted(STATISTICS)} or a callable, got {stat!r}.")


def _group_labels(idata: xr.DataTree, group: str | None, source: str = "posterior") -> list:
    if group is None:
        return ["all"]
    draws = _group(idata, source)
    if group not in draws.coords:
        dims = sorted(d for d in draws.dims if d not in ("chain", "draw"))
        raise ValueError(f"`group`={group!r} is not a dimension of the {source}; it has {dims}.")
    return draws[group].to_numpy().tolist()


# --------------------------------------------------------------------------- predictive checks
# Predictive group -> the group holding the parameter draws (and group labels).
_SOURCES = {"posterior_predictive": "posterior", "prior_predictive": "prior"}


def group_statistic_draws(
    idata: xr.DataTree,
    stat: Statistic = "mean",
    *,
    group: str | None = "school",
    var_name: str = "y",
    predictive: str = "posterior_predictive",
    groups: Sequence | np.ndarray | pd.Series | None = None,
) -> tuple[pd.Series, pd.DataFrame]:
    r"""Observed and replicated values of a test statistic, one per group.

    Parameters
    ----------
    idata : xarray.DataTree
        With ``posterior_predictive``, ``observed_data`` and the
        ``constant_data`` variable ``group_idx`` (as from
        ``companion.sample(model, posterior_predictive=True)``).
    stat : str, one of "mean", "sd", "min", "max", "median" or callable
        The statistic :math:`T`; a callable must reduce along ``axis``, like
        ``numpy.mean(values, axis=...)``.
    group : str or None, default "school"
        Name of the group dimension (the model's group column); ``None``
        pools all observations into one group labelled ``"all"``.
    var_name : str, default "y"
        The observed variable.
    predictive : str, one of "posterior_predictive", "prior_predictive"
        Where the replicated data come from: the posterior (checking a fit)
        or the prior (a prior predictive check, from
        :func:`companion.sample_prior_predictive`).
    groups : array-like, optional
        Each observation's group label, in the order of the observed data,
        for fits that do not record it (bambi's, for example:
        ``groups=data["county"]``); groups are then sorted as bambi sorts
        them, and ``group`` only names the result's index.

    Returns
    -------
    observed : pandas.Series
        :math:`T(y_j)` for each group.
    replicated : pandas.DataFrame
        :math:`T(y^{\text{rep}}_j)`, one row per draw, one column per group.

    Examples
    --------
    >>> from companion import hierarchical_model, sample, simulate_schools
    >>> model = hierarchical_model(simulate_schools(seed=1))
    >>> idata = sample(model, draws=200, tune=200, chains=2,  # doctest: +SKIP
    ...                posterior_predictive=True)
    >>> from companion.inference import group_statistic_draws
    >>> observed, replicated = group_statistic_draws(idata, "sd")  # doctest: +SKIP
    >>> replicated.shape  # 2 chains x 200 draws, 8 schools  # doctest: +SKIP
    (400, 8)
    >>> p_values = (replicated >= observed).mean()  # doctest: +SKIP
    """
    import pandas as pd

    name, function = _statistic(stat)
    if predictive not in _SOURCES:
        raise ValueError(f"`predictive` must be one of {list(_SOURCES)}, got {predictive!r}.")
    hint = "; sample with `posterior_predictive=True`" if predictive[:4] == "post" else ""
    replicated = _draws(_group(idata, predictive, hint), var_name)
    observed = _group(idata, "observed_data")[var_name].to_numpy().ravel()
    if groups is not None:
        codes, uniques = pd.factorize(pd.Series(np.asarray(groups)), sort=True)
        if codes.size != observed.size:
            raise ValueError(
                f"`groups` has {codes.size} labels for {observed.size} observations of "
                f"{var_name!r}; give one label per observation, in the data's order."
            )
        if (codes < 0).any():
            raise ValueError("`groups` has missing labels.")
        idx, labels = codes, uniques.tolist()
        group = group or "group"
    elif group is None:
        labels = _group_labels(idata, group, _SOURCES[predictive])
        idx = np.zeros(observed.size, dtype=int)
    else:
        labels = _group_labels(idata, group, _SOURCES[predictive])
        idx = _group(idata, "constant_data")["group_idx"].to_numpy().ravel()
    replicated = replicated.reshape(len(replicated), -1)
    if replicated.shape[1] != observed.size or idx.size != observed.size:
        raise ValueError(
            f"`idata`: {observed.size} observations but {replicated.shape[1]} replicated "
            f"values and {idx.size} group indices."
        )
    sizes = np.bincount(idx, minlength=len(labels))
    if name == "sd" and (sizes < 2).any():
        raise ValueError("`stat`='sd' needs at least 2 observations in every group.")
    obs_values, rep_values = [], []
    for j in range(len(labels)):
        in_group = idx == j
        obs_values.append(float(function(observed[in_group], axis=0)))
        rep_values.append(function(replicated[:, in_group], axis=1))
    index = pd.Index(labels, name=group or "group")
    return (
        pd.Series(obs_values, index=index, name=name),
        pd.DataFrame(np.column_stack(rep_values), columns=index),
    )


def group_test_statistics(
    idata: xr.DataTree,
    stat: Statistic | Sequence[Statistic] = ("mean", "sd", "min", "max"),
    *,
    group: str | None = "school",
    var_name: str = "y",
    prob: float = 0.9,
    groups: Sequence | np.ndarray | pd.Series | None = None,
) -> pd.DataFrame:
    r"""Posterior predictive checks of each group, for one or more statistics.

    For group :math:`j` and statistic :math:`T`, the posterior predictive
    p-value is :math:`p_j = \Pr\{T(y^{\text{rep}}_j) \ge T(y_j) \mid y\}`,
    estimated by the share of posterior draws whose replicated statistic is
    at least the observed one. Values near 0 or 1 flag a group whose data the
    model does not reproduce.

    Parameters
    ----------
    idata : xarray.DataTree
        See :func:`group_statistic_draws`.
    stat : str, callable or a sequence of them, default ("mean", "sd", "min", "max")
        Test statistics: names from :data:`STATISTICS` or functions reducing
        an array along ``axis``.
    group : str or None, default "school"
        The group dimension, as in :func:`group_statistic_draws`.
    var_name : str, default "y"
        The observed variable, as in :func:`group_statistic_draws`.
    prob : float, default 0.9
        Probability of the central interval of the replicated statistic.
    groups : array-like, optional
        Each observation's group label, as in :func:`group_statistic_draws`,
        for a bambi fit: ``group_test_statistics(fit, group="county",
        var_name="log_radon", groups=data["county"])``.

    Returns
    -------
    pandas.DataFrame
        One row per statistic and group, columns ``statistic``, the group
        labels (named after ``group``, or ``"group"`` when it is None),
        ``observed``, ``replicated_mean``, ``lower``, ``upper`` and
        ``p_value``.

    Examples
    --------
    >>> from companion import hierarchical_model, sample, simulate_schools
    >>> model = hierarchical_model(simulate_schools(seed=1))
    >>> idata = sample(model, draws=200, tune=200, chains=2,  # doctest: +SKIP
    ...                posterior_predictive=True)
    >>> from companion import group_test_statistics
    >>> checks = group_test_statistics(idata, ["mean", "sd"])  # doctest: +SKIP
    >>> table = checks.pivot(  # doctest: +SKIP
    ...     index="school", columns="statistic", values="p_value")
    >>> table.shape  # doctest: +SKIP
    (8, 2)
    """
    import pandas as pd

    prob = check_probability(prob, "prob")
    stats = [stat] if isinstance(stat, str) or callable(stat) else list(stat)
    if not stats:
        raise ValueError("`stat` must name at least one statistic.")
    tables = []
    for one in stats:
        observed, replicated = group_statistic_draws(
            idata, one, group=group, var_name=var_name, groups=groups
        )
        tail = (1 - prob) / 2
        tables.append(
            pd.DataFrame(
                {
                    "statistic": observed.name,
                    observed.index.name: observed.index,
                    "observed": observed.to_numpy(),
                    "replicated_mean": replicated.mean().to_numpy(),
                    "lower": replicated.quantile(tail).to_numpy(),
                    "upper": replicated.quantile(1 - tail).to_numpy(),
                    "p_value": (replicated >= observed).mean().to_numpy(),
                }
            )
        )
    table = pd.concat(tables, ignore_index=True)
    table.attrs["prob"] = prob  # read by companion.plots.plot_group_ppc
    return table


# --------------------------------------------------------------------------- prediction
def _noise(posterior: xr.Dataset, se: float | None) -> np.ndarray | float | None:
    if se is not None:
        return check_real(se, "se", positive=True)
    if "sigma" in posterior:
        return _draws(posterior, "sigma")
    return None


def _predictor_shift(posterior: xr.Dataset, x: Mapping[str, float] | None) -> np.ndarray | float:
    """Draws of x . beta for a model with unit-level predictors (0 without them)."""
    if "beta" not in posterior:
        if x is not None:
            raise ValueError("`x` was given, but the fit has no unit-level predictors (`beta`).")
        return 0.0
    names = [str(v) for v in posterior["beta"].coords["predictor"].values]
    if not isinstance(x, Mapping):
        raise TypeError(
            f"the fit has unit-level predictors {names}: pass the new unit's values as "
            "`x`, a dict of predictor name to value."
        )
    if sorted(map(str, x)) != sorted(names):
        raise ValueError(f"`x` must give exactly the predictors {names}, got {list(x)}.")
    values = np.array([check_real(x[name], f"x[{name!r}]") for name in names])
    beta = stacked(posterior["beta"].transpose("chain", "draw", "predictor"))
    return beta @ values


def predict_new_group(
    idata: xr.DataTree,
    *,
    se: float | None = None,
    x: Mapping[str, float] | None = None,
    seed: SeedLike = None,
) -> pd.DataFrame:
    r"""Draws of a new group's mean and of a new unit in that new group.

    For each posterior draw :math:`(\mu, \tau, \sigma)` this draws
    :math:`\tilde\theta \sim \mathcal N(\mu, \tau^2)` and
    :math:`\tilde y \sim \mathcal N(\tilde\theta, \sigma^2)`, so that
    :math:`\operatorname{Var}(\tilde y \mid y) = \operatorname{Var}(\mu \mid y)
    + E(\tau^2 \mid y) + E(\sigma^2 \mid y)`.

    Parameters
    ----------
    idata : xarray.DataTree
        Posterior of a hierarchical model (with ``mu`` and ``tau``).
    se : float, optional
        Standard deviation of a new observation around :math:`\tilde\theta`
        instead of the posterior ``sigma``; required for summary-data models
        (no ``sigma``) to get ``y_new``, for example a new school's known
        standard error.
    x : dict of str to float, optional
        The new unit's predictor values, for a model with unit-level
        predictors (``hierarchical_model(..., predictors=...)``), which then
        needs them: :math:`\tilde y \sim \mathcal N(\tilde\theta + x\beta,
        \sigma^2)`.
    seed : int or numpy.random.Generator or None
        Seed of the new draws (``None``: fresh randomness).

    Returns
    -------
    pandas.DataFrame
        One row per posterior draw (chain-major): ``theta_new`` and, when a
        noise scale is known, ``y_new``.

    Examples
    --------
    >>> from companion import hierarchical_model, sample, simulate_schools
    >>> model = hierarchical_model(simulate_schools(seed=1))
    >>> idata = sample(model, draws=200, tune=200, chains=2,  # doctest: +SKIP
    ...                posterior_predictive=True)
    >>> from companion import predict_new_group
    >>> new = predict_new_group(idata, seed=1)  # doctest: +SKIP
    >>> new.columns.tolist(), len(new)  # doctest: +SKIP
    (['theta_new', 'y_new'], 400)
    """
    import pandas as pd

    posterior = _group(idata, "posterior")
    for var in ("mu", "tau"):
        if var not in posterior:
            raise ValueError(
                f"`idata` has no {var!r}: predicting a new group needs a hierarchical model."
            )
    shift = _predictor_shift(posterior, x)
    rng = check_rng(seed)
    mu, tau = _draws(posterior, "mu"), _draws(posterior, "tau")
    theta_new = rng.normal(mu, tau)
    result = {"theta_new": theta_new}
    noise = _noise(posterior, se)
    if noise is not None:
        result["y_new"] = rng.normal(theta_new + shift, noise)
    return pd.DataFrame(result)


def predict_new_unit(
    idata: xr.DataTree,
    label: object,
    *,
    group: str = "school",
    se: float | None = None,
    x: Mapping[str, float] | None = None,
    seed: SeedLike = None,
) -> pd.DataFrame:
    r"""Draws of a new unit (student) in a group that is in the data.

    For each posterior draw, :math:`\tilde y \sim \mathcal N(\theta_j,
    \sigma^2)`, so :math:`\operatorname{Var}(\tilde y \mid y) =
    \operatorname{Var}(\theta_j \mid y) + E(\sigma^2 \mid y)`.

    Parameters
    ----------
    idata : xarray.DataTree
        Posterior with ``theta`` over the ``group`` dimension.
    label : object
        The group, for example ``"School 2"``.
    group : str, default "school"
        Name of the group dimension.
    se : float, optional
        Noise scale instead of the posterior ``sigma`` (required for
        summary-data models).
    x : dict of str to float, optional
        The new unit's predictor values, for a model with unit-level
        predictors, which then needs them: :math:`\tilde y \sim
        \mathcal N(\theta_j + x\beta, \sigma^2)`.
    seed : int or numpy.random.Generator or None
        Seed of the new draws (``None``: fresh randomness).

    Returns
    -------
    pandas.DataFrame
        One row per posterior draw: ``theta`` (the group's mean, or its
        intercept in a model with predictors) and ``y_new``.

    Examples
    --------
    >>> from companion import hierarchical_model, sample, simulate_schools
    >>> model = hierarchical_model(simulate_schools(seed=1))
    >>> idata = sample(model, draws=200, tune=200, chains=2,  # doctest: +SKIP
    ...                posterior_predictive=True)
    >>> from companion import predict_new_unit
    >>> new = predict_new_unit(idata, "School 2", seed=1)  # doctest: +SKIP
    >>> new.columns.tolist(), len(new)  # doctest: +SKIP
    (['theta', 'y_new'], 400)
    """
    import pandas as pd

    labels = _group_labels(idata, group)
    if label not in labels:
        raise ValueError(f"`label`={label!r} is not a group of `idata`; groups are {labels}.")
    posterior = _group(idata, "posterior")
    theta = _draws(posterior, "theta")[:, labels.index(label)]
    noise = _noise(posterior, se)
    if noise is None:
        raise ValueError("`idata` has no 'sigma' (summary data): pass the noise scale as `se`.")
    shift = _predictor_shift(posterior, x)
    rng = check_rng(seed)
    return pd.DataFrame({"theta": theta, "y_new": rng.normal(theta + shift, noise)})


# --------------------------------------------------------------------------- LOO
#: Pareto k above which a PSIS-LOO term is unreliable (Vehtari et al. 2024).
K_THRESHOLD = 0.7

_PARETO_WARNING = "Estimated shape parameter of Pareto distribution is greater than"


def _loo(idata: xr.DataTree, name: str):
    import arviz as az

    _group(idata, "log_likelihood", "; sample with `log_likelihood=True`")
    with warnings.catch_warnings():
        # High k values are not hidden: compare_loo and pareto_k report them.
        warnings.filterwarnings("ignore", message=_PARETO_WARNING, category=UserWarning)
        try:
            return az.loo(idata, pointwise=True)
        except (TypeError, ValueError, KeyError) as err:
            raise ValueError(f"`models[{name!r}]`: PSIS-LOO failed: {err}") from err


def pareto_k(idata: xr.DataTree) -> pd.Series:
    r"""Pareto :math:`\hat k` of each observation's PSIS-LOO importance weights.

    Values above 0.7 mean the importance sampling estimate of that
    observation's leave-one-out predictive density is unreliable (Vehtari et
    al. 2024).

    Returns
    -------
    pandas.Series
        Indexed by the observation coordinate (``obs``, or the group for
        summary data).

    Examples
    --------
    >>> from companion import eight_schools, hierarchical_model, sample
    >>> model = hierarchical_model(eight_schools(), outcome="y", se="sigma")
    >>> fit = sample(model, draws=200, tune=200, chains=2)  # doctest: +SKIP
    >>> from companion import pareto_k
    >>> pareto_k(fit).index.tolist()  # doctest: +SKIP
    ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H']
    """
    import pandas as pd

    k = _loo(idata, "idata").pareto_k
    dim = k.dims[0]
    return pd.Series(k.to_numpy(), index=pd.Index(k[dim].to_numpy(), name=dim), name="pareto_k")


def compare_loo(
    models: Mapping[str, xr.DataTree], *, threshold: float = K_THRESHOLD
) -> pd.DataFrame:
    r"""Compare models by PSIS-LOO, with Pareto-:math:`\hat k` counts.

    Wraps :func:`arviz.loo` and :func:`arviz.compare` (ArviZ 1.x). The
    expected log pointwise predictive density
    :math:`\widehat{\text{elpd}}_{\text{loo}} = \sum_i \log p(y_i \mid y_{-i})`
    is estimated for each model; differences are relative to the best one.

    Parameters
    ----------
    models : dict of str to xarray.DataTree
        At least two fitted models (with a ``log_likelihood`` group) of the
        same observations.
    threshold : float, default 0.7
        Pareto :math:`\hat k` above which an observation counts as
        unreliable.

    Returns
    -------
    pandas.DataFrame
        One row per model, best first: ``elpd``, ``se``, ``elpd_diff``
        (negative: worse than the best), ``dse`` (standard error of the
        difference), ``p_loo`` (effective number of parameters), ``n_obs``,
        ``n_high_k`` (observations with :math:`\hat k >` ``threshold``) and
        ``max_k``.

    Examples
    --------
    >>> from companion import compare_loo, complete_pooling_model, eight_schools
    >>> from companion import hierarchical_model, sample
    >>> def fit(make):
    ...     model = make(eight_schools(), outcome="y", se="sigma")
    ...     return sample(model, draws=200, tune=200, chains=2)
    >>> partial = fit(hierarchical_model)  # doctest: +SKIP
    >>> complete = fit(complete_pooling_model)  # doctest: +SKIP
    >>> fits = {"partial": partial, "complete": complete}  # doctest: +SKIP
    >>> sorted(compare_loo(fits).index)  # doctest: +SKIP
    ['complete', 'partial']
    """
    import arviz as az
    import pandas as pd

    if not isinstance(models, Mapping) or len(models) < 2:
        raise ValueError("`models` must be a dict of at least two fitted models.")
    threshold = check_real(threshold, "threshold")
    loos = {str(name): _loo(idata, str(name)) for name, idata in models.items()}
    sizes = {name: loo.n_data_points for name, loo in loos.items()}
    if len(set(sizes.values())) > 1:
        raise ValueError(f"`models` predict different numbers of observations: {sizes}.")
    comparison = az.compare(loos, round_to="none")
    rows = {}
    for name in comparison.index:
        k = loos[name].pareto_k.to_numpy()
        rows[name] = {
            "elpd": comparison.loc[name, "elpd"],
            "se": comparison.loc[name, "se"],
            "elpd_diff": comparison.loc[name, "elpd_diff"],
            "dse": comparison.loc[name, "dse"],
            "p_loo": comparison.loc[name, "p"],
            "n_obs": sizes[name],
            "n_high_k": int((k > threshold).sum()),
            "max_k": float(k.max()),
        }
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "model"
    return table
