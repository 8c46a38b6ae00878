"""Figures of the chapter "Scaling up"."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


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
    >>> from book.figures.scaling import plot_scaling
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
    ylabels = ("whole fit time, wall clock (s)", "ESS of τ per second of sampling")
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


#: Colour and marker of each likelihood of :func:`companion.hierarchical_model`.
SCALING_STYLES = {"full": ("tab:red", "o"), "sufficient": ("tab:blue", "s"),
                  "marginal": ("tab:green", "^")}  # fmt: skip


_SCALING_COLUMNS = ("n_students", "likelihood", "fit_seconds", "ess_per_second_tau")


_EXTRA_STYLES = (("tab:purple", "D"), ("tab:orange", "v"), ("tab:brown", "P"), ("0.4", "X"))


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


def _numeric(values) -> np.ndarray:
    import pandas as pd

    return pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
