"""Figures of the chapter "Bayesian imputation"."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from book.figures import panels
from companion.plots.style import MISSING_COLOR, OBSERVED_COLOR


def plot_imputed_points(data, imputed, lines, *, x: str = "x", y: str = "y", ax=None):
    """Observed points, imputed points with their intervals, and regression lines.

    Parameters
    ----------
    data : pandas.DataFrame
        The incomplete data (NaN where missing), with columns ``x`` and ``y``.
    imputed : mapping of str to pandas.DataFrame
        ``{x: table, y: table}`` (either may be left out), each table indexed
        by the rows whose value was imputed, with columns ``mean``,
        ``lower`` and ``upper``: posterior summaries of the imputed values.
    lines : mapping of str to (float, float)
        Label -> (intercept, slope) of a line to draw, in order: solid
        black, dashed red, dotted grey.
    x, y : str
        Column names.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        Observed points are blue circles; a point is an orange square with a
        horizontal bar where ``x`` was imputed, a green triangle with a
        vertical bar where ``y`` was, a purple diamond with both. The legend
        sits in the upper left corner, which a rising line leaves empty.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from book.figures.bayesian_imputation import plot_imputed_points
    >>> data = pd.DataFrame({"x": [0.0, 1.0, np.nan, 2.0], "y": [1.0, 2.0, 2.5, np.nan]})
    >>> imputed = {"x": pd.DataFrame({"mean": [1.5], "lower": [1.2], "upper": [1.8]}, index=[2]),
    ...            "y": pd.DataFrame({"mean": [3.0], "lower": [2.0], "upper": [4.0]}, index=[3])}
    >>> fig = plot_imputed_points(data, imputed, {"truth": (1.0, 1.0)})
    """
    import matplotlib.pyplot as plt
    import pandas as pd

    from companion._validation import check_frame

    check_frame(data, "data")
    for column in (x, y):
        if column not in data.columns:
            raise ValueError(f"`data` has no column {column!r}.")
    if not isinstance(imputed, Mapping) or not set(imputed) <= {x, y}:
        raise TypeError(f"`imputed` must be a dict with keys among {[x, y]}, got {imputed!r}.")
    empty = pd.DataFrame(columns=["mean", "lower", "upper"], dtype=float)
    tables = {c: check_frame(imputed[c], f"imputed[{c!r}]") if c in imputed else empty
              for c in (x, y)}  # fmt: skip
    for column, table in tables.items():
        absent = [c for c in ("mean", "lower", "upper") if c not in table.columns]
        if absent:
            raise ValueError(f"`imputed[{column!r}]` has no column(s) {absent}.")
        if not table.index.isin(data.index[data[column].isna()]).all():
            raise ValueError(f"`imputed[{column!r}]` names rows whose {column} is not missing.")
    if not isinstance(lines, Mapping):
        raise TypeError(f"`lines` must be a dict of label to (intercept, slope), got {lines!r}.")
    if ax is None:
        fig, ax = plt.subplots(figsize=(6, 4.3), layout="constrained")
    else:
        fig = ax.figure

    both_seen = data[[x, y]].notna().all(axis=1)
    ax.scatter(data.loc[both_seen, x], data.loc[both_seen, y], s=14, color=OBSERVED_COLOR,
               alpha=0.7, label="observed")  # fmt: skip
    filled = data[[x, y]].astype(float).copy()
    for column, table in tables.items():
        filled.loc[table.index, column] = table["mean"]

    def half_widths(column, rows):
        table = tables[column]
        inside = rows.isin(table.index)
        lower = pd.Series(0.0, index=rows)
        upper = pd.Series(0.0, index=rows)
        lower[inside] = (table["mean"] - table["lower"]).reindex(rows[inside]).to_numpy()
        upper[inside] = (table["upper"] - table["mean"]).reindex(rows[inside]).to_numpy()
        return np.vstack([lower.to_numpy(), upper.to_numpy()])

    x_rows, y_rows = tables[x].index, tables[y].index
    groups = [
        (f"{x} imputed", x_rows.difference(y_rows, sort=False), "tab:orange", "s"),
        (f"{y} imputed", y_rows.difference(x_rows, sort=False), "tab:green", "^"),
        ("both imputed", x_rows.intersection(y_rows, sort=False), "tab:purple", "D"),
    ]
    for label, rows, color, marker in groups:
        if len(rows) == 0:
            continue
        ax.errorbar(filled.loc[rows, x], filled.loc[rows, y], xerr=half_widths(x, rows),
                    yerr=half_widths(y, rows), fmt=marker, markersize=4.5, color=color,
                    elinewidth=0.8, alpha=0.8, label=label)  # fmt: skip
    grid = np.linspace(np.nanmin(filled[x]) - 0.2, np.nanmax(filled[x]) + 0.2, 50)
    styles = [{"color": "black"}, {"color": MISSING_COLOR, "linestyle": "--"},
              {"color": "0.5", "linestyle": ":", "linewidth": 2}]  # fmt: skip
    for k, (label, (intercept, slope)) in enumerate(lines.items()):
        ax.plot(grid, intercept + slope * grid, label=label, **styles[k % len(styles)])
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    # upper left: empty for a rising line; 9 pt stays readable in print
    ax.legend(frameon=False, loc="upper left", fontsize=9, handlelength=1.6,
              borderaxespad=0.2)  # fmt: skip
    return fig


def plot_coverage(summary, *, level: float = 0.9, scale: float = 2.0, ax=None):
    """Coverage of intervals and mean estimates by scenario and method.

    Parameters
    ----------
    summary : pandas.DataFrame
        From :func:`book.studies.imputation.coverage_summary`.
    level : float, default 0.9
        Nominal coverage, drawn as a dashed line.
    scale : float, default 2
        Error bars span ``scale`` Monte Carlo standard errors each way.
    ax : pair of matplotlib.axes.Axes, optional
        The coverage and the estimate panels; default a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        Left: coverage with error bars; right: the mean estimate of the
        slope with error bars (and its truth, if ``summary.attrs["truth"]``
        is set, else the mean minus the bias).

    Examples
    --------
    >>> import pandas as pd
    >>> from book.figures.bayesian_imputation import plot_coverage
    >>> summary = pd.DataFrame({"scenario": ["s", "s"], "method": ["a", "b"],
    ...     "coverage": [0.9, 0.5], "coverage_mcse": [0.03, 0.05],
    ...     "mean_estimate": [3.0, 2.5], "bias": [0.0, -0.5], "bias_mcse": [0.01, 0.02]})
    >>> fig = plot_coverage(summary)
    """
    import matplotlib.pyplot as plt

    scenarios = list(dict.fromkeys(summary["scenario"]))
    methods = list(dict.fromkeys(summary["method"]))
    colors = ["black", MISSING_COLOR, "0.6", OBSERVED_COLOR, "tab:green"]
    markers = ["o", "s", "^", "D", "v"]
    if ax is None:
        fig, (ax_cov, ax_est) = plt.subplots(
            1, 2, figsize=(9.5, 0.55 * len(scenarios) * len(methods) / 2 + 1.8), sharey=True,
            layout="constrained",
        )  # fmt: skip
    else:
        ax_cov, ax_est = panels(ax, 2)
        fig = ax_cov.figure
    base = np.arange(len(scenarios))[::-1]
    offsets = (np.arange(len(methods)) - (len(methods) - 1) / 2) * 0.22
    truth = float((summary["mean_estimate"] - summary["bias"]).iloc[0])
    for k, method in enumerate(methods):
        rows = summary[summary["method"] == method].set_index("scenario").loc[scenarios]
        pos = base - offsets[k]
        style = {"color": colors[k % len(colors)], "marker": markers[k % len(markers)]}
        ax_cov.errorbar(rows["coverage"], pos, xerr=scale * rows["coverage_mcse"], linestyle="none",
                        capsize=2, markersize=5, label=method, **style)  # fmt: skip
        ax_est.errorbar(rows["mean_estimate"], pos, xerr=scale * rows["bias_mcse"],
                        linestyle="none", capsize=2, markersize=5, **style)  # fmt: skip
    ax_cov.axvline(level, color="0.3", linestyle="--", linewidth=1)
    ax_cov.set_xlabel(f"coverage of the {level:.0%} interval for the slope")
    ax_cov.set_xlim(-0.02, 1.02)
    ax_est.axvline(truth, color="0.3", linestyle="--", linewidth=1)
    ax_est.set_xlabel("mean estimate of the slope")
    ax_cov.set_yticks(base, scenarios)
    fig.legend(*ax_cov.get_legend_handles_labels(), loc="outside lower center",
               ncol=len(methods), frameon=False)  # fmt: skip
    return fig
