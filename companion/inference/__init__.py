"""Inference and checking: sampling, sampler diagnostics, predictive checks, LOO and SBC."""

from __future__ import annotations

from companion.inference.checking import (
    K_THRESHOLD,
    STATISTICS,
    compare_loo,
    group_statistic_draws,
    group_test_statistics,
    pareto_k,
    predict_new_group,
    predict_new_unit,
)
from companion.inference.diagnostics import (
    DIAGNOSTIC_COLUMNS,
    ConvergenceError,
    ConvergenceWarning,
    check_convergence,
    compile_model,
    sample_compiled,
    sampler_diagnostics,
)
from companion.inference.sampling import (
    NUTS_SAMPLERS,
    sample,
    sample_prior_predictive,
)
from companion.inference.sbc import (
    DEFAULT_VARS,
    binned_ranks,
    rank_uniformity_test,
    sbc_ranks,
    simulation_based_calibration,
)

__all__ = [
    "ConvergenceError",
    "ConvergenceWarning",
    "DEFAULT_VARS",
    "DIAGNOSTIC_COLUMNS",
    "K_THRESHOLD",
    "NUTS_SAMPLERS",
    "STATISTICS",
    "binned_ranks",
    "check_convergence",
    "compare_loo",
    "compile_model",
    "group_statistic_draws",
    "group_test_statistics",
    "pareto_k",
    "predict_new_group",
    "predict_new_unit",
    "rank_uniformity_test",
    "sample",
    "sample_compiled",
    "sample_prior_predictive",
    "sampler_diagnostics",
    "sbc_ranks",
    "simulation_based_calibration",
]
