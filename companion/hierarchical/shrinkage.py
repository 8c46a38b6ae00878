"""Shrinkage in the normal hierarchical model, and the James-Stein estimator."""

from __future__ import annotations

import sys
from collections.abc import Sequence

import numpy as np

from companion._modelling import shrinkage
from companion._validation import check_real, check_same_length, check_vector

__all__ = [
    "james_stein",
    "shrinkage_factors",
]

ArrayLike = Sequence[float] | np.ndarray


def _like(template: object, values: np.ndarray, name: str):
    """Return ``values`` as a pandas Series when the input was one, else as an array."""
    pd = sys.modules.get("pandas")  # a Series exists only if pandas was imported
    if pd is not None and isinstance(template, pd.Series) and len(template) == len(values):
        return pd.Series(values, index=template.index, name=name)
    return values


def shrinkage_factors(sigma: float | ArrayLike, tau: float, n: ArrayLike | None = None):
    r"""Shrinkage factor of each group towards the population mean.

    In the model :math:`\bar y_j \sim \mathcal N(\theta_j, \sigma_j^2)`,
    :math:`\theta_j \sim \mathcal N(\mu, \tau^2)`, the posterior mean of
    :math:`\theta_j` given :math:`\mu` and :math:`\tau` is
    :math:`(1 - B_j)\,\bar y_j + B_j\,\mu` with

    .. math:: B_j = \frac{\sigma_j^2}{\sigma_j^2 + \tau^2}.

    Parameters
    ----------
    sigma : float or array-like of float
        Standard error of each group's estimate, positive. With ``n``, the
        individual-level standard deviation instead, and
        :math:`\sigma_j = \sigma / \sqrt{n_j}`.
    tau : float
        Between-group standard deviation, non-negative.
    n : array-like of int, optional
        Group sizes, positive.

    Returns
    -------
    numpy.ndarray or pandas.Series
        :math:`B_j` in [0, 1] for each group (a Series when ``sigma`` or ``n``
        is one, with the same index). 1 means complete pooling, 0 none.

    Examples
    --------
    >>> from companion import shrinkage_factors
    >>> shrinkage_factors([10.0, 20.0], tau=10.0).tolist()
    [0.5, 0.8]
    >>> shrinkage_factors(12.0, tau=8.0, n=[9, 36]).round(3).tolist()
    [0.2, 0.059]
    """
    sigma_arr = check_vector(sigma, "sigma", positive=True)
    tau = check_real(tau, "tau", nonnegative=True)
    template = sigma
    if n is not None:
        n_arr = check_vector(n, "n", positive=True)
        check_same_length(sigma=sigma_arr, n=n_arr)
        sigma_arr = sigma_arr / np.sqrt(n_arr)
        template = n if np.ndim(sigma) == 0 else sigma
    variance = sigma_arr**2
    return _like(template, shrinkage(variance, tau), "shrinkage")


def james_stein(y: ArrayLike, sigma: float):
    r"""Positive-part James-Stein estimates, shrunk towards the grand mean.

    For :math:`J \ge 4` estimates :math:`y_j \sim \mathcal N(\theta_j, \sigma^2)`
    with a common known standard error, Efron and Morris (1975) shrink each
    towards the mean :math:`\bar y` by an estimated shrinkage factor
    :math:`\hat B`:

    .. math::

        \hat\theta_j = \bar y + (1 - \hat B)(y_j - \bar y), \qquad
        \hat B = \min\left(1, \frac{(J - 3)\,\sigma^2}{\sum_j (y_j - \bar y)^2}\right).

    Its expected total squared error (risk) is smaller than that of the raw
    estimates :math:`y_j` for every :math:`\theta` when :math:`J \ge 4`.

    Parameters
    ----------
    y : array-like of float
        The J estimates, J >= 4, finite.
    sigma : float
        Their common standard error, positive.

    Returns
    -------
    numpy.ndarray or pandas.Series
        The shrunken estimates (a Series with ``y``'s index when ``y`` is one).

    Examples
    --------
    >>> from companion import james_stein
    >>> james_stein([0.0, 2.0, 4.0, 6.0], sigma=1.0).round(2).tolist()
    [0.15, 2.05, 3.95, 5.85]
    """
    values = check_vector(y, "y")
    if values.size < 4:
        raise ValueError(
            f"`y` needs at least 4 estimates for James-Stein shrinkage, got {values.size}."
        )
    sigma = check_real(sigma, "sigma", positive=True)
    grand_mean = values.mean()
    spread = np.sum((values - grand_mean) ** 2)
    factor = 0.0 if spread == 0 else max(0.0, 1 - (values.size - 3) * sigma**2 / spread)
    return _like(y, grand_mean + factor * (values - grand_mean), "james_stein")
