"""Hierarchical models: PyMC models, priors, exact posteriors, shrinkage and group summaries."""

from __future__ import annotations

from companion.hierarchical.covariate import (
    ampute_groups,
    hierarchical_covariate_model,
    school_covariate,
    school_summaries,
)
from companion.hierarchical.exact import (
    NormalNormalPosterior,
    normal_normal_posterior,
)
from companion.hierarchical.models import (
    LIKELIHOODS,
    GroupedData,
    grouped_data,
    hierarchical_model,
    is_marginal,
    pooled_model,
    recover_group_means,
    unpooled_model,
)
from companion.hierarchical.priors import (
    AUTO_WIDTH,
    SCALE_FAMILIES,
    LocationPrior,
    ScalePrior,
    auto_priors,
    location_prior,
    pymc_distribution,
    scale_prior,
)
from companion.hierarchical.shrinkage import (
    james_stein,
    shrinkage_factors,
)
from companion.hierarchical.summaries import (
    METHODS,
    pooling_estimates,
    posterior_shrinkage,
    rank_summary,
    school_estimates,
    school_ranks,
)

__all__ = [
    "AUTO_WIDTH",
    "GroupedData",
    "LIKELIHOODS",
    "LocationPrior",
    "METHODS",
    "NormalNormalPosterior",
    "SCALE_FAMILIES",
    "ScalePrior",
    "ampute_groups",
    "auto_priors",
    "pymc_distribution",
    "grouped_data",
    "hierarchical_covariate_model",
    "hierarchical_model",
    "is_marginal",
    "james_stein",
    "location_prior",
    "normal_normal_posterior",
    "pooled_model",
    "pooling_estimates",
    "posterior_shrinkage",
    "rank_summary",
    "recover_group_means",
    "scale_prior",
    "school_covariate",
    "school_estimates",
    "school_ranks",
    "school_summaries",
    "shrinkage_factors",
    "unpooled_model",
]
