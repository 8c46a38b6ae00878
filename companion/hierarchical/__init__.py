"""Hierarchical models: PyMC models, priors, exact posteriors, shrinkage and group summaries."""

from __future__ import annotations

from companion.hierarchical.coefficients import group_coefficients
from companion.hierarchical.counts import (
    POSITIVE_PRIORS,
    BetaBinomialPosterior,
    GammaPoissonPosterior,
    beta_binomial_posterior,
    gamma_poisson_posterior,
)
from companion.hierarchical.covariate import (
    ampute_groups,
    group_covariate,
    group_summaries,
    hierarchical_covariate_model,
)
from companion.hierarchical.exact import (
    NormalNormalPosterior,
    normal_normal_posterior,
)
from companion.hierarchical.models import (
    LIKELIHOODS,
    GroupedData,
    complete_pooling_model,
    grouped_data,
    hierarchical_model,
    is_marginal,
    no_pooling_model,
    recover_group_means,
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
    group_estimates,
    group_ranks,
    group_summary,
    posterior_shrinkage,
    rank_summary,
)

__all__ = [
    "AUTO_WIDTH",
    "BetaBinomialPosterior",
    "GammaPoissonPosterior",
    "POSITIVE_PRIORS",
    "beta_binomial_posterior",
    "gamma_poisson_posterior",
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
    "complete_pooling_model",
    "group_estimates",
    "posterior_shrinkage",
    "rank_summary",
    "recover_group_means",
    "scale_prior",
    "group_coefficients",
    "group_covariate",
    "group_summary",
    "group_ranks",
    "group_summaries",
    "shrinkage_factors",
    "no_pooling_model",
]
