"""The result of :func:`companion.missing.mice`: a multiply imputed data set (mice's ``mids``)."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from types import MappingProxyType

import numpy as np
import pandas as pd

from companion._validation import check_count

__all__ = [
    "Mids",
]


def _read_only(array: np.ndarray) -> np.ndarray:
    array = np.array(array, copy=True)
    array.setflags(write=False)
    return array


class Mids:
    """Multiply imputed data set: the imputations, the settings and the chains.

    Made by :func:`companion.missing.mice`, not directly. Its attributes are
    read-only; :meth:`iterate` returns a new object.

    Attributes
    ----------
    data : pandas.DataFrame
        The incomplete data (a copy).
    where : pandas.DataFrame of bool
        True where a cell was missing.
    m : int
        Number of imputations (chains).
    iterations : int
        Iterations run in each chain.
    method : mapping
        The method of each column (``""``: not imputed).
    predictor_matrix : pandas.DataFrame
        Row ``j`` marks the predictors of column ``j``.
    visit_sequence : tuple
        The order in which the columns were imputed in each iteration.
    delta : mapping
        MNAR shifts applied inside the chains (``delta`` of
        :func:`companion.missing.mice`); empty under MAR.
    seed : int or None
        The seed (None if a Generator was passed).
    imp : mapping of column to pandas.DataFrame
        For each imputed column, its imputations: one row per missing cell
        (labelled by the row of ``data``), one column per imputation
        (``1, ..., m``), as mice's ``imp``.
    chain_mean, chain_sd : mapping of column to numpy.ndarray
        For each imputed column, the mean and standard deviation of its
        imputed values after each iteration in each chain, shape
        ``(iterations, m)`` (for a categorical column, of its codes
        ``0, ..., K-1`` over its observed categories: for a binary column the
        proportion imputed in the second category). mice's ``chainMean``
        and ``chainVar`` (a variance there).

    Examples
    --------
    >>> from companion import nhanes
    >>> from companion.missing import mice
    >>> imputed = mice(nhanes(), m=2, maxit=4, seed=3)
    >>> imputed.m, imputed.iterations, imputed.chain_mean["bmi"].shape
    (2, 4, (4, 2))
    >>> imputed.complete("long").shape  # 2 x 25 rows; .imp, .id and the 4 columns
    (50, 6)
    """

    __slots__ = (
        "_chain_mean",
        "_chain_sd",
        "_chains",
        "_data",
        "_imputed",
        "_settings",
        "_spec",
        "_start",
        "_states",
    )

    def __init__(self) -> None:
        raise TypeError("Mids objects are made by companion.missing.mice(), not directly.")

    @classmethod
    def _create(cls, *, data, spec, settings, states, chains, means, sds, start) -> Mids:
        self = object.__new__(cls)
        self._start = start  # (initial states, chains' generators before the first iteration)
        self._data = data.copy()
        self._spec = spec
        self._settings = dict(settings)
        self._states = states
        self._chains = chains
        visited = sorted(set(spec.visit))
        self._imputed = {
            j: _read_only(states[:, spec.columns[j].missing, j].T) for j in visited
        }  # (n_missing, m) encoded values
        names = {j: spec.columns[j].name for j in visited}
        self._chain_mean = {names[j]: _read_only(means[:, :, j]) for j in visited}
        self._chain_sd = {names[j]: _read_only(sds[:, :, j]) for j in visited}
        return self

    # ----------------------------------------------------------------- attributes
    @property
    def data(self) -> pd.DataFrame:
        """The incomplete data (a copy)."""
        return self._data.copy()

    @property
    def where(self) -> pd.DataFrame:
        """True where a cell was missing."""
        return self._data.isna()

    @property
    def m(self) -> int:
        """Number of imputations."""
        return self._states.shape[0]

    @property
    def iterations(self) -> int:
        """Iterations run in each chain."""
        first = next(iter(self._chain_mean.values()), None)
        return 0 if first is None else first.shape[0]

    @property
    def method(self) -> MappingProxyType:
        """The method of each column (``""``: not imputed)."""
        return MappingProxyType(dict(self._settings["method"]))

    @property
    def predictor_matrix(self) -> pd.DataFrame:
        """Row ``j`` marks the predictors of column ``j`` (a copy)."""
        return self._settings["predictor_matrix"].copy()

    @property
    def visit_sequence(self) -> tuple:
        """The order in which the columns are imputed in each iteration."""
        return self._settings["visit_sequence"]

    @property
    def delta(self) -> MappingProxyType:
        """The MNAR shifts applied inside the chains, ``{column: delta}`` (empty: MAR)."""
        return MappingProxyType(dict(self._settings.get("delta", {})))

    @property
    def seed(self) -> int | None:
        """The seed of the imputations (None if a Generator was passed)."""
        return self._settings["seed"]

    @property
    def imp(self) -> MappingProxyType:
        """The imputations of each imputed column: missing rows by imputations 1..m."""
        from companion.missing.engine import decode

        out = {}
        for j, values in self._imputed.items():
            column = self._spec.columns[j]
            frame = pd.DataFrame(
                {i + 1: decode(column, values[:, i]) for i in range(self.m)},
                index=self._data.index[column.missing],
            )
            out[column.name] = frame
        return MappingProxyType(out)

    @property
    def chain_mean(self) -> MappingProxyType:
        """Mean of each column's imputed values per iteration (rows) and chain (columns)."""
        return MappingProxyType(self._chain_mean)

    @property
    def chain_sd(self) -> MappingProxyType:
        """Sd of each column's imputed values per iteration (rows) and chain (columns)."""
        return MappingProxyType(self._chain_sd)

    def __repr__(self) -> str:
        """Summarise the imputations: size, iterations and each column's method."""
        shape = self._data.shape
        lines = [
            f"Mids: {self.m} imputations of {shape[0]} rows x {shape[1]} columns, "
            f"{self.iterations} iteration{'s' if self.iterations != 1 else ''}"
        ]
        parts = [
            f"{self._spec.columns[j].name}: {self._spec.columns[j].method_name} "
            f"({len(self._spec.columns[j].missing)} missing)"
            for j in sorted(self._imputed)
        ]
        if parts:
            lines.append("  " + ", ".join(parts))
        return "\n".join(lines)

    # ----------------------------------------------------------------- completed data
    def complete(self, action: int | str = 1, *, include: bool = False) -> pd.DataFrame:
        """Return completed data, as mice's ``complete()``.

        Parameters
        ----------
        action : int or "long", default 1
            ``1, ..., m``: the completed data set of that imputation (mice
            numbers them from 1); ``0``: the incomplete data; ``"long"``: all
            ``m`` stacked, with columns ``.imp`` (1..m) and ``.id`` (the row
            label of ``data``) in front.
        include : bool, default False
            With ``"long"``, also stack the incomplete data as ``.imp`` 0.

        Returns
        -------
        pandas.DataFrame
            Same columns and dtypes as ``data`` (categories kept); observed
            cells unchanged.

        Examples
        --------
        >>> from companion import nhanes
        >>> from companion.missing import mice
        >>> imputed = mice(nhanes(), m=2, maxit=2, seed=4)
        >>> imputed.complete(2)["bmi"].isna().sum(), imputed.complete(0)["bmi"].isna().sum()
        (np.int64(0), np.int64(9))
        >>> long = imputed.complete("long", include=True)
        >>> sorted(set(long[".imp"]))
        [0, 1, 2]
        """
        if isinstance(action, str):
            if action != "long":
                raise ValueError(f"`action` must be an integer 0..m or 'long', got {action!r}.")
            frames = []
            for i in range(0 if include else 1, self.m + 1):
                frame = self.complete(i)
                frame.insert(0, ".id", self._data.index.to_numpy())
                frame.insert(0, ".imp", i)
                frames.append(frame)
            return pd.concat(frames, ignore_index=True)
        if isinstance(action, bool) or not isinstance(action, int | np.integer):
            raise TypeError(f"`action` must be an integer 0..m or 'long', got {action!r}.")
        if not 0 <= action <= self.m:
            raise ValueError(
                f"`action` must be between 0 and m = {self.m} (imputations are numbered from "
                f"1, as in mice), got {action}."
            )
        if action == 0:
            return self._data.copy()
        from companion.missing.engine import fill_column

        out = self._data.copy()
        for j, values in self._imputed.items():
            column = self._spec.columns[j]
            out[column.name] = fill_column(self._data[column.name], column, values[:, action - 1])
        return out

    def completed(self) -> list[pd.DataFrame]:
        """Return the ``m`` completed data sets, in order (``completed()[i - 1]`` is ``complete(i)``).

        Returns
        -------
        list of pandas.DataFrame
            The completed data sets.

        Examples
        --------
        >>> from companion import nhanes
        >>> from companion.missing import mice
        >>> len(mice(nhanes(), m=3, maxit=2, seed=5).completed())
        3
        """  # noqa: E501
        return [self.complete(i) for i in range(1, self.m + 1)]

    def analyse(self, function: Callable[[pd.DataFrame], object] | str) -> list[object]:
        """Fit the same analysis to each completed data set (mice's ``with``).

        Parameters
        ----------
        function : callable or str
            A function of one completed DataFrame returning a fit; or a
            formula such as ``"chl ~ age + bmi"``, fitted by least squares
            (:func:`companion.missing.fit_ols`).

        Returns
        -------
        list
            The ``m`` fits, ready for :func:`companion.missing.pool`.

        Examples
        --------
        >>> from companion import nhanes
        >>> from companion.missing import mice, pool
        >>> imputed = mice(nhanes(), m=5, maxit=5, seed=6)
        >>> table = pool(imputed.analyse("chl ~ age + bmi"))
        >>> list(table.index)
        ['Intercept', 'age', 'bmi']
        """
        if isinstance(function, str):
            from companion.missing.analyse import fit_ols

            return fit_ols(self.completed(), function)
        if not callable(function):
            raise TypeError(
                "`function` must be a function of a DataFrame or a formula string, got "
                f"{type(function).__name__}."
            )
        return [function(frame) for frame in self.completed()]

    with_ = analyse

    # ----------------------------------------------------------------- convergence
    def chains(self) -> pd.DataFrame:
        """Return the chain statistics in long format, one row per (variable, iteration, chain).

        Returns
        -------
        pandas.DataFrame
            Columns ``variable``, ``iteration`` (1..iterations), ``chain``
            (1..m), ``mean`` and ``sd``: what a trace plot of the chains draws.

        Examples
        --------
        >>> from companion import nhanes
        >>> from companion.missing import mice
        >>> mice(nhanes(), m=2, maxit=3, seed=7).chains().shape  # 3 vars x 3 its x 2 chains
        (18, 5)
        """
        frames = []
        for name, means in self._chain_mean.items():
            iterations, m = means.shape
            frames.append(
                pd.DataFrame(
                    {
                        "variable": name,
                        "iteration": np.repeat(np.arange(1, iterations + 1), m),
                        "chain": np.tile(np.arange(1, m + 1), iterations),
                        "mean": means.reshape(-1),
                        "sd": self._chain_sd[name].reshape(-1),
                    }
                )
            )
        if not frames:
            return pd.DataFrame(columns=["variable", "iteration", "chain", "mean", "sd"])
        return pd.concat(frames, ignore_index=True)

    def rhat(self, last: int | None = None) -> pd.DataFrame:
        """R-hat of the chain means and sds of every imputed column across the ``m`` chains.

        The rank-normalised split R-hat (Vehtari et al. 2021; ArviZ's
        ``rhat``) of each column's chain means and chain sds over the last
        ``last`` iterations, as mice's ``convergence()`` diagnostic does.
        Values close to 1 say the chains have forgotten their random
        starts and mix; above 1.1 (the threshold of van Buuren 2018, section
        6.5.2, for imputation chains) run more iterations with
        :meth:`iterate`.

        Parameters
        ----------
        last : int, optional
            Number of final iterations used (at least 4); by default the
            last half of the iterations.

        Returns
        -------
        pandas.DataFrame
            One row per imputed column, columns ``mean`` and ``sd``.

        Examples
        --------
        >>> from companion import nhanes
        >>> from companion.missing import mice
        >>> table = mice(nhanes(), m=4, maxit=20, seed=8).rhat()
        >>> list(table.columns), list(table.index)
        (['mean', 'sd'], ['bmi', 'hyp', 'chl'])
        """
        from arviz_stats import rhat

        if self.m < 2:
            raise ValueError("R-hat compares chains: it needs m >= 2 imputations.")
        iterations = self.iterations
        window = iterations // 2 if last is None else check_count(last, "last", 4)
        if window < 4 or window > iterations:
            raise ValueError(
                f"R-hat needs at least 4 iterations in its window, got {window} of "
                f"{iterations} iterations; run more with .iterate() or set `last` "
                f"(4 <= last <= {iterations})."
            )
        rows = {}
        for name in self._chain_mean:
            stats = {}
            for label, table in (("mean", self._chain_mean), ("sd", self._chain_sd)):
                values = table[name][-window:].T  # (chain, draw)
                if not np.isfinite(values).all() or np.ptp(values) == 0:
                    stats[label] = np.nan
                else:
                    stats[label] = float(rhat(values, chain_axis=0, draw_axis=1))
            rows[name] = stats
        return pd.DataFrame.from_dict(rows, orient="index", columns=["mean", "sd"])

    def iterate(self, maxit: int = 1) -> Mids:
        """Continue the chains for ``maxit`` more iterations (mice's ``mice.mids``).

        The chains resume from their last state with their own random
        streams, so ``mice(..., maxit=a).iterate(b)`` equals
        ``mice(..., maxit=a + b)`` with the same seed.

        Parameters
        ----------
        maxit : int, default 1
            Further iterations (>= 1).

        Returns
        -------
        Mids
            A new object with ``iterations + maxit`` iterations; this one is
            unchanged.

        Examples
        --------
        >>> from companion import nhanes
        >>> from companion.missing import mice
        >>> longer = mice(nhanes(), m=2, maxit=3, seed=9).iterate(2)
        >>> longer.iterations
        5
        """
        from companion.missing.engine import run_chains

        maxit = check_count(maxit, "maxit", 1, maximum=100_000)
        states = self._states.copy()
        chains = copy.deepcopy(self._chains)
        means, sds = run_chains(self._spec, states, chains, maxit)
        j_all = sorted(self._imputed)
        old_means = np.full((self.iterations, self.m, len(self._spec.columns)), np.nan)
        old_sds = old_means.copy()
        for j in j_all:
            name = self._spec.columns[j].name
            old_means[:, :, j] = self._chain_mean[name]
            old_sds[:, :, j] = self._chain_sd[name]
        return Mids._create(
            data=self._data,
            spec=self._spec,
            settings=self._settings,
            states=states,
            chains=chains,
            means=np.concatenate([old_means, means]),
            sds=np.concatenate([old_sds, sds]),
            start=self._start,
        )

    def rerun(self, delta: Mapping[object, float] | None = None) -> Mids:
        r"""Run the same chains again with MNAR shifts :math:`\delta` inside the iterations.

        The chains restart from the same initial values with the same random
        streams and run as many iterations as this object has, with the
        settings of :func:`~companion.missing.mice` unchanged except
        ``delta``. So ``rerun(delta)`` equals ``mice(..., delta=delta)``
        with the same seed, and ``rerun({c: 0})`` reproduces this object's
        imputations exactly (if it was made without ``delta``): the
        imputations at different :math:`\delta` differ by the shift and its
        consequences only, not by Monte Carlo noise, which is what a
        tipping-point analysis wants (:func:`companion.missing.tipping_point`
        calls it for every :math:`\delta` of its grid).

        Parameters
        ----------
        delta : dict, optional
            ``{column: shift}`` for numeric imputed columns, in the column's
            units (see ``delta`` of :func:`~companion.missing.mice`); these
            replace the shifts of this object. None: no shift (MAR).

        Returns
        -------
        Mids
            A new object; this one is unchanged.

        Examples
        --------
        >>> from companion import nhanes
        >>> from companion.missing import mice
        >>> imputed = mice(nhanes(), m=2, maxit=3, seed=10)
        >>> shifted = imputed.rerun({"chl": -20.0})
        >>> shifted.delta
        mappingproxy({'chl': -20.0})
        >>> bool((imputed.rerun({"chl": 0.0}).imp["bmi"] == imputed.imp["bmi"]).all().all())
        True
        """
        from companion.missing.chained import check_delta, with_delta
        from companion.missing.engine import run_chains

        shifts = check_delta(delta, self._spec)
        spec = with_delta(self._spec, shifts)
        states = self._start[0].copy()
        chains = copy.deepcopy(self._start[1])
        means, sds = run_chains(spec, states, chains, self.iterations)
        return Mids._create(
            data=self._data,
            spec=spec,
            settings={**self._settings, "delta": shifts},
            states=states,
            chains=chains,
            means=means,
            sds=sds,
            start=self._start,
        )
