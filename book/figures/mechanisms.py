"""Figures of the chapter "Why values are missing"."""

from __future__ import annotations

import numpy as np

from book.figures import panels
from companion.plots.style import MISSING_COLOR, OBSERVED_COLOR


def plot_mechanisms(complete, amputed, x: str = "x", y: str = "y", *, ax=None):
    """Scatter plots of ``y`` against ``x``, marking the values each mechanism removed.

    Parameters
    ----------
    complete : pandas.DataFrame
        The complete data.
    amputed : mapping of str to pandas.DataFrame
        Panel title (for example ``"MCAR"``) -> the same data after
        :func:`companion.ampute`; a point is drawn red where its ``y`` is
        missing.
    x, y : str
        Columns on the horizontal and vertical axes.
    ax : sequence of matplotlib.axes.Axes, optional
        One Axes per panel to draw on; default a new figure.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from book.figures.mechanisms import plot_mechanisms
    >>> from companion import ampute
    >>> rng = np.random.default_rng(0)
    >>> df = pd.DataFrame({"x": rng.normal(size=50)})
    >>> df["y"] = df["x"] + rng.normal(size=50)
    >>> fig = plot_mechanisms(df, {"MCAR": ampute(df, ["y"], seed=1)})
    """
    import matplotlib.pyplot as plt

    if ax is None:
        fig, grid = plt.subplots(
            1, len(amputed), figsize=(max(3.2 * len(amputed) + 0.4, 5.5), 3.4), sharex=True,
            sharey=True,
            layout="constrained", squeeze=False,
        )  # fmt: skip
        axes = list(grid[0])
    else:
        axes = panels(ax, len(amputed))
        fig = axes[0].figure
    for panel, (title, frame) in zip(axes, amputed.items(), strict=True):
        gone = frame[y].isna().to_numpy() & complete[y].notna().to_numpy()
        panel.scatter(complete.loc[~gone, x], complete.loc[~gone, y], s=12,
                      color=OBSERVED_COLOR, alpha=0.7, label=f"{y} observed")  # fmt: skip
        panel.scatter(complete.loc[gone, x], complete.loc[gone, y], s=16, color=MISSING_COLOR,
                      marker="x", label=f"{y} missing")  # fmt: skip
        panel.set_title(f"{title}: {gone.mean():.0%} of {y} missing")
        panel.set_xlabel(x)
    axes[0].set_ylabel(y)
    axes[0].legend(loc="upper left", frameon=False)
    return fig


def plot_complete_case_bias(table, *, scale: float = 2.0, ax=None):
    """Bias of complete-case estimates by scenario, with Monte Carlo error bars.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`book.studies.complete_case.complete_case_bias`.
    scale : float, default 2
        Error bars span ``scale`` Monte Carlo standard errors each way.
    ax : sequence of matplotlib.axes.Axes, optional
        One Axes per estimand to draw on; default a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        One panel per estimand, all on the same bias scale, so that biases
        can be compared across panels; scenarios on the vertical axis, a
        dashed line at zero bias. A bias larger than ``scale`` Monte Carlo
        standard errors is drawn as a red square, any other as a blue circle.

    Examples
    --------
    >>> from book.figures.mechanisms import plot_complete_case_bias
    >>> from book.studies.complete_case import complete_case_bias
    >>> table = complete_case_bias({"MCAR": {"columns": ["y"]}}, n_sim=20, seed=1)
    >>> fig = plot_complete_case_bias(table)
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    estimands = list(dict.fromkeys(table["estimand"]))
    scenarios = list(dict.fromkeys(table["scenario"]))
    size = (2.4 * len(estimands) + 2.2, 0.45 * len(scenarios) + 1.4)
    if ax is None:
        fig, axes = plt.subplots(1, len(estimands), figsize=size, sharex=True, sharey=True,
                                 layout="constrained")  # fmt: skip
        axes = np.atleast_1d(axes)
    else:
        axes = panels(ax, len(estimands))
        fig = axes[0].figure
    positions = np.arange(len(scenarios))[::-1]
    for panel, estimand in zip(axes, estimands, strict=True):
        rows = table[table["estimand"] == estimand].set_index("scenario").loc[scenarios]
        biased = (np.abs(rows["bias"]) > scale * rows["bias_mcse"]).to_numpy()
        panel.errorbar(rows["bias"], positions, xerr=scale * rows["bias_mcse"], fmt="none",
                       ecolor="0.4", capsize=3)  # fmt: skip
        panel.scatter(rows["bias"][~biased], positions[~biased], color=OBSERVED_COLOR,
                      marker="o", zorder=3)  # fmt: skip
        panel.scatter(rows["bias"][biased], positions[biased], color=MISSING_COLOR,
                      marker="s", zorder=3)  # fmt: skip
        panel.axvline(0, color="0.3", linestyle="--", linewidth=1)
        panel.set_title(estimand)
        panel.set_xlabel("bias")
        panel.xaxis.set_major_locator(MaxNLocator(4))
    axes[0].set_yticks(positions, scenarios)
    return fig
