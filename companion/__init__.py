"""Companion package to the book *Bayesian Hierarchical Models and Missing Data*.

Public functions are importable from the top level, for example
``from companion import simulate_schools``. Submodules are imported only when
one of their names is first used, so ``import companion`` stays fast and does
not load PyMC.
"""

from __future__ import annotations

from importlib import import_module

__version__ = "0.1.0"

# Public name -> submodule that defines it.
_EXPORTS: dict[str, str] = {
    "drop_empty_rows": "patterns",
    "mean_impute": "imputation",
    "prior_scales": "imputation",
    "ampute_groups": "hierarchical_missing",
    "hierarchical_covariate_model": "hierarchical_missing",
    "posterior_shrinkage": "hierarchical_missing",
    "rank_summary": "hierarchical_missing",
    "school_covariate": "hierarchical_missing",
    "school_estimates": "hierarchical_missing",
    "school_ranks": "hierarchical_missing",
    "school_summaries": "hierarchical_missing",
    "simulate_schools_with_covariate": "hierarchical_missing",
    "plot_rank_probabilities": "plots",
    "plot_school_estimates": "plots",
    "delta_adjust": "mnar",
    "find_tipping_point": "mnar",
    "selection_model": "mnar",
    "tipping_point": "mnar",
    "plot_tipping_point": "plots",
    "PooledEstimate": "rubin",
    "fit_ols": "rubin",
    "pool": "rubin",
    "pool_estimates": "rubin",
    "imputations_needed": "rubin",
    "plot_coefficient_intervals": "plots",
    "rubin_pool": "rubin",
    "mice_impute": "mice",
    "completed_datasets": "imputation",
    "regression_imputation_model": "imputation",
    "ampute": "amputation",
    "ampute_probabilities": "amputation",
    "DropReport": "patterns",
    "complete_case": "patterns",
    "missing_pattern": "patterns",
    "plot_missing_pattern": "plots",
    "eight_schools": "datasets",
    "efron_morris": "datasets",
    "nhanes": "datasets",
    "simulate_regression": "datasets",
    "simulate_schools": "datasets",
    "compile_model": "diagnostics",
    "sample_compiled": "diagnostics",
    "sampler_diagnostics": "diagnostics",
    "normal_normal_posterior": "exact",
    "NormalNormalPosterior": "exact",
    "grouped_data": "models",
    "hierarchical_model": "models",
    "recover_group_means": "models",
    "is_marginal": "models",
    "pooled_model": "models",
    "unpooled_model": "models",
    "sample": "sampling",
    "sample_prior_predictive": "sampling",
    "james_stein": "shrinkage",
    "plot_exact_posterior": "plots",
    "plot_school_data": "plots",
    "pooling_estimates": "pooling",
    "shrinkage_factors": "shrinkage",
    "compare_loo": "checking",
    "group_statistic_draws": "checking",
    "group_test_statistics": "checking",
    "pareto_k": "checking",
    "predict_new_group": "checking",
    "predict_new_unit": "checking",
    "binned_ranks": "sbc",
    "rank_uniformity_test": "sbc",
    "sbc_ranks": "sbc",
    "simulation_based_calibration": "sbc",
    "plot_group_ppc": "plots",
    "plot_loo_comparison": "plots",
    "plot_new_group_prediction": "plots",
    "plot_pareto_k": "plots",
    "plot_prior_predictive": "plots",
    "plot_sbc_ranks": "plots",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    try:
        module = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'companion' has no attribute {name!r}") from None
    value = getattr(import_module(f"companion.{module}"), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
