r"""Exact posteriors of the conjugate hierarchical models for counts, on a grid.

Two models, each with a conjugate population distribution, so that the group
parameters integrate out in closed form and only the two hyperparameters
need numerical work:

* **beta-binomial** (BDA3 section 5.3): :math:`y_j \sim \text{Binomial}(n_j,
  \theta_j)`, :math:`\theta_j \sim \text{Beta}(\alpha, \beta)`, with the prior
  :math:`p(\alpha, \beta) \propto (\alpha + \beta)^{-5/2}`; given
  :math:`(\alpha, \beta)`, :math:`\theta_j \mid y \sim \text{Beta}(\alpha +
  y_j, \beta + n_j - y_j)`;
* **gamma-Poisson** (the BUGS "Pumps" example): :math:`y_j \sim
  \text{Poisson}(\theta_j t_j)`, :math:`\theta_j \sim \text{Gamma}(\alpha,
  \beta)` (shape, rate), with proper priors on :math:`\alpha` and
  :math:`\beta`; given them, :math:`\theta_j \mid y \sim \text{Gamma}(\alpha +
  y_j, \beta + t_j)`.

Here :math:`\alpha` and :math:`\beta` are the parameters as BDA3, BUGS and
PyMC write them, and the names of the results (``alpha``, ``beta``,
``pop_mean``, ``concentration``, ``pop_sd``) follow them. The book writes the
population distribution with its mean :math:`\mu` and a concentration
:math:`\zeta`: :math:`\text{Beta}(\mu\zeta, (1 - \mu)\zeta)`, so
``pop_mean`` :math:`= \alpha/(\alpha+\beta) = \mu` and ``concentration``
:math:`= \alpha + \beta = \zeta`, and the prior is
:math:`p(\mu, \zeta) \propto \zeta^{-3/2}` (the Jacobian of
:math:`(\alpha, \beta) = (\mu\zeta, (1-\mu)\zeta)` is :math:`\zeta`); and
:math:`\text{Gamma}(\zeta, \zeta/\mu)` in shape and rate, so ``alpha`` is
:math:`\zeta`, ``beta`` is :math:`\zeta/\mu` and ``pop_mean`` is :math:`\mu`.

The marginal posterior of the hyperparameters is evaluated on a rectangular
grid in unbounded coordinates (:math:`\log(\alpha/\beta), \log(\alpha +
\beta)` for the beta-binomial, :math:`\log\alpha, \log\beta` for the
gamma-Poisson), with the Jacobian :math:`\alpha\beta` of either change of
variables. The grid is placed automatically: around the mode, then each side
is moved out while the density on it exceeds ``edge_tol`` times the mode's,
and in until it is just below, so the grid covers where the mass is. The
spacing is then halved until no summary (means and standard deviations of
the hyperparameters and of every :math:`\theta_j`) changes by more than
``tol`` posterior standard deviations. Every summary of :math:`\theta_j` is
exact given the grid: means and variances mix the conditional Beta or Gamma
moments, quantiles invert the mixture of their CDFs.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from scipy import special

from companion._validation import check_real, check_vector
from companion.hierarchical._grid import (
    GridPosterior,
    build,
    check_tolerances,
    place_box,
)

__all__ = [
    "POSITIVE_PRIORS",
    "BetaBinomialPosterior",
    "GammaPoissonPosterior",
    "beta_binomial_posterior",
    "gamma_poisson_posterior",
]


# ------------------------------------------------------------------------------- input checks
def _counts(values: object, name: str, *, positive: bool = False) -> np.ndarray:
    """Return ``values`` as a float array of whole, non-negative (or positive) numbers."""
    array = check_vector(values, name)
    fraction = array != np.round(array)
    if fraction.any():
        position = int(np.flatnonzero(fraction)[0])
        raise ValueError(
            f"`{name}` must be whole numbers (counts), got {array[position]} at position "
            f"{position}."
        )
    bad = array < 1 if positive else array < 0
    if bad.any():
        position = int(np.flatnonzero(bad)[0])
        kind = "positive" if positive else "non-negative"
        raise ValueError(
            f"`{name}` must be {kind}, got {array[position]:g} at position {position}."
        )
    return array


def _broadcast(first: np.ndarray, second: np.ndarray, names: tuple[str, str]):
    """Broadcast a length-1 array against the other; refuse other length mismatches."""
    if first.size != second.size and 1 not in (first.size, second.size):
        raise ValueError(
            f"lengths differ: `{names[0]}` has {first.size}, `{names[1]}` has {second.size}."
        )
    size = max(first.size, second.size)
    return np.broadcast_to(first, size).copy(), np.broadcast_to(second, size).copy()


def _labels(*candidates: object, size: int, dim: str | None) -> tuple[list, str]:
    """Group labels and the dimension name: from the first pandas Series, else 0..J-1."""
    pd = sys.modules.get("pandas")
    for candidate in candidates:
        if pd is not None and isinstance(candidate, pd.Series) and len(candidate) == size:
            labels = candidate.index.tolist()
            if len(set(labels)) != len(labels):
                raise ValueError("the Series index holds repeated labels; groups need unique ones.")
            name = candidate.index.name
            return labels, dim or (str(name) if name is not None else "group")
    return list(range(size)), dim or "group"


# ------------------------------------------------------------------------------- priors
#: Families a prior of :func:`gamma_poisson_posterior` can name, with their parameters.
POSITIVE_PRIORS = {
    "exponential": ("rate",),
    "gamma": ("shape", "rate"),
    "half-normal": ("scale",),
}


def _positive_prior(spec: object, name: str) -> tuple:
    """Check a prior on a positive parameter, written ``(family, *parameters)``."""
    if isinstance(spec, tuple | list) and spec and spec[0] in POSITIVE_PRIORS:
        family, *params = spec
        expected = POSITIVE_PRIORS[family]
        if len(params) == len(expected):
            checked = tuple(
                check_real(p, f"{name}[{i + 1}] (the {what})", positive=True)
                for i, (p, what) in enumerate(zip(params, expected, strict=True))
            )
            return (family, *checked)
    forms = ", ".join(f"({k!r}, {', '.join(v)})" for k, v in POSITIVE_PRIORS.items())
    raise ValueError(f"`{name}` must be one of {forms}; got {spec!r}.")


def _log_prior(spec: tuple, x: np.ndarray) -> np.ndarray:
    """Log density (up to a constant) of a prior from :func:`_positive_prior` at ``x > 0``."""
    family, *params = spec
    if family == "exponential":
        return -params[0] * x
    if family == "gamma":
        shape, rate = params
        return (shape - 1) * np.log(x) - rate * x
    return -0.5 * (x / params[0]) ** 2  # half-normal


# ------------------------------------------------------------------------------- beta-binomial
@dataclass(frozen=True)
class BetaBinomialPosterior(GridPosterior):
    r"""Exact posterior of the beta-binomial model; see :func:`beta_binomial_posterior`.

    The grid coordinates are :math:`u = \log(\alpha/\beta)` (the logit of
    the population mean) and :math:`v = \log(\alpha + \beta)` (the log of
    the concentration).

    Attributes
    ----------
    successes, trials : numpy.ndarray
        The data :math:`y_j` and :math:`n_j`.
    groups : list
        Group labels (the Series index when the data came as a Series).
    dim : str
        Name of the group dimension in :meth:`draws`.
    u, v : numpy.ndarray
        The grid axes, evenly spaced.
    density : numpy.ndarray
        :math:`p(u, v \mid y)` on the grid, shape ``(len(u), len(v))``,
        normalised to integrate to 1.
    weights : numpy.ndarray
        Trapezoid-rule weights times the density, summing to 1: the
        posterior mean of :math:`g(u, v)` is ``(weights * g).sum()``.
    tol, edge_tol : float
        The tolerances the grid was built to.
    error : float
        Largest change of any posterior mean or sd, in posterior sds, when
        the grid spacing was last halved (below ``tol``).
    edge : float
        Largest density on the edge of the box relative to the largest
        inside it (about ``edge_tol`` or below).
    hyper_mean, hyper_sd : dict
        Posterior means and sds of ``alpha``, ``beta``, ``pop_mean``
        (:math:`\alpha/(\alpha+\beta)`) and ``concentration``
        (:math:`\alpha+\beta`).
    theta_mean, theta_sd : numpy.ndarray
        Posterior means and sds of every :math:`\theta_j`.

    Examples
    --------
    >>> from companion.hierarchical import beta_binomial_posterior
    >>> post = beta_binomial_posterior([0, 2, 5, 1, 3], [20, 19, 21, 18, 20])
    >>> round(float(post.weights.sum()), 6), post.theta_mean.shape
    (1.0, (5,))
    >>> post.hyper_names
    ('alpha', 'beta', 'pop_mean', 'concentration')
    """

    successes: np.ndarray
    trials: np.ndarray

    HYPER: ClassVar[tuple[str, ...]] = ("alpha", "beta", "pop_mean", "concentration")
    AXES: ClassVar[tuple[str, str]] = (r"$\log(\alpha/\beta)$", r"$\log(\alpha+\beta)$")

    def hyper_on_grid(self, u: np.ndarray, v: np.ndarray) -> dict[str, np.ndarray]:
        r"""Return :math:`\alpha, \beta`, the population mean and concentration at ``(u, v)``."""
        u, v = np.asarray(u, dtype=float), np.asarray(v, dtype=float)
        concentration = np.exp(v)
        pop_mean = special.expit(u)
        return {
            "alpha": concentration * pop_mean,
            "beta": concentration * special.expit(-u),
            "pop_mean": pop_mean,
            "concentration": concentration,
        }

    def moments_exist(self) -> dict[str, tuple[bool, bool]]:
        r"""Whether each hyperparameter's posterior mean and sd exist.

        Only the population mean's do. As :math:`\alpha + \beta \to \infty`
        with the mean fixed, the likelihood tends to that of complete pooling,
        a positive constant, so the posterior of :math:`s = \alpha + \beta`
        falls off only as the prior does, :math:`s^{-5/2} \cdot s = s^{-3/2}`
        (with the Jacobian of the mean and :math:`s`): proper, but
        :math:`E(s \mid y)` is infinite, and so are those of :math:`\alpha`
        and :math:`\beta`. Their quantiles are finite.
        """
        return {"alpha": (False, False), "beta": (False, False), "pop_mean": (True, True),
                "concentration": (False, False)}  # fmt: skip

    def theta_given(self, alpha: float, beta: float) -> tuple[np.ndarray, np.ndarray]:
        r"""Parameters of :math:`\theta_j \mid \alpha, \beta, y \sim \text{Beta}(a_j, b_j)`."""
        alpha = check_real(alpha, "alpha", positive=True)
        beta = check_real(beta, "beta", positive=True)
        a, b = self._conditional(np.array([alpha]), np.array([beta]))
        return a[0], b[0]

    def _conditional(self, alpha, beta):
        return (alpha[..., None] + self.successes, beta[..., None] + self.trials - self.successes)

    def _moments(self, a, b):
        total = a + b
        mean = a / total
        return mean, mean * (b / total) / (total + 1)

    def _cdf_given(self, t, a, b):
        return special.betainc(a, b, t)

    def _pdf_given(self, t, a, b):
        with np.errstate(divide="ignore"):
            log_pdf = (a - 1) * np.log(t) + (b - 1) * np.log1p(-t) - special.betaln(a, b)
        return np.exp(log_pdf)

    def _upper_bound(self):
        return np.ones(self.successes.size)

    def _cut(self, name, c):
        if name == "pop_mean":
            return ("u", special.logit(np.clip(c, 1e-300, 1 - 1e-16)), 1)
        log_c = np.log(max(c, 1e-300))
        if name == "concentration":
            return ("v", log_c, 1)
        # log alpha = v + log expit(u), log beta = v + log expit(-u)
        sign = 1.0 if name == "alpha" else -1.0
        return ("v", log_c - special.log_expit(sign * self.u), 1)

    def _draw_theta(self, rng, a, b):
        return rng.beta(a, b)

    def _observed(self):
        y, n = self.successes, self.trials

        def log_likelihood(theta):
            return (
                special.gammaln(n + 1) - special.gammaln(y + 1) - special.gammaln(n - y + 1)
                + special.xlogy(y, theta) + special.xlog1py(n - y, -theta)
            )  # fmt: skip

        def replicate(rng, theta):
            return rng.binomial(n.astype(np.int64), theta)

        return y.astype(np.int64), log_likelihood, replicate

    def _constant_data(self):
        return {"trials": self.trials.astype(np.int64)}


def _exceeding(counts: np.ndarray) -> np.ndarray:
    """``c[i]``: how many of ``counts`` exceed ``i``, for ``i = 0 .. max - 1``."""
    top = int(counts.max()) if counts.size else 0
    return (counts[None, :] > np.arange(top)[:, None]).sum(axis=1)


def _beta_binomial_log_post(y: np.ndarray, n: np.ndarray) -> Callable:
    r"""Log :math:`p(u, v \mid y)` up to a constant, in the grid's coordinates.

    :math:`u = \log(\alpha/\beta)` and :math:`v = \log(\alpha+\beta)`.

    With :math:`m = \alpha/(\alpha+\beta)` and :math:`s = \alpha + \beta`,
    :math:`B(\alpha + y, \beta + n - y)/B(\alpha, \beta) = \prod_{i<y} (m + i/s)
    \prod_{i<n-y} (1 - m + i/s) / \prod_{i<n} (1 + i/s)`: a form without the
    cancellation of differences of log-beta functions when :math:`s` is large.
    """
    count_y, count_rest, count_n = _exceeding(y), _exceeding(n - y), _exceeding(n)

    def log_post(u, v):
        u, v = np.asarray(u, dtype=float), np.asarray(v, dtype=float)
        shape = np.broadcast(u, v).shape
        log_m, log_rest = special.log_expit(u), special.log_expit(-u)
        m, rest, inverse_s = np.exp(log_m), np.exp(log_rest), np.exp(-v)
        log_like = np.zeros(shape)
        log_like = log_like + count_y[0] * log_m + count_rest[0] * log_rest if y.size else log_like
        for i in range(1, count_y.size):
            log_like = log_like + count_y[i] * np.log(m + i * inverse_s)
        for i in range(1, count_rest.size):
            log_like = log_like + count_rest[i] * np.log(rest + i * inverse_s)
        for i in range(1, count_n.size):
            log_like = log_like - count_n[i] * np.log1p(i * inverse_s)
        # BDA3 (5.9): p(alpha, beta) ∝ (alpha + beta)^(-5/2); the Jacobian is
        # alpha * beta = s^2 m (1 - m).
        return log_like - 2.5 * v + 2 * v + log_m + log_rest

    return log_post


def beta_binomial_posterior(
    successes,
    trials,
    *,
    dim: str | None = None,
    tol: float = 1e-4,
    edge_tol: float = 1e-9,
) -> BetaBinomialPosterior:
    r"""Exact posterior of the hierarchical beta-binomial model (BDA3 section 5.3).

    The model is

    .. math::

        y_j \sim \text{Binomial}(n_j, \theta_j), \quad
        \theta_j \sim \text{Beta}(\alpha, \beta), \quad
        p(\alpha, \beta) \propto (\alpha + \beta)^{-5/2},

    the prior of BDA3 (flat on the population mean
    :math:`\alpha/(\alpha+\beta)` and on :math:`(\alpha+\beta)^{-1/2}`, a
    rough prior "sample size"). The binomial likelihood integrates over
    :math:`\theta_j` to a beta-binomial one, so the marginal posterior of
    :math:`(\alpha, \beta)` is known up to a constant; it is computed on a
    grid over :math:`(\log(\alpha/\beta), \log(\alpha+\beta))`, with the
    Jacobian :math:`\alpha\beta`, placed and refined automatically (see the
    module's description). Given :math:`(\alpha, \beta)`,
    :math:`\theta_j \mid y \sim \text{Beta}(\alpha + y_j, \beta + n_j - y_j)`,
    and its summaries mix these over the grid. Use it as the reference an
    MCMC fit of the same model must reproduce.

    Parameters
    ----------
    successes : array-like of int or pandas.Series
        Successes :math:`y_j` in each group (whole numbers, at least 0). A
        Series's index becomes the group labels (and its name ``dim``).
    trials : int or array-like of int or pandas.Series
        Trials :math:`n_j` in each group (whole numbers, at least 1, at least
        the successes); one number is used for every group.
    dim : str, optional
        Name of the group dimension in :meth:`~BetaBinomialPosterior.draws`;
        by default the Series index's name, else ``"group"``.
    tol : float, default 1e-4
        The grid is refined until halving its spacing moves no posterior
        mean or sd by more than ``tol`` posterior sds.
    edge_tol : float, default 1e-9
        The box is extended until the density on its edge is below
        ``edge_tol`` times the largest, so about that share of the mass or
        less lies outside it.

    Returns
    -------
    BetaBinomialPosterior
        With the grid (``u``, ``v``, ``density``, ``weights``), the
        hyperparameters' ``hyper_mean``, ``hyper_sd``, ``quantile`` and
        ``cdf``, every group's ``theta_mean``, ``theta_sd``,
        ``theta_quantile`` and ``theta_cdf``, a ``summary()`` table and
        ``draws(n, seed=...)``.

    Raises
    ------
    ValueError
        For counts that are negative, fractional, NaN or infinite, successes
        above trials, lengths that differ, fewer than 2 groups, or data whose
        posterior is improper under this prior (every group all successes or
        all failures).

    Examples
    --------
    >>> from companion.datasets import rats
    >>> from companion.hierarchical import beta_binomial_posterior
    >>> data = rats().set_index("experiment")
    >>> post = beta_binomial_posterior(data["tumours"], data["rats"])
    >>> round(post.hyper_mean["pop_mean"], 3), round(float(post.theta_mean[-1]), 3)
    (0.144, 0.211)
    >>> post.hyper_mean["concentration"]  # infinite under this prior: use quantiles
    inf
    >>> post.quantile("concentration", [0.05, 0.5, 0.95]).round(1).tolist()
    [9.1, 15.5, 28.2]
    >>> post.dim, post.groups[-1]
    ('experiment', 71)
    """
    y = _counts(successes, "successes")
    n = _counts(trials, "trials", positive=True)
    y, n = _broadcast(y, n, ("successes", "trials"))
    if y.size < 2:
        raise ValueError(f"`successes` needs at least 2 groups, got {y.size}.")
    above = y > n
    if above.any():
        j = int(np.flatnonzero(above)[0])
        raise ValueError(
            f"`successes` exceeds `trials` at position {j}: {y[j]:g} successes in {n[j]:g} trials."
        )
    if np.all((y == 0) | (y == n)):
        raise ValueError(
            "every group has all successes or all failures: under the prior "
            "(alpha + beta)^(-5/2) the posterior is then improper (no group bounds alpha + beta "
            "from below)."
        )
    tol, edge_tol = check_tolerances(tol, edge_tol)
    groups, dim = _labels(successes, trials, size=y.size, dim=dim)
    log_post = _beta_binomial_log_post(y, n)
    pooled = (y.sum() + 0.5) / (n.sum() + 1.0)
    box = place_box(lambda a, b: log_post(a, b), np.array([special.logit(pooled), 2.0]), edge_tol)
    fields = {"groups": groups, "dim": dim, "successes": y, "trials": n}
    return build(BetaBinomialPosterior, log_post, fields, box, tol, edge_tol)


# ------------------------------------------------------------------------------- gamma-Poisson
@dataclass(frozen=True)
class GammaPoissonPosterior(GridPosterior):
    r"""Exact posterior of the gamma-Poisson model; see :func:`gamma_poisson_posterior`.

    The grid coordinates are :math:`u = \log\alpha` and :math:`v = \log\beta`
    (shape and rate of the population Gamma distribution).

    Attributes
    ----------
    counts, exposure : numpy.ndarray
        The data :math:`y_j` and :math:`t_j`.
    alpha_prior, beta_prior : tuple
        The priors used, as ``(family, *parameters)``.
    groups, dim, u, v, density, weights, tol, edge_tol, error, edge
        As for :class:`BetaBinomialPosterior`.
    hyper_mean, hyper_sd : dict
        Posterior means and sds of ``alpha``, ``beta``, ``pop_mean``
        (:math:`\alpha/\beta`, the population mean rate) and ``pop_sd``
        (:math:`\sqrt\alpha/\beta`, the population sd of the rates).
    theta_mean, theta_sd : numpy.ndarray
        Posterior means and sds of every rate :math:`\theta_j`.

    Examples
    --------
    >>> from companion.hierarchical import gamma_poisson_posterior
    >>> post = gamma_poisson_posterior([5, 1, 5, 14, 3], [94.3, 15.7, 62.9, 126.0, 5.24])
    >>> post.hyper_names, post.theta_mean.shape
    (('alpha', 'beta', 'pop_mean', 'pop_sd'), (5,))
    """

    counts: np.ndarray
    exposure: np.ndarray
    alpha_prior: tuple
    beta_prior: tuple

    HYPER: ClassVar[tuple[str, ...]] = ("alpha", "beta", "pop_mean", "pop_sd")
    AXES: ClassVar[tuple[str, str]] = (r"$\log\alpha$", r"$\log\beta$")

    def hyper_on_grid(self, u: np.ndarray, v: np.ndarray) -> dict[str, np.ndarray]:
        r"""Return :math:`\alpha, \beta`, the population mean and sd of the rates at ``(u, v)``."""
        alpha, beta = np.exp(np.asarray(u, dtype=float)), np.exp(np.asarray(v, dtype=float))
        return {"alpha": alpha, "beta": beta, "pop_mean": alpha / beta,
                "pop_sd": np.sqrt(alpha) / beta}  # fmt: skip

    def moments_exist(self) -> dict[str, tuple[bool, bool]]:
        r"""Whether each hyperparameter's posterior mean and sd exist.

        The priors have light tails, so those of :math:`\alpha` and
        :math:`\beta` do. Near :math:`\beta = 0` the posterior behaves as
        :math:`\beta^{J\alpha + a_0 - 1}`, with :math:`a_0` the Gamma shape
        of the prior of :math:`\beta` (1 for the others): a moment
        :math:`E(\alpha^p \beta^{-k} \mid y)` is finite when :math:`a_0 > k`,
        infinite when :math:`a_0 < k` (the region of small :math:`\alpha`
        has positive mass), and when :math:`a_0 = k` finite if
        :math:`K + p + s_\alpha > 1`, with :math:`K` the groups with a
        positive count and :math:`s_\alpha` the shape of the prior of
        :math:`\alpha` near 0. ``pop_mean`` needs :math:`(p, k) = (1, 1)`
        for its mean and :math:`(2, 2)` for its sd; ``pop_sd`` needs
        :math:`(1/2, 1)` and :math:`(1, 2)`.
        """
        a0 = self.beta_prior[1] if self.beta_prior[0] == "gamma" else 1.0
        s_alpha = self.alpha_prior[1] if self.alpha_prior[0] == "gamma" else 1.0
        positive = int(np.sum(self.counts > 0))

        def finite(p: float, k: int) -> bool:
            return a0 > k or (a0 == k and positive + p + s_alpha > 1)

        return {
            "alpha": (True, True),
            "beta": (True, True),
            "pop_mean": (finite(1, 1), finite(2, 2)),
            "pop_sd": (finite(0.5, 1), finite(1, 2)),
        }

    def theta_given(self, alpha: float, beta: float) -> tuple[np.ndarray, np.ndarray]:
        r"""Shape and rate of :math:`\theta_j \mid \alpha, \beta, y \sim \text{Gamma}(a_j, b_j)`."""
        alpha = check_real(alpha, "alpha", positive=True)
        beta = check_real(beta, "beta", positive=True)
        a, b = self._conditional(np.array([alpha]), np.array([beta]))
        return a[0], b[0]

    def _conditional(self, alpha, beta):
        return alpha[..., None] + self.counts, beta[..., None] + self.exposure

    def _moments(self, a, b):
        return a / b, a / b**2

    def _cdf_given(self, t, a, b):
        return special.gammainc(a, b * t)

    def _pdf_given(self, t, a, b):
        with np.errstate(divide="ignore"):
            log_pdf = a * np.log(b) + (a - 1) * np.log(t) - b * t - special.gammaln(a)
        return np.exp(log_pdf)

    def _upper_bound(self):
        # Far beyond any mass: the mean plus 200 sds.
        return self.theta_mean + 200 * self.theta_sd

    def _cut(self, name, c):
        log_c = np.log(max(c, 1e-300))
        if name == "alpha":
            return ("u", log_c, 1)
        if name == "beta":
            return ("v", log_c, 1)
        # log(alpha/beta) = u - v and log(sqrt(alpha)/beta) = u/2 - v: above a line in v.
        power = 1.0 if name == "pop_mean" else 0.5
        return ("v", power * self.u - log_c, -1)

    def _draw_theta(self, rng, a, b):
        return rng.gamma(a, 1.0 / b)

    def _observed(self):
        y, t = self.counts, self.exposure

        def log_likelihood(theta):
            rate = theta * t
            return special.xlogy(y, rate) - rate - special.gammaln(y + 1)

        def replicate(rng, theta):
            return rng.poisson(theta * t)

        return y.astype(np.int64), log_likelihood, replicate

    def _constant_data(self):
        return {"exposure": self.exposure.copy()}


def _gamma_poisson_log_post(y, t, alpha_prior, beta_prior) -> Callable:
    r"""Log :math:`p(\log\alpha, \log\beta \mid y)` up to a constant.

    Each group's Poisson likelihood integrated over :math:`\text{Gamma}(\alpha,
    \beta)` is negative binomial, :math:`\frac{\Gamma(\alpha + y)}{\Gamma(\alpha)
    y!} \left(\frac{\beta}{\beta + t}\right)^\alpha \left(\frac{t}{\beta + t}\right)^y`,
    written with :math:`\Gamma(\alpha + y)/\Gamma(\alpha) = \prod_{i<y}(\alpha + i)`
    and relative to :math:`(\alpha/\beta)^y`, which stays accurate for large
    :math:`\alpha` and :math:`\beta`.
    """
    count_y = _exceeding(y)
    total = float(y.sum())

    def log_post(u, v):
        u, v = np.asarray(u, dtype=float), np.asarray(v, dtype=float)
        alpha, beta = np.exp(u), np.exp(v)
        inverse_alpha, inverse_beta = np.exp(-u), np.exp(-v)
        log_like = np.zeros(np.broadcast(u, v).shape) + total * (u - v)
        for i in range(1, count_y.size):
            log_like = log_like + count_y[i] * np.log1p(i * inverse_alpha)
        for y_j, t_j in zip(y, t, strict=True):
            log_like = log_like - (alpha + y_j) * np.log1p(t_j * inverse_beta)
        # Priors on alpha and beta, and the Jacobian alpha * beta of (log alpha, log beta).
        return log_like + _log_prior(alpha_prior, alpha) + _log_prior(beta_prior, beta) + u + v

    return log_post


def gamma_poisson_posterior(
    counts,
    exposure,
    *,
    alpha_prior: tuple = ("exponential", 1.0),
    beta_prior: tuple = ("gamma", 0.1, 1.0),
    dim: str | None = None,
    tol: float = 1e-4,
    edge_tol: float = 1e-9,
) -> GammaPoissonPosterior:
    r"""Exact posterior of the hierarchical gamma-Poisson model for rates.

    The model is

    .. math::

        y_j \sim \text{Poisson}(\theta_j t_j), \quad
        \theta_j \sim \text{Gamma}(\alpha, \beta), \quad
        \alpha \sim p(\alpha), \quad \beta \sim p(\beta),

    with :math:`t_j` the exposure (time at risk) of group :math:`j` and the
    Gamma in shape and rate, so the population mean rate is
    :math:`\alpha/\beta`. The defaults are the priors of the BUGS "Pumps"
    example (Gelfand and Smith 1990): :math:`\alpha \sim
    \text{Exponential}(1)` and :math:`\beta \sim \text{Gamma}(0.1, 1)`. The
    Poisson likelihood integrates over :math:`\theta_j` to a negative
    binomial one, the marginal posterior of :math:`(\alpha, \beta)` is
    computed on a grid over :math:`(\log\alpha, \log\beta)` with the Jacobian
    :math:`\alpha\beta`, and :math:`\theta_j \mid \alpha, \beta, y \sim
    \text{Gamma}(\alpha + y_j, \beta + t_j)` is mixed over it.

    Parameters
    ----------
    counts : array-like of int or pandas.Series
        Events :math:`y_j` in each group (whole numbers, at least 0). A
        Series's index becomes the group labels (and its name ``dim``).
    exposure : float or array-like of float or pandas.Series
        Exposure :math:`t_j` of each group, positive; one number is used
        for every group.
    alpha_prior, beta_prior : tuple
        Priors of :math:`\alpha` and :math:`\beta`: ``("exponential", rate)``,
        ``("gamma", shape, rate)`` or ``("half-normal", scale)``: proper,
        with light tails (so the posterior means of :math:`\alpha` and
        :math:`\beta` exist). Near zero the prior of :math:`\beta` behaves
        as :math:`\beta^{a_0 - 1}` (:math:`a_0` the Gamma shape, 1 for the
        others); the posterior mean of :math:`\alpha/\beta` exists only for
        :math:`a_0 \ge 1` and its sd only for :math:`a_0 \ge 2`
        (:meth:`~GammaPoissonPosterior.moments_exist`). Under the default
        ``("gamma", 0.1, 1.0)`` neither does: report its quantiles.
    dim : str, optional
        Name of the group dimension in :meth:`~GammaPoissonPosterior.draws`.
    tol, edge_tol : float
        As in :func:`beta_binomial_posterior`.

    Returns
    -------
    GammaPoissonPosterior
        As :class:`BetaBinomialPosterior`, with hyperparameters ``alpha``,
        ``beta``, ``pop_mean`` (:math:`\alpha/\beta`) and ``pop_sd``
        (:math:`\sqrt\alpha/\beta`).

    Raises
    ------
    ValueError
        For counts that are negative, fractional, NaN or infinite, exposures
        that are not positive, lengths that differ, fewer than 2 groups or a
        prior not of the forms above.

    Examples
    --------
    >>> from companion.datasets import pumps
    >>> from companion.hierarchical import gamma_poisson_posterior
    >>> data = pumps().set_index("pump")
    >>> post = gamma_poisson_posterior(data["failures"], data["thousand_hours"])
    >>> [round(float(x), 3) for x in post.theta_mean[:3]]
    [0.06, 0.102, 0.089]
    >>> round(post.hyper_mean["alpha"], 2), round(post.hyper_mean["beta"], 2)
    (0.7, 0.93)
    >>> post.moments_exist()["pop_mean"]  # under Gamma(0.1, 1) on beta: no mean or sd
    (False, False)
    >>> round(float(post.quantile("pop_mean", 0.5)), 2)
    0.81
    """
    y = _counts(counts, "counts")
    t = check_vector(exposure, "exposure", positive=True)
    y, t = _broadcast(y, t, ("counts", "exposure"))
    if y.size < 2:
        raise ValueError(f"`counts` needs at least 2 groups, got {y.size}.")
    a_prior = _positive_prior(alpha_prior, "alpha_prior")
    b_prior = _positive_prior(beta_prior, "beta_prior")
    tol, edge_tol = check_tolerances(tol, edge_tol)
    groups, dim = _labels(counts, exposure, size=y.size, dim=dim)
    log_post = _gamma_poisson_log_post(y, t, a_prior, b_prior)
    rate = (y.sum() + 0.5) / t.sum()
    box = place_box(log_post, np.array([0.0, -np.log(rate)]), edge_tol)
    fields = {"groups": groups, "dim": dim, "counts": y, "exposure": t,
              "alpha_prior": a_prior, "beta_prior": b_prior}  # fmt: skip
    return build(GammaPoissonPosterior, log_post, fields, box, tol, edge_tol)
