"""Seeds: what ``seed=None`` means when sampling, and the conversion of seeds for the samplers."""

from __future__ import annotations

from companion._validation import (
    SeedLike,
    check_rng,
)

#: Default seed of the samplers (``sample``, ``sample_prior_predictive``): the
#: same call gives the same draws unless a seed is passed.
DEFAULT_SEED = 2026


def sampler_seed(seed: SeedLike) -> int:
    """One int seed for PyMC or nutpie from a seed, a Generator or ``None``.

    ``None`` means fresh randomness, as everywhere in the package: a new
    seed from the operating system's entropy on every call.
    """
    return int(check_rng(seed).integers(2**31))
