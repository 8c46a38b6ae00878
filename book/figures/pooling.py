"""Figures of the chapter "Pooling"."""

from __future__ import annotations

from companion.plots.style import POOLING_COLORS, short_label

#: Markers and line styles of the three methods, so that no figure tells them
#: apart by colour alone.
MARKERS = {"no pooling": "o", "partial pooling": "s", "complete pooling": "^", "truth": "D"}
LINESTYLES = {"no pooling": "-", "partial pooling": "--", "complete pooling": ":"}
#: Smallest font of the figures, in points: they are drawn about 7 inches
#: wide and shrink little on the printed page.
FONT = 9


def plot_pooling_panels(
    estimates,
    *,
    group: str = "school",
    population_mean: float | None = None,
):
    """Three views of complete, no and partial pooling in one figure.

    (a) each group's true mean and its three estimates side by side; (b) the
    shrinkage plot, partial- against no-pooling estimates, with arrows from
    the identity line; (c) a forest plot of the posterior intervals of the
    three models. The data themselves are a figure of their own
    (:func:`companion.plots.plot_group_data`).

    Parameters
    ----------
    estimates : pandas.DataFrame
        Output of :func:`companion.group_estimates` for fits keyed
        ``"no pooling"``, ``"partial pooling"`` and ``"complete pooling"``
        (with a ``truth`` column for (a) and (c) to show the truth).
    group : str, default "school"
    population_mean : float, optional
        Drawn as a dashed line, e.g. the posterior mean of the population
        mean.

    Returns
    -------
    matplotlib.figure.Figure
        With three axes: (a) and (b) side by side, (c) below them.

    Examples
    --------
    >>> fig = plot_pooling_panels(estimates)  # doctest: +SKIP
    >>> len(fig.axes)  # doctest: +SKIP
    3
    """
    import matplotlib.pyplot as plt

    wide, truth = _pool_wide(estimates, group)
    fig, axes = plt.subplot_mosaic([["a", "b"], ["c", "c"]], figsize=(7.2, 7.4),
                                   layout="constrained")  # fmt: skip
    _pool_columns_panel(axes["a"], wide, truth, population_mean)
    _pool_shrinkage_panel(axes["b"], wide, population_mean)
    _pool_forest_panel(axes["c"], wide, truth)
    for ax in axes.values():
        ax.tick_params(labelsize=FONT)
        ax.xaxis.label.set_size(FONT + 0.5)
        ax.yaxis.label.set_size(FONT + 0.5)
    return fig


def plot_pooling_risk(risk, *, bins: int = 10):
    """How far each estimator falls from the truth over simulated data sets.

    (a) the difference in RMSE over the schools of each data set between
    partial and no pooling; (b) the RMSE of each method by how far a
    school's true mean lies from the population mean. Methods differ in
    colour, marker and line style.

    Parameters
    ----------
    risk : pandas.DataFrame
        Output of :func:`book.studies.pooling.pooling_risk`.
    bins : int, default 10
        Number of equal-count distance bins in (b).

    Returns
    -------
    matplotlib.figure.Figure
        With two axes.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from book.studies.pooling import pooling_risk
    >>> fig = plot_pooling_risk(pooling_risk(n_sims=30, seed=1), bins=4)
    >>> len(fig.axes)
    2
    >>> plt.close(fig)
    """
    import matplotlib.pyplot as plt
    import numpy as np

    from book.studies.pooling import pooling_rmse
    from companion.hierarchical.summaries import METHODS

    per_sim = pooling_rmse(risk, by="sim").pivot(index="sim", columns="method", values="rmse")
    by_distance = pooling_rmse(risk, by="distance", bins=bins)
    fig, axes = plt.subplots(1, 2, figsize=(7.2, 3.3), layout="constrained")

    ax = axes[0]
    difference = per_sim["partial pooling"] - per_sim["no pooling"]
    counts, _, _ = ax.hist(difference, bins=40, color=POOLING_COLORS["partial pooling"],
                           alpha=0.7)  # fmt: skip
    ax.set_ylim(0, 1.3 * counts.max())  # room for the text above the bars
    ax.axvline(0, color="black", linewidth=1)
    ax.text(0.98, 0.97, f"partial pooling closer\nin {(difference < 0).mean():.0%} of data sets",
            transform=ax.transAxes, ha="right", va="top", fontsize=FONT)  # fmt: skip
    ax.set_xlabel("RMSE(partial) − RMSE(no pooling)")
    ax.set_ylabel("data sets")
    ax.set_title("(a) Partial against no pooling", loc="left", fontsize=10)

    ax = axes[1]
    for method in METHODS:
        rows = by_distance[by_distance["method"] == method]
        ax.plot(rows["distance"], rows["rmse"], marker=MARKERS[method], markersize=4.5,
                linestyle=LINESTYLES[method], color=POOLING_COLORS[method],
                label=method)  # fmt: skip
    shown = by_distance.loc[by_distance["method"] != METHODS[2], "rmse"]
    ax.set_ylim(0.85 * float(np.min(shown)), 1.3 * float(np.max(shown)))
    ax.set_xlabel("|true school mean − μ|")
    ax.set_ylabel("RMSE")
    ax.legend(frameon=False, fontsize=FONT, loc="lower right")
    ax.set_title("(b) By how extreme the school is", loc="left", fontsize=10)
    for ax in axes:
        ax.tick_params(labelsize=FONT)
    return fig


def _pool_columns(frame, columns, name):
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"`{name}` must be a pandas DataFrame, got {type(frame).__name__}.")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"`{name}` lacks column(s) {missing}; it has {list(frame.columns)}.")


def _pool_wide(estimates, group):
    """Estimates as one row per group, one column per method (plus ``truth``)."""
    from companion.hierarchical.summaries import METHODS

    _pool_columns(estimates, [group, "method", "mean", "lower", "upper"], "estimates")
    missing = [m for m in METHODS if m not in set(estimates["method"])]
    if missing:
        raise ValueError(
            f"`estimates` lacks method(s) {missing}: pass group_estimates of fits keyed "
            f"{list(METHODS)}."
        )
    wide = estimates.pivot_table(index=group, columns="method", values=["mean", "lower", "upper"],
                                 observed=True)  # fmt: skip
    truth = None
    if "truth" in estimates.columns:
        truth = estimates.groupby(group, observed=True)["truth"].first()
    return wide, truth


def _pool_spread(values, gap: float):
    """Label positions near ``values`` but at least ``gap`` apart (same order)."""
    import numpy as np

    values = np.asarray(values, dtype=float)
    order = np.argsort(values)
    placed = values[order].copy()
    for i in range(1, placed.size):
        placed[i] = max(placed[i], placed[i - 1] + gap)
    placed -= (placed - values[order]).mean()  # keep the labels centred on the points
    result = np.empty_like(placed)
    result[order] = placed
    return result


def _pool_columns_panel(ax, wide, truth, population_mean):
    """Panel: every group's estimate under truth and each method, side by side."""
    import numpy as np

    from companion.hierarchical.summaries import METHODS

    columns = (["truth"] if truth is not None else []) + list(METHODS)
    values = np.column_stack(
        ([truth.to_numpy()] if truth is not None else [])
        + [wide[("mean", m)].to_numpy() for m in METHODS]
    )
    x = np.arange(len(columns))
    gap = 0.055 * (np.ptp(values) or 1.0)
    label_y = _pool_spread(values[:, 0], gap)
    for row, label, y in zip(values, wide.index, label_y, strict=True):
        ax.plot(x, row, color="0.7", linewidth=0.8, zorder=1)
        ax.annotate(short_label(label), (x[0], row[0]), xytext=(x[0] - 0.3, y),
                    ha="right", va="center", fontsize=FONT,
                    arrowprops={"arrowstyle": "-", "color": "0.6", "linewidth": 0.5,
                                "shrinkA": 1, "shrinkB": 4})  # fmt: skip
    for j, column in enumerate(columns):
        ax.scatter(np.full(len(values), x[j]), values[:, j], s=24, zorder=2,
                   color=POOLING_COLORS[column], marker=MARKERS[column])  # fmt: skip
    if population_mean is not None:
        ax.axhline(population_mean, linestyle="--", color="grey", linewidth=1)
    ax.set_xticks(x, [c.replace(" pooling", "\npooling") for c in columns])
    ax.set_xlim(-0.9, x[-1] + 0.3)
    ax.set_ylabel("estimated mean")
    ax.set_title("(a) Estimates side by side", loc="left", fontsize=10)


def _pool_shrinkage_panel(ax, wide, population_mean):
    """Panel: partial- against no-pooling estimates, arrows from the identity line."""
    raw = wide[("mean", "no pooling")].to_numpy()
    partial = wide[("mean", "partial pooling")].to_numpy()
    low, high = min(raw.min(), partial.min()), max(raw.max(), partial.max())
    pad = 0.08 * (high - low)
    ax.plot([low - pad, high + pad], [low - pad, high + pad], color="grey", linestyle=":",
            linewidth=1, label="no shrinkage (y = x)")  # fmt: skip
    if population_mean is not None:
        ax.axhline(population_mean, color="grey", linestyle="--", linewidth=1,
                   label="population mean")  # fmt: skip
    label_y = _pool_spread(partial, 0.06 * (high - low))
    for x, y, label, text_y in zip(raw, partial, wide.index, label_y, strict=True):
        ax.annotate(
            "",
            xy=(x, y),
            xytext=(x, x),
            arrowprops={
                "arrowstyle": "-|>",
                "color": POOLING_COLORS["partial pooling"],
                "shrinkA": 0,
                "shrinkB": 2,
                "linewidth": 1.2,
            },
        )
        ax.text(x + 0.025 * (high - low), text_y, short_label(label), fontsize=FONT,
                va="center")  # fmt: skip
    ax.scatter(raw, partial, s=24, color=POOLING_COLORS["partial pooling"],
               marker=MARKERS["partial pooling"], zorder=3)  # fmt: skip
    ax.set_xlabel("no-pooling estimate (school mean)")
    ax.set_ylabel("partial-pooling estimate")
    ax.legend(loc="upper left", frameon=False, fontsize=FONT)
    ax.set_title("(b) Shrinkage towards the population mean", loc="left", fontsize=10)


def _pool_forest_panel(ax, wide, truth):
    """Panel: a forest plot of each group's interval under each method."""
    import numpy as np

    from companion.hierarchical.summaries import METHODS

    rows = np.arange(len(wide))[::-1]  # first group on top
    offsets = np.linspace(0.25, -0.25, len(METHODS))
    for method, offset in zip(METHODS, offsets, strict=True):
        y = rows + offset
        ax.hlines(y, wide[("lower", method)], wide[("upper", method)],
                  color=POOLING_COLORS[method], linewidth=1.6)  # fmt: skip
        ax.scatter(wide[("mean", method)], y, s=18, color=POOLING_COLORS[method], label=method,
                   marker=MARKERS[method], zorder=3)  # fmt: skip
    if truth is not None:
        ax.scatter(truth.to_numpy(), rows, marker="D", s=30, color=POOLING_COLORS["truth"],
                   edgecolors="black", linewidths=0.5, label="truth", zorder=4)  # fmt: skip
    ax.set_xlabel("school mean (posterior mean and interval)")
    ax.set_yticks(rows, [short_label(g) for g in wide.index])
    ax.set_ylabel(str(wide.index.name or "group"))
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=2, frameon=False,
              fontsize=FONT, handletextpad=0.2, columnspacing=0.8)  # fmt: skip
    ax.set_title("(c) Intervals", loc="left", fontsize=10, pad=34)
