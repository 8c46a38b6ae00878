"""Helpers shared by the modules that build PyMC models (not part of the public API)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pymc as pm


def spread(values: np.ndarray) -> float:
    """Return the standard deviation of the finite values, or 1 where it is undefined or 0."""
    finite = values[np.isfinite(values)]
    sd = float(np.std(finite, ddof=1)) if finite.size > 1 else 0.0
    return sd if sd > 0 else 1.0


def shrinkage(noise_variance, tau):
    r"""Return the shrinkage factor :math:`B_j = v_j / (v_j + \tau^2)` (arrays broadcast).

    :math:`v_j` is the sampling variance of group :math:`j`'s estimate
    (:math:`\sigma^2 / n_j`); :math:`B_j` is the weight the posterior mean puts
    on the population mean. The one place the package computes it.
    """
    return noise_variance / (noise_variance + np.square(tau))


def attach_missing_dim(model: pm.Model, variable: str, labels: Sequence) -> None:
    """Label ``<variable>_unobserved`` by the index of the rows it imputes."""
    name = f"{variable}_unobserved"
    if name in model.named_vars:
        dim = f"{variable}_missing"
        model.add_coord(dim, list(labels))
        model.named_vars_to_dims[name] = (dim,)
