r"""How well Bayesian imputation does, by comparison and by simulation.

Three tools for the chapter on Bayesian imputation:

* :func:`compare_imputations` puts the Bayesian imputation model next to
  complete-case and mean-imputation least squares on one data set.
* :func:`marginal_regression_model` is the model of
  :func:`companion.regression_imputation_model` with the missing values
  integrated out analytically. Its data are fixed-length arrays with 0/1
  masks, so one compiled model can be refitted to many data sets (with
  nutpie's ``with_data``), which :func:`coverage_study` does to measure the
  coverage of the interval for the slope under different mechanisms.
* :func:`complete_case_slope_limit` gives the large-sample complete-case
  slope when :math:`y` goes missing depending on its own value.

The marginal model rests on the factorisation
:math:`p(x, y) = p(x)\, p(y \mid x)` of the joint normal model. A row with
both values observed contributes :math:`p(x_i)\, p(y_i \mid x_i)`; a row
missing :math:`y_i` contributes :math:`p(x_i)`; a row missing :math:`x_i`
contributes :math:`y_i \sim \mathcal N(\alpha + \beta\mu_x, \sigma^2 +
\beta^2\sigma_x^2)`; a row missing both contributes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import stats
from scipy.optimize import brentq
from scipy.special import expit

from book.studies.complete_case import check_scenarios, least_squares, scenario_data
from companion._validation import (
    SeedLike,
    check_count,
    check_no_missing,
    check_probability,
    check_real,
    check_rng,
    numeric_column,
)
from companion.missing.bayesian import mean_impute, prior_scales, regression_priors
from companion.missing.patterns import drop_empty_rows

if TYPE_CHECKING:
    import pymc as pm
    import xarray as xr

__all__ = [
    "METHODS",
    "complete_case_slope_limit",
    "compare_imputations",
    "coverage_study",
    "coverage_summary",
    "marginal_data",
    "marginal_regression_model",
    "posterior_agreement",
]

#: The methods compared by :func:`compare_imputations` and :func:`coverage_study`.
METHODS = ("Bayesian imputation", "complete cases", "mean imputation")

_PRIOR_NAMES = ("mu_x_mu", "mu_x_sd", "sigma_x_sd", "alpha_mu", "alpha_sd", "beta_sd", "sigma_sd")


def marginal_data(df: pd.DataFrame, x: str = "x", y: str = "y") -> dict[str, np.ndarray]:
    """The data of :func:`marginal_regression_model` for one data set.

    Parameters
    ----------
    df : pandas.DataFrame
        Incomplete data with numeric columns ``x`` and ``y`` (NaN = missing).
    x, y : str
        Column names.

    Returns
    -------
    dict of str to numpy.ndarray
        ``x_value`` and ``y_value`` (the data with NaN replaced by 0),
        ``x_seen`` and ``y_seen`` (1.0 where observed, 0.0 where missing) and
        the prior locations and scales of :func:`companion.missing.prior_scales` as
        0-d arrays. Pass it to ``compiled.with_data(**marginal_data(df))``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> df = pd.DataFrame({"x": [0.5, np.nan, 1.0, 2.0], "y": [1.0, 2.0, np.nan, 4.0]})
    >>> data = marginal_data(df)
    >>> data["x_value"].tolist(), data["x_seen"].tolist()
    ([0.5, 0.0, 1.0, 2.0], [1.0, 0.0, 1.0, 1.0])
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"`df` must be a pandas DataFrame, got {type(df).__name__}.")
    x_values = numeric_column(df, x, "x")
    y_values = numeric_column(df, y, "y")
    if (np.isfinite(x_values) & np.isfinite(y_values)).sum() < 2:
        raise ValueError("The regression needs at least two rows with both `x` and `y` observed.")
    data = {
        "x_value": np.nan_to_num(x_values, nan=0.0),
        "y_value": np.nan_to_num(y_values, nan=0.0),
        "x_seen": np.isfinite(x_values).astype(float),
        "y_seen": np.isfinite(y_values).astype(float),
    }
    data.update({k: np.asarray(v, float) for k, v in prior_scales(x_values, y_values).items()})
    return data


def marginal_regression_model(df: pd.DataFrame, x: str = "x", y: str = "y") -> pm.Model:
    r"""The regression imputation model with the missing values integrated out.

    The same priors and the same joint model as
    :func:`companion.regression_imputation_model`, but instead of sampling
    the missing values the likelihood integrates them out:

    .. math::

        \log p = \sum_i \Bigl[ R^x_i \log \mathcal N(x_i \mid \mu_x, \sigma_x^2)
        + R^x_i R^y_i \log \mathcal N(y_i \mid \alpha + \beta x_i, \sigma^2)
        + (1 - R^x_i) R^y_i \log \mathcal N(y_i \mid \alpha + \beta\mu_x,
        \sigma^2 + \beta^2\sigma_x^2) \Bigr],

    with :math:`R^x_i = 1` where :math:`x_i` is observed (likewise :math:`R^y_i`). The posterior of
    ``mu_x``, ``sigma_x``, ``alpha``, ``beta`` and ``sigma`` is exactly that
    of the imputation model. All data, masks and prior scales are
    ``pm.Data``, so a compiled model can be refitted to another data set
    of the same length with ``compiled.with_data(**marginal_data(new_df))``.

    Parameters
    ----------
    df : pandas.DataFrame
        Incomplete data with numeric columns ``x`` and ``y``.
    x, y : str
        Column names.

    Returns
    -------
    pymc.Model
        Free parameters ``mu_x``, ``sigma_x``, ``alpha``, ``beta``, ``sigma``
        and the data of :func:`marginal_data`; the likelihood is the
        potential ``loglik``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> df = pd.DataFrame({"x": [0.1, np.nan, 1.2, 0.4], "y": [2.0, 1.5, np.nan, 3.1]})
    >>> model = marginal_regression_model(df)
    >>> sorted(v.name for v in model.free_RVs)
    ['alpha', 'beta', 'mu_x', 'sigma', 'sigma_x']
    """
    import pymc as pm

    data = marginal_data(df, x, y)
    with pm.Model() as model:
        shared = {name: pm.Data(name, value) for name, value in data.items()}
        mu_x, sigma_x, alpha, beta, sigma = regression_priors(
            {name: shared[name] for name in _PRIOR_NAMES}
        )
        xv, yv = shared["x_value"], shared["y_value"]
        rx, ry = shared["x_seen"], shared["y_seen"]
        log_x = pm.logp(pm.Normal.dist(mu_x, sigma_x), xv)
        log_y_given_x = pm.logp(pm.Normal.dist(alpha + beta * xv, sigma), yv)
        marginal_sd = pm.math.sqrt(sigma**2 + beta**2 * sigma_x**2)
        log_y = pm.logp(pm.Normal.dist(alpha + beta * mu_x, marginal_sd), yv)
        pm.Potential(
            "loglik",
            pm.math.sum(rx * log_x + rx * ry * log_y_given_x + (1 - rx) * ry * log_y),
        )
    return model


def posterior_agreement(
    first: xr.DataTree, second: xr.DataTree, var_names=("mu_x", "sigma_x", "alpha", "beta", "sigma")
) -> pd.DataFrame:
    r"""Compare the posteriors of scalar parameters in two independent fits.

    Parameters
    ----------
    first, second : xarray.DataTree
        Two fits with a ``posterior`` group (for example of
        :func:`companion.regression_imputation_model` and of
        :func:`marginal_regression_model` on the same data).
    var_names : sequence of str
        Scalar parameters present in both.

    Returns
    -------
    pandas.DataFrame
        Indexed by parameter: ``mean_first``, ``mean_second``, ``sd_first``,
        ``sd_second``, and ``z``, the difference of the means divided by its
        Monte Carlo standard error :math:`\sqrt{m_1^2 + m_2^2}` (MCSE of
        each mean from its effective sample size). If the posteriors are the
        same, ``z`` is roughly standard normal.

    Examples
    --------
    >>> table = posterior_agreement(fit_a, fit_b)  # doctest: +SKIP
    """
    import arviz_stats as azs

    rows = {}
    for name in var_names:
        entry = {}
        for label, fit in (("first", first), ("second", second)):
            posterior = getattr(fit, "posterior", None)
            if posterior is None or name not in posterior.data_vars:
                raise ValueError(f"`{label}` has no posterior variable {name!r}.")
            values = posterior[name].to_numpy()
            if values.ndim != 2:
                raise ValueError(f"{name!r} must be a scalar parameter (dims chain, draw).")
            entry[f"mean_{label}"] = float(values.mean())
            entry[f"sd_{label}"] = float(values.std())
            entry[f"mcse_{label}"] = float(azs.mcse(values, method="mean"))
        entry["z"] = (entry["mean_first"] - entry["mean_second"]) / np.hypot(
            entry["mcse_first"], entry["mcse_second"]
        )
        rows[name] = entry
    table = pd.DataFrame(rows).T
    return table[["mean_first", "mean_second", "sd_first", "sd_second", "z"]]


def _ols(xs: np.ndarray, ys: np.ndarray, level: float) -> dict[str, float]:
    """Least squares of ys on xs: intercept, slope, residual sd, t interval of the slope."""
    coef, coef_se, residual_var = least_squares(xs, ys)
    half = float(stats.t.ppf(0.5 + level / 2, len(xs) - 2) * coef_se[1])
    return {
        "alpha": float(coef[0]), "beta": float(coef[1]), "sigma": float(np.sqrt(residual_var)),
        "sd_x": float(np.std(xs, ddof=1)), "beta_lower": float(coef[1]) - half,
        "beta_upper": float(coef[1]) + half, "rows_used": len(xs),
    }  # fmt: skip


def _posterior_summary(posterior, level: float, rows_used: int) -> dict[str, float]:
    beta = posterior["beta"].to_numpy().ravel()
    lower, upper = np.quantile(beta, [(1 - level) / 2, (1 + level) / 2])
    return {
        "alpha": float(posterior["alpha"].mean()), "beta": float(beta.mean()),
        "sigma": float(posterior["sigma"].mean()), "sd_x": float(posterior["sigma_x"].mean()),
        "beta_lower": float(lower), "beta_upper": float(upper), "rows_used": rows_used,
    }  # fmt: skip


def _method_estimates(df, posterior, x, y, level) -> dict[str, dict[str, float]]:
    complete = df[[x, y]].notna().all(axis=1).to_numpy()
    filled = mean_impute(df, [x, y])
    return {
        METHODS[0]: _posterior_summary(posterior, level, int(df[[x, y]].notna().any(axis=1).sum())),
        METHODS[1]: _ols(df[x].to_numpy(float)[complete], df[y].to_numpy(float)[complete], level),
        METHODS[2]: _ols(filled[x].to_numpy(float), filled[y].to_numpy(float), level),
    }


def compare_imputations(
    df: pd.DataFrame, idata: xr.DataTree, x: str = "x", y: str = "y", *, level: float = 0.9
) -> pd.DataFrame:
    r"""Bayesian imputation next to complete-case and mean-imputation least squares.

    Parameters
    ----------
    df : pandas.DataFrame
        The incomplete data the Bayesian model was fitted to.
    idata : xarray.DataTree
        A posterior of :func:`companion.regression_imputation_model` (or of
        :func:`marginal_regression_model`) fitted to ``df``.
    x, y : str
        Column names.
    level : float, default 0.9
        Level of the intervals for the slope: equal-tailed posterior interval
        for the Bayesian model, t interval for least squares.

    Returns
    -------
    pandas.DataFrame
        One row per method of :data:`METHODS`; columns ``alpha``, ``beta``,
        ``sigma`` (posterior means, or least-squares estimates), ``sd_x``
        (posterior mean of :math:`\sigma_x`, or the sample standard
        deviation of the :math:`x` values used), ``beta_lower``,
        ``beta_upper``, ``beta_width`` and ``rows_used``.

    Examples
    --------
    >>> from companion import ampute, regression_imputation_model, sample, simulate_regression
    >>> df = ampute(simulate_regression(seed=1), ["x", "y"], seed=2)
    >>> fit = sample(regression_imputation_model(df), seed=3)  # doctest: +SKIP
    >>> compare_imputations(df, fit).loc[:, ["beta", "beta_width"]]  # doctest: +SKIP
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"`df` must be a pandas DataFrame, got {type(df).__name__}.")
    level = check_probability(level, "level")
    posterior = getattr(idata, "posterior", None)
    if posterior is None or "beta" not in posterior.data_vars:
        raise ValueError("`idata` must have a posterior with `beta`, `alpha`, `sigma`, `sigma_x`.")
    table = pd.DataFrame(_method_estimates(df, posterior, x, y, level)).T
    table["beta_width"] = table["beta_upper"] - table["beta_lower"]
    table["rows_used"] = table["rows_used"].astype(int)
    table.index.name = "method"
    return table[["alpha", "beta", "sigma", "sd_x", "beta_lower", "beta_upper", "beta_width",
                  "rows_used"]]  # fmt: skip


def coverage_study(
    scenarios: Mapping[str, Mapping],
    *,
    n: int = 100,
    n_sim: int = 100,
    level: float = 0.9,
    alpha: float = 2.0,
    beta: float = 3.0,
    sigma: float = 1.0,
    draws: int = 500,
    tune: int = 500,
    chains: int = 4,
    seed: SeedLike = None,
    compiled=None,
) -> pd.DataFrame:
    """Coverage of the interval for the slope over many simulated data sets.

    Each data set is :func:`companion.simulate_regression` with ``n`` rows,
    amputed under each scenario with :func:`companion.ampute` (every
    scenario sees the same complete data). The slope is then estimated by
    the Bayesian model (:func:`marginal_regression_model`, compiled once
    and refitted with nutpie's ``with_data``; rows missing both values are
    dropped, which changes nothing, and counted), by complete-case least
    squares and by least squares on mean-imputed data.

    Parameters
    ----------
    scenarios : mapping of str to mapping
        Scenario name -> keyword arguments of :func:`companion.ampute`,
        e.g. ``{"MCAR": {"columns": ["x", "y"]}}``.
    n : int, default 100
        Rows per data set, before amputation.
    n_sim : int, default 100
        Data sets per scenario.
    level : float, default 0.9
        Nominal level of the intervals.
    alpha, beta, sigma : float
        True intercept, slope and residual standard deviation.
    draws, tune, chains : int
        MCMC settings of each Bayesian fit (4 chains by default, so that
        R-hat is judged by the book's rules).
    seed : int, numpy.random.Generator or None
        Source of randomness (data, amputation and MCMC).
    compiled : nutpie.CompiledModel, optional
        A compiled :func:`marginal_regression_model` to reuse; by default one
        is compiled (which takes a few seconds).

    Returns
    -------
    pandas.DataFrame
        Tidy: one row per scenario, data set (``replicate``) and method, with
        ``estimate``, ``lower``, ``upper``, ``covered`` (bool), ``width``,
        ``rows_used``, ``rows_dropped`` (rows missing both values, not used by
        the Bayesian model; 0 for the other methods, which report in
        ``rows_used``), and for the Bayesian fits their diagnostics:
        ``divergences``, ``max_rhat``, ``min_ess_bulk``, ``min_ess_tail``
        (:func:`companion.inference.sampler_diagnostics`) and ``converged``
        (True when :func:`companion.inference.check_convergence` finds no
        problem); the other methods get 0, NaN and True.
        ``attrs`` holds ``truth`` and ``level``. Summarise with
        :func:`coverage_summary`.

    Examples
    --------
    >>> results = coverage_study({"MCAR": {"columns": ["x", "y"]}}, n_sim=3,
    ...                          seed=1)  # doctest: +SKIP
    >>> coverage_summary(results)  # doctest: +SKIP
    """
    import nutpie

    from companion._random import sampler_seed
    from companion.datasets.simulate import simulate_regression
    from companion.inference.diagnostics import (
        check_convergence,
        compile_model,
        sampler_diagnostics,
    )

    check_scenarios(scenarios)
    n = check_count(n, "n", 10)
    n_sim = check_count(n_sim, "n_sim", 1)
    level = check_probability(level, "level")
    check_count(draws, "draws", 1)
    check_count(tune, "tune", 1)
    chains = check_count(chains, "chains", 1)
    rng = check_rng(seed)
    if compiled is None:
        template = simulate_regression(n, alpha=alpha, beta=beta, sigma=sigma, seed=0)
        template.iloc[0, 0] = np.nan
        compiled = compile_model(marginal_regression_model(template))

    rows = []
    simulated = scenario_data(scenarios, n=n, n_sim=n_sim, alpha=alpha, beta=beta, sigma=sigma,
                              rng=rng)  # fmt: skip
    for replicate, name, amputed in simulated:
        used, report = drop_empty_rows(amputed, ["x", "y"])
        # Rows missing both values contribute nothing to the marginal
        # likelihood, so the model is fitted to all n rows (fixed length).
        trace = nutpie.sample(
            compiled.with_data(**marginal_data(amputed)), draws=draws, tune=tune,
            chains=chains, cores=1, seed=sampler_seed(rng), progress_bar=False,
            save_warmup=False,
        )  # fmt: skip
        estimates = _method_estimates(amputed, trace.posterior, "x", "y", level)
        health = sampler_diagnostics(trace)
        fit_checks = {
            "divergences": int(health["divergences"]), "max_rhat": health["max_rhat"],
            "min_ess_bulk": health["min_ess_bulk"], "min_ess_tail": health["min_ess_tail"],
            "converged": not check_convergence(trace),
        }  # fmt: skip
        no_fit = {"divergences": 0, "max_rhat": np.nan, "min_ess_bulk": np.nan,
                  "min_ess_tail": np.nan, "converged": True}  # fmt: skip
        for method, est in estimates.items():
            bayes = method == METHODS[0]
            rows.append({
                "scenario": name, "replicate": replicate, "method": method,
                "estimate": est["beta"], "lower": est["beta_lower"],
                "upper": est["beta_upper"],
                "rows_used": len(used) if bayes else est["rows_used"],
                "rows_dropped": report.n_dropped if bayes else 0,
                **(fit_checks if bayes else no_fit),
            })  # fmt: skip
    results = pd.DataFrame(rows)
    results["covered"] = (results["lower"] <= beta) & (beta <= results["upper"])
    results["width"] = results["upper"] - results["lower"]
    results.attrs.update(truth=beta, level=level)
    return results


def coverage_summary(results: pd.DataFrame) -> pd.DataFrame:
    r"""Coverage, bias and width by scenario and method, with Monte Carlo errors.

    Parameters
    ----------
    results : pandas.DataFrame
        From :func:`coverage_study`.

    Returns
    -------
    pandas.DataFrame
        One row per scenario and method (in the order they first appear):
        ``n_sim``, ``coverage`` (share of intervals containing the true
        slope), ``coverage_mcse`` (:math:`\sqrt{p(1 - p)/n_{sim}}`),
        ``mean_estimate``, ``bias``, ``bias_mcse``, ``mean_width`` and
        ``rows_dropped`` (total rows missing both values).

    Examples
    --------
    >>> import pandas as pd
    >>> results = pd.DataFrame({"scenario": "s", "method": "m", "estimate": [2.9, 3.2],
    ...     "covered": [True, False], "width": [0.5, 0.5], "rows_dropped": 0})
    >>> results.attrs["truth"] = 3.0
    >>> coverage_summary(results)[["coverage", "coverage_mcse"]].to_numpy().tolist()
    [[0.5, 0.3535533905932738]]
    """
    needed = {"scenario", "method", "estimate", "covered", "width", "rows_dropped"}
    if not isinstance(results, pd.DataFrame) or not needed <= set(results.columns):
        raise ValueError(
            f"`results` must be a DataFrame from coverage_study with {sorted(needed)}."
        )
    if "truth" not in results.attrs:
        raise ValueError("`results.attrs['truth']` is missing; pass the output of coverage_study.")
    check_no_missing(results, sorted(needed), "results")
    truth = float(results.attrs["truth"])
    grouped = results.groupby(["scenario", "method"], sort=False)
    summary = grouped.agg(
        n_sim=("estimate", "size"), coverage=("covered", "mean"),
        mean_estimate=("estimate", "mean"), estimate_sd=("estimate", "std"),
        mean_width=("width", "mean"), rows_dropped=("rows_dropped", "sum"),
    )  # fmt: skip
    p = summary["coverage"]
    summary["coverage_mcse"] = np.sqrt(p * (1 - p) / summary["n_sim"])
    summary["bias"] = summary["mean_estimate"] - truth
    summary["bias_mcse"] = summary["estimate_sd"].fillna(0.0) / np.sqrt(summary["n_sim"])
    summary = summary.reset_index()
    return summary[["scenario", "method", "n_sim", "coverage", "coverage_mcse", "mean_estimate",
                    "bias", "bias_mcse", "mean_width", "rows_dropped"]]  # fmt: skip


def complete_case_slope_limit(
    *,
    beta: float = 3.0,
    sigma: float = 1.0,
    sigma_x: float = 1.0,
    prop: float = 0.3,
    strength: float = 2.0,
    n_nodes: int = 200,
) -> float:
    r"""Large-sample complete-case slope when :math:`y` goes missing because of its value.

    With :math:`x \sim \mathcal N(\mu_x, \sigma_x^2)`,
    :math:`y \mid x \sim \mathcal N(\alpha + \beta x, \sigma^2)` and
    :math:`y` missing with probability
    :math:`\operatorname{expit}(a + s z)`, :math:`z` the standardized
    :math:`y` (the MNAR mechanism of :func:`companion.ampute`, with
    :math:`a` solved so that a share ``prop`` goes missing), the complete
    rows have :math:`E(x \mid y) = \mu_x + c\,(y - \mu_y)`, :math:`c =
    \beta\sigma_x^2/\sigma_y^2`, and :math:`\operatorname{Var}(x \mid y) =
    \sigma_{x|y}^2 = \sigma_x^2\sigma^2/\sigma_y^2` as before, but a different
    variance :math:`V` of :math:`y`. Their least-squares slope converges to

    .. math:: \beta_{cc} = \frac{c V}{\sigma_{x|y}^2 + c^2 V},

    which equals :math:`\beta` when :math:`V = \sigma_y^2` and, for
    :math:`\beta > 0`, is smaller when the selection shrinks the variance of
    :math:`y`. :math:`V` is computed by Gauss-Hermite quadrature.

    Parameters
    ----------
    beta, sigma, sigma_x : float
        Slope, residual and covariate standard deviations.
    prop : float, default 0.3
        Share of :math:`y` missing, in (0, 1).
    strength : float, default 2
        ``strength`` of :func:`companion.ampute` (log-odds per standard
        deviation of :math:`y`).
    n_nodes : int, default 200
        Quadrature nodes.

    Returns
    -------
    float

    Examples
    --------
    >>> round(complete_case_slope_limit(strength=0.0), 6)  # MCAR: no bias
    3.0
    >>> complete_case_slope_limit() < 3
    True
    """
    beta = check_real(beta, "beta")
    sigma = check_real(sigma, "sigma", positive=True)
    sigma_x = check_real(sigma_x, "sigma_x", positive=True)
    prop = check_probability(prop, "prop")
    strength = check_real(strength, "strength")
    n_nodes = check_count(n_nodes, "n_nodes", 10)
    nodes, weights = np.polynomial.hermite_e.hermegauss(n_nodes)  # weight exp(-z^2/2)
    weights = weights / weights.sum()  # expectations over z ~ N(0, 1)
    offset = brentq(lambda a: weights @ expit(a + strength * nodes) - prop, -50.0, 50.0,
                    xtol=1e-14)  # fmt: skip
    kept = weights * (1 - expit(offset + strength * nodes))
    kept = kept / kept.sum()
    var_y = beta**2 * sigma_x**2 + sigma**2
    z_mean = kept @ nodes
    v = var_y * (kept @ (nodes - z_mean) ** 2)
    c = beta * sigma_x**2 / var_y
    var_x_given_y = sigma_x**2 * sigma**2 / var_y
    return float(c * v / (var_x_given_y + c**2 * v))
