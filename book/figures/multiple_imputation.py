"""Figures of the chapter "Multiple imputation and Rubin's rules"."""

from __future__ import annotations

from book.figures import panels


def plot_pooled_by_m(table, *, fmi: float | None = None, ax=None):
    """Monte Carlo error of the pooled estimate and standard error against m.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`book.studies.multiple_imputation.pooled_by_m`.
    fmi : float, optional
        Fraction of missing information, shown in the title.
    ax : pair of matplotlib.axes.Axes, optional
        The estimate and the standard-error panels; default a new figure.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> from book.figures.multiple_imputation import plot_pooled_by_m
    >>> from book.studies.multiple_imputation import pooled_by_m
    >>> rng = np.random.default_rng(0)
    >>> fig = plot_pooled_by_m(pooled_by_m(rng.normal(size=100), np.ones(100), [2, 5, 20]))
    """
    import matplotlib.pyplot as plt

    if ax is None:
        fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.6), layout="constrained")
    else:
        left, right = panels(ax, 2)
        fig = left.figure
    m = table["m"].to_numpy()
    left.plot(m, table["mc_sd_estimate"], "o-", label="simulated")
    left.plot(m, table["theory_sd_estimate"], "--", color="0.3", label=r"$\sqrt{V_B/m}$")
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
