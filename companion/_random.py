"""Seeds: what ``seed=None`` means when sampling, and the conversion of seeds for the samplers."""

from __future__ import annotations

from companion._validation import (
    SeedLike,
    check_rng,
)

#: Seed used when none is given, so that a chapter rendered twice matches.
DEFAULT_SEED = 2026


def sampler_seed(seed: SeedLike) -> int:
    """One reproducible int seed for PyMC or nutpie from a seed or Generator."""
    rng = check_rng(DEFAULT_SEED if seed is None else seed)
    return int(rng.integers(2**31))
