r"""Multiple imputation by chained equations (MICE), in the design of R's mice.

:func:`mice` imputes every incomplete column of a data frame in turn from a
regression on the other columns (van Buuren and Groothuis-Oudshoorn 2011;
van Buuren 2018, chapter 4):

1. each of the ``m`` chains starts by filling every missing cell with a
   random draw from the observed values of its column (mice's
   ``mice.impute.sample``);
2. one iteration visits the incomplete columns in the visit sequence; each
   column is imputed by its method (:mod:`companion.missing.methods`:
   ``pmm``, ``norm``, ``logreg``, ``polyreg``, ``sample``) from the
   current values of its predictors (a row of the predictor matrix;
   categorical predictors enter as dummy columns), fitted on the rows where
   the column is observed;
3. after ``maxit`` iterations the chain's state is one completed data set.

The result is a :class:`~companion.missing.mids.Mids` object: the
imputations, the settings and, for every imputed column, the mean and
standard deviation of its imputed values after each iteration in each chain,
from which :meth:`~companion.missing.mids.Mids.rhat` judges convergence.

The engine works on NumPy arrays only (no pandas inside the iterations):
categorical columns are held as integer codes, their dummy columns in a
design matrix that is updated in place after each imputation, and the
regressions are solved through Cholesky factors. :func:`mice_impute` is the
older interface, a thin wrapper that returns the list of completed data sets.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from numbers import Integral

import numpy as np
import pandas as pd

from companion._validation import (
    SeedLike,
    check_count,
    check_frame,
    check_numeric_columns,
    check_real,
    check_rng,
)
from companion.missing.engine import (
    MULTILEVEL_METHODS,
    Column,
    Spec,
    encode_column,
    initial_states,
    run_chains,
)
from companion.missing.methods import RIDGE

__all__ = [
    "IMPUTATION_METHODS",
    "mice",
    "mice_impute",
]

#: The univariate imputation methods of :func:`mice`, by mice's names: predictive mean
#: matching, Bayesian linear regression, logistic and multinomial logistic regression, a
#: random draw from the observed values, the two-level normal and PMM methods, and ""
#: (not imputed).
IMPUTATION_METHODS = ("pmm", "norm", "logreg", "polyreg", "sample", "2l.norm", "2l.pmm", "")
#: The visit orders :func:`mice` accepts by name, as mice's ``visitSequence``.
VISIT_SEQUENCES = ("roman", "arabic", "monotone", "revmonotone")
#: Codes of the predictor matrix, as mice's: 0 not a predictor, 1 a predictor (fixed
#: effect), and in the rows of the multilevel methods -2 the cluster column, 2 a
#: predictor with a random slope (and a fixed effect).
PREDICTOR_CODES = (-2, 0, 1, 2)
_CODES_MESSAGE = (
    "`predictor_matrix` must hold 0 and 1 only (and, in the rows of '2l.norm' and "
    "'2l.pmm' columns, -2 for the cluster column and 2 for a random slope)."
)


# --------------------------------------------------------------------------- the settings


def _default_method(column: Column) -> str:
    if column.kind == "numeric":
        return "pmm"
    return "logreg" if len(column.levels) == 2 else "polyreg"


def _check_methods(df: pd.DataFrame, method: object) -> dict:
    """Methods per column: None (defaults by dtype), one name for all, or a dict."""
    if method is None:
        return {}
    if isinstance(method, str) or callable(method):
        return {c: method for c in df.columns if df[c].isna().any()}
    if not isinstance(method, Mapping):
        raise TypeError(
            "`method` must be None, a method name, or a dict of column to method name, "
            f"got {type(method).__name__}."
        )
    unknown = [c for c in method if c not in df.columns]
    if unknown:
        raise ValueError(f"`method` names columns not in `df`: {unknown}.")
    return dict(method)


def _check_method_name(name: object, column: Column) -> str | Callable:
    if callable(name):
        return name
    if not isinstance(name, str) or name not in IMPUTATION_METHODS:
        raise ValueError(
            f"`method` for column {column.name!r} is {name!r}; known methods are "
            f"{', '.join(repr(m) for m in IMPUTATION_METHODS)} or a function."
        )
    if name in ("pmm", "norm", *MULTILEVEL_METHODS) and column.kind != "numeric":
        raise ValueError(
            f"`method` {name!r} needs a numeric column, but column {column.name!r} is "
            f"categorical ({len(column.levels)} categories); use 'logreg' (2 categories) "
            "or 'polyreg'."
        )
    if name == "logreg" and len(column.levels) != 2:
        raise ValueError(
            f"`method` 'logreg' needs a binary column, but column {column.name!r} has "
            f"{len(column.levels)} observed categories; use 'polyreg'."
        )
    if name == "polyreg" and column.kind == "numeric":
        raise ValueError(
            f"`method` 'polyreg' needs a categorical column, but column {column.name!r} is "
            "numeric; convert it with .astype('category') first, or use 'pmm'."
        )
    return name


def _check_predictor_matrix(predictor_matrix: object, df: pd.DataFrame) -> pd.DataFrame:
    names = list(df.columns)
    ones = np.ones((df.shape[1], df.shape[1]), dtype=int)
    np.fill_diagonal(ones, 0)
    default = pd.DataFrame(ones, index=df.columns, columns=df.columns)
    if predictor_matrix is None:
        return default
    if isinstance(predictor_matrix, pd.DataFrame):
        rows, cols = list(predictor_matrix.index), list(predictor_matrix.columns)
        if (
            set(rows) != set(names)
            or set(cols) != set(names)
            or len(rows) != len(names)
            or len(cols) != len(names)
        ):
            extra = sorted({str(c) for c in [*rows, *cols] if c not in df.columns})
            absent = sorted({str(c) for c in names if c not in rows or c not in cols})
            raise ValueError(
                "`predictor_matrix` must have the columns of `df` as its row and column "
                f"labels (once each); unknown labels: {extra}, missing labels: {absent}."
            )
        matrix = predictor_matrix.loc[names, names]
        values = matrix.to_numpy()
        try:
            numeric = values.astype(float)
        except (TypeError, ValueError):
            raise ValueError(_CODES_MESSAGE) from None
        if not np.isin(numeric, PREDICTOR_CODES).all():
            raise ValueError(_CODES_MESSAGE)
        if np.diag(numeric).any():
            bad = [str(c) for c, d in zip(names, np.diag(numeric), strict=True) if d]
            raise ValueError(
                f"`predictor_matrix` has a non-zero diagonal for {bad}: a column cannot "
                "predict itself."
            )
        return pd.DataFrame(numeric.astype(int), index=df.columns, columns=df.columns)
    if isinstance(predictor_matrix, Mapping):
        matrix = default.copy()
        for target, predictors in predictor_matrix.items():
            if target not in df.columns:
                raise ValueError(f"`predictor_matrix` names a column not in `df`: {target!r}.")
            codes = None
            if isinstance(predictors, Mapping):  # {predictor: code}, codes -2, 0, 1, 2
                codes = dict(predictors)
                predictors = list(codes)
            elif isinstance(predictors, str) or not isinstance(
                predictors, Sequence | pd.Index | np.ndarray
            ):
                predictors = [predictors]
            unknown = [p for p in predictors if p not in df.columns]
            if unknown:
                raise ValueError(
                    f"`predictor_matrix[{target!r}]` names columns not in `df`: {unknown}."
                )
            if target in list(predictors):
                raise ValueError(
                    f"`predictor_matrix[{target!r}]` lists {target!r} itself: a column "
                    "cannot predict itself."
                )
            matrix.loc[target, :] = 0
            if codes is None:
                matrix.loc[target, list(predictors)] = 1
                continue
            for predictor, code in codes.items():
                if isinstance(code, bool) or code not in PREDICTOR_CODES:
                    raise ValueError(
                        f"`predictor_matrix[{target!r}][{predictor!r}]` is {code!r}; "
                        + _CODES_MESSAGE[len("`predictor_matrix` ") :]
                    )
                matrix.loc[target, predictor] = int(code)
        return matrix
    raise TypeError(
        "`predictor_matrix` must be None, a DataFrame of 0/1 (rows: imputed columns, "
        "columns: predictors; -2 and 2 for multilevel methods) or a dict of column to "
        "predictors (a list, or a dict of predictor to code), got "
        f"{type(predictor_matrix).__name__}."
    )


def _check_levels(row: np.ndarray, column: Column, columns: list) -> None:
    """Check the multilevel codes (-2, 2) of one row and set the column's cluster codes."""
    multilevel = column.method in MULTILEVEL_METHODS
    if not multilevel:
        if (row < 0).any() or (row == 2).any():
            raise ValueError(
                f"`predictor_matrix` row {column.name!r} holds -2 or 2, codes of the multilevel "
                f"methods, but the method of {column.name!r} is {column.method_name!r}; set "
                "`method` to '2l.norm' or '2l.pmm' for it, or use 0 and 1."
            )
        return
    cluster = np.flatnonzero(row == -2)
    if cluster.size != 1:
        found = [str(columns[k].name) for k in cluster]
        raise ValueError(
            f"method {column.method!r} for column {column.name!r} needs exactly one cluster "
            f"column, marked -2 in its row of `predictor_matrix` (e.g. "
            f"predictor_matrix={{{column.name!r}: {{'school': -2, 'x': 1}}}}); found {found}."
        )
    source = columns[int(cluster[0])]
    if len(source.missing):
        raise ValueError(
            f"the cluster column {source.name!r} of {column.name!r} has "
            f"{len(source.missing)} missing value(s); the cluster of every row must be known."
        )
    column.clusters = pd.factorize(pd.Series(source.encoded), sort=True)[0].astype(np.int64)


def _check_cluster_count(column: Column, row: np.ndarray, columns: list) -> None:
    n_clusters = int(column.clusters.max()) + 1
    p = 1 + int(column.random.sum())
    if n_clusters < 2 * p + 1:
        source = columns[int(np.flatnonzero(row == -2)[0])].name
        raise ValueError(
            f"method {column.method!r} for column {column.name!r} with {p} random "
            f"coefficient(s) needs at least {2 * p + 1} clusters; the cluster column "
            f"{source!r} has {n_clusters}."
        )


def _check_visit_sequence(visit_sequence: object, df: pd.DataFrame, imputed: list[int]) -> list:
    names = list(df.columns)
    if visit_sequence is None:
        visit_sequence = "roman"
    if isinstance(visit_sequence, str):
        if visit_sequence not in VISIT_SEQUENCES:
            raise ValueError(
                f"`visit_sequence` must be one of {VISIT_SEQUENCES} or a list of columns, "
                f"got {visit_sequence!r}."
            )
        order = list(imputed)
        if visit_sequence == "arabic":
            order = order[::-1]
        elif visit_sequence in ("monotone", "revmonotone"):
            n_missing = df.isna().sum().to_numpy()
            order = sorted(order, key=lambda j: (n_missing[j], j))  # stable: ties left to right
            if visit_sequence == "revmonotone":
                order = order[::-1]
        return order
    if not isinstance(visit_sequence, Sequence | pd.Index | np.ndarray):
        raise TypeError(
            "`visit_sequence` must be None, 'roman', 'arabic', 'monotone', 'revmonotone' or "
            f"a list of column names, got {type(visit_sequence).__name__}."
        )
    unknown = [c for c in visit_sequence if c not in df.columns]
    if unknown:
        raise ValueError(f"`visit_sequence` names columns not in `df`: {unknown}.")
    order = [names.index(c) for c in visit_sequence]
    return [j for j in order if j in imputed]


def _prepare(
    df: pd.DataFrame,
    method: object,
    predictor_matrix: object,
    visit_sequence: object,
    options: dict,
) -> tuple[Spec, dict, pd.DataFrame]:
    """Check the arguments and encode the data; returns the spec and the settings."""
    check_frame(df, "df")
    if df.shape[1] < 2:
        raise ValueError(f"`df` needs at least 2 columns to impute from, got {df.shape[1]}.")
    if df.shape[0] < 2:
        raise ValueError(f"`df` needs at least 2 rows, got {df.shape[0]}.")
    methods = _check_methods(df, method)
    empty = [str(c) for c in df.columns if df[c].isna().all()]
    if empty:
        raise ValueError(
            f"`df` has column(s) with no observed value: {', '.join(empty)}; "
            "there is nothing to impute them from. Remove them."
        )
    columns = []
    for name in df.columns:
        as_levels = methods.get(name) == "logreg"
        columns.append(encode_column(df[name], name, as_levels))
    constant = [
        str(c.name)
        for c in columns
        if (c.kind == "numeric" and np.nanmax(c.encoded) == np.nanmin(c.encoded))
        or (c.kind == "categorical" and len(c.levels) < 2)
    ]
    if constant:
        raise ValueError(
            f"`df` has constant column(s): {', '.join(constant)}; they carry no information "
            "for the imputation models (and make them singular). Remove them first."
        )
    # Methods: complete columns get "" (nothing to impute), as in mice.
    chosen = {}
    for column in columns:
        if len(column.missing) == 0:
            column.method = ""
        else:
            given = methods.get(column.name, _default_method(column))
            column.method = _check_method_name(given, column)
        chosen[column.name] = column.method
    matrix = _check_predictor_matrix(predictor_matrix, df)
    imputed = [j for j, c in enumerate(columns) if c.method != ""]
    visit = _check_visit_sequence(visit_sequence, df, imputed)
    # The design matrix: one column per numeric column, K - 1 dummies per categorical one.
    start = 0
    for column in columns:
        column.design = slice(start, start + column.width)
        start += column.width
    values = matrix.to_numpy(copy=True)
    for j in imputed:
        column = columns[j]
        _check_levels(values[j], column, columns)
        column.predictors = [int(k) for k in np.flatnonzero(values[j] > 0)]
        unusable = [
            str(columns[k].name)
            for k in column.predictors
            if columns[k].method == "" and len(columns[k].missing)
        ]
        if unusable:
            raise ValueError(
                f"column(s) {unusable} have missing values and are not imputed (method ''), "
                f"but `predictor_matrix` uses them to predict {column.name!r}; impute them or "
                "remove them from its row."
            )
        column.design_index = np.concatenate(
            [np.arange(columns[k].design.start, columns[k].design.stop) for k in column.predictors]
            or [np.zeros(0, dtype=int)]
        ).astype(int)
        if column.clusters is not None:
            column.random = np.concatenate(
                [np.full(columns[k].width, values[j, k] == 2) for k in column.predictors]
                or [np.zeros(0, dtype=bool)]
            )
            _check_cluster_count(column, values[j], columns)
    for j, column in enumerate(columns):  # rows of columns that are not imputed are zero
        if column.method == "":
            values[j] = 0
    matrix = pd.DataFrame(values, index=df.columns, columns=df.columns)
    spec = Spec(columns, visit, start, len(df), options)
    settings = {
        "method": chosen,
        "predictor_matrix": matrix,
        "visit_sequence": tuple(columns[j].name for j in visit),
    }
    return spec, settings, matrix


def check_delta(delta: object, spec: Spec) -> dict:
    """Check ``delta`` ({column: shift}) against the imputed columns; returns floats per name."""
    if delta is None:
        return {}
    if not isinstance(delta, Mapping):
        raise TypeError(
            "`delta` must be a dict {column: shift} (shifts in the column's own units), got "
            f"{type(delta).__name__}."
        )
    by_name = {column.name: column for column in spec.columns}
    shifts = {}
    for name, value in delta.items():
        if name not in by_name:
            raise ValueError(f"`delta` names a column not in `df`: {name!r}.")
        column = by_name[name]
        if column.method == "":
            raise ValueError(
                f"`delta` names column {name!r}, which is not imputed (it is complete or its "
                "method is ''): there are no imputed values to shift."
            )
        if column.kind != "numeric":
            raise ValueError(
                f"`delta` names the categorical column {name!r}; a shift needs a numeric "
                "column (shift a categorical column's log-odds with a custom method instead)."
            )
        shifts[name] = check_real(value, f"delta[{name!r}]")
    return shifts


def with_delta(spec: Spec, shifts: Mapping) -> Spec:
    """Copy ``spec`` with the shifts ``shifts`` on its columns (others 0)."""
    columns = [replace(c, delta=float(shifts.get(c.name, 0.0))) for c in spec.columns]
    return replace(spec, columns=columns)


def _check_data_init(data_init: object, df: pd.DataFrame, spec: Spec, m: int):
    if data_init is None:
        return None
    frames = [data_init] * m if isinstance(data_init, pd.DataFrame) else data_init
    if not isinstance(frames, Sequence) or len(frames) != m:
        raise TypeError(
            "`data_init` must be a DataFrame (the same start for every chain) or a list of "
            f"`m` = {m} DataFrames."
        )
    encoded = []
    for position, frame in enumerate(frames):
        label = "data_init" if isinstance(data_init, pd.DataFrame) else f"data_init[{position}]"
        if not isinstance(frame, pd.DataFrame):
            raise TypeError(f"`{label}` must be a DataFrame, got {type(frame).__name__}.")
        if list(frame.columns) != list(df.columns) or not frame.index.equals(df.index):
            raise ValueError(f"`{label}` must have the columns and the index of `df`.")
        block = np.full((len(df), len(spec.columns)), np.nan)
        for j, column in enumerate(spec.columns):
            values = frame.iloc[column.missing, j]
            if j in spec.visit and values.isna().any():
                raise ValueError(
                    f"`{label}` has missing values in cells of column {column.name!r} to impute."
                )
            if column.kind == "numeric":
                block[column.missing, j] = values.to_numpy(dtype=float, na_value=np.nan)
            elif j in spec.visit:
                index = {level: code for code, level in enumerate(column.levels)}
                unknown = [v for v in values if v not in index]
                if unknown:
                    raise ValueError(
                        f"`{label}` column {column.name!r} has values not observed in `df`: "
                        f"{unknown[:3]}."
                    )
                block[column.missing, j] = [index[v] for v in values]
        encoded.append(block)
    return encoded


def mice(
    df: pd.DataFrame,
    m: int = 5,
    *,
    method: str | Mapping | None = None,
    predictor_matrix: pd.DataFrame | Mapping | None = None,
    visit_sequence: str | Sequence | None = None,
    maxit: int = 10,
    donors: int = 5,
    matchtype: int = 1,
    draw: str = "bayes",
    data_init: pd.DataFrame | Sequence[pd.DataFrame] | None = None,
    delta: Mapping[object, float] | None = None,
    seed: SeedLike = None,
):
    r"""Impute ``m`` completed data sets by chained equations, as R's ``mice()``.

    Parameters
    ----------
    df : pandas.DataFrame
        Data with missing values (NaN, None, ``pd.NA``). Numeric, boolean,
        categorical and string columns; at least 2 columns and 2 rows; every
        column needs an observed value and at least two distinct ones. Not
        modified.
    m : int, default 5
        Number of imputations (>= 1), each from its own chain.
    method : str or dict or None
        The univariate method of each incomplete column: ``"pmm"``
        (predictive mean matching), ``"norm"`` (Bayesian linear regression),
        ``"logreg"`` (logistic regression, 2 categories), ``"polyreg"``
        (multinomial logistic regression), ``"sample"`` (random draw from the
        observed values), ``"2l.norm"`` and ``"2l.pmm"`` (two-level normal
        model with a random intercept per cluster, and predictive mean
        matching on it, for a unit-level column missing within clusters;
        :mod:`companion.missing.multilevel`; the cluster column is marked -2
        in the column's row of ``predictor_matrix``), ``""`` (not imputed),
        or a function
        ``f(y_obs, x_obs, x_mis, rng) -> values`` (codes ``0..K-1`` for a
        categorical column; see :mod:`companion.missing.methods`). One name
        applies to every incomplete column; a dict sets some columns and
        leaves the others at their default, as mice: ``"pmm"`` for numeric
        columns, ``"logreg"`` for boolean columns and for categorical or
        string columns with 2 observed categories, ``"polyreg"`` for more
        (ordered categoricals too: there is no ``polr`` yet).
    predictor_matrix : pandas.DataFrame or dict or None
        Which columns predict which, as mice's ``predictorMatrix``: a 0/1
        DataFrame whose row ``j`` marks the predictors of column ``j`` (row
        and column labels the columns of ``df``, zero diagonal), or a dict of
        column to its list of predictors (other rows keep the default). By
        default every other column predicts each column. An empty row imputes
        the column from its marginal distribution. In the row of a column
        imputed by ``"2l.norm"`` or ``"2l.pmm"``, as in mice: -2 marks the
        cluster column (exactly one, complete; any dtype, its values are
        cluster labels), 1 a predictor with a fixed coefficient and 2 a
        predictor with a fixed and a cluster-level random coefficient; the
        dict form takes codes as ``{column: {"school": -2, "x": 1}}``.
        Other rows hold 0 and 1 only.
    visit_sequence : str or list or None
        Order in which the incomplete columns are imputed in each
        iteration: ``"roman"`` (left to right, the default), ``"arabic"``
        (right to left), ``"monotone"`` (increasing number of missing
        values), ``"revmonotone"``, or a list of column names (a column may
        appear more than once).
    maxit : int, default 10
        Number of iterations (>= 1).
    donors : int, default 5
        Number of candidate donors of ``pmm``.
    matchtype : int, one of 0, 1, 2, default 1
        ``pmm``'s matching type, as in mice: 1 predicts the observed rows
        with the least-squares and the missing rows with the drawn
        coefficients; 0 both with the least-squares, 2 both with the drawn.
    draw : str, one of "bayes", "boot", default "bayes"
        How ``pmm`` and ``norm`` draw the regression parameters: from their
        posterior (mice's ``.norm.draw``) or by a bootstrap refit (mice's
        ``norm.boot``).
    data_init : pandas.DataFrame or list of DataFrame, optional
        Starting values of the missing cells: one completed data frame for
        every chain, or a list of ``m`` (one per chain), as mice's
        ``data.init``. By default each missing cell starts at a random
        observed value of its column.
    delta : dict, optional
        MNAR shifts ``{column: delta}`` inside the chained equations (the
        :math:`\delta`-adjustment of van Buuren 2018, sections 3.8 and 9.2,
        done with mice's ``post`` argument there): in every iteration, each
        value imputed in ``column`` is increased by ``delta``, in the
        column's own units, right after it is drawn (for ``pmm``: the
        donor's value plus ``delta``) and before the next column is imputed,
        so that the other columns are imputed from the shifted values. The
        imputation model of ``column`` itself is still fitted on its observed
        values only, so the shift does not accumulate over iterations in
        ``column``; it reaches the other columns (and back) through their
        models. Numeric imputed columns only; ``delta = 0`` is MAR and gives
        the same imputations as no ``delta``. Compare
        :func:`companion.missing.delta_adjust`, which shifts finished
        imputations and so leaves the other columns as imputed under MAR.
    seed : int or numpy.random.Generator or None
        Seed of the imputations (the same seed gives the same result);
        NumPy's global random state is neither used nor changed. With
        ``None`` a fresh seed is drawn and recorded in the result.

    Returns
    -------
    Mids
        The imputations, the settings and the chains; see
        :class:`~companion.missing.mids.Mids`.

    Notes
    -----
    Every method fits its model on the rows where the column is observed,
    from the current values of its predictors, with an intercept (a random
    intercept per cluster for the ``2l`` methods, whose Gibbs sampler runs
    100 iterations at every visit, as mice's ``2l.norm``). Each
    chain has its own random stream (``seed`` spawns ``m`` independent
    generators), so chain ``i`` does not depend on ``m``.

    Examples
    --------
    >>> from companion import nhanes
    >>> from companion.missing import mice
    >>> imputed = mice(nhanes(), m=3, maxit=5, seed=1)
    >>> imputed
    Mids: 3 imputations of 25 rows x 4 columns, 5 iterations
      bmi: pmm (9 missing), hyp: pmm (8 missing), chl: pmm (10 missing)
    >>> completed = imputed.complete(1)
    >>> int(completed.isna().sum().sum())
    0
    """
    from companion.missing.mids import Mids

    m = check_count(m, "m", 1, maximum=10_000)
    maxit = check_count(maxit, "maxit", 1, maximum=100_000)
    donors = check_count(donors, "donors", 1)
    if (
        isinstance(matchtype, bool)
        or not isinstance(matchtype, Integral)
        or matchtype
        not in (
            0,
            1,
            2,
        )
    ):
        raise ValueError(f"`matchtype` must be 0, 1 or 2, got {matchtype!r}.")
    if draw not in ("bayes", "boot"):
        raise ValueError(f"`draw` must be 'bayes' or 'boot', got {draw!r}.")
    if seed is None:
        seed = int(np.random.SeedSequence().entropy % 2**63)
    rng = check_rng(seed)
    options = {"donors": donors, "matchtype": int(matchtype), "draw": draw, "ridge": RIDGE}
    spec, settings, _ = _prepare(df, method, predictor_matrix, visit_sequence, options)
    shifts = check_delta(delta, spec)
    spec = with_delta(spec, shifts)
    init = _check_data_init(data_init, df, spec, m)
    chains = rng.spawn(m)
    states = initial_states(spec, m, chains, init)
    start = (states.copy(), copy.deepcopy(chains))  # for Mids.rerun: the same chains again
    means, sds = run_chains(spec, states, chains, maxit)
    return Mids._create(
        data=df,
        spec=spec,
        settings={**settings, "seed": seed if not isinstance(seed, np.random.Generator) else None,
                  "donors": donors, "matchtype": int(matchtype), "draw": draw,
                  "delta": shifts},
        states=states,
        chains=chains,
        means=means,
        sds=sds,
        start=start,
    )  # fmt: skip


# --------------------------------------------------------------------------- the old interface


def _check_frame(df: object) -> pd.DataFrame:
    check_frame(df, "df")
    if df.shape[1] < 2:
        raise ValueError(f"`df` needs at least 2 columns to impute from, got {df.shape[1]}.")
    if df.shape[0] < 2:
        raise ValueError(f"`df` needs at least 2 rows, got {df.shape[0]}.")
    check_numeric_columns(df, df.columns, "df")
    values = df.to_numpy(dtype=float, na_value=np.nan)
    if np.isinf(values).any():
        raise ValueError("`df` contains infinite values.")
    n_missing = np.isnan(values).sum(axis=0)
    empty = [str(c) for c, n in zip(df.columns, n_missing, strict=True) if n == len(df)]
    if empty:
        raise ValueError(
            f"`df` has column(s) with no observed value: {', '.join(empty)}; "
            "there is nothing to impute them from. Remove them."
        )
    all_missing = int(np.isnan(values).all(axis=1).sum())
    if all_missing:
        raise ValueError(
            f"`df` has {all_missing} row(s) in which every column is missing; "
            "remove them first (e.g. df.dropna(how='all')) and report it."
        )
    return df


def mice_impute(
    df: pd.DataFrame,
    m: int = 5,
    *,
    n_iter: int = 10,
    seed: SeedLike = None,
    donors: int = 5,
    perturbation: str = "gaussian",
    matching: str = "type1",
) -> list[pd.DataFrame]:
    """Impute ``m`` completed data sets of numeric columns by chained equations with PMM.

    A thin wrapper of :func:`mice` (``method="pmm"``) that returns the
    completed data sets, for numeric data.

    Parameters
    ----------
    df : pandas.DataFrame
        Numeric columns with NaN for missing values (at least two columns;
        each column needs an observed value, each row an observed value).
        Not modified.
    m : int, default 5
        Number of completed data sets (>= 1), each from its own chain.
    n_iter : int, default 10
        Iterations (sweeps over the incomplete columns) per chain (>= 1).
    seed : int or numpy.random.Generator or None
        Seed of the imputations. The same seed gives the same data sets;
        NumPy's global random state is neither used nor changed.
    donors : int, default 5
        Number of nearest observed rows among which PMM draws a donor (mice's
        default).
    perturbation : str, one of "gaussian", "boot", default "gaussian"
        How the imputation model's coefficients are drawn: from their
        posterior (normal given a drawn sigma), or by refitting on a
        bootstrap sample (``draw`` of :func:`mice`).
    matching : str, one of "type1", "type2", default "type1"
        ``"type1"``: observed rows are predicted with the least-squares fit,
        missing rows with the drawn coefficients (R's mice). ``"type2"``:
        both with the drawn coefficients (statsmodels' ``MICEData``), which
        understates the between-imputation variance; for comparison only.

    Returns
    -------
    list of pandas.DataFrame
        ``m`` copies of ``df`` (same index and columns) whose NaN are
        filled; observed cells are untouched. Every imputed value is a value
        observed in the same column.

    Notes
    -----
    Columns are imputed from left to right, each from a main-effects linear
    regression on all other columns, with predictive mean matching
    (van Buuren 2018, section 3.4). Each chain starts from random draws of
    the observed values; ``n_iter`` should be large enough for it to forget
    that start (10 is usually plenty, van Buuren 2018, section 6.5.2; check
    with ``mice(...).rhat()``).

    Examples
    --------
    >>> from companion import mice_impute, nhanes
    >>> data = nhanes()
    >>> sets = mice_impute(data, m=3, seed=1)
    >>> len(sets), int(sets[0].isna().sum().sum())
    (3, 0)
    >>> bool(sets[0]["bmi"].isin(data["bmi"].dropna()).all())  # donors' values
    True
    """
    df = _check_frame(df)
    m = check_count(m, "m", 1, maximum=10_000)
    n_iter = check_count(n_iter, "n_iter", 1, maximum=100_000)
    donors = check_count(donors, "donors", 1)
    if matching not in ("type1", "type2"):
        raise ValueError(f"`matching` must be 'type1' or 'type2', got {matching!r}.")
    if perturbation not in ("gaussian", "boot"):
        raise ValueError(f"`perturbation` must be 'gaussian' or 'boot', got {perturbation!r}.")
    check_rng(seed)
    if not df.isna().any().any():
        check_frame(df, "df")
        _prepare(df, None, None, None, {})  # the same checks (constant columns ...)
        return [df.copy() for _ in range(m)]
    imputed = mice(
        df,
        m,
        method="pmm",
        maxit=n_iter,
        donors=donors,
        matchtype=1 if matching == "type1" else 2,
        draw="bayes" if perturbation == "gaussian" else "boot",
        seed=seed,
    )
    return imputed.completed()
