"""Figures of the chapter "Bayesian imputation"."""

from __future__ import annotations

import numpy as np

from companion._validation import check_posterior
from companion.plots.missing import plot_missing_pattern
from companion.plots.style import MISSING_COLOR, OBSERVED_COLOR


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
        ax_b.errorbar(
            px,
            py,
            xerr=xerr,
            yerr=yerr,
            fmt="o",
            markersize=4,
            color=color,
            elinewidth=0.8,
            alpha=0.8,
            label=f"{label} ({level:.0%} interval)",
        )
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


def plot_coverage(summary, *, level: float = 0.9, scale: float = 2.0):
    """Coverage of intervals and mean estimates by scenario and method.

    Parameters
    ----------
    summary : pandas.DataFrame
        From :func:`book.studies.imputation.coverage_summary`.
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
    >>> from book.figures.bayesian_imputation import plot_coverage
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


def _imputed_draws(posterior, column: str):
    """Draws of ``<column>_unobserved`` as (labels, array of shape (n_missing, n_draws))."""
    name = f"{column}_unobserved"
    if name not in posterior.data_vars:
        return [], np.empty((0, 0))
    draws = posterior[name]
    dim = draws.dims[-1]
    flat = draws.stack(sample=("chain", "draw")).transpose(dim, "sample").to_numpy()
    return list(draws[dim].to_numpy()), flat


def _series(values, labels):
    """A pandas Series of ``values`` indexed by ``labels`` (pandas imported lazily)."""
    import pandas as pd

    return pd.Series(np.asarray(values, float), index=pd.Index(labels, dtype=object))
