"""The radon chapter's multilevel regressions written out in PyMC.

Book-only code (not installed with ``companion``). The chapter fits the same
models with bambi formulas; these builders show what the formulas stand for,
and :func:`varying_slopes` is the model bambi 0.21 cannot write: correlated
county intercepts and slopes with an LKJ prior on their correlation.

Every builder takes a data frame with the columns of
:func:`companion.datasets.radon` (``county``, ``floor``, ``log_radon`` and,
for :func:`group_predictor`, ``log_uranium``) and returns a :class:`pymc.Model`
whose county-level variables carry the dimension ``county`` (counties in
alphabetical order) and whose observations carry ``obs``. The county index of
each home is the ``pm.Data`` variable ``group_idx``, the name
:func:`companion.group_test_statistics` reads. The group effects are
non-centred: county effects are standard normal draws scaled by their
standard deviation, which the sampler handles far better than the centred
form when a county has one or two homes (see the Computation chapter).

The priors are weakly informative on the scale of log radon (which has a
standard deviation of about 0.8 in the data): population intercepts
``Normal(0, 5)``, slopes ``Normal(0, 2)``, standard deviations
``HalfNormal(1)`` and, for the correlation, ``LKJ(2)``. :data:`PRIORS` holds
them for matching bambi models.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    import pymc as pm

__all__ = [
    "COLUMNS",
    "PRIORS",
    "bambi_priors",
    "county_index",
    "county_uranium",
    "group_predictor",
    "simulate_radon",
    "source",
    "varying_intercepts",
    "varying_slopes",
]

#: Columns every builder needs.
COLUMNS = ("county", "floor", "log_radon")

#: The priors of the builders: (mean, sd) of normal priors, sd of half-normals,
#: the LKJ shape.
PRIORS = {"intercept": (0.0, 5.0), "slope": (0.0, 2.0), "scale": 1.0, "lkj": 2.0}


def _check(data: object, columns: tuple[str, ...]) -> pd.DataFrame:
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"`data` must be a pandas DataFrame, got {type(data).__name__}.")
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise ValueError(f"`data` lacks column(s) {missing}; it has {list(data.columns)}.")
    if data[list(columns)].isna().any().any():
        raise ValueError("`data` has missing values in the model's columns.")
    return data


def county_index(data: pd.DataFrame) -> tuple[np.ndarray, pd.Index]:
    """Return each home's county as an index 0..J-1, and the counties in that order.

    Examples
    --------
    >>> idx, counties = county_index(pd.DataFrame({"county": ["b", "a", "b"]}))
    >>> idx.tolist(), counties.tolist()
    ([1, 0, 1], ['a', 'b'])
    """
    idx, counties = pd.factorize(_check(data, ("county",))["county"], sort=True)
    return idx, pd.Index(counties, name="county")


def county_uranium(data: pd.DataFrame) -> pd.Series:
    """Return the county-level predictor u_j, one value per county (alphabetical).

    Raises
    ------
    ValueError
        If a county has more than one value of ``log_uranium``.

    Examples
    --------
    >>> frame = pd.DataFrame({"county": ["b", "a", "b"], "log_uranium": [1.0, 2.0, 1.0]})
    >>> county_uranium(frame).to_dict()
    {'a': 2.0, 'b': 1.0}
    """
    by_county = _check(data, ("county", "log_uranium")).groupby("county")["log_uranium"]
    if (by_county.nunique() > 1).any():
        raise ValueError("`log_uranium` must be constant within each county.")
    return by_county.first().sort_index()


# The builders are printed into the chapter: keep their lines within 80
# characters and leave their layout to us.
# fmt: off
def varying_intercepts(data: pd.DataFrame) -> pm.Model:
    """County intercepts, partially pooled, and a common floor slope."""
    import pymc as pm

    county, counties = county_index(_check(data, COLUMNS))
    coords = {"county": counties, "obs": data.index}
    with pm.Model(coords=coords) as model:
        group_idx = pm.Data("group_idx", county, dims="obs")
        floor = pm.Data("floor", data["floor"].to_numpy(), dims="obs")
        mu_alpha = pm.Normal("mu_alpha", 0, 5)
        tau_alpha = pm.HalfNormal("tau_alpha", 1)
        z = pm.Normal("z", 0, 1, dims="county")  # non-centred
        alpha = pm.Deterministic("alpha", mu_alpha + tau_alpha * z,
                                 dims="county")
        beta = pm.Normal("beta", 0, 2)
        sigma = pm.HalfNormal("sigma", 1)
        pm.Normal("y", alpha[group_idx] + beta * floor, sigma,
                  observed=data["log_radon"].to_numpy(), dims="obs")
    return model


def group_predictor(data: pd.DataFrame) -> pm.Model:
    """County intercepts around a regression on county log uranium u_j."""
    import pymc as pm

    county, counties = county_index(_check(data, COLUMNS))
    coords = {"county": counties, "obs": data.index}
    with pm.Model(coords=coords) as model:
        group_idx = pm.Data("group_idx", county, dims="obs")
        floor = pm.Data("floor", data["floor"].to_numpy(), dims="obs")
        u = pm.Data("u", county_uranium(data).to_numpy(), dims="county")
        eta_0 = pm.Normal("eta_0", 0, 5)
        eta_1 = pm.Normal("eta_1", 0, 2)
        tau_alpha = pm.HalfNormal("tau_alpha", 1)
        z = pm.Normal("z", 0, 1, dims="county")  # non-centred
        alpha = pm.Deterministic("alpha", eta_0 + eta_1 * u + tau_alpha * z,
                                 dims="county")
        beta = pm.Normal("beta", 0, 2)
        sigma = pm.HalfNormal("sigma", 1)
        pm.Normal("y", alpha[group_idx] + beta * floor, sigma,
                  observed=data["log_radon"].to_numpy(), dims="obs")
    return model


def varying_slopes(data: pd.DataFrame) -> pm.Model:
    """Correlated county intercepts and floor slopes: LKJ, non-centred."""
    import pymc as pm

    county, counties = county_index(_check(data, COLUMNS))
    coords = {"county": counties, "effect": ["intercept", "floor"],
              "obs": data.index}
    with pm.Model(coords=coords) as model:
        group_idx = pm.Data("group_idx", county, dims="obs")
        floor = pm.Data("floor", data["floor"].to_numpy(), dims="obs")
        mu_alpha = pm.Normal("mu_alpha", 0, 5)
        mu_beta = pm.Normal("mu_beta", 0, 2)
        # Cholesky factor L of the covariance of (alpha_j, beta_j):
        # sds tau_alpha, tau_beta ~ HalfNormal(1), correlation ~ LKJ(2)
        chol, corr, taus = pm.LKJCholeskyCov(
            "chol", n=2, eta=2, sd_dist=pm.HalfNormal.dist(1, shape=2),
            compute_corr=True)
        pm.Deterministic("tau_alpha", taus[0])
        pm.Deterministic("tau_beta", taus[1])
        pm.Deterministic("rho", corr[0, 1])
        z = pm.Normal("z", 0, 1, dims=("effect", "county"))  # non-centred
        deviation = pm.math.dot(chol, z)  # L z, dims (effect, county)
        alpha = pm.Deterministic("alpha", mu_alpha + deviation[0],
                                 dims="county")
        beta = pm.Deterministic("beta", mu_beta + deviation[1],
                                dims="county")
        sigma = pm.HalfNormal("sigma", 1)
        mu = alpha[group_idx] + beta[group_idx] * floor
        pm.Normal("y", mu, sigma, observed=data["log_radon"].to_numpy(),
                  dims="obs")
    return model
# fmt: on


def source(function) -> str:
    """Return the code of ``function`` as a Markdown code block, for a chapter.

    Examples
    --------
    >>> print(source(county_index).splitlines()[0])
    ```python
    """
    import inspect

    return "```python\n" + inspect.getsource(function) + "```\n"


def bambi_priors() -> dict:
    r"""Return bambi priors equal to those of the varying-intercept builders.

    For the formulas ``log_radon ~ floor + (1 | county)`` and
    ``log_radon ~ floor + log_uranium + (1 | county)``, with
    ``center_predictors=False`` so that bambi's ``Intercept`` is the
    population intercept :math:`\mu_\alpha` (or :math:`\eta_0`) itself.

    Examples
    --------
    >>> sorted(bambi_priors())
    ['1|county', 'Intercept', 'floor', 'log_uranium', 'sigma']
    """
    import bambi as bmb

    (m0, s0), (m1, s1), scale = PRIORS["intercept"], PRIORS["slope"], PRIORS["scale"]
    return {
        "Intercept": bmb.Prior("Normal", mu=m0, sigma=s0),
        "floor": bmb.Prior("Normal", mu=m1, sigma=s1),
        "log_uranium": bmb.Prior("Normal", mu=m1, sigma=s1),
        "1|county": bmb.Prior("Normal", mu=0, sigma=bmb.Prior("HalfNormal", sigma=scale)),
        "sigma": bmb.Prior("HalfNormal", sigma=scale),
    }


def simulate_radon(
    data: pd.DataFrame,
    *,
    eta: tuple[float, float] = (1.5, 0.7),
    beta: float = -0.65,
    tau_alpha: float = 0.3,
    tau_beta: float = 0.25,
    rho: float = -0.5,
    sigma: float = 0.75,
    seed: int = 0,
) -> tuple[pd.DataFrame, dict]:
    r"""Simulate log radon with the design of ``data`` and known parameters.

    Keeps the counties, their sizes, each home's floor and each county's
    ``log_uranium`` :math:`u_j`, and draws

    .. math::

        (\alpha_j - \eta_0 - \eta_1 u_j, \beta_j - \beta) \sim
        \mathcal N(0, \Sigma), \qquad
        y_{ij} \sim \mathcal N(\alpha_j + \beta_j x_{ij}, \sigma^2),

    with :math:`\Sigma` built from ``tau_alpha``, ``tau_beta`` and ``rho``.
    ``tau_beta=0`` gives a common slope; ``eta[1] = 0`` no uranium effect.

    Returns
    -------
    data : pandas.DataFrame
        A copy of ``data`` with ``log_radon`` replaced by the simulation.
    truth : dict
        The parameters and the county effects ``alpha`` and ``beta`` (Series
        indexed by county).

    Examples
    --------
    >>> frame = pd.DataFrame({"county": ["a", "a", "b"], "floor": [0, 1, 0],
    ...                       "log_radon": 0.0, "log_uranium": [0.1, 0.1, -0.2]})
    >>> sim, truth = simulate_radon(frame, seed=1)
    >>> sim.shape, sorted(truth["alpha"].index)
    ((3, 4), ['a', 'b'])
    """
    _check(data, (*COLUMNS, "log_uranium"))
    rng = np.random.default_rng(seed)
    county, counties = county_index(data)
    u = county_uranium(data).to_numpy()
    cov = np.array([[tau_alpha**2, rho * tau_alpha * tau_beta],
                    [rho * tau_alpha * tau_beta, tau_beta**2]])  # fmt: skip
    effects = rng.multivariate_normal(np.zeros(2), cov, size=len(counties))
    alpha = eta[0] + eta[1] * u + effects[:, 0]
    slopes = beta + effects[:, 1]
    floor = data["floor"].to_numpy()
    y = rng.normal(alpha[county] + slopes[county] * floor, sigma)
    truth = {"eta_0": eta[0], "eta_1": eta[1], "beta": beta, "tau_alpha": tau_alpha,
             "tau_beta": tau_beta, "rho": rho, "sigma": sigma,
             "alpha": pd.Series(alpha, index=counties),
             "beta_j": pd.Series(slopes, index=counties)}  # fmt: skip
    return data.assign(log_radon=y), truth
