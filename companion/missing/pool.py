r"""Rubin's rules: pooling estimates over multiply imputed data sets.

After :math:`m` completed data sets have each been analysed, every scalar
quantity :math:`Q` (a mean, a regression coefficient) has :math:`m` estimates
:math:`\hat Q_\ell` with squared standard errors :math:`U_\ell`. Rubin (1987)
combines them into

* the pooled estimate :math:`\bar Q = m^{-1} \sum_\ell \hat Q_\ell`,
* the within-imputation variance :math:`V_W = m^{-1} \sum_\ell U_\ell`,
* the between-imputation variance
  :math:`V_B = (m - 1)^{-1} \sum_\ell (\hat Q_\ell - \bar Q)^2`,
* the total variance :math:`V_T = V_W + (1 + 1/m) V_B`,
* the relative increase in variance due to nonresponse
  :math:`\mathrm{RIV} = (1 + 1/m) V_B / V_W`,
* the proportion of the total variance due to the missing data
  :math:`\lambda = (1 + 1/m) V_B / V_T = \mathrm{RIV} / (1 + \mathrm{RIV})`,
* the degrees of freedom :math:`\nu` of the reference :math:`t` distribution:
  Rubin's (1987) :math:`\nu_\text{old} = (m - 1)/\lambda^2`, or, by default
  when the complete-data degrees of freedom :math:`\nu_\text{com}` are known,
  the small-sample correction of Barnard and Rubin (1999), and
* the fraction of missing information
  :math:`\mathrm{FMI} = (\mathrm{RIV} + 2 / (\nu + 3)) / (\mathrm{RIV} + 1)`.

The symbols are the book's, those of Enders (2010, ch. 8); Rubin (1987) and
mice write :math:`\bar U`, :math:`B`, :math:`T`, :math:`r` and :math:`\gamma`
(the book keeps :math:`B` for the shrinkage factor and :math:`\gamma` for
selection models).

The definitions are those of ``pool.scalar`` and ``pool`` in R's mice package
(van Buuren and Groothuis-Oudshoorn 2011; van Buuren 2018, section 2.3), with
one difference: mice bounds :math:`\lambda` below by :math:`10^{-4}` before
computing :math:`\nu`, whereas :func:`rubin_pool` uses the exact limit as
:math:`\lambda \to 0`.

:func:`rubin_pool` pools one scalar; :func:`pool_estimates` pools a table of
estimates (one row per imputation, one column per parameter); :func:`pool`
pools fitted regression models, such as those from :func:`fit_ols`;
:func:`pool_r_squared` pools the :math:`R^2` of OLS fits (mice's
``pool.r.squared``). Tests of several coefficients at once (mice's ``D1``,
``D2``, ``D3``) are in :mod:`companion.missing.compare`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from numbers import Real

import numpy as np
import pandas as pd

from companion._validation import (
    check_count,
    check_probability,
    check_real,
    check_same_length,
    check_vector,
)

__all__ = [
    "DF_METHODS",
    "PooledEstimate",
    "PooledRSquared",
    "barnard_rubin_df",
    "imputations_needed",
    "pool",
    "pool_estimates",
    "pool_r_squared",
    "rubin_pool",
]

#: Rules for the degrees of freedom of a pooled scalar (argument ``df_method``): Barnard
#: and Rubin (1999) or Rubin (1987).
DF_METHODS = ("barnard-rubin", "rubin")


@dataclass(frozen=True)
class PooledEstimate:
    r"""One scalar pooled over ``m`` imputations by Rubin's rules.

    Attributes
    ----------
    m : int
        Number of imputations.
    estimate : float
        Pooled estimate :math:`\bar Q`, the mean of the ``m`` estimates.
    within : float
        Within-imputation variance :math:`V_W`, the mean of the variances.
    between : float
        Between-imputation variance :math:`V_B` (sample variance, ``ddof=1``).
    total : float
        Total variance :math:`V_T = V_W + (1 + 1/m) V_B`.
    riv : float
        Relative increase in variance :math:`\mathrm{RIV} = (1 + 1/m) V_B / V_W`.
    lambda_ : float
        Proportion of variance due to nonresponse :math:`\lambda = (1 + 1/m) V_B / V_T`.
    fmi : float
        Fraction of missing information
        :math:`\mathrm{FMI} = (\mathrm{RIV} + 2/(\nu + 3)) / (\mathrm{RIV} + 1)`.
    df : float
        Degrees of freedom :math:`\nu` (may be ``inf``).
    df_complete : float
        Complete-data degrees of freedom :math:`\nu_\text{com}` (``inf`` if
        not given).

    Examples
    --------
    >>> from companion import rubin_pool
    >>> pooled = rubin_pool([1.0, 1.2, 0.8], [0.04, 0.05, 0.06])
    >>> # total variance: 0.05 + (4/3) 0.04
    >>> pooled.m, round(pooled.estimate, 4), round(pooled.total, 4)
    (3, 1.0, 0.1033)
    """

    m: int
    estimate: float
    within: float
    between: float
    total: float
    riv: float
    lambda_: float
    fmi: float
    df: float
    df_complete: float

    @property
    def std_error(self) -> float:
        r"""Pooled standard error :math:`\sqrt{V_T}`."""
        return math.sqrt(self.total)

    @property
    def t_statistic(self) -> float:
        r"""Wald statistic :math:`\bar Q / \sqrt{V_T}` for :math:`H_0: Q = 0`."""
        return self.estimate / self.std_error

    @property
    def p_value(self) -> float:
        r"""Two-sided p-value of :math:`H_0: Q = 0` against :math:`t_\nu`."""
        return float(2.0 * _t_sf(abs(self.t_statistic), self.df))

    def conf_int(self, level: float = 0.95) -> tuple[float, float]:
        r"""Confidence interval :math:`\bar Q \pm t_{\nu, (1 + \text{level})/2} \sqrt{V_T}`.

        Parameters
        ----------
        level : float, default 0.95
            Coverage probability, in (0, 1).

        Returns
        -------
        tuple of float
            Lower and upper limit.

        Examples
        --------
        >>> from companion import rubin_pool
        >>> pooled = rubin_pool([1.0, 1.2, 0.8], [0.04, 0.05, 0.06])
        >>> lo, hi = pooled.conf_int(0.95)
        >>> bool(lo < pooled.estimate < hi)
        True
        """
        level = check_probability(level, "level")
        half = _t_ppf(0.5 + level / 2.0, self.df) * self.std_error
        return (self.estimate - half, self.estimate + half)


def _t_ppf(q: float, df: float) -> float:
    from scipy import stats

    return float(stats.norm.ppf(q) if math.isinf(df) else stats.t.ppf(q, df))


def _t_sf(x: float, df: float) -> float:
    from scipy import stats

    return float(stats.norm.sf(x) if math.isinf(df) else stats.t.sf(x, df))


def _check_df_complete(df_complete: object, name: str = "df_complete") -> float:
    if df_complete is None:
        return math.inf
    if isinstance(df_complete, bool) or not isinstance(df_complete, Real):
        raise TypeError(
            f"`{name}` must be a positive number or None, got {type(df_complete).__name__}."
        )
    value = float(df_complete)
    if math.isnan(value) or value <= 0:
        raise ValueError(f"`{name}` must be positive (or inf, or None), got {value}.")
    return value


def _check_df_method(df_method: object) -> str:
    if df_method not in DF_METHODS:
        raise ValueError(
            f"`df_method` must be one of {', '.join(repr(d) for d in DF_METHODS)}, "
            f"got {df_method!r}."
        )
    return str(df_method)


def barnard_rubin_df(lambda_: float, m: int, df_complete: float = math.inf) -> float:
    r"""Degrees of freedom of Barnard and Rubin (1999).

    .. math::

        \nu_\text{old} = \frac{m - 1}{\lambda^2}, \quad
        \nu_\text{obs} = \frac{\nu_\text{com} + 1}{\nu_\text{com} + 3}
            \nu_\text{com} (1 - \lambda), \quad
        \nu = \frac{\nu_\text{old}\, \nu_\text{obs}}{\nu_\text{old} + \nu_\text{obs}},

    and :math:`\nu = \nu_\text{old}` when :math:`\nu_\text{com} = \infty`
    (Rubin's 1987 formula). At :math:`\lambda = 0` the limit is used:
    :math:`\nu = \nu_\text{obs} = \nu_\text{com}(\nu_\text{com} + 1) /
    (\nu_\text{com} + 3)`, which is slightly *less* than :math:`\nu_\text{com}`
    (R's mice bounds :math:`\lambda \ge 10^{-4}` and gets almost the same
    number), and :math:`\nu = \infty` if also :math:`\nu_\text{com} = \infty`.

    Parameters
    ----------
    lambda_ : float
        Proportion of variance due to nonresponse, :math:`\lambda` in [0, 1].
    m : int
        Number of imputations, at least 2.
    df_complete : float, default inf
        Degrees of freedom of the complete-data analysis, :math:`\nu_\text{com}`.

    Returns
    -------
    float
        The degrees of freedom :math:`\nu` (``inf`` when both limits are infinite).

    Examples
    --------
    >>> from companion.missing.pool import barnard_rubin_df
    >>> barnard_rubin_df(0.5, m=5)  # (5 - 1) / 0.5**2
    16.0
    >>> round(barnard_rubin_df(0.0, m=5, df_complete=20), 4)  # 20 * 21 / 23
    18.2609
    """
    lambda_ = check_real(lambda_, "lambda_")
    if not 0 <= lambda_ <= 1:
        raise ValueError(f"`lambda_` is a fraction of variance, in [0, 1]; got {lambda_}.")
    m = check_count(m, "m", minimum=2)
    df_complete = _check_df_complete(df_complete)
    nu_obs = (
        math.inf
        if math.isinf(df_complete)
        else (df_complete + 1.0) / (df_complete + 3.0) * df_complete * (1.0 - lambda_)
    )
    if lambda_ == 0.0:
        return nu_obs
    nu_old = (m - 1) / lambda_**2
    if math.isinf(nu_obs):
        return nu_old
    return nu_old * nu_obs / (nu_old + nu_obs)


def rubin_pool(
    estimates: Sequence[float] | np.ndarray,
    variances: Sequence[float] | np.ndarray,
    df_complete: float | None = None,
    *,
    df_method: str = "barnard-rubin",
) -> PooledEstimate:
    r"""Pool one scalar estimated in ``m >= 2`` imputed data sets (Rubin's rules).

    Parameters
    ----------
    estimates : array-like of float, length m
        The estimate :math:`\hat Q_\ell` from each completed data set.
    variances : array-like of float, length m
        Its squared standard error :math:`U_\ell` in each data set (>= 0,
        with a positive mean).
    df_complete : float, optional
        Degrees of freedom :math:`\nu_\text{com}` the analysis would have
        without missing data (for a regression, ``n - p``). ``None`` or
        ``inf`` gives Rubin's large-sample :math:`\nu = (m - 1)/\lambda^2`;
        a finite value the Barnard and Rubin (1999) small-sample
        :math:`\nu`, which never exceeds :math:`\nu_\text{com}`.
    df_method : {"barnard-rubin", "rubin"}, default "barnard-rubin"
        ``"rubin"``: Rubin's (1987) original :math:`\nu = (m - 1)/\lambda^2`
        whatever ``df_complete`` (which is then only recorded); R's mice gets
        it with ``pool(fit, dfcom = Inf)``. ``"barnard-rubin"``: the
        small-sample formula when ``df_complete`` is finite.

    Returns
    -------
    PooledEstimate
        Pooled estimate, variance components, ``riv``, ``lambda_``, ``fmi``
        and ``df``; ``.std_error``, ``.conf_int(level)`` and ``.p_value``.

    Notes
    -----
    Same definitions as ``pool.scalar`` in R's mice (see the module
    docstring), except that at :math:`\lambda = 0` (all estimates equal) the
    exact limit of the Barnard--Rubin formula is returned,
    :math:`\nu_\text{com}(\nu_\text{com}+1)/(\nu_\text{com}+3)`, which is a
    little below :math:`\nu_\text{com}` (the published formula, not
    :math:`\nu_\text{com}` itself).

    Examples
    --------
    >>> from companion import rubin_pool
    >>> pooled = rubin_pool([1.0, 1.2, 0.8], [0.04, 0.05, 0.06], df_complete=20)
    >>> round(pooled.estimate, 6), round(pooled.within, 6), round(pooled.between, 6)
    (1.0, 0.05, 0.04)
    >>> round(pooled.total, 6)  # 0.05 + (1 + 1/3) * 0.04
    0.103333
    >>> round(pooled.riv, 4), round(pooled.lambda_, 4)
    (1.0667, 0.5161)
    >>> round(pooled.df, 4)  # Barnard-Rubin, below nu_com = 20
    4.0589
    >>> original = rubin_pool([1.0, 1.2, 0.8], [0.04, 0.05, 0.06], df_method="rubin")
    >>> round(original.df, 4)  # Rubin (1987): (m - 1) / lambda^2
    7.5078
    """
    q = check_vector(estimates, "estimates")
    u = check_vector(variances, "variances")
    check_same_length(estimates=q, variances=u)
    if len(q) != len(u):  # check_same_length lets length 1 broadcast
        raise ValueError(f"lengths differ: `estimates` has {len(q)}, `variances` has {len(u)}.")
    m = len(q)
    if m < 2:
        raise ValueError(f"Rubin's rules need m >= 2 imputations, got {m} estimate(s).")
    if (u < 0).any():
        position = int(np.flatnonzero(u < 0)[0])
        raise ValueError(f"`variances` must be non-negative, got {u[position]} at {position}.")
    nu_com = _check_df_complete(df_complete)
    df_method = _check_df_method(df_method)

    qbar = float(np.mean(q))
    ubar = float(np.mean(u))
    if ubar <= 0:
        raise ValueError("`variances` must have a positive mean (all are zero).")
    b = float(np.var(q - q[0], ddof=1))  # centred: equal estimates give exactly 0
    inflated = (1.0 + 1.0 / m) * b
    total = ubar + inflated
    riv = inflated / ubar
    lam = inflated / total
    nu = barnard_rubin_df(lam, m, nu_com if df_method == "barnard-rubin" else math.inf)
    fmi = (riv + 2.0 / (nu + 3.0)) / (riv + 1.0)
    return PooledEstimate(
        m=m,
        estimate=qbar,
        within=ubar,
        between=b,
        total=total,
        riv=riv,
        lambda_=lam,
        fmi=fmi,
        df=nu,
        df_complete=nu_com,
    )


_COLUMNS = [
    "estimate",
    "std_error",
    "within",
    "between",
    "total",
    "riv",
    "lambda",
    "fmi",
    "df",
    "ci_lower",
    "ci_upper",
    "t_statistic",
    "p_value",
]


def pool_estimates(
    estimates: pd.DataFrame | Mapping[str, Sequence[float]],
    variances: pd.DataFrame | Mapping[str, Sequence[float]],
    df_complete: float | None = None,
    *,
    df_method: str = "barnard-rubin",
    level: float = 0.95,
) -> pd.DataFrame:
    """Pool a table of estimates by Rubin's rules, one parameter per column.

    Parameters
    ----------
    estimates : pandas.DataFrame or dict of sequences
        Point estimates: one row per imputation, one column per parameter.
    variances : pandas.DataFrame or dict of sequences
        Their squared standard errors, with the same rows and columns as
        ``estimates``.
    df_complete : float, optional
        Complete-data degrees of freedom, as in :func:`rubin_pool`.
    df_method : {"barnard-rubin", "rubin"}, default "barnard-rubin"
        Degrees of freedom rule, as in :func:`rubin_pool`.
    level : float, default 0.95
        Level of the confidence intervals.

    Returns
    -------
    pandas.DataFrame
        One row per parameter with columns ``estimate``, ``std_error``,
        ``within``, ``between``, ``total``, ``riv``, ``lambda``, ``fmi``,
        ``df``, ``ci_lower``, ``ci_upper``, ``t_statistic``, ``p_value``.

    Examples
    --------
    >>> from companion.missing.pool import pool_estimates
    >>> table = pool_estimates({"a": [1.0, 1.2, 0.8]}, {"a": [0.04, 0.05, 0.06]})
    >>> round(float(table.loc["a", "total"]), 6)
    0.103333
    """
    level = check_probability(level, "level")
    df_method = _check_df_method(df_method)
    est = pd.DataFrame(estimates)
    var = pd.DataFrame(variances)
    if list(est.columns) != list(var.columns):
        raise ValueError(
            "`estimates` and `variances` must have the same columns, got "
            f"{list(est.columns)} and {list(var.columns)}."
        )
    if len(est) != len(var):
        raise ValueError(
            f"lengths differ: `estimates` has {len(est)} rows, `variances` has {len(var)}."
        )
    rows = {}
    for name in est.columns:
        pooled = rubin_pool(
            est[name].to_numpy(), var[name].to_numpy(), df_complete, df_method=df_method
        )
        lo, hi = pooled.conf_int(level)
        rows[name] = [
            pooled.estimate,
            pooled.std_error,
            pooled.within,
            pooled.between,
            pooled.total,
            pooled.riv,
            pooled.lambda_,
            pooled.fmi,
            pooled.df,
            lo,
            hi,
            pooled.t_statistic,
            pooled.p_value,
        ]
    return pd.DataFrame.from_dict(rows, orient="index", columns=_COLUMNS)


_FIT_FIRST = (
    "fit the analysis model to each completed data set first, e.g. "
    "`pool(fit_ols(datasets, 'y ~ x'))`"
)


def fitted_models(fits: object, name: str = "fits", *, minimum: int = 2) -> list:
    """Return ``fits`` as a list of fitted models, refusing steps taken out of order.

    Accepts a sequence of fits or an object holding them in ``.analyses``
    (mice's ``mira``). Refuses a DataFrame, a list of DataFrames (completed
    data sets, not yet analysed), an imputation result (an object with a
    ``complete`` method, like mice's ``mids``) and anything without
    ``params``. Helper for :func:`pool`, :func:`pool_r_squared` and
    :func:`companion.missing.compare.pool_compare`.
    """
    if isinstance(fits, pd.DataFrame):
        raise TypeError(
            f"`{name}` is a DataFrame (a completed data set or a pooled table), not fitted "
            f"models: {_FIT_FIRST}."
        )
    analyses = getattr(fits, "analyses", None)
    if analyses is not None and not isinstance(fits, Sequence):
        fits = analyses
    elif callable(getattr(fits, "complete", None)) and not isinstance(fits, Sequence):
        raise TypeError(
            f"`{name}` is an imputation result ({type(fits).__name__}), not fitted models: "
            f"{_FIT_FIRST} (the data sets are in its completed data sets)."
        )
    if isinstance(fits, (str, bytes, Mapping)) or not isinstance(fits, Sequence):
        raise TypeError(f"`{name}` must be a sequence of fitted models, got {type(fits).__name__}.")
    fits = list(fits)
    for position, fit in enumerate(fits):
        if isinstance(fit, pd.DataFrame):
            raise TypeError(
                f"`{name}[{position}]` is a DataFrame, a completed data set rather than a "
                f"fitted model: {_FIT_FIRST}."
            )
        if not hasattr(fit, "params"):
            raise TypeError(
                f"`{name}[{position}]` is a {type(fit).__name__} without `params`, not a "
                "fitted model; pass fitted statsmodels results (e.g. from fit_ols)."
            )
    if len(fits) < minimum:
        raise ValueError(
            f"`{name}` needs at least {minimum} fits (one per imputation), got {len(fits)}."
        )
    return fits


def pool(
    fits: Sequence[object],
    *,
    dfcom: float | None = None,
    df_method: str = "barnard-rubin",
    level: float = 0.95,
) -> pd.DataFrame:
    r"""Pool regression fits from ``m`` completed data sets by Rubin's rules.

    Parameters
    ----------
    fits : sequence of fitted models
        One fit per completed data set, each with ``params`` and ``bse``
        (pandas Series indexed by coefficient name, as statsmodels results
        have) and ``df_resid`` (complete-data degrees of freedom, used as
        ``df_complete`` for the Barnard--Rubin degrees of freedom). For
        example the list returned by :func:`fit_ols`. At least two. An
        object holding the fits in ``.analyses`` (mice's ``mira``) is
        accepted too; completed data sets (DataFrames) and imputation
        results are refused: analyse each data set first.
    dfcom : float, optional
        Complete-data degrees of freedom :math:`\nu_\text{com}`, as mice's
        ``dfcom``; by default the fits' ``df_resid`` (``n - p``). ``inf``
        gives Rubin's (1987) large-sample degrees of freedom.
    df_method : {"barnard-rubin", "rubin"}, default "barnard-rubin"
        ``"rubin"``: Rubin's (1987) original :math:`\nu = (m - 1)/\lambda^2`,
        ignoring ``dfcom`` (same as mice's ``pool(fit, dfcom = Inf)``).
        ``"barnard-rubin"``: the Barnard and Rubin (1999) small-sample
        degrees of freedom (mice's default).
    level : float, default 0.95
        Level of the confidence intervals.

    Returns
    -------
    pandas.DataFrame
        One row per coefficient, columns as in :func:`pool_estimates`.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from companion import fit_ols, pool
    >>> rng = np.random.default_rng(1)
    >>> x = np.arange(10.0)
    >>> sets = [pd.DataFrame({"x": x, "y": x + rng.normal(size=10)})
    ...         for _ in range(3)]
    >>> fits = fit_ols(sets, "y ~ x")
    >>> table = pool(fits)
    >>> table.index.tolist()
    ['Intercept', 'x']
    >>> bool((table["df"] < 8).all())  # never above the complete-data df, n - p = 8
    True
    >>> original = pool(fits, df_method="rubin")  # Rubin (1987): (m - 1) / lambda^2
    >>> bool(np.allclose(original["df"], 2 / original["lambda"] ** 2))
    True
    >>> pool(sets)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    TypeError: `fits[0]` is a DataFrame, a completed data set rather than a fitted model: ...
    """
    fits = fitted_models(fits, "fits")
    df_method = _check_df_method(df_method)
    level = check_probability(level, "level")
    estimates, variances, dfs = [], [], []
    for position, fit in enumerate(fits):
        missing = [a for a in ("params", "bse", "df_resid") if not hasattr(fit, a)]
        if missing:
            raise TypeError(
                f"`fits[{position}]` has no attribute(s) {', '.join(missing)}; "
                "pass fitted statsmodels results (e.g. from fit_ols)."
            )
        estimates.append(pd.Series(fit.params))
        variances.append(pd.Series(fit.bse) ** 2)
        dfs.append(float(fit.df_resid))
    names = list(estimates[0].index)
    for position, series in enumerate(estimates):
        if list(series.index) != names:
            raise ValueError(
                f"`fits[{position}]` has coefficients {list(series.index)}, "
                f"`fits[0]` has {names}: fit the same model to every data set."
            )
    if dfcom is None:
        if len(set(dfs)) != 1:
            raise ValueError(
                f"the fits have different `df_resid` {sorted(set(dfs))}; pass `dfcom`."
            )
        dfcom = dfs[0]
    else:
        dfcom = _check_df_complete(dfcom, "dfcom")
    return pool_estimates(
        pd.DataFrame(estimates).reset_index(drop=True),
        pd.DataFrame(variances).reset_index(drop=True),
        df_complete=dfcom,
        df_method=df_method,
        level=level,
    )


@dataclass(frozen=True)
class PooledRSquared:
    r"""The :math:`R^2` of ``m`` OLS fits pooled on Fisher's :math:`z` scale.

    Attributes
    ----------
    estimate : float
        Pooled :math:`R^2` (or adjusted :math:`R^2`): :math:`\tanh^2(\bar z)`.
    ci_lower, ci_upper : float
        Confidence limits, :math:`\tanh^2(\bar z \mp z_{(1+\text{level})/2} \sqrt{V_T})`.
    fmi : float
        Fraction of missing information of :math:`z`.
    level : float
        Level of the interval.
    adjusted : bool
        Whether the adjusted :math:`R^2` was pooled.
    z : PooledEstimate
        Rubin's rules on the :math:`z` scale (estimates
        :math:`z_\ell = \operatorname{artanh}\sqrt{R^2_\ell}`, variances
        :math:`1/(n - 3)`, large-sample degrees of freedom).

    Examples
    --------
    >>> from companion.missing.pool import PooledRSquared, rubin_pool
    >>> z = rubin_pool([0.5, 0.6], [0.05, 0.05])
    >>> PooledRSquared(0.3, 0.1, 0.5, z.fmi, 0.95, False, z).estimate
    0.3
    """

    estimate: float
    ci_lower: float
    ci_upper: float
    fmi: float
    level: float
    adjusted: bool
    z: PooledEstimate

    @property
    def m(self) -> int:
        """Number of imputations."""
        return self.z.m

    def __str__(self) -> str:
        """Return the estimate, the interval and the FMI on one line."""
        name = "adjusted R^2" if self.adjusted else "R^2"
        return (
            f"pooled {name} = {self.estimate:.4g}, {100 * self.level:g}% CI "
            f"[{self.ci_lower:.4g}, {self.ci_upper:.4g}], fmi = {self.fmi:.3g} (m = {self.m})"
        )


def pool_r_squared(
    fits: Sequence[object], *, adjusted: bool = False, level: float = 0.95
) -> PooledRSquared:
    r"""Pool the :math:`R^2` of OLS fits over imputations (mice's ``pool.r.squared``).

    Each :math:`R_\ell = \sqrt{R^2_\ell}` is moved to Fisher's scale,
    :math:`z_\ell = \operatorname{artanh} R_\ell`, with variance
    :math:`1/(n - 3)`; the :math:`z_\ell` are pooled by Rubin's rules
    (:func:`rubin_pool`, no complete-data degrees of freedom), and the
    estimate and the normal-theory interval
    :math:`\bar z \pm z_{(1+\text{level})/2} \sqrt{V_T}` are moved back
    with :math:`\tanh^2` (Harel 2009; van Buuren 2018, section 5.3).

    Parameters
    ----------
    fits : sequence of statsmodels OLS results
        One fit per completed data set (e.g. from :func:`fit_ols`), at
        least two, each with ``rsquared``, ``rsquared_adj`` and ``nobs``.
    adjusted : bool, default False
        Pool the adjusted :math:`R^2` instead.
    level : float, default 0.95
        Level of the interval.

    Returns
    -------
    PooledRSquared
        ``estimate``, ``ci_lower``, ``ci_upper``, ``fmi`` and the pooled
        :math:`z` (``.z``).

    Notes
    -----
    mice uses the rounded quantile 1.96 for its 95% interval; this function
    uses the exact normal quantile (1.959964...), so the limits differ from
    mice's in the fifth significant digit. The estimate and the FMI are the
    same.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from companion import fit_ols
    >>> from companion.missing import pool_r_squared
    >>> rng = np.random.default_rng(2)
    >>> x = rng.normal(size=30)
    >>> sets = [pd.DataFrame({"x": x, "y": x + rng.normal(size=30)}) for _ in range(4)]
    >>> pooled = pool_r_squared(fit_ols(sets, "y ~ x"))
    >>> bool(pooled.ci_lower < pooled.estimate < pooled.ci_upper)
    True
    >>> same = pool_r_squared(fit_ols([sets[0]] * 3, "y ~ x"))  # identical data sets
    >>> bool(np.isclose(same.estimate, fit_ols([sets[0]], "y ~ x")[0].rsquared))
    True
    """
    fits = fitted_models(fits, "fits")
    if not isinstance(adjusted, bool):
        raise TypeError(f"`adjusted` must be True or False, got {type(adjusted).__name__}.")
    level = check_probability(level, "level")
    attribute = "rsquared_adj" if adjusted else "rsquared"
    z, u = [], []
    for position, fit in enumerate(fits):
        if not hasattr(fit, attribute) or not hasattr(fit, "nobs"):
            raise TypeError(
                f"`fits[{position}]` has no `{attribute}`/`nobs`: pool_r_squared needs OLS "
                "fits (e.g. from fit_ols)."
            )
        r2 = float(getattr(fit, attribute))
        if not 0.0 <= r2 < 1.0:
            raise ValueError(
                f"`fits[{position}]` has {attribute} = {r2:.4g}; Fisher's z needs a value in "
                "[0, 1) (a negative adjusted R^2 has no square root: use adjusted=False)."
            )
        n = float(fit.nobs)
        if n <= 3:
            raise ValueError(
                f"`fits[{position}]` has {n:g} observations; the variance 1/(n - 3) "
                "of Fisher's z needs n > 3."
            )
        z.append(math.atanh(math.sqrt(r2)))
        u.append(1.0 / (n - 3.0))
    pooled = rubin_pool(z, u)
    half = _t_ppf(0.5 + level / 2.0, math.inf) * pooled.std_error
    return PooledRSquared(
        estimate=math.tanh(pooled.estimate) ** 2,
        ci_lower=math.tanh(pooled.estimate - half) ** 2,
        ci_upper=math.tanh(pooled.estimate + half) ** 2,
        fmi=pooled.fmi,
        level=level,
        adjusted=adjusted,
        z=pooled,
    )


def imputations_needed(fmi: float, *, cv: float = 0.05) -> dict[str, int]:
    r"""Numbers of imputations suggested by three rules of thumb.

    * ``"efficiency"``: the smallest :math:`m` whose relative efficiency
      :math:`(1 + \mathrm{FMI}/m)^{-1}` (Rubin 1987, p. 114) is at least 0.99;
    * ``"white"``: :math:`m \ge 100\,\mathrm{FMI}` (White, Royston and Wood 2011,
      who phrase it with the fraction of incomplete cases);
    * ``"von_hippel"``: the quadratic rule
      :math:`m = 1 + \tfrac12 (\mathrm{FMI} / \text{cv})^2` of von Hippel (2020),
      which makes the coefficient of variation of the pooled standard error
      about ``cv``.

    Parameters
    ----------
    fmi : float
        Fraction of missing information FMI, in (0, 1).
    cv : float, default 0.05
        Target coefficient of variation of the standard error (von Hippel).

    Returns
    -------
    dict
        ``{"efficiency": ..., "white": ..., "von_hippel": ...}``, each at least 2.

    Examples
    --------
    >>> from companion.missing.pool import imputations_needed
    >>> imputations_needed(0.3)
    {'efficiency': 30, 'white': 30, 'von_hippel': 19}
    """
    fmi = check_probability(fmi, "fmi")
    cv = check_probability(cv, "cv")
    efficiency = math.ceil(fmi * 0.99 / 0.01 - 1e-9)  # (1 + fmi/m)^-1 >= 0.99
    white = math.ceil(100 * fmi - 1e-9)
    von_hippel = math.ceil(1 + 0.5 * (fmi / cv) ** 2 - 1e-9)
    return {
        "efficiency": max(2, efficiency),
        "white": max(2, white),
        "von_hippel": max(2, von_hippel),
    }
