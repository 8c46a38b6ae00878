"""Figures used by the book, as functions that return matplotlib figures.

Each function takes data or posterior draws and returns a
:class:`matplotlib.figure.Figure`, so a chapter's figure cell is one call.
matplotlib is imported inside the functions to keep ``import companion``
fast.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = [
    "MISSING_COLOR",
    "OBSERVED_COLOR",
    "POOLING_COLORS",
    "SCENARIO_COLORS",
    "plot_coefficient_intervals",
    "plot_exact_posterior",
    "plot_group_ppc",
    "plot_loo_comparison",
    "plot_missing_pattern",
    "plot_new_group_prediction",
    "plot_pareto_k",
    "plot_prior_predictive",
    "plot_rank_probabilities",
    "plot_sbc_ranks",
    "plot_school_data",
    "plot_school_estimates",
    "plot_tipping_point",
    "short_label",
]


# --- Shrinkage and the exact posterior (chapter "Shrinkage") -----------------


def plot_exact_posterior(post, tau_draws: np.ndarray | None = None, tau_max: float | None = None):
    r"""Marginal posterior of :math:`\tau` and conditional means :math:`E(\theta_j \mid \tau, y)`.

    Parameters
    ----------
    post : companion.NormalNormalPosterior
        From :func:`companion.normal_normal_posterior`.
    tau_draws : numpy.ndarray, optional
        MCMC draws of :math:`\tau` to overlay as a histogram.
    tau_max : float, optional
        Right end of the :math:`\tau` axis; by default the 99th percentile.

    Returns
    -------
    matplotlib.figure.Figure
        Left: :math:`p(\tau \mid y)`; right: each group's conditional
        posterior mean against :math:`\tau`, labelled at the right edge.

    Examples
    --------
    >>> from companion import normal_normal_posterior
    >>> fig = plot_exact_posterior(normal_normal_posterior([1.0, 5.0, 9.0, 4.0], 2.0))
    >>> len(fig.axes)
    2
    """
    import matplotlib.pyplot as plt

    tau_max = float(post.tau_quantile(0.99)) if tau_max is None else tau_max
    fig, (left, right) = plt.subplots(1, 2, figsize=(8.5, 3.8))
    shown = post.tau <= tau_max
    if tau_draws is not None:
        left.hist(tau_draws[tau_draws <= tau_max], bins=40, density=True, color="tab:blue",
                  alpha=0.35, label="MCMC draws")  # fmt: skip
        # Draws beyond tau_max are left out, so rescale the histogram to their share.
        for patch in left.patches:
            patch.set_height(patch.get_height() * np.mean(tau_draws <= tau_max))
    left.plot(post.tau[shown], post.density[shown], color="black", label="exact")
    left.set_xlabel(r"Between-group sd $\tau$")
    left.set_ylabel(r"$p(\tau \mid y)$")
    left.legend(frameon=False)

    grid = np.linspace(0, tau_max, 200)
    means, _ = post.theta_given_tau(grid)
    for j, label in enumerate(post.groups):
        line = right.plot(grid, means[:, j])[0]
        right.annotate(str(label), (grid[-1], means[-1, j]), xytext=(3, 0),
                       textcoords="offset points", va="center", color=line.get_color())  # fmt: skip
    right.set_xlabel(r"Between-group sd $\tau$")
    right.set_ylabel(r"$E(\theta_j \mid \tau, y)$")
    fig.tight_layout()
    return fig


# --- Pooling (chapter "Pooling: complete, none or partial?") ---------------------------------

#: Colours of the estimators and the truth, shared by the pooling figures.
def short_label(label: object) -> str:
    """A group label short enough for a crowded axis: "School 3" becomes "3".

    Examples
    --------
    >>> short_label("School 12"), short_label("Ward B")
    ('12', 'Ward B')
    """
    text = str(label)
    return text.removeprefix("School ")


POOLING_COLORS = {
    "truth": "tab:orange",
    "no pooling": "tab:blue",
    "partial pooling": "tab:purple",
    "complete pooling": "0.35",
}


def plot_school_data(
    data,
    *,
    truth=None,
    group: str = "school",
    outcome: str = "score",
    population_mean: float | None = None,
    ax=None,
    seed: int = 0,
):
    """Individual outcomes by group, with each group's sample mean (and true mean).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per unit, with columns ``group`` and ``outcome``.
    truth : pandas.Series, optional
        True group means indexed by group, drawn as diamonds.
    group, outcome : str, default "school", "score"
    population_mean : float, optional
        Drawn as a dashed horizontal line (e.g. the simulation's alpha).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure otherwise.
    seed : int, default 0
        Seed of the horizontal jitter of the points.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from companion import simulate_schools
    >>> data, truth = simulate_schools(seed=1, return_truth=True)
    >>> fig = plot_school_data(data, truth=truth, population_mean=75)
    >>> fig.axes[0].get_ylabel()
    'score'
    >>> plt.close(fig)
    """
    import matplotlib.pyplot as plt
    import numpy as np

    from companion.models import grouped_data

    d = grouped_data(data, group=group, outcome=outcome)
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.8), layout="constrained")
    rng = np.random.default_rng(seed)
    positions = np.arange(d.n_groups)
    ax.scatter(d.group_idx + rng.uniform(-0.2, 0.2, d.y.size), d.y, s=12, alpha=0.5,
               color="tab:blue", linewidths=0, label="student")  # fmt: skip
    ax.scatter(positions, d.group_means(), marker="_", s=600, linewidths=2.5, color="black",
               label="sample mean", zorder=3)  # fmt: skip
    if truth is not None:
        true_values = truth.reindex(d.groups).to_numpy(dtype=float)
        ax.scatter(positions, true_values, marker="D", s=36, color=POOLING_COLORS["truth"],
                   label="true mean", zorder=4)  # fmt: skip
    if population_mean is not None:
        ax.axhline(population_mean, linestyle="--", color="grey", linewidth=1)
    ax.set_xticks(positions, [short_label(g) for g in d.groups])
    ax.set_xlabel(group)
    ax.set_ylabel(outcome)
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=3, frameon=False,
              fontsize="small")  # fmt: skip
    return ax.figure


# --- Computation: the funnel and the parameterisations (chapter "Computation") ---


# --- Checking (chapter "Checking hierarchical models") ------------------------------------------


def plot_prior_predictive(
    prior,
    *,
    group: str = "school",
    n_lines: int = 50,
    limits: tuple[float, float] | None = None,
    xlabel: str = "Test score",
):
    r"""Prior predictive check: simulated data sets and the spread of their group means.

    Parameters
    ----------
    prior : xarray.DataTree
        From :func:`companion.sample_prior_predictive` (with ``prior``,
        ``prior_predictive``, ``observed_data`` and ``constant_data``).
    group : str, default "school"
        Name of the group dimension.
    n_lines : int, default 50
        Simulated data sets drawn as density curves in the left panel.
    limits : (low, high), optional
        Range of possible outcomes (e.g. ``(0, 100)`` for test scores), shaded
        outside.
    xlabel : str, default "Test score"

    Returns
    -------
    matplotlib.figure.Figure
        Left: kernel density estimates of ``n_lines`` simulated data sets
        (tall spikes are cut) and of the observed data; right: histogram of
        the standard deviation of the group means over all prior draws, with
        the observed value.

    Examples
    --------
    >>> from companion import hierarchical_model, sample_prior_predictive, simulate_schools
    >>> prior = sample_prior_predictive(hierarchical_model(simulate_schools(seed=1)),
    ...                                 draws=20, seed=1)
    >>> len(plot_prior_predictive(prior, n_lines=10).axes)
    2
    """
    import matplotlib.pyplot as plt
    from scipy import stats

    from companion.checking import group_statistic_draws

    observed = prior["observed_data"]["y"].to_numpy().ravel()
    simulated = prior["prior_predictive"]["y"].to_numpy().reshape(-1, observed.size)
    shown = simulated[: max(1, min(n_lines, len(simulated)))]
    low, high = np.quantile(shown, [0.005, 0.995])
    low, high = min(low, observed.min()), max(high, observed.max())
    grid = np.linspace(low, high, 300)
    fig, (left, right) = plt.subplots(1, 2, figsize=(8.5, 3.6))
    for i, data in enumerate(shown):
        left.plot(grid, stats.gaussian_kde(data)(grid), color="tab:blue", alpha=0.3,
                  linewidth=0.8, label="prior predictive" if i == 0 else None)  # fmt: skip
    observed_density = stats.gaussian_kde(observed)(grid)
    left.plot(grid, observed_density, color="black", linewidth=2, label="observed")
    # Data sets with a tiny sigma are tall spikes: cut them rather than flatten the rest.
    left.set_ylim(0, 3 * observed_density.max())
    left.set_xlim(low, high)
    if limits is not None:
        shade = {"color": "grey", "alpha": 0.2, "linewidth": 0}
        if low < limits[0]:
            left.axvspan(low, limits[0], label="impossible", **shade)
        if high > limits[1]:
            left.axvspan(limits[1], high, label=None if low < limits[0] else "impossible", **shade)
    left.set_xlabel(xlabel)
    left.set_ylabel("Density")
    left.legend(frameon=False, fontsize="small")

    observed_means, replicated_means = group_statistic_draws(
        prior, "mean", group=group, predictive="prior_predictive"
    )
    spread = replicated_means.std(axis=1)
    right.hist(spread, bins=40, color="tab:blue", alpha=0.5, label="prior predictive")
    right.axvline(observed_means.std(), color="black", linewidth=2, label="observed")
    right.set_xlabel(f"sd of the {group} means")
    right.set_ylabel("Simulated data sets")
    right.legend(frameon=False, fontsize="small")
    fig.tight_layout()
    return fig


def _check_hide_unused(axes, used: int, xlabel: str) -> None:
    """Hide the panels after the first ``used``; label the lowest panel of each column."""
    nrows, ncols = axes.shape
    for i, ax in enumerate(axes.flat):
        if i >= used:
            ax.set_visible(False)
        elif i + ncols >= used:
            ax.set_xlabel(xlabel)


def _check_extreme(p_value: float, alpha: float) -> bool:
    return p_value < alpha / 2 or p_value > 1 - alpha / 2


def plot_group_ppc(
    idata,
    stats: Sequence[str] = ("mean", "sd", "min", "max"),
    *,
    group: str = "school",
    prob: float = 0.9,
    ncols: int = 2,
):
    r"""Posterior predictive check of each group, one panel per test statistic.

    For each group, the bar is the central ``prob`` interval of the
    replicated statistic :math:`T(y^{\text{rep}}_j)` and the dot the observed
    :math:`T(y_j)`, red when its posterior predictive p-value is outside
    :math:`[(1 - \text{prob})/2,\ 1 - (1 - \text{prob})/2]`.

    Parameters
    ----------
    idata : xarray.DataTree
        A fit with posterior predictive draws (see
        :func:`companion.checking.group_test_statistics`).
    stats : sequence of str, default ("mean", "sd", "min", "max")
    group : str, default "school"
    prob : float, default 0.9
    ncols : int, default 2

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = plot_group_ppc(idata, ["mean", "sd"])  # doctest: +SKIP
    """
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    from companion.checking import group_test_statistics

    stats = [stats] if isinstance(stats, str) else list(stats)
    table = group_test_statistics(idata, stats, group=group, prob=prob)
    nrows = -(-len(stats) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(8.5, 2.7 * nrows + 0.4), squeeze=False)
    for ax, (name, rows) in zip(axes.flat, table.groupby("statistic", sort=False), strict=False):
        x = np.arange(len(rows))
        ax.vlines(x, rows["lower"], rows["upper"], color="tab:blue", linewidth=4, alpha=0.5)
        extreme = [_check_extreme(p, 1 - prob) for p in rows["p_value"]]
        colors = ["tab:red" if flag else "black" for flag in extreme]
        ax.scatter(x, rows["observed"], color=colors, zorder=3, s=22)
        ax.set_title(f"T = {name}", fontsize="medium")
        ax.set_ylabel(f"{name} of scores")
        ax.set_xticks(x, [str(label).replace("School ", "") for label in rows[group]])
    _check_hide_unused(axes, len(stats), group.capitalize())
    handles = [
        Line2D([], [], color="tab:blue", linewidth=4, alpha=0.5,
               label=f"replicated, {prob:.0%} interval"),
        Line2D([], [], color="black", marker="o", linestyle="", label="observed"),
        Line2D([], [], color="tab:red", marker="o", linestyle="",
               label=f"observed, p < {(1 - prob) / 2:g} or > {1 - (1 - prob) / 2:g}"),
    ]  # fmt: skip
    fig.legend(handles=handles, loc="lower center", ncols=3, frameon=False, fontsize="small")
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    return fig


def plot_new_group_prediction(new_unit, new_group, *, label: str = "existing school",
                              prob: float = 0.9):  # fmt: skip
    r"""Predictions for an existing group and for a new group, means and units.

    Parameters
    ----------
    new_unit : pandas.DataFrame
        From :func:`companion.checking.predict_new_unit` (``theta``, ``y_new``).
    new_group : pandas.DataFrame
        From :func:`companion.checking.predict_new_group` (``theta_new``,
        ``y_new``).
    label : str
        Name of the existing group, for the legend.
    prob : float, default 0.9
        Central intervals marked below each histogram.

    Returns
    -------
    matplotlib.figure.Figure
        Left: the existing group's mean :math:`\theta_j` and a new group's
        mean :math:`\tilde\theta`; right: a new unit in each.

    Examples
    --------
    >>> import pandas as pd
    >>> unit = pd.DataFrame({"theta": [1.0, 2.0, 3.0], "y_new": [0.0, 2.0, 5.0]})
    >>> new = pd.DataFrame({"theta_new": [0.0, 2.0, 4.0], "y_new": [-3.0, 2.0, 7.0]})
    >>> len(plot_new_group_prediction(unit, new).axes)
    2
    """
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(8.5, 3.6))
    panels = (
        (axes[0], new_unit["theta"], new_group["theta_new"], "Mean score of the school"),
        (axes[1], new_unit["y_new"], new_group["y_new"], "Score of a new student"),
    )
    tail = (1 - prob) / 2
    for ax, existing, new, xlabel in panels:
        values = np.concatenate([existing, new])
        bins = np.linspace(*np.quantile(values, [0.001, 0.999]), 50)
        for draws, color, name in ((existing, "tab:blue", label), (new, "tab:orange",
                                                                   "a new school")):  # fmt: skip
            ax.hist(draws, bins=bins, density=True, histtype="stepfilled", alpha=0.35,
                    color=color, label=name)  # fmt: skip
        ymax = ax.get_ylim()[1]
        for k, (draws, color) in enumerate(((existing, "tab:blue"), (new, "tab:orange"))):
            lo, hi = np.quantile(draws, [tail, 1 - tail])
            ax.plot([lo, hi], [-(0.05 + 0.05 * k) * ymax] * 2, color=color, linewidth=3)
        ax.set_ylim(-0.14 * ymax, ymax)
        ax.set_xlabel(xlabel)
        ax.set_ylabel("Density")
    axes[0].legend(frameon=False, fontsize="small")
    fig.tight_layout()
    return fig


def plot_loo_comparison(comparison):
    r"""ELPD differences from the best model, with :math:`\pm 2` standard errors.

    Parameters
    ----------
    comparison : pandas.DataFrame
        From :func:`companion.checking.compare_loo`.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"elpd_diff": [0.0, -3.0], "dse": [0.0, 1.0]}, index=["a", "b"])
    >>> plot_loo_comparison(table).axes[0].get_xlabel()
    'ELPD difference from the best model'
    """
    import matplotlib.pyplot as plt

    y = np.arange(len(comparison))[::-1]
    fig, ax = plt.subplots(figsize=(6.5, 0.6 * len(comparison) + 1.2))
    ax.errorbar(comparison["elpd_diff"], y, xerr=2 * comparison["dse"], fmt="o", color="black",
                capsize=4)  # fmt: skip
    ax.axvline(0, color="grey", linestyle="--", linewidth=1)
    ax.set_yticks(y, comparison.index)
    ax.set_ylim(y.min() - 0.6, y.max() + 0.6)
    ax.set_xlabel("ELPD difference from the best model")
    fig.tight_layout()
    return fig


def plot_pareto_k(models, *, threshold: float = 0.7):
    r"""Pareto :math:`\hat k` of each observation's PSIS-LOO weights, one panel per model.

    Parameters
    ----------
    models : dict of str to xarray.DataTree or pandas.Series
        Fitted models, or their :func:`companion.checking.pareto_k` values.
    threshold : float, default 0.7
        Values above it (red) make the LOO estimate for that observation
        unreliable.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> k = {"m": pd.Series([0.1, 0.8], index=pd.Index(["A", "B"], name="school"))}
    >>> plot_pareto_k(k).axes[0].get_ylabel()
    'Pareto $\\hat k$'
    """
    import matplotlib.pyplot as plt
    import pandas as pd

    from companion.checking import pareto_k

    values = {name: m if isinstance(m, pd.Series) else pareto_k(m) for name, m in models.items()}
    fig, axes = plt.subplots(1, len(values), figsize=(8.5, 3.2), sharey=True, squeeze=False)
    top = max(1.0, max(float(k.max()) for k in values.values()) + 0.05)
    for ax, (name, k) in zip(axes[0], values.items(), strict=True):
        x = np.arange(len(k))
        high = k.to_numpy() > threshold
        ax.scatter(x[~high], k.to_numpy()[~high], color="black", s=18)
        ax.scatter(x[high], k.to_numpy()[high], color="tab:red", s=24, marker="D")
        ax.axhline(threshold, color="tab:red", linestyle="--", linewidth=1)
        ax.set_title(name, fontsize="medium")
        if len(k) <= 20:
            ax.set_xticks(x, [str(label) for label in k.index])
        ax.set_xlabel(str(k.index.name or "observation"))
        ax.set_ylim(min(0.0, float(k.min()) - 0.05), top)
    axes[0, 0].set_ylabel(r"Pareto $\hat k$")
    fig.tight_layout()
    return fig


def plot_sbc_ranks(
    ranks,
    *,
    bins: int = 20,
    n_draws: int | None = None,
    prob: float = 0.99,
    columns: Sequence[str] | None = None,
    ncols: int = 4,
):
    r"""Rank histograms of simulation-based calibration with a binomial band.

    If the ranks are uniform, the count in bin :math:`b` is
    :math:`\text{Binomial}(N, p_b)`; the grey band covers its central
    ``prob`` interval, so about ``(1 - prob)`` of the bars are expected
    outside it by chance.

    Parameters
    ----------
    ranks : pandas.DataFrame
        From :func:`companion.sbc.sbc_ranks` or
        :func:`companion.sbc.simulation_based_calibration`.
    bins : int, default 20
    n_draws : int, optional
        :math:`L`, read from ``ranks.attrs`` when not given.
    prob : float, default 0.99
    columns : sequence of str, optional
        Parameters to show (default all).
    ncols : int, default 4

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> from companion import sbc_ranks
    >>> rng = np.random.default_rng(1)  # a calibrated "posterior": 40 replicates, 20 draws
    >>> truth = {"mu": rng.normal(size=40), "tau": rng.normal(size=40)}
    >>> draws = {name: rng.normal(size=(40, 20)) for name in truth}
    >>> len(plot_sbc_ranks(sbc_ranks(truth, draws), bins=5, ncols=2).axes)
    2
    """
    import matplotlib.pyplot as plt
    from scipy import stats

    from companion.sbc import binned_ranks

    shown = ranks if columns is None else ranks[list(columns)]
    counts, probabilities = binned_ranks(shown, bins=bins, n_draws=n_draws)
    n = len(shown)
    lower = stats.binom.ppf((1 - prob) / 2, n, probabilities)
    upper = stats.binom.ppf(1 - (1 - prob) / 2, n, probabilities)
    ncols = min(ncols, counts.shape[1])
    nrows = -(-counts.shape[1] // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(8.5, 2.0 * nrows + 0.5), squeeze=False,
                             sharey=True)  # fmt: skip
    edges = np.arange(bins + 1)
    for ax, name in zip(axes.flat, counts.columns, strict=False):
        ax.fill_between(edges, np.append(lower, lower[-1]), np.append(upper, upper[-1]),
                        step="post", color="grey", alpha=0.3, linewidth=0)  # fmt: skip
        ax.stairs(counts[name].to_numpy(), edges, fill=True, color="tab:blue", alpha=0.7)
        for bound in (lower, upper):  # band edges on top of the bars
            ax.stairs(bound, edges, color="grey", linewidth=0.8)
        ax.axhline(n / bins, color="black", linewidth=0.8)
        ax.set_title(str(name), fontsize="small")
        ax.set_xticks([0, bins / 2, bins], ["0", "L/2", "L"])
    _check_hide_unused(axes, counts.shape[1], "Rank")
    for ax in axes[:, 0]:
        ax.set_ylabel("Replicates")
    fig.tight_layout()
    return fig


# --- Missing-data patterns and mechanisms (chapter "Why values are missing") --

#: Colours for observed and missing cells, used by every missing-data figure.
OBSERVED_COLOR = "#4C72B0"
MISSING_COLOR = "#C44E52"


def plot_missing_pattern(df, columns: Sequence | None = None, ax=None):
    """Draw the missing-data pattern table as a grid, in the style of mice's ``md.pattern``.

    Each row is a pattern (blue: observed, red: missing). The left margin
    gives how many rows have the pattern, the right margin how many
    variables it misses, and the bottom margin how many values each
    variable misses.

    Parameters
    ----------
    df : pandas.DataFrame
        Incomplete data.
    columns : list of column names, optional
        Columns to show; default all.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from companion import plot_missing_pattern
    >>> df = pd.DataFrame({"x": [1.0, np.nan, 3.0], "y": [np.nan, 2.0, 1.0]})
    >>> fig = plot_missing_pattern(df)
    """
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap

    from companion.patterns import missing_pattern

    table = missing_pattern(df, columns)
    body, total = table.drop(index="total"), table.loc["total"]
    variables = [c for c in table.columns if c not in ("rows", "missing_vars")]
    if ax is None:
        fig, ax = plt.subplots(
            figsize=(2.2 + 1.1 * len(variables), 1.0 + 0.4 * len(body)), layout="constrained"
        )
    else:
        fig = ax.figure
    cells = body[variables].to_numpy()
    ax.imshow(cells, cmap=ListedColormap([MISSING_COLOR, OBSERVED_COLOR]), vmin=0, vmax=1,
              aspect="auto")  # fmt: skip
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
    ax.set_xlabel(f"values missing per variable (total {total['missing_vars']})", labelpad=18)
    return fig


# --- Multiple imputation (chapter "Multiple imputation and Rubin's rules") ---


def plot_coefficient_intervals(
    tables,
    parameters: Sequence | None = None,
    *,
    truth=None,
    level_label: str = "95% interval",
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

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> from companion import plot_coefficient_intervals
    >>> t = pd.DataFrame({"estimate": [1.0], "ci_lower": [0.5], "ci_upper": [1.5]}, index=["b"])
    >>> fig = plot_coefficient_intervals({"A": t, "B": t}, truth={"b": 1.0})
    """
    import matplotlib.pyplot as plt

    labels = list(tables)
    if parameters is None:
        parameters = list(tables[labels[0]].index)
    fig, axes = plt.subplots(
        1, len(parameters), figsize=(3.2 * len(parameters) + 1.2, 0.55 * len(labels) + 1.4),
        sharey=True, layout="constrained", squeeze=False,
    )
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for ax, name in zip(axes[0], parameters, strict=True):
        for k, label in enumerate(labels):
            row = tables[label].loc[name]
            y = len(labels) - 1 - k
            ax.plot([row["ci_lower"], row["ci_upper"]], [y, y], color=colors[k % len(colors)],
                    linewidth=2.5, solid_capstyle="butt")  # fmt: skip
            ax.plot(row["estimate"], y, "o", color=colors[k % len(colors)], markersize=6)
        if truth is not None and name in truth:
            ax.axvline(truth[name], color="0.3", linestyle="--", linewidth=1, label="true value")
            ax.legend(loc="best", fontsize="small", frameon=False)
        ax.set_title(str(name))
        ax.set_xlabel(f"estimate and {level_label}")
        ax.set_yticks(range(len(labels)), labels[::-1])
        ax.set_ylim(-0.6, len(labels) - 0.4)
    return fig


# --- Missing not at random (chapter "Missing not at random") -----------------


def plot_tipping_point(table, *, tipping: float | None = None, truth: float | None = None,
                       marks=None, ylabel: str | None = None, ax=None):
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

    Returns
    -------
    matplotlib.figure.Figure
        The legend sits to the right of the axes, clear of the lines.

    Examples
    --------
    >>> import pandas as pd
    >>> from companion import plot_tipping_point
    >>> table = pd.DataFrame({"delta": [-1.0, 0.0, 1.0], "estimate": [0.0, 1.0, 2.0],
    ...                       "ci_lower": [-0.5, 0.5, 1.5], "ci_upper": [0.5, 1.5, 2.5]})
    >>> fig = plot_tipping_point(table, tipping=-0.5)
    """
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
    ax.legend(frameon=False, fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return fig


# --- Hierarchical models with missing data (chapter "Hierarchical models with missing data")

#: Colours of the data scenarios of the chapter (complete data and mechanisms).
SCENARIO_COLORS = ("black", "tab:blue", "tab:red", "tab:green", "tab:purple")


def plot_school_estimates(estimates, truth=None, *, xlabel: str = "school mean"):
    """Posterior intervals of each group's mean under several scenarios, with the truth.

    Parameters
    ----------
    estimates : mapping of str to pandas.DataFrame
        Scenario name -> table indexed by group with columns ``mean``,
        ``lower`` and ``upper``; all tables cover the same groups.
    truth : pandas.Series, optional
        True values by group, drawn as diamonds; the groups are sorted by it.
    xlabel : str, default "school mean"

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> from companion import plot_school_estimates
    >>> t = pd.DataFrame({"mean": [70.0, 80.0], "lower": [65.0, 75.0],
    ...                   "upper": [75.0, 85.0]}, index=["A", "B"])
    >>> fig = plot_school_estimates({"complete": t}, truth=pd.Series([71.0, 79.0], ["A", "B"]))
    """
    import matplotlib.pyplot as plt

    names = list(estimates)
    groups = list(estimates[names[0]].index)
    if truth is not None:
        groups = list(truth.reindex(groups).sort_values().index)
    fig, ax = plt.subplots(figsize=(7.5, 0.32 * len(groups) + 1.4), layout="constrained")
    positions = np.arange(len(groups))
    step = 0.7 / max(len(names), 1)
    for k, name in enumerate(names):
        table = estimates[name].loc[groups]
        offset = (k - (len(names) - 1) / 2) * step
        ax.errorbar(table["mean"], positions + offset,
                    xerr=[table["mean"] - table["lower"], table["upper"] - table["mean"]],
                    fmt="o", markersize=3.5, linewidth=1, color=SCENARIO_COLORS[k % 5],
                    label=name)  # fmt: skip
    if truth is not None:
        ax.scatter(truth.loc[groups], positions, marker="D", s=28, color="gold",
                   edgecolor="black", linewidths=0.6, zorder=4, label="truth")  # fmt: skip
    ax.set_yticks(positions, [str(g) for g in groups])
    ax.set_xlabel(xlabel)
    ax.legend(frameon=False, ncols=len(names) + 1, loc="lower center",
              bbox_to_anchor=(0.5, 1.0))  # fmt: skip
    return fig


def plot_rank_probabilities(tables, *, order=None):
    """Heat maps of the posterior rank probabilities of each group, one per scenario.

    Parameters
    ----------
    tables : mapping of str to pandas.DataFrame
        Scenario name -> :func:`companion.school_ranks` table (groups by ranks).
    order : sequence, optional
        Order of the groups from top to bottom (e.g. by true rank); default
        the first table's index.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> from companion import plot_rank_probabilities, school_ranks
    >>> draws = np.random.default_rng(1).normal([0.0, 1.0, 2.0], 1.0, size=(200, 3))
    >>> fig = plot_rank_probabilities({"toy": school_ranks(draws)})
    """
    import matplotlib.pyplot as plt
    from matplotlib.colors import PowerNorm

    names = list(tables)
    first = tables[names[0]]
    order = list(first.index) if order is None else list(order)
    n_ranks = first.shape[1]
    fig, axes = plt.subplots(1, len(names), figsize=(3.3 * len(names) + 1.0, 0.22 * len(order)
                             + 1.6), sharey=True, layout="constrained", squeeze=False)  # fmt: skip
    image = None
    for ax, name in zip(axes[0], names, strict=True):
        values = tables[name].loc[order].to_numpy(dtype=float)
        # A square-root colour scale keeps probabilities of 0.05 to 0.3 visible.
        image = ax.imshow(values, cmap="Greys", norm=PowerNorm(0.5, vmin=0, vmax=1),
                          aspect="auto",
                          extent=(0.5, n_ranks + 0.5, len(order) - 0.5, -0.5))  # fmt: skip
        ax.set_title(name)
        ax.set_xlabel("rank (1 = best)")
        ticks = [1, *range(5, n_ranks + 1, 5)]
        ax.set_xticks(ticks)
    axes[0, 0].set_yticks(range(len(order)), [str(g) for g in order])
    bar = fig.colorbar(image, ax=axes[0].tolist(), shrink=0.8, label="posterior probability")
    bar.set_ticks([0, 0.05, 0.2, 0.5, 1])
    return fig


# --- Bayesian imputation (chapter "Bayesian imputation") ---------------------


# --- Scaling up (chapter "Scaling up") ---------------------------------------------------

