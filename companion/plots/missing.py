"""Plots of missing data and of analyses after imputation."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from companion._validation import check_frame, check_frames
from companion.plots.style import MISSING_COLOR, OBSERVED_COLOR

__all__ = [
    "plot_coefficient_intervals",
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
