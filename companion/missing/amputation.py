r"""Make complete data incomplete, with a missing-data mechanism you choose.

Simulation studies of missing data start from complete data with a known
truth and remove values under a known mechanism [@rubin1976inference]. The
name follows R's mice package, whose ``ampute`` does the same job.

For each amputed column :math:`c` and row :math:`i`, the value goes missing
with probability

.. math::

    \Pr(R_{ic} = 0) = \operatorname{expit}(a_c + s\, z_{ic}),

where :math:`z_{ic}` is a standardised score that defines the mechanism, the
strength :math:`s` sets how strongly it matters and the offset :math:`a_c` is
solved so that the probabilities average to ``prop`` over the rows. Columns
are amputed independently of each other given the scores.

* ``"MCAR"``: :math:`z = 0`, every value has probability ``prop``.
* ``"MAR"``: :math:`z` is the standardised mean of the standardised
  ``depends_on`` columns, which are never amputed themselves, so missingness
  depends only on observed values.
* ``"MNAR"``: :math:`z` is the standardised value of the column itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from numbers import Real

import numpy as np
import pandas as pd
from scipy.optimize import brentq
from scipy.special import expit

from companion._validation import (
    SeedLike,
    check_frame,
    check_frame_columns,
    check_numeric_columns,
    check_probability,
    check_rng,
)

__all__ = [
    "MECHANISMS",
    "ampute",
    "ampute_probabilities",
]

#: The mechanisms :func:`ampute` can generate.
MECHANISMS = ("MCAR", "MAR", "MNAR")


def _check_columns(df: pd.DataFrame, columns: object, name: str = "columns") -> list:
    """Validate a list of column names of ``df`` (None means every numeric column)."""
    if columns is None:
        columns = [c for c in df.columns if pd.api.types.is_numeric_dtype(df[c])]
        if not columns:
            raise ValueError(f"`df` has no numeric columns to use as `{name}`.")
        return columns
    columns = check_frame_columns(df, columns, name)
    if len(set(columns)) != len(columns):
        raise ValueError(f"`{name}` repeats a column: {columns}.")
    check_numeric_columns(df, columns, name)
    return columns


def _standardize(values: np.ndarray, column: object) -> np.ndarray:
    """Standardize, treating NaN as 0 (the mean), so existing holes stay neutral."""
    if np.isinf(values).any():
        raise ValueError(
            f"Column {column!r} contains infinite values; a missingness score needs finite ones."
        )
    finite = values[~np.isnan(values)]
    # Scale first: the variance of values near 1e300 overflows to inf.
    scale = float(np.max(np.abs(finite))) if finite.size else 0.0
    if scale > 0:
        finite, values = finite / scale, values / scale
    if finite.size < 2 or np.std(finite) == 0:
        raise ValueError(
            f"Column {column!r} needs at least two distinct observed values to define "
            "a missingness score."
        )
    z = (values - finite.mean()) / finite.std()
    return np.where(np.isnan(z), 0.0, z)


def _predictors(df: pd.DataFrame, columns: list, depends_on: object) -> dict[object, list]:
    """Return the observed columns each amputed column depends on under MAR."""
    if depends_on is None:
        others = [c for c in df.columns if c not in columns]
        others = [c for c in others if pd.api.types.is_numeric_dtype(df[c])]
        if not others:
            raise ValueError(
                "mechanism='MAR' needs at least one numeric column that is not amputed; "
                "pass `depends_on` or amputate fewer `columns`."
            )
        mapping = dict.fromkeys(columns, others)
    elif isinstance(depends_on, Mapping):
        unknown = [c for c in depends_on if c not in columns]
        if unknown:
            raise ValueError(f"`depends_on` has keys that are not amputed columns: {unknown}.")
        missing = [c for c in columns if c not in depends_on]
        if missing:
            raise ValueError(f"`depends_on` gives no predictors for columns {missing}.")
        mapping = {c: _check_columns(df, depends_on[c], "depends_on") for c in columns}
    else:
        mapping = dict.fromkeys(columns, _check_columns(df, depends_on, "depends_on"))
    for column, predictors in mapping.items():
        amputed = [p for p in predictors if p in columns]
        if amputed:
            raise ValueError(
                f"Under MAR the missingness of {column!r} may depend only on columns that "
                f"stay observed, but `depends_on` includes amputed columns {amputed}."
            )
    return mapping


def _scores(df: pd.DataFrame, columns: list, mechanism: str, depends_on: object) -> dict:
    n = len(df)
    if mechanism == "MCAR":
        return {c: np.zeros(n) for c in columns}
    if mechanism == "MNAR":
        return {c: _standardize(df[c].to_numpy(float), c) for c in columns}
    scores = {}
    for column, predictors in _predictors(df, columns, depends_on).items():
        z = np.mean([_standardize(df[p].to_numpy(float), p) for p in predictors], axis=0)
        scores[column] = _standardize(z, f"score of {column!r}")
    return scores


def _offset(z: np.ndarray, strength: float, prop: float) -> float:
    """Solve mean(expit(a + strength * z)) = prop for a (monotone in a)."""

    def gap(a: float) -> float:
        return float(np.mean(expit(a + strength * z))) - prop

    bound = 50.0 + abs(strength) * float(np.max(np.abs(z)))
    return brentq(gap, -bound, bound, xtol=1e-12)


def ampute_probabilities(
    df: pd.DataFrame,
    columns: Sequence | None = None,
    *,
    prop: float = 0.3,
    mechanism: str = "MCAR",
    depends_on: Sequence | Mapping | None = None,
    strength: float = 2.0,
) -> pd.DataFrame:
    """Probability that each value goes missing under :func:`ampute`.

    Takes the same arguments as :func:`ampute` (without ``seed``) and returns
    the probabilities it draws from, which is useful for plotting a mechanism.

    Returns
    -------
    pandas.DataFrame
        Same index as ``df``, one column per amputed column; each column
        averages to ``prop``.

    Examples
    --------
    >>> import pandas as pd
    >>> from companion.missing import ampute_probabilities
    >>> df = pd.DataFrame({"x": [0.0, 1.0, 2.0, 3.0], "y": [1.0, 3.0, 2.0, 5.0]})
    >>> p = ampute_probabilities(df, ["y"], mechanism="MAR", prop=0.25)
    >>> round(float(p["y"].mean()), 6)
    0.25
    >>> bool(p["y"].is_monotonic_increasing)  # larger x, more often missing
    True
    """
    df = check_frame(df)
    columns = _check_columns(df, columns)
    prop = check_probability(prop, "prop")
    if mechanism not in MECHANISMS:
        raise ValueError(f"`mechanism` must be one of {MECHANISMS}, got {mechanism!r}.")
    if not isinstance(strength, Real) or isinstance(strength, bool) or not np.isfinite(strength):
        raise ValueError(f"`strength` must be a finite number, got {strength!r}.")
    if mechanism != "MAR" and depends_on is not None:
        raise ValueError(f"`depends_on` is only used with mechanism='MAR', not {mechanism!r}.")
    scores = _scores(df, columns, mechanism, depends_on)
    probabilities = {
        c: expit(_offset(z, float(strength), prop) + float(strength) * z) for c, z in scores.items()
    }
    return pd.DataFrame(probabilities, index=df.index)


def ampute(
    df: pd.DataFrame,
    columns: Sequence | None = None,
    *,
    prop: float = 0.3,
    mechanism: str = "MCAR",
    depends_on: Sequence | Mapping | None = None,
    strength: float = 2.0,
    seed: SeedLike = None,
) -> pd.DataFrame:
    """Return a copy of ``df`` with values removed under a chosen mechanism.

    Parameters
    ----------
    df : pandas.DataFrame
        Complete (or already incomplete) data; never modified.
    columns : column name or list of names, optional
        Columns to amputate; default every numeric column (which under
        ``"MAR"`` leaves nothing to depend on, so name them).
    prop : float, default 0.3
        Expected proportion of values removed from each column, in (0, 1).
    mechanism : str, one of "MCAR", "MAR", "MNAR", default "MCAR"
        ``"MCAR"``: every value has probability ``prop``. ``"MAR"``: the
        probability rises with the (standardised) ``depends_on`` columns.
        ``"MNAR"``: it rises with the value itself.
    depends_on : column name, list of names or dict, optional
        Only for ``"MAR"``: the columns missingness depends on, either one
        list for all amputed columns or ``{column: [columns]}``. They must
        not be amputed themselves, so the mechanism is truly MAR. Default:
        every numeric column of ``df`` that is not amputed.
    strength : float, default 2.0
        Log-odds of missingness per standard deviation of the score. Positive
        values remove large values more often, negative values small ones;
        0 gives MCAR whatever the mechanism.
    seed : int or numpy.random.Generator or None
        Source of randomness.

    Returns
    -------
    pandas.DataFrame
        A copy of ``df`` with NaN where values were removed. Values that were
        already missing stay missing; integer columns become float.

    See Also
    --------
    ampute_probabilities : The probabilities the removals are drawn from.

    missing_pattern : The resulting missing-data patterns.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from companion import ampute
    >>> rng = np.random.default_rng(0)
    >>> df = pd.DataFrame({"x": rng.normal(size=1000)})
    >>> df["y"] = 2 + 3 * df["x"] + rng.normal(size=1000)
    >>> out = ampute(df, ["y"], mechanism="MAR", depends_on=["x"], seed=1)
    >>> round(float(out["y"].isna().mean()), 2)
    0.3
    >>> bool(df["y"].notna().all())  # the input is untouched
    True
    """
    probabilities = ampute_probabilities(
        df, columns, prop=prop, mechanism=mechanism, depends_on=depends_on, strength=strength
    )
    rng = check_rng(seed)
    remove = rng.random(probabilities.shape) < probabilities.to_numpy()
    out = df.copy()
    for j, column in enumerate(probabilities.columns):
        out[column] = out[column].astype(float).mask(remove[:, j])
    return out
