"""Figures of the chapter "Shrinkage and the exact posterior"."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


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

    from companion.hierarchical.shrinkage import shrinkage_factors

    n = np.arange(1, n_max + 1)
    fig, ax = plt.subplots(figsize=(6.5, 3.8))
    styles = ("-", "--", "-.", ":")  # the curves differ in more than colour
    for i, tau in enumerate(taus):
        ax.plot(n, shrinkage_factors(sigma, tau, n=n), label=rf"$\tau = {tau:g}$",
                linestyle=styles[i % len(styles)])  # fmt: skip
    if marked_n is not None:
        ax.plot(marked_n, np.zeros(len(marked_n)), "|", color="black", markersize=12,
                label="schools in the data")  # fmt: skip
    ax.set_xlabel("Students in the school, $n_j$")
    ax.set_ylabel("Shrinkage factor $B_j$")
    ax.set_ylim(-0.02, 1.02)
    ax.legend(frameon=False)
    fig.tight_layout()
    return fig


def plot_naive_ratio(distance: np.ndarray, naive: np.ndarray, expected: np.ndarray):
    r"""The naive shrinkage ratio and :math:`E(B_j \mid y)` against the distance from the centre.

    Two panels with the same axes: (a) the naive ratio :math:`\kappa_j`,
    (b) the posterior mean shrinkage factor, so that neither hides the other.

    Parameters
    ----------
    distance : numpy.ndarray
        Raw estimate minus the estimated centre, one value per group and data set.
    naive : numpy.ndarray
        :func:`book.studies.shrinkage.naive_shrinkage_ratio` for the same groups.
    expected : numpy.ndarray
        The posterior mean shrinkage factor :math:`E(B_j \mid y)` for the same groups.

    Returns
    -------
    matplotlib.figure.Figure
        With two axes sharing both axes; the vertical one is cut at -1.5 and 2.5.

    Examples
    --------
    >>> fig = plot_naive_ratio(np.array([-1.0, 0.1, 2.0]), np.array([0.2, 3.0, 0.25]),
    ...                        np.array([0.2, 0.2, 0.2]))
    >>> fig.get_supxlabel()
    'Raw school mean minus estimated population mean'
    """
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(7, 3.4), sharex=True, sharey=True,
                             layout="constrained")  # fmt: skip
    panels = [
        (naive, "tab:red", r"(a) Naive ratio $\kappa_j$"),
        (expected, "tab:blue", r"(b) Posterior mean $E(B_j \mid y)$"),
    ]
    for ax, (values, color, title) in zip(axes, panels, strict=True):
        ax.scatter(distance, values, s=5, alpha=0.4, color=color, linewidths=0)
        ax.axhline(0, color="grey", linewidth=0.8)
        ax.axhline(1, color="grey", linewidth=0.8)
        ax.set_title(title, loc="left", fontsize=10)
    fig.supxlabel("Raw school mean minus estimated population mean", fontsize=10)
    axes[0].set_ylim(-1.5, 2.5)
    axes[0].set_ylabel("Shrinkage")
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
