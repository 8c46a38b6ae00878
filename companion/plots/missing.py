"""Plots of missing data and of analyses after imputation."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from companion._validation import check_frame, check_frames, check_real
from companion.plots.style import MISSING_COLOR, OBSERVED_COLOR

__all__ = [
    "plot_coefficient_intervals",
    "plot_imputation_chains",
    "plot_imputed_density",
    "plot_imputed_strip",
    "plot_missing_pattern",
    "plot_tipping_point",
]


def _check_pattern(pattern) -> None:
    """Refuse anything but the table of :func:`companion.missing_pattern`."""
    check_frame(pattern, "pattern")
    needed = [c for c in ("rows", "missing_vars") if c not in pattern.columns]
    if needed or "total" not in pattern.index:
        raise ValueError(
            "`pattern` must be the table of companion.missing_pattern(df) (columns 'rows' and "
            f"'missing_vars', a last row 'total'); got columns {list(pattern.columns)[:6]}. "
            "Pass missing_pattern(df), not the data."
        )
    body = pattern.drop(index="total").drop(columns=["rows", "missing_vars"])
    if body.shape[1] == 0 or len(body) == 0:
        raise ValueError("`pattern` has no variables or no patterns to draw.")
    if not body.isin([0, 1]).all().all():
        raise ValueError("`pattern` must hold 1 (observed) and 0 (missing) for every variable.")


def plot_missing_pattern(pattern, *, ax=None):
    """Draw a missing-data pattern table as a grid, in the style of mice's ``md.pattern``.

    Each row is a pattern: observed cells plain blue, missing cells red and
    hatched, so that the two differ without colour too. The left margin
    gives how many rows have the pattern, the right margin how many
    variables it misses, and the bottom margin how many values each
    variable misses.

    Parameters
    ----------
    pattern : pandas.DataFrame
        The table of :func:`companion.missing_pattern` (select the
        variables to show when computing it).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If ``pattern`` is not a pattern table (for example the data themselves).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from companion import missing_pattern
    >>> from companion.plots import plot_missing_pattern
    >>> df = pd.DataFrame({"x": [1.0, np.nan, 3.0], "y": [np.nan, 2.0, 1.0]})
    >>> fig = plot_missing_pattern(missing_pattern(df))
    """
    _check_pattern(pattern)
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Rectangle

    body, total = pattern.drop(index="total"), pattern.loc["total"]
    variables = [c for c in pattern.columns if c not in ("rows", "missing_vars")]
    if ax is None:
        fig, ax = plt.subplots(
            figsize=(2.2 + 1.1 * len(variables), 1.0 + 0.4 * len(body)), layout="constrained"
        )
    else:
        fig = ax.figure
    cells = body[variables].to_numpy(dtype=float)
    ax.imshow(cells, cmap=ListedColormap([MISSING_COLOR, OBSERVED_COLOR]), vmin=0, vmax=1,
              aspect="auto")  # fmt: skip
    for i, j in zip(*np.nonzero(cells == 0), strict=True):
        ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, hatch="///",
                               edgecolor="white", linewidth=0))  # fmt: skip
    ax.set_xticks(range(len(variables)), [str(v) for v in variables])
    ax.xaxis.tick_top()
    ax.set_yticks(range(len(body)), body["rows"].tolist())
    ax.set_ylabel("rows with the pattern")
    ax.set_xticks(np.arange(-0.5, len(variables)), minor=True)
    ax.set_yticks(np.arange(-0.5, len(body)), minor=True)
    ax.grid(which="minor", color="white", linewidth=2)
    ax.tick_params(which="minor", length=0)
    right = ax.secondary_yaxis("right")
    right.set_yticks(range(len(body)), body["missing_vars"].tolist())
    right.set_ylabel("variables missing")
    for j, variable in enumerate(variables):
        ax.annotate(f"{total[variable]}", (j, len(body) - 0.5), xytext=(0, -4),
                    textcoords="offset points", ha="center", va="top")  # fmt: skip
    ax.set_xlabel(f"values missing per variable\n(total {total['missing_vars']})", labelpad=18)
    return fig


def plot_coefficient_intervals(
    tables,
    parameters: Sequence | None = None,
    *,
    truth=None,
    level_label: str = "95% interval",
    ax=None,
):
    """Estimates and intervals of regression coefficients, one panel per coefficient.

    Parameters
    ----------
    tables : dict
        ``{method label: DataFrame}``, each indexed by coefficient name with
        columns ``estimate``, ``ci_lower`` and ``ci_upper`` (as returned by
        :func:`companion.pool`).
    parameters : list of str, optional
        Coefficients to show; default those of the first table.
    truth : dict, optional
        ``{coefficient: true value}``, drawn as a dashed vertical line.
    level_label : str
        Describes the intervals in the x-axis label.
    ax : matplotlib.axes.Axes or sequence of Axes, optional
        One Axes per coefficient to draw on; default a new figure.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> from companion.plots import plot_coefficient_intervals
    >>> t = pd.DataFrame({"estimate": [1.0], "ci_lower": [0.5],
    ...                   "ci_upper": [1.5]}, index=["b"])
    >>> fig = plot_coefficient_intervals({"A": t, "B": t}, truth={"b": 1.0})
    """
    check_frames(tables, "tables", ("estimate", "ci_lower", "ci_upper"))
    import matplotlib.pyplot as plt

    labels = list(tables)
    if parameters is None:
        parameters = list(tables[labels[0]].index)
    elif isinstance(parameters, str):
        parameters = [parameters]
    parameters = list(parameters)
    for label, table in tables.items():
        absent = [p for p in parameters if p not in table.index]
        if absent:
            raise ValueError(f"`tables[{label!r}]` has no row(s) {absent} (from `parameters`).")
    if ax is None:
        fig, grid = plt.subplots(
            1,
            len(parameters),
            figsize=(3.2 * len(parameters) + 1.2, 0.55 * len(labels) + 1.4),
            sharey=True,
            layout="constrained",
            squeeze=False,
        )
        axes = list(grid[0])
    else:
        axes = list(np.atleast_1d(ax).ravel())
        if len(axes) != len(parameters):
            raise ValueError(
                f"`ax` has {len(axes)} Axes but there are {len(parameters)} coefficients to draw."
            )
        fig = axes[0].figure
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for panel, name in zip(axes, parameters, strict=True):
        for k, label in enumerate(labels):
            row = tables[label].loc[name]
            y = len(labels) - 1 - k
            panel.plot([row["ci_lower"], row["ci_upper"]], [y, y], color=colors[k % len(colors)],
                    linewidth=2.5, solid_capstyle="butt")  # fmt: skip
            panel.plot(row["estimate"], y, "o", color=colors[k % len(colors)], markersize=6)
        if truth is not None and name in truth:
            panel.axvline(truth[name], color="0.3", linestyle="--", linewidth=1, label="true value")
            panel.legend(loc="best", frameon=False)
        panel.set_title(str(name))
        panel.set_xlabel(f"estimate and {level_label}")
        panel.set_yticks(range(len(labels)), labels[::-1])
        panel.set_ylim(-0.6, len(labels) - 0.4)
    return fig


def plot_tipping_point(
    table,
    *,
    tipping: float | None = None,
    truth: float | None = None,
    marks=None,
    ylabel: str | None = None,
    ax=None,
):
    """Pooled estimate and confidence band against the δ-adjustment.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`companion.tipping_point`.
    tipping : float, optional
        A tipping point (e.g. from :func:`companion.find_tipping_point`),
        marked by a vertical line; NaN or None draws nothing.
    truth : float, optional
        The true value of the estimand (in a simulation), a dotted line.
    marks : mapping of str to float, optional
        Other values of δ to mark (label -> δ), e.g. the shift implied by a
        selection model.
    ylabel : str, optional
        Label of the vertical axis; default ``"pooled <term>"``.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        The legend sits to the right of the axes, clear of the lines.

    Examples
    --------
    >>> import pandas as pd
    >>> from companion.plots import plot_tipping_point
    >>> table = pd.DataFrame({"delta": [-1.0, 0.0, 1.0],
    ...                       "estimate": [0.0, 1.0, 2.0],
    ...                       "ci_lower": [-0.5, 0.5, 1.5],
    ...                       "ci_upper": [0.5, 1.5, 2.5]})
    >>> fig = plot_tipping_point(table, tipping=-0.5)
    """
    check_frame(table, "table")
    missing = [c for c in ("delta", "estimate", "ci_lower", "ci_upper") if c not in table.columns]
    if missing:
        raise ValueError(f"`table` has no column(s) {missing}; pass the output of tipping_point.")
    import matplotlib.pyplot as plt

    if ax is None:
        fig, ax = plt.subplots(figsize=(7.6, 3.8), layout="constrained")
    else:
        fig = ax.figure
    attrs = getattr(table, "attrs", {})
    null = attrs.get("null", 0.0)
    level = attrs.get("level", 0.95)
    term = attrs.get("term", "estimate")
    delta = table["delta"].to_numpy(float)
    ax.fill_between(delta, table["ci_lower"], table["ci_upper"], color=OBSERVED_COLOR,
                    alpha=0.25, linewidth=0, label=f"{level:.0%} interval")  # fmt: skip
    ax.plot(delta, table["estimate"], color=OBSERVED_COLOR, label="pooled estimate")
    ax.axhline(null, color="0.3", linewidth=1, label=f"null value {null:g}")
    ax.axvline(0.0, color="0.6", linewidth=0.8, linestyle=":")
    ax.annotate("MAR", (0.0, 1.0), xycoords=("data", "axes fraction"), xytext=(3, -12),
                textcoords="offset points", color="0.4")  # fmt: skip
    if truth is not None:
        ax.axhline(truth, color="black", linestyle=":", linewidth=1.2, label="true value")
    if tipping is not None and np.isfinite(tipping):
        ax.axvline(tipping, color=MISSING_COLOR, linestyle="--", linewidth=1.5,
                   label=f"tipping point δ = {tipping:.2f}")  # fmt: skip
    styles = ["-.", (0, (5, 2, 1, 2)), (0, (1, 1))]
    for k, (label, value) in enumerate((marks or {}).items()):
        ax.axvline(value, color="0.25", linestyle=styles[k % len(styles)], linewidth=1.2,
                   label=f"{label} (δ = {value:.2f})")  # fmt: skip
    ax.set_xlabel("δ, shift of the imputed values")
    ax.set_ylabel(ylabel if ylabel is not None else f"pooled {term}")
    ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return fig


# --------------------------------------------------------------------------- imputation diagnostics

_CHAIN_STYLES = ("-", "--", ":", "-.", (0, (5, 1, 1, 1, 1, 1)), (0, (3, 1)))
_CHAIN_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
_CHAIN_COLUMNS = ("variable", "iteration", "chain", "mean", "sd")


def _is_mids(result: object) -> bool:
    from companion.missing.mids import Mids

    return isinstance(result, Mids)


def _pick_variables(variables, available: list, name: str = "variables") -> list:
    """Return the variables to draw: all available by default, else those asked for."""
    if not available:
        raise ValueError("there is no imputed variable to draw (nothing was missing).")
    if variables is None:
        return list(available)
    if isinstance(variables, str) or not isinstance(variables, Sequence | np.ndarray):
        variables = [variables]
    variables = list(variables)
    if not variables:
        raise ValueError(f"`{name}` is empty; name at least one imputed variable.")
    unknown = [v for v in variables if v not in available]
    if unknown:
        raise ValueError(
            f"`{name}` names {unknown}, which were not imputed; imputed variables: {available}."
        )
    return variables


def _axes_for(ax, n: int, what: str) -> list:
    axes = list(np.atleast_1d(ax).ravel())
    if len(axes) != n:
        raise ValueError(f"`ax` has {len(axes)} Axes but the figure needs {n} ({what}).")
    return axes


def _levels(column: pd.Series) -> list:
    """Return the categories of a categorical, boolean or string column, in their order."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return list(column.cat.categories)
    return sorted(pd.unique(column.dropna()), key=lambda v: (str(type(v)), v))


def _chain_table(result: object, rhat: object) -> tuple[pd.DataFrame, pd.DataFrame | None, dict]:
    """Return the chain statistics, the R-hat table and the y labels of a Mids or a frame."""
    labels = {}
    if _is_mids(result):
        chains = result.chains()
        if rhat is None and result.m >= 2:
            try:
                rhat = result.rhat()
            except ValueError:  # fewer than 8 iterations: no R-hat in the titles
                rhat = None
        data = result.data
        for name in result.chain_mean:
            column = data[name]
            if pd.api.types.is_numeric_dtype(column) and column.dtype != bool:
                continue
            levels = _levels(column)
            if len(levels) == 2:  # the mean of the codes 0/1 is the share of the second level
                labels[name] = {"mean": f"share '{levels[1]}'", "sd": "sd of 0/1 codes"}
            else:
                labels[name] = {"mean": "mean of codes", "sd": "sd of codes"}
    else:
        check_frame(result, "result")
        absent = [c for c in _CHAIN_COLUMNS if c not in result.columns]
        if absent:
            raise ValueError(
                f"`result` has no column(s) {absent}: pass a Mids (from mice) or its .chains() "
                "frame."
            )
        chains = result
    if rhat is not None:
        check_frame(rhat, "rhat")
        absent = [c for c in ("mean", "sd") if c not in rhat.columns]
        if absent:
            raise ValueError(f"`rhat` has no column(s) {absent}: pass the table of Mids.rhat().")
    return chains, rhat, labels


def plot_imputation_chains(result, variables=None, *, rhat=None, ax=None):
    """Trace plot of the imputation chains: chain means and sds against iteration.

    The convergence plot of chained equations (mice's ``plot(imp)``): for
    each imputed variable, the mean (left) and the standard deviation
    (right) of its imputed values after every iteration, one line per
    chain. Converged chains overlap and show no trend; the chains are told
    apart by colour, line style and marker, but what matters is whether
    they mix, not which chain is which. R-hat across the chains (from
    :meth:`~companion.missing.Mids.rhat`) is in each panel's title.

    Parameters
    ----------
    result : Mids or pandas.DataFrame
        The result of :func:`companion.missing.mice`, or its
        :meth:`~companion.missing.Mids.chains` frame (columns ``variable``,
        ``iteration``, ``chain``, ``mean``, ``sd``).
    variables : str or list of str, optional
        Imputed variables to show, one row of panels each; default all.
    rhat : pandas.DataFrame, optional
        R-hat per variable (index) of the ``mean`` and ``sd`` (columns), as
        :meth:`~companion.missing.Mids.rhat` returns. By default that of a
        Mids with at least 8 iterations (none for a chains frame).
    ax : sequence of matplotlib.axes.Axes, optional
        ``2 * len(variables)`` Axes, in the order mean, sd of the first
        variable, then of the next; default a new figure.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If ``result`` is neither a Mids nor a chains frame, a variable was
        not imputed, or ``ax`` has the wrong number of Axes.

    Examples
    --------
    >>> from companion import nhanes
    >>> from companion.missing import mice
    >>> from companion.plots import plot_imputation_chains
    >>> imputed = mice(nhanes(), m=3, maxit=10, seed=1)
    >>> fig = plot_imputation_chains(imputed, ["bmi", "chl"])
    >>> len(fig.axes), len(fig.axes[0].lines)  # 2 variables x (mean, sd); 3 chains
    (4, 3)
    >>> fig.axes[0].get_title()  # doctest: +ELLIPSIS
    'bmi: mean (R-hat ...)'
    """
    chains, rhat, labels = _chain_table(result, rhat)
    available = list(dict.fromkeys(chains["variable"]))
    variables = _pick_variables(variables, available)
    import matplotlib.pyplot as plt

    if ax is None:
        fig, grid = plt.subplots(
            len(variables), 2, figsize=(7.6, 1.9 * len(variables) + 0.7), squeeze=False,
            sharex=True, layout="constrained",
        )  # fmt: skip
        axes = list(grid.ravel())
    else:
        axes = _axes_for(ax, 2 * len(variables), "a mean and an sd panel per variable")
        fig = axes[0].figure
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    handles = []
    for row, name in enumerate(variables):
        table = chains[chains["variable"] == name]
        for column, statistic in enumerate(("mean", "sd")):
            panel = axes[2 * row + column]
            for k, (chain, lines) in enumerate(table.groupby("chain", sort=True)):
                lines = lines.sort_values("iteration")
                (line,) = panel.plot(
                    lines["iteration"], lines[statistic], color=colors[k % len(colors)],
                    linestyle=_CHAIN_STYLES[k % len(_CHAIN_STYLES)],
                    marker=_CHAIN_MARKERS[k % len(_CHAIN_MARKERS)], markersize=3.5,
                    linewidth=1.2, label=f"chain {chain}",
                )  # fmt: skip
                if row == 0 and column == 0:
                    handles.append(line)
            title = f"{name}: {statistic}"
            if rhat is not None and name in rhat.index and np.isfinite(rhat.loc[name, statistic]):
                title += f" (R-hat {rhat.loc[name, statistic]:.2f})"
            panel.set_title(title)
            panel.set_ylabel(labels.get(name, {}).get(statistic, statistic))
            if row == len(variables) - 1:
                panel.set_xlabel("iteration")
    if ax is None and 0 < len(handles) <= 12:
        fig.legend(handles=handles, loc="outside lower center", ncols=min(len(handles), 6),
                   frameon=False)  # fmt: skip
    return fig


def _imputed_values(result: object, name: object) -> tuple[pd.Series, list[pd.Series]]:
    """Return the observed values of a variable and its imputed values in imputations 1..m."""
    if _is_mids(result):
        observed = result.data[name].dropna()
        imp = result.imp[name]
        return observed, [imp[k] for k in imp.columns]
    long = result
    zero = long[long[".imp"] == 0]
    observed = zero[name].dropna()
    missing_ids = set(zero.loc[zero[name].isna(), ".id"])
    imputed = []
    for k in sorted(set(long[".imp"]) - {0}):
        frame = long[long[".imp"] == k]
        imputed.append(frame.loc[frame[".id"].isin(missing_ids), name])
    return observed, imputed


def _check_long(result: object) -> list:
    """Return the imputed variables of a Mids or of a long frame holding .imp 0."""
    if _is_mids(result):
        return list(result.imp)
    check_frame(result, "result")
    absent = [c for c in (".imp", ".id") if c not in result.columns]
    if absent:
        raise ValueError(
            f"`result` has no column(s) {absent}: pass a Mids (from mice) or its "
            "complete('long', include=True) frame."
        )
    if not (result[".imp"] == 0).any():
        raise ValueError(
            "`result` has no incomplete data (.imp 0), so the imputed cells are unknown: pass "
            "complete('long', include=True)."
        )
    zero = result[result[".imp"] == 0]
    if len(set(result[".imp"])) < 2:
        raise ValueError("`result` has no imputations (only .imp 0).")
    return [c for c in result.columns if c not in (".imp", ".id") and zero[c].isna().any()]


def _legend(fig, first, *, own: bool) -> None:
    """Put the legend below the panels of a figure the plot made, else in the first Axes."""
    if own:
        handles, labels = first.get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncols=len(labels), frameon=False)
    else:
        first.legend(frameon=False, loc="best", fontsize="small")


def _density_curve(values: np.ndarray, grid: np.ndarray) -> np.ndarray | None:
    from scipy.stats import gaussian_kde

    if len(values) < 2 or np.ptp(values) == 0:
        return None
    return gaussian_kde(values)(grid)


def plot_imputed_density(result, variables=None, *, legend: bool = True, ax=None):
    """Densities of the observed and of the imputed values (mice's ``densityplot``).

    One panel per numeric variable: the kernel density of its observed
    values as a thick blue line, that of its imputed values in each
    imputation as a thin dashed red line. Under MCAR the curves should
    agree up to noise; under MAR they may differ, and a difference is a
    prompt to ask why, not a proof that the imputations are wrong. An
    imputation with fewer than two distinct values has no density: its
    values are marked by short ticks at the bottom instead.

    Parameters
    ----------
    result : Mids or pandas.DataFrame
        The result of :func:`companion.missing.mice`, or its
        ``complete("long", include=True)`` frame (``.imp`` 0 marks which
        cells were missing).
    variables : str or list of str, optional
        Imputed numeric variables to show; default all imputed numeric ones.
    legend : bool, default True
        Draw a legend: below the panels of a new figure, else in the first
        Axes given. False leaves it to the caller (the lines carry labels).
    ax : matplotlib.axes.Axes or sequence of Axes, optional
        One Axes per variable; default a new figure.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If ``result`` is neither a Mids nor a long frame with ``.imp`` 0, a
        variable was not imputed or is categorical (use
        :func:`plot_imputed_strip`), or ``ax`` has the wrong number of Axes.

    Examples
    --------
    >>> from companion import nhanes
    >>> from companion.missing import mice
    >>> from companion.plots import plot_imputed_density
    >>> imputed = mice(nhanes(), m=4, maxit=5, seed=2)
    >>> fig = plot_imputed_density(imputed, ["bmi", "chl"])
    >>> len(fig.axes), len(fig.axes[0].lines)  # observed + 4 imputations
    (2, 5)
    """
    available = _check_long(result)
    frame = result.data if _is_mids(result) else result
    numeric = [v for v in available
               if pd.api.types.is_numeric_dtype(frame[v]) and frame[v].dtype != bool]  # fmt: skip
    if variables is not None:
        chosen = _pick_variables(variables, available)
        categorical = [v for v in chosen if v not in numeric]
        if categorical:
            raise ValueError(
                f"`variables` names categorical variable(s) {categorical}, which have no "
                "density; draw them with plot_imputed_strip."
            )
        variables = chosen
    else:
        variables = _pick_variables(None, numeric)
    import matplotlib.pyplot as plt

    if ax is None:
        fig, grid = plt.subplots(1, len(variables), figsize=(3.2 * len(variables) + 0.6, 3.0),
                                 squeeze=False, layout="constrained")  # fmt: skip
        axes = list(grid[0])
    else:
        axes = _axes_for(ax, len(variables), "one per variable")
        fig = axes[0].figure
    for panel, name in zip(axes, variables, strict=True):
        observed, imputed = _imputed_values(result, name)
        observed = observed.to_numpy(dtype=float)
        values = [s.to_numpy(dtype=float) for s in imputed]
        every = np.concatenate([observed, *values])
        pad = 0.1 * np.ptp(every) if np.ptp(every) > 0 else 1.0
        grid_x = np.linspace(every.min() - pad, every.max() + pad, 256)
        curve = _density_curve(observed, grid_x)
        if curve is not None:
            panel.plot(grid_x, curve, color=OBSERVED_COLOR, linewidth=2.6, label="observed")
        for k, draws in enumerate(values):
            curve = _density_curve(draws, grid_x)
            label = "imputed (one line per imputation)" if k == 0 else None
            if curve is None:
                panel.plot(draws, np.zeros_like(draws), "|", color=MISSING_COLOR,
                           markersize=12, label=label)  # fmt: skip
            else:
                panel.plot(grid_x, curve, color=MISSING_COLOR, linewidth=0.9,
                           linestyle="--", label=label)  # fmt: skip
        panel.set_title(f"{name} ({len(values[0])} imputed)")
        panel.set_xlabel(str(name))
        panel.set_ylabel("density")
        panel.set_ylim(bottom=0)
    if legend:
        _legend(fig, axes[0], own=ax is None)
    return fig


def plot_imputed_strip(
    result, variables=None, *, jitter: float = 0.15, seed: int = 0, legend: bool = True, ax=None
):
    """Observed and imputed values by imputation number (mice's ``stripplot``).

    One panel per variable. At imputation 0 the observed values (blue
    circles); at imputation ``k = 1, ..., m`` the values imputed in the
    ``k``-th completed data set (red triangles). Imputed values should look
    like plausible observed ones: within their range, with a similar
    spread. Categorical variables are drawn on their categories. Points
    are spread sideways by a small random jitter so that ties stay visible.

    Parameters
    ----------
    result : Mids or pandas.DataFrame
        The result of :func:`companion.missing.mice`, or its
        ``complete("long", include=True)`` frame.
    variables : str or list of str, optional
        Imputed variables to show; default all.
    jitter : float, default 0.15
        Half-width of the sideways jitter, in units of one imputation (0: none).
    seed : int, default 0
        Seed of the jitter (the plot is the same every time).
    legend : bool, default True
        Draw a legend: below the panels of a new figure, else in the first
        Axes given. False leaves it to the caller (the points carry labels).
    ax : matplotlib.axes.Axes or sequence of Axes, optional
        One Axes per variable; default a new figure.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If ``result`` is neither a Mids nor a long frame with ``.imp`` 0, a
        variable was not imputed, ``jitter`` is not in [0, 0.5), or ``ax``
        has the wrong number of Axes.

    Examples
    --------
    >>> from companion import nhanes
    >>> from companion.missing import mice
    >>> from companion.plots import plot_imputed_strip
    >>> imputed = mice(nhanes(), m=5, maxit=5, seed=3)
    >>> fig = plot_imputed_strip(imputed, "chl")
    >>> [t.get_text() for t in fig.axes[0].get_xticklabels()]
    ['0', '1', '2', '3', '4', '5']
    """
    available = _check_long(result)
    variables = _pick_variables(variables, available)
    jitter = check_real(jitter, "jitter", nonnegative=True)
    if jitter >= 0.5:
        raise ValueError(f"`jitter` must be below 0.5 (half the gap between strips), got {jitter}.")
    import matplotlib.pyplot as plt

    if ax is None:
        fig, grid = plt.subplots(1, len(variables), figsize=(2.8 * len(variables) + 0.6, 3.2),
                                 squeeze=False, layout="constrained")  # fmt: skip
        axes = list(grid[0])
    else:
        axes = _axes_for(ax, len(variables), "one per variable")
        fig = axes[0].figure
    rng = np.random.default_rng(seed)
    frame = result.data if _is_mids(result) else result
    for panel, name in zip(axes, variables, strict=True):
        observed, imputed = _imputed_values(result, name)
        column = frame[name]
        categorical = not pd.api.types.is_numeric_dtype(column) or column.dtype == bool
        if categorical:
            levels = _levels(column)
            code = {level: position for position, level in enumerate(levels)}

            def to_y(values, code=code):
                return np.array([code[v] for v in values], dtype=float)

        else:

            def to_y(values):
                return values.to_numpy(dtype=float)

        y = to_y(observed)
        panel.plot(rng.uniform(-jitter, jitter, len(y)), y, "o", color=OBSERVED_COLOR,
                   markersize=4, alpha=0.7, label="observed")  # fmt: skip
        for k, values in enumerate(imputed, start=1):
            y = to_y(values)
            panel.plot(k + rng.uniform(-jitter, jitter, len(y)), y, "^", color=MISSING_COLOR,
                       markersize=5, alpha=0.8, label="imputed" if k == 1 else None)  # fmt: skip
        panel.set_xticks(range(len(imputed) + 1), [str(k) for k in range(len(imputed) + 1)])
        panel.set_xlim(-0.6, len(imputed) + 0.6)
        if categorical:
            panel.set_yticks(range(len(levels)), [str(level) for level in levels])
            panel.set_ylim(-0.5, len(levels) - 0.5)
        panel.set_xlabel("imputation number (0: observed)")
        panel.set_ylabel(str(name))
        panel.set_title(str(name))
    if legend:
        _legend(fig, axes[0], own=ax is None)
    return fig
