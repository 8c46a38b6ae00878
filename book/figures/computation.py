"""Figures of the chapter "Computation"."""

from __future__ import annotations

import numpy as np


def plot_funnel(fits, group=0, *, variable: str | None = None):
    r"""The funnel: one group's parameter against :math:`\log\tau`, divergences as red crosses.

    Parameters
    ----------
    fits : mapping of str to xarray.DataTree
        Fits of :func:`companion.hierarchical_model`, one panel each, titled
        by their key (for example ``{"centred": ..., "non-centred": ...}``).
    group : label or int, default 0
        The group shown, by label or position.
    variable : str, optional
        Passed to :func:`book.studies.parameterizations.funnel_draws`: by default :math:`z_j` for
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

    from book.studies.parameterizations import funnel_draws

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
        ax.scatter(draws.loc[bad, column], draws.loc[bad, "log_tau"], s=22, color="tab:red",
                   marker="x", linewidths=1.2, label="divergent")  # fmt: skip
        symbol = r"\theta" if column == "theta" else column
        ax.set_xlabel(f"${symbol}_{{{draws.attrs['group']}}}$")
        ax.set_title(f"{name}: {int(bad.sum())} divergent", fontsize=10)
    axes[0, 0].set_ylabel(r"Log between-group sd, $\log\tau$")
    axes[0, 0].legend(frameon=False, loc="lower left", markerscale=2)
    fig.tight_layout()
    return fig


def plot_parameterization_comparison(table, *, metric: str = "ess_per_second", data: str = "data"):
    """Efficiency and divergences of each parameterisation, one dot per seed.

    Parameters
    ----------
    table : pandas.DataFrame
        Rows from :func:`book.studies.parameterizations.compare_parameterizations` for one or
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
    from matplotlib.ticker import FuncFormatter

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
    plain = FuncFormatter(lambda value, _: f"{value:,.10g}")  # 0.1, 1, 10, not 10^1
    for ax in (left, right):
        ax.yaxis.set_major_formatter(plain)
    left.set_ylabel(_METRIC_LABELS.get(metric, metric))
    right.set_ylabel("Divergent transitions")
    for ax in (left, right):
        ax.set_xticks(range(len(names)), [textwrap.fill(str(n), 14) for n in names])
        ax.set_xlim(-0.5, len(names) - 0.5)
    left.legend(frameon=False)
    fig.tight_layout()
    return fig


_METRIC_LABELS = {
    "ess_per_second": "Smallest bulk ESS per second",
    "ess_per_1k_gradients": "Smallest bulk ESS per 1,000 gradients",
    "min_ess_bulk": "Smallest bulk ESS",
}
