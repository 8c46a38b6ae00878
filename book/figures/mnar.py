"""Figures of the chapter "Missing not at random"."""

from __future__ import annotations

import numpy as np


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
    >>> from book.figures.mnar import plot_selection_posteriors
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
