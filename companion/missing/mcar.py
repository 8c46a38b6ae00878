r"""Little's test of missing completely at random (MCAR).

Under MCAR the rows of every missing-data pattern are a random sample of
all rows, so the means of the variables a pattern observes should agree,
up to sampling error, with the means estimated from all the data.
@little1988test turns this into one statistic: with :math:`\hat\mu` and
:math:`\hat\Sigma` the maximum-likelihood estimates of a multivariate
normal model (found by EM, which is valid under MAR), and for each pattern
:math:`j` its :math:`n_j` rows, the :math:`p_j` variables it observes and
their sample means :math:`\bar y_j`,

.. math::

    d^2 = \sum_j n_j\, (\bar y_j - \hat\mu_j)^\top \hat\Sigma_j^{-1}
    (\bar y_j - \hat\mu_j),

where :math:`\hat\mu_j` and :math:`\hat\Sigma_j` are the parts of
:math:`\hat\mu` and :math:`\hat\Sigma` for those variables. Under MCAR,
:math:`d^2` is approximately :math:`\chi^2` with :math:`\sum_j p_j - p`
degrees of freedom. A small p-value is evidence against MCAR; a large one
is not evidence for it, and no test on the observed data can tell MAR from
MNAR.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from companion._validation import check_count, check_frame_columns, check_numeric_columns

__all__ = ["MCARTest", "mcar_test"]


@dataclass(frozen=True)
class MCARTest:
    r"""Result of :func:`mcar_test`.

    Attributes
    ----------
    statistic : float
        Little's :math:`d^2`.
    df : int
        Degrees of freedom, :math:`\sum_j p_j - p`.
    p_value : float
        Upper tail of the :math:`\chi^2_{df}` distribution at ``statistic``.
    n_patterns : int
        Missing-data patterns among the rows used.
    n_rows : int
        Rows used (rows missing every variable are left out).

    Examples
    --------
    >>> from companion.missing import MCARTest
    >>> MCARTest(statistic=3.2, df=2, p_value=0.2, n_patterns=2, n_rows=50).df
    2
    """

    statistic: float
    df: int
    p_value: float
    n_patterns: int
    n_rows: int


def _normal_em(
    values: np.ndarray, observed: np.ndarray, max_iter: int, tol: float
) -> tuple[np.ndarray, np.ndarray]:
    """Maximum-likelihood mean and covariance of a multivariate normal by EM."""
    n, p = values.shape
    filled = np.where(observed, values, 0.0)
    counts = observed.sum(axis=0)
    mu = filled.sum(axis=0) / counts
    centred = np.where(observed, values - mu, 0.0)
    sigma = np.diag((centred**2).sum(axis=0) / counts)
    patterns, which = np.unique(observed, axis=0, return_inverse=True)
    which = which.ravel()
    for _ in range(max_iter):
        total = np.zeros(p)
        cross = np.zeros((p, p))
        for k, pattern in enumerate(patterns):
            rows = values[which == k]
            o, m = pattern, ~pattern
            completed = np.where(o, rows, 0.0)
            conditional = np.zeros((p, p))
            if m.any():
                weights = np.linalg.solve(sigma[np.ix_(o, o)], sigma[np.ix_(o, m)])
                completed[:, m] = mu[m] + (rows[:, o] - mu[o]) @ weights
                conditional[np.ix_(m, m)] = sigma[np.ix_(m, m)] - sigma[np.ix_(m, o)] @ weights
            total += completed.sum(axis=0)
            cross += completed.T @ completed + len(rows) * conditional
        new_mu = total / n
        new_sigma = cross / n - np.outer(new_mu, new_mu)
        change = max(np.abs(new_mu - mu).max(), np.abs(new_sigma - sigma).max())
        mu, sigma = new_mu, new_sigma
        if change < tol:
            return mu, sigma
    raise RuntimeError(f"EM did not converge in {max_iter} iterations (last change {change:.2g}).")


def mcar_test(
    df: pd.DataFrame,
    columns: Sequence | None = None,
    *,
    max_iter: int = 10_000,
    tol: float = 1e-10,
) -> MCARTest:
    r"""Little's test of the hypothesis that the data are missing completely at random.

    Parameters
    ----------
    df : pandas.DataFrame
        Incomplete data (NaN = missing).
    columns : list of column names, optional
        Numeric columns to test; default all. Rows that miss every one of
        them carry no information and are left out.
    max_iter : int, default 10000
        Most EM iterations for the maximum-likelihood mean and covariance.
    tol : float, default 1e-10
        EM stops when no estimate changes by more than ``tol``.

    Returns
    -------
    MCARTest
        Little's :math:`d^2`, its degrees of freedom, the p-value, and the
        numbers of patterns and rows used.

    Notes
    -----
    The statistic [@little1988test] compares the observed means of each
    missing-data pattern with the maximum-likelihood estimates of a
    multivariate normal model fitted by EM: it sums, over patterns, the
    pattern's row count times the squared Mahalanobis distance between its
    observed means and the estimated means of those variables. Its
    :math:`\chi^2` reference distribution is a large-sample approximation.
    The test can reject MCAR; it cannot confirm it (a large p-value may mean
    low power), and it cannot detect missingness that depends on the missing
    values themselves (MNAR) unless observed variables are correlated with
    them. R's ``naniar::mcar_test`` computes the same statistic.

    Examples
    --------
    >>> from companion.missing import mcar_test
    >>> from companion import ampute, simulate_regression
    >>> df = simulate_regression(300, seed=1)
    >>> mar = ampute(df, ["y"], mechanism="MAR", depends_on=["x"], seed=2)
    >>> result = mcar_test(mar)
    >>> result.df, result.n_patterns, bool(result.p_value < 0.001)
    (1, 2, True)
    """
    columns = check_frame_columns(df, columns)
    check_numeric_columns(df, columns)
    max_iter = check_count(max_iter, "max_iter", 1)
    if not (isinstance(tol, float | int) and tol > 0):
        raise ValueError(f"`tol` must be a positive number, got {tol!r}.")
    values = df[columns].to_numpy(dtype=float)
    observed = np.isfinite(values)
    keep = observed.any(axis=1)
    values, observed = values[keep], observed[keep]
    for j, column in enumerate(columns):
        if observed[:, j].sum() < 2:
            raise ValueError(f"Column {column!r} has fewer than 2 observed values.")
    mu, sigma = _normal_em(values, observed, max_iter, float(tol))
    patterns, which = np.unique(observed, axis=0, return_inverse=True)
    which = which.ravel()
    statistic = 0.0
    for k, o in enumerate(patterns):
        rows = values[which == k][:, o]
        gap = rows.mean(axis=0) - mu[o]
        statistic += len(rows) * float(gap @ np.linalg.solve(sigma[np.ix_(o, o)], gap))
    dof = int(patterns.sum() - len(columns))
    p_value = float(stats.chi2.sf(statistic, dof)) if dof > 0 else float("nan")
    return MCARTest(
        statistic=statistic, df=dof, p_value=p_value, n_patterns=len(patterns), n_rows=len(values)
    )
