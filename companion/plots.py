"""Figures used by the book, as functions that return matplotlib figures.

Each function takes data or posterior draws and returns a
:class:`matplotlib.figure.Figure`, so a chapter's figure cell is one call.
matplotlib is imported inside the functions to keep ``import companion``
fast.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from companion._validation import check_posterior

__all__ = [
    "plot_bayesian_imputation",
    "plot_coefficient_intervals",
    "plot_complete_case_bias",
    "plot_coverage",
    "plot_efron_morris",
    "plot_exact_posterior",
    "plot_exact_vs_mcmc",
    "plot_funnel",
    "plot_group_ppc",
    "plot_imputed_covariate",
    "plot_loo_comparison",
    "plot_mechanisms",
    "plot_missing_pattern",
    "plot_naive_ratio",
    "plot_new_group_prediction",
    "plot_parameterization_comparison",
    "plot_pareto_k",
    "plot_pooled_by_m",
    "plot_pooling_panels",
    "plot_pooling_risk",
    "plot_prior_predictive",
    "plot_rank_probabilities",
    "plot_sbc_ranks",
    "plot_scaling",
    "plot_school_data",
    "plot_school_estimates",
    "plot_selection_posteriors",
    "plot_shrinkage_change",
    "plot_shrinkage_curves",
    "plot_tipping_point",
]


# --- Shrinkage and the exact posterior (chapter "Shrinkage") -----------------


def plot_shrinkage_curves(
    sigma: float = 12.0,
    taus: Sequence[float] = (2.0, 4.0, 8.0, 16.0),
    n_max: int = 60,
    marked_n: Sequence[int] | None = None,
):
    r"""Shrinkage factor :math:`B = \sigma^2/n / (\sigma^2/n + \tau^2)` against group size.

    Parameters
    ----------
    sigma : float, default 12
        Within-group standard deviation.
    taus : sequence of float
        Between-group standard deviations, one curve each.
    n_max : int, default 60
        Largest group size shown.
    marked_n : sequence of int, optional
        Group sizes to mark with a rug (for example the schools in the data).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = plot_shrinkage_curves(marked_n=[15, 25])
    >>> fig.axes[0].get_xlabel()
    'Students in the school, $n_j$'
    """
    import matplotlib.pyplot as plt

    from companion.shrinkage import shrinkage_factors

    n = np.arange(1, n_max + 1)
    fig, ax = plt.subplots(figsize=(6.5, 3.8))
    for tau in taus:
        ax.plot(n, shrinkage_factors(sigma, tau, n=n), label=rf"$\tau = {tau:g}$")
    if marked_n is not None:
        ax.plot(marked_n, np.zeros(len(marked_n)), "|", color="black", markersize=12,
                label="schools in the data")  # fmt: skip
    ax.set_xlabel("Students in the school, $n_j$")
    ax.set_ylabel("Shrinkage factor $B_j$")
    ax.set_ylim(-0.02, 1.02)
    ax.legend(frameon=False)
    fig.tight_layout()
    return fig


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


def plot_exact_vs_mcmc(post, idata, var_name: str = "theta"):
    r"""Posterior mean :math:`\pm` 1 sd of each group: exact against MCMC.

    Parameters
    ----------
    post : companion.NormalNormalPosterior
    idata : xarray.DataTree
        An MCMC fit of the same model and priors.
    var_name : str, default "theta"
        Name of the group means in ``idata.posterior``.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import arviz as az
    >>> from companion import normal_normal_posterior
    >>> post = normal_normal_posterior([1.0, 5.0, 9.0, 4.0], 2.0)
    >>> draws = post.sample(400, seed=1)["theta"][None]
    >>> fig = plot_exact_vs_mcmc(post, az.from_dict({"posterior": {"theta": draws}}))
    >>> fig.axes[0].get_ylabel()
    '$\\theta_j$'
    """
    import matplotlib.pyplot as plt

    theta = idata.posterior[var_name]
    sample_dims = [d for d in theta.dims if d in ("chain", "draw")]
    mcmc_mean = theta.mean(sample_dims).to_numpy()
    mcmc_sd = theta.std(sample_dims).to_numpy()
    x = np.arange(len(post.groups))
    fig, ax = plt.subplots(figsize=(6.5, 3.6))
    ax.errorbar(x - 0.1, post.theta_mean, post.theta_sd, fmt="o", color="black", capsize=3,
                label="exact")  # fmt: skip
    ax.errorbar(x + 0.1, mcmc_mean, mcmc_sd, fmt="s", color="tab:orange", capsize=3,
                label="MCMC")  # fmt: skip
    ax.set_xticks(x, [str(g) for g in post.groups])
    ax.set_xlabel("Group")
    ax.set_ylabel(r"$\theta_j$")
    ax.legend(frameon=False, ncols=2)
    fig.tight_layout()
    return fig


def plot_naive_ratio(distance: np.ndarray, naive: np.ndarray, expected: np.ndarray):
    r"""The naive shrinkage ratio against the raw estimate's distance from the centre.

    Parameters
    ----------
    distance : numpy.ndarray
        Raw estimate minus the estimated centre, one value per group and data set.
    naive : numpy.ndarray
        :func:`companion.naive_shrinkage_ratio` for the same groups.
    expected : numpy.ndarray
        The posterior mean shrinkage factor :math:`E(B_j \mid y)` for the same groups.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = plot_naive_ratio(np.array([-1.0, 0.1, 2.0]), np.array([0.2, 3.0, 0.25]),
    ...                        np.array([0.2, 0.2, 0.2]))
    >>> fig.axes[0].get_xlabel()
    'Raw school mean minus estimated population mean'
    """
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.5, 3.8))
    ax.scatter(distance, expected, s=6, alpha=0.4, color="tab:blue",
               label=r"$E(B_j \mid y)$")  # fmt: skip
    ax.scatter(distance, naive, s=6, alpha=0.5, color="tab:red", label="naive ratio")
    ax.axhline(0, color="grey", linewidth=0.8)
    ax.axhline(1, color="grey", linewidth=0.8)
    ax.set_ylim(-1.5, 2.5)
    ax.set_xlabel("Raw school mean minus estimated population mean")
    ax.set_ylabel("Shrinkage")
    ax.legend(frameon=False, markerscale=3)
    fig.tight_layout()
    return fig


def plot_efron_morris(early, shrunk, rest, labels: Sequence[str] | None = None):
    """Early-season averages, their James-Stein shrinkage and the rest-of-season truth.

    Parameters
    ----------
    early, shrunk, rest : array-like
        One value per player: raw early average, shrunken estimate, and the
        average over the rest of the season.
    labels : sequence of str, optional
        Player names, written next to the early averages.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = plot_efron_morris([0.4, 0.2], [0.3, 0.25], [0.29, 0.27])
    >>> [t.get_text() for t in fig.axes[0].get_xticklabels()]
    ['First 45 at-bats', 'James-Stein', 'Rest of season']
    """
    import matplotlib.pyplot as plt

    early, shrunk, rest = (np.asarray(v, dtype=float) for v in (early, shrunk, rest))
    fig, ax = plt.subplots(figsize=(6.5, 4.6))
    for e, s, r in zip(early, shrunk, rest, strict=True):
        ax.plot([0, 1], [e, s], color="tab:blue", alpha=0.7)
        ax.plot([1, 2], [s, r], color="grey", alpha=0.7, linestyle="--")
    ax.scatter(np.zeros_like(early), early, color="tab:blue", zorder=3)
    ax.scatter(np.ones_like(shrunk), shrunk, color="tab:orange", zorder=3)
    ax.scatter(np.full_like(rest, 2), rest, color="black", zorder=3)
    if labels is not None:
        # Players with the same early average share one label instead of overprinting.
        names_at: dict[float, list[str]] = {}
        for name, value in zip(labels, early, strict=True):
            names_at.setdefault(round(float(value), 6), []).append(str(name))
        for value, names in names_at.items():
            ax.annotate(", ".join(names), (0, value), xytext=(-6, 0), textcoords="offset points",
                        ha="right", va="center", fontsize=6.5)  # fmt: skip
    ax.set_xticks([0, 1, 2], ["First 45 at-bats", "James-Stein", "Rest of season"])
    ax.set_xlim(-1.6, 2.3)
    ax.set_ylabel("Batting average")
    fig.tight_layout()
    return fig


# --- Pooling (chapter "Pooling: complete, none or partial?") ---------------------------------

#: Colours of the estimators and the truth, shared by the pooling figures.
POOLING_COLORS = {
    "truth": "tab:orange",
    "no pooling": "tab:blue",
    "partial pooling": "tab:purple",
    "complete pooling": "0.35",
}


def _pool_columns(frame, columns, name):
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"`{name}` must be a pandas DataFrame, got {type(frame).__name__}.")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"`{name}` lacks column(s) {missing}; it has {list(frame.columns)}.")


def _pool_wide(estimates, group):
    """Estimates as one row per group, one column per method (plus ``truth``)."""
    from companion.pooling import METHODS

    _pool_columns(estimates, [group, "method", "mean", "lower", "upper"], "estimates")
    missing = [m for m in METHODS if m not in set(estimates["method"])]
    if missing:
        raise ValueError(
            f"`estimates` lacks method(s) {missing}: pass pooling_estimates of fits keyed "
            f"{list(METHODS)}."
        )
    wide = estimates.pivot_table(index=group, columns="method", values=["mean", "lower", "upper"],
                                 observed=True)  # fmt: skip
    truth = None
    if "truth" in estimates.columns:
        truth = estimates.groupby(group, observed=True)["truth"].first()
    return wide, truth


def _pool_short(label) -> str:
    """'School 3' -> '3'; other labels unchanged."""
    text = str(label)
    return text.removeprefix("School ") if text.startswith("School ") else text


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
    ax.set_xticks(positions, [_pool_short(g) for g in d.groups])
    ax.set_xlabel(group)
    ax.set_ylabel(outcome)
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=3, frameon=False,
              fontsize="small")  # fmt: skip
    return ax.figure


def _pool_columns_panel(ax, wide, truth, population_mean):
    """Panel: every group's estimate under truth and each method, side by side."""
    import numpy as np

    from companion.pooling import METHODS

    columns = (["truth"] if truth is not None else []) + list(METHODS)
    values = np.column_stack(
        ([truth.to_numpy()] if truth is not None else [])
        + [wide[("mean", m)].to_numpy() for m in METHODS]
    )
    x = np.arange(len(columns))
    gap = 0.045 * (np.ptp(values) or 1.0)
    label_y = _pool_spread(values[:, 0], gap)
    for row, label, y in zip(values, wide.index, label_y, strict=True):
        ax.plot(x, row, color="0.7", linewidth=0.8, zorder=1)
        ax.text(x[0] - 0.12, y, _pool_short(label), ha="right", va="center", fontsize=7)
    for j, column in enumerate(columns):
        marker = "D" if column == "truth" else "o"
        ax.scatter(np.full(len(values), x[j]), values[:, j], s=28, zorder=2,
                   color=POOLING_COLORS[column], marker=marker)  # fmt: skip
    if population_mean is not None:
        ax.axhline(population_mean, linestyle="--", color="grey", linewidth=1)
    ax.set_xticks(x, [c.replace(" pooling", "\npooling") for c in columns])
    ax.set_xlim(-0.6, x[-1] + 0.3)
    ax.set_ylabel("estimated mean")
    ax.set_title("(b) Estimates side by side", loc="left", fontsize="medium")


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
    label_y = _pool_spread(partial, 0.045 * (high - low))
    for x, y, label, text_y in zip(raw, partial, wide.index, label_y, strict=True):
        ax.annotate("", xy=(x, y), xytext=(x, x),
                    arrowprops={"arrowstyle": "->", "color": POOLING_COLORS["partial pooling"]})
        ax.text(x + 0.02 * (high - low), text_y, _pool_short(label), fontsize=7, va="center")
    ax.scatter(raw, partial, s=28, color=POOLING_COLORS["partial pooling"], zorder=3)
    ax.set_xlabel("no-pooling estimate (school mean)")
    ax.set_ylabel("partial-pooling estimate")
    ax.legend(loc="upper left", frameon=False, fontsize="small")
    ax.set_title("(c) Shrinkage towards the population mean", loc="left", fontsize="medium")


def _pool_forest_panel(ax, wide, truth):
    """Panel: a forest plot of each group's interval under each method."""
    import numpy as np

    from companion.pooling import METHODS

    rows = np.arange(len(wide))[::-1]  # first group on top
    offsets = np.linspace(0.25, -0.25, len(METHODS))
    for method, offset in zip(METHODS, offsets, strict=True):
        y = rows + offset
        ax.hlines(y, wide[("lower", method)], wide[("upper", method)],
                  color=POOLING_COLORS[method], linewidth=1.6)  # fmt: skip
        ax.scatter(wide[("mean", method)], y, s=16, color=POOLING_COLORS[method], label=method,
                   zorder=3)  # fmt: skip
    if truth is not None:
        ax.scatter(truth.to_numpy(), rows, marker="D", s=30, color=POOLING_COLORS["truth"],
                   edgecolors="black", linewidths=0.5, label="truth", zorder=4)  # fmt: skip
    ax.set_yticks(rows, [str(g) for g in wide.index])
    ax.set_xlabel("school mean (posterior mean and interval)")
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=4, frameon=False,
              fontsize="small", handletextpad=0.2, columnspacing=0.8)  # fmt: skip
    ax.set_title("(d) Intervals", loc="left", fontsize="medium", pad=22)


def plot_pooling_panels(
    data,
    estimates,
    *,
    group: str = "school",
    outcome: str = "score",
    population_mean: float | None = None,
    seed: int = 0,
):
    """Four views of complete, no and partial pooling in one figure.

    (a) the raw data by group; (b) each group's true mean and its three
    estimates side by side; (c) the shrinkage plot, partial- against
    no-pooling estimates, with arrows from the identity line; (d) a forest
    plot of the posterior intervals of the three models.

    Parameters
    ----------
    data : pandas.DataFrame
        Individual data with columns ``group`` and ``outcome``.
    estimates : pandas.DataFrame
        Output of :func:`companion.pooling_estimates` for fits keyed
        ``"no pooling"``, ``"partial pooling"`` and ``"complete pooling"``
        (with a ``truth`` column for (b) and (d) to show the truth).
    group, outcome : str, default "school", "score"
    population_mean : float, optional
        Drawn as a dashed line, e.g. the posterior mean of the population
        mean.
    seed : int, default 0
        Seed of the jitter in (a).

    Returns
    -------
    matplotlib.figure.Figure
        With four axes.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from companion import simulate_schools, sample  # doctest: +SKIP
    >>> fig = plot_pooling_panels(data, estimates)  # doctest: +SKIP
    >>> len(fig.axes)  # doctest: +SKIP
    4
    """
    import matplotlib.pyplot as plt

    wide, truth = _pool_wide(estimates, group)
    fig, axes = plt.subplots(2, 2, figsize=(10, 8.4), layout="constrained")
    plot_school_data(data, truth=None, group=group, outcome=outcome,
                     population_mean=population_mean, ax=axes[0, 0], seed=seed)  # fmt: skip
    axes[0, 0].set_title("(a) Scores by school", loc="left", fontsize="medium", pad=22)
    _pool_columns_panel(axes[0, 1], wide, truth, population_mean)
    _pool_shrinkage_panel(axes[1, 0], wide, population_mean)
    _pool_forest_panel(axes[1, 1], wide, truth)
    return fig


def plot_pooling_risk(risk, *, bins: int = 10):
    """How far each estimator falls from the truth over simulated data sets.

    (a) the RMSE over the schools of each data set, per method; (b) the
    difference in that RMSE between partial and no pooling, per data set;
    (c) the RMSE by how far a school's true mean lies from the population
    mean.

    Parameters
    ----------
    risk : pandas.DataFrame
        Output of :func:`companion.pooling_risk`.
    bins : int, default 10
        Number of equal-count distance bins in (c).

    Returns
    -------
    matplotlib.figure.Figure
        With three axes.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from companion import pooling_risk
    >>> fig = plot_pooling_risk(pooling_risk(n_sims=30, seed=1), bins=4)
    >>> len(fig.axes)
    3
    >>> plt.close(fig)
    """
    import matplotlib.pyplot as plt
    import numpy as np

    from companion.pooling import METHODS, pooling_rmse

    per_sim = pooling_rmse(risk, by="sim").pivot(index="sim", columns="method", values="rmse")
    by_distance = pooling_rmse(risk, by="distance", bins=bins)
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.9), layout="constrained")

    ax = axes[0]
    box = ax.boxplot([per_sim[m].to_numpy() for m in METHODS], showfliers=False,
                     tick_labels=[m.replace(" pooling", "\npooling") for m in METHODS],
                     patch_artist=True, widths=0.55, medianprops={"color": "black"})  # fmt: skip
    for patch, method in zip(box["boxes"], METHODS, strict=True):
        patch.set_facecolor(POOLING_COLORS[method])
        patch.set_alpha(0.6)
    ax.set_ylabel("RMSE over the schools of a data set")
    ax.set_title("(a) Error per data set", loc="left", fontsize="medium")

    ax = axes[1]
    difference = per_sim["partial pooling"] - per_sim["no pooling"]
    ax.hist(difference, bins=40, color=POOLING_COLORS["partial pooling"], alpha=0.7)
    ax.axvline(0, color="black", linewidth=1)
    ax.text(0.98, 0.97, f"partial pooling closer\nin {(difference < 0).mean():.0%} of data sets",
            transform=ax.transAxes, ha="right", va="top", fontsize="small")  # fmt: skip
    ax.set_xlabel("RMSE(partial) − RMSE(no pooling)")
    ax.set_ylabel("data sets")
    ax.set_title("(b) Partial against no pooling", loc="left", fontsize="medium")

    ax = axes[2]
    for method in METHODS:
        rows = by_distance[by_distance["method"] == method]
        ax.plot(rows["distance"], rows["rmse"], marker="o", markersize=4,
                color=POOLING_COLORS[method], label=method)  # fmt: skip
    shown = by_distance.loc[by_distance["method"] != METHODS[2], "rmse"]
    ax.set_ylim(0.85 * float(np.min(shown)), 1.3 * float(np.max(shown)))
    ax.set_xlabel("|true school mean − α|")
    ax.set_ylabel("RMSE")
    ax.legend(frameon=False, fontsize="small", loc="lower right")
    ax.set_title("(c) By how extreme the school is", loc="left", fontsize="medium")
    return fig


# --- Computation: the funnel and the parameterisations (chapter "Computation") ---


def plot_funnel(fits, group=0, *, variable: str | None = None):
    r"""The funnel: one group's parameter against :math:`\log\tau`, divergences in red.

    Parameters
    ----------
    fits : mapping of str to xarray.DataTree
        Fits of :func:`companion.hierarchical_model`, one panel each, titled
        by their key (for example ``{"centred": ..., "non-centred": ...}``).
    group : label or int, default 0
        The group shown, by label or position.
    variable : str, optional
        Passed to :func:`companion.funnel_draws`: by default :math:`z_j` for
        a non-centred fit (the sampler's coordinate) and :math:`\theta_j`
        otherwise.

    Returns
    -------
    matplotlib.figure.Figure
        Panels share the :math:`\log\tau` axis.

    Examples
    --------
    >>> from arviz import from_dict
    >>> rng = np.random.default_rng(0)
    >>> fit = from_dict({"posterior": {"tau": rng.exponential(size=(2, 50)),
    ...                                "theta": rng.normal(size=(2, 50, 3))},
    ...                  "sample_stats": {"diverging": rng.uniform(size=(2, 50)) < 0.1}},
    ...                 dims={"theta": ["school"]})
    >>> fig = plot_funnel({"centred": fit, "again": fit})
    >>> fig.axes[0].get_ylabel()
    'Log between-group sd, $\\log\\tau$'
    """
    import matplotlib.pyplot as plt

    from companion.diagnostics import funnel_draws

    if not hasattr(fits, "items") or len(fits) == 0:
        raise TypeError("`fits` must be a non-empty mapping of names to fits.")
    fig, axes = plt.subplots(1, len(fits), figsize=(4.2 * len(fits), 3.9), sharey=True,
                             squeeze=False)  # fmt: skip
    for ax, (name, fit) in zip(axes[0], fits.items(), strict=True):
        draws = funnel_draws(fit, group, variable=variable)
        column = draws.columns[3]
        bad = draws["diverging"].to_numpy()
        ax.scatter(draws.loc[~bad, column], draws.loc[~bad, "log_tau"], s=4, alpha=0.25,
                   color="tab:blue", linewidths=0, label="draw")  # fmt: skip
        ax.scatter(draws.loc[bad, column], draws.loc[bad, "log_tau"], s=14, color="tab:red",
                   label="divergent")  # fmt: skip
        symbol = r"\theta" if column == "theta" else column
        ax.set_xlabel(f"${symbol}_j$ for {draws.attrs['dim']} {draws.attrs['group']}")
        ax.set_title(f"{name}: {int(bad.sum())} divergent", fontsize=10)
    axes[0, 0].set_ylabel(r"Log between-group sd, $\log\tau$")
    axes[0, 0].legend(frameon=False, loc="lower left", markerscale=2)
    fig.tight_layout()
    return fig


_METRIC_LABELS = {
    "ess_per_second": "Smallest bulk ESS per second",
    "ess_per_1k_gradients": "Smallest bulk ESS per 1,000 gradients",
    "min_ess_bulk": "Smallest bulk ESS",
}


def plot_parameterization_comparison(table, *, metric: str = "ess_per_second",
                                     data: str = "data"):
    """Efficiency and divergences of each parameterisation, one dot per seed.

    Parameters
    ----------
    table : pandas.DataFrame
        Rows from :func:`companion.compare_parameterizations` for one or
        more data sets, with a column naming the data set.
    metric : str, default "ess_per_second"
        Efficiency column for the left panel (log scale), e.g.
        ``"ess_per_1k_gradients"`` or ``"min_ess_bulk"``.
    data : str, default "data"
        Column naming the data set; data sets appear in order of appearance,
        their names wrapped at 14 characters.

    Returns
    -------
    matplotlib.figure.Figure
        Left: ``metric``; right: divergent transitions (symmetric log scale,
        so zero shows). Bars mark the median over seeds.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"data": ["a"] * 4, "seed": [1, 2, 1, 2],
    ...                       "parameterization": ["centered"] * 2 + ["noncentered"] * 2,
    ...                       "ess_per_second": [900.0, 1100.0, 400.0, 500.0],
    ...                       "divergences": [0, 3, 1, 0]})
    >>> fig = plot_parameterization_comparison(table)
    >>> [ax.get_ylabel() for ax in fig.axes]
    ['Smallest bulk ESS per second', 'Divergent transitions']
    """
    import textwrap

    import matplotlib.pyplot as plt

    needed = [data, "parameterization", metric, "divergences"]
    missing = [c for c in needed if c not in getattr(table, "columns", [])]
    if missing:
        raise ValueError(f"`table` lacks column(s) {missing}.")
    names = list(dict.fromkeys(table[data]))
    styles = {"centered": ("centred", "tab:orange", "o", -0.15),
              "noncentered": ("non-centred", "tab:blue", "s", 0.15)}  # fmt: skip
    fig, (left, right) = plt.subplots(1, 2, figsize=(8.5, 3.8))
    for kind, (label, color, marker, offset) in styles.items():
        for ax, column in ((left, metric), (right, "divergences")):
            for i, name in enumerate(names):
                values = table.loc[(table[data] == name) & (table["parameterization"] == kind),
                                   column].to_numpy(dtype=float)  # fmt: skip
                if values.size == 0:
                    continue
                jitter = np.linspace(-0.05, 0.05, values.size)
                ax.scatter(i + offset + jitter, values, color=color, marker=marker, s=22,
                           label=label if i == 0 else None)  # fmt: skip
                ax.hlines(np.median(values), i + offset - 0.1, i + offset + 0.1, color=color,
                          linewidth=2)  # fmt: skip
    left.set_yscale("log")
    right.set_yscale("symlog", linthresh=1)
    right.set_ylim(bottom=-0.5)
    left.set_ylabel(_METRIC_LABELS.get(metric, metric))
    right.set_ylabel("Divergent transitions")
    for ax in (left, right):
        ax.set_xticks(range(len(names)), [textwrap.fill(str(n), 14) for n in names])
        ax.set_xlim(-0.5, len(names) - 0.5)
    left.legend(frameon=False)
    fig.tight_layout()
    return fig


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
    >>> from companion.sbc import normal_normal_sbc
    >>> ranks = normal_normal_sbc([10.0, 15.0], n_replicates=40, seed=1)
    >>> len(plot_sbc_ranks(ranks, bins=5, ncols=2).axes)
    4
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


def plot_mechanisms(complete, amputed, x: str = "x", y: str = "y"):
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

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from companion import ampute, plot_mechanisms
    >>> rng = np.random.default_rng(0)
    >>> df = pd.DataFrame({"x": rng.normal(size=50)})
    >>> df["y"] = df["x"] + rng.normal(size=50)
    >>> fig = plot_mechanisms(df, {"MCAR": ampute(df, ["y"], seed=1)})
    """
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(
        1, len(amputed), figsize=(max(3.2 * len(amputed) + 0.4, 5.5), 3.4), sharex=True,
        sharey=True,
        layout="constrained", squeeze=False,
    )  # fmt: skip
    for ax, (title, frame) in zip(axes[0], amputed.items(), strict=True):
        gone = frame[y].isna().to_numpy() & complete[y].notna().to_numpy()
        ax.scatter(complete.loc[~gone, x], complete.loc[~gone, y], s=12, color=OBSERVED_COLOR,
                   alpha=0.7, label=f"{y} observed")  # fmt: skip
        ax.scatter(complete.loc[gone, x], complete.loc[gone, y], s=16, color=MISSING_COLOR,
                   marker="x", label=f"{y} missing")  # fmt: skip
        ax.set_title(f"{title}: {gone.mean():.0%} of {y} missing")
        ax.set_xlabel(x)
    axes[0, 0].set_ylabel(y)
    axes[0, 0].legend(loc="upper left", frameon=False)
    return fig


def plot_complete_case_bias(table, *, scale: float = 2.0):
    """Bias of complete-case estimates by scenario, with Monte Carlo error bars.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`companion.complete_case_bias`.
    scale : float, default 2
        Error bars span ``scale`` Monte Carlo standard errors each way.

    Returns
    -------
    matplotlib.figure.Figure
        One panel per estimand; scenarios on the vertical axis, bias on the
        horizontal axis, a dashed line at zero bias.

    Examples
    --------
    >>> from companion import complete_case_bias, plot_complete_case_bias
    >>> table = complete_case_bias({"MCAR": {"columns": ["y"]}}, n_sim=20, seed=1)
    >>> fig = plot_complete_case_bias(table)
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    estimands = list(dict.fromkeys(table["estimand"]))
    scenarios = list(dict.fromkeys(table["scenario"]))
    size = (2.4 * len(estimands) + 2.2, 0.45 * len(scenarios) + 1.4)
    fig, axes = plt.subplots(1, len(estimands), figsize=size, sharey=True, layout="constrained")
    axes = np.atleast_1d(axes)
    positions = np.arange(len(scenarios))[::-1]
    for ax, estimand in zip(axes, estimands, strict=True):
        rows = table[table["estimand"] == estimand].set_index("scenario").loc[scenarios]
        biased = np.abs(rows["bias"]) > scale * rows["bias_mcse"]
        colors = np.where(biased, MISSING_COLOR, OBSERVED_COLOR)
        ax.errorbar(rows["bias"], positions, xerr=scale * rows["bias_mcse"], fmt="none",
                    ecolor="0.4", capsize=3)  # fmt: skip
        ax.scatter(rows["bias"], positions, color=colors, zorder=3)
        ax.axvline(0, color="0.3", linestyle="--", linewidth=1)
        ax.set_title(estimand)
        ax.set_xlabel("bias")
        ax.xaxis.set_major_locator(MaxNLocator(4))
    axes[0].set_yticks(positions, scenarios)
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


def plot_pooled_by_m(table, *, fmi: float | None = None):
    """Monte Carlo error of the pooled estimate and standard error against m.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`companion.pooled_by_m`.
    fmi : float, optional
        Fraction of missing information, shown in the title.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> from companion import plot_pooled_by_m, pooled_by_m
    >>> rng = np.random.default_rng(0)
    >>> fig = plot_pooled_by_m(pooled_by_m(rng.normal(size=100), np.ones(100), [2, 5, 20]))
    """
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.6), layout="constrained")
    m = table["m"].to_numpy()
    left.plot(m, table["mc_sd_estimate"], "o-", label="simulated")
    left.plot(m, table["theory_sd_estimate"], "--", color="0.3", label=r"$\sqrt{B/m}$")
    left.set_xscale("log")
    left.set_yscale("log")
    left.set_xlabel("number of imputations m")
    left.set_ylabel("Monte Carlo sd of pooled estimate")
    left.legend(frameon=False)
    ratio = table["mc_sd_std_error"] / table["mean_std_error"]
    right.plot(m, 100 * ratio, "o-", color="C1")
    right.set_xscale("log")
    right.set_xlabel("number of imputations m")
    right.set_ylabel("coefficient of variation of pooled SE (%)")
    right.axhline(5, color="0.3", linestyle=":", linewidth=1)
    right.annotate("5%", (m.min(), 5), xytext=(2, 3), textcoords="offset points", fontsize="small")
    from matplotlib.ticker import FormatStrFormatter, LogLocator, NullLocator

    for ax in (left, right):
        ax.set_xticks(m, [str(v) for v in m])
        ax.xaxis.set_minor_locator(NullLocator())
    left.yaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
    left.yaxis.set_major_formatter(FormatStrFormatter("%g"))
    left.yaxis.set_minor_locator(NullLocator())
    if fmi is not None:
        fig.suptitle(f"fraction of missing information about {fmi:.2f}", fontsize="medium")
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


def plot_selection_posteriors(draws, *, truth=None, labels=None):
    """Posterior densities of the same quantities under several models or priors.

    Parameters
    ----------
    draws : mapping of str to mapping of str to array-like
        Fit label -> {quantity -> draws}. One panel per quantity (in order
        of first appearance); a fit without a quantity is skipped in that
        panel. Labels starting with ``"prior"`` are drawn dashed.
    truth : mapping of str to float, optional
        Quantity -> true value, drawn as a vertical line.
    labels : mapping of str to str, optional
        Quantity -> axis label (default the quantity's name).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> from companion import plot_selection_posteriors
    >>> rng = np.random.default_rng(0)
    >>> fig = plot_selection_posteriors({"fit": {"gamma1": rng.normal(size=200)}},
    ...                                 truth={"gamma1": 0.0})
    """
    import matplotlib.pyplot as plt
    from scipy.stats import gaussian_kde

    quantities = list(dict.fromkeys(q for fit in draws.values() for q in fit))
    fig, axes = plt.subplots(1, len(quantities), figsize=(4.2 * len(quantities) + 0.6, 3.6),
                             layout="constrained", squeeze=False)  # fmt: skip
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for ax, quantity in zip(axes[0], quantities, strict=True):
        for k, (label, fit) in enumerate(draws.items()):
            if quantity not in fit:
                continue
            values = np.asarray(fit[quantity], dtype=float).ravel()
            grid = np.linspace(*np.quantile(values, [0.001, 0.999]), 200)
            ax.plot(grid, gaussian_kde(values)(grid), color=colors[k % len(colors)],
                    linestyle="--" if label.startswith("prior") else "-", label=label)  # fmt: skip
        if truth and quantity in truth:
            ax.axvline(truth[quantity], color="black", linestyle=":", label="truth")
        ax.set_xlabel((labels or {}).get(quantity, quantity))
        ax.set_yticks([])
        ax.set_ylim(bottom=0)
    axes[0, 0].set_ylabel("density")
    handles, names = {}, []
    for ax in axes[0]:
        for handle, name in zip(*ax.get_legend_handles_labels(), strict=True):
            if name not in handles:
                handles[name] = handle
                names.append(name)
    fig.legend([handles[n] for n in names], names, loc="outside lower center",
               ncol=min(len(names), 3), frameon=False, fontsize="small")  # fmt: skip
    return fig


# --- Hierarchical models with missing data (chapter "Hierarchical models with missing data")

#: Colours of the data scenarios of the chapter (complete data and mechanisms).
SCENARIO_COLORS = ("black", "tab:blue", "tab:red", "tab:green", "tab:purple")


def _short_group(label) -> str:
    return str(label).replace("School ", "")


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
    >>> from companion import plot_shrinkage_change
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
    ax.set_xticks(positions, [_short_group(g) for g in factors.index])
    ax.set_xlabel(f"{factors.index.name or 'group'}")
    ax.set_ylabel("shrinkage factor $B_j$")
    ax.set_ylim(0, 1)
    ax.legend(frameon=False, ncols=len(factors.columns), loc="upper left")
    return fig


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


def plot_imputed_covariate(idata, truth, *, covariate: str = "w", level: float = 0.9):
    """Posterior of each imputed group covariate against its true value.

    Parameters
    ----------
    idata : xarray.DataTree
        A fit of :func:`companion.hierarchical_covariate_model` with missing
        covariates (``<covariate>_unobserved`` in the posterior).
    truth : pandas.Series
        True covariate values by group.
    covariate : str, default "w"
    level : float, default 0.9
        Probability of the drawn central intervals.

    Returns
    -------
    matplotlib.figure.Figure
        Posterior means and intervals of the imputed values (vertical)
        against the truth (horizontal), the identity line, and the band
        :math:`\\hat\\mu_w \\pm 1.645\\,\\hat\\sigma_w` of the covariate model alone.

    Examples
    --------
    >>> fit = sample(hierarchical_covariate_model(incomplete))  # doctest: +SKIP
    >>> fig = plot_imputed_covariate(fit, truth["w"])  # doctest: +SKIP
    """
    import matplotlib.pyplot as plt
    from scipy.stats import norm

    posterior = check_posterior(idata)
    name = f"{covariate}_unobserved"
    draws = posterior[name]
    dim = draws.dims[-1]
    labels = list(draws[dim].to_numpy())
    flat = draws.stack(sample=("chain", "draw")).transpose(dim, "sample").to_numpy()
    tail = (1 - level) / 2
    lower, upper = np.quantile(flat, [tail, 1 - tail], axis=1)
    mean = flat.mean(axis=1)
    true = truth.loc[labels].to_numpy(dtype=float)
    fig, ax = plt.subplots(figsize=(5.6, 4.6), layout="constrained")
    mu_w = float(posterior["mu_w"].mean())
    sigma_w = float(posterior["sigma_w"].mean())
    half = norm.ppf(1 - tail) * sigma_w
    ax.axhspan(mu_w - half, mu_w + half, color="grey", alpha=0.15,
               label=f"{level:.0%} range of the $w$ model alone")  # fmt: skip
    ax.errorbar(true, mean, yerr=[mean - lower, upper - mean], fmt="o", color="tab:blue",
                markersize=4, linewidth=1,
                label=f"imputed: mean and {level:.0%} interval")  # fmt: skip
    span = np.array([min(true.min(), lower.min()), max(true.max(), upper.max())])
    ax.plot(span, span, color="black", linestyle="--", linewidth=1, label="imputed = true")
    for x, y, label in zip(true, mean, labels, strict=True):
        ax.annotate(_short_group(label), (x, y), xytext=(4, 2), textcoords="offset points",
                    fontsize=8)  # fmt: skip
    ax.set_xlabel(f"true ${covariate}_j$")
    ax.set_ylabel(f"imputed ${covariate}_j$")
    ax.legend(frameon=False, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=2,
              fontsize=8)  # fmt: skip
    return fig


# --- Bayesian imputation (chapter "Bayesian imputation") ---------------------


def _imputed_draws(posterior, column: str):
    """Draws of ``<column>_unobserved`` as (labels, array of shape (n_missing, n_draws))."""
    name = f"{column}_unobserved"
    if name not in posterior.data_vars:
        return [], np.empty((0, 0))
    draws = posterior[name]
    dim = draws.dims[-1]
    flat = draws.stack(sample=("chain", "draw")).transpose(dim, "sample").to_numpy()
    return list(draws[dim].to_numpy()), flat


def plot_bayesian_imputation(
    complete, incomplete, idata, *, alpha: float = 2.0, beta: float = 3.0, row=None,
    level: float = 0.9, x: str = "x", y: str = "y",
):  # fmt: skip
    """Four panels on one fit of :func:`companion.regression_imputation_model`.

    (a) the missing-data patterns; (b) observed points and imputed points
    (posterior means with central intervals) with the Bayesian (posterior
    means of the intercept and slope), complete-case and true regression
    lines; (c) the posteriors of the intercept and the slope; (d) the
    posterior of one imputed :math:`x` against its true value.

    Parameters
    ----------
    complete : pandas.DataFrame
        The data before values were removed (for the true values).
    incomplete : pandas.DataFrame
        The data the model was fitted to (same index labels).
    idata : xarray.DataTree
        The fit, with ``alpha``, ``beta``, ``sigma``, ``mu_x``, ``sigma_x`` and
        ``<x>_unobserved`` / ``<y>_unobserved``.
    alpha, beta : float, default 2 and 3
        True intercept and slope.
    row : index label, optional
        Row whose imputed ``x`` panel (d) shows; default the row with ``x``
        missing and ``y`` observed whose ``y`` is farthest from the mean.
    level : float, default 0.9
        Probability of the intervals in panel (b).
    x, y : str
        Column names.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fit = sample(regression_imputation_model(incomplete))  # doctest: +SKIP
    >>> fig = plot_bayesian_imputation(complete, incomplete, fit)  # doctest: +SKIP
    """
    import matplotlib.pyplot as plt
    from scipy.stats import norm

    posterior = check_posterior(idata)
    x_labels, x_draws = _imputed_draws(posterior, x)
    y_labels, y_draws = _imputed_draws(posterior, y)
    if not x_labels:
        raise ValueError(f"`idata` has no `{x}_unobserved`: no missing `{x}` to show.")
    tail = (1 - level) / 2
    fig, axes = plt.subplots(2, 2, figsize=(10, 8), layout="constrained")
    ax_a, ax_b, ax_c, ax_d = axes.ravel()

    # (a) patterns
    plot_missing_pattern(incomplete, [x, y], ax=ax_a)
    ax_a.set_title("(a) missing-data patterns", loc="left")

    # (b) observed and imputed points with three lines
    x_mean = _series(x_draws.mean(axis=1), x_labels)
    y_mean = _series(y_draws.mean(axis=1), y_labels) if y_labels else _series([], [])
    x_lo, x_hi = (_series(q, x_labels) for q in np.quantile(x_draws, [tail, 1 - tail], axis=1))
    if y_labels:
        y_lo, y_hi = (_series(q, y_labels)
                      for q in np.quantile(y_draws, [tail, 1 - tail], axis=1))  # fmt: skip
    both_seen = incomplete[[x, y]].notna().all(axis=1)
    seen = incomplete.loc[both_seen]
    ax_b.scatter(seen[x], seen[y], s=14, color=OBSERVED_COLOR, alpha=0.7, label="observed")
    groups = [
        ("x imputed", [r for r in x_labels if r not in y_labels], "tab:orange"),
        ("y imputed", [r for r in y_labels if r not in x_labels], "tab:green"),
        ("both imputed", [r for r in x_labels if r in y_labels], "tab:purple"),
    ]
    for label, rows, color in groups:
        if not rows:
            continue
        px = np.array([x_mean[r] if r in x_mean.index else incomplete.loc[r, x] for r in rows])
        py = np.array([y_mean[r] if r in y_mean.index else incomplete.loc[r, y] for r in rows])
        xerr = np.array([[px[i] - x_lo[r], x_hi[r] - px[i]] if r in x_mean.index else [0, 0]
                         for i, r in enumerate(rows)]).T  # fmt: skip
        yerr = np.array([[py[i] - y_lo[r], y_hi[r] - py[i]] if r in y_mean.index else [0, 0]
                         for i, r in enumerate(rows)]).T  # fmt: skip
        ax_b.errorbar(px, py, xerr=xerr, yerr=yerr, fmt="o", markersize=4, color=color,
                      elinewidth=0.8, alpha=0.8, label=f"{label} ({level:.0%} interval)")
    grid = np.linspace(np.nanmin(complete[x]) - 0.2, np.nanmax(complete[x]) + 0.2, 50)
    a_post, b_post = float(posterior["alpha"].mean()), float(posterior["beta"].mean())
    b_cc, a_cc = np.polyfit(seen[x].to_numpy(float), seen[y].to_numpy(float), 1)
    ax_b.plot(grid, a_post + b_post * grid, color="black", label="Bayesian (posterior mean)")
    ax_b.plot(grid, a_cc + b_cc * grid, color=MISSING_COLOR, linestyle="--",
              label="complete cases")  # fmt: skip
    ax_b.plot(grid, alpha + beta * grid, color="0.5", linestyle=":", linewidth=2, label="truth")
    ax_b.set_xlabel(x)
    ax_b.set_ylabel(y)
    ax_b.legend(frameon=False, fontsize=7.5, loc="upper left")
    ax_b.set_title("(b) observed and imputed values", loc="left")

    # (c) posteriors of alpha and beta
    for name, truth, color in (("alpha", alpha, "tab:blue"), ("beta", beta, "tab:red")):
        values = posterior[name].to_numpy().ravel()
        ax_c.hist(values, bins=40, density=True, color=color, alpha=0.5,
                  label=f"posterior of $\\{name}$")  # fmt: skip
        ax_c.axvline(truth, color=color, linestyle="--", linewidth=1.5,
                     label=f"true $\\{name}$ = {truth:g}")  # fmt: skip
    ax_c.set_xlabel("parameter value")
    ax_c.set_ylabel("posterior density")
    ax_c.set_ylim(top=1.3 * ax_c.get_ylim()[1])  # room for the legend
    ax_c.legend(fontsize=8, ncol=2, loc="upper center", framealpha=1, edgecolor="none")
    ax_c.set_title("(c) posteriors of the intercept and slope", loc="left")

    # (d) one imputed x
    if row is None:
        candidates = [r for r in x_labels if r not in y_labels]
        if not candidates:
            candidates = x_labels
        y_obs = incomplete[y]
        row = max(candidates, key=lambda r: abs(y_obs[r] - y_obs.mean())
                  if np.isfinite(y_obs[r]) else -1.0)  # fmt: skip
    if row not in x_labels:
        raise ValueError(f"`row`={row!r} is not a row with `{x}` imputed.")
    draws = x_draws[x_labels.index(row)]
    ax_d.hist(draws, bins=40, density=True, color="tab:orange", alpha=0.6,
              label=f"posterior of the missing {x}")  # fmt: skip
    y_row = incomplete.loc[row, y]
    if np.isfinite(y_row):
        mu_x, sigma_x = float(posterior["mu_x"].mean()), float(posterior["sigma_x"].mean())
        sigma = float(posterior["sigma"].mean())
        var_y = b_post**2 * sigma_x**2 + sigma**2
        cond_mean = mu_x + b_post * sigma_x**2 / var_y * (y_row - a_post - b_post * mu_x)
        cond_sd = sigma_x * sigma / np.sqrt(var_y)
        grid = np.linspace(draws.min(), draws.max(), 200)
        ax_d.plot(grid, norm.pdf(grid, cond_mean, cond_sd), color="black",
                  label=f"$p({x} \\mid {y})$ at posterior means")  # fmt: skip
    ax_d.axvline(complete.loc[row, x], color="black", linestyle="--", linewidth=1.5,
                 label=f"true {x} = {complete.loc[row, x]:.2f}")  # fmt: skip
    ax_d.axvline(np.nanmean(incomplete[x]), color=MISSING_COLOR, linestyle=":", linewidth=1.5,
                 label="mean imputation")  # fmt: skip
    ax_d.set_xlabel(f"{x} in row {row}" + (f" (observed {y} = {y_row:.2f})"
                                          if np.isfinite(y_row) else ""))  # fmt: skip
    ax_d.set_ylabel("posterior density")
    ax_d.set_ylim(top=1.35 * ax_d.get_ylim()[1])  # room for the legend
    ax_d.legend(fontsize=8, loc="upper left", ncol=2, framealpha=1, edgecolor="none")
    ax_d.set_title(f"(d) one imputed {x}", loc="left")
    return fig


def _series(values, labels):
    """A pandas Series of ``values`` indexed by ``labels`` (pandas imported lazily)."""
    import pandas as pd

    return pd.Series(np.asarray(values, float), index=pd.Index(labels, dtype=object))


def plot_coverage(summary, *, level: float = 0.9, scale: float = 2.0):
    """Coverage of intervals and mean estimates by scenario and method.

    Parameters
    ----------
    summary : pandas.DataFrame
        From :func:`companion.coverage_summary`.
    level : float, default 0.9
        Nominal coverage, drawn as a dashed line.
    scale : float, default 2
        Error bars span ``scale`` Monte Carlo standard errors each way.

    Returns
    -------
    matplotlib.figure.Figure
        Left: coverage with error bars; right: the mean estimate of the
        slope with error bars (and its truth, if ``summary.attrs["truth"]``
        is set, else the mean minus the bias).

    Examples
    --------
    >>> import pandas as pd
    >>> from companion import plot_coverage
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
    fig, (ax_cov, ax_est) = plt.subplots(
        1, 2, figsize=(9.5, 0.55 * len(scenarios) * len(methods) / 2 + 1.8), sharey=True,
        layout="constrained",
    )  # fmt: skip
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


# --- Scaling up (chapter "Scaling up") ---------------------------------------------------

#: Colour and marker of each likelihood of :func:`companion.hierarchical_model`.
SCALING_STYLES = {"full": ("tab:red", "o"), "sufficient": ("tab:blue", "s"),
                  "marginal": ("tab:green", "^")}  # fmt: skip
_SCALING_COLUMNS = ("n_students", "likelihood", "fit_seconds", "ess_per_second_tau")
_EXTRA_STYLES = (("tab:purple", "D"), ("tab:orange", "v"), ("tab:brown", "P"), ("0.4", "X"))


def _numeric(values) -> np.ndarray:
    import pandas as pd

    return pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)


def _scaling_runs(runs):
    import pandas as pd

    if isinstance(runs, pd.DataFrame):
        table = runs
    elif isinstance(runs, Sequence) and not isinstance(runs, str | bytes):
        table = pd.DataFrame(list(runs))
    else:
        raise TypeError(
            f"`runs` must be a pandas.DataFrame or a list of dicts, got {type(runs).__name__}."
        )
    if len(table) == 0:
        raise ValueError("`runs` has no rows.")
    missing = [c for c in _SCALING_COLUMNS if c not in table.columns]
    if missing:
        raise ValueError(f"`runs` lacks column(s) {missing}.")
    table = table.reset_index(drop=True)
    for column in ("n_students", "fit_seconds", "ess_per_second_tau"):
        values = _numeric(table[column])
        bad = ~(np.isfinite(values) & (values > 0))
        if bad.any():
            raise ValueError(
                f"`runs` column {column!r} must hold positive finite numbers (log scale); "
                f"row(s) {np.flatnonzero(bad).tolist()} do not."
            )
        table[column] = values
    return table


def plot_scaling(runs, *, axes=None):
    """Benchmark of the likelihoods: fit time and ESS of τ per second against N, log–log.

    Parameters
    ----------
    runs : pandas.DataFrame or list of dict
        One row per fit, with the columns ``n_students``, ``likelihood``,
        ``fit_seconds`` (model building, compilation and sampling) and
        ``ess_per_second_tau``, as in ``benchmarks/results.json["runs"]``;
        other columns are ignored, except that ``n_schools`` adds the
        students per school to the axis label and ``parameterization`` splits
        a likelihood fitted in several parameterisations into one line each.
        Several rows for the same N and likelihood (seeds, repeats) are drawn
        as faint points, and the line joins their medians.
    axes : sequence of two matplotlib.axes.Axes, optional
        Where to draw the fit times and the ESS per second; by default a new
        figure with two panels.

    Returns
    -------
    matplotlib.figure.Figure
        Both panels log–log, one line with markers per likelihood (``full``,
        ``sufficient`` and ``marginal`` first, in that order and always in the
        same colours, then any others in order of appearance), with a legend
        in the first panel.

    Examples
    --------
    >>> import pandas as pd
    >>> from companion import plot_scaling
    >>> runs = pd.DataFrame({"n_students": [10_000, 100_000] * 2,
    ...                      "likelihood": ["full"] * 2 + ["marginal"] * 2,
    ...                      "fit_seconds": [7.0, 15.0, 7.0, 7.1],
    ...                      "ess_per_second_tau": [7000.0, 600.0, 40_000.0, 9000.0]})
    >>> fig = plot_scaling(runs)
    >>> [line.get_label() for line in fig.axes[0].get_lines()]
    ['full', 'marginal']
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    table = _scaling_runs(runs)
    if axes is None:
        fig, axes = plt.subplots(1, 2, figsize=(9, 3.8), layout="constrained")
    else:
        axes = list(axes) if isinstance(axes, Sequence | np.ndarray) else [axes]
        if len(axes) != 2 or not all(isinstance(ax, plt.Axes) for ax in axes):
            raise ValueError("`axes` must be a sequence of two matplotlib Axes.")
        fig = axes[0].figure

    by_parameterization = "parameterization" in table.columns and bool(
        (table.groupby("likelihood", sort=False)["parameterization"].nunique() > 1).any()
    )
    known = [name for name in SCALING_STYLES if name in set(table["likelihood"])]
    others = [name for name in dict.fromkeys(table["likelihood"]) if name not in SCALING_STYLES]
    groups = []  # (likelihood, legend label, rows)
    for likelihood in known + others:
        rows = table[table["likelihood"] == likelihood]
        if not by_parameterization:
            groups.append((str(likelihood), str(likelihood), rows))
        else:
            for kind, part in rows.groupby("parameterization", sort=False):
                groups.append((str(likelihood), f"{likelihood}, {kind}", part))

    extra = iter(_EXTRA_STYLES * (len(groups) // len(_EXTRA_STYLES) + 1))
    used: dict[str, tuple[str, str]] = {}
    for likelihood, label, rows in groups:
        if likelihood in used:
            color, marker = used[likelihood][0], next(extra)[1]
        else:
            color, marker = SCALING_STYLES.get(likelihood) or next(extra)
            used[likelihood] = (color, marker)
        for ax, column in zip(axes, ("fit_seconds", "ess_per_second_tau"), strict=True):
            medians = rows.groupby("n_students")[column].median().sort_index()
            ax.plot(medians.index, medians.to_numpy(), marker=marker, color=color, label=label)
            if rows["n_students"].duplicated().any():
                ax.scatter(rows["n_students"], rows[column], color=color, marker=marker,
                           s=14, alpha=0.35, linewidths=0)  # fmt: skip

    xlabel = "students N"
    if "n_schools" in table.columns:
        per_school = table["n_students"].to_numpy() / _numeric(table["n_schools"])
        if np.all(np.isfinite(per_school)) and np.allclose(per_school, per_school[0]):
            xlabel += f" ({per_school[0]:g} per school)"
    ylabels = ("fit time: build, compile, sample (s)", "ESS of τ per second of sampling")
    titles = ("(a) Time to fit", "(b) Sampling efficiency")
    plain = FuncFormatter(lambda value, _: f"{value:,.0f}" if value >= 1 else f"{value:g}")
    for ax, ylabel, title in zip(axes, ylabels, titles, strict=True):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.yaxis.set_major_formatter(plain)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.set_title(title, loc="left", fontsize="medium")
        ax.grid(True, which="major", color="0.9", linewidth=0.8)
    axes[0].legend(title="likelihood", frameon=False)
    return fig
