r"""The running example of Part II, fixed once for every chapter that uses it.

Part II (Missing data) follows one regression data set from chapter to
chapter, so that its numbers can be compared across chapters: 100 rows of
:math:`x \sim \mathcal N(0, 1)` and :math:`y = 2 + 3x + \varepsilon`,
:math:`\varepsilon \sim \mathcal N(0, 1)`, and the same data with each value of
:math:`x` and :math:`y` removed with probability 0.3, completely at random.
A chapter that needs another mechanism amputes
:func:`regression_example` itself and says so.
"""

from __future__ import annotations

import pandas as pd

from companion import ampute, simulate_regression

__all__ = ["EXAMPLE_SEEDS", "regression_example", "regression_example_mcar"]

#: Seeds of the complete data and of its amputation.
EXAMPLE_SEEDS = {"data": 11, "ampute": 12}


def regression_example() -> pd.DataFrame:
    """Return the complete data of Part II's running example.

    Returns
    -------
    pandas.DataFrame
        100 rows, columns ``x`` and ``y``.

    Examples
    --------
    >>> regression_example().shape
    (100, 2)
    """
    return simulate_regression(100, alpha=2.0, beta=3.0, sigma=1.0, seed=EXAMPLE_SEEDS["data"])


def regression_example_mcar() -> pd.DataFrame:
    """Return the running example with 30% of x and of y missing completely at random.

    Each value of the two columns is removed with probability 0.3,
    independently, so the counts vary around 30 and some rows miss both.

    Returns
    -------
    pandas.DataFrame
        The 100 rows of :func:`regression_example`, with NaN where a value was removed.

    Examples
    --------
    >>> regression_example_mcar().isna().sum().tolist()
    [41, 33]
    """
    return ampute(
        regression_example(), ["x", "y"], prop=0.3, mechanism="MCAR", seed=EXAMPLE_SEEDS["ampute"]
    )
