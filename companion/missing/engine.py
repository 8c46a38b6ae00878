"""The engine of :func:`companion.missing.mice`: columns as arrays, and the chains.

Internal to :mod:`companion.missing` (no name here is exported): a column is
held as float values or as integer codes of its observed categories
(:class:`Column`), categorical columns enter the design matrix as dummy
columns, and :func:`run_chains` runs the Gibbs-like sweeps of the chained
equations on NumPy arrays only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from companion.missing.methods import METHODS as _SINGLE_LEVEL
from companion.missing.multilevel import impute_2l_norm, impute_2l_pmm

__all__: list[str] = []

METHODS = {**_SINGLE_LEVEL, "2l.norm": impute_2l_norm, "2l.pmm": impute_2l_pmm}
MULTILEVEL_METHODS = ("2l.norm", "2l.pmm")


# --------------------------------------------------------------------------- the columns


@dataclass
class Column:
    """How one column is held in the engine: values or integer codes, and its dummies."""

    name: object
    kind: str  # "numeric" or "categorical"
    dtype: object
    levels: list | None  # observed categories, in order; None for numeric columns
    missing: np.ndarray  # positions of the missing rows
    observed: np.ndarray  # positions of the observed rows
    encoded: np.ndarray  # float values, or codes as float, NaN where missing
    design: slice = field(default_factory=lambda: slice(0, 0))
    method: str | Callable = ""
    predictors: list[int] = field(default_factory=list)
    design_index: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    delta: float = 0.0  # MNAR shift added to every imputed value, in every iteration
    clusters: np.ndarray | None = None  # cluster codes of all rows (2l methods only)
    random: np.ndarray | None = None  # which design columns have random slopes (2l methods)

    @property
    def width(self) -> int:
        """Number of design columns: 1 for numeric, K - 1 dummies for K categories."""
        return 1 if self.kind == "numeric" else len(self.levels) - 1

    @property
    def method_name(self) -> str:
        return (
            self.method
            if isinstance(self.method, str)
            else getattr(self.method, "__name__", "custom")
        )


def _is_categorical_dtype(dtype) -> bool:
    return (
        isinstance(dtype, pd.CategoricalDtype)
        or pd.api.types.is_bool_dtype(dtype)
        or pd.api.types.is_string_dtype(dtype)
        or pd.api.types.is_object_dtype(dtype)
    )


def _sorted_levels(values: np.ndarray) -> list:
    unique = list(pd.unique(values))
    try:
        return sorted(unique)
    except TypeError:  # mixed types: keep the order of appearance
        return unique


def encode_column(series: pd.Series, name: object, as_levels: bool) -> Column:
    """Encode a column as float values or as codes of its observed categories."""
    dtype = series.dtype
    missing_mask = series.isna().to_numpy()
    missing = np.flatnonzero(missing_mask)
    observed = np.flatnonzero(~missing_mask)
    if isinstance(dtype, pd.CategoricalDtype):
        codes = series.cat.codes.to_numpy()
        present = np.unique(codes[codes >= 0])
        levels = [dtype.categories[c] for c in present]
        lookup = np.full(len(dtype.categories), -1)
        lookup[present] = np.arange(len(present))
        encoded = np.where(codes >= 0, lookup[np.maximum(codes, 0)], np.nan).astype(float)
        return Column(name, "categorical", dtype, levels, missing, observed, encoded)
    if _is_categorical_dtype(dtype) or as_levels:
        values = series.to_numpy(dtype=object)
        levels = _sorted_levels(values[observed])
        index = {level: code for code, level in enumerate(levels)}
        encoded = np.full(len(series), np.nan)
        encoded[observed] = [index[v] for v in values[observed]]
        return Column(name, "categorical", dtype, levels, missing, observed, encoded)
    if not pd.api.types.is_numeric_dtype(dtype):
        raise ValueError(
            f"`df` column {name!r} has dtype {dtype}; mice() imputes and uses numeric, "
            "boolean, categorical and string columns only."
        )
    encoded = series.to_numpy(dtype=float, na_value=np.nan)
    if np.isinf(encoded).any():
        raise ValueError(f"`df` column {name!r} contains infinite values.")
    return Column(name, "numeric", dtype, None, missing, observed, encoded)


def decode(column: Column, values: np.ndarray) -> np.ndarray:
    """Imputed values in the column's own terms (levels for categorical columns)."""
    if column.kind == "numeric":
        return values
    levels = np.empty(len(column.levels), dtype=object)
    levels[:] = column.levels
    return levels[values.astype(int)]


def fill_column(series: pd.Series, column: Column, values: np.ndarray) -> pd.Series:
    """``series`` with its missing cells set to ``values`` (encoded), keeping its dtype."""
    if len(column.missing) == 0:
        return series.copy()
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        codes = series.cat.codes.to_numpy().copy()
        category_code = dtype.categories.get_indexer(column.levels)
        codes[column.missing] = category_code[values.astype(int)]
        return pd.Series(
            pd.Categorical.from_codes(codes, dtype=dtype), index=series.index, name=series.name
        )
    if column.kind == "categorical":
        filled = series.to_numpy(dtype=object, copy=True)
        filled[column.missing] = decode(column, values)
        if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype):
            filled = filled.astype(float)  # a 0/1 numeric column imputed by logreg
            return _numeric_series(filled, dtype, series)
        out = pd.Series(filled, index=series.index, name=series.name, dtype=object)
        return out if pd.api.types.is_object_dtype(dtype) else out.astype(dtype)
    filled = series.to_numpy(dtype=float, na_value=np.nan, copy=True)
    filled[column.missing] = values
    return _numeric_series(filled, dtype, series)


def _numeric_series(filled: np.ndarray, dtype, series: pd.Series) -> pd.Series:
    if pd.api.types.is_integer_dtype(dtype):
        if np.all(filled == np.round(filled)):
            return pd.Series(filled.astype(np.int64), index=series.index, name=series.name).astype(
                dtype
            )
        target = "Float64" if isinstance(dtype, pd.api.extensions.ExtensionDtype) else float
        return pd.Series(filled, index=series.index, name=series.name).astype(target)
    out = pd.Series(filled, index=series.index, name=series.name)
    return out.astype(dtype) if dtype != np.float64 else out


@dataclass
class Spec:
    """Everything the chains need, fixed once the arguments are checked."""

    columns: list[Column]
    visit: list[int]
    design_width: int
    n_rows: int
    options: dict


# --------------------------------------------------------------------------- the engine


def design_matrix(spec: Spec, state: np.ndarray) -> np.ndarray:
    """Build the design matrix of a chain's current state (dummies for categorical columns)."""
    design = np.empty((spec.n_rows, spec.design_width))
    for j, column in enumerate(spec.columns):
        _setdesign_matrix(design, column, state[:, j], slice(None))
    return design


def _setdesign_matrix(design: np.ndarray, column: Column, values: np.ndarray, rows) -> None:
    if column.kind == "numeric":
        design[rows, column.design.start] = values
    else:
        levels = np.arange(1, len(column.levels))
        design[rows, column.design] = values[:, None] == levels[None, :]


def initial_states(spec: Spec, m: int, chains: list, data_init) -> np.ndarray:
    """Each chain's starting data: random draws from the observed values, or ``data_init``."""
    base = np.column_stack([c.encoded for c in spec.columns])
    states = np.repeat(base[None], m, axis=0)
    for i in range(m):
        for j in spec.visit:
            column = spec.columns[j]
            if data_init is not None:
                states[i, column.missing, j] = data_init[i][column.missing, j]
            else:
                observed = column.encoded[column.observed]
                states[i, column.missing, j] = observed[
                    chains[i].integers(0, len(observed), len(column.missing))
                ]
    return states


def _run_chain(spec: Spec, state: np.ndarray, rng: np.random.Generator, maxit: int):
    """Run one chain for ``maxit`` iterations in place; returns chain means and sds."""
    n_visit = len(spec.visit)
    means = np.full((maxit, len(spec.columns)), np.nan)
    sds = np.full((maxit, len(spec.columns)), np.nan)
    design = design_matrix(spec, state)
    options = spec.options
    for iteration in range(maxit):
        for position in range(n_visit):
            j = spec.visit[position]
            column = spec.columns[j]
            x = design[:, column.design_index]
            x_obs, x_mis = x[column.observed], x[column.missing]
            y_obs = column.encoded[column.observed]
            method = column.method
            if callable(method):
                values = np.asarray(method(y_obs, x_obs, x_mis, rng), dtype=float)
                _check_custom(values, column)
            else:
                kwargs = dict(options)
                if method == "polyreg":
                    kwargs["n_categories"] = len(column.levels)
                elif column.clusters is not None:
                    kwargs["cluster_obs"] = column.clusters[column.observed]
                    kwargs["cluster_mis"] = column.clusters[column.missing]
                    kwargs["random"] = column.random
                values = METHODS[method](y_obs, x_obs, x_mis, rng, **kwargs)
            if column.delta != 0.0:
                values = values + column.delta  # the MNAR shift, fed to the other columns
            state[column.missing, j] = values
            _setdesign_matrix(design, column, values, column.missing)
        for j in spec.visit:
            imputed = state[spec.columns[j].missing, j]
            means[iteration, j] = imputed.mean()
            sds[iteration, j] = imputed.std(ddof=1) if imputed.size > 1 else np.nan
    return means, sds


def _check_custom(values: np.ndarray, column: Column) -> None:
    if values.shape != (len(column.missing),):
        raise ValueError(
            f"the `method` function for column {column.name!r} returned shape {values.shape}; "
            f"it must return one value per missing row ({len(column.missing)})."
        )
    if not np.isfinite(values).all():
        raise ValueError(f"the `method` function for column {column.name!r} returned NaN or inf.")
    if column.kind == "categorical" and not np.isin(values, np.arange(len(column.levels))).all():
        raise ValueError(
            f"the `method` function for column {column.name!r} must return category codes "
            f"0, ..., {len(column.levels) - 1}."
        )


def run_chains(spec: Spec, states: np.ndarray, rngs: list, maxit: int):
    """Run every chain; returns chain means and sds of shape (maxit, m, n_columns)."""
    m = states.shape[0]
    means = np.empty((maxit, m, len(spec.columns)))
    sds = np.empty((maxit, m, len(spec.columns)))
    for i in range(m):
        means[:, i], sds[:, i] = _run_chain(spec, states[i], rngs[i], maxit)
    return means, sds
