"""Which estimator is closer to the truth: complete, no or partial pooling over simulated data sets.

:func:`pooling_risk` uses the exact posterior of
:func:`companion.normal_normal_posterior` instead of MCMC, so a thousand data
sets take a few seconds; :func:`pooling_rmse` and :func:`pooling_risk_grid`
summarise the errors (chapter "Pooling").
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from companion._validation import (
    SeedLike,
    check_count,
    check_group_sizes,
    check_no_missing,
    check_real,
    check_rng,
    check_vector,
)
from companion.hierarchical.summaries import METHODS

__all__ = ["pooling_risk", "pooling_risk_grid", "pooling_rmse"]


def _pooled_sd(scores: np.ndarray, codes: np.ndarray, means: np.ndarray, sizes) -> float:
    """Pooled within-group standard deviation, on N - J degrees of freedom."""
    residual = scores - means[codes]
    return float(np.sqrt(residual @ residual / (sizes.sum() - sizes.size)))


def _simulate_once(sizes, rng, *, mu, tau, sigma, true_means):
    """One data set: the true means, group sizes, group means and residual sd."""
    from companion.datasets.simulate import simulate_schools

    if true_means is None:
        data, theta = simulate_schools(sizes, mu=mu, tau=tau, sigma=sigma, seed=rng,
                                       return_truth=True)  # fmt: skip
        theta = theta.to_numpy()
        codes = data["school"].cat.codes.to_numpy()
        scores = data["score"].to_numpy()
    else:  # fixed means: centred noise from the same simulator, shifted by the truth
        noise = simulate_schools(sizes, mu=0.0, tau=0.0, sigma=sigma, seed=rng)
        theta = true_means
        codes = noise["school"].cat.codes.to_numpy()
        scores = noise["score"].to_numpy() + theta[codes]
    n = np.asarray(sizes)
    means = np.bincount(codes, weights=scores, minlength=n.size) / n
    return theta, means, _pooled_sd(scores, codes, means, n) if n.sum() > n.size else np.nan


def pooling_risk(
    n_per_school: Sequence[int] | None = None,
    *,
    n_sims: int = 1000,
    mu: float = 75.0,
    tau: float = 8.0,
    sigma: float = 12.0,
    true_means: Sequence[float] | None = None,
    sigma_known: bool = False,
    mu_prior: tuple[float, float] | None = None,
    tau_prior: str | tuple[str, float] = "uniform",
    grid_size: int = 1001,
    seed: SeedLike = None,
) -> pd.DataFrame:
    r"""Errors of no, partial and complete pooling over simulated data sets.

    Each data set comes from :func:`companion.simulate_schools`. In it, the
    three estimates of each school mean :math:`\theta_j` are

    * **no pooling**: the school's raw mean :math:`\bar y_j`;
    * **complete pooling**: the precision-weighted grand mean
      :math:`\sum_j w_j \bar y_j / \sum_j w_j` with
      :math:`w_j = n_j / \hat\sigma^2`, which is the mean of all students;
    * **partial pooling**: the exact posterior mean of :math:`\theta_j` in
      the normal-normal model :math:`\bar y_j \sim \mathcal N(\theta_j,
      \hat\sigma^2 / n_j)`, :math:`\theta_j \sim \mathcal N(\mu, \tau^2)`
      with priors ``mu_prior`` on :math:`\mu` and ``tau_prior`` on
      :math:`\tau`, from :func:`companion.normal_normal_posterior`.

    :math:`\hat\sigma` is the pooled within-school standard deviation of
    the data set (on :math:`N - J` degrees of freedom), plugged in as if
    known; with ``sigma_known=True`` it is the true ``sigma`` instead.

    Parameters
    ----------
    n_per_school : sequence of int, optional
        Students per school; defaults to the book's eight schools
        (:data:`companion.datasets.SCHOOL_SIZES`). At least 2 schools.
    n_sims : int, default 1000
        Number of simulated data sets.
    mu, tau, sigma : float, default 75, 8, 12
        Population mean, between- and within-school standard deviations of
        the simulation (as in :func:`companion.simulate_schools`).
    true_means : array-like, optional
        Fix the school means at these values in every data set (risk given
        :math:`\theta`) instead of drawing them from
        :math:`\mathcal N(\mu, \tau^2)`; ``mu`` is then only the
        reference point of the ``deviation`` column.
    sigma_known : bool, default False
        Use the true ``sigma`` rather than the pooled estimate.
    mu_prior, tau_prior
        Priors of the partial-pooling model, as in
        :func:`companion.normal_normal_posterior` (default flat and uniform).
    grid_size : int, default 1001
        Grid for :math:`\tau` in the exact posterior; 1001 points give
        posterior means accurate to far below Monte Carlo error.
    seed : int, numpy.random.Generator or None
        Source of randomness; the same integer gives the same results.

    Returns
    -------
    pandas.DataFrame
        One row per data set, school and method: ``sim``, ``school``
        (ordered categorical), ``n`` (school size), ``truth``,
        ``deviation`` (``truth - mu``), ``method`` (ordered categorical,
        :data:`METHODS`), ``estimate`` and ``error`` (estimate minus truth).

    Examples
    --------
    >>> risk = pooling_risk(n_sims=50, seed=1)
    >>> risk.shape
    (1200, 8)
    >>> rmse = pooling_rmse(risk).set_index("method")["rmse"]
    >>> bool(rmse["partial pooling"] < rmse["complete pooling"])
    True
    """
    import pandas as pd

    from companion.datasets.simulate import SCHOOL_SIZES
    from companion.hierarchical.exact import normal_normal_posterior

    sizes = check_group_sizes(SCHOOL_SIZES if n_per_school is None else n_per_school,
                              "n_per_school")  # fmt: skip
    n_groups = len(sizes)
    if n_groups < 2:
        raise ValueError(f"`n_per_school` needs at least 2 schools to pool, got {n_groups}.")
    n_sims = check_count(n_sims, "n_sims")
    mu = check_real(mu, "mu")
    tau = check_real(tau, "tau", nonnegative=True)
    sigma = check_real(sigma, "sigma", positive=True)
    if not isinstance(sigma_known, bool):
        raise TypeError(f"`sigma_known` must be True or False, got {sigma_known!r}.")
    if not sigma_known and sum(sizes) <= n_groups:
        raise ValueError(
            "`n_per_school`: estimating sigma needs a school with at least 2 students; "
            "pass `sigma_known=True` otherwise."
        )
    if true_means is not None:
        true_means = check_vector(true_means, "true_means")
        if true_means.size != n_groups:
            raise ValueError(f"`true_means` has {true_means.size} values for {n_groups} schools.")
    rng = check_rng(seed)
    posterior = {"mu_prior": mu_prior, "tau_prior": tau_prior, "grid_size": grid_size}
    n = np.asarray(sizes, dtype=float)
    truth = np.empty((n_sims, n_groups))
    estimates = np.empty((n_sims, len(METHODS), n_groups))
    for s in range(n_sims):
        theta, means, sd = _simulate_once(sizes, rng, mu=mu, tau=tau, sigma=sigma,
                                          true_means=true_means)  # fmt: skip
        se = (sigma if sigma_known else sd) / np.sqrt(n)
        weights = 1.0 / se**2
        truth[s] = theta
        estimates[s, 0] = means
        estimates[s, 1] = normal_normal_posterior(means, se, **posterior).theta_mean
        estimates[s, 2] = weights @ means / weights.sum()
    names = [f"School {j + 1}" for j in range(n_groups)]
    shape = (n_sims, len(METHODS), n_groups)
    table = pd.DataFrame({
        "sim": np.broadcast_to(np.arange(n_sims)[:, None, None], shape).ravel(),
        "school": pd.Categorical.from_codes(
            np.broadcast_to(np.arange(n_groups), shape).ravel(), categories=names, ordered=True
        ),
        "n": np.broadcast_to(np.asarray(sizes), shape).ravel(),
        "truth": np.broadcast_to(truth[:, None, :], shape).ravel(),
        "method": pd.Categorical.from_codes(
            np.broadcast_to(np.arange(len(METHODS))[:, None], shape).ravel(),
            categories=list(METHODS), ordered=True,
        ),
        "estimate": estimates.ravel(),
    })  # fmt: skip
    table.insert(4, "deviation", table["truth"] - mu)
    table["error"] = table["estimate"] - table["truth"]
    return table


_RISK_COLUMNS = ("sim", "school", "n", "truth", "deviation", "method", "estimate", "error")


def _check_risk(risk: object) -> pd.DataFrame:
    import pandas as pd

    if not isinstance(risk, pd.DataFrame):
        raise TypeError(f"`risk` must be a DataFrame from pooling_risk, got {type(risk).__name__}.")
    missing = [c for c in _RISK_COLUMNS if c not in risk.columns]
    if missing:
        raise ValueError(f"`risk` lacks column(s) {missing}: pass the output of pooling_risk.")
    check_no_missing(risk, _RISK_COLUMNS, "risk")
    return risk


def _deviation_bins(risk: pd.DataFrame, bins: int) -> pd.Series:
    """Equal-count bins of how far each true mean lies from mu, labelled by their mean."""
    import pandas as pd

    distance = risk["deviation"].abs()
    codes = pd.qcut(distance, bins, labels=False, duplicates="drop")
    centres = distance.groupby(codes).mean()
    return codes.map(centres).rename("distance")


def _overall_rmse(squared: pd.DataFrame) -> pd.DataFrame:
    """RMSE per method with a Monte Carlo standard error from independent data sets.

    The MSE is a ratio of per-data-set sums, total / count (the counts differ
    when ``risk`` was filtered); its standard error is that of a ratio
    estimator, carried to the RMSE by the delta method.
    """
    import pandas as pd

    rows = []
    for method, one in squared.groupby("method", observed=True):
        per_sim = one.groupby("sim")["squared"].agg(["sum", "size"])
        count = int(per_sim["size"].sum())
        mse = per_sim["sum"].sum() / count
        residual = per_sim["sum"] - mse * per_sim["size"]
        n_sims = len(per_sim)
        se_mse = (residual.std(ddof=1) * np.sqrt(n_sims) / count) if n_sims > 1 else np.nan
        rmse = float(np.sqrt(mse))
        rows.append(
            {
                "method": method,
                "rmse": rmse,
                "mcse": se_mse / (2 * rmse) if rmse > 0 else np.nan,
                "count": count,
            }
        )
    table = pd.DataFrame(rows)
    table["method"] = pd.Categorical(table["method"], categories=list(METHODS), ordered=True)
    return table


def pooling_rmse(risk: pd.DataFrame, by: str | None = None, *, bins: int = 10) -> pd.DataFrame:
    r"""Root mean squared error of each method, overall or by a grouping.

    Parameters
    ----------
    risk : pandas.DataFrame
        Output of :func:`pooling_risk`.
    by : None, "sim", "school", "n" or "distance", default None
        ``None``: one row per method over all data sets and schools, with
        its Monte Carlo standard error ``mcse``. ``"sim"``: the RMSE over
        the schools of each data set. ``"school"`` or ``"n"``: per school or
        school size, over data sets. ``"distance"``: by how far the true
        school mean lies from ``mu`` (:math:`|\theta_j - \mu|`), in
        ``bins`` groups of equal size; ``distance`` is the mean of each bin.
    bins : int, default 10
        Number of distance bins (only for ``by="distance"``).

    Returns
    -------
    pandas.DataFrame
        Columns ``by`` (when given), ``method``, ``rmse``, and ``count``
        (errors averaged); ``mcse`` too when ``by`` is None. The Monte Carlo
        standard error treats data sets, not schools, as the independent
        replicates, so it stays valid for a filtered ``risk`` (say, only
        extreme schools): it is the standard error of the mean squared error
        as a ratio of per-data-set sums, carried to the RMSE by the delta
        method.

    Examples
    --------
    >>> risk = pooling_risk(n_sims=20, seed=1)
    >>> pooling_rmse(risk, by="sim").shape
    (60, 4)
    """
    risk = _check_risk(risk)
    if by not in (None, "sim", "school", "n", "distance"):
        raise ValueError(f"`by` must be None, 'sim', 'school', 'n' or 'distance', got {by!r}.")
    squared = risk.assign(squared=risk["error"] ** 2)
    if by is None:
        return _overall_rmse(squared)
    keys = [by, "method"]
    if by == "distance":
        check_count(bins, "bins", 2)
        squared = squared.assign(distance=_deviation_bins(risk, bins))
    grouped = squared.groupby(keys, observed=True)["squared"]
    table = grouped.mean().pow(0.5).rename("rmse").to_frame()
    return table.assign(count=grouped.size()).reset_index()


def pooling_risk_grid(
    n_values: Sequence[int] = (5, 20, 80),
    tau_values: Sequence[float] = (4.0, 8.0, 16.0),
    *,
    n_schools: int = 8,
    n_sims: int = 300,
    seed: SeedLike = None,
    **kwargs,
) -> pd.DataFrame:
    r"""RMSE of the three methods for every school size and between-school sd.

    Runs :func:`pooling_risk` with ``n_schools`` schools of ``n`` students
    each, for every ``n`` in ``n_values`` and ``tau`` in ``tau_values``.

    Parameters
    ----------
    n_values : sequence of int, default (5, 20, 80)
        Students per school (at least 2, so sigma can be estimated).
    tau_values : sequence of float, default (4, 8, 16)
        Between-school standard deviations, non-negative.
    n_schools : int, default 8
    n_sims : int, default 300
        Data sets per setting.
    seed : int, numpy.random.Generator or None
    **kwargs
        Passed on to :func:`pooling_risk` (``sigma``, ``mu_prior``, ...).

    Returns
    -------
    pandas.DataFrame
        Columns ``n``, ``tau``, ``se`` (:math:`\sigma/\sqrt n`), ``method``,
        ``rmse``, ``mcse`` and ``relative`` (RMSE divided by that of no
        pooling in the same setting).

    Examples
    --------
    >>> grid = pooling_risk_grid((5, 50), (8.0,), n_sims=20, seed=1)
    >>> grid[["n", "tau"]].drop_duplicates().shape[0]
    2
    """
    import pandas as pd

    n_values = check_group_sizes(list(n_values), "n_values")
    taus = check_vector(tau_values, "tau_values")
    if (taus < 0).any():
        raise ValueError(f"`tau_values` must be non-negative, got {taus[taus < 0][0]}.")
    n_schools = check_count(n_schools, "n_schools", 2)
    for forbidden in ("n_per_school", "tau", "true_means", "seed"):
        if forbidden in kwargs:
            raise TypeError(f"`{forbidden}` is set by pooling_risk_grid; do not pass it.")
    rng = check_rng(seed)
    sigma = check_real(kwargs.get("sigma", 12.0), "sigma", positive=True)
    rows = []
    for n in n_values:
        for tau in taus:
            risk = pooling_risk([n] * n_schools, tau=float(tau), n_sims=n_sims, seed=rng,
                                **kwargs)  # fmt: skip
            summary = pooling_rmse(risk).drop(columns="count")
            baseline = summary.loc[summary["method"] == METHODS[0], "rmse"].iloc[0]
            rows.append(summary.assign(n=n, tau=float(tau), se=sigma / np.sqrt(n),
                                       relative=summary["rmse"] / baseline))  # fmt: skip
    table = pd.concat(rows, ignore_index=True)
    return table[["n", "tau", "se", "method", "rmse", "mcse", "relative"]]
