r"""What complete-case analysis gets right and wrong, by simulation with known truth.

Each simulated data set is the running regression example
(:func:`companion.simulate_regression`), amputed with
:func:`companion.ampute` under a scenario, and analysed by complete cases:
the mean of :math:`y`, and the least-squares intercept and slope of
:math:`y` on :math:`x`, each with its usual 95% confidence interval. The
truths are :math:`E(y) = \alpha` (because :math:`E(x) = 0`), :math:`\alpha`
and :math:`\beta`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import numpy as np
import pandas as pd
from scipy import stats

from companion._validation import SeedLike, check_count, check_probability, check_rng
from companion.datasets.simulate import simulate_regression
from companion.missing.amputation import ampute

__all__ = ["ESTIMANDS", "complete_case_bias", "complete_case_estimates"]

#: The quantities :func:`complete_case_estimates` estimates, in order.
ESTIMANDS = ("mean of y", "intercept", "slope")


def least_squares(xs: np.ndarray, ys: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Least squares of ``ys`` on ``xs`` with an intercept.

    Returns the coefficients (intercept, slope), their standard errors and
    the residual variance (``n - 2`` degrees of freedom).
    """
    n = len(xs)
    if n < 3:
        raise ValueError(f"Only {n} rows for least squares: at least 3 are needed.")
    design = np.column_stack([np.ones(n), xs])
    coef, *_ = np.linalg.lstsq(design, ys, rcond=None)
    residual_var = float(np.sum((ys - design @ coef) ** 2) / (n - 2))
    coef_se = np.sqrt(np.diag(residual_var * np.linalg.inv(design.T @ design)))
    return coef, coef_se, residual_var


def check_scenarios(scenarios: object) -> Mapping[str, Mapping]:
    """Validate a mapping of scenario name -> keyword arguments of :func:`companion.ampute`."""
    if not isinstance(scenarios, Mapping) or not scenarios:
        raise ValueError("`scenarios` must be a non-empty mapping of name -> ampute arguments.")
    for name, options in scenarios.items():
        if not isinstance(options, Mapping):
            raise TypeError(f"`scenarios[{name!r}]` must be a mapping of ampute arguments.")
    return scenarios


def scenario_data(
    scenarios: Mapping[str, Mapping],
    *,
    n: int,
    n_sim: int,
    alpha: float,
    beta: float,
    sigma: float,
    rng: np.random.Generator,
) -> Iterator[tuple[int, str, pd.DataFrame]]:
    """Yield ``(replicate, scenario, amputed data)``: every scenario amputes the same data.

    Within a replicate every scenario also amputes with the same seed (common
    random numbers): :func:`companion.ampute` compares the same uniform draws
    with each scenario's probabilities, so two scenarios that give a row the
    same probability remove it together. Draws from ``rng`` lazily, so a
    caller may draw from it between items.
    """
    for replicate in range(n_sim):
        complete = simulate_regression(n, alpha=alpha, beta=beta, sigma=sigma, seed=rng)
        amputation_seed = int(rng.integers(2**63 - 1))
        for name, options in scenarios.items():
            yield replicate, name, ampute(complete, seed=amputation_seed, **options)


def complete_case_estimates(
    df: pd.DataFrame, x: str = "x", y: str = "y", *, level: float = 0.95
) -> pd.DataFrame:
    """Complete-case estimates of the mean of ``y`` and of the regression of ``y`` on ``x``.

    Rows missing ``x`` or ``y`` are dropped (their number is returned in
    ``rows_used``); the estimates are the sample mean of ``y`` and the
    ordinary least-squares intercept and slope, with t intervals.

    Parameters
    ----------
    df : pandas.DataFrame
        Incomplete data with numeric columns ``x`` and ``y``.
    x, y : str
        Column names.
    level : float, default 0.95
        Confidence level of the intervals.

    Returns
    -------
    pandas.DataFrame
        Indexed by estimand (``"mean of y"``, ``"intercept"``, ``"slope"``),
        columns ``estimate``, ``std_error``, ``ci_lower``, ``ci_upper`` and
        ``rows_used``.

    Examples
    --------
    >>> from companion import simulate_regression
    >>> est = complete_case_estimates(simulate_regression(500, seed=1))
    >>> bool(abs(est.loc["slope", "estimate"] - 3) < 0.2)
    True
    """
    from companion.missing.patterns import complete_case

    level = check_probability(level, "level")
    data, _ = complete_case(df, [x, y])
    n = len(data)
    if n < 3:
        raise ValueError(f"Only {n} complete rows: at least 3 are needed for the regression.")
    xs, ys = data[x].to_numpy(float), data[y].to_numpy(float)
    coef, coef_se, _ = least_squares(xs, ys)
    estimate = np.array([ys.mean(), *coef])
    se = np.array([ys.std(ddof=1) / np.sqrt(n), *coef_se])
    dfs = np.array([n - 1, n - 2, n - 2])
    half = stats.t.ppf(0.5 + level / 2, dfs) * se
    return pd.DataFrame(
        {"estimate": estimate, "std_error": se, "ci_lower": estimate - half,
         "ci_upper": estimate + half, "rows_used": n},
        index=pd.Index(ESTIMANDS, name="estimand"),
    )  # fmt: skip


def complete_case_bias(
    scenarios: Mapping[str, Mapping],
    *,
    n: int = 200,
    n_sim: int = 1000,
    alpha: float = 2.0,
    beta: float = 3.0,
    sigma: float = 1.0,
    seed: SeedLike = None,
) -> pd.DataFrame:
    """Bias and coverage of complete-case estimates under missing-data scenarios.

    Parameters
    ----------
    scenarios : mapping of str to mapping
        Scenario name -> keyword arguments of :func:`companion.ampute`
        (``columns``, ``prop``, ``mechanism``, ``depends_on``,
        ``strength``), for example
        ``{"MAR": {"columns": ["y"], "mechanism": "MAR", "depends_on": ["x"]}}``.
    n : int, default 200
        Rows per simulated data set (before amputation).
    n_sim : int, default 1000
        Simulated data sets per scenario.
    alpha, beta, sigma : float
        Parameters of :func:`companion.simulate_regression`.
    seed : int, numpy.random.Generator or None
        Source of randomness; every scenario sees the same complete data sets
        and the same uniform draws for the amputation, so scenarios whose
        missingness probabilities agree remove the same rows.

    Returns
    -------
    pandas.DataFrame
        One row per scenario and estimand: ``truth``, ``mean`` (of the
        estimates), ``bias``, ``bias_mcse`` (Monte Carlo standard error of
        the bias), ``coverage`` (of the 95% interval), ``coverage_mcse`` and
        ``rows_used`` (mean number of complete rows).

    Examples
    --------
    >>> table = complete_case_bias({"MCAR": {"columns": ["y"]}}, n_sim=50, seed=1)
    >>> table[["scenario", "estimand"]].iloc[2].tolist()
    ['MCAR', 'slope']
    """
    n = check_count(n, "n", 4)
    n_sim = check_count(n_sim, "n_sim", 2)
    truth = np.array([alpha, alpha, beta])
    estimates = {name: [] for name in check_scenarios(scenarios)}
    covered = {name: [] for name in scenarios}
    used = {name: [] for name in scenarios}
    for _, name, amputed in scenario_data(scenarios, n=n, n_sim=n_sim, alpha=alpha, beta=beta,
                                          sigma=sigma, rng=check_rng(seed)):  # fmt: skip
        est = complete_case_estimates(amputed)
        estimates[name].append(est["estimate"].to_numpy())
        covered[name].append((est["ci_lower"] <= truth) & (truth <= est["ci_upper"]))
        used[name].append(est["rows_used"].iloc[0])
    rows = []
    for name in scenarios:
        values = np.array(estimates[name])
        coverage = np.array(covered[name], dtype=float).mean(axis=0)
        for k, estimand in enumerate(ESTIMANDS):
            rows.append({
                "scenario": name, "estimand": estimand, "truth": truth[k],
                "mean": values[:, k].mean(),
                "bias": values[:, k].mean() - truth[k],
                "bias_mcse": values[:, k].std(ddof=1) / np.sqrt(n_sim),
                "coverage": coverage[k],
                "coverage_mcse": np.sqrt(coverage[k] * (1 - coverage[k]) / n_sim),
                "rows_used": float(np.mean(used[name])),
            })  # fmt: skip
    return pd.DataFrame(rows)
