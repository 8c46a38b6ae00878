"""Posterior draws out of a fit, extracted one way (not part of the public API).

A fit is an ``xarray.DataTree`` from :func:`companion.sample` (or any object
with the group as an attribute, such as an ArviZ InferenceData). Draws come
out chain-major: row ``c * n_draw + d`` is draw ``d`` of chain ``c``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import xarray as xr

SAMPLE_DIMS = ("chain", "draw")


def variable(
    dataset: xr.Dataset, var: object, *, argument: str = "var_name", where: str = "the posterior"
) -> xr.DataArray:
    """Return the variable ``var`` of a group, with an error listing what is there.

    ``argument`` names the argument that chose ``var``; ``where`` says which
    group of which fit was searched.
    """
    if var not in dataset.data_vars:
        raise ValueError(
            f"`{argument}`={var!r} is not in {where}; it has {sorted(map(str, dataset.data_vars))}."
        )
    return dataset[var]


def stacked(values: xr.DataArray) -> np.ndarray:
    """Return the draws as an array (chain * draw, ...), chain-major."""
    array = values.transpose(*SAMPLE_DIMS, ...).to_numpy()
    return array.reshape(-1, *array.shape[2:])


def group_dim(values: xr.DataArray, var: object, name: str) -> str:
    """Return the one dimension of ``values`` besides chain and draw."""
    others = [d for d in values.dims if d not in SAMPLE_DIMS]
    if len(others) != 1 or not set(SAMPLE_DIMS) <= set(values.dims):
        raise ValueError(
            f"`{var}` in `{name}` must have dims chain, draw and exactly one dimension "
            f"besides chain and draw (the groups), got {values.dims}."
        )
    return others[0]
