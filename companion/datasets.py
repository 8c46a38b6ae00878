"""Data sets used in the book, shipped with the package (no network needed).

Every loader returns a fresh :class:`pandas.DataFrame`, so callers may modify
it freely. The files live in ``companion/data``; each function's docstring
gives the source, which is also in the book's ``references.bib``.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources

import numpy as np
import pandas as pd

from companion._validation import (
    SeedLike,
    check_count,
    check_group_sizes,
    check_real,
    check_rng,
)

__all__ = ["eight_schools", "efron_morris", "nhanes", "simulate_regression", "simulate_schools"]

#: Students per school in the book's running example (Part I).
SCHOOL_SIZES: tuple[int, ...] = (20, 15, 25, 18, 22, 16, 19, 21)


def _read_csv(name: str, **kwargs) -> pd.DataFrame:
    with resources.files("companion.data").joinpath(name).open("r", encoding="utf-8") as f:
        return pd.read_csv(f, **kwargs)


def simulate_schools(
    n_per_school: Sequence[int] = SCHOOL_SIZES,
    *,
    alpha: float = 75.0,
    tau: float = 8.0,
    sigma: float = 12.0,
    seed: SeedLike = None,
    return_truth: bool = False,
) -> pd.DataFrame | tuple[pd.DataFrame, pd.Series]:
    r"""Simulate test scores of students nested in schools.

    The generative model is the two-level normal model of Part I:

    .. math::

        \theta_j \sim \mathcal{N}(\alpha, \tau^2), \qquad
        y_{ij} \mid \theta_j \sim \mathcal{N}(\theta_j, \sigma^2),

    for school :math:`j = 1, \dots, J` and student :math:`i = 1, \dots, n_j`.

    Parameters
    ----------
    n_per_school : sequence of int, default (20, 15, 25, 18, 22, 16, 19, 21)
        Number of students in each school; every school needs at least one.
    alpha : float, default 75
        Population mean of the school means.
    tau : float, default 8
        Between-school standard deviation (non-negative; 0 makes all
        schools equal).
    sigma : float, default 12
        Within-school (student-level) standard deviation, positive.
    seed : int, numpy.random.Generator or None
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
    [20, 15, 25, 18, 22, 16, 19, 21]
    >>> truth.index[0]
    'School 1'
    """
    sizes = check_group_sizes(n_per_school, "n_per_school")
    alpha = check_real(alpha, "alpha")
    tau = check_real(tau, "tau", nonnegative=True)
    sigma = check_real(sigma, "sigma", positive=True)
    rng = check_rng(seed)

    names = [f"School {j + 1}" for j in range(len(sizes))]
    theta = rng.normal(alpha, tau, size=len(sizes))
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
    alpha, beta : float, default 2 and 3
        Intercept and slope.
    sigma : float, default 1
        Residual standard deviation, positive.
    seed : int, numpy.random.Generator or None
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
    n = check_count(n, "n", 2)
    alpha = check_real(alpha, "alpha")
    beta = check_real(beta, "beta")
    sigma = check_real(sigma, "sigma", positive=True)
    rng = check_rng(seed)
    x = rng.normal(size=n)
    y = alpha + beta * x + rng.normal(scale=sigma, size=n)
    return pd.DataFrame({"x": x, "y": y})


def eight_schools() -> pd.DataFrame:
    """Effects of coaching programs on SAT-V scores in eight schools.

    Each school ran a randomized experiment; ``y`` is the estimated treatment
    effect (points on the SAT-V scale) and ``sigma`` its standard error, which
    is treated as known. Source: Rubin (1981); analysed in Gelman et al.
    (2013), Section 5.5.

    Returns
    -------
    pandas.DataFrame
        Eight rows, columns ``school`` (``"A"`` to ``"H"``), ``y`` and
        ``sigma`` (both float).

    Examples
    --------
    >>> from companion import eight_schools
    >>> eight_schools().iloc[0].to_dict()
    {'school': 'A', 'y': 28.0, 'sigma': 15.0}
    """
    return _read_csv("eight_schools.csv", dtype={"school": str, "y": float, "sigma": float})


def efron_morris() -> pd.DataFrame:
    """Batting records of 18 major-league players in 1970 (Efron and Morris 1975).

    ``hits`` counts hits in each player's first 45 at-bats of the season;
    ``rest_average`` is his batting average over the remaining
    ``rest_at_bats`` at-bats, the quantity the early average tries to predict.
    Source: Efron and Morris (1975).

    Returns
    -------
    pandas.DataFrame
        18 rows, columns ``player`` (str), ``hits``, ``at_bats`` and
        ``rest_at_bats`` (int) and ``rest_average`` (float).

    Examples
    --------
    >>> from companion import efron_morris
    >>> int(efron_morris().set_index("player").loc["Clemente", "hits"])
    18
    """
    return _read_csv(
        "efron_morris.csv",
        dtype={"player": str, "hits": "int64", "at_bats": "int64",
               "rest_average": float, "rest_at_bats": "int64"},
    )


def nhanes() -> pd.DataFrame:
    """The 25-row NHANES extract of Schafer (1997), with missing values.

    The same data that R's mice package ships as ``nhanes`` (van Buuren and
    Groothuis-Oudshoorn 2011). Source: Schafer (1997), Table 6.14.

    Returns
    -------
    pandas.DataFrame
        25 rows and columns ``age`` (int: 1 = 20-39, 2 = 40-59,
        3 = 60-99 years), ``bmi`` (body mass index, kg/m**2), ``hyp``
        (hypertensive: 1 = no, 2 = yes) and ``chl`` (total serum
        cholesterol, mg/dL); the last three are float with NaN where
        missing.

    Examples
    --------
    >>> from companion import nhanes
    >>> nhanes().isna().sum().tolist()
    [0, 9, 8, 10]
    """
    return _read_csv(
        "nhanes.csv", dtype={"age": "int64", "bmi": float, "hyp": float, "chl": float}
    )
