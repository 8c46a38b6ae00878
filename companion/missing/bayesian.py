r"""Bayesian imputation: models that treat missing values as parameters.

PyMC imputes automatically: when an observed variable contains NaN, it splits
it into an observed part, ``<name>_observed``, and a free variable,
``<name>_unobserved``, with one entry per missing value, and joins them in a
deterministic ``<name>`` of full length. The posterior of the missing
values is then their posterior predictive distribution given everything
observed. :func:`completed_datasets` turns posterior draws of the
``*_unobserved`` variables into completed copies of the data.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from companion._draws import stacked
from companion._modelling import attach_missing_dim, spread
from companion._validation import (
    SeedLike,
    check_count,
    check_covariates,
    check_frame,
    check_frame_columns,
    check_numeric_columns,
    check_posterior,
    check_rng,
    numeric_column,
)
from companion.hierarchical.priors import AUTO_WIDTH

if TYPE_CHECKING:
    import pymc as pm
    import xarray as xr

__all__ = [
    "COVARIATE_DIMS",
    "REGRESSION_PARAMETERS",
    "completed_datasets",
    "mean_impute",
    "prior_scales",
    "regression_priors",
    "regression_imputation_model",
]

#: Names of the parameters of :func:`regression_imputation_model` (``lambda_x``
#: only with two or more covariates).
REGRESSION_PARAMETERS = ("mu_x", "sigma_x", "lambda_x", "alpha", "beta", "sigma")

#: Dimension names of :func:`regression_imputation_model` with several covariates.
COVARIATE_DIMS = ("covariate", "covariate_pair")


def prior_scales(x_values: np.ndarray, y_values: np.ndarray) -> dict[str, float | np.ndarray]:
    """Location and scale of the priors of :func:`regression_imputation_model`.

    Computed from the observed values only (NaN ignored), so that the priors
    are weakly informative on the scale of the data.

    Parameters
    ----------
    x_values : numpy.ndarray
        The covariate (1-D), or several covariates as the columns of a 2-D
        array; NaN where missing.
    y_values : numpy.ndarray
        The outcome, NaN where missing.

    Returns
    -------
    dict
        ``mu_x_mu``, ``mu_x_sd``, ``sigma_x_sd``, ``alpha_mu``, ``alpha_sd``,
        ``beta_sd`` and ``sigma_sd``: prior means and standard deviations
        (``beta`` has prior mean 0). With a 2-D ``x_values`` the covariates'
        entries are arrays, one value per column.

    Examples
    --------
    >>> import numpy as np
    >>> from companion.missing import prior_scales
    >>> x = np.array([0.0, 2.0, np.nan])
    >>> scales = prior_scales(x, np.array([1.0, np.nan, 3.0]))
    >>> scales["mu_x_mu"], round(scales["beta_sd"], 3)
    (1.0, 2.5)
    """
    x_values = np.asarray(x_values, dtype=float)
    columns = x_values.reshape(len(x_values), -1).T
    mx = np.array([float(np.nanmean(c)) for c in columns])
    sx = np.array([spread(c) for c in columns])
    my, sy = float(np.nanmean(y_values)), spread(y_values)
    w = AUTO_WIDTH
    scales = {
        "mu_x_mu": mx, "mu_x_sd": w * sx, "sigma_x_sd": w * sx,
        "alpha_mu": my, "alpha_sd": w * sy * float(np.sqrt(1 + np.sum((mx / sx) ** 2))),
        "beta_sd": w * sy / sx, "sigma_sd": w * sy,
    }  # fmt: skip
    if x_values.ndim == 1:
        scales = {k: float(np.asarray(v).squeeze()) for k, v in scales.items()}
    return scales


def regression_priors(scales, dims: str | None = None):
    """Create the five parameters of the regression models inside a model context.

    ``scales`` maps the names of :func:`prior_scales` to floats or to
    ``pm.Data`` variables (the book's marginal imputation model
    passes data so it can be refitted without recompiling). Returns the
    variables ``mu_x``, ``sigma_x``, ``alpha``, ``beta`` and ``sigma``;
    with ``dims`` (the covariates' dimension) ``mu_x``, ``sigma_x`` and
    ``beta`` have one entry per covariate.

    Examples
    --------
    >>> import numpy as np, pymc as pm
    >>> from companion.missing import prior_scales, regression_priors
    >>> scales = prior_scales(np.array([0.0, 2.0, 1.0]), np.array([1.0, 2.0, 3.0]))
    >>> with pm.Model() as model:
    ...     _ = regression_priors(scales)
    >>> sorted(model.named_vars)
    ['alpha', 'beta', 'mu_x', 'sigma', 'sigma_x']
    """
    import pymc as pm

    mu_x = pm.Normal("mu_x", scales["mu_x_mu"], scales["mu_x_sd"], dims=dims)
    sigma_x = pm.HalfNormal("sigma_x", scales["sigma_x_sd"], dims=dims)
    alpha = pm.Normal("alpha", scales["alpha_mu"], scales["alpha_sd"])
    beta = pm.Normal("beta", 0.0, scales["beta_sd"], dims=dims)
    sigma = pm.HalfNormal("sigma", scales["sigma_sd"])
    return mu_x, sigma_x, alpha, beta, sigma


def regression_imputation_model(
    df: pd.DataFrame, x: str | Sequence[str] = "x", y: str = "y"
) -> pm.Model:
    r"""Joint normal model of covariates and an outcome that imputes both.

    With one covariate,

    .. math::

        x_i \sim \mathcal N(\mu_x, \sigma_x^2), \qquad
        y_i \mid x_i \sim \mathcal N(\alpha + \beta x_i, \sigma^2).

    With covariates :math:`x_1, \dots, x_K` (``x`` a list), the covariates
    are modelled one after another, each given the ones before it, which is
    a multivariate normal with unrestricted covariance written as a sequence
    of regressions (Ibrahim, Chen and Lipsitz 2002):

    .. math::

        x_{ik} \mid x_{i1}, \dots, x_{i,k-1} \sim \mathcal N\Bigl(\mu_{x,k} +
            \sum_{j<k} \eta_{kj} \frac{x_{ij} - m_j}{s_j}, \sigma_{x,k}^2\Bigr),
        \qquad y_i \mid x_i \sim \mathcal N(\alpha + x_i^\top \beta, \sigma^2).

    Missing values of the covariates and of ``y`` (NaN, in any pattern)
    become parameters through PyMC's automatic imputation. The model for
    the covariates is what makes imputing a covariate possible: a regression
    alone says nothing about a missing :math:`x_i`. Under MAR the posterior
    of the parameters is the one a complete-data analysis would give if the
    missing values were integrated out (Rubin 1976). Rows missing every
    value are kept: they are imputed from the joint model and leave the
    parameters' posterior unchanged.

    Priors are weakly informative and scaled to the observed data, 2.5
    times as wide as the data's own spread (with :math:`m`, :math:`s` the
    observed mean and standard deviation):
    :math:`\mu_{x,k} \sim \mathcal N(m_k, (2.5\, s_k)^2)`,
    :math:`\sigma_{x,k} \sim \text{HalfNormal}(2.5\, s_k)`,
    :math:`\eta_{kj} \sim \mathcal N(0, (2.5\, s_k)^2)`,
    :math:`\beta_k \sim \mathcal N(0, (2.5\, s_y / s_k)^2)`,
    :math:`\alpha \sim \mathcal N(m_y, 2.5^2 s_y^2 (1 + \sum_k m_k^2/s_k^2))`,
    :math:`\sigma \sim \text{HalfNormal}(2.5\, s_y)`. The coefficients
    :math:`\eta_{kj}` of the covariates' regressions are ``lambda_x`` in
    the model (:math:`\lambda` is Rubin's proportion of variance due to
    missingness, :func:`companion.rubin_pool`).

    Parameters
    ----------
    df : pandas.DataFrame
        Data with numeric columns ``x`` and ``y``; NaN marks missing values.
    x : str or sequence of str, default "x"
        The covariate column, or several (a list, tuple, ``pandas.Index`` or
        array of column names).
    y : str, default "y"
        The outcome column.

    Returns
    -------
    pymc.Model
        Free parameters ``mu_x``, ``sigma_x``, ``alpha``, ``beta``,
        ``sigma`` (with several covariates ``mu_x``, ``sigma_x`` and ``beta``
        have dimension ``covariate``, labelled by the column names, and
        ``lambda_x`` has dimension ``covariate_pair``, labelled by each
        covariate followed by one before it, as in the example below); for
        each column with missing values a free
        ``<column>_unobserved`` with dimension ``<column>_missing`` labelled
        by the index of the incomplete rows; and deterministic ``<column>``
        (dimension ``obs``, labelled by ``df.index``) holding observed and
        imputed values together.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from companion import regression_imputation_model
    >>> df = pd.DataFrame({"x": [0.1, np.nan, 1.2, 0.4],
    ...                    "y": [2.0, 1.5, np.nan, 3.1]})
    >>> model = regression_imputation_model(df)
    >>> sorted(v.name for v in model.free_RVs)
    ['alpha', 'beta', 'mu_x', 'sigma', 'sigma_x', 'x_unobserved', 'y_unobserved']
    >>> model.coords["x_missing"]
    (1,)

    Two covariates, one of them incomplete:

    >>> df["z"] = [1.0, np.nan, 2.0, 0.5]
    >>> model = regression_imputation_model(df, x=["x", "z"])
    >>> model.coords["covariate"], model.coords["covariate_pair"]
    (('x', 'z'), ('z | x',))
    """
    import pymc as pm
    from pymc.exceptions import ImputationWarning

    check_frame(df, "df")
    reserved = (*REGRESSION_PARAMETERS, *COVARIATE_DIMS, "obs")
    columns, single = check_covariates(df, x, y, reserved)
    x_values = np.column_stack([numeric_column(df, c, "x") for c in columns])
    y_values = numeric_column(df, y, "y")
    if (np.isfinite(x_values).all(axis=1) & np.isfinite(y_values)).sum() < 2:
        raise ValueError(
            "The regression needs at least two rows with `y` and every covariate observed."
        )

    scales = prior_scales(x_values[:, 0] if single else x_values, y_values)
    coords = {"obs": list(df.index)}
    if not single:
        pairs = [(k, j) for k in range(len(columns)) for j in range(k)]
        coords["covariate"] = columns
        coords["covariate_pair"] = [f"{columns[k]} | {columns[j]}" for k, j in pairs]
    with pm.Model(coords=coords) as model:
        dims = None if single else "covariate"
        mu_x, sigma_x, alpha, beta, sigma = regression_priors(scales, dims=dims)
        with warnings.catch_warnings():
            # The imputation is the point of the model, not something to warn about.
            warnings.simplefilter("ignore", ImputationWarning)
            if single:
                x_full = pm.Normal(columns[0], mu_x, sigma_x, observed=x_values[:, 0], dims="obs")
                mean_y = alpha + beta * x_full
            else:
                if pairs:
                    row_sd = np.array([scales["mu_x_sd"][k] for k, _ in pairs])
                    lam = pm.Normal("lambda_x", 0.0, row_sd, dims="covariate_pair")
                centre, unit = scales["mu_x_mu"], scales["mu_x_sd"] / AUTO_WIDTH  # m_j, s_j
                full = []
                for k, column in enumerate(columns):
                    mean = mu_x[k]
                    for p, (row, j) in enumerate(pairs):
                        if row == k:
                            mean = mean + lam[p] * (full[j] - centre[j]) / unit[j]
                    full.append(
                        pm.Normal(column, mean, sigma_x[k], observed=x_values[:, k], dims="obs")
                    )
                mean_y = alpha + sum(beta[k] * full[k] for k in range(len(columns)))
            pm.Normal(y, mean_y, sigma, observed=y_values, dims="obs")
    for column, values in (*zip(columns, x_values.T, strict=True), (y, y_values)):
        attach_missing_dim(model, column, df.index[np.isnan(values)])
    return model


def _imputed_columns(posterior: xr.DataTree, df: pd.DataFrame, columns) -> list:
    if columns is None:
        columns = [c for c in df.columns if df[c].isna().any()]
        if not columns:
            raise ValueError("`df` has no missing values to fill.")
    elif isinstance(columns, str) or not isinstance(columns, Sequence):
        columns = [columns]
    for column in columns:
        if column not in df.columns:
            raise ValueError(f"`columns` names {column!r}, which is not a column of `df`.")
        name = f"{column}_unobserved"
        if name not in posterior.data_vars:
            raise ValueError(
                f"Column {column!r} has missing values but the posterior has no {name!r}; "
                "pass `columns=` to fill only the columns the model imputed."
            )
        n_missing = int(df[column].isna().sum())
        size = int(np.prod([posterior[name].sizes[d] for d in posterior[name].dims[2:]]))
        if size != n_missing:
            raise ValueError(
                f"{name!r} has {size} values but column {column!r} of `df` misses "
                f"{n_missing}; is `df` the data the model was fitted to?"
            )
    return list(columns)


def completed_datasets(
    idata: xr.DataTree,
    df: pd.DataFrame,
    m: int,
    *,
    columns: Sequence | None = None,
    seed: SeedLike = None,
) -> list[pd.DataFrame]:
    """Draw ``m`` completed copies of ``df`` from a posterior.

    Each copy takes one posterior draw (``m`` distinct draws, chosen at
    random over chains and draws) and fills the missing values of each
    column ``c`` from the posterior variable ``c_unobserved``, in row order,
    as PyMC's automatic imputation creates it.

    Parameters
    ----------
    idata : xarray.DataTree
        A fit with a ``posterior`` group, e.g. from :func:`companion.sample`
        on :func:`regression_imputation_model`.
    df : pandas.DataFrame
        The incomplete data the model was fitted to; not modified.
    m : int
        Number of completed data sets, at most the number of posterior draws.
    columns : list of column names, optional
        Columns to fill; default every column of ``df`` with missing values
        (each must have a ``<column>_unobserved`` variable in the posterior).
    seed : int or numpy.random.Generator or None
        Chooses the draws.

    Returns
    -------
    list of pandas.DataFrame
        ``m`` copies of ``df`` with the missing cells of ``columns`` filled.

    Examples
    --------
    >>> from companion import ampute, completed_datasets, sample
    >>> from companion import regression_imputation_model, simulate_regression
    >>> df = ampute(simulate_regression(n=100, seed=1), ["y"], mechanism="MAR",
    ...             depends_on=["x"], seed=1)
    >>> model = regression_imputation_model(df)
    >>> fit = sample(model, draws=200, tune=200, chains=2)  # doctest: +SKIP
    >>> imputed = completed_datasets(fit, df, m=5, seed=2)  # doctest: +SKIP
    >>> n_missing = [int(d.isna().sum().sum()) for d in imputed]  # doctest: +SKIP
    >>> len(imputed), sum(n_missing)  # doctest: +SKIP
    (5, 0)
    """
    posterior = check_posterior(idata)
    check_frame(df, "df")
    columns = _imputed_columns(posterior, df, columns)
    n_chains, n_draws = posterior.sizes["chain"], posterior.sizes["draw"]
    m = check_count(m, "m", maximum=100_000)
    if m > n_chains * n_draws:
        raise ValueError(f"`m`={m} exceeds the {n_chains * n_draws} posterior draws.")
    rng = check_rng(seed)
    picks = rng.choice(n_chains * n_draws, size=m, replace=False)
    values = {
        c: stacked(posterior[f"{c}_unobserved"]).reshape(n_chains * n_draws, -1) for c in columns
    }
    datasets = []
    for pick in picks:
        completed = df.copy()
        for column in columns:
            filled = completed[column].astype(float)
            filled[filled.isna().to_numpy()] = values[column][pick]
            completed[column] = filled
        datasets.append(completed)
    return datasets


def mean_impute(df: pd.DataFrame, columns: Sequence | None = None) -> pd.DataFrame:
    """Fill missing values with the mean of the observed values of their column.

    Shown in the book as what *not* to do: every filled value sits at the
    centre, so the variance of the column shrinks and its correlations with
    other columns are diluted (a regression slope is biased toward zero).

    Parameters
    ----------
    df : pandas.DataFrame
        Incomplete data; not modified.
    columns : list of column names, optional
        Numeric columns to fill; default every column with missing values.

    Returns
    -------
    pandas.DataFrame
        A copy of ``df`` with the missing cells of ``columns`` filled.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from companion import mean_impute
    >>> mean_impute(pd.DataFrame({"x": [1.0, np.nan, 3.0]}))["x"].tolist()
    [1.0, 2.0, 3.0]
    """
    check_frame(df)
    if columns is None:
        columns = [c for c in df.columns if df[c].isna().any()]
        if not columns:
            return df.copy()
    columns = check_frame_columns(df, columns)
    check_numeric_columns(df, columns)
    filled = df.copy()
    for column in columns:
        values = df[column]
        if values.notna().sum() == 0:
            raise ValueError(f"Column {column!r} has no observed values to average.")
        filled[column] = values.astype(float).fillna(values.mean())
    return filled
