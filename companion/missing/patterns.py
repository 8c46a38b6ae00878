"""Describe incomplete data: missing-data patterns and complete cases.

The vocabulary follows R's mice package: a *missing-data pattern* is a
combination of observed and missing columns, and ``missing_pattern`` is the
counterpart of mice's ``md.pattern``. Functions that drop rows return a
:class:`DropReport` next to the data, so that nothing is dropped silently.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from companion._validation import check_frame_columns

__all__ = [
    "DropReport",
    "complete_case",
    "drop_empty_rows",
    "missing_pattern",
]


def _empty_index() -> pd.Index:
    return pd.Index([])


@dataclass(frozen=True)
class DropReport:
    """What a function dropped from a data frame, and why.

    Attributes
    ----------
    n_rows : int
        Rows before dropping.
    n_dropped : int
        Rows dropped.
    reason : str
        Why they were dropped, e.g. ``"missing values in x, y"``.
    missing_by_column : dict, default empty
        For each column that was checked, how many of its values were
        missing (over all ``n_rows`` rows).
    dropped : pandas.Index, default empty
        Index labels of the dropped rows.

    Examples
    --------
    >>> from companion.missing import DropReport
    >>> report = DropReport(n_rows=10, n_dropped=3, reason="missing values in y",
    ...                     missing_by_column={"y": 3})
    >>> print(report)
    Dropped 3 of 10 rows (30%): missing values in y (y: 3 missing).
    """

    n_rows: int
    n_dropped: int
    reason: str
    missing_by_column: dict = field(default_factory=dict)
    dropped: pd.Index = field(default_factory=_empty_index)

    @property
    def n_kept(self) -> int:
        """Rows kept."""
        return self.n_rows - self.n_dropped

    @property
    def fraction_dropped(self) -> float:
        """Share of the rows that were dropped."""
        return self.n_dropped / self.n_rows if self.n_rows else 0.0

    def __str__(self) -> str:
        """Say what was dropped and why, in one sentence."""
        counts = ", ".join(f"{c}: {k} missing" for c, k in self.missing_by_column.items())
        detail = f" ({counts})" if counts else ""
        return (
            f"Dropped {self.n_dropped} of {self.n_rows} rows "
            f"({100 * self.fraction_dropped:.0f}%): {self.reason}{detail}."
        )


def missing_pattern(df: pd.DataFrame, columns: Sequence | None = None) -> pd.DataFrame:
    """Tabulate the missing-data pattern, like mice's ``md.pattern``.

    Parameters
    ----------
    df : pandas.DataFrame
        Incomplete data.
    columns : list of column names, optional
        Columns to describe; default all.

    Returns
    -------
    pandas.DataFrame
        One row per distinct pattern, most complete patterns first (ties:
        more frequent first). The variable columns, ordered from fewest to
        most missing values, hold 1 where the pattern observes the variable
        and 0 where it misses it; ``rows`` counts the rows with the pattern
        and ``missing_vars`` the variables it misses. The last row,
        ``"total"``, holds the number of missing values of each variable, the
        number of rows and the total number of missing values.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from companion import missing_pattern
    >>> df = pd.DataFrame({"x": [1.0, np.nan, 3.0, 4.0],
    ...                    "y": [np.nan, np.nan, 1.0, 2.0]})
    >>> missing_pattern(df)
           x  y  rows  missing_vars
    1      1  1     2             0
    2      1  0     1             1
    3      0  0     1             2
    total  1  2     4             3
    """
    columns = check_frame_columns(df, columns)
    clash = [c for c in columns if c in ("rows", "missing_vars")]
    if clash:
        raise ValueError(
            f"`columns` include {clash}, names the pattern table uses for its counts; "
            "rename them first, e.g. df.rename(columns={'rows': 'rows_'})."
        )
    missing = df[columns].isna()
    order = sorted(columns, key=lambda c: (int(missing[c].sum()), columns.index(c)))
    observed = (~missing[order]).astype(int)
    table = observed.value_counts(sort=False).rename("rows").reset_index()
    table["missing_vars"] = len(order) - table[order].sum(axis=1)
    table = table.sort_values(["missing_vars", "rows"], ascending=[True, False], kind="stable")
    table.index = pd.RangeIndex(1, len(table) + 1).astype(object)
    totals = {c: int(missing[c].sum()) for c in order}
    totals.update(rows=len(df), missing_vars=int(missing.to_numpy().sum()))
    table.loc["total"] = pd.Series(totals)
    return table.astype(int)


def complete_case(
    df: pd.DataFrame, columns: Sequence | None = None
) -> tuple[pd.DataFrame, DropReport]:
    """Keep the rows with no missing value in ``columns``, and say what went.

    Complete-case (listwise) analysis is the default of most software, and it
    silently shrinks the data; this version reports what it dropped.

    Parameters
    ----------
    df : pandas.DataFrame
        Incomplete data; not modified.
    columns : list of column names, optional
        Columns that must be observed; default all.

    Returns
    -------
    data : pandas.DataFrame
        The complete rows, original index kept.
    report : DropReport
        How many rows were dropped and how many values each column missed.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from companion import complete_case
    >>> df = pd.DataFrame({"x": [1.0, np.nan, 3.0, 4.0],
    ...                    "y": [np.nan, 5.0, 1.0, 2.0]})
    >>> data, report = complete_case(df)
    >>> data.index.tolist()
    [2, 3]
    >>> print(report)
    Dropped 2 of 4 rows (50%): missing values in x, y (x: 1 missing, y: 1 missing).
    """
    columns = check_frame_columns(df, columns)
    incomplete = df[columns].isna().any(axis=1)
    report = DropReport(
        n_rows=len(df),
        n_dropped=int(incomplete.sum()),
        reason="missing values in " + ", ".join(map(str, columns)),
        missing_by_column={c: int(df[c].isna().sum()) for c in columns},
        dropped=df.index[incomplete.to_numpy()],
    )
    return df.loc[~incomplete].copy(), report


def drop_empty_rows(
    df: pd.DataFrame, columns: Sequence | None = None
) -> tuple[pd.DataFrame, DropReport]:
    """Drop the rows in which every one of ``columns`` is missing, and say so.

    A row that misses every variable of a model carries no information about
    its parameters; a joint model would impute it from the model alone.
    Such rows are usually dropped, and this function reports how many.

    Parameters
    ----------
    df : pandas.DataFrame
        Incomplete data; not modified.
    columns : list of column names, optional
        The variables of the analysis; default all columns.

    Returns
    -------
    data : pandas.DataFrame
        The rows with at least one of ``columns`` observed (index kept).
    report : companion.missing.DropReport
        How many rows went, and how many values each column missed.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from companion.missing import drop_empty_rows
    >>> df = pd.DataFrame({"x": [1.0, np.nan, np.nan], "y": [np.nan, 2.0, np.nan]})
    >>> data, report = drop_empty_rows(df)
    >>> data.index.tolist()
    [0, 1]
    >>> print(report)
    Dropped 1 of 3 rows (33%): all of x, y missing (x: 2 missing, y: 2 missing).
    """
    columns = check_frame_columns(df, columns)
    empty = df[columns].isna().all(axis=1).to_numpy()
    report = DropReport(
        n_rows=len(df),
        n_dropped=int(empty.sum()),
        reason="all of " + ", ".join(map(str, columns)) + " missing",
        missing_by_column={c: int(df[c].isna().sum()) for c in columns},
        dropped=df.index[empty],
    )
    return df.loc[~empty].copy(), report
