"""Figures of the chapter "Hierarchical models with missing data"."""

from __future__ import annotations

import numpy as np

from companion.plots.style import SCENARIO_COLORS, short_label


def plot_shrinkage_change(factors, *, ax=None):
    """Shrinkage factor of each group under several data scenarios.

    Parameters
    ----------
    factors : pandas.DataFrame
        Indexed by group, one column per scenario (for example "complete",
        "MAR", "MNAR"), values in [0, 1]; the groups are drawn in the
        order of the index. A vertical line joins each group's values.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> from book.figures.hierarchical_missing import plot_shrinkage_change
    >>> table = pd.DataFrame({"complete": [0.2, 0.3], "MAR": [0.5, 0.3]},
    ...                      index=["School 1", "School 2"])
    >>> fig = plot_shrinkage_change(table)
    """
    import matplotlib.pyplot as plt

    if ax is None:
        fig, ax = plt.subplots(figsize=(7.5, 3.6), layout="constrained")
    else:
        fig = ax.figure
    values = factors.to_numpy(dtype=float)
    positions = np.arange(len(factors))
    ax.vlines(positions, np.nanmin(values, axis=1), np.nanmax(values, axis=1), color="grey",
              linewidth=1, zorder=1)  # fmt: skip
    markers = ("o", "s", "^", "D", "v")
    for k, column in enumerate(factors.columns):
        ax.scatter(positions, values[:, k], s=30, zorder=2, label=str(column),
                   color=SCENARIO_COLORS[k % 5], marker=markers[k % 5])  # fmt: skip
    ax.set_xticks(positions, [short_label(g) for g in factors.index])
    ax.set_xlabel(f"{factors.index.name or 'group'}")
    ax.set_ylabel("shrinkage factor $B_j$")
    ax.set_ylim(0, 1)
    ax.legend(frameon=False, ncols=len(factors.columns), loc="upper left")
    return fig


def plot_imputed_covariate(imputed, truth, *, band=None, level_label: str = "90%",
                           covariate: str = "w", ax=None):  # fmt: skip
    r"""Plot posterior summaries of imputed group covariates against their true values.

    Parameters
    ----------
    imputed : pandas.DataFrame
        Indexed by group (the groups whose covariate was imputed), with
        columns ``mean``, ``lower`` and ``upper``: posterior mean and
        interval of each imputed value.
    truth : pandas.Series
        True covariate values by group (at least the groups of ``imputed``).
    band : (float, float), optional
        A range to shade, e.g. the central interval of the covariate model
        alone, :math:`\hat\mu_w \pm 1.645\,\hat\sigma_w`.
    level_label : str, default "90%"
        Names the intervals in the legend.
    covariate : str, default "w"
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        Means and intervals (vertical) against the truth (horizontal), the
        identity line, and the band.

    Examples
    --------
    >>> import pandas as pd
    >>> from book.figures.hierarchical_missing import plot_imputed_covariate
    >>> imputed = pd.DataFrame({"mean": [0.2, -0.1], "lower": [-0.8, -1.0],
    ...                         "upper": [1.1, 0.9]}, index=["School 1", "School 4"])
    >>> truth = pd.Series([0.5, -0.4], index=["School 1", "School 4"])
    >>> fig = plot_imputed_covariate(imputed, truth, band=(-1.6, 1.6))
    """
    import matplotlib.pyplot as plt
    import pandas as pd

    from companion._validation import check_frame

    check_frame(imputed, "imputed")
    absent = [c for c in ("mean", "lower", "upper") if c not in imputed.columns]
    if absent:
        raise ValueError(f"`imputed` has no column(s) {absent}; pass posterior summaries.")
    if not isinstance(truth, pd.Series):
        raise TypeError(f"`truth` must be a pandas Series by group, got {type(truth).__name__}.")
    unknown = [g for g in imputed.index if g not in truth.index]
    if unknown:
        raise ValueError(f"`truth` has no value for group(s) {unknown[:5]}.")
    if ax is None:
        fig, ax = plt.subplots(figsize=(5.6, 4.6), layout="constrained")
    else:
        fig = ax.figure
    labels = list(imputed.index)
    mean = imputed["mean"].to_numpy(dtype=float)
    lower = imputed["lower"].to_numpy(dtype=float)
    upper = imputed["upper"].to_numpy(dtype=float)
    true = truth.loc[labels].to_numpy(dtype=float)
    if band is not None:
        ax.axhspan(*band, color="grey", alpha=0.15,
                   label=f"{level_label} range of the ${covariate}$ model alone")  # fmt: skip
    ax.errorbar(true, mean, yerr=[mean - lower, upper - mean], fmt="o", color="tab:blue",
                markersize=4, linewidth=1,
                label=f"imputed: mean and {level_label} interval")  # fmt: skip
    span = np.array([min(true.min(), lower.min()), max(true.max(), upper.max())])
    ax.plot(span, span, color="black", linestyle="--", linewidth=1, label="imputed = true")
    for x, y, label in zip(true, mean, labels, strict=True):
        ax.annotate(short_label(label), (x, y), xytext=(4, 2), textcoords="offset points",
                    fontsize=8)  # fmt: skip
    ax.set_xlabel(f"true ${covariate}_j$")
    ax.set_ylabel(f"imputed ${covariate}_j$")
    ax.legend(frameon=False, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=2,
              fontsize=8)  # fmt: skip
    return fig
