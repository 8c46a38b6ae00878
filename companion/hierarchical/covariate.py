r"""Hierarchical models with missing outcomes and a missing group-level covariate.

The model of chapter "Hierarchical models with missing data" extends the
partial-pooling model of Part I with a school-level covariate :math:`w_j`:

.. math::

    w_j \sim \mathcal N(\mu_w, \sigma_w^2), \qquad
    \theta_j \sim \mathcal N(\mu + \beta w_j, \tau^2), \qquad
    y_{ij} \sim \mathcal N(\theta_j, \sigma^2).

Missing outcomes :math:`y_{ij}` and missing covariates :math:`w_j` (NaN in
the data) are imputed inside the model by PyMC's automatic imputation. The
model for :math:`w_j` is what makes imputing the covariate possible.
Optionally, a selection model for the outcome,
:math:`\operatorname{logit} \Pr(R_{ij} = 1 \mid y_{ij}) = \gamma_0 + \gamma_1 (y_{ij} - m_y)/s_y`
with :math:`R_{ij} = 1` where :math:`y_{ij}` is observed (the log-odds of
*responding*, as in :func:`companion.selection_model`), lets missingness
depend on the missing score itself (MNAR).

The module also summarises what missing data do to a hierarchical model:
per-school counts and observed means (:func:`group_summaries`), the
posterior shrinkage factors (:func:`posterior_shrinkage`) and the posterior
distribution of the schools' ranks (:func:`group_ranks`,
:func:`rank_summary`).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from companion._modelling import attach_missing_dim, spread
from companion._validation import (
    SeedLike,
    check_column,
    check_frame,
    check_real,
    finite_values,
    group_codes,
)
from companion.hierarchical.priors import (
    AUTO_WIDTH,
    LocationPrior,
    ScalePrior,
    location_prior,
    scale_prior,
)

if TYPE_CHECKING:
    import pymc as pm

__all__ = [
    "ampute_groups",
    "hierarchical_covariate_model",
    "group_covariate",
    "group_summaries",
]


#: Names of the model's own variables; data columns may not use them.
_RESERVED = (
    "mu", "beta", "tau", "sigma", "z", "theta", "mu_w", "sigma_w", "gamma0", "gamma1", "obs",
    "selection",
)  # fmt: skip


# --- Simulation ------------------------------------------------------------------


# --- Validation and school-level tables ------------------------------------------


def _groups(data: pd.DataFrame, group: object) -> tuple[np.ndarray, pd.Index]:
    return group_codes(check_column(data, group, "group", frame="data"))


def _numeric(data: pd.DataFrame, column: object, argument: str) -> np.ndarray:
    """Return a numeric column with NaN where values are missing."""
    return finite_values(
        check_column(data, column, argument, frame="data"), argument, missing="keep"
    )


def group_covariate(
    data: pd.DataFrame, covariate: str = "w", *, group: str = "school"
) -> pd.Series:
    """One value of a group-level covariate per group, NaN where it is missing.

    A group-level covariate is stored on every row of its group. A group's
    value is the common value of its non-missing rows; a group whose rows
    are all NaN has a missing value.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per unit.
    covariate : str, default "w"
        Name of the covariate column.
    group : str, default "school"
        Name of the group column.

    Returns
    -------
    pandas.Series
        Indexed by group, in model order (categories, or order of appearance).

    Raises
    ------
    ValueError
        If the covariate takes different values within a group.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from companion.hierarchical import group_covariate
    >>> df = pd.DataFrame({"school": ["a", "a", "b"], "w": [0.5, 0.5, np.nan]})
    >>> group_covariate(df).tolist()
    [0.5, nan]
    """
    data = check_frame(data, "data")
    codes, index = _groups(data, group)
    values = _numeric(data, covariate, "covariate")
    frame = pd.DataFrame({"code": codes, "value": values}).dropna()
    spread = frame.groupby("code")["value"].agg(lambda v: float(v.max() - v.min()))
    varying = spread[spread > 1e-9 * (1 + frame["value"].abs().max())]
    if len(varying):
        raise ValueError(
            f"`covariate` column {covariate!r} varies within group(s) "
            f"{list(index[varying.index[:5]])}; a group-level covariate must take one "
            "value per group."
        )
    per_group = frame.groupby("code")["value"].first().reindex(range(len(index)))
    return pd.Series(per_group.to_numpy(), index=index, name=covariate)


def group_summaries(
    data: pd.DataFrame,
    *,
    group: str = "school",
    outcome: str = "score",
    sigma: float | None = None,
) -> pd.DataFrame:
    r"""Per-group counts and observed means of an outcome with missing values.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per unit; NaN in ``outcome`` marks a missing value.
    group : str, default "school"
        Name of the group column.
    outcome : str, default "score"
        Name of the outcome column.
    sigma : float, optional
        Known within-group standard deviation; adds the column ``se``
        :math:`= \sigma / \sqrt{n_{\text{obs}}}`.

    Returns
    -------
    pandas.DataFrame
        Indexed by group: ``n`` (rows), ``n_observed``, ``missing`` (share of
        rows missing), ``mean`` (of the observed values; NaN if none) and,
        with ``sigma``, ``se``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from companion.hierarchical import group_summaries
    >>> df = pd.DataFrame({"school": ["a", "a", "b", "b"],
    ...                    "score": [70.0, np.nan, 80.0, 90.0]})
    >>> group_summaries(df)[["n", "n_observed", "mean"]].to_dict("list")
    {'n': [2, 2], 'n_observed': [1, 2], 'mean': [70.0, 85.0]}
    """
    data = check_frame(data, "data")
    codes, index = _groups(data, group)
    y = _numeric(data, outcome, "outcome")
    seen = ~np.isnan(y)
    n = np.bincount(codes, minlength=len(index))
    n_obs = np.bincount(codes[seen], minlength=len(index))
    total = np.bincount(codes[seen], weights=y[seen], minlength=len(index))
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n_obs > 0, total / np.maximum(n_obs, 1), np.nan)
    table = pd.DataFrame(
        {"n": n, "n_observed": n_obs, "missing": 1 - n_obs / n, "mean": mean}, index=index
    )
    if sigma is not None:
        sigma = check_real(sigma, "sigma", positive=True)
        with np.errstate(divide="ignore"):
            table["se"] = np.where(n_obs > 0, sigma / np.sqrt(np.maximum(n_obs, 1)), np.inf)
    return table


# --- The model -------------------------------------------------------------------


def hierarchical_covariate_model(
    data: pd.DataFrame,
    *,
    group: str = "school",
    outcome: str = "score",
    covariate: str | None = "w",
    mu_prior: object = "auto",
    beta_prior: object = "auto",
    tau_prior: object = "auto",
    sigma_prior: object = "auto",
    covariate_mu_prior: object = "auto",
    covariate_sigma_prior: object = "auto",
    known_sigma: float | None = None,
    selection: bool = False,
    selection_prior: tuple[float, float] = (0.0, 2.0),
) -> pm.Model:
    r"""Partial pooling with a group-level covariate, imputing what is missing.

    .. math::

        w_j \sim \mathcal N(\mu_w, \sigma_w^2), \qquad
        \theta_j = \mu + \beta w_j + \tau z_j, \quad z_j \sim \mathcal N(0, 1), \qquad
        y_{ij} \sim \mathcal N(\theta_j, \sigma^2).

    NaN in ``outcome`` or ``covariate`` become parameters (PyMC's automatic
    imputation). Without a covariate (``covariate=None``) the model is
    :func:`companion.hierarchical_model` (non-centred) with the same priors
    and variable names, plus imputation of missing outcomes. With
    ``selection=True`` missingness of the outcome gets a logistic model in
    the outcome itself (MNAR),

    .. math::

        \operatorname{logit} \Pr(R_{ij} = 1 \mid y_{ij})
        = \gamma_0 + \gamma_1\, (y_{ij} - m_y)/s_y,

    where :math:`R_{ij} = 1` if :math:`y_{ij}` is observed (the response
    indicator, as in :func:`companion.selection_model` and mice), and
    :math:`m`, :math:`s` are the mean and sd of the observed outcomes; it
    is identified only through the normality of :math:`y_{ij}` given
    :math:`\theta_j`.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per unit with the group, outcome and (optional) covariate
        columns. The covariate must be constant within a group; a group
        whose rows are all NaN has a missing covariate.
    group : str, default "school"
        Name of the group column.
    outcome : str, default "score"
        Name of the outcome column.
    covariate : str or None, default "w"
        Group-level covariate column, or None for no covariate.
    mu_prior : "auto", None or a tuple (mean, sd), default "auto"
        Prior of the population mean :math:`\mu` (the mean of the
        :math:`\theta_j` at :math:`w = 0` when there is a covariate):
        ``None`` is flat, ``(mean, sd)`` normal, ``"auto"``
        :math:`\mathcal N(\bar y, (2.5 s_y)^2)`, with :math:`\bar y` and
        :math:`s_y` the observed outcomes' mean and sd.
    beta_prior : "auto", None or a tuple (mean, sd), default "auto"
        Prior of the covariate's coefficient :math:`\beta`: ``None`` is
        flat, ``(mean, sd)`` normal, ``"auto"``
        :math:`\mathcal N(0, (2.5 s_y / s_w)^2)`, with :math:`s_w` the sd
        of the observed group covariates.
    tau_prior : str or tuple, default "auto"
        ``"auto"``, ``"uniform"``, ``("half-normal", s)`` or
        ``("half-cauchy", s)``: prior of the between-group sd :math:`\tau`;
        ``"auto"`` is HalfNormal(2.5 :math:`s_y`).
    sigma_prior : str or tuple, default "auto"
        ``"auto"``, ``"uniform"``, ``("half-normal", s)`` or
        ``("half-cauchy", s)``: prior of the within-group sd :math:`\sigma`;
        ``"auto"`` is HalfNormal(2.5 :math:`s_y`).
    covariate_mu_prior : "auto", None or a tuple (mean, sd), default "auto"
        Prior of the covariate's mean :math:`\mu_w`; ``"auto"`` is
        :math:`\mathcal N(\bar w, (2.5 s_w)^2)`.
    covariate_sigma_prior : str or tuple, default "auto"
        ``"auto"``, ``"uniform"``, ``("half-normal", s)`` or
        ``("half-cauchy", s)``: prior of the covariate's sd :math:`\sigma_w`;
        ``"auto"`` is HalfNormal(2.5 :math:`s_w`).
    known_sigma : float, optional
        Fix :math:`\sigma` at this value instead of estimating it (then the
        posterior of :math:`\theta` given the observed data is the exact one
        of :func:`companion.normal_normal_posterior`).
    selection : bool, default False
        Add the selection model above (parameters ``gamma0``, ``gamma1``).
    selection_prior : (float, float), default (0, 2)
        Mean and sd of the normal prior of :math:`\gamma_1`; :math:`\gamma_0` has
        prior :math:`\mathcal N(0, 2^2)`.

    Returns
    -------
    pymc.Model
        Free variables ``mu``, ``tau``, ``z`` (dim ``group``), ``sigma``;
        with a covariate ``beta``, ``mu_w``, ``sigma_w``; with ``selection``
        ``gamma0``, ``gamma1``; deterministic
        ``theta`` (dim ``group``). The outcome variable is named after the
        ``outcome`` column (dim ``obs``, labelled by ``data.index``) and
        the covariate after its column (dim ``group``). Missing values are
        the free variables ``<outcome>_unobserved`` (dim
        ``<outcome>_missing``, labelled by the rows' index) and
        ``<covariate>_unobserved`` (dim ``<covariate>_missing``, labelled by
        group), so :func:`companion.completed_datasets` works on outcomes.

    Examples
    --------
    >>> from companion import hierarchical_covariate_model
    >>> from companion.hierarchical import ampute_groups
    >>> from companion.datasets import simulate_schools_with_covariate
    >>> data = simulate_schools_with_covariate(seed=1)
    >>> incomplete = ampute_groups(data, "w", prop=0.3, seed=2)
    >>> model = hierarchical_covariate_model(incomplete)
    >>> sorted(v.name for v in model.free_RVs)
    ['beta', 'mu', 'mu_w', 'sigma', 'sigma_w', 'tau', 'w_unobserved', 'z']
    >>> len(model.coords["w_missing"])
    8
    """
    import pymc as pm
    from pymc.exceptions import ImputationWarning

    from companion.hierarchical.priors import pymc_distribution

    data = check_frame(data, "data")
    codes, index = _groups(data, group)
    if len(index) < 2:
        raise ValueError(f"a hierarchical model needs at least 2 groups, got {len(index)}.")
    names = [outcome] if covariate is None else [outcome, covariate]
    if covariate is not None and covariate in (group, outcome):
        raise ValueError(f"`covariate`={covariate!r} must differ from `group` and `outcome`.")
    if outcome == group:
        raise ValueError(f"`outcome`={outcome!r} must differ from `group`.")
    for argument, name in zip(("outcome", "covariate"), names, strict=False):
        if name in _RESERVED or name == group or str(name).endswith(("_unobserved", "_missing")):
            raise ValueError(f"`{argument}`={name!r} clashes with a model variable; rename it.")
    if group in _RESERVED:
        raise ValueError(f"`group`={group!r} clashes with a model variable; rename it.")
    y = _numeric(data, outcome, "outcome")
    observed = ~np.isnan(y)
    if observed.sum() < 2:
        raise ValueError(f"`outcome` column {outcome!r} needs at least two observed values.")
    if not isinstance(selection, bool):
        raise TypeError(f"`selection` must be a bool, got {type(selection).__name__}.")
    if selection and observed.all():
        raise ValueError("`selection=True` needs missing values in `outcome`; there are none.")
    gamma_prior = location_prior(tuple(selection_prior), "selection_prior")
    if gamma_prior.flat:
        raise ValueError("`selection_prior` must be a proper (mean, sd) pair.")

    y_mean, y_sd = float(np.nanmean(y)), spread(y)
    mu_p = location_prior(mu_prior, "mu_prior", LocationPrior(y_mean, AUTO_WIDTH * y_sd))
    tau_p = scale_prior(tau_prior, "tau_prior", ScalePrior("half-normal", AUTO_WIDTH * y_sd))
    sigma_p = None
    if known_sigma is None:
        sigma_p = scale_prior(
            sigma_prior, "sigma_prior", ScalePrior("half-normal", AUTO_WIDTH * y_sd)
        )
    else:
        known_sigma = check_real(known_sigma, "known_sigma", positive=True)

    w = None
    if covariate is not None:
        w = group_covariate(data, covariate, group=group).to_numpy()
        n_w = int(np.isfinite(w).sum())
        if n_w == 0:
            raise ValueError(
                f"`covariate` column {covariate!r} is missing for every group; "
                "nothing identifies its model."
            )
        if n_w < 2:
            raise ValueError(
                f"`covariate` column {covariate!r} needs observed values in at least two "
                f"groups, got {n_w}."
            )
        w_mean, w_sd = float(np.nanmean(w)), spread(w)
        beta_p = location_prior(
            beta_prior, "beta_prior", LocationPrior(0.0, AUTO_WIDTH * y_sd / w_sd)
        )
        mu_w_p = location_prior(
            covariate_mu_prior, "covariate_mu_prior", LocationPrior(w_mean, AUTO_WIDTH * w_sd)
        )
        sigma_w_p = scale_prior(
            covariate_sigma_prior,
            "covariate_sigma_prior",
            ScalePrior("half-normal", AUTO_WIDTH * w_sd),
        )

    coords = {group: index.tolist(), "obs": list(data.index)}
    with pm.Model(coords=coords) as model, warnings.catch_warnings():
        # Imputation is the point of the model, not something to warn about.
        warnings.simplefilter("ignore", ImputationWarning)
        mu = pymc_distribution("mu", mu_p)
        tau = pymc_distribution("tau", tau_p)
        z = pm.Normal("z", 0.0, 1.0, dims=group)
        mean = mu
        if w is not None:
            beta = pymc_distribution("beta", beta_p)
            mu_w = pymc_distribution("mu_w", mu_w_p)
            sigma_w = pymc_distribution("sigma_w", sigma_w_p)
            w_full = pm.Normal(covariate, mu_w, sigma_w, observed=w, dims=group)
            mean = mu + beta * w_full
        theta = pm.Deterministic("theta", mean + tau * z, dims=group)
        sigma = known_sigma if sigma_p is None else pymc_distribution("sigma", sigma_p)
        y_full = pm.Normal(outcome, theta[codes], sigma, observed=y, dims="obs")
        if selection:
            gamma0 = pm.Normal("gamma0", 0.0, 2.0)
            gamma1 = pm.Normal("gamma1", gamma_prior.mean, gamma_prior.sd)
            eta = gamma0 + gamma1 * (y_full - y_mean) / y_sd  # log-odds of responding
            responded = observed.astype(float)
            # log Pr(R | y): log expit(eta) if observed, log(1 - expit(eta)) if missing.
            log_lik = responded * pm.math.log1pexp(-eta) + (1 - responded) * pm.math.log1pexp(eta)
            pm.Potential("selection", -log_lik.sum())
    attach_missing_dim(model, outcome, data.index[~observed])
    if w is not None:
        attach_missing_dim(model, covariate, index[np.isnan(w)])
    return model


# --- Posterior summaries ---------------------------------------------------------


def ampute_groups(
    data: pd.DataFrame,
    column: str,
    *,
    group: str = "school",
    prop: float = 0.3,
    mechanism: str = "MCAR",
    depends_on: Sequence | None = None,
    strength: float = 2.0,
    seed: SeedLike = None,
) -> pd.DataFrame:
    """Remove a group-level covariate for whole groups, with :func:`companion.ampute`.

    The covariate and the ``depends_on`` columns are reduced to one row per
    group (:func:`group_covariate`), amputed there, and the result is
    written back to every row of the group: a school's covariate is either
    known or missing for all its students.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per unit; not modified.
    column : str
        The group-level covariate to ampute.
    group : str, default "school"
        The group column.
    prop : float, default 0.3
        Expected share of groups that lose the covariate, in [0, 1].
    mechanism : str, default "MCAR"
        ``"MCAR"``, ``"MAR"`` or ``"MNAR"``, as in :func:`companion.ampute`,
        applied to the groups.
    depends_on : str or list of str, optional
        Columns that drive MAR missingness, as in :func:`companion.ampute`;
        they must be group-level as well.
    strength : float, default 2.0
        Strength of the dependence, as in :func:`companion.ampute`.
    seed : int or numpy.random.Generator or None, default None
        Source of randomness.

    Returns
    -------
    pandas.DataFrame
        A copy of ``data`` with NaN in ``column`` for the amputed groups.

    Examples
    --------
    >>> from companion.datasets import simulate_schools_with_covariate
    >>> from companion.hierarchical import ampute_groups, group_covariate
    >>> data = simulate_schools_with_covariate(seed=1)
    >>> out = ampute_groups(data, "w", prop=0.3, seed=2)
    >>> int(group_covariate(out).isna().sum())
    8
    """
    from companion.missing.amputation import ampute

    data = check_frame(data, "data")
    codes, index = _groups(data, group)
    if column == group:
        raise ValueError("`column` must differ from `group`.")
    predictors = (
        []
        if depends_on is None
        else ([depends_on] if isinstance(depends_on, str) else list(depends_on))
    )
    table = pd.DataFrame(
        {c: group_covariate(data, c, group=group).to_numpy() for c in [column, *predictors]},
        index=index,
    )
    amputed = ampute(
        table, [column], prop=prop, mechanism=mechanism,
        depends_on=predictors or None, strength=strength, seed=seed,
    )  # fmt: skip
    out = data.copy()
    out[column] = out[column].astype(float).mask(amputed[column].isna().to_numpy()[codes])
    return out
