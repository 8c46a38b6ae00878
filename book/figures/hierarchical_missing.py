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
    _label_points(ax, true, mean, [short_label(g) for g in labels])
    ax.set_xlabel(f"true ${covariate}_j$")
    ax.set_ylabel(f"imputed ${covariate}_j$")
    ax.legend(frameon=False, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=2,
              fontsize=8)  # fmt: skip
    return fig


# Where a label may go around its point: offsets in points and alignment.
_LABEL_SPOTS = (
    ((4, 2), "left", "bottom"),
    ((4, -2), "left", "top"),
    ((-4, 2), "right", "bottom"),
    ((-4, -2), "right", "top"),
    ((0, 6), "center", "bottom"),
    ((0, -6), "center", "top"),
    ((10, 10), "left", "bottom"),
    ((10, -10), "left", "top"),
    ((-10, 10), "right", "bottom"),
    ((-10, -10), "right", "top"),
    ((0, 16), "center", "bottom"),
    ((0, -16), "center", "top"),
)


def _label_points(ax, x, y, labels, *, fontsize=8):
    """Label each point, choosing a side where the label overlaps no earlier label.

    Points are labelled from left to right; each label takes the first of
    ``_LABEL_SPOTS`` whose box overlaps neither a label already placed nor
    another point, else the first that overlaps no label, else the first.
    """
    fig = ax.figure
    fig.canvas.draw()  # settle the layout and the axis limits first
    renderer = fig.canvas.get_renderer()
    points = ax.transData.transform(np.column_stack([x, y]))

    def put(k, offset, ha, va):
        text = ax.annotate(labels[k], (x[k], y[k]), xytext=offset, textcoords="offset points",
                           ha=ha, va=va, fontsize=fontsize)  # fmt: skip
        return text, text.get_window_extent(renderer).expanded(1.05, 1.1)

    def free(box, k, *, of_points):
        if any(box.overlaps(other) for other in placed):
            return False
        return not of_points or not any(box.contains(*p) for j, p in enumerate(points) if j != k)

    def first_free(k, *, of_points):
        for offset, ha, va in _LABEL_SPOTS:
            text, box = put(k, offset, ha, va)
            if free(box, k, of_points=of_points):
                return box
            text.remove()
        return None

    placed = []
    for k in np.argsort(x, kind="stable"):
        box = first_free(k, of_points=True) or first_free(k, of_points=False)
        placed.append(box or put(k, *_LABEL_SPOTS[0])[1])


def plot_rank_heatmaps(tables, *, order, vmax=0.5, ax=None):
    """Heat maps of each group's posterior rank probabilities, one panel per data set.

    Parameters
    ----------
    tables : mapping of str to pandas.DataFrame
        Data set name -> :func:`companion.hierarchical.group_ranks` table
        (groups by ranks, probabilities).
    order : sequence
        The groups from top to bottom, by their true rank: the true rank of
        the k-th group is k, drawn as a dotted diagonal.
    vmax : float or None, default 0.5
        The probability that gets the darkest colour; larger ones get it too
        (the colour bar ends in an arrow). Rank probabilities are mostly
        spread thin, so a scale up to 1 would leave nearly every cell pale.
        None: the largest probability in any table.
    ax : sequence of matplotlib.axes.Axes, optional
        One Axes per table; default a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        Shared axes and one colour scale, white to dark blue (square root of
        the probability, from 0 to ``vmax``), labelled at print size.

    Examples
    --------
    >>> import numpy as np
    >>> from companion.hierarchical import group_ranks
    >>> from book.figures.hierarchical_missing import plot_rank_heatmaps
    >>> draws = np.random.default_rng(1).normal([0.0, 1.0, 2.0], 1.0, size=(200, 3))
    >>> table = group_ranks(draws)
    >>> fig = plot_rank_heatmaps({"a": table, "b": table}, order=table.index[::-1])
    """
    import matplotlib.pyplot as plt
    from matplotlib.colors import PowerNorm

    from book.figures import panels

    names = list(tables)
    order = list(order)
    n_ranks = tables[names[0]].shape[1]
    if ax is None:
        fig, axes = plt.subplots(1, len(names), figsize=(7, 0.2 * len(order) + 1.7),
                                 sharex=True, sharey=True, layout="constrained")  # fmt: skip
        axes = np.atleast_1d(axes)
    else:
        axes = np.asarray(panels(ax, len(names)))
        fig = axes[0].figure
    top = max(float(tables[name].loc[order].to_numpy(dtype=float).max()) for name in names)
    scale_top = top if vmax is None else min(float(vmax), top)
    norm = PowerNorm(0.5, vmin=0, vmax=scale_top)
    image = None
    diagonal = np.arange(1, len(order) + 1)
    for panel, name in zip(axes, names, strict=True):
        values = tables[name].loc[order].to_numpy(dtype=float)
        image = panel.imshow(values, cmap="Blues", norm=norm, aspect="auto",
                             extent=(0.5, n_ranks + 0.5, len(order) - 0.5, -0.5))  # fmt: skip
        panel.plot(diagonal, diagonal - 1, linestyle=":", color="tab:orange", linewidth=1.2,
                   label="true rank")  # fmt: skip
        panel.set_title(name, fontsize=10)
        panel.set_xlabel("rank (1 = best)", fontsize=9)
        panel.set_xticks([1, *range(5, n_ranks + 1, 5)])
        panel.tick_params(labelsize=8)
    axes[0].set_yticks(range(len(order)), [short_label(g) for g in order])
    axes[0].set_ylabel("school, by true rank", fontsize=9)
    extend = "max" if top > scale_top else "neither"
    bar = fig.colorbar(image, ax=list(axes), shrink=0.8, aspect=30, extend=extend)
    bar.set_label("posterior probability", fontsize=9)
    bar.set_ticks([t for t in (0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0) if t <= scale_top])
    bar.ax.tick_params(labelsize=8)
    # the legend below the panels, where it covers no cell
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center",
               fontsize=8, frameon=False)  # fmt: skip
    return fig


def plot_imputed_variance(per_imputation, posterior, *, reference=None, level: float = 0.9,
                          labels=None, axes=None):  # fmt: skip
    r"""Between-school estimates of completed data sets beside a joint model's posterior.

    One panel per statistic (for example :math:`\tau` and the ICC). Each
    multiple-imputation method is a row of points, one per completed data
    set, with its average (Rubin's point estimate) as a vertical tick; the
    joint model is a row with its posterior mean and central interval.
    Methods differ by marker and colour; vertical lines mark reference
    values (dashed, dotted, ...).

    Parameters
    ----------
    per_imputation : dict of str to pandas.DataFrame
        For each imputation method, one row per completed data set and one
        column per statistic.
    posterior : dict of str to numpy.ndarray
        Posterior draws of each statistic (same names as the columns) of the
        joint model.
    reference : dict of str to dict of str to float, optional
        Reference lines: ``{label: {statistic: value}}``.
    level : float, default 0.9
        Level of the posterior interval.
    labels : dict of str to str, optional
        Axis label of each statistic (default: its name).
    axes : sequence of matplotlib.axes.Axes, optional
        One per statistic; default a new figure.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from book.figures.hierarchical_missing import plot_imputed_variance
    >>> runs = {"pmm": pd.DataFrame({"tau": [2.0, 2.5]}),
    ...         "2l.norm": pd.DataFrame({"tau": [4.0, 3.5]})}
    >>> fig = plot_imputed_variance(runs, {"tau": np.array([3.0, 4.0, 5.0])},
    ...                             reference={"complete data": {"tau": 4.2}})
    """
    import matplotlib.pyplot as plt

    if not isinstance(per_imputation, dict) or not per_imputation:
        raise TypeError("`per_imputation` must be a non-empty dict of method to DataFrame.")
    statistics = list(next(iter(per_imputation.values())).columns)
    missing = [s for s in statistics if s not in posterior]
    if missing:
        raise ValueError(f"`posterior` has no draws of {missing}.")
    if not 0 < level < 1:
        raise ValueError(f"`level` must be between 0 and 1, got {level}.")
    if axes is None:
        fig, axes = plt.subplots(1, len(statistics), figsize=(7.5, 3.2), sharey=True,
                                 layout="constrained", squeeze=False)  # fmt: skip
        axes = axes[0]
    fig = axes[0].figure
    axis_labels = dict(labels or {})
    labels = [*per_imputation, "joint Bayesian model"]
    rows = np.arange(len(labels))[::-1]
    markers = ("o", "s", "^", "v", "D")
    line_styles = ("--", ":", "-.")
    rng = np.random.default_rng(0)  # vertical jitter, for the eye only
    for ax, statistic in zip(axes, statistics, strict=True):
        for k, label in enumerate(per_imputation):
            values = per_imputation[label][statistic].to_numpy(dtype=float)
            jitter = rng.uniform(-0.15, 0.15, values.size)
            ax.scatter(values, rows[k] + jitter, s=18, marker=markers[k % 5],
                       facecolor="none", edgecolor=SCENARIO_COLORS[(k + 1) % 5],
                       linewidths=1)  # fmt: skip
            ax.plot([values.mean()] * 2, [rows[k] - 0.3, rows[k] + 0.3], color="black",
                    linewidth=2)  # fmt: skip
        draws = np.asarray(posterior[statistic], dtype=float).reshape(-1)
        lower, upper = np.quantile(draws, [(1 - level) / 2, (1 + level) / 2])
        ax.plot([lower, upper], [rows[-1]] * 2, color="black", linewidth=1.5)
        ax.plot([draws.mean()], [rows[-1]], marker="D", color="black", markersize=6)
        for j, (name, values) in enumerate((reference or {}).items()):
            if statistic in values:
                ax.axvline(values[statistic], color="grey",
                           linestyle=line_styles[j % 3], linewidth=1,
                           label=name)  # fmt: skip
        ax.set_xlabel(axis_labels.get(statistic, statistic))
    axes[0].set_yticks(rows, labels)
    axes[0].set_ylim(rows.min() - 0.6, rows.max() + 0.6)
    if reference:
        fig.legend(*axes[0].get_legend_handles_labels(), frameon=False, fontsize=8,
                   loc="outside upper center", ncols=len(reference))  # fmt: skip
    return fig
