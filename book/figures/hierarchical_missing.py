"""Figures of the chapter "Hierarchical models with missing data"."""

from __future__ import annotations

import numpy as np

from companion._validation import check_posterior
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


def plot_imputed_covariate(idata, truth, *, covariate: str = "w", level: float = 0.9):
    r"""Posterior of each imputed group covariate against its true value.

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
        :math:`\hat\mu_w \pm 1.645\,\hat\sigma_w` of the covariate model alone.

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
        ax.annotate(short_label(label), (x, y), xytext=(4, 2), textcoords="offset points",
                    fontsize=8)  # fmt: skip
    ax.set_xlabel(f"true ${covariate}_j$")
    ax.set_ylabel(f"imputed ${covariate}_j$")
    ax.legend(frameon=False, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=2,
              fontsize=8)  # fmt: skip
    return fig
