"""Simulation-based calibration of the normal-normal model, as run in the chapter "Checking"."""

from __future__ import annotations

import numpy as np
import pandas as pd

from companion._validation import SeedLike, check_count, check_real, check_rng, check_vector
from companion.inference import sbc_ranks

__all__ = ["normal_normal_sbc"]


# --------------------------------------------------------------------------- exact
def normal_normal_sbc(
    sigma: object,
    *,
    mu_prior: tuple[float, float] = (0.0, 10.0),
    tau_prior: tuple[str, float] = ("half-normal", 10.0),
    n_replicates: int = 200,
    n_draws: int = 99,
    spread: float = 1.0,
    seed: SeedLike = None,
) -> pd.DataFrame:
    r"""Simulation-based calibration of the normal-normal model with its exact posterior.

    Each replicate draws :math:`\mu`, :math:`\tau` and :math:`\theta_j` from
    the prior and :math:`y_j \sim \mathcal N(\theta_j, \sigma_j^2)`, then
    :math:`L` independent posterior draws from
    :func:`companion.normal_normal_posterior`. No MCMC is involved, so the
    ranks are uniform up to simulation noise, unless ``spread`` distorts the
    posterior on purpose: each draw :math:`x` becomes
    :math:`\bar x + \text{spread}\,(x - \bar x)` around the replicate's
    posterior sample mean, too narrow for ``spread < 1``, too wide for
    ``spread > 1``.

    Parameters
    ----------
    sigma : array-like
        Known standard errors of the :math:`J` groups (at least 2).
    mu_prior : (mean, sd), default (0, 10)
    tau_prior : ("half-normal" or "half-cauchy", scale), default ("half-normal", 10)
    n_replicates : int, default 200
    n_draws : int, default 99
    spread : float, default 1.0
        Positive; 1 keeps the exact posterior.
    seed : int, numpy.random.Generator or None

    Returns
    -------
    pandas.DataFrame
        Ranks of ``mu``, ``tau`` and ``theta[j]`` (j = 0..J-1), one row per
        replicate, as from :func:`sbc_ranks`.

    Examples
    --------
    >>> ranks = normal_normal_sbc([10.0, 12.0, 15.0], n_replicates=50, seed=1)
    >>> ranks.shape, ranks.attrs["n_draws"]
    ((50, 5), 99)
    """
    from companion.hierarchical.exact import normal_normal_posterior
    from companion.hierarchical.priors import location_prior, scale_prior

    sigma = check_vector(sigma, "sigma", positive=True, min_length=2)
    mu_p = location_prior(mu_prior, "mu_prior")
    tau_p = scale_prior(tau_prior, "tau_prior")
    n_replicates = check_count(n_replicates, "n_replicates", 1)
    n_draws = check_count(n_draws, "n_draws", 2)
    spread = check_real(spread, "spread", positive=True)
    rng = check_rng(seed)

    mu = mu_p.draw(rng, n_replicates, "mu_prior")
    tau = tau_p.draw(rng, n_replicates, "tau_prior")
    theta = rng.normal(mu[:, None], tau[:, None], (n_replicates, sigma.size))
    y = rng.normal(theta, sigma)
    truth = {"mu": mu, "tau": tau} | {f"theta[{j}]": theta[:, j] for j in range(sigma.size)}
    draws: dict[str, list[np.ndarray]] = {key: [] for key in truth}
    for i in range(n_replicates):
        posterior = normal_normal_posterior(y[i], sigma, mu_prior=mu_prior, tau_prior=tau_prior)
        sample = posterior.sample(n_draws, seed=rng)
        columns = {"mu": sample["mu"], "tau": sample["tau"]}
        columns |= {f"theta[{j}]": sample["theta"][:, j] for j in range(sigma.size)}
        for key, values in columns.items():
            draws[key].append(values.mean() + spread * (values - values.mean()))
    return sbc_ranks(truth, {key: np.stack(values) for key, values in draws.items()})
