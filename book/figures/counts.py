"""Figures of the chapter "Counts and proportions"."""

from __future__ import annotations

import numpy as np

from book.figures import panels

#: The grid axes in the book's notation (population mean mu, concentration zeta),
#: by the class of the exact posterior; the package labels them in PyMC's alpha, beta.
AXIS_LABELS = {
    "BetaBinomialPosterior": (r"$\mathrm{logit}\,\mu$", r"$\log\zeta$"),
    "GammaPoissonPosterior": (r"$\log\zeta$", r"$\log(\zeta/\mu)$"),
}


def plot_grid_and_draws(
    post, u_draws: np.ndarray, v_draws: np.ndarray, *, ax=None, n_shown: int = 2000
):
    r"""Contours of an exact posterior's grid density with MCMC draws over them.

    Parameters
    ----------
    post : companion.hierarchical.BetaBinomialPosterior or GammaPoissonPosterior
        The exact posterior, whose grid is drawn.
    u_draws, v_draws : numpy.ndarray
        MCMC draws of the grid's coordinates (for the beta-binomial
        :math:`\operatorname{logit}\mu = \log(\alpha/\beta)` and
        :math:`\log\zeta = \log(\alpha+\beta)`). The axes are labelled in
        the book's notation, :data:`AXIS_LABELS`.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure by default.
    n_shown : int, default 2000
        Draws shown (evenly thinned), so the points do not hide the contours.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from companion.hierarchical import beta_binomial_posterior
    >>> post = beta_binomial_posterior([0, 2, 5, 1, 3, 4], [20, 19, 21, 18, 20, 14])
    >>> draws = post.draws(100, chains=1, seed=1).posterior
    >>> u = np.log(draws["alpha"] / draws["beta"]).to_numpy().ravel()
    >>> v = np.log(draws["concentration"]).to_numpy().ravel()
    >>> fig = plot_grid_and_draws(post, u, v)
    >>> fig.axes[0].get_ylabel()
    '$\\log\\zeta$'
    """
    import matplotlib.pyplot as plt

    u_draws, v_draws = np.asarray(u_draws, float).ravel(), np.asarray(v_draws, float).ravel()
    if u_draws.shape != v_draws.shape:
        raise ValueError("`u_draws` and `v_draws` must have the same number of draws.")
    if ax is None:
        fig, ax = plt.subplots(figsize=(6.0, 4.2))
    fig = ax.figure
    relative = post.density / post.density.max()
    # BDA3's figure 5.3: contours at 0.05, 0.15, ..., 0.95 of the mode's density.
    levels = np.arange(0.05, 1.0, 0.1)
    step = max(1, u_draws.size // n_shown)
    ax.plot(u_draws[::step], v_draws[::step], ".", color="tab:orange", markersize=2.5,
            alpha=0.5, label="MCMC draws", zorder=1)  # fmt: skip
    contours = ax.contour(post.u, post.v, relative.T, levels=levels, colors="black",
                          linewidths=0.9, zorder=2)  # fmt: skip
    ax.clabel(contours, levels=levels[::3], fmt="%.2f", fontsize=7)
    # Show where the mass is: the box of the contour at 1e-4 of the mode.
    inside_u = post.u[(relative > 1e-4).any(axis=1)]
    inside_v = post.v[(relative > 1e-4).any(axis=0)]
    ax.set_xlim(inside_u.min(), inside_u.max())
    ax.set_ylim(inside_v.min(), inside_v.max())
    xlabel, ylabel = AXIS_LABELS.get(type(post).__name__, post.AXES)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.plot([], [], color="black", linewidth=0.9, label="exact density (contours)")
    ax.legend(loc="upper right", frameon=True, fontsize=8, markerscale=3)
    fig.tight_layout()
    return fig


def plot_count_shrinkage(rats: dict, pumps: dict, *, ax=None):
    r"""Raw proportions and rates against their posterior medians and 90% intervals.

    Parameters
    ----------
    rats, pumps : dict
        Each with arrays ``raw`` (the raw proportion :math:`y_j/n_j` or rate
        :math:`y_j/t_j`), ``median``, ``lower`` and ``upper`` (the posterior
        median and 90% interval of :math:`\theta_j`) and ``pooled`` (the
        posterior median of the population mean, a float).
    ax : sequence of two matplotlib Axes, optional
        Where to draw; a new figure with two panels by default.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> one = {"raw": np.array([0.0, 0.2]), "median": np.array([0.05, 0.15]),
    ...        "lower": np.array([0.01, 0.08]), "upper": np.array([0.1, 0.25]), "pooled": 0.1}
    >>> two = {k: (v if k == "pooled" else v + 0.1) for k, v in one.items()}
    >>> fig = plot_count_shrinkage(one, two)
    >>> len(fig.axes)
    2
    """
    import matplotlib.pyplot as plt

    if ax is None:
        fig, ax = plt.subplots(1, 2, figsize=(9.0, 4.2))
    left, right = panels(ax, 2)
    fig = left.figure
    rng = np.random.default_rng(1)
    for axis, data, title, unit in (
        (left, rats, "(a) Rat tumours: 71 experiments", "proportion $y_j/n_j$"),
        (right, pumps, "(b) Pump failures: 10 pumps", "rate $y_j/t_j$ (per 1000 hours)"),
    ):
        raw = np.asarray(data["raw"], float)
        # Spread out experiments with the same raw value (several have 0/20).
        x = raw + (rng.uniform(-0.004, 0.004, raw.size) if axis is left else 0.0)
        zero = raw == 0
        axis.vlines(x, data["lower"], data["upper"], color="0.6", linewidth=0.8,
                    label="90% posterior interval")  # fmt: skip
        axis.plot(x[~zero], np.asarray(data["median"])[~zero], "o", color="tab:blue",
                  markersize=4, label="posterior median")  # fmt: skip
        if zero.any():
            axis.plot(x[zero], np.asarray(data["median"])[zero], "s", color="tab:red",
                      markerfacecolor="white", markersize=4.5,
                      label="no event: posterior median")  # fmt: skip
        low = min(float(np.min(data["lower"])), float(raw[raw > 0].min()))
        high = max(float(np.max(data["upper"])), float(raw.max()))
        line = np.array([0.0 if axis is left else low * 0.8, high * 1.05])
        axis.plot(line, line, color="black", linestyle="--", linewidth=0.9,
                  label="no pooling ($\\theta_j$ = raw)")  # fmt: skip
        axis.axhline(data["pooled"], color="black", linestyle=":", linewidth=0.9,
                     label="population mean (median)")  # fmt: skip
        axis.set_xlabel(f"Raw {unit}")
        axis.set_title(title, fontsize=10, loc="left")
    left.set_ylabel(r"Posterior of $\theta_j$")
    right.set_xscale("log")
    right.set_yscale("log")
    left.legend(loc="upper left", fontsize=7.5, frameon=False)
    fig.tight_layout()
    return fig
