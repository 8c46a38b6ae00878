"""Checks that a model a chapter writes out in PyMC is the one companion builds.

Book-only code (not installed with ``companion``); the chapters import it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    import pymc as pm


def free_variables(model: pm.Model) -> pd.Series:
    """Return each free variable of ``model`` with its dimensions ("scalar" if none).

    Examples
    --------
    >>> import pymc as pm
    >>> with pm.Model(coords={"g": ["a", "b"]}) as m:
    ...     _ = pm.Normal("theta", dims="g")
    >>> free_variables(m).to_dict()
    {'theta': 'g'}
    """
    dims = model.named_vars_to_dims
    return pd.Series(
        {v.name: ", ".join(dims.get(v.name) or ["scalar"]) for v in model.free_RVs}, dtype=object
    )


def same_model(
    explicit: pm.Model, built: pm.Model, label: str, *, n_points: int = 5, seed: int = 0
) -> tuple[pd.DataFrame, float]:
    """Compare a model written out by hand with one built by companion.

    Parameters
    ----------
    explicit, built : pymc.Model
        The model written out in the chapter and the one companion builds.
    label : str
        Column name for ``built`` in the table (e.g. the builder's name).
    n_points : int, default 5
        Random points at which the two log densities are compared: the
        built model's initial point plus standard normal noise, on the
        sampler's (unconstrained) scale.
    seed : int, default 0
        Seed of the points.

    Returns
    -------
    table : pandas.DataFrame
        The free variables (index ``free variable``) and their dimensions in
        each model, columns ``explicit`` and ``label``.
    gap : float
        Largest absolute difference of the two log densities over the points.

    Examples
    --------
    >>> import pymc as pm
    >>> with pm.Model() as a:
    ...     _ = pm.Normal("mu", 0.0, 1.0)
    >>> with pm.Model() as b:
    ...     _ = pm.Normal("mu", 0.0, 1.0)
    >>> table, gap = same_model(a, b, "b")
    >>> gap
    0.0
    """
    logp_explicit = explicit.compile_logp()
    logp_built = built.compile_logp()
    rng = np.random.default_rng(seed)
    points = [
        {
            name: value + rng.normal(size=np.shape(value))
            for name, value in built.initial_point().items()
        }
        for _ in range(n_points)
    ]
    gap = max(abs(float(logp_explicit(p) - logp_built(p))) for p in points)
    table = pd.DataFrame({"explicit": free_variables(explicit), label: free_variables(built)})
    return table.rename_axis("free variable"), gap
