r"""Complete, no and partial pooling as PyMC models.

All three models take the same data, in one of two forms:

* **individual data**: a DataFrame with one row per unit (student), a group
  column and an outcome column; the within-group standard deviation
  :math:`\sigma` is estimated;
* **group summaries**: one row per group with an estimate and its known
  standard error (pass the column name as ``se``), as in eight schools.

Every model names its variables the same way, so their posteriors can be
compared directly: ``mu`` (population mean), ``theta`` (group means, a
deterministic copy of ``mu`` under complete pooling), ``tau`` (between-group
standard deviation, hierarchical model only), ``sigma`` (within-group
standard deviation, individual data only) and the observed ``y``. The group
dimension is named after the group column, so ArviZ labels its output by
school; individual observations use the dimension ``obs``. The data enter as
``pm.Data`` (``y_obs``, ``group_idx``, ``se``), so a compiled model can be
re-run on new data of the same shape.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from companion._random import DEFAULT_SEED
from companion._validation import (
    SeedLike,
    check_column,
    check_frame,
    check_posterior,
    check_rng,
    finite_values,
    group_codes,
)
from companion.hierarchical.priors import (
    AUTO_WIDTH,
    auto_priors,
    location_prior,
    pymc_distribution,
    scale_prior,
)

if TYPE_CHECKING:
    import pymc as pm
    import xarray as xr

__all__ = [
    "GroupedData",
    "LIKELIHOODS",
    "grouped_data",
    "hierarchical_model",
    "is_marginal",
    "complete_pooling_model",
    "recover_group_means",
    "no_pooling_model",
]
# fmt: skip

Parameterization = Literal["centered", "noncentered"]
Likelihood = Literal["full", "sufficient", "marginal"]
#: The ``likelihood`` options of :func:`hierarchical_model`.
LIKELIHOODS = ("full", "sufficient", "marginal")


@dataclass(frozen=True)
class GroupedData:
    """Validated model input: outcomes, their groups and, for summaries, standard errors.

    Made by :func:`grouped_data`, which every model of the package calls.

    Attributes
    ----------
    y : numpy.ndarray
        The outcomes (individual data) or the group estimates (summaries).
    group_idx : numpy.ndarray
        Integer code of each value's group, an index into ``groups``.
    groups : pandas.Index
        The group labels, in model order.
    group_name : str
        Name of the group column; it names the group dimension of a model.
    se : numpy.ndarray or None, default None
        Known standard error of each group estimate; None for individual
        data.

    Examples
    --------
    >>> from companion import eight_schools
    >>> from companion.hierarchical import grouped_data
    >>> d = grouped_data(eight_schools(), outcome="y", se="sigma")
    >>> d.group_name, d.n_groups, d.is_summary
    ('school', 8, True)
    """

    y: np.ndarray
    group_idx: np.ndarray
    groups: pd.Index
    group_name: str
    se: np.ndarray | None = None

    @property
    def is_summary(self) -> bool:
        """True for one estimate per group with a known standard error."""
        return self.se is not None

    @property
    def n_groups(self) -> int:
        """Number of groups."""
        return len(self.groups)

    def group_sizes(self) -> np.ndarray:
        """Count the observations in each group."""
        return np.bincount(self.group_idx, minlength=self.n_groups)

    def group_means(self) -> np.ndarray:
        """Raw mean (or the given estimate) of each group."""
        return np.bincount(self.group_idx, weights=self.y, minlength=self.n_groups) / (
            self.group_sizes()
        )

    def within_sum_of_squares(self) -> np.ndarray:
        """Sum of squared deviations from the group mean, per group (individual data)."""
        deviations = self.y - self.group_means()[self.group_idx]
        return np.bincount(self.group_idx, weights=deviations**2, minlength=self.n_groups)


def grouped_data(
    data: pd.DataFrame,
    *,
    group: str = "school",
    outcome: str = "score",
    se: str | None = None,
    groups: Sequence | None = None,
) -> GroupedData:
    """Validate a DataFrame of individual data or group summaries.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per unit, or one row per group when ``se`` is given.
    group : str, default "school"
        Name of the group column.
    outcome : str, default "score"
        Name of the outcome (or estimate) column.
    se : str, optional
        Name of the column of known standard errors; marks ``data`` as group
        summaries.
    groups : sequence, optional
        The groups and their order. Defaults to the categories of a
        categorical group column, otherwise the labels in order of
        appearance. A label not in ``groups`` or a listed group without rows
        is an error.

    Returns
    -------
    GroupedData

    Examples
    --------
    >>> from companion.hierarchical import grouped_data
    >>> from companion import eight_schools
    >>> d = grouped_data(eight_schools(), outcome="y", se="sigma")
    >>> d.n_groups, d.is_summary
    (8, True)
    """
    check_frame(data, "data")
    y = finite_values(check_column(data, outcome, "outcome", frame="data"), "outcome")
    codes, index = group_codes(check_column(data, group, "group", frame="data"), groups)
    se_values = None
    if se is not None:
        se_values = finite_values(check_column(data, se, "se", frame="data"), "se")
        if (se_values <= 0).any():
            raise ValueError(
                f"`se` column {se!r} must be positive, got {se_values[se_values <= 0][0]}."
            )
        if len(index) != len(data):
            raise ValueError(
                "with `se` each row summarises one group, but some groups in "
                f"`group` column {group!r} appear more than once."
            )
    return GroupedData(y, codes, index, str(group), se_values)


def _group_means(mu, tau, dim: str, parameterization: str):
    """theta_j ~ N(mu, tau^2), written centred or through z_j ~ N(0, 1)."""
    import pymc as pm

    if parameterization == "centered":
        return pm.Normal("theta", mu, tau, dims=dim)
    z = pm.Normal("z", 0.0, 1.0, dims=dim)
    return pm.Deterministic("theta", mu + tau * z, dims=dim)


def _resolve_priors(data: GroupedData, mu_prior, tau_prior, sigma_prior):
    auto_location, auto_scale = auto_priors(data.y, data.se)
    return (
        location_prior(mu_prior, "mu_prior", auto_location),
        scale_prior(tau_prior, "tau_prior", auto_scale),
        scale_prior(sigma_prior, "sigma_prior", auto_scale),
    )


def _build(
    kind: str,
    data: pd.DataFrame,
    *,
    group: str,
    outcome: str,
    se: str | None,
    groups: Sequence | None,
    mu_prior,
    tau_prior,
    sigma_prior,
    parameterization: str = "noncentered",
    likelihood: str = "full",
    predictors: object = None,
    beta_prior: object = "auto",
) -> pm.Model:
    import pymc as pm

    if parameterization not in ("centered", "noncentered"):
        raise ValueError(
            f"`parameterization` must be 'centered' or 'noncentered', got {parameterization!r}."
        )
    if likelihood not in LIKELIHOODS:
        raise ValueError(f"`likelihood` must be one of {LIKELIHOODS}, got {likelihood!r}.")
    d = grouped_data(data, group=group, outcome=outcome, se=se, groups=groups)
    if kind == "hierarchical" and d.n_groups < 2:
        raise ValueError(f"a hierarchical model needs at least 2 groups, got {d.n_groups}.")
    x = None
    if predictors is not None:
        if d.is_summary:
            raise ValueError(
                "`predictors` need individual data (one row per unit); with `se` each row "
                "is a group's estimate."
            )
        x = _predictor_matrix(data, predictors, group=group, outcome=outcome)
    if x is not None:
        return _build_regression(
            d, x, likelihood, *_resolve_priors(d, mu_prior, tau_prior, sigma_prior),
            _beta_prior(beta_prior, d.y, x), parameterization,
        )  # fmt: skip
    if likelihood != "full":
        if d.is_summary:
            raise ValueError(
                f"likelihood={likelihood!r} needs individual data; group summaries with `se` "
                "already are sufficient statistics."
            )
        return _build_collapsed(
            d, likelihood, *_resolve_priors(d, mu_prior, tau_prior, sigma_prior), parameterization
        )
    mu_p, tau_p, sigma_p = _resolve_priors(d, mu_prior, tau_prior, sigma_prior)
    g = d.group_name
    obs_dim = g if d.is_summary else "obs"
    coords = {g: d.groups.tolist()}
    if not d.is_summary:
        coords["obs"] = np.arange(len(d.y))

    with pm.Model(coords=coords) as model:
        y_obs = pm.Data("y_obs", d.y, dims=obs_dim)
        idx = pm.Data("group_idx", d.group_idx, dims=obs_dim)
        if kind == "pooled":
            mu = pymc_distribution("mu", mu_p)
            theta = pm.Deterministic("theta", mu * pm.math.ones(d.n_groups), dims=g)
        elif kind == "unpooled":
            theta = pymc_distribution("theta", mu_p, dims=g)
        else:
            mu = pymc_distribution("mu", mu_p)
            theta = _group_means(mu, pymc_distribution("tau", tau_p), g, parameterization)
        if d.is_summary:
            noise = pm.Data("se", d.se, dims=obs_dim)
        else:
            noise = pymc_distribution("sigma", sigma_p)
        pm.Normal("y", theta[idx], noise, observed=y_obs, dims=obs_dim)
    return model


def _build_collapsed(
    d: GroupedData, likelihood: str, mu_p, tau_p, sigma_p, parameterization: str
) -> pm.Model:
    """Build the hierarchical model for individual data through group statistics.

    The normal likelihood of group j depends on the data only through n_j,
    the mean ybar_j and the within-group sum of squares SS_j:
    prod_i N(y_ij | theta_j, sigma^2) is proportional to
    N(ybar_j | theta_j, sigma^2 / n_j) * sigma^-(n_j - 1) * exp(-SS_j / (2 sigma^2)).
    """
    import pymc as pm

    g = d.group_name
    with pm.Model(coords={g: d.groups.tolist()}) as model:
        n = pm.Data("n", d.group_sizes().astype(float), dims=g)
        ybar = pm.Data("ybar", d.group_means(), dims=g)
        ss = pm.Data("ss", d.within_sum_of_squares(), dims=g)
        mu = pymc_distribution("mu", mu_p)
        tau = pymc_distribution("tau", tau_p)
        sigma = pymc_distribution("sigma", sigma_p)
        se = sigma / pm.math.sqrt(n)
        if likelihood == "sufficient":
            theta = _group_means(mu, tau, g, parameterization)
            pm.Normal("ybar_obs", theta, se, observed=ybar, dims=g)
        else:
            # theta integrated out: ybar_j ~ N(mu, tau^2 + sigma^2 / n_j). NUTS sees only
            # mu, tau and sigma; recover_group_means draws theta afterwards.
            pm.Normal("ybar_obs", mu, pm.math.sqrt(tau**2 + se**2), observed=ybar, dims=g)
            setattr(model, _MARGINAL_GROUP, g)
        pm.Potential("within_ss", pm.math.sum(-(n - 1) * pm.math.log(sigma) - ss / (2 * sigma**2)))
    return model


_MARGINAL_GROUP = "_companion_marginal_group"
#: The dimension of the unit-level predictors' coefficients ``beta``.
PREDICTOR_DIM = "predictor"


def _predictor_matrix(data: pd.DataFrame, predictors: object, *, group, outcome) -> pd.DataFrame:
    """Return the unit-level predictors as floats, checked (no NaN, not constant)."""
    from companion._validation import check_frame_columns

    columns = check_frame_columns(data, predictors, "predictors", frame="data")
    if len(set(columns)) != len(columns):
        raise ValueError(f"`predictors` repeats a column: {columns}.")
    for column in columns:
        if column in (group, outcome):
            raise ValueError(
                f"`predictors` must not include the group or outcome column ({column!r})."
            )
    x = pd.DataFrame({c: finite_values(data[c], "predictors") for c in columns}, index=data.index)
    constant = [c for c in columns if np.ptp(x[c].to_numpy()) == 0]
    if constant:
        raise ValueError(
            f"`predictors` {constant} are constant; the group means already carry a constant."
        )
    return x


def _beta_prior(spec: object, y: np.ndarray, x: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Means and sds of the normal priors of the slopes: "auto" or one (mean, sd) for all."""
    if isinstance(spec, str) and spec == "auto":
        # 2.5 outcome sds per predictor sd: the scale of auto_priors, per unit of each predictor.
        spread = float(np.std(y, ddof=1)) if y.size > 1 else 1.0
        sd = AUTO_WIDTH * (spread if spread > 0 else 1.0) / x.std(ddof=1).to_numpy()
        return np.zeros(x.shape[1]), sd
    prior = location_prior(spec, "beta_prior")
    if prior.sd is None:
        raise ValueError("`beta_prior` must be 'auto' or a (mean, sd) tuple, not flat.")
    return np.full(x.shape[1], prior.mean), np.full(x.shape[1], prior.sd)


def _within_cross_products(d: GroupedData, x: np.ndarray):
    """Pooled within-group cross-products of (x, y), from group-centred values (stable)."""
    n = d.group_sizes().astype(float)
    xbar = (
        np.stack(
            [np.bincount(d.group_idx, weights=col, minlength=d.n_groups) for col in x.T], axis=1
        )
        / n[:, None]
    )
    xc = x - xbar[d.group_idx]
    yc = d.y - d.group_means()[d.group_idx]
    return xbar, xc.T @ xc, xc.T @ yc, float(yc @ yc)


def _build_regression(
    d: GroupedData,
    x: pd.DataFrame,
    likelihood: str,
    mu_p,
    tau_p,
    sigma_p,
    beta_p,
    parameterization: str,
) -> pm.Model:
    r"""Build the hierarchical model with unit-level predictors, in any of the likelihoods.

    With :math:`\bar x_j` the group's mean predictors and W the pooled
    within-group cross-products of the group-centred (x, y),
    :math:`\sum_{ij} (y_{ij} - \theta_j - x_{ij}\beta)^2 =
    \sum_j n_j (\bar y_j - \theta_j - \bar x_j \beta)^2
    + W_{yy} - 2 \beta^T W_{xy} + \beta^T W_{xx} \beta`,
    so the likelihood needs only n_j, ybar_j, xbar_j and the W's.
    """
    import pymc as pm

    g = d.group_name
    values = x.to_numpy(dtype=float)
    names = [str(c) for c in x.columns]
    beta_mean, beta_sd = beta_p
    coords = {g: d.groups.tolist(), PREDICTOR_DIM: names}
    if likelihood == "full":
        coords["obs"] = np.arange(len(d.y))
    with pm.Model(coords=coords) as model:
        mu = pymc_distribution("mu", mu_p)
        tau = pymc_distribution("tau", tau_p)
        sigma = pymc_distribution("sigma", sigma_p)
        beta = pm.Normal("beta", beta_mean, beta_sd, dims=PREDICTOR_DIM)
        if likelihood == "full":
            y_obs = pm.Data("y_obs", d.y, dims="obs")
            idx = pm.Data("group_idx", d.group_idx, dims="obs")
            x_data = pm.Data("x", values, dims=("obs", PREDICTOR_DIM))
            theta = _group_means(mu, tau, g, parameterization)
            mean = theta[idx] + pm.math.dot(x_data, beta)
            pm.Normal("y", mean, sigma, observed=y_obs, dims="obs")
            return model
        xbar, wxx, wxy, wyy = _within_cross_products(d, values)
        n = pm.Data("n", d.group_sizes().astype(float), dims=g)
        ybar = pm.Data("ybar", d.group_means(), dims=g)
        xbar_data = pm.Data("xbar", xbar, dims=(g, PREDICTOR_DIM))
        wxx_data = pm.Data("wxx", wxx)
        wxy_data = pm.Data("wxy", wxy, dims=PREDICTOR_DIM)
        wyy_data = pm.Data("wyy", wyy)
        se = sigma / pm.math.sqrt(n)
        shift = pm.math.dot(xbar_data, beta)
        if likelihood == "sufficient":
            theta = _group_means(mu, tau, g, parameterization)
            pm.Normal("ybar_obs", theta + shift, se, observed=ybar, dims=g)
        else:
            sd = pm.math.sqrt(tau**2 + se**2)
            pm.Normal("ybar_obs", mu + shift, sd, observed=ybar, dims=g)
            setattr(model, _MARGINAL_GROUP, g)
        within = (
            wyy_data
            - 2 * pm.math.dot(beta, wxy_data)
            + pm.math.dot(beta, pm.math.dot(wxx_data, beta))
        )
        df = pm.math.sum(n) - d.n_groups
        pm.Potential("within_ss", -df * pm.math.log(sigma) - within / (2 * sigma**2))
    return model


def is_marginal(model: pm.Model) -> bool:
    """Whether ``model`` is a ``likelihood="marginal"`` model without ``theta``.

    Parameters
    ----------
    model : pymc.Model
        A model of this package.

    Returns
    -------
    bool
        True when the group means are integrated out (see
        :func:`recover_group_means`).

    Examples
    --------
    >>> from companion.hierarchical import is_marginal
    >>> from companion import hierarchical_model, simulate_schools
    >>> data = simulate_schools(seed=1)
    >>> is_marginal(hierarchical_model(data, likelihood="marginal"))
    True
    """
    return getattr(model, _MARGINAL_GROUP, None) is not None


def recover_group_means(
    idata: xr.DataTree, model: pm.Model, *, seed: SeedLike = DEFAULT_SEED
) -> xr.DataTree:
    r"""Add exact posterior draws of the group means to a marginal model's fit.

    A ``likelihood="marginal"`` model integrates :math:`\theta_j` out, so the
    sampler only sees :math:`\mu, \tau, \sigma`. Given those, the group means
    are independent normals,

    .. math::

        \theta_j \mid \mu, \tau, \sigma, y \sim \mathcal N\bigl(
        B_j \mu + (1 - B_j) \bar y_j,\; (1 - B_j) \sigma^2 / n_j\bigr),
        \qquad B_j = \frac{\sigma^2 / n_j}{\sigma^2 / n_j + \tau^2},

    with :math:`\bar y_j - \bar x_j \beta` in place of :math:`\bar y_j` in a
    model with unit-level predictors (and ``beta`` then needed in the posterior),

    and one draw of :math:`\theta` per posterior draw of
    :math:`(\mu, \tau, \sigma)` gives exact draws from the joint posterior
    (composition sampling). :func:`companion.sample` calls this for you; call it
    yourself after :func:`pymc.sample` or :func:`companion.inference.sample_compiled`.
    The same idea for discrete variables is ``pymc_extras.recover_marginals``.

    Parameters
    ----------
    idata : xarray.DataTree
        A fit of ``model`` whose ``posterior`` has ``mu``, ``tau`` and ``sigma``.
    model : pymc.Model
        From :func:`hierarchical_model` with ``likelihood="marginal"``; its
        current data ``n`` and ``ybar`` are used.
    seed : int or numpy.random.Generator or None, default 2026
        The same seed gives the same draws.

    Returns
    -------
    xarray.DataTree
        ``idata``, with ``posterior["theta"]`` (dims chain, draw and the group
        dimension) added in place.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> from companion import (
    ...     hierarchical_model, recover_group_means, simulate_schools)
    >>> model = hierarchical_model(simulate_schools(seed=1), likelihood="marginal")
    >>> draws = {k: (("chain", "draw"), np.full((1, 3), v))
    ...          for k, v in {"mu": 70.0, "tau": 5.0, "sigma": 10.0}.items()}
    >>> fit = xr.DataTree.from_dict({"posterior": xr.Dataset(draws)})
    >>> recover_group_means(fit, model, seed=1).posterior["theta"].shape
    (1, 3, 8)
    """
    import xarray as xr

    if not is_marginal(model):
        raise ValueError(
            '`model` must come from hierarchical_model(..., likelihood="marginal"); '
            "other models sample theta themselves."
        )
    group = getattr(model, _MARGINAL_GROUP)
    posterior = check_posterior(idata, "idata")
    with_predictors = "xbar" in model.named_vars
    needed = ("mu", "tau", "sigma", "beta") if with_predictors else ("mu", "tau", "sigma")
    missing = [name for name in needed if name not in posterior]
    if missing:
        raise ValueError(f"`idata.posterior` has no {missing}; fit the marginal model first.")
    rng = check_rng(seed)
    n = np.asarray(model["n"].get_value(), dtype=float)
    ybar = np.asarray(model["ybar"].get_value(), dtype=float)
    if with_predictors:
        # theta_j's data are the group means less the predictors' part, draw by draw.
        xbar = np.asarray(model["xbar"].get_value(), dtype=float)
        beta = posterior["beta"].transpose(..., PREDICTOR_DIM).to_numpy()
        ybar = ybar - np.einsum("jk,...k->...j", xbar, beta)
    mu, tau, sigma = (posterior[name].values[..., None] for name in ("mu", "tau", "sigma"))
    # In place, because chains x draws x groups can be 10^7 numbers or more.
    noise_var = sigma**2 / n  # (chain, draw, group)
    weight = noise_var + tau**2
    np.divide(tau**2, weight, out=weight)  # 1 - B_j, the weight of the group's own mean
    theta = rng.standard_normal(noise_var.shape)
    noise_var *= weight
    np.sqrt(noise_var, out=noise_var)
    theta *= noise_var  # sd * z
    theta += mu
    np.subtract(ybar, mu, out=noise_var)
    noise_var *= weight
    theta += noise_var  # mu + (1 - B)(ybar - mu) + sd * z
    dims = (*posterior["mu"].dims, group)
    coords = {group: list(model.coords[group])}
    idata["posterior"] = (
        idata["posterior"].to_dataset().assign(theta=xr.DataArray(theta, dims=dims, coords=coords))
    )
    return idata


_PARAMETERS_DOC = r"""
    Parameters
    ----------
    data : pandas.DataFrame
        Individual data (one row per unit) or, with ``se``, group summaries.
    group : str, default "school"
        Name of the group column; it also names the group dimension of the
        model.
    outcome : str, default "score"
        Name of the outcome column.
    se : str, optional
        Column of known standard errors, one row per group (as in eight
        schools). Without it ``sigma`` is estimated from individual data.
    groups : sequence, optional
        Groups and their order (see :func:`grouped_data`).
    mu_prior : "auto", None or a tuple (mean, sd), default "auto"
        Prior of the population mean :math:`\mu` (under no pooling, of
        each :math:`\theta_j`): ``None`` is flat, ``(mean, sd)``
        normal, ``"auto"`` normal around the data mean, 2.5 data standard
        deviations wide (:func:`companion.hierarchical.priors.auto_priors`).
    sigma_prior : "auto", "uniform" or a ("half-normal" or "half-cauchy", s) tuple, default "auto"
        Prior of the within-group standard deviation (individual data only).
"""


def complete_pooling_model(
    data: pd.DataFrame,
    *,
    group: str = "school",
    outcome: str = "score",
    se: str | None = None,
    groups: Sequence | None = None,
    mu_prior: object = "auto",
    sigma_prior: object = "auto",
) -> pm.Model:
    r"""Complete pooling: every group shares one mean, :math:`\theta_j = \mu`.

    .. math:: y_{ij} \sim \mathcal N(\mu, \sigma^2)
    {parameters}

    Returns
    -------
    pymc.Model
        With ``mu``, ``theta`` (= ``mu`` for every group), ``sigma`` and ``y``.

    Examples
    --------
    >>> from companion import complete_pooling_model, simulate_schools
    >>> model = complete_pooling_model(simulate_schools(seed=1))
    >>> sorted(model.named_vars)
    ['group_idx', 'mu', 'sigma', 'theta', 'y', 'y_obs']
    """
    return _build(
        "pooled", data, group=group, outcome=outcome, se=se, groups=groups,
        mu_prior=mu_prior, tau_prior="uniform", sigma_prior=sigma_prior,
    )  # fmt: skip


def no_pooling_model(
    data: pd.DataFrame,
    *,
    group: str = "school",
    outcome: str = "score",
    se: str | None = None,
    groups: Sequence | None = None,
    mu_prior: object = "auto",
    sigma_prior: object = "auto",
) -> pm.Model:
    r"""No pooling: each group's mean has its own independent prior.

    .. math:: \theta_j \sim p(\theta), \qquad y_{ij} \sim \mathcal N(\theta_j, \sigma^2)

    ``mu_prior`` is the prior of each :math:`\theta_j`; a flat one (``None``)
    gives the raw group means as posterior means.
    {parameters}

    Returns
    -------
    pymc.Model
        With ``theta``, ``sigma`` and ``y``.

    Examples
    --------
    >>> from companion import eight_schools, no_pooling_model
    >>> model = no_pooling_model(eight_schools(), outcome="y", se="sigma")
    >>> model.coords["school"]
    ('A', 'B', 'C', 'D', 'E', 'F', 'G', 'H')
    """
    return _build(
        "unpooled", data, group=group, outcome=outcome, se=se, groups=groups,
        mu_prior=mu_prior, tau_prior="uniform", sigma_prior=sigma_prior,
    )  # fmt: skip


def hierarchical_model(
    data: pd.DataFrame,
    *,
    group: str = "school",
    outcome: str = "score",
    se: str | None = None,
    groups: Sequence | None = None,
    mu_prior: object = "auto",
    tau_prior: object = "auto",
    sigma_prior: object = "auto",
    parameterization: Parameterization = "noncentered",
    likelihood: Likelihood = "full",
    predictors: str | Sequence[str] | pd.Index | None = None,
    beta_prior: object = "auto",
) -> pm.Model:
    r"""Partial pooling: group means drawn from a common normal population.

    .. math::

        \theta_j \sim \mathcal N(\mu, \tau^2), \qquad
        y_{ij} \sim \mathcal N(\theta_j + x_{ij} \beta, \sigma^2)

    where the unit-level predictors :math:`x_{ij}` (optional) have common
    slopes :math:`\beta`, and :math:`\theta_j` is then group j's intercept,
    its mean outcome where every predictor is 0 (varying intercepts, as in
    ``y ~ x + (1 | group)``; varying slopes need bambi or PyMC, see the
    chapter "Radon").

    The non-centred form samples :math:`z_j \sim \mathcal N(0, 1)` and sets
    :math:`\theta_j = \mu + \tau z_j`: the same model, a different geometry
    for the sampler (chapter "Computation").
    {parameters}
    tau_prior : "auto", "uniform" or a ("half-normal" or "half-cauchy", s) tuple, default "auto"
        Prior of the between-group standard deviation.
    parameterization : str, one of "centered", "noncentered", default "noncentered"
        The non-centred form (the default, above) or the centred one
        (:math:`\theta_j` sampled directly); ignored by
        ``likelihood="marginal"``, which has no funnel.
    likelihood : str, one of "full", "sufficient", "marginal", default "full"
        How individual data enter (all three give the same posterior):
        ``"full"``, one term per unit (the textbook form, cost O(N));
        ``"sufficient"``, the same likelihood through each group's size,
        mean and within-group sum of squares (cost O(J));
        ``"marginal"``, with :math:`\theta_j` integrated out,
        :math:`\bar y_j \sim \mathcal N(\mu, \tau^2 + \sigma^2/n_j)`, and
        NUTS sampling only :math:`\mu, \tau, \sigma`, and :math:`\theta_j`
        drawn afterwards from its exact conditional posterior
        (:func:`recover_group_means`, which :func:`companion.sample` calls).
        The default ``"full"`` keeps one log-likelihood term per unit, which
        leave-one-unit-out LOO needs, and is quick below about 100,000 rows.
        For more, use ``"marginal"`` (the fastest: NUTS explores three
        parameters however many groups there are) or ``"sufficient"`` (when
        you want NUTS itself to draw theta). Both need individual data and
        give a log-likelihood per group, not per unit. With ``predictors``
        they also go through each group's mean predictors and the pooled
        within-group cross-products, so the cost stays O(J) after one pass
        over the data.
    predictors : str or sequence of str or pandas.Index, optional
        Numeric columns of unit-level predictors, with no missing values
        (individual data only). Their slopes are ``beta``, with dimension
        ``predictor`` labelled by the column names.
    beta_prior : "auto" or a tuple (mean, sd), default "auto"
        Normal prior of every slope; ``"auto"`` is centred at 0 with sd 2.5
        outcome sds per predictor sd.

    Returns
    -------
    pymc.Model
        With ``mu``, ``tau``, ``theta`` (plus ``z`` when non-centred; the
        marginal form has no ``theta`` until :func:`recover_group_means`),
        ``sigma`` (individual data) and ``y`` (``ybar_obs`` for the
        sufficient and marginal forms, with the data ``n``, ``ybar`` and
        ``ss``); with ``predictors`` also ``beta``, and the sufficient and
        marginal forms hold ``xbar``, ``wxx``, ``wxy`` and ``wyy`` in place
        of ``ss``.

    Examples
    --------
    >>> from companion import hierarchical_model, simulate_schools
    >>> model = hierarchical_model(simulate_schools(seed=1), mu_prior=(70, 10),
    ...                            tau_prior=("half-normal", 10),
    ...                            sigma_prior=("half-normal", 10),
    ...                            parameterization="centered")
    >>> sorted(model.named_vars)
    ['group_idx', 'mu', 'sigma', 'tau', 'theta', 'y', 'y_obs']

    Radon by county with the floor of the measurement as a predictor,
    through group statistics:

    >>> from companion.datasets import radon
    >>> model = hierarchical_model(radon(), group="county", outcome="log_radon",
    ...                            predictors=["floor"], likelihood="marginal")
    >>> model.coords["predictor"], len(model.coords["county"])
    (('floor',), 85)
    """
    return _build(
        "hierarchical", data, group=group, outcome=outcome, se=se, groups=groups,
        mu_prior=mu_prior, tau_prior=tau_prior, sigma_prior=sigma_prior,
        parameterization=parameterization, likelihood=likelihood,
        predictors=predictors, beta_prior=beta_prior,
    )  # fmt: skip


for _function in (complete_pooling_model, no_pooling_model, hierarchical_model):
    _function.__doc__ = _function.__doc__.replace("{parameters}", _PARAMETERS_DOC, 1)
