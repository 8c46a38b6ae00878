r"""Missing not at random: a selection model and δ-adjusted sensitivity analysis.

When the probability that a value is missing depends on the value itself,
the observed data cannot tell the analyst what the missing values look like
without assumptions that the observed data cannot check. Two ways of writing
those assumptions down follow from the two factorizations of the joint
distribution of the data :math:`Y` and the response indicators :math:`R`
(Little and Rubin 2019, chapter 15):

* a *selection model*, :math:`p(Y)\, p(R \mid Y)`: a model for the complete
  data and a model for who responds given the values
  (:func:`selection_model`, in the spirit of Heckman 1979);
* a *pattern-mixture model*, :math:`p(Y \mid R)\, p(R)`: a separate
  distribution of the data for respondents and non-respondents (Little
  1993). Its simplest form shifts the values imputed under MAR by a constant
  :math:`\delta` (:func:`delta_adjust`), and a *tipping-point analysis*
  (:func:`tipping_point`, :func:`find_tipping_point`) asks how large
  :math:`\delta` must be before the conclusion changes (van Buuren 2018,
  section 3.8; Carpenter and Kenward 2013, chapter 10).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from companion._validation import (
    check_datasets,
    check_frame,
    check_frame_columns,
    check_numeric_columns,
    check_probability,
    check_real,
)

if TYPE_CHECKING:
    import pymc as pm

    from companion.missing.mids import Mids

__all__ = [
    "SELECTION_PARAMETERS",
    "delta_adjust",
    "find_tipping_point",
    "selection_model",
    "tipping_point",
]

#: Names of the parameters of :func:`selection_model`.
SELECTION_PARAMETERS = ("alpha", "beta", "sigma", "gamma0", "gamma1")


# --------------------------------------------------------------------------- δ-adjustment
def _per_column(value: object, name: str, columns: list, *, positive: bool = False) -> dict:
    """Expand a scalar or a {column: value} dict to one finite float per column."""
    if isinstance(value, Mapping):
        unknown = [c for c in value if c not in columns]
        if unknown:
            raise ValueError(
                f"`{name}` names column(s) {unknown} that are not adjusted; "
                f"the adjusted columns are {columns}."
            )
        return {c: check_real(value.get(c, 0.0 if name == "delta" else 1.0), name,
                              positive=positive) for c in columns}  # fmt: skip
    return dict.fromkeys(columns, check_real(value, name, positive=positive))


def delta_adjust(
    datasets: pd.DataFrame | Sequence[pd.DataFrame],
    original: pd.DataFrame,
    delta: float | Mapping[object, float],
    *,
    columns: Sequence | None = None,
    scale: float | Mapping[object, float] = 1.0,
) -> pd.DataFrame | list[pd.DataFrame]:
    r"""Shift the imputed values of completed data sets by :math:`\delta`.

    For every column :math:`c` adjusted and every cell that is missing in
    ``original``, the imputed value :math:`\tilde y` becomes

    .. math:: \tilde y^{(\delta)} = s_c\, \tilde y + \delta_c ,

    with :math:`s_c = 1` (a pure shift) unless ``scale`` says otherwise.
    Observed cells are left exactly as they are. This is the
    :math:`\delta`-adjustment of the pattern-mixture model (van Buuren 2018,
    section 3.8.3): the non-respondents' values are assumed to be
    :math:`\delta` higher than MAR imputation predicts; :math:`\delta = 0`
    is MAR.

    Parameters
    ----------
    datasets : pandas.DataFrame or list of pandas.DataFrame
        Completed data sets (for example from :func:`companion.mice_impute`
        or :func:`companion.completed_datasets`) with the same index and
        columns as ``original``. Not modified.
    original : pandas.DataFrame
        The incomplete data the imputations complete; its NaN cells mark
        the imputed values. Its observed cells must equal those of every
        data set (otherwise the data sets do not complete it).
    delta : float or dict
        The shift, one number for every adjusted column or a dict
        ``{column: shift}`` (columns not named get 0).
    columns : list of column names, optional
        Columns to adjust. Default: the keys of ``delta`` if it is a dict,
        otherwise every column of ``original`` with missing values.
    scale : float or dict, default 1.0
        Optional multiplicative factor applied to the imputed values before
        the shift (positive); 1 gives the usual additive adjustment.

    Returns
    -------
    pandas.DataFrame or list of pandas.DataFrame
        Adjusted copies, of the same kind as ``datasets``.

    Notes
    -----
    This adjusts the imputations *after* they were made. When several
    variables are incomplete and imputed from each other, the proper
    adjustment applies the shift inside every iteration of the chained
    equations (mice's ``post`` argument; here ``mice(..., delta=...)``,
    :func:`companion.missing.mice`), so that the other imputed variables
    feel it (van Buuren 2018, section 9.2). The post-hoc shift is the same
    thing when the adjusted column is the only incomplete column, or when
    nothing else was imputed from it: in particular when it is the outcome
    of the analysis and the only incomplete variable.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from companion import delta_adjust
    >>> original = pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": [1.0, np.nan, 3.0]})
    >>> completed = original.fillna({"y": 2.0})
    >>> delta_adjust(completed, original, -0.5)["y"].tolist()
    [1.0, 1.5, 3.0]
    >>> delta_adjust([completed], original, {"y": 1.0}, scale=2.0)[0]["y"].tolist()
    [1.0, 5.0, 3.0]
    """
    single = isinstance(datasets, pd.DataFrame)
    sets = check_datasets(datasets, single=True)
    check_frame(original, "original")
    if columns is None:
        if isinstance(delta, Mapping):
            columns = list(delta)
        else:
            columns = [c for c in original.columns if original[c].isna().any()]
            if not columns:
                raise ValueError("`original` has no missing values: there is nothing to adjust.")
    columns = check_frame_columns(original, columns, frame="original")
    check_numeric_columns(original, columns)
    shifts = _per_column(delta, "delta", columns)
    factors = _per_column(scale, "scale", columns, positive=True)

    adjusted = []
    for position, data in enumerate(sets):
        if not data.index.equals(original.index) or list(data.columns) != list(original.columns):
            raise ValueError(
                f"`datasets[{position}]` must have the same index and columns as `original`."
            )
        out = data.copy()
        for column in columns:
            missing = original[column].isna().to_numpy()
            values = data[column].to_numpy(dtype=float, na_value=np.nan)
            observed = original[column].to_numpy(dtype=float, na_value=np.nan)
            if not np.array_equal(values[~missing], observed[~missing]):
                raise ValueError(
                    f"`datasets[{position}]` differs from `original` in observed cells of "
                    f"column {column!r}: it is not a completion of `original`."
                )
            if np.isnan(values[missing]).any():
                raise ValueError(
                    f"`datasets[{position}]` still has missing values in column {column!r}; "
                    "pass completed data sets."
                )
            values = values.copy()
            values[missing] = factors[column] * values[missing] + shifts[column]
            out[column] = values
        adjusted.append(out)
    return adjusted[0] if single else adjusted


# --------------------------------------------------------------------------- tipping point
def _check_deltas(deltas: object) -> np.ndarray:
    try:
        grid = np.asarray(deltas, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"`deltas` must be numbers, got {type(deltas).__name__}.") from None
    grid = grid.reshape(-1) if grid.ndim == 0 else grid
    if grid.ndim != 1 or grid.size < 2:
        raise ValueError(f"`deltas` must be a grid of at least 2 values, got {deltas!r}.")
    if not np.isfinite(grid).all():
        raise ValueError("`deltas` must be finite.")
    if len(np.unique(grid)) != grid.size:
        raise ValueError("`deltas` repeats a value.")
    if not (grid == 0).any():
        raise ValueError("`deltas` must contain 0 (MAR), the reference of a tipping point.")
    return np.sort(grid)


def tipping_point(
    datasets: Sequence[pd.DataFrame] | Mids,
    original: pd.DataFrame | None = None,
    deltas: Sequence[float] | None = None,
    formula: str | None = None,
    term: str | None = None,
    *,
    columns: Sequence | None = None,
    level: float = 0.95,
    null: float = 0.0,
) -> pd.DataFrame:
    r"""Pooled estimate of one coefficient over a grid of δ-adjustments.

    For each :math:`\delta` in ``deltas``: shift the imputed values by
    :math:`\delta`, fit ``formula`` by least squares to each completed data
    set (:func:`companion.fit_ols`) and pool the fits by Rubin's rules
    (:func:`companion.pool`). The shift is made in one of two ways:

    * ``datasets`` a list of completed data sets imputed under MAR: their
      imputed values are shifted *after* the fact (:func:`delta_adjust`);
    * ``datasets`` a :class:`~companion.missing.Mids` (from
      :func:`companion.missing.mice`): the whole imputation is run again for
      each :math:`\delta`, with the shift *inside* the chained equations
      (:meth:`Mids.rerun <companion.missing.Mids.rerun>`, ``delta`` of
      :func:`~companion.missing.mice`: the same chains, random streams and
      settings), so that the other incomplete columns are imputed from the
      shifted values (van Buuren 2018, section 9.2).

    Parameters
    ----------
    datasets : list of pandas.DataFrame or Mids
        At least two completed data sets imputed under MAR
        (:math:`\delta = 0`), or the result of :func:`~companion.missing.mice`
        with ``m >= 2`` (the :math:`\delta` of the grid replace any
        ``delta`` it was made with).
    original : pandas.DataFrame, optional
        The incomplete data the data sets complete; required with a list of
        data sets. With a ``Mids`` leave it out (it is ``datasets.data``; if
        given it must equal it).
    deltas : array-like of float
        Grid of shifts; must contain 0. Sorted on output.
    formula : str
        Analysis model, a statsmodels formula such as ``"y ~ x"``; ``"y ~ 1"``
        estimates the mean of ``y``.
    term : str
        The coefficient whose conclusion is examined (``"Intercept"``, ``"x"``).
    columns : list of column names, optional
        Columns to shift, as in :func:`delta_adjust` (default: every
        incomplete column of ``original``; with a ``Mids``, every numeric
        imputed column).
    level : float, default 0.95
        Level of the confidence intervals.
    null : float, default 0
        Value of the coefficient under the null hypothesis; the conclusion
        at each :math:`\delta` is whether the interval excludes it.

    Returns
    -------
    pandas.DataFrame
        One row per :math:`\delta` with columns ``delta``, ``estimate``,
        ``std_error``, ``ci_lower``, ``ci_upper``, ``df`` (Barnard-Rubin),
        ``fmi``, ``p_value`` (two-sided, of ``term = null``) and
        ``excludes_null``. ``attrs`` holds ``term``, ``level`` and ``null``
        for :func:`find_tipping_point`, ``columns`` (the shifted columns) and
        ``adjustment``: ``"after"`` (the data sets were shifted) or
        ``"chained"`` (the shift was inside the chained equations).

    Notes
    -----
    With a list, the data sets are imputed once and shifted afterwards,
    which is exact when the shifted columns are the only incomplete ones,
    or at least when no other imputed variable was imputed from them (see
    :func:`delta_adjust`). For the mean of a column (``"y ~ 1"``) the pooled
    estimate is then exactly linear in :math:`\delta`, with slope the
    fraction of the column that is missing. With a ``Mids`` and a single
    incomplete column the two ways give the same table; with several
    incomplete columns imputed from each other they differ, and only the
    chained one is the pattern-mixture model it claims to be. Its cost is
    one run of the chains per :math:`\delta`.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from companion import tipping_point
    >>> original = pd.DataFrame({"y": [1.0, np.nan, 3.0, np.nan]})
    >>> sets = [original.fillna(2.0), original.fillna(2.5)]
    >>> deltas = [-1.0, 0.0, 1.0]
    >>> table = tipping_point(sets, original, deltas, "y ~ 1", "Intercept")
    >>> table["estimate"].round(4).tolist()  # slope 2/4, the fraction missing
    [1.625, 2.125, 2.625]

    With the shift inside the chained equations (``bmi`` and ``hyp`` are
    imputed from the shifted ``chl``):

    >>> from companion import nhanes
    >>> from companion.missing import mice
    >>> imputed = mice(nhanes(), m=5, maxit=5, seed=1)
    >>> chained = tipping_point(imputed, deltas=[-30.0, 0.0, 30.0], formula="bmi ~ chl",
    ...                         term="chl", columns=["chl"])
    >>> chained.attrs["adjustment"], chained["delta"].tolist()
    ('chained', [-30.0, 0.0, 30.0])
    """
    from companion.missing.analyse import fit_ols
    from companion.missing.mids import Mids
    from companion.missing.pool import pool

    chained = isinstance(datasets, Mids)
    if deltas is None or formula is None or term is None:
        missing = [n for n, v in (("deltas", deltas), ("formula", formula), ("term", term))
                   if v is None]  # fmt: skip
        raise TypeError(f"tipping_point() needs {', '.join(f'`{n}`' for n in missing)}.")
    if chained:
        if datasets.m < 2:
            raise ValueError(f"`datasets` needs at least 2 imputations, got m = {datasets.m}.")
        if original is not None:
            check_frame(original, "original")
            if not original.equals(datasets.data):
                raise ValueError(
                    "`original` differs from the incomplete data of the Mids `datasets`; leave "
                    "it out (it is `datasets.data`)."
                )
        original = datasets.data
        if columns is None:
            columns = _shiftable(datasets)
        columns = check_frame_columns(original, columns, frame="original")
        sets = None
    else:
        sets = check_datasets(datasets, single=True)
        if len(sets) < 2:
            raise ValueError(f"`datasets` needs at least 2 imputed data sets, got {len(sets)}.")
        if original is None:
            raise TypeError(
                "`original` (the incomplete data) is required when `datasets` is a list of "
                "completed data sets."
            )
    grid = _check_deltas(deltas)
    level = check_probability(level, "level")
    null = check_real(null, "null")
    if not isinstance(term, str):
        raise TypeError(f"`term` must be a string, got {type(term).__name__}.")
    from scipy import stats

    rows = []
    for delta in grid:
        if chained:
            adjusted = datasets.rerun(dict.fromkeys(columns, float(delta))).completed()
        else:
            adjusted = delta_adjust(sets, original, float(delta), columns=columns)
        table = pool(fit_ols(adjusted, formula), level=level)
        if term not in table.index:
            raise ValueError(
                f"`term`={term!r} is not a coefficient of `formula`; choose from "
                f"{table.index.tolist()}."
            )
        row = table.loc[term]
        t = (row["estimate"] - null) / row["std_error"]
        dist = stats.norm if math.isinf(row["df"]) else stats.t(row["df"])
        rows.append(
            {
                "delta": float(delta),
                "estimate": row["estimate"],
                "std_error": row["std_error"],
                "ci_lower": row["ci_lower"],
                "ci_upper": row["ci_upper"],
                "df": row["df"],
                "fmi": row["fmi"],
                "p_value": float(2 * dist.sf(abs(t))),
                "excludes_null": bool(row["ci_lower"] > null or row["ci_upper"] < null),
            }
        )
    result = pd.DataFrame(rows)
    shifted = (
        list(columns)
        if columns is not None
        else [c for c in original.columns if original[c].isna().any()]
    )
    result.attrs.update(
        {
            "term": term,
            "level": level,
            "null": null,
            "columns": shifted,
            "adjustment": "chained" if chained else "after",
        }
    )
    return result


def _shiftable(imputed: Mids) -> list:
    """List the numeric imputed columns of a Mids (the default columns to shift)."""
    data = imputed.data
    out = [
        name
        for name, method in imputed.method.items()
        if method != ""
        and method not in ("logreg", "polyreg")
        and pd.api.types.is_numeric_dtype(data[name])
        and not pd.api.types.is_bool_dtype(data[name])
    ]
    if not out:
        raise ValueError("`datasets` has no numeric imputed column to shift.")
    return out


def _conclusion(lower: np.ndarray, upper: np.ndarray, null: float) -> np.ndarray:
    """+1 if the interval lies above ``null``, -1 if below, 0 if it contains it."""
    return (lower > null).astype(int) - (upper < null).astype(int)


def find_tipping_point(
    table: pd.DataFrame, *, null: float | None = None, side: str = "both"
) -> float:
    r"""Find the smallest absolute :math:`\delta` that changes the conclusion of MAR.

    The conclusion at each :math:`\delta` is where the confidence interval
    lies: above ``null``, below it, or around it. Starting from
    :math:`\delta = 0` and moving outwards along the grid of ``table``, the
    tipping point is where the conclusion first differs from that at
    :math:`\delta = 0`. It is **interpolated linearly**: between the last
    grid point with the MAR conclusion and the first without, the interval
    bound that crosses ``null`` is taken as linear in :math:`\delta`, and the
    :math:`\delta` at which it equals ``null`` is returned. (For the pooled
    mean, the estimate is exactly linear in :math:`\delta` and the standard
    error nearly so, so the interpolation error is far below any sensible
    grid spacing.)

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`tipping_point` (columns ``delta``, ``ci_lower``,
        ``ci_upper``; a row with ``delta == 0``).
    null : float, optional
        Reference value; default ``table.attrs["null"]`` or 0.
    side : str, one of "both", "negative", "positive", default "both"
        Search both directions and return the tipping point of smaller
        absolute value, or only :math:`\delta < 0` or :math:`\delta > 0`.

    Returns
    -------
    float
        The interpolated :math:`\delta`; NaN if the conclusion does not change
        within the grid (then the grid is too narrow to find it).

    Examples
    --------
    >>> import pandas as pd
    >>> from companion import find_tipping_point
    >>> table = pd.DataFrame({"delta": [-2.0, -1.0, 0.0, 1.0],
    ...                       "ci_lower": [-0.5, 0.5, 1.5, 2.5],
    ...                       "ci_upper": [1.5, 2.5, 3.5, 4.5]})
    >>> find_tipping_point(table)  # the lower bound reaches 0 at delta = -1.5
    -1.5
    """
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"`table` must be a DataFrame, got {type(table).__name__}.")
    needed = [c for c in ("delta", "ci_lower", "ci_upper") if c not in table.columns]
    if needed:
        raise ValueError(f"`table` lacks column(s) {needed}; pass the result of tipping_point.")
    if side not in ("both", "negative", "positive"):
        raise ValueError(f"`side` must be 'both', 'negative' or 'positive', got {side!r}.")
    null = check_real(table.attrs.get("null", 0.0) if null is None else null, "null")
    ordered = table.sort_values("delta")
    delta = ordered["delta"].to_numpy(dtype=float)
    _check_deltas(delta)
    lower = ordered["ci_lower"].to_numpy(dtype=float)
    upper = ordered["ci_upper"].to_numpy(dtype=float)
    if not (np.isfinite(lower).all() and np.isfinite(upper).all()):
        raise ValueError("`table` has missing or infinite interval bounds (ci_lower, ci_upper).")
    if (lower > upper).any():
        rows = ordered.index[lower > upper].tolist()[:5]
        raise ValueError(f"`table` has ci_lower above ci_upper in rows {rows}.")
    conclusion = _conclusion(lower, upper, null)
    start = int(np.flatnonzero(delta == 0)[0])
    reference = conclusion[start]

    def crossing(direction: int) -> float:
        previous = start
        for j in range(start + direction, len(delta) if direction > 0 else -1, direction):
            if conclusion[j] != reference:
                # The bound that crosses: the lower one if the interval was above
                # the null or moves above it, the upper one otherwise.
                moved_up = reference == 1 or conclusion[j] == 1
                bound = lower if moved_up else upper
                a, b = bound[previous] - null, bound[j] - null
                weight = a / (a - b) if a != b else 1.0
                return float(delta[previous] + weight * (delta[j] - delta[previous]))
            previous = j
        return math.nan

    found = {
        "negative": crossing(-1) if side in ("both", "negative") else math.nan,
        "positive": crossing(+1) if side in ("both", "positive") else math.nan,
    }
    candidates = [v for v in found.values() if not math.isnan(v)]
    return min(candidates, key=abs) if candidates else math.nan


# --------------------------------------------------------------------------- selection model
def selection_model(
    df: pd.DataFrame,
    x: str | Sequence[str] = "x",
    y: str = "y",
    *,
    gamma1_prior: tuple[float, float] = (0.0, 1.0),
    center: float | None = None,
    scale: float | None = None,
    response_on_x: bool = False,
) -> pm.Model:
    r"""Build a selection model for an outcome that is missing not at random.

    .. math::

        y_i \mid x_i &\sim \mathcal N(\alpha + x_i^\top \beta, \sigma^2), \\
        R_i \mid y_i &\sim \operatorname{Bernoulli}\bigl(
            \operatorname{expit}(\gamma_0 + \gamma_1 (y_i - m_y) / s_y)\bigr),

    where :math:`R_i = 1` if :math:`y_i` is observed. The probability of
    responding depends on the value itself, so :math:`\gamma_1 \ne 0` is
    MNAR and :math:`\gamma_1 = 0` is MAR. The missing :math:`y_i` are
    parameters (PyMC's automatic imputation), drawn jointly with
    :math:`\gamma`: a missing value is informed both by the regression and by
    the fact that it is missing.

    Everything the data say about :math:`\gamma_1` comes through the assumed
    normal shape of :math:`y \mid x`: the observed values are the normal
    distribution thinned by the response probability, and :math:`\gamma_1`
    is estimated from how skewed they look. If the outcome is not normal,
    the model will mistake the skew for selection (Little and Rubin 2019,
    section 15.3). The prior on :math:`\gamma_1` is therefore a statement of
    belief that the data can only partly correct.

    Priors (with :math:`m_y`, :math:`s_y`, :math:`m_k`, :math:`s_k` the
    observed means and standard deviations of the outcome and the
    covariates, each prior 2.5 times as wide as the data's spread, as in
    :func:`companion.regression_imputation_model`):
    :math:`\alpha \sim \mathcal N(m_y, 2.5^2 s_y^2 (1 + \sum_k m_k^2/s_k^2))`,
    :math:`\beta_k \sim \mathcal N(0, (2.5\, s_y / s_k)^2)`,
    :math:`\sigma \sim \text{HalfNormal}(2.5\, s_y)`,
    :math:`\gamma_0 \sim \mathcal N(0, 2.5^2)` and
    :math:`\gamma_1 \sim \mathcal N(\mu_\gamma, \sigma_\gamma^2)` from
    ``gamma1_prior``. With the default ``center`` and ``scale``,
    :math:`\gamma_1` is the change in the log-odds of responding per
    (observed) standard deviation of :math:`y`.

    Parameters
    ----------
    df : pandas.DataFrame
        Columns ``x`` (complete) and ``y`` (NaN where missing).
    x : str or sequence of str, default "x"
        The covariate column, or several (a list, tuple, ``pandas.Index`` or
        array of column names); each must be complete.
    y : str, default "y"
        The outcome column.
    gamma1_prior : tuple of float, default (0, 1)
        Mean and standard deviation (positive) of the normal prior on
        :math:`\gamma_1`. A standard deviation near 0 forces MAR.
    center : float, optional
        :math:`m_y` in the response model; by default the observed mean of
        ``y``. Pass ``center=0, scale=1`` to put :math:`\gamma` on the
        scale of ``y`` itself.
    scale : float, optional
        :math:`s_y` in the response model; by default the observed standard
        deviation of ``y``.
    response_on_x : bool, default False
        Let the probability of responding also depend on the covariates:
        :math:`+ \sum_k \gamma_{x,k} (x_{ik} - m_k)/s_k`, with
        :math:`\gamma_{x,k} \sim \mathcal N(0, 2.5^2)`.

    Returns
    -------
    pymc.Model
        Free parameters ``alpha``, ``beta``, ``sigma``, ``gamma0``,
        ``gamma1`` (and ``gamma_x`` with ``response_on_x``) and
        ``<y>_unobserved`` (dimension ``<y>_missing``, labelled by the index
        of the rows missing ``y``); deterministic ``<y>`` (dimension ``obs``,
        labelled by ``df.index``) with observed and imputed values; observed
        ``responded`` (the :math:`R_i`, dimension ``obs``). With several
        covariates ``beta`` and ``gamma_x`` have dimension ``covariate``,
        labelled by the column names.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from companion import selection_model
    >>> df = pd.DataFrame({"x": [0.1, 0.5, 1.2, 0.4], "y": [2.0, np.nan, 3.5, 3.1]})
    >>> model = selection_model(df)
    >>> sorted(v.name for v in model.free_RVs)
    ['alpha', 'beta', 'gamma0', 'gamma1', 'sigma', 'y_unobserved']
    >>> model.coords["y_missing"]
    (1,)
    >>> df["z"] = [1.0, 0.0, 2.0, 1.0]
    >>> selection_model(df, x=["x", "z"]).coords["covariate"]
    ('x', 'z')
    """
    import pymc as pm
    from pymc.exceptions import ImputationWarning

    from companion._modelling import attach_missing_dim
    from companion._validation import check_covariates, numeric_column
    from companion.hierarchical.priors import AUTO_WIDTH
    from companion.missing.bayesian import prior_scales

    check_frame(df, "df")
    if not isinstance(response_on_x, bool):
        raise TypeError(f"`response_on_x` must be True or False, got {response_on_x!r}.")
    reserved = (*SELECTION_PARAMETERS, "gamma_x", "obs", "responded", "covariate")
    columns, single = check_covariates(df, x, y, reserved)
    x_values = np.column_stack([numeric_column(df, c, "x") for c in columns])
    incomplete = [c for c, v in zip(columns, x_values.T, strict=True) if np.isnan(v).any()]
    if incomplete:
        counts = {c: int(df[c].isna().sum()) for c in incomplete}
        raise ValueError(
            f"`x` column(s) have missing values {counts}; the selection model needs "
            "complete covariates."
        )
    y_values = numeric_column(df, y, "y")
    missing = np.isnan(y_values)
    if not missing.any():
        raise ValueError(f"`y` column {y!r} has no missing values: there is nothing to select.")
    if (
        not isinstance(gamma1_prior, Sequence)
        or isinstance(gamma1_prior, str)
        or len(gamma1_prior) != 2
    ):
        raise ValueError(f"`gamma1_prior` must be a pair (mean, sd), got {gamma1_prior!r}.")
    g_mu = check_real(gamma1_prior[0], "gamma1_prior[0]")
    g_sd = check_real(gamma1_prior[1], "gamma1_prior[1]", positive=True)

    scales = prior_scales(x_values, y_values)
    mx, sx = scales["mu_x_mu"], scales["mu_x_sd"] / AUTO_WIDTH  # m_k and s_k
    my, sy = scales["alpha_mu"], scales["sigma_sd"] / AUTO_WIDTH  # observed mean and sd of y
    c = my if center is None else check_real(center, "center")
    s = sy if scale is None else check_real(scale, "scale", positive=True)
    # NumPy floats: PyTensor makes a Python float that is exact in float32 (2.5, 0.5)
    # a float32 constant, and its logarithm then loses digits in the density.
    w = np.float64(AUTO_WIDTH)
    responded = (~missing).astype(int)
    coords = {"obs": list(df.index)}
    if not single:
        coords["covariate"] = columns
    dims = None if single else "covariate"
    with pm.Model(coords=coords) as model:
        alpha = pm.Normal("alpha", scales["alpha_mu"], scales["alpha_sd"])
        beta_sd = scales["beta_sd"][0] if single else scales["beta_sd"]
        beta = pm.Normal("beta", 0.0, beta_sd, dims=dims)
        sigma = pm.HalfNormal("sigma", scales["sigma_sd"])
        gamma0 = pm.Normal("gamma0", 0.0, w)
        gamma1 = pm.Normal("gamma1", np.float64(g_mu), np.float64(g_sd))
        linear = x_values[:, 0] * beta if single else pm.math.dot(x_values, beta)
        with warnings.catch_warnings():
            # The imputation is the point of the model, not something to warn about.
            warnings.simplefilter("ignore", ImputationWarning)
            y_full = pm.Normal(y, alpha + linear, sigma, observed=y_values, dims="obs")
        logit_p = gamma0 + gamma1 * (y_full - c) / s
        if response_on_x:
            gamma_x = pm.Normal("gamma_x", 0.0, w, dims=dims)
            standard = (x_values - mx) / sx
            logit_p = logit_p + (
                gamma_x * standard[:, 0] if single else pm.math.dot(standard, gamma_x)
            )
        pm.Bernoulli("responded", logit_p=logit_p, observed=responded, dims="obs")
    attach_missing_dim(model, y, df.index[missing])
    return model
