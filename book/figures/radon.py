"""Figures of the chapter "Radon: multilevel regression on real data".

Every function takes results the chapter has computed and only draws them.
Series differ by marker or line style as well as by colour.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from companion.plots.style import POOLING_COLORS

#: Markers and line styles of the estimators, as in the Pooling chapter.
MARKERS = {"no pooling": "o", "partial pooling": "s", "complete pooling": "^"}
LINESTYLES = {"no pooling": "--", "partial pooling": "-", "complete pooling": ":"}
#: Smallest font of the figures, in points.
FONT = 9
#: Three line styles and colours for series that are not estimators.
SERIES = (("tab:blue", "-"), ("tab:orange", "--"), ("tab:green", ":"))


def _check_columns(frame, columns, name):
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"`{name}` must be a pandas DataFrame, got {type(frame).__name__}.")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"`{name}` lacks column(s) {missing}; it has {list(frame.columns)}.")


def _jitter(n: int, seed: int = 1, width: float = 0.06) -> np.ndarray:
    """Multiplicative jitter for a log axis, so that counties of one size do not overlap."""
    return np.exp(np.random.default_rng(seed).uniform(-width, width, n))


def plot_pooling_by_size(estimates, sizes, *, state_mean: float, group: str = "county"):
    """County estimates against county size: no pooling beside partial pooling.

    Parameters
    ----------
    estimates : pandas.DataFrame
        From :func:`companion.group_estimates` with methods ``"no pooling"``
        and ``"partial pooling"`` (columns ``group``, ``method``, ``mean``,
        ``lower``, ``upper``).
    sizes : pandas.Series
        Homes per county, indexed by county.
    state_mean : float
        The complete-pooling estimate, drawn as a dotted line.
    group : str, default "county"

    Returns
    -------
    matplotlib.figure.Figure
        Two panels sharing the vertical axis.
    """
    import matplotlib.pyplot as plt

    _check_columns(estimates, [group, "method", "mean", "lower", "upper"], "estimates")
    methods = ["no pooling", "partial pooling"]
    fig, axes = plt.subplots(1, 2, figsize=(7.2, 3.4), sharey=True, layout="constrained")
    for ax, method in zip(axes, methods, strict=True):
        rows = estimates[estimates["method"] == method].set_index(group)
        n = sizes.reindex(rows.index.astype(str)).to_numpy(dtype=float)
        x = n * _jitter(len(n))
        color = POOLING_COLORS[method]
        ax.vlines(x, rows["lower"], rows["upper"], color=color, alpha=0.45, linewidth=0.9)
        ax.scatter(x, rows["mean"], s=14, color=color, marker=MARKERS[method], zorder=3,
                   label=f"{method}: mean and 90% interval")  # fmt: skip
        ax.axhline(state_mean, color=POOLING_COLORS["complete pooling"],
                   linestyle=LINESTYLES["complete pooling"], linewidth=1.2,
                   label="complete pooling")  # fmt: skip
        ax.set_xscale("log")
        ax.set_xticks([1, 2, 5, 10, 20, 50, 100], ["1", "2", "5", "10", "20", "50", "100"])
        ax.set_xlabel("homes in the county (log scale)", fontsize=FONT + 0.5)
        ax.set_title(f"({'ab'[methods.index(method)]}) {method.capitalize()}", loc="left",
                     fontsize=10)  # fmt: skip
        ax.tick_params(labelsize=FONT)
    axes[0].set_ylabel("county mean log radon", fontsize=FONT + 0.5)
    handles = [h for ax in axes for h in ax.get_legend_handles_labels()[0]][:3]
    fig.legend(handles, [h.get_label() for h in handles], loc="outside lower center",
               ncols=3, frameon=False, fontsize=FONT)  # fmt: skip
    return fig


def plot_shrinkage_by_size(kappa, sizes, curve):
    """How far each county moved towards the state mean, against its size.

    Parameters
    ----------
    kappa : pandas.Series
        Each county's share of the way from its no-pooling estimate to the
        state mean that partial pooling went, indexed by county.
    sizes : pandas.Series
        Homes per county, indexed by county.
    curve : pandas.DataFrame
        Columns ``n`` and ``B``: the shrinkage factor at the posterior means.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    _check_columns(curve, ["n", "B"], "curve")
    n = sizes.reindex(kappa.index).to_numpy(dtype=float)
    fig, ax = plt.subplots(figsize=(6.0, 3.3), layout="constrained")
    ax.scatter(n * _jitter(len(n)), kappa, s=16, marker="o", facecolors="none",
               edgecolors=POOLING_COLORS["partial pooling"], label="county")  # fmt: skip
    ax.plot(curve["n"], curve["B"], color="black", linestyle="--", linewidth=1.3,
            label=r"$B_j$ at the posterior means of $\sigma$, $\tau_\alpha$")  # fmt: skip
    ax.set_xscale("log")
    ax.set_xticks([1, 2, 5, 10, 20, 50, 100], ["1", "2", "5", "10", "20", "50", "100"])
    ax.set_ylim(-0.1, 1.1)
    ax.set_xlabel("homes in the county (log scale)", fontsize=FONT + 0.5)
    ax.set_ylabel("share of the way to the state mean", fontsize=FONT + 0.5)
    ax.tick_params(labelsize=FONT)
    ax.legend(frameon=False, fontsize=FONT, loc="upper right")
    return fig


def plot_county_lines(data, intercepts, slope: float, complete, counties):
    r"""Data and fitted lines of a few counties (Gelman and Hill 2007, fig. 12.4).

    Parameters
    ----------
    data : pandas.DataFrame
        The radon data (``county``, ``floor``, ``log_radon``).
    intercepts : pandas.Series
        Posterior mean of each county's intercept :math:`\alpha_j`.
    slope : float
        Posterior mean of the common floor slope :math:`\beta`.
    complete : tuple of float
        Intercept and slope of the complete-pooling regression.
    counties : sequence of str
        The counties to draw, one panel each (at most 8).

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    _check_columns(data, ["county", "floor", "log_radon"], "data")
    counties = list(counties)
    if not 0 < len(counties) <= 8:
        raise ValueError(f"`counties` must name 1 to 8 counties, got {len(counties)}.")
    fig, axes = plt.subplots(2, 4, figsize=(7.2, 4.0), sharex=True, sharey=True,
                             layout="constrained")  # fmt: skip
    rng = np.random.default_rng(3)
    x = np.array([0.0, 1.0])
    for ax, county in zip(axes.flat, counties, strict=False):
        rows = data[data["county"] == county]
        ax.scatter(rows["floor"] + rng.uniform(-0.05, 0.05, len(rows)), rows["log_radon"],
                   s=9, color="0.3", alpha=0.7, label="homes")  # fmt: skip
        ax.plot(x, complete[0] + complete[1] * x, color=POOLING_COLORS["complete pooling"],
                linestyle=LINESTYLES["complete pooling"], label="complete pooling")  # fmt: skip
        ax.plot(x, intercepts[county] + slope * x, color=POOLING_COLORS["partial pooling"],
                linestyle=LINESTYLES["partial pooling"], label="partial pooling")  # fmt: skip
        ax.set_title(f"{county} ({len(rows)})", fontsize=FONT)
        ax.set_xticks([0, 1], ["basement", "first"])
        ax.tick_params(labelsize=FONT - 0.5)
    for ax in axes.flat[len(counties) :]:
        ax.set_visible(False)
    for ax in axes[:, 0]:
        ax.set_ylabel("log radon", fontsize=FONT)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=3, frameon=False,
               fontsize=FONT)  # fmt: skip
    return fig


def plot_uranium(intercepts, uranium, line, tau_draws):
    r"""County intercepts against log uranium, and what uranium does to :math:`\tau_\alpha`.

    Parameters
    ----------
    intercepts : pandas.DataFrame
        Indexed by county, columns ``mean``, ``lower`` and ``upper`` of
        :math:`\alpha_j` (from :func:`companion.hierarchical.group_summary`).
    uranium : pandas.Series
        :math:`u_j`, indexed by county.
    line : tuple of float
        Posterior means of :math:`\eta_0, \eta_1`.
    tau_draws : dict of str to array-like
        Posterior draws of :math:`\tau_\alpha` under each model (two or three).

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt
    from scipy import stats

    _check_columns(intercepts, ["mean", "lower", "upper"], "intercepts")
    u = uranium.reindex(intercepts.index).to_numpy(dtype=float)
    fig, (left, right) = plt.subplots(1, 2, figsize=(7.2, 3.3), layout="constrained")
    color = POOLING_COLORS["partial pooling"]
    left.vlines(u, intercepts["lower"], intercepts["upper"], color=color, alpha=0.4,
                linewidth=0.9)  # fmt: skip
    left.scatter(u, intercepts["mean"], s=14, color=color, marker="s", zorder=3,
                 label=r"$\alpha_j$: mean and 90% interval")  # fmt: skip
    grid = np.linspace(u.min(), u.max(), 50)
    left.plot(grid, line[0] + line[1] * grid, color="black", linestyle="--",
              label=r"$\eta_0 + \eta_1 u_j$")  # fmt: skip
    left.set_xlabel(r"county log uranium $u_j$", fontsize=FONT + 0.5)
    left.set_ylabel(r"county intercept $\alpha_j$", fontsize=FONT + 0.5)
    left.legend(frameon=False, fontsize=FONT, loc="upper left")
    left.set_title("(a) Intercepts and uranium", loc="left", fontsize=10)
    draws = {k: np.asarray(v, dtype=float).ravel() for k, v in tau_draws.items()}
    high = max(np.quantile(v, 0.999) for v in draws.values())
    grid = np.linspace(0, high, 300)
    for (label, values), (col, style) in zip(draws.items(), SERIES, strict=False):
        right.plot(grid, stats.gaussian_kde(values)(grid), color=col, linestyle=style,
                   linewidth=1.6, label=label)  # fmt: skip
    right.set_xlim(0, high)
    right.set_ylim(bottom=0)
    right.set_xlabel(r"between-county sd $\tau_\alpha$", fontsize=FONT + 0.5)
    right.set_ylabel("posterior density", fontsize=FONT + 0.5)
    right.legend(frameon=False, fontsize=FONT)
    right.set_title(r"(b) Posterior of $\tau_\alpha$", loc="left", fontsize=10)
    for ax in (left, right):
        ax.tick_params(labelsize=FONT)
    return fig


def plot_correlation(rho, tau_beta, *, lkj_eta: float = 2.0, tau_prior_sd: float = 1.0):
    r"""Posterior of the correlation :math:`\rho` and of :math:`\tau_\beta`, with priors.

    For two effects the LKJ(:math:`\eta`) prior gives the correlation the
    density :math:`\propto (1 - \rho^2)^{\eta - 1}`.

    Parameters
    ----------
    rho, tau_beta : array-like of float
        Posterior draws.
    lkj_eta : float, default 2
        Shape of the LKJ prior.
    tau_prior_sd : float, default 1
        Scale of the half-normal prior of :math:`\tau_\beta`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt
    from scipy import special, stats

    rho = np.asarray(rho, dtype=float).ravel()
    tau_beta = np.asarray(tau_beta, dtype=float).ravel()
    fig, (left, right) = plt.subplots(1, 2, figsize=(7.2, 3.0), layout="constrained")
    posterior = {"color": "tab:purple", "alpha": 0.45, "density": True}
    prior = {"color": "black", "linestyle": "--", "linewidth": 1.4}
    left.hist(rho, bins=np.linspace(-1, 1, 41), label="posterior", **posterior)
    grid = np.linspace(-1, 1, 201)
    norm = special.beta(lkj_eta, lkj_eta) * 2 ** (2 * lkj_eta - 1)
    left.plot(grid, (1 - grid**2) ** (lkj_eta - 1) / norm, label=f"LKJ({lkj_eta:g}) prior",
              **prior)  # fmt: skip
    left.set_xlabel(r"correlation $\rho$ of $\alpha_j$ and $\beta_j$", fontsize=FONT + 0.5)
    left.set_title(r"(a) $\rho$", loc="left", fontsize=10)
    high = max(np.quantile(tau_beta, 0.999), 2 * tau_prior_sd)
    right.hist(tau_beta, bins=np.linspace(0, high, 41), label="posterior", **posterior)
    grid = np.linspace(0, high, 200)
    right.plot(grid, stats.halfnorm(scale=tau_prior_sd).pdf(grid),
               label=f"HalfNormal({tau_prior_sd:g}) prior", **prior)  # fmt: skip
    right.set_xlabel(r"sd of the floor slopes $\tau_\beta$", fontsize=FONT + 0.5)
    right.set_title(r"(b) $\tau_\beta$", loc="left", fontsize=10)
    for ax in (left, right):
        ax.set_ylabel("density", fontsize=FONT + 0.5)
        ax.tick_params(labelsize=FONT)
        ax.legend(frameon=False, fontsize=FONT, loc="upper right")
    return fig


def plot_predictions(means, homes):
    """Predictive distributions of a county's mean and of a new home, per case.

    Parameters
    ----------
    means, homes : pandas.DataFrame
        Draws, one column per case (a known county, a new county, ...), of
        the county's mean log radon and of one new home's log radon.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt
    from scipy import stats

    fig, axes = plt.subplots(1, 2, figsize=(7.2, 3.1), sharex=True, layout="constrained")
    low = min(np.quantile(homes, 0.002), np.quantile(means, 0.002))
    high = max(np.quantile(homes, 0.998), np.quantile(means, 0.998))
    grid = np.linspace(low, high, 300)
    for ax, frame, title in zip(axes, (means, homes),
                                ("(a) The county's mean", "(b) One new home"),
                                strict=True):  # fmt: skip
        for (name, values), (color, style) in zip(frame.items(), SERIES, strict=False):
            ax.plot(grid, stats.gaussian_kde(values)(grid), color=color, linestyle=style,
                    linewidth=1.6, label=name)  # fmt: skip
        ax.set_ylim(bottom=0)
        ax.set_xlabel("log radon (basement)", fontsize=FONT + 0.5)
        ax.set_title(title, loc="left", fontsize=10)
        ax.tick_params(labelsize=FONT)
    axes[0].set_ylabel("predictive density", fontsize=FONT + 0.5)
    axes[0].legend(frameon=False, fontsize=FONT, loc="upper right")
    return fig


def plot_ppc_by_size(p_values, sizes):
    """Posterior predictive p-values of each county's mean, against its size.

    Parameters
    ----------
    p_values : pandas.DataFrame
        One column per model, indexed by county.
    sizes : pandas.Series
        Homes per county.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    if not isinstance(p_values, pd.DataFrame):
        raise TypeError(f"`p_values` must be a DataFrame, got {type(p_values).__name__}.")
    n = sizes.reindex(p_values.index).to_numpy(dtype=float)
    fig, ax = plt.subplots(figsize=(6.4, 3.3), layout="constrained")
    ax.axhspan(0, 0.05, color="0.9", linewidth=0)
    ax.axhspan(0.95, 1, color="0.9", linewidth=0)
    markers = {"complete pooling": ("^", 24), "partial pooling": ("o", 18)}
    for name, values in p_values.items():
        marker, size = markers.get(name, ("s", 18))
        color = POOLING_COLORS.get(name, "tab:blue")
        ax.scatter(n * _jitter(len(n), seed=len(name)), values, s=size, marker=marker,
                   facecolors="none" if marker == "o" else color, edgecolors=color,
                   label=name)  # fmt: skip
    ax.set_xscale("log")
    ax.set_xticks([1, 2, 5, 10, 20, 50, 100], ["1", "2", "5", "10", "20", "50", "100"])
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("homes in the county (log scale)", fontsize=FONT + 0.5)
    ax.set_ylabel(r"$p_j$ of the county mean", fontsize=FONT + 0.5)
    ax.tick_params(labelsize=FONT)
    ax.legend(frameon=False, fontsize=FONT, loc="center left", bbox_to_anchor=(1.0, 0.5))
    return fig
