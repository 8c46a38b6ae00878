"""Data sets used in the book, shipped with the package (no network needed).

Every loader returns a fresh :class:`pandas.DataFrame`, so callers may modify
it freely. The files live in ``companion/data``; each function's docstring
gives the source, which is also in the book's ``references.bib``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from companion._validation import (
    SeedLike,
    check_count,
    check_group_sizes,
    check_real,
    check_rng,
)

__all__ = [
    "COVARIATE_SCHOOL_SIZES",
    "SCHOOL_SIZES",
    "simulate_regression",
    "simulate_schools",
    "simulate_schools_with_covariate",
]

#: Students per school in the book's running example (Part I).
SCHOOL_SIZES: tuple[int, ...] = (12, 3, 30, 6, 45, 2, 20, 8)


def simulate_schools(
    n_per_school: Sequence[int] = SCHOOL_SIZES,
    *,
    mu: float = 75.0,
    tau: float = 8.0,
    sigma: float = 12.0,
    seed: SeedLike = None,
    return_truth: bool = False,
) -> pd.DataFrame | tuple[pd.DataFrame, pd.Series]:
    r"""Simulate test scores of students nested in schools.

    The generative model is the two-level normal model of Part I:

    .. math::

        \theta_j \sim \mathcal{N}(\mu, \tau^2), \qquad
        y_{ij} \mid \theta_j \sim \mathcal{N}(\theta_j, \sigma^2),

    for school :math:`j = 1, \dots, J` and student :math:`i = 1, \dots, n_j`.

    Parameters
    ----------
    n_per_school : sequence of int, default (12, 3, 30, 6, 45, 2, 20, 8)
        Number of students in each school; every school needs at least one.
    mu : float, default 75
        Population mean of the school means.
    tau : float, default 8
        Between-school standard deviation (non-negative; 0 makes all
        schools equal).
    sigma : float, default 12
        Within-school (student-level) standard deviation, positive.
    seed : int or numpy.random.Generator or None
        Source of randomness; the same integer gives the same data.
    return_truth : bool, default False
        If True, also return the true school means.

    Returns
    -------
    data : pandas.DataFrame
        One row per student, columns ``school`` (ordered categorical,
        ``"School 1"``, ``"School 2"``, ...) and ``score`` (float).
    true_means : pandas.Series
        Only if ``return_truth``: the true :math:`\theta_j`, indexed by school.

    Examples
    --------
    >>> from companion import simulate_schools
    >>> data, truth = simulate_schools(seed=1, return_truth=True)
    >>> data.groupby("school", observed=True).size().tolist()
    [12, 3, 30, 6, 45, 2, 20, 8]
    >>> truth.index[0]
    'School 1'
    """
    sizes = check_group_sizes(n_per_school, "n_per_school")
    mu = check_real(mu, "mu")
    tau = check_real(tau, "tau", nonnegative=True)
    sigma = check_real(sigma, "sigma", positive=True)
    rng = check_rng(seed)

    names = [f"School {j + 1}" for j in range(len(sizes))]
    theta = rng.normal(mu, tau, size=len(sizes))
    school_index = np.repeat(np.arange(len(sizes)), sizes)
    scores = rng.normal(theta[school_index], sigma)

    school = pd.Categorical.from_codes(school_index, categories=names, ordered=True)
    data = pd.DataFrame({"school": school, "score": scores})
    if return_truth:
        return data, pd.Series(theta, index=pd.Index(names, name="school"), name="true_mean")
    return data


def simulate_regression(
    n: int = 100,
    *,
    alpha: float = 2.0,
    beta: float = 3.0,
    sigma: float = 1.0,
    seed: SeedLike = None,
) -> pd.DataFrame:
    r"""Simulate the complete data of Part II's running regression example.

    .. math::

        x_i \sim \mathcal{N}(0, 1), \qquad
        y_i \mid x_i \sim \mathcal{N}(\alpha + \beta x_i, \sigma^2),

    for :math:`i = 1, \dots, n`. The defaults are the classic example of
    Bayesian imputation: :math:`y = 2 + 3x + \varepsilon`,
    :math:`\varepsilon \sim \mathcal N(0, 1)`, :math:`n = 100`.
    Remove values from it with :func:`companion.ampute`.

    Parameters
    ----------
    n : int, default 100
        Number of rows, at least 2.
    alpha : float, default 2.0
        Intercept :math:`\alpha`.
    beta : float, default 3.0
        Slope :math:`\beta`.
    sigma : float, default 1
        Residual standard deviation, positive.
    seed : int or numpy.random.Generator or None
        Source of randomness.

    Returns
    -------
    pandas.DataFrame
        Columns ``x`` and ``y`` (float), index ``0, ..., n - 1``.

    Examples
    --------
    >>> from companion import simulate_regression
    >>> df = simulate_regression(5, seed=1)
    >>> df.shape, list(df.columns)
    ((5, 2), ['x', 'y'])
    """
    n = check_count(n, "n", 2, maximum=10**9)
    alpha = check_real(alpha, "alpha")
    beta = check_real(beta, "beta")
    sigma = check_real(sigma, "sigma", positive=True)
    rng = check_rng(seed)
    x = rng.normal(size=n)
    y = alpha + beta * x + rng.normal(scale=sigma, size=n)
    return pd.DataFrame({"x": x, "y": y})


#: Default numbers of students in the 20 schools of
#: :func:`simulate_schools_with_covariate`.
COVARIATE_SCHOOL_SIZES = (
    12, 35, 20, 28, 15, 40, 22, 18, 30, 25, 10, 33, 16, 26, 38, 14, 24, 19, 31, 21,
)  # fmt: skip


def simulate_schools_with_covariate(
    n_per_school: Sequence[int] = COVARIATE_SCHOOL_SIZES,
    *,
    mu: float = 75.0,
    beta: float = 5.0,
    tau: float = 4.0,
    sigma: float = 12.0,
    seed: SeedLike = None,
    return_truth: bool = False,
) -> pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame]:
    r"""Simulate students in schools whose means depend on a school covariate.

    .. math::

        w_j \sim \mathcal N(0, 1), \qquad
        \theta_j \sim \mathcal N(\mu + \beta w_j, \tau^2), \qquad
        y_{ij} \sim \mathcal N(\theta_j, \sigma^2).

    :math:`w_j` plays the part of a standardised school-level index (for
    example the mean socioeconomic status of the school's students).

    Parameters
    ----------
    n_per_school : sequence of int, optional
        Students in each school. The default, the constant
        ``COVARIATE_SCHOOL_SIZES``, is (12, 35, 20, 28, 15, 40, 22, 18, 30,
        25, 10, 33, 16, 26, 38, 14, 24, 19, 31, 21): 20 schools of 10 to 40
        students.
    mu : float, default 75
        Mean school score at :math:`w = 0`.
    beta : float, default 5
        Effect of one standard deviation of :math:`w` on the school mean.
    tau : float, default 4
        Residual between-school standard deviation, non-negative.
    sigma : float, default 12
        Within-school standard deviation, positive.
    seed : int or numpy.random.Generator or None
        Source of randomness.
    return_truth : bool, default False
        Also return the true school-level values.

    Returns
    -------
    data : pandas.DataFrame
        One row per student: ``school`` (ordered categorical ``"School 1"``,
        ...), ``w`` (the school's covariate, repeated for its students) and
        ``score``.
    truth : pandas.DataFrame
        Only with ``return_truth``: one row per school with ``n``, ``w`` and
        ``theta`` (the true school mean).

    Examples
    --------
    >>> from companion.datasets import simulate_schools_with_covariate
    >>> data, truth = simulate_schools_with_covariate(seed=1, return_truth=True)
    >>> data.shape, list(data.columns)
    ((477, 3), ['school', 'w', 'score'])
    >>> list(truth.columns)
    ['n', 'w', 'theta']
    """
    sizes = check_group_sizes(n_per_school, "n_per_school")
    mu = check_real(mu, "mu")
    beta = check_real(beta, "beta")
    tau = check_real(tau, "tau", nonnegative=True)
    sigma = check_real(sigma, "sigma", positive=True)
    rng = check_rng(seed)

    names = [f"School {j + 1}" for j in range(len(sizes))]
    w = rng.normal(size=len(sizes))
    theta = rng.normal(mu + beta * w, tau)
    index = np.repeat(np.arange(len(sizes)), sizes)
    score = rng.normal(theta[index], sigma)
    school = pd.Categorical.from_codes(index, categories=names, ordered=True)
    data = pd.DataFrame({"school": school, "w": w[index], "score": score})
    if not return_truth:
        return data
    truth = pd.DataFrame(
        {"n": np.asarray(sizes), "w": w, "theta": theta},
        index=pd.Index(names, name="school"),
    )
    return data, truth
