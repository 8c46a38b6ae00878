r"""Exact posterior of the normal-normal hierarchical model (BDA3 section 5.4).

The model is

.. math::

    y_j \mid \theta_j \sim \mathcal N(\theta_j, \sigma_j^2), \qquad
    \theta_j \mid \mu, \tau \sim \mathcal N(\mu, \tau^2), \qquad j = 1, \dots, J,

with known :math:`\sigma_j`. Given :math:`\tau`, everything is normal, so the
posterior factorises into closed forms and one dimension that needs
quadrature:

* :math:`\theta_j \mid \mu, \tau, y` is normal with mean
  :math:`(1 - B_j) y_j + B_j \mu` and variance :math:`(1 - B_j)\sigma_j^2`,
  where :math:`B_j = \sigma_j^2 / (\sigma_j^2 + \tau^2)`;
* :math:`\mu \mid \tau, y` is normal with precision
  :math:`V_\mu^{-1} = \sum_j 1/(\sigma_j^2 + \tau^2)` (plus the prior's);
* :math:`p(\tau \mid y)` is known up to a constant and is normalised
  numerically on a grid.

The grid is in :math:`u = \tau / (\tau + s)`, which maps :math:`[0, \infty)`
onto :math:`[0, 1)`, so even the heavy tail of a flat prior on :math:`\tau`
is integrated; a second pass refines the grid where the posterior mass is.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from companion._modelling import shrinkage
from companion._validation import SeedLike, check_rng, check_same_length, check_vector
from companion.hierarchical.priors import LocationPrior, ScalePrior, location_prior, scale_prior

__all__ = [
    "NormalNormalPosterior",
    "normal_normal_posterior",
]

# Relative density below which a grid cell carries no mass worth integrating.
_NEGLIGIBLE = 1e-16


@dataclass(frozen=True)
class NormalNormalPosterior:
    r"""Exact posterior of the normal-normal model; see :func:`normal_normal_posterior`.

    Attributes
    ----------
    y : numpy.ndarray
        The data: one estimate per group.
    sigma : numpy.ndarray
        The known standard errors of ``y``.
    groups : list
        Group labels (the Series index when ``y`` was a Series, else 0..J-1).
    mu_prior : LocationPrior
        The prior of :math:`\mu` used.
    tau_prior : ScalePrior
        The prior of :math:`\tau` used.
    tau : numpy.ndarray
        Grid of :math:`\tau` values (increasing, not evenly spaced).
    density : numpy.ndarray
        :math:`p(\tau \mid y)` on the grid, normalised to integrate to 1.
    weights : numpy.ndarray
        Quadrature weights on the grid, summing to 1: the posterior mean of
        :math:`g(\tau)` is ``weights @ g(tau)``.
    mu_mean : float
        Posterior mean of :math:`\mu`.
    mu_sd : float
        Posterior sd of :math:`\mu`.
    theta_mean : numpy.ndarray
        Posterior mean of each :math:`\theta_j`.
    theta_sd : numpy.ndarray
        Posterior sd of each :math:`\theta_j`.

    Examples
    --------
    >>> from companion import eight_schools, normal_normal_posterior
    >>> schools = eight_schools()
    >>> post = normal_normal_posterior(schools["y"], schools["sigma"])
    >>> total_weight = round(float(post.weights.sum()), 6)
    >>> round(post.mu_mean, 1), post.theta_mean.shape, total_weight
    (7.9, (8,), 1.0)
    """

    y: np.ndarray
    sigma: np.ndarray
    groups: list
    mu_prior: LocationPrior
    tau_prior: ScalePrior
    tau: np.ndarray
    density: np.ndarray
    weights: np.ndarray = field(repr=False)
    mu_mean: float = field(init=False)
    mu_sd: float = field(init=False)
    theta_mean: np.ndarray = field(init=False)
    theta_sd: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        """Compute the posterior means and variances of the group means."""
        w = self.weights
        mu_hat, v_mu = self.mu_given_tau(self.tau)
        theta_hat, theta_var = self._theta_given_tau(self.tau)
        mu_mean = w @ mu_hat
        theta_mean = w @ theta_hat
        set_ = object.__setattr__  # frozen dataclass: fill derived fields once
        set_(self, "mu_mean", float(mu_mean))
        set_(self, "mu_sd", float(np.sqrt(w @ (v_mu + mu_hat**2) - mu_mean**2)))
        set_(self, "theta_mean", theta_mean)
        set_(self, "theta_sd", np.sqrt(w @ (theta_var + theta_hat**2) - theta_mean**2))

    def mu_given_tau(self, tau: float | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        r"""Mean and variance of :math:`\mu \mid \tau, y` (BDA3 eq. 5.20)."""
        tau = np.asarray(tau, dtype=float)[..., None]
        precision = 1.0 / (self.sigma**2 + tau**2)
        total = precision.sum(axis=-1)
        weighted = (precision * self.y).sum(axis=-1)
        if not self.mu_prior.flat:
            total = total + 1.0 / self.mu_prior.sd**2
            weighted = weighted + self.mu_prior.mean / self.mu_prior.sd**2
        return weighted / total, 1.0 / total

    def shrinkage(self, tau: float | np.ndarray) -> np.ndarray:
        r""":math:`B_j = \sigma_j^2/(\sigma_j^2 + \tau^2)` for each group (last axis)."""
        return shrinkage(self.sigma**2, np.asarray(tau, dtype=float)[..., None])

    def _theta_given_tau(self, tau: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        mu_hat, v_mu = self.mu_given_tau(tau)
        b = self.shrinkage(tau)
        mean = (1 - b) * self.y + b * mu_hat[..., None]
        variance = (1 - b) * self.sigma**2 + b**2 * v_mu[..., None]
        return mean, variance

    def theta_given_tau(self, tau: float | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        r"""Mean and sd of :math:`\theta_j \mid \tau, y`, :math:`\mu` integrated out.

        This is the curve of BDA3 figure 5.6: how each group's estimate moves
        from its raw value (large :math:`\tau`) to the pooled mean (small).
        """
        mean, variance = self._theta_given_tau(np.asarray(tau, dtype=float))
        return mean, np.sqrt(variance)

    def _cdf(self) -> np.ndarray:
        # Trapezoid rule in the (evenly spaced) u coordinate: each interval
        # carries the mean of its end points' weights.
        heights = self.weights.copy()
        heights[[0, -1]] *= 2  # undo the end-point halving of the weights
        steps = 0.5 * (heights[1:] + heights[:-1])
        cdf = np.concatenate([[0.0], np.cumsum(steps)])
        return cdf / cdf[-1]

    def tau_cdf(self, tau: float | np.ndarray) -> np.ndarray:
        r"""Posterior probability :math:`P(\tau' \le \tau \mid y)`."""
        return np.interp(tau, self.tau, self._cdf())

    def tau_quantile(self, q: float | Sequence[float] | np.ndarray) -> np.ndarray | float:
        r"""Posterior quantile(s) of :math:`\tau`, by inverting the trapezoid CDF."""
        q_arr = np.asarray(q, dtype=float)
        if np.isnan(q_arr).any() or (q_arr < 0).any() or (q_arr > 1).any():
            raise ValueError(f"`q` must be probabilities in [0, 1], got {q}.")
        # Linear inversion of the CDF between grid points: the grid is fine.
        result = np.interp(q_arr, self._cdf(), self.tau)
        return float(result) if result.ndim == 0 else result

    def expected_shrinkage(self) -> np.ndarray:
        r"""Posterior mean of each group's shrinkage factor, :math:`E[B_j \mid y]`.

        The stable answer to "how much is group j pooled?": it depends on the
        group's standard error and on :math:`\tau`, not on where its estimate
        happens to fall.
        """
        return self.weights @ self.shrinkage(self.tau)

    @property
    def tau_mean(self) -> float:
        r"""Posterior mean of :math:`\tau`."""
        return float(self.weights @ self.tau)

    def sample(self, n: int, seed: SeedLike = None) -> dict[str, np.ndarray]:
        r"""Independent joint draws of :math:`\tau`, :math:`\mu` and :math:`\theta`.

        :math:`\tau` is drawn by inverting its CDF, then :math:`\mu \mid \tau`
        and :math:`\theta \mid \mu, \tau` from their normal conditionals.

        Returns
        -------
        dict
            ``"tau"`` and ``"mu"`` of shape ``(n,)``, ``"theta"`` of shape
            ``(n, J)``.
        """
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError(f"`n` must be a positive integer, got {n!r}.")
        rng = check_rng(seed)
        tau = self.tau_quantile(rng.uniform(size=n))
        mu_hat, v_mu = self.mu_given_tau(tau)
        mu = rng.normal(mu_hat, np.sqrt(v_mu))
        b = self.shrinkage(tau)
        theta_hat = (1 - b) * self.y + b * mu[:, None]
        theta = rng.normal(theta_hat, np.sqrt((1 - b) * self.sigma**2))
        return {"tau": tau, "mu": mu, "theta": theta}

    def summary(self):
        """Posterior means and sds of ``mu``, ``tau`` and each ``theta`` as a DataFrame."""
        import pandas as pd

        tau_sd = float(np.sqrt(self.weights @ self.tau**2 - self.tau_mean**2))
        rows = {"mu": (self.mu_mean, self.mu_sd), "tau": (self.tau_mean, tau_sd)}
        for label, mean, sd in zip(self.groups, self.theta_mean, self.theta_sd, strict=True):
            rows[f"theta[{label}]"] = (mean, sd)
        return pd.DataFrame.from_dict(rows, orient="index", columns=["mean", "sd"])


def _log_marginal(tau: np.ndarray, y, sigma, mu_prior: LocationPrior) -> np.ndarray:
    r"""Log :math:`p(y \mid \tau)` up to a constant, with :math:`\mu` integrated out."""
    variance = sigma**2 + tau[:, None] ** 2
    precision = 1.0 / variance
    total = precision.sum(axis=1)
    weighted = (precision * y).sum(axis=1)
    penalty = 0.0
    if not mu_prior.flat:
        prior_precision = 1.0 / mu_prior.sd**2
        total = total + prior_precision
        weighted = weighted + prior_precision * mu_prior.mean
    mu_hat = weighted / total
    if not mu_prior.flat:
        penalty = (mu_hat - mu_prior.mean) ** 2 / mu_prior.sd**2
    residual = ((y - mu_hat[:, None]) ** 2 * precision).sum(axis=1) + penalty
    return -0.5 * np.log(variance).sum(axis=1) - 0.5 * np.log(total) - 0.5 * residual


def _log_posterior_on(u: np.ndarray, scale: float, y, sigma, mu_prior, tau_prior):
    tau = scale * u / (1 - u)
    log_jacobian = np.log(scale) - 2 * np.log1p(-u)
    return tau, _log_marginal(tau, y, sigma, mu_prior) + tau_prior.log_density(tau), log_jacobian


def normal_normal_posterior(
    y,
    sigma,
    *,
    mu_prior: tuple[float, float] | None = None,
    tau_prior: str | tuple[str, float] = "uniform",
    grid_size: int = 4001,
) -> NormalNormalPosterior:
    r"""Exact posterior of the normal-normal hierarchical model.

    For :math:`y_j \sim \mathcal N(\theta_j, \sigma_j^2)` with known
    :math:`\sigma_j` and :math:`\theta_j \sim \mathcal N(\mu, \tau^2)`, the
    posterior of :math:`\mu` and :math:`\theta` given :math:`\tau` is normal
    and the marginal posterior of :math:`\tau` is one-dimensional; it is
    computed by quadrature (BDA3 section 5.4). Use it as the reference an
    MCMC fit of the same model must reproduce.

    Parameters
    ----------
    y : array-like of float or pandas.Series
        Group estimates :math:`y_j`, at least 2 (3 with flat priors on both
        :math:`\mu` and :math:`\tau`, for a proper posterior).
    sigma : float or array-like of float
        Their known standard errors, positive.
    mu_prior : None or (mean, sd), default None
        Flat prior on :math:`\mu`, or a normal prior.
    tau_prior : "uniform" or a tuple ("half-cauchy", scale) or ("half-normal", scale)
        Prior on :math:`\tau \ge 0`; ``"uniform"`` is flat, as in BDA3.
    grid_size : int, default 4001
        Grid points for :math:`\tau` (at least 101); the default gives more
        than four significant figures for the summaries.

    Returns
    -------
    NormalNormalPosterior
        With ``mu_mean``, ``mu_sd``, ``theta_mean``, ``theta_sd``,
        ``tau_quantile(q)``, the grid ``tau`` and its ``density``,
        ``theta_given_tau(tau)`` and ``sample(n, seed)``.

    Examples
    --------
    >>> from companion import eight_schools, normal_normal_posterior
    >>> schools = eight_schools()
    >>> post = normal_normal_posterior(schools["y"], schools["sigma"])
    >>> round(post.mu_mean, 1), round(post.tau_quantile(0.5), 1)
    (7.9, 5.2)
    """
    y_arr = check_vector(y, "y", min_length=2)
    sigma_arr = check_vector(sigma, "sigma", positive=True)
    check_same_length(y=y_arr, sigma=sigma_arr)
    sigma_arr = np.broadcast_to(sigma_arr, y_arr.shape).astype(float)
    mu_p = location_prior(mu_prior, "mu_prior")
    tau_p = scale_prior(tau_prior, "tau_prior")
    if mu_p.flat and tau_p.family == "uniform" and y_arr.size < 3:
        raise ValueError(
            "`y` needs at least 3 groups when both priors are flat: with "
            f"{y_arr.size} the posterior of tau is improper."
        )
    if isinstance(grid_size, bool) or not isinstance(grid_size, int) or grid_size < 101:
        raise ValueError(f"`grid_size` must be an integer >= 101, got {grid_size!r}.")

    # Scale of the u-transform: the size of tau the data can resolve.
    scale = max(float(np.std(y_arr)), float(np.median(sigma_arr)))
    args = (scale, y_arr, sigma_arr, mu_p, tau_p)
    u = np.linspace(0.0, 1.0, grid_size)[:-1]  # u = 1 is tau = infinity
    _, log_post, log_jac = _log_posterior_on(u, *args)
    in_u = log_post + log_jac
    keep = np.flatnonzero(in_u - in_u.max() > np.log(_NEGLIGIBLE))
    # Second pass: the same number of points over the region holding the mass.
    low = u[max(keep[0] - 1, 0)]
    high = u[min(keep[-1] + 1, u.size - 1)] if keep[-1] + 1 < u.size else 1.0 - 1e-9
    u = np.linspace(low, high, grid_size)
    tau, log_post, log_jac = _log_posterior_on(u, *args)
    # Trapezoid rule in u, where the integrand p(tau(u)) dtau/du is smooth.
    in_u = np.exp(log_post + log_jac - (log_post + log_jac).max())
    trapezoid = np.full(grid_size, u[1] - u[0])
    trapezoid[[0, -1]] *= 0.5
    mass = in_u * trapezoid
    density = in_u / np.exp(log_jac) / mass.sum()
    weights = mass / mass.sum()
    pd = sys.modules.get("pandas")
    groups = (
        list(y.index) if pd is not None and isinstance(y, pd.Series) else list(range(y_arr.size))
    )
    return NormalNormalPosterior(y_arr, sigma_arr, groups, mu_p, tau_p, tau, density, weights)
