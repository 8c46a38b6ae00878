"""Prior specifications shared by the PyMC models and the exact posterior.

A prior is written the same way everywhere in the package, so that an MCMC
fit and its exact reference can be given literally the same prior:

* location (``mu_prior``): ``None`` for a flat prior on the real line, or
  ``(mean, sd)`` for a normal prior;
* scale (``tau_prior``, ``sigma_prior``): ``"uniform"`` for a flat prior on
  the half-line from 0 to infinity, ``("half-normal", scale)`` or ``("half-cauchy", scale)``.

The models also accept ``"auto"``: a weakly informative prior scaled to the
data (see :func:`auto_priors`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from companion._validation import check_real

__all__ = [
    "AUTO_WIDTH",
    "LocationPrior",
    "SCALE_FAMILIES",
    "ScalePrior",
    "auto_priors",
    "pymc_distribution",
    "location_prior",
    "scale_prior",
]

#: Families of the half distributions a scale prior can name (see :func:`scale_prior`).
SCALE_FAMILIES = ("half-normal", "half-cauchy")

#: How many data standard deviations the "auto" priors span (as in rstanarm).
AUTO_WIDTH = 2.5


@dataclass(frozen=True)
class LocationPrior:
    """Normal(mean, sd) prior, or flat when ``sd`` is None.

    Attributes
    ----------
    mean : float, default 0.0
        Mean of the normal prior (ignored when the prior is flat).
    sd : float or None, default None
        Standard deviation of the normal prior, positive; None for a flat
        prior on the real line.

    Examples
    --------
    >>> from companion.hierarchical import LocationPrior
    >>> LocationPrior(0.0, 10.0).describe(), LocationPrior().describe()
    ('Normal(0, 10)', 'flat')
    """

    mean: float = 0.0
    sd: float | None = None

    @property
    def flat(self) -> bool:
        """Whether the prior is flat (``sd`` is None)."""
        return self.sd is None

    def describe(self) -> str:
        """Describe the prior in words, e.g. ``Normal(0, 10)``."""
        return "flat" if self.flat else f"Normal({self.mean:g}, {self.sd:g})"

    def draw(self, rng: np.random.Generator, size: int, name: str) -> np.ndarray:
        """``size`` draws from the prior; ``name`` is the argument blamed if it is flat."""
        if self.flat:
            raise ValueError(f"`{name}` must be proper, (mean, sd), for simulation.")
        return rng.normal(self.mean, self.sd, size)


@dataclass(frozen=True)
class ScalePrior:
    r"""Prior on a standard deviation: uniform on :math:`[0, \infty)` or a half family.

    Attributes
    ----------
    family : str, default "uniform"
        ``"uniform"`` (flat on the half-line from 0 to infinity, improper),
        ``"half-normal"`` or ``"half-cauchy"``.
    scale : float or None, default None
        Scale of the half-normal or half-Cauchy prior, positive; None for
        ``"uniform"``.

    Examples
    --------
    >>> from companion.hierarchical import ScalePrior
    >>> ScalePrior("half-normal", 5.0).describe(), ScalePrior().describe()
    ('HalfNormal(5)', 'uniform on [0, inf)')
    """

    family: str = "uniform"
    scale: float | None = None

    def log_density(self, value: np.ndarray) -> np.ndarray:
        """Log density up to a constant, for ``value >= 0``."""
        value = np.asarray(value, dtype=float)
        if self.family == "uniform":
            return np.zeros_like(value)
        z = value / self.scale
        if self.family == "half-normal":
            return -0.5 * z**2
        return -np.log1p(z**2)

    def draw(self, rng: np.random.Generator, size: int, name: str) -> np.ndarray:
        """``size`` draws from the prior; ``name`` is the argument blamed if it is flat."""
        if self.family == "uniform":
            raise ValueError(
                f"`{name}` must be proper, e.g. ('half-normal', scale), not 'uniform'."
            )
        if self.family == "half-normal":
            return np.abs(rng.normal(0.0, self.scale, size))
        return np.abs(self.scale * rng.standard_cauchy(size))

    def describe(self) -> str:
        """Describe the prior in words, e.g. ``HalfNormal(5)``."""
        if self.family == "uniform":
            return "uniform on [0, inf)"
        name = "HalfNormal" if self.family == "half-normal" else "HalfCauchy"
        return f"{name}({self.scale:g})"


def location_prior(spec: object, name: str, auto: LocationPrior | None = None) -> LocationPrior:
    """Parse ``None`` (flat) or ``(mean, sd)`` into a :class:`LocationPrior`.

    Parameters
    ----------
    spec : None or (mean, sd)
        The prior as a user writes it.
    name : str
        The argument's name, used in the error message.
    auto : LocationPrior, optional
        The prior the spec ``"auto"`` stands for (see :func:`auto_priors`).

    Returns
    -------
    LocationPrior

    Examples
    --------
    >>> from companion.hierarchical import location_prior
    >>> location_prior((75, 25), "mu_prior")
    LocationPrior(mean=75.0, sd=25.0)
    >>> location_prior(None, "mu_prior").flat
    True
    """
    if spec is None:
        return LocationPrior()
    if isinstance(spec, str) and spec == "auto" and auto is not None:
        return auto
    if isinstance(spec, LocationPrior):
        return spec
    if isinstance(spec, tuple | list) and len(spec) == 2:
        mean = check_real(spec[0], f"{name}[0] (the mean)")
        sd = check_real(spec[1], f"{name}[1] (the sd)", positive=True)
        return LocationPrior(mean, sd)
    raise ValueError(f"`{name}` must be None (flat) or a (mean, sd) pair, got {spec!r}.")


def scale_prior(spec: object, name: str, auto: ScalePrior | None = None) -> ScalePrior:
    """Parse ``"uniform"`` or ``(family, scale)`` into a :class:`ScalePrior`.

    Parameters
    ----------
    spec : "uniform" or a tuple (family, scale)
        The prior as a user writes it; ``family`` is one of
        :data:`SCALE_FAMILIES`.
    name : str
        The argument's name, used in the error message.
    auto : ScalePrior, optional
        The prior the spec ``"auto"`` stands for.

    Returns
    -------
    ScalePrior

    Examples
    --------
    >>> from companion.hierarchical import scale_prior
    >>> scale_prior(("half-normal", 20), "tau_prior")
    ScalePrior(family='half-normal', scale=20.0)
    """
    if isinstance(spec, str) and spec == "auto" and auto is not None:
        return auto
    if isinstance(spec, ScalePrior):
        return spec
    if spec == "uniform":
        return ScalePrior()
    if isinstance(spec, tuple | list) and len(spec) == 2 and spec[0] in SCALE_FAMILIES:
        return ScalePrior(spec[0], check_real(spec[1], f"{name}[1] (the scale)", positive=True))
    raise ValueError(
        f"`{name}` must be 'uniform', ('half-normal', scale) or ('half-cauchy', scale), "
        f"got {spec!r}."
    )


def auto_priors(y: np.ndarray, se: np.ndarray | None = None) -> tuple[LocationPrior, ScalePrior]:
    r"""Weakly informative priors scaled to the data, used by ``"auto"``.

    With :math:`\bar y` the mean of the outcome and :math:`s` its spread
    (for group summaries, :math:`s^2` is the variance of the estimates plus
    their mean squared standard error), the location prior is
    :math:`\mathcal N(\bar y, (2.5 s)^2)` and each scale prior is
    :math:`\text{HalfNormal}(2.5 s)`.

    Parameters
    ----------
    y : numpy.ndarray
        The outcome, or one estimate per group.
    se : numpy.ndarray, optional
        The estimates' known standard errors (group summaries).

    Returns
    -------
    tuple of LocationPrior and ScalePrior
        The location prior and the prior of each standard deviation.

    Examples
    --------
    >>> import numpy as np
    >>> from companion.hierarchical.priors import auto_priors
    >>> loc, scale = auto_priors(np.array([60.0, 70.0, 80.0]))
    >>> loc.describe(), scale.describe()
    ('Normal(70, 25)', 'HalfNormal(25)')
    """
    variance = float(np.var(y, ddof=1)) if y.size > 1 else 0.0
    if se is not None:
        variance += float(np.mean(se**2))
    spread = np.sqrt(variance) if variance > 0 else 1.0
    width = AUTO_WIDTH * spread
    return LocationPrior(float(np.mean(y)), width), ScalePrior("half-normal", width)


def pymc_distribution(name: str, prior: LocationPrior | ScalePrior, **kwargs):
    """Create the PyMC distribution named ``name`` that a prior specification describes.

    Call it inside a model context. Any further keyword arguments (e.g.
    ``dims``) are passed to the distribution.

    Parameters
    ----------
    name : str
        Name of the model variable.
    prior : LocationPrior or ScalePrior
        The prior, e.g. from :func:`location_prior` or :func:`scale_prior`.

    Returns
    -------
    pytensor.tensor.TensorVariable
        The model variable.

    Examples
    --------
    >>> import pymc as pm
    >>> from companion.hierarchical import pymc_distribution, scale_prior
    >>> prior = scale_prior(("half-normal", 20), "tau_prior")
    >>> with pm.Model():
    ...     tau = pymc_distribution("tau", prior)
    >>> tau.owner.op.name
    'halfnormal'
    """
    import pymc as pm

    if isinstance(prior, LocationPrior):
        if prior.flat:
            return pm.Flat(name, **kwargs)
        return pm.Normal(name, prior.mean, prior.sd, **kwargs)
    if prior.family == "uniform":
        return pm.HalfFlat(name, **kwargs)
    if prior.family == "half-normal":
        return pm.HalfNormal(name, sigma=prior.scale, **kwargs)
    return pm.HalfCauchy(name, beta=prior.scale, **kwargs)
