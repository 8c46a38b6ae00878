"""Data sets: shipped with the package (no download) and simulated with a known truth."""

from __future__ import annotations

from companion.datasets.shipped import (
    airquality,
    efron_morris,
    eight_schools,
    nhanes,
    pumps,
    radon,
    rats,
)
from companion.datasets.simulate import (
    COVARIATE_SCHOOL_SIZES,
    SCHOOL_SIZES,
    simulate_regression,
    simulate_schools,
    simulate_schools_with_covariate,
)

__all__ = [
    "COVARIATE_SCHOOL_SIZES",
    "SCHOOL_SIZES",
    "airquality",
    "efron_morris",
    "eight_schools",
    "nhanes",
    "pumps",
    "radon",
    "rats",
    "simulate_regression",
    "simulate_schools",
    "simulate_schools_with_covariate",
]
