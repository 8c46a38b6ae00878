r"""Tests of several coefficients at once over multiply imputed data sets (mice's D1, D2, D3).

A full model and a nested null model are fitted to each of the :math:`m`
completed data sets; the null model drops :math:`k` of the full model's
coefficients. Three rules combine the :math:`m` complete-data tests of
:math:`H_0`: "the :math:`k` coefficients are zero" into one :math:`F` test:

* **D1**, the multivariate Wald test of Li, Raghunathan and Rubin (1991), from
  the pooled estimates :math:`\bar Q` of the :math:`k` coefficients, their
  mean covariance :math:`\bar U` and between-imputation covariance :math:`B`:
  :math:`r = (1 + 1/m)\,\mathrm{tr}(B \bar U^{-1})/k` and
  :math:`D_1 = \bar Q^\top \bar U^{-1} \bar Q / (k (1 + r))`, on :math:`k` and
  :math:`\nu_1` degrees of freedom; with complete-data degrees of freedom
  :math:`\nu_\text{com}` (by default the full fits' ``n - p``, as mice)
  :math:`\nu_1` is Reiter's (2007) small-sample value, otherwise that of
  Li, Raghunathan and Rubin.
* **D2**, combining the :math:`m` chi-square statistics :math:`d_\ell` (Li,
  Meng, Raghunathan and Rubin 1991):
  :math:`r = (1 + 1/m)\,\mathrm{var}(\sqrt{d_\ell})` and
  :math:`D_2 = (\bar d / k - r (m + 1)/(m - 1)) / (1 + r)`, on :math:`k` and
  :math:`k^{-3/m} (m - 1)(1 + 1/r)^2` degrees of freedom. Needs only the
  statistics, hence works for any model, but is the least accurate.
* **D3**, the likelihood-ratio test of Meng and Rubin (1992): the mean
  likelihood-ratio statistic :math:`\bar d_M` of the :math:`m` fits and
  the mean :math:`\tilde d_L` of the statistics evaluated at the pooled
  estimates give :math:`r = (m + 1)/(k (m - 1))\,(\bar d_M - \tilde d_L)` and
  :math:`D_3 = \tilde d_L / (k (1 + r))`. For OLS fits the log-likelihood at
  the pooled estimates is computed in closed form.

:math:`r` is the average relative increase in variance due to nonresponse
(``riv``). The formulas are those of R's mice 3.15 (``D1``, ``D2``, ``D3``)
and mitml 0.4 (``testModels``, which mice calls for D1 and D2), read from
their source; see :func:`pool_compare` for the two places where this module
departs from them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from numbers import Real

import numpy as np
import pandas as pd

from companion.missing.pool import fitted_models

__all__ = [
    "COMPARE_METHODS",
    "PooledTest",
    "d1",
    "d2",
    "d3",
    "pool_compare",
]

#: Rules for combining tests over imputations (argument ``method`` of :func:`pool_compare`).
COMPARE_METHODS = ("D1", "D2", "D3")

_D2_USES = ("wald", "likelihood")
_D3_LOGLIKS = ("pooled", "mice")


@dataclass(frozen=True)
class PooledTest:
    r"""A test of :math:`k` coefficients combined over :math:`m` imputations.

    Attributes
    ----------
    method : str
        ``"D1"``, ``"D2"`` or ``"D3"``.
    statistic : float
        The :math:`F` statistic.
    df1 : int
        Numerator degrees of freedom :math:`k`, the number of coefficients tested.
    df2 : float
        Denominator degrees of freedom (``inf`` when the imputations agree
        exactly and no complete-data degrees of freedom apply).
    p_value : float
        :math:`P(F_{k, \nu} > \text{statistic})`.
    riv : float
        Average relative increase in variance due to nonresponse, :math:`r`.
    m : int
        Number of imputations.
    tested : tuple of str
        Names of the coefficients tested (those of the full model that the
        null model lacks).
    dfcom : float
        Complete-data degrees of freedom used by D1 (``inf``: none; ``nan``
        for D2 and D3, which do not use them).

    Examples
    --------
    >>> from companion.missing.compare import PooledTest
    >>> test = PooledTest("D1", 2.5, 2, 20.0, 0.107, 0.3, 5, ("x1", "x2"), 17.0)
    >>> print(test)
    D1 test of x1, x2 (m = 5): F = 2.5 on 2 and 20 df, p = 0.107, riv = 0.3
    """

    method: str
    statistic: float
    df1: int
    df2: float
    p_value: float
    riv: float
    m: int
    tested: tuple[str, ...]
    dfcom: float

    def __str__(self) -> str:
        """Return the test on one line, as a report would quote it."""
        return (
            f"{self.method} test of {', '.join(self.tested)} (m = {self.m}): "
            f"F = {self.statistic:.4g} on {self.df1} and {self.df2:.4g} df, "
            f"p = {self.p_value:.3g}, riv = {self.riv:.3g}"
        )


def _check_dfcom(dfcom: object) -> float:
    if isinstance(dfcom, bool) or not isinstance(dfcom, Real):
        raise TypeError(f"`dfcom` must be a positive number or None, got {type(dfcom).__name__}.")
    if math.isnan(dfcom) or dfcom <= 0:
        raise ValueError(f"`dfcom` must be positive (or inf, or None), got {dfcom}.")
    return float(dfcom)


# --- the three rules, on plain arrays ----------------------------------------------------------


def _f_sf(statistic: float, df1: int, df2: float) -> float:
    from scipy import stats

    if math.isinf(df2):
        return float(stats.chi2.sf(df1 * statistic, df1))
    return float(stats.f.sf(statistic, df1, df2))


def _li_df(k: int, m: int, r: float) -> float:
    """Denominator df of Li, Raghunathan and Rubin (1991) (mitml, no complete-data df)."""
    if r == 0.0:
        return math.inf
    t = k * (m - 1)
    if t > 4:
        return 4.0 + (t - 4.0) * (1.0 + (1.0 - 2.0 / t) / r) ** 2
    return t * (1.0 + 1.0 / k) * (1.0 + 1.0 / r) ** 2 / 2.0


def _reiter_df(k: int, m: int, r: float, dfcom: float) -> float:
    """Denominator df of Reiter (2007), as mitml's ``.D1`` computes it."""
    vstar = (dfcom + 1.0) / (dfcom + 3.0) * dfcom
    if r == 0.0:
        return vstar  # a = 0: z = 1 / c2 and v = 4 + c2 = vstar
    t = k * (m - 1)
    if t < 4:  # Reiter's moments need t > 4; mitml returns negative or NaN values here
        return min(_li_df(k, m, r), vstar)
    if t == 4:  # c0 = 1 / (t - 4) is infinite: the limit t -> 4+ of v is 4, as in mitml
        return 4.0
    a = r * t / (t - 2.0)
    c0 = 1.0 / (t - 4.0)
    c1 = vstar - 2.0 * (1.0 + a)
    c2 = vstar - 4.0 * (1.0 + a)
    z = (
        1.0 / c2
        + c0 * (a**2 * c1 / ((1.0 + a) ** 2 * c2))
        + c0 * (8.0 * a**2 * c1 / ((1.0 + a) * c2**2) + 4.0 * a**2 / ((1.0 + a) * c2))
        + c0 * (4.0 * a**2 / (c2 * c1) + 16.0 * a**2 * c1 / c2**3)
        + c0 * (8.0 * a**2 / c2**2)
    )
    return 4.0 + 1.0 / z


def _d1(q: np.ndarray, u: np.ndarray, dfcom: float) -> tuple[float, float, float]:
    """D1 from estimates ``q`` (m, k) and covariances ``u`` (m, k, k)."""
    m, k = q.shape
    qbar = q.mean(axis=0)
    ubar = u.mean(axis=0)
    # Centred on the first estimate, so that equal estimates give exactly B = 0.
    b = np.atleast_2d(np.cov(q - q[0], rowvar=False, ddof=1))
    r = float((1.0 + 1.0 / m) * np.trace(np.linalg.solve(ubar, b)) / k)
    statistic = float(qbar @ np.linalg.solve(ubar, qbar)) / (k * (1.0 + r))
    df2 = _li_df(k, m, r) if math.isinf(dfcom) else _reiter_df(k, m, r, dfcom)
    return statistic, df2, r


def _d2(d: np.ndarray, k: int) -> tuple[float, float, float]:
    """D2 from the m chi-square statistics ``d`` on ``k`` df."""
    m = len(d)
    roots = np.sqrt(d)
    r = float((1.0 + 1.0 / m) * np.var(roots - roots[0], ddof=1))
    statistic = (float(np.mean(d)) / k - (m + 1.0) / (m - 1.0) * r) / (1.0 + r)
    df2 = math.inf if r == 0.0 else k ** (-3.0 / m) * (m - 1.0) * (1.0 + 1.0 / r) ** 2
    return statistic, df2, r


def _d3(d_m: np.ndarray, d_l: np.ndarray, k: int) -> tuple[float, float, float]:
    """D3 from the LR statistics at each fit's estimates (d_m) and at the pooled ones (d_l)."""
    m = len(d_m)
    dbar_m, dbar_l = float(np.mean(d_m)), float(np.mean(d_l))
    r = (m + 1.0) / (k * (m - 1.0)) * (dbar_m - dbar_l)
    statistic = dbar_l / (k * (1.0 + r))
    return statistic, _li_df(k, m, r), r


# --- fitted models -----------------------------------------------------------------------------


def _names(fits: list, name: str) -> list[str]:
    names = list(pd.Series(fits[0].params).index)
    for position, fit in enumerate(fits):
        if list(pd.Series(fit.params).index) != names:
            raise ValueError(
                f"`{name}[{position}]` has coefficients {list(pd.Series(fit.params).index)}, "
                f"`{name}[0]` has {names}: fit the same model to every data set."
            )
    return names


def _design(fit: object, name: str) -> tuple[np.ndarray, pd.DataFrame] | None:
    """Return the response and the design matrix (columns named as ``params``) of a fit."""
    model = getattr(fit, "model", None)
    if model is None or not hasattr(model, "endog") or not hasattr(model, "exog"):
        return None
    params = pd.Series(fit.params)
    exog = np.asarray(model.exog, dtype=float)
    if exog.ndim != 2 or exog.shape[1] != len(params):
        raise ValueError(f"`{name}` has a design matrix that does not match its coefficients.")
    return np.asarray(model.endog, dtype=float), pd.DataFrame(exog, columns=params.index)


def _check_nested(fits: list, fits_null: list) -> None:
    """Raise unless each null fit used the full fit's data (same response, same columns)."""
    for position, (full, null) in enumerate(zip(fits, fits_null, strict=True)):
        a = _design(full, f"fits[{position}]")
        b = _design(null, f"fits_null[{position}]")
        if a is None or b is None:
            continue  # not statsmodels: the names were checked, the data cannot be
        same = a[0].shape == b[0].shape and np.array_equal(a[0], b[0])
        same = same and all(np.array_equal(a[1][c], b[1][c]) for c in b[1].columns)
        if not same:
            raise ValueError(
                f"`fits_null[{position}]` was not fitted to the same data as "
                f"`fits[{position}]` (response or shared columns differ): fit both models "
                "to the same completed data sets, in the same order."
            )


def _constant(fit: object) -> str | None:
    """Return the name of the intercept of a statsmodels fit (None if it has none)."""
    model = getattr(fit, "model", None)
    index = getattr(getattr(model, "data", None), "const_idx", None)
    if index is None:
        names = list(pd.Series(fit.params).index)
        return next((n for n in ("Intercept", "const", "(Intercept)") if n in names), None)
    return list(pd.Series(fit.params).index)[int(index)]


def _ols_data(fit: object, position: int, name: str) -> tuple[np.ndarray, pd.DataFrame]:
    from statsmodels.regression.linear_model import OLS

    model = getattr(fit, "model", None)
    if type(model) is not OLS:
        raise TypeError(
            f"`{name}[{position}]` is not a statsmodels OLS fit ({type(model).__name__}); "
            "D3 and D2 with use='likelihood' evaluate the normal linear model's likelihood "
            "(fit with fit_ols). Use method='D1' or 'D2' for other models."
        )
    design = _design(fit, f"{name}[{position}]")
    assert design is not None  # an OLS model has endog and exog
    return design


def _loglik(y: np.ndarray, x: np.ndarray, beta: np.ndarray, sigma2: float) -> float:
    residual = y - x @ beta
    n = len(y)
    return -0.5 * n * math.log(2.0 * math.pi * sigma2) - float(residual @ residual) / (2 * sigma2)


def _ml_fit(y: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, float, float]:
    """Return least-squares coefficients, ML variance and maximised log-likelihood."""
    if x.shape[1] == 0:
        beta = np.zeros(0)
    else:
        beta = np.linalg.lstsq(x, y, rcond=None)[0]
    sigma2 = float(np.mean((y - x @ beta) ** 2))
    return beta, sigma2, _loglik(y, x, beta, sigma2)


def _d3_deviances(
    data: list[tuple[np.ndarray, np.ndarray]], loglik: str
) -> tuple[np.ndarray, np.ndarray]:
    """Return the maximised and pooled-estimate log-likelihoods of one model per data set."""
    fitted = [_ml_fit(y, x) for y, x in data]
    ll_m = np.array([f[2] for f in fitted])
    beta_bar = np.mean([f[0] for f in fitted], axis=0)
    if loglik == "pooled":  # Meng and Rubin (1992), mitml: pooled beta and pooled sigma^2
        sigma2_bar = float(np.mean([f[1] for f in fitted]))
        ll_l = np.array([_loglik(y, x, beta_bar, sigma2_bar) for y, x in data])
    else:  # mice's D3: the offset X beta_bar, a refitted intercept and ML sigma^2
        ll_l = []
        for y, x in data:
            residual = y - x @ beta_bar
            centred = residual - residual.mean()
            ll_l.append(_loglik(centred, np.zeros((len(y), 0)), np.zeros(0), np.mean(centred**2)))
        ll_l = np.array(ll_l)
    return ll_m, ll_l


# --- public API --------------------------------------------------------------------------------


def pool_compare(
    fits: Sequence[object],
    fits_null: Sequence[object] | None = None,
    *,
    method: str = "D1",
    dfcom: float | None = None,
    use: str = "wald",
    loglik: str = "pooled",
) -> PooledTest:
    r"""Test nested models fitted to each imputed data set (mice's ``D1``, ``D2``, ``D3``).

    Parameters
    ----------
    fits : sequence of fitted models
        The full model fitted to each of the ``m >= 2`` completed data sets
        (e.g. from :func:`companion.fit_ols`), or an object holding them in
        ``.analyses``. Completed data sets themselves are refused.
    fits_null : sequence of fitted models, optional
        The null model fitted to the same data sets, in the same order. Its
        coefficients must be a proper subset of the full model's (by name),
        and for statsmodels fits the response and shared columns must be
        identical. ``None`` (default): the model with only the intercept
        (if the full model has one), i.e. a test that all slopes are zero.
    method : {"D1", "D2", "D3"}, default "D1"
        D1: multivariate Wald test (any fits with ``params`` and
        ``cov_params()``); D2: combined chi-square statistics; D3:
        likelihood-ratio test (statsmodels OLS fits only).
    dfcom : float, optional
        Complete-data degrees of freedom for D1; by default the full fits'
        ``df_resid`` (``n - p``), as in mice, giving Reiter's (2007)
        small-sample degrees of freedom. ``inf``: those of Li, Raghunathan
        and Rubin (1991). Ignored by D2 and D3.
    use : {"wald", "likelihood"}, default "wald"
        For D2, which statistic is combined: each fit's Wald chi-square
        (mice's default) or its likelihood-ratio statistic (OLS fits).
    loglik : {"pooled", "mice"}, default "pooled"
        For D3, where the log-likelihood is evaluated: at the pooled
        coefficients and the pooled ML residual variance, as Meng and Rubin
        (1992) define it and as mitml's ``testModels(method = "D3")``
        computes it; or as mice's ``D3`` does (mice 3.15 refits the model
        with the pooled coefficients as an offset, which re-estimates the
        intercept and the residual variance), to reproduce mice's numbers.
        The two differ with imputed data (mice's test suite marks that
        discrepancy as unresolved); they agree when the data sets are
        identical.

    Returns
    -------
    PooledTest
        ``statistic`` (F), ``df1``, ``df2``, ``p_value``, ``riv``, ``m``,
        ``tested`` and ``dfcom``; ``print`` gives a one-line summary.

    Raises
    ------
    ValueError
        If the models are not nested, ``fits`` and ``fits_null`` have
        different lengths or data, the coefficients differ between data
        sets, or ``m < 2``.
    TypeError
        If DataFrames (completed data sets) are passed instead of fits, or
        D3 gets fits other than statsmodels OLS.

    Notes
    -----
    Two departures from mice and mitml, both outside their valid range: with
    complete-data degrees of freedom and :math:`k (m - 1) < 4`, where
    Reiter's formula returns negative or missing values in mitml, D1 uses
    the degrees of freedom of Li, Raghunathan and Rubin (1991), capped at
    :math:`\nu_\text{com}(\nu_\text{com} + 1)/(\nu_\text{com} + 3)`; and when
    all imputations agree (:math:`r = 0`) the limits of the formulas are
    returned (``inf``, or that cap for D1 with ``dfcom``) instead of
    dividing by zero. As in mice, ``riv`` of D2 and D3 can be negative.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from companion import fit_ols
    >>> from companion.missing import pool_compare
    >>> rng = np.random.default_rng(3)
    >>> x1, x2 = rng.normal(size=(2, 40))
    >>> sets = [pd.DataFrame({"x1": x1, "x2": x2 + rng.normal(0, 0.3, 40),
    ...                       "y": 1 + x1 + rng.normal(size=40)}) for _ in range(5)]
    >>> full = fit_ols(sets, "y ~ x1 + x2")
    >>> null = fit_ols(sets, "y ~ x1")
    >>> test = pool_compare(full, null, method="D1")
    >>> test.tested, test.df1
    (('x2',), 1)
    >>> print(pool_compare(full, method="D3"))  # doctest: +ELLIPSIS
    D3 test of x1, x2 (m = 5): F = ... on 2 and ... df, p = ..., riv = ...
    """
    if method not in COMPARE_METHODS:
        raise ValueError(f"`method` must be one of 'D1', 'D2', 'D3', got {method!r}.")
    if use not in _D2_USES:
        raise ValueError(f"`use` must be 'wald' or 'likelihood', got {use!r}.")
    if loglik not in _D3_LOGLIKS:
        raise ValueError(f"`loglik` must be 'pooled' or 'mice', got {loglik!r}.")
    fits = fitted_models(fits, "fits")
    m = len(fits)
    names = _names(fits, "fits")
    if fits_null is None:
        constant = _constant(fits[0])
        null_names = [constant] if constant is not None else []
    else:
        fits_null = fitted_models(fits_null, "fits_null")
        if len(fits_null) != m:
            raise ValueError(
                f"`fits` has {m} fits and `fits_null` {len(fits_null)}: fit both models to the "
                "same completed data sets."
            )
        for label, group in (("fits", fits), ("fits_null", fits_null)):
            if not isinstance(group[0].params, pd.Series):
                raise TypeError(
                    f"`{label}` have unnamed coefficients (a NumPy array), so the tested ones "
                    "cannot be matched by name: fit with a formula (e.g. fit_ols) or pandas data."
                )
        null_names = _names(fits_null, "fits_null")
        extra = [n for n in null_names if n not in names]
        if extra:
            raise ValueError(
                f"the models are not nested: `fits_null` has coefficient(s) {extra} that "
                f"`fits` lacks (full model: {names})."
            )
        _check_nested(fits, fits_null)
    tested = [n for n in names if n not in null_names]
    if not tested:
        raise ValueError(
            "the models are not nested: `fits_null` has all the coefficients of `fits`, "
            "so there is nothing to test."
        )
    k = len(tested)
    used_dfcom = math.nan

    if method == "D1" or (method == "D2" and use == "wald"):
        q = np.array([pd.Series(f.params)[tested].to_numpy(dtype=float) for f in fits])
        u = []
        for position, fit in enumerate(fits):
            if not callable(getattr(fit, "cov_params", None)):
                raise TypeError(f"`fits[{position}]` has no `cov_params()`; D1 and D2 need it.")
            cov = pd.DataFrame(fit.cov_params(), index=names, columns=names)
            u.append(cov.loc[tested, tested].to_numpy(dtype=float))
        u = np.array(u)
    if method == "D1":
        if dfcom is None:
            dfs = {float(f.df_resid) for f in fits} if hasattr(fits[0], "df_resid") else set()
            if len(dfs) != 1:
                raise ValueError("the fits have no common `df_resid`; pass `dfcom`.")
            used_dfcom = dfs.pop()
        else:
            used_dfcom = _check_dfcom(dfcom)
        statistic, df2, r = _d1(q, u, used_dfcom)
    elif method == "D2":
        if use == "wald":
            d = np.array([q[i] @ np.linalg.solve(u[i], q[i]) for i in range(m)])
        else:
            ll_full, ll_null = _likelihoods(fits, fits_null, null_names)
            d = np.maximum(2.0 * (ll_full[0] - ll_null[0]), 0.0)
        statistic, df2, r = _d2(d, k)
    else:
        if loglik == "mice" and _constant(fits[0]) is None:
            raise ValueError("`loglik='mice'` refits an intercept; the full model has none.")
        ll_full, ll_null = _likelihoods(fits, fits_null, null_names, loglik)
        statistic, df2, r = _d3(2.0 * (ll_full[0] - ll_null[0]), 2.0 * (ll_full[1] - ll_null[1]), k)
    return PooledTest(
        method=method,
        statistic=float(statistic),
        df1=k,
        df2=float(df2),
        p_value=_f_sf(float(statistic), k, float(df2)),
        riv=float(r),
        m=m,
        tested=tuple(str(n) for n in tested),
        dfcom=float(used_dfcom),
    )


def _likelihoods(
    fits: list, fits_null: list | None, null_names: list, loglik: str = "pooled"
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Return the maximised and pooled-estimate log-likelihoods of the full and null model."""
    full = [_ols_data(f, i, "fits") for i, f in enumerate(fits)]
    if fits_null is None:
        null = [(y, x[null_names]) for y, x in full]
    else:
        null = [_ols_data(f, i, "fits_null") for i, f in enumerate(fits_null)]
    as_arrays = [(y, x.to_numpy()) for y, x in full]
    as_arrays_null = [(y, x.to_numpy()) for y, x in null]
    return _d3_deviances(as_arrays, loglik), _d3_deviances(as_arrays_null, loglik)


def d1(
    fits: Sequence[object], fits_null: Sequence[object] | None = None, *, dfcom: float | None = None
) -> PooledTest:
    """Multivariate Wald test over imputations (mice's ``D1``); see :func:`pool_compare`.

    Parameters
    ----------
    fits, fits_null : sequence of fitted models
        Full and nested null model fitted to each completed data set
        (``fits_null=None``: intercept only).
    dfcom : float, optional
        Complete-data degrees of freedom (default: the full fits' ``df_resid``).

    Returns
    -------
    PooledTest
        The D1 test.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from companion import fit_ols
    >>> from companion.missing import d1
    >>> rng = np.random.default_rng(4)
    >>> x = rng.normal(size=30)
    >>> y = x + rng.normal(size=30)
    >>> sets = []
    >>> for _ in range(3):  # the first 6 values of y "imputed" differently in each set
    ...     filled = y.copy()
    ...     filled[:6] = x[:6] + rng.normal(size=6)
    ...     sets.append(pd.DataFrame({"x": x, "y": filled}))
    >>> print(d1(fit_ols(sets, "y ~ x")))
    D1 test of x (m = 3): F = 23.75 on 1 and 11.06 df, p = 0.000484, riv = 0.74
    """
    return pool_compare(fits, fits_null, method="D1", dfcom=dfcom)


def d2(
    fits: Sequence[object], fits_null: Sequence[object] | None = None, *, use: str = "wald"
) -> PooledTest:
    """Test combining the complete-data chi-square statistics (mice's ``D2``).

    See :func:`pool_compare`.

    Parameters
    ----------
    fits, fits_null : sequence of fitted models
        Full and nested null model fitted to each completed data set
        (``fits_null=None``: intercept only).
    use : {"wald", "likelihood"}, default "wald"
        Which chi-square statistic is combined.

    Returns
    -------
    PooledTest
        The D2 test.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from companion import fit_ols
    >>> from companion.missing import d2
    >>> rng = np.random.default_rng(4)
    >>> x = rng.normal(size=30)
    >>> y = x + rng.normal(size=30)
    >>> sets = []
    >>> for _ in range(3):  # the first 6 values of y "imputed" differently in each set
    ...     filled = y.copy()
    ...     filled[:6] = x[:6] + rng.normal(size=6)
    ...     sets.append(pd.DataFrame({"x": x, "y": filled}))
    >>> print(d2(fit_ols(sets, "y ~ x")))
    D2 test of x (m = 3): F = 16.22 on 1 and 5.708 df, p = 0.00765, riv = 1.45
    """
    return pool_compare(fits, fits_null, method="D2", use=use)


def d3(
    fits: Sequence[object],
    fits_null: Sequence[object] | None = None,
    *,
    loglik: str = "pooled",
) -> PooledTest:
    """Likelihood-ratio test over imputations (mice's ``D3``); see :func:`pool_compare`.

    Parameters
    ----------
    fits, fits_null : sequence of statsmodels OLS results
        Full and nested null model fitted to each completed data set
        (``fits_null=None``: intercept only).
    loglik : {"pooled", "mice"}, default "pooled"
        Where the log-likelihood is evaluated (Meng and Rubin's pooled
        estimates, or mice's refit), as in :func:`pool_compare`.

    Returns
    -------
    PooledTest
        The D3 test.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from companion import fit_ols
    >>> from companion.missing import d3
    >>> rng = np.random.default_rng(4)
    >>> x = rng.normal(size=30)
    >>> y = x + rng.normal(size=30)
    >>> sets = []
    >>> for _ in range(3):  # the first 6 values of y "imputed" differently in each set
    ...     filled = y.copy()
    ...     filled[:6] = x[:6] + rng.normal(size=6)
    ...     sets.append(pd.DataFrame({"x": x, "y": filled}))
    >>> print(d3(fit_ols(sets, "y ~ x")))
    D3 test of x (m = 3): F = 13.59 on 1 and 8.162 df, p = 0.00595, riv = 0.98
    """
    return pool_compare(fits, fits_null, method="D3", loglik=loglik)
