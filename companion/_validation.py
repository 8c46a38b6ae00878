"""Argument checks shared by the package, in the style of scikit-learn.

Each check names the argument it rejects and says what was wrong, so that a
reader of the error message never has to guess which input to fix.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from numbers import Integral, Real

import numpy as np

SeedLike = int | np.random.Generator | None


def check_rng(seed: SeedLike, name: str = "seed") -> np.random.Generator:
    """Return a NumPy Generator from an integer seed, a Generator or None."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None or (isinstance(seed, Integral) and not isinstance(seed, bool)):
        if seed is not None and seed < 0:
            raise ValueError(f"`{name}` must be a non-negative integer, got {seed}.")
        return np.random.default_rng(seed)
    raise TypeError(
        f"`{name}` must be an int, a numpy.random.Generator or None, "
        f"got {type(seed).__name__}."
    )


def check_real(
    value: object, name: str, *, positive: bool = False, nonnegative: bool = False
) -> float:
    """Return ``value`` as a finite float, optionally requiring a sign."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"`{name}` must be a real number, got {type(value).__name__}.")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"`{name}` must be finite, got {value}.")
    if positive and value <= 0:
        raise ValueError(f"`{name}` must be positive, got {value}.")
    if nonnegative and value < 0:
        raise ValueError(f"`{name}` must be non-negative, got {value}.")
    return value


def check_group_sizes(sizes: Sequence[int], name: str) -> list[int]:
    """Return group sizes as a list of positive ints; reject empty groups."""
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence | np.ndarray):
        raise TypeError(f"`{name}` must be a sequence of integers, got {type(sizes).__name__}.")
    if len(sizes) == 0:
        raise ValueError(f"`{name}` must contain at least one group.")
    checked = []
    for position, size in enumerate(sizes):
        if isinstance(size, bool) or not isinstance(size, Integral):
            raise TypeError(
                f"`{name}[{position}]` must be an integer, got {type(size).__name__}."
            )
        if size < 1:
            raise ValueError(
                f"`{name}[{position}]` is {size}: every group needs at least one member."
            )
        checked.append(int(size))
    return checked
