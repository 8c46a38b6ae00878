"""Reusable plots: computed results in, a matplotlib figure out."""

from __future__ import annotations

from companion.plots.checking import (
    plot_group_ppc,
    plot_new_group_prediction,
    plot_prior_predictive,
)
from companion.plots.hierarchical import (
    plot_exact_posterior,
    plot_group_data,
    plot_rank_probabilities,
)
from companion.plots.missing import (
    plot_coefficient_intervals,
    plot_imputation_chains,
    plot_imputed_density,
    plot_imputed_strip,
    plot_missing_pattern,
    plot_tipping_point,
)
from companion.plots.style import (
    MISSING_COLOR,
    OBSERVED_COLOR,
    POOLING_COLORS,
    SCENARIO_COLORS,
    short_label,
)

__all__ = [
    "MISSING_COLOR",
    "OBSERVED_COLOR",
    "POOLING_COLORS",
    "SCENARIO_COLORS",
    "plot_coefficient_intervals",
    "plot_exact_posterior",
    "plot_group_ppc",
    "plot_imputation_chains",
    "plot_imputed_density",
    "plot_imputed_strip",
    "plot_missing_pattern",
    "plot_new_group_prediction",
    "plot_prior_predictive",
    "plot_rank_probabilities",
    "plot_group_data",
    "plot_tipping_point",
    "short_label",
]
