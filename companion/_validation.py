"""Argument checks shared by the package, in the style of scikit-learn.

Each check names the argument it rejects and says what was wrong, so that a
reader of the error message never has to guess which input to fix.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from numbers import Integral, Real
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

SeedLike = int | np.random.Generator | None


def check_rng(seed: SeedLike, name: str = "seed") -> np.random.Generator:
    """Return a NumPy Generator from an integer seed, a Generator or None."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None or (isinstance(seed, Integral) and not isinstance(seed, bool)):
        if seed is not None and seed < 0:
            raise ValueError(f"`{name}` must be a non-negative integer, got {seed}.")
        return np.random.default_rng(seed)
    raise TypeError(
        f"`{name}` must be an int, a numpy.random.Generator or None, got {type(seed).__name__}."
    )


def check_count(value: object, name: str, minimum: int = 1, maximum: int | None = None) -> int:
    """Return ``value`` if it is an integer of at least ``minimum`` (not a bool).

    ``maximum`` guards against counts that would run for days or exhaust
    memory (``m=10**9``): a larger value is refused before any work starts.
    """
    if isinstance(value, bool) or not isinstance(value, Integral) or value < minimum:
        raise ValueError(f"`{name}` must be an integer >= {minimum}, got {value!r}.")
    if maximum is not None and value > maximum:
        raise ValueError(
            f"`{name}` is {value:,}, more than the {maximum:,} this function accepts; "
            "was that intended?"
        )
    return int(value)


def check_probability(value: object, name: str) -> float:
    """Return ``value`` as a float strictly between 0 and 1."""
    value = check_real(value, name)
    if not 0 < value < 1:
        raise ValueError(f"`{name}` must be in (0, 1), got {value}.")
    return value


def check_real(
    value: object, name: str, *, positive: bool = False, nonnegative: bool = False
) -> float:
    """Return ``value`` as a finite float, optionally requiring a sign."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"`{name}` must be a real number, got {type(value).__name__}.")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"`{name}` must be finite, got {value}.")
    if positive and value <= 0:
        raise ValueError(f"`{name}` must be positive, got {value}.")
    if nonnegative and value < 0:
        raise ValueError(f"`{name}` must be non-negative, got {value}.")
    return value


def check_group_sizes(sizes: Sequence[int], name: str) -> list[int]:
    """Return group sizes as a list of positive ints; reject empty groups."""
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence | np.ndarray):
        raise TypeError(f"`{name}` must be a sequence of integers, got {type(sizes).__name__}.")
    if len(sizes) == 0:
        raise ValueError(f"`{name}` must contain at least one group.")
    checked = []
    for position, size in enumerate(sizes):
        if isinstance(size, bool) or not isinstance(size, Integral):
            raise TypeError(f"`{name}[{position}]` must be an integer, got {type(size).__name__}.")
        if size < 1:
            raise ValueError(
                f"`{name}[{position}]` is {size}: every group needs at least one member."
            )
        checked.append(int(size))
    return checked


def check_vector(
    values: object, name: str, *, positive: bool = False, min_length: int = 1
) -> np.ndarray:
    """Return ``values`` as a finite 1-D float array, optionally all positive."""
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"`{name}` must be numbers, got {type(values).__name__}.") from None
    if array.ndim == 0:
        array = array.reshape(1)
    if array.ndim != 1:
        raise ValueError(f"`{name}` must be one-dimensional, got shape {array.shape}.")
    if array.size < min_length:
        raise ValueError(f"`{name}` needs at least {min_length} values, got {array.size}.")
    if np.isnan(array).any():
        position = int(np.flatnonzero(np.isnan(array))[0])
        raise ValueError(f"`{name}` contains NaN at position {position}.")
    if not np.isfinite(array).all():
        raise ValueError(f"`{name}` must be finite.")
    if positive and (array <= 0).any():
        bad = array[array <= 0][0]
        raise ValueError(f"`{name}` must be positive, got {bad}.")
    return array


def check_same_length(**arrays: np.ndarray) -> None:
    """Raise if the named arrays differ in length (arrays of length 1 broadcast)."""
    lengths = {name: len(a) for name, a in arrays.items() if len(a) != 1}
    if len(set(lengths.values())) > 1:
        described = ", ".join(f"`{name}` has {n}" for name, n in lengths.items())
        raise ValueError(f"lengths differ: {described}.")


def check_fit_group(idata: object, group: str = "posterior", name: str = "idata", hint: str = ""):
    """Return the group ``group`` of a fit, as an ``xarray.Dataset``.

    A fit is an ``xarray.DataTree`` from :func:`companion.sample`, or any
    object with the group as an attribute (such as an ArviZ InferenceData).
    ``name`` is the argument's name in error messages; ``hint`` is appended
    to the message when the group is missing.
    """
    children = getattr(idata, "children", None)
    if children is not None:
        if group not in children:
            raise ValueError(f"`{name}` has no `{group}` group{hint}.")
        return idata[group].to_dataset()
    dataset = getattr(idata, group, None)
    if dataset is None:
        raise TypeError(
            f"`{name}` must be a fit with a {group} group (an xarray.DataTree from "
            f"companion.sample), got {type(idata).__name__}."
        )
    return dataset


def check_posterior(idata: object, name: str = "idata"):
    """Return the ``posterior`` group of a fit, as an ``xarray.Dataset``."""
    return check_fit_group(idata, "posterior", name)


def check_mcmc_fit(idata: object, name: str = "idata") -> None:
    """Raise unless ``idata`` is a DataTree with a posterior and sampler statistics."""
    import xarray as xr

    if not isinstance(idata, xr.DataTree):
        raise TypeError(f"`{name}` must be an xarray.DataTree, got {type(idata).__name__}.")
    for group, variable in (("posterior", None), ("sample_stats", "diverging")):
        if group not in idata.children:
            raise ValueError(f"`{name}` has no `{group}` group: is it an MCMC fit?")
        if variable is not None and variable not in idata[group]:
            raise ValueError(f"`{name}.{group}` has no `{variable}` variable.")


def check_frame(df: object, name: str = "df", *, min_rows: int = 1) -> pd.DataFrame:
    """Return ``df`` if it is a DataFrame with unique column names and enough rows."""
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"`{name}` must be a pandas DataFrame, got {type(df).__name__}.")
    if df.columns.has_duplicates:
        duplicated = sorted({str(c) for c in df.columns[df.columns.duplicated()]})
        raise ValueError(f"`{name}` has duplicate column names: {duplicated}.")
    if len(df) == 0:
        raise ValueError(f"`{name}` has no rows.")
    if len(df) < min_rows:
        raise ValueError(f"`{name}` needs at least {min_rows} rows, got {len(df)}.")
    return df


def check_frames(value: object, name: str, columns: Sequence = ()) -> dict:
    """Check a non-empty mapping of labels to DataFrames, each with ``columns``."""
    from collections.abc import Mapping

    if not isinstance(value, Mapping) or not value:
        raise TypeError(
            f"`{name}` must be a non-empty dict of label to DataFrame, got {type(value).__name__}."
        )
    for label, frame in value.items():
        check_frame(frame, f"{name}[{label!r}]")
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise ValueError(f"`{name}[{label!r}]` has no column(s) {missing}.")
    return dict(value)


def check_frame_columns(
    df: object, columns: object, name: str = "columns", *, frame: str = "df"
) -> list:
    """Column names of ``df`` named by the argument ``name`` (None means all).

    ``columns`` may be one name or any sequence of names: a list, a tuple,
    a ``pandas.Index`` or a NumPy array. ``frame`` is the name of the
    DataFrame argument, used in messages.
    """
    import pandas as pd

    check_frame(df, frame)
    if columns is None:
        return list(df.columns)
    if isinstance(columns, str) or not isinstance(columns, Sequence | pd.Index | np.ndarray):
        columns = [columns]
    columns = [c.item() if isinstance(c, np.generic) else c for c in columns]
    if not columns:
        raise ValueError(f"`{name}` is empty.")
    unknown = [c for c in columns if c not in df.columns]
    if unknown:
        raise ValueError(f"`{name}` names columns not in `{frame}`: {unknown}.")
    return columns


def check_covariates(
    df: pd.DataFrame, x: object, y: object, reserved: Sequence
) -> tuple[list, bool]:
    """Return the covariate columns named by ``x``, checked, and whether ``x`` was one name.

    For the regression models: the columns must exist, differ from the
    outcome ``y`` and from each other, and not clash with the model's
    variable names ``reserved``. One name (not a list, tuple, ``pandas.Index``
    or array) asks for the one-covariate form of a model.
    """
    import pandas as pd

    single = isinstance(x, str) or not isinstance(x, Sequence | pd.Index | np.ndarray)
    columns = check_frame_columns(df, x, "x")
    if len(set(columns)) != len(columns):
        raise ValueError(f"`x` repeats a column: {columns}.")
    if y in columns:
        raise ValueError(f"`x` and `y` must be different columns; {y!r} is both.")
    for name, column in (*(("x", c) for c in columns), ("y", y)):
        if column in reserved:
            raise ValueError(f"`{name}`={column!r} clashes with a model variable; rename it.")
    return columns, single


def check_no_missing(df: pd.DataFrame, columns: Sequence, name: str) -> None:
    """Raise if any of ``columns`` of ``df`` holds NaN, naming the columns and counts.

    For tables of results, where an average over the rows that are present
    would silently describe fewer replicates than the table claims.
    """
    counts = {c: int(df[c].isna().sum()) for c in columns}
    counts = {c: n for c, n in counts.items() if n}
    if counts:
        raise ValueError(
            f"`{name}` has missing values {counts}; a replicate that failed must be "
            "reported or removed explicitly, not averaged over."
        )


def check_numeric_columns(df: pd.DataFrame, columns: Sequence, name: str = "columns") -> None:
    """Raise unless every one of ``columns`` of ``df`` is numeric and not boolean."""
    import pandas as pd

    bad = [
        f"{c!r} ({df[c].dtype})"
        for c in columns
        if not pd.api.types.is_numeric_dtype(df[c]) or pd.api.types.is_bool_dtype(df[c])
    ]
    if bad:
        raise ValueError(
            f"`{name}` must name numeric columns; not numeric: {', '.join(bad)}. "
            "Encode categories as numbers (or dummies) first."
        )


def check_datasets(datasets: object, name: str = "datasets", *, single: bool = False) -> list:
    """Return a non-empty list of DataFrames (``single``: one DataFrame also accepted)."""
    import pandas as pd

    if single and isinstance(datasets, pd.DataFrame):
        return [datasets]
    if isinstance(datasets, pd.DataFrame | str | bytes) or not isinstance(datasets, Sequence):
        expected = "a DataFrame or a list of DataFrames" if single else "a list of DataFrames"
        raise TypeError(f"`{name}` must be {expected}, got {type(datasets).__name__}.")
    if len(datasets) == 0:
        raise ValueError(f"`{name}` is empty.")
    for position, data in enumerate(datasets):
        if not isinstance(data, pd.DataFrame):
            raise TypeError(f"`{name}[{position}]` must be a DataFrame, got {type(data).__name__}.")
    return list(datasets)


def check_column(df: pd.DataFrame, column: object, name: str, *, frame: str = "df") -> pd.Series:
    """Return the column ``column`` of ``df``, named by the argument ``name``.

    ``frame`` is the name of the DataFrame argument, used in the message.
    """
    if column not in df.columns:
        raise ValueError(
            f"`{name}`={column!r} is not a column of `{frame}`; columns are {list(df.columns)}."
        )
    return df[column]


def finite_values(values: pd.Series, name: str, *, missing: str = "raise") -> np.ndarray:
    """Return a numeric (not boolean) column as floats, with no infinite values.

    ``missing="raise"`` refuses NaN, naming the first rows that hold it;
    ``missing="keep"`` returns NaN where values are missing.
    """
    import pandas as pd

    column = values.name
    if pd.api.types.is_bool_dtype(values):
        raise ValueError(
            f"`{name}` column {column!r} is boolean; the model needs numbers "
            "(convert it with .astype(float) if that is what you mean)."
        )
    if not pd.api.types.is_numeric_dtype(values):
        raise ValueError(f"`{name}` column {column!r} must be numeric, got {values.dtype}.")
    array = values.to_numpy(dtype=float)
    if np.isinf(array).any():
        raise ValueError(f"`{name}` column {column!r} contains infinite values.")
    nan = np.isnan(array)
    if missing == "raise" and nan.any():
        rows = list(values.index[nan][:5])
        raise ValueError(
            f"`{name}` column {column!r} has {int(nan.sum())} missing values "
            f"(rows {rows}{', ...' if nan.sum() > 5 else ''}); "
            "drop or impute them before fitting (see Part II)."
        )
    return array


def numeric_column(df: pd.DataFrame, column: object, name: str) -> np.ndarray:
    """Return the values of a numeric (not boolean) column of ``df``, NaN kept.

    At least two values must be observed.
    """
    check_frame(df)
    values = finite_values(check_column(df, column, name), name, missing="keep")
    if np.isfinite(values).sum() < 2:
        raise ValueError(f"`{name}` column {column!r} needs at least two observed values.")
    return values


def group_codes(labels: pd.Series, groups: Sequence | None = None) -> tuple[np.ndarray, pd.Index]:
    """Integer codes of a column of group labels and the groups in model order.

    The order is ``groups`` if given, else the categories of a categorical
    column, else the order of first appearance. Missing labels, labels not in
    ``groups`` and groups without rows (including unused categories) are
    refused: a group the data never mention would be silently modelled from
    the prior alone.
    """
    import pandas as pd

    if labels.isna().any():
        rows = list(labels.index[labels.isna()][:5])
        raise ValueError(f"`group` column {labels.name!r} has missing labels (rows {rows}).")
    if groups is None:
        if isinstance(labels.dtype, pd.CategoricalDtype):
            groups = labels.cat.categories
        else:
            groups = pd.unique(labels)
    index = pd.Index(groups, name=labels.name)
    if index.has_duplicates:
        raise ValueError(f"`groups` lists {list(index[index.duplicated()])} more than once.")
    codes = index.get_indexer(labels.astype(object))
    if (codes < 0).any():
        unknown = list(pd.unique(labels[codes < 0].astype(object)))[:5]
        raise ValueError(f"unknown group(s) {unknown} in the data: not in `groups`.")
    empty = np.bincount(codes, minlength=len(index)) == 0
    if empty.any():
        raise ValueError(
            f"empty group(s) {list(index[empty])}: no rows of the data belong to them; "
            "drop them from `groups`, or drop unused categories from the column "
            "(`.cat.remove_unused_categories()`)."
        )
    return codes, index
