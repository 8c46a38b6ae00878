r"""The grid behind the exact posteriors of :mod:`companion.hierarchical.counts`.

A posterior of two hyperparameters, known up to a constant, is evaluated on a
rectangular grid in unbounded coordinates :math:`(u, v)`: the grid is placed
around the mode, its sides moved out while the density on them exceeds
``edge_tol`` times the largest and in until just below, and its spacing halved
until no summary moves by ``tol`` posterior sds. :class:`GridPosterior` holds
the result and everything that does not depend on the model: means, sds,
CDFs and quantiles of the hyperparameters, mixtures over the grid for the
group parameters, and draws by composition. The models fill in its hooks.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import ClassVar

import numpy as np
from scipy import optimize, special

from companion._validation import SeedLike, check_count, check_real, check_rng

__all__ = [
    "QUANTILES",
    "GridPosterior",
    "build",
    "check_quantiles",
    "check_tolerances",
    "place_box",
]

#: Default quantiles of :meth:`GridPosterior.summary`.
QUANTILES = (0.05, 0.5, 0.95)
# Grid points (per axis) while the box is placed, and the largest refined grid.
_PLACING_POINTS = 65
_MAX_POINTS = 1025
# The lightest grid points, together this much posterior mass, are left out
# of the mixtures that give the summaries of every theta_j.
_DROPPED = 1e-10


def check_tolerances(tol: object, edge_tol: object) -> tuple[float, float]:
    tol = check_real(tol, "tol", positive=True)
    edge_tol = check_real(edge_tol, "edge_tol", positive=True)
    if tol >= 0.1:
        raise ValueError(f"`tol` must be below 0.1 posterior sds, got {tol}.")
    if edge_tol >= 1e-3:
        raise ValueError(f"`edge_tol` must be below 1e-3, got {edge_tol}.")
    return tol, edge_tol


# ------------------------------------------------------------------------------- the grid
def trapezoid(n: int, step: float) -> np.ndarray:
    weights = np.full(n, step)
    weights[[0, -1]] *= 0.5
    return weights


@dataclass(frozen=True)
class Box:
    low: np.ndarray  # (2,) lower ends of the u and v axes
    high: np.ndarray

    def axes(self, points: int) -> tuple[np.ndarray, np.ndarray]:
        ends = zip(self.low, self.high, strict=True)
        return tuple(np.linspace(lo, hi, points) for lo, hi in ends)


def _mode_and_scale(log_post: Callable, start: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mode of the log posterior and the sds of its normal approximation there."""
    found = optimize.minimize(lambda x: -log_post(x[0], x[1]), start, method="Nelder-Mead",
                              options={"xatol": 1e-6, "fatol": 1e-9, "maxiter": 4000})  # fmt: skip
    mode = found.x
    step = 1e-3
    hessian = np.empty((2, 2))
    for i in range(2):
        for k in range(2):
            ei, ek = np.eye(2)[i] * step, np.eye(2)[k] * step
            signs = ((1, 1), (1, -1), (-1, 1), (-1, -1))
            f = [log_post(*(mode + a * ei + b * ek)) for a, b in signs]
            hessian[i, k] = (f[0] - f[1] - f[2] + f[3]) / (4 * step**2)
    try:
        covariance = np.linalg.inv(-hessian)
        sds = np.sqrt(np.diag(covariance))
        if not np.all(np.isfinite(sds)) or np.any(np.diag(covariance) <= 0):
            raise np.linalg.LinAlgError
    except np.linalg.LinAlgError:
        sds = np.ones(2)
    return mode, sds


def place_box(log_post: Callable, start: np.ndarray, edge_tol: float) -> Box:
    """Place a box around the posterior mass, the density on its edges just below ``edge_tol``."""
    mode, sds = _mode_and_scale(log_post, start)
    box = Box(mode - 6 * sds, mode + 6 * sds)
    log_edge = np.log(edge_tol)
    for _ in range(200):
        u, v = box.axes(_PLACING_POINTS)
        log_p = log_post(u[:, None], v[None, :])
        log_p = np.where(np.isnan(log_p), -np.inf, log_p)
        rel = log_p - log_p.max()
        # Largest relative log density on each side: u low, u high, v low, v high.
        sides = np.array([rel[0].max(), rel[-1].max(), rel[:, 0].max(), rel[:, -1].max()])
        width = box.high - box.low
        if (sides > log_edge).any():
            low, high = box.low.copy(), box.high.copy()
            for axis in range(2):
                if sides[2 * axis] > log_edge:
                    low[axis] -= 0.5 * width[axis]
                if sides[2 * axis + 1] > log_edge:
                    high[axis] += 0.5 * width[axis]
            box = Box(low, high)
            if np.any(width > 1e3):
                break
            continue
        # Every side is below the threshold: move each in to the last line above it.
        inside_u = np.flatnonzero(rel.max(axis=1) > log_edge)
        inside_v = np.flatnonzero(rel.max(axis=0) > log_edge)
        lo = np.array([u[max(inside_u[0] - 1, 0)], v[max(inside_v[0] - 1, 0)]])
        hi = np.array([u[min(inside_u[-1] + 1, u.size - 1)], v[min(inside_v[-1] + 1, v.size - 1)]])
        if np.all(hi - lo > 0.7 * width):  # already tight
            return Box(lo, hi)
        box = Box(lo, hi)
    raise ValueError(
        "the posterior of the hyperparameters does not fall off inside any finite box: it "
        "is improper for these data and priors, or its tail is too heavy for a grid."
    )


# ------------------------------------------------------------------------------- results
@dataclass(frozen=True)
class GridPosterior:
    r"""What the two exact posteriors share: a grid, its weights and summaries."""

    groups: list
    dim: str
    u: np.ndarray
    v: np.ndarray
    density: np.ndarray = field(repr=False)
    weights: np.ndarray = field(repr=False)
    tol: float
    edge_tol: float
    error: float
    edge: float

    #: Names of the hyperparameter summaries, in the order of summary().
    HYPER: ClassVar[tuple[str, ...]] = ()
    #: Labels of the grid axes u and v, for plots.
    AXES: ClassVar[tuple[str, str]] = ("u", "v")

    # ------------------------------------------------------------ model hooks
    def hyper_on_grid(self, u: np.ndarray, v: np.ndarray) -> dict[str, np.ndarray]:
        """Return the hyperparameters at grid coordinates ``(u, v)``."""
        raise NotImplementedError  # pragma: no cover

    def _conditional(self, alpha: np.ndarray, beta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError  # pragma: no cover

    def _moments(self, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError  # pragma: no cover

    def _cdf_given(self, t: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        raise NotImplementedError  # pragma: no cover

    def _pdf_given(self, t: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        raise NotImplementedError  # pragma: no cover

    def _cut(self, name: str, c: float) -> tuple[str, np.ndarray | float, int]:
        raise NotImplementedError  # pragma: no cover

    def _observed(self) -> tuple[np.ndarray, Callable, Callable]:
        raise NotImplementedError  # pragma: no cover

    # ------------------------------------------------------------ summaries
    def moments_exist(self) -> dict[str, tuple[bool, bool]]:
        """Whether each hyperparameter's posterior mean and sd exist (are finite).

        Returns
        -------
        dict
            Name to ``(mean exists, sd exists)``. Where they do not, the
            posterior has a tail too heavy for them (it is still proper, and
            its quantiles are finite); :attr:`hyper_mean` and
            :attr:`hyper_sd` then hold ``inf``.
        """
        raise NotImplementedError  # pragma: no cover

    def _mixture_on(self, stride: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Weights and conditional parameters on every ``stride``-th grid line, light points out."""
        p = self.density[::stride, ::stride]
        u, v = self.u[::stride], self.v[::stride]
        w = (np.outer(trapezoid(u.size, u[1] - u[0]), trapezoid(v.size, v[1] - v[0])) * p).ravel()
        w = w / w.sum()
        order = np.argsort(w)
        # Drop the lightest points while their total stays below _DROPPED: they
        # move no CDF by more than that, and no mean by more than that share.
        keep = np.ones(w.size, dtype=bool)
        keep[order[np.cumsum(w[order]) < _DROPPED]] = False
        uu, vv = np.meshgrid(u, v, indexing="ij")
        hyper = self.hyper_on_grid(uu.ravel()[keep], vv.ravel()[keep])
        a, b = self._conditional(hyper["alpha"], hyper["beta"])
        return w[keep] / w[keep].sum(), a, b

    @cached_property
    def _mixture(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The mixture over the whole grid: gives the means and sds of every theta_j."""
        return self._mixture_on(1)

    @cached_property
    def _quantile_mixture(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        r"""A mixture over a sparser grid, for the CDFs and quantiles of every theta_j.

        Inverting a CDF evaluates it many times, so it uses the sparsest grid
        (every 2nd, 4th, ... line) on which the means and sds of every
        :math:`\theta_j` still agree with the full grid's to ``tol / 10``
        posterior sds.
        """
        mean, sd = self._theta_moments
        chosen = self._mixture
        stride = 2
        while (self.u.size - 1) % stride == 0 and (self.u.size - 1) // stride >= 16:
            w, a, b = self._mixture_on(stride)
            m, var = self._moments(a, b)
            sub_mean = w @ m
            sub_sd = np.sqrt(w @ (var + (m - sub_mean) ** 2))
            change = max(np.max(np.abs(sub_mean - mean) / sd), np.max(np.abs(sub_sd - sd) / sd))
            if change >= self.tol / 10:
                break
            chosen = (w, a, b)
            stride *= 2
        return chosen

    @cached_property
    def _hyper_values(self) -> dict[str, np.ndarray]:
        uu, vv = np.meshgrid(self.u, self.v, indexing="ij")
        return self.hyper_on_grid(uu, vv)

    @cached_property
    def hyper_mean(self) -> dict[str, float]:
        """Posterior means of the hyperparameters, by name (``inf`` where none exists)."""
        exist = self.moments_exist()
        return {
            k: float(np.sum(self.weights * x)) if exist[k][0] else math.inf
            for k, x in self._hyper_values.items()
        }

    @cached_property
    def hyper_sd(self) -> dict[str, float]:
        """Posterior standard deviations of the hyperparameters (``inf`` where none exists)."""
        exist = self.moments_exist()
        return {
            k: float(np.sqrt(np.sum(self.weights * (x - self.hyper_mean[k]) ** 2)))
            if exist[k][1]
            else math.inf
            for k, x in self._hyper_values.items()
        }

    @cached_property
    def _theta_moments(self) -> tuple[np.ndarray, np.ndarray]:
        w, a, b = self._mixture
        mean, variance = self._moments(a, b)
        theta_mean = w @ mean
        return theta_mean, np.sqrt(w @ (variance + (mean - theta_mean) ** 2))

    @property
    def theta_mean(self) -> np.ndarray:
        r"""Posterior mean of each :math:`\theta_j`, exact given the grid."""
        return self._theta_moments[0]

    @property
    def theta_sd(self) -> np.ndarray:
        r"""Posterior standard deviation of each :math:`\theta_j`."""
        return self._theta_moments[1]

    def _summary_vector(self) -> tuple[np.ndarray, np.ndarray]:
        """Summaries compared under refinement, and the scales that make changes comparable.

        Means and sds that exist, scaled by the posterior sd, and the 5%, 50%
        and 95% quantiles of every hyperparameter, scaled by the width of the
        central 90% interval over 3.29 (the sd, for a normal posterior).
        """
        values, scales = [], []
        for name in self.HYPER:
            mean_ok, sd_ok = self.moments_exist()[name]
            quantiles = self.quantile(name, QUANTILES)
            spread = (quantiles[-1] - quantiles[0]) / 3.29
            if mean_ok:
                values.append(self.hyper_mean[name])
                scales.append(self.hyper_sd[name] if sd_ok else spread)
            if sd_ok:
                values.append(self.hyper_sd[name])
                scales.append(self.hyper_sd[name])
            values.extend(quantiles)
            scales.extend([spread] * len(quantiles))
        values.extend([*self.theta_mean, *self.theta_sd])
        scales.extend([*self.theta_sd, *self.theta_sd])
        return np.array(values), np.array(scales)

    @cached_property
    def _cumulative(self) -> dict:
        """Splines of the density along the grid lines of each axis, integrated.

        For each axis: the antiderivative of a cubic spline of the density
        along every grid line in that direction, its total, and the
        trapezoid weights of those lines across it.
        """
        from scipy.interpolate import CubicSpline

        du, dv = self.u[1] - self.u[0], self.v[1] - self.v[0]
        out = {}
        for axis, inner, p, across in (("v", self.v, self.density, du),
                                       ("u", self.u, self.density.T, dv)):  # fmt: skip
            antiderivative = CubicSpline(inner, p, axis=1).antiderivative()
            totals = antiderivative(inner[-1])
            out[axis] = (antiderivative, totals, trapezoid(p.shape[0], across))
        return out

    def cdf(self, name: str, value: float) -> float:
        r"""Posterior probability that the hyperparameter ``name`` is at most ``value``.

        Computed without binning: on each grid line along one axis the event
        is an interval whose end moves smoothly along the other axis, and a
        cubic spline of the density along the line is integrated up to it.
        """
        self._check_name(name)
        value = check_real(value, "value")
        axis, cut, sign = self._cut(name, value)
        inner = self.v if axis == "v" else self.u
        antiderivative, totals, weights = self._cumulative[axis]
        lines = totals.size
        cut = np.clip(np.broadcast_to(np.asarray(cut, dtype=float), (lines,)), inner[0], inner[-1])
        # Line i's integral up to its own cut: evaluate line i's polynomial piece.
        breaks = antiderivative.x
        piece = np.clip(np.searchsorted(breaks, cut, side="right") - 1, 0, breaks.size - 2)
        dx = cut - breaks[piece]
        coefficients = antiderivative.c[:, piece, np.arange(lines)]  # (order, lines)
        below = np.zeros(lines)
        for c in coefficients:  # Horner's rule, highest power first
            below = below * dx + c
        if sign < 0:
            below = totals - below
        return float(np.clip(weights @ below / (weights @ totals), 0.0, 1.0))

    def quantile(self, name: str, q: float | Sequence[float]) -> float | np.ndarray:
        r"""Posterior quantile(s) of the hyperparameter ``name``.

        ``name`` is one of :attr:`hyper_names`; the CDF of :meth:`cdf` is
        inverted with Brent's method.
        """
        self._check_name(name)
        q_arr = check_quantiles(q)
        values = self._hyper_values[name]
        # Every hyperparameter is positive: solve for its log, to a relative 1e-12.
        low, high = np.log(float(values.min())), np.log(float(values.max()))
        result = np.array(
            [
                np.exp(
                    optimize.brentq(
                        lambda x, p=p: self.cdf(name, np.exp(x)) - p,
                        low,
                        high,
                        xtol=1e-12,
                        rtol=1e-12,
                    )
                )  # fmt: skip
                if 0 < p < 1
                else np.exp(low if p == 0 else high)
                for p in q_arr.ravel()
            ]
        ).reshape(q_arr.shape)
        return float(result) if result.ndim == 0 else result

    def _check_name(self, name: object) -> None:
        if name not in self.HYPER:
            raise ValueError(f"`name` must be one of {list(self.HYPER)}, got {name!r}.")

    @property
    def hyper_names(self) -> tuple[str, ...]:
        """Names of the hyperparameter summaries, as in :meth:`summary` and :meth:`draws`."""
        return self.HYPER

    def theta_cdf(self, t: float | Sequence[float] | np.ndarray) -> np.ndarray:
        r"""Posterior CDF of the group parameters at ``t``, :math:`P(\theta_j \le t_j \mid y)`.

        The mixture, over the grid, of the conditional Beta or Gamma CDFs.
        ``t`` broadcasts against the groups (the last axis, of length J): one
        number gives every group's CDF there, an array of shape (J,) or
        (k, J) one value per group (and row).
        """
        w, a, b = self._quantile_mixture
        n_groups = a.shape[1]
        t_arr = np.asarray(t, dtype=float)
        try:
            rows = np.broadcast_to(
                t_arr, (*t_arr.shape[:-1], n_groups) if t_arr.ndim else (n_groups,)
            )
        except ValueError:
            raise ValueError(
                f"`t` must broadcast against the {n_groups} groups (last axis), got shape "
                f"{t_arr.shape}; use t[:, None] for several values for every group."
            ) from None
        out = np.array([w @ self._cdf_given(row, a, b) for row in rows.reshape(-1, n_groups)])
        return out.reshape(rows.shape)

    def theta_quantile(self, q: float | Sequence[float]) -> np.ndarray:
        r"""Posterior quantile(s) of every :math:`\theta_j`: shape (J,) or (len(q), J).

        Each solves :math:`F_j(t) = q` for the mixture CDF :math:`F_j` of
        :meth:`theta_cdf`, by Newton steps kept inside a bisection bracket,
        to a relative accuracy of 1e-9.
        """
        q_arr = check_quantiles(q)
        w, a, b = self._quantile_mixture
        p = q_arr.reshape(-1, 1)
        n_groups = a.shape[1]
        low = np.zeros((p.size, n_groups))
        high = np.broadcast_to(self._upper_bound(), (p.size, n_groups)).copy()
        # Start from the normal approximation, inside the bracket.
        z = special.ndtri(np.clip(p, 1e-12, 1 - 1e-12))
        t = np.clip(self.theta_mean + z * self.theta_sd, 1e-9 * high, 0.999 * high)
        for _iteration in range(200):
            cdf = np.stack([w @ self._cdf_given(row, a, b) for row in t])
            pdf = np.stack([w @ self._pdf_given(row, a, b) for row in t])
            above = cdf > p
            high = np.where(above, t, high)
            low = np.where(above, low, t)
            with np.errstate(divide="ignore", invalid="ignore"):
                newton = t - (cdf - p) / pdf
            inside = np.isfinite(newton) & (newton >= low) & (newton <= high)
            t_new = np.where(inside, newton, 0.5 * (low + high))
            done = np.abs(t_new - t) <= 1e-9 * t
            t = t_new
            if done.all():
                break
        t = np.where(p <= 0, 0.0, np.where(p >= 1, self._upper_bound(), t))
        return t.reshape(*q_arr.shape, n_groups)

    def _upper_bound(self) -> np.ndarray:
        raise NotImplementedError  # pragma: no cover

    def summary(self, q: Sequence[float] = QUANTILES):
        """Posterior mean, sd and quantiles of the hyperparameters and every group, as a DataFrame.

        Rows are the hyperparameters (:attr:`hyper_names`) and then
        ``theta[label]`` for each group; columns ``mean``, ``sd`` and one per
        quantile, named as a percentage (``"5%"``).
        """
        import pandas as pd

        q_arr = np.atleast_1d(check_quantiles(q))
        names = [f"{100 * p:g}%" for p in q_arr]
        rows = {}
        for name in self.HYPER:
            rows[name] = [self.hyper_mean[name], self.hyper_sd[name], *self.quantile(name, q_arr)]
        quantiles = self.theta_quantile(q_arr)
        for j, label in enumerate(self.groups):
            rows[f"theta[{label}]"] = [self.theta_mean[j], self.theta_sd[j], *quantiles[:, j]]
        return pd.DataFrame.from_dict(rows, orient="index", columns=["mean", "sd", *names])

    # ------------------------------------------------------------ draws
    def draws(self, n: int = 1000, *, chains: int = 4, seed: SeedLike = None):
        r"""Independent posterior draws by composition, as an ArviZ ``DataTree``.

        A grid cell is drawn with its posterior probability, a point
        uniformly inside it, and then every :math:`\theta_j` from its
        conditional Beta or Gamma posterior and a replicated count from the
        likelihood (BDA3 section 5.3). The draws are exact up to the grid
        spacing and have no autocorrelation.

        Parameters
        ----------
        n : int, default 1000
            Draws per chain.
        chains : int, default 4
            "Chains" of independent draws, so the result has the shape of an
            MCMC fit from :func:`companion.sample` with ``draws=n``.
        seed : int or numpy.random.Generator or None
            Seed of the draws.

        Returns
        -------
        xarray.DataTree
            Groups ``posterior`` (the hyperparameters and ``theta`` with
            dims ``(chain, draw, dim)``), ``posterior_predictive`` and
            ``log_likelihood`` (variable ``y``), ``observed_data`` (``y``)
            and ``constant_data`` (``group_idx`` and the trials or
            exposures), with the groups' labels as coordinates, as the
            matching PyMC model gives them.
        """
        from arviz_base import from_dict

        n = check_count(n, "n", 1, maximum=10**7)
        chains = check_count(chains, "chains", 1, maximum=1000)
        rng = check_rng(seed)
        total = n * chains
        flat = self.weights.ravel()
        cell = rng.choice(flat.size, size=total, p=flat / flat.sum())
        i, k = np.unravel_index(cell, self.weights.shape)
        du, dv = self.u[1] - self.u[0], self.v[1] - self.v[0]
        u = self.u[i] + rng.uniform(-0.5, 0.5, total) * du
        v = self.v[k] + rng.uniform(-0.5, 0.5, total) * dv
        hyper = self.hyper_on_grid(u, v)
        a, b = self._conditional(hyper["alpha"], hyper["beta"])
        theta = self._draw_theta(rng, a, b)
        observed, log_likelihood, replicate = self._observed()
        shape = (chains, n)
        dims = {"theta": [self.dim], "y": [self.dim]}
        posterior = {name: hyper[name].reshape(shape) for name in self.HYPER}
        posterior["theta"] = theta.reshape(*shape, -1)
        constant = {"group_idx": np.arange(len(self.groups)), **self._constant_data()}
        dims.update({name: [self.dim] for name in constant})
        return from_dict(
            {
                "posterior": posterior,
                "posterior_predictive": {"y": replicate(rng, theta).reshape(*shape, -1)},
                "log_likelihood": {"y": log_likelihood(theta).reshape(*shape, -1)},
                "observed_data": {"y": observed},
                "constant_data": constant,
            },
            dims=dims,
            coords={self.dim: list(self.groups)},
        )

    def _draw_theta(self, rng, a, b):  # pragma: no cover
        raise NotImplementedError

    def _constant_data(self) -> dict[str, np.ndarray]:  # pragma: no cover
        raise NotImplementedError


def check_quantiles(q: object) -> np.ndarray:
    try:
        q_arr = np.asarray(q, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"`q` must be probabilities, got {type(q).__name__}.") from None
    if q_arr.size == 0 or np.isnan(q_arr).any() or (q_arr < 0).any() or (q_arr > 1).any():
        raise ValueError(f"`q` must be probabilities in [0, 1], got {q}.")
    return q_arr


def _refine(make: Callable[[np.ndarray, np.ndarray], GridPosterior], box: Box, tol: float):
    """Halve the grid spacing until no mean or sd moves by ``tol`` posterior sds."""
    points = _PLACING_POINTS
    previous = make(*box.axes(points))
    while True:
        points = 2 * points - 1  # the old points stay on the grid
        current = make(*box.axes(points))
        new, scale = current._summary_vector()
        old, _ = previous._summary_vector()
        error = float(np.max(np.abs(new - old) / scale))
        if error < tol:
            return current, error
        if points >= _MAX_POINTS:
            raise RuntimeError(
                f"the grid did not converge: halving the spacing to {points} points per axis "
                f"still moved a summary by {error:.2g} posterior sds (`tol`={tol}). Pass a "
                "larger `tol`."
            )
        previous = current


def build(cls, log_post, fields: dict, box: Box, tol: float, edge_tol: float):
    """Evaluate the posterior on the refined grid and return the result object."""

    def make(u: np.ndarray, v: np.ndarray, error: float = np.nan) -> GridPosterior:
        log_p = log_post(u[:, None], v[None, :])
        log_p = np.where(np.isnan(log_p), -np.inf, log_p)
        p = np.exp(log_p - log_p.max())
        weights = np.outer(trapezoid(u.size, u[1] - u[0]), trapezoid(v.size, v[1] - v[0])) * p
        total = weights.sum()
        edge = float(max(p[0].max(), p[-1].max(), p[:, 0].max(), p[:, -1].max()))
        # p(u, v | y) normalised to integrate to 1 over the box.
        return cls(**fields, u=u, v=v, density=p / total, weights=weights / total, tol=tol,
                   edge_tol=edge_tol, error=error, edge=edge)  # fmt: skip

    result, error = _refine(make, box, tol)
    object.__setattr__(result, "error", error)
    return result
