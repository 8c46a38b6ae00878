"""How many imputations: Monte Carlo error of the pooled estimate against m."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from companion import rubin_pool
from companion._validation import check_vector

__all__ = ["pooled_by_m"]


def pooled_by_m(
    estimates: Sequence[float] | np.ndarray,
    variances: Sequence[float] | np.ndarray,
    m_values: Sequence[int],
    *,
    df_complete: float | None = None,
    n_repeats: int = 200,
    seed: int | np.random.Generator | None = None,
) -> pd.DataFrame:
    r"""Monte Carlo error of Rubin's rules as a function of the number of imputations.

    From a large reservoir of ``M`` analysed imputations, draw ``n_repeats``
    subsets of size ``m`` (without replacement) for each ``m`` and pool each
    subset with :func:`rubin_pool`: the spread over subsets is the Monte
    Carlo (imputation) error a user with ``m`` imputations would see.

    Parameters
    ----------
    estimates, variances : array-like, length M
        Estimates and squared standard errors from the ``M`` completed data sets.
    m_values : sequence of int
        Numbers of imputations to study, each in ``[2, M]``.
    df_complete : float, optional
        Passed to :func:`rubin_pool`.
    n_repeats : int, default 200
        Subsets per ``m``.
    seed : int, numpy.random.Generator or None
        Chooses the subsets.

    Returns
    -------
    pandas.DataFrame
        One row per ``m``: ``m``, ``mc_sd_estimate`` (sd of the pooled
        estimate over subsets), ``theory_sd_estimate`` (:math:`\sqrt{V_B/m}`
        with :math:`V_B` from the reservoir, the sampling sd of a mean of
        ``m`` draws, ignoring the finite reservoir), ``mean_std_error`` and
        ``mc_sd_std_error`` (mean and sd of the pooled standard error),
        ``mean_fmi``.

    Examples
    --------
    >>> import numpy as np
    >>> from book.studies.multiple_imputation import pooled_by_m
    >>> rng = np.random.default_rng(0)
    >>> table = pooled_by_m(rng.normal(size=400), np.full(400, 1.0), [2, 10, 50], seed=1)
    >>> bool(table["mc_sd_estimate"].is_monotonic_decreasing)
    True
    """
    from companion._validation import check_count, check_rng

    q = check_vector(estimates, "estimates")
    u = check_vector(variances, "variances")
    if len(q) != len(u):
        raise ValueError(f"lengths differ: `estimates` has {len(q)}, `variances` has {len(u)}.")
    n_repeats = check_count(n_repeats, "n_repeats", 2)
    rng = check_rng(seed)
    between = float(np.var(q, ddof=1))
    rows = []
    for m in m_values:
        m = check_count(m, "m_values", 2)
        if m > len(q):
            raise ValueError(f"`m_values` contains {m}, more than the {len(q)} imputations given.")
        pooled = []
        for _ in range(n_repeats):
            pick = rng.choice(len(q), size=m, replace=False)
            pooled.append(rubin_pool(q[pick], u[pick], df_complete))
        est = np.array([p.estimate for p in pooled])
        se = np.array([p.std_error for p in pooled])
        rows.append(
            {
                "m": m,
                "mc_sd_estimate": float(np.std(est, ddof=1)),
                "theory_sd_estimate": math.sqrt(between / m),
                "mean_std_error": float(np.mean(se)),
                "mc_sd_std_error": float(np.std(se, ddof=1)),
                "mean_fmi": float(np.mean([p.fmi for p in pooled])),
            }
        )
    return pd.DataFrame(rows)
