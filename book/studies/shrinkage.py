"""The naive shrinkage ratio of the chapter "Shrinkage"."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from companion._validation import check_real, check_same_length, check_vector

__all__ = ["naive_shrinkage_ratio"]


def naive_shrinkage_ratio(
    partial: Sequence[float] | np.ndarray, none: Sequence[float] | np.ndarray, center: float
):
    r"""The per-group ratio :math:`1 - (\hat\theta^{\text{partial}}_j - c)/(\bar y_j - c)`.

    It is the share of the distance from the raw estimate :math:`\bar y_j`
    to the centre :math:`c` that partial pooling removed. Conditional on
    :math:`\tau` and :math:`\mu = c` it equals :math:`B_j`, but computed from
    posterior means it divides by :math:`\bar y_j - c`, so it is unstable
    (and can be any number) for groups whose raw estimate is near the
    centre. Prefer :meth:`companion.NormalNormalPosterior.expected_shrinkage`;
    this function exists to show the problem.

    Parameters
    ----------
    partial, none : array-like
        Partial-pooling and no-pooling estimates, one per group.
    center : float
        The estimated population mean.

    Returns
    -------
    numpy.ndarray or pandas.Series
        NaN where a raw estimate equals the centre exactly.

    Examples
    --------
    >>> from book.studies.shrinkage import naive_shrinkage_ratio
    >>> naive_shrinkage_ratio([72.0, 75.2], [66.0, 75.1], center=75.0).round(2).tolist()
    [0.67, -1.0]
    """
    partial_arr = check_vector(partial, "partial")
    none_arr = check_vector(none, "none")
    check_same_length(partial=partial_arr, none=none_arr)
    center = check_real(center, "center")
    distance = none_arr - center
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(distance == 0, np.nan, 1 - (partial_arr - center) / distance)
    if isinstance(partial, pd.Series):
        return pd.Series(ratio, index=partial.index, name="naive_shrinkage_ratio")
    return ratio
