"""Missing data, in mice's order: ampute, pattern, impute, analyse, pool, and MNAR sensitivity."""

from __future__ import annotations

from companion.missing.amputation import (
    MECHANISMS,
    ampute,
    ampute_probabilities,
)
from companion.missing.analyse import (
    fit_ols,
)
from companion.missing.bayesian import (
    REGRESSION_PARAMETERS,
    completed_datasets,
    mean_impute,
    prior_scales,
    regression_imputation_model,
    regression_priors,
)
from companion.missing.chained import (
    IMPUTATION_METHODS,
    mice,
    mice_impute,
)
from companion.missing.compare import (
    COMPARE_METHODS,
    PooledTest,
    d1,
    d2,
    d3,
    pool_compare,
)
from companion.missing.mcar import (
    MCARTest,
    mcar_test,
)
from companion.missing.mids import (
    Mids,
)
from companion.missing.mnar import (
    SELECTION_PARAMETERS,
    delta_adjust,
    find_tipping_point,
    selection_model,
    tipping_point,
)
from companion.missing.patterns import (
    DropReport,
    complete_case,
    drop_empty_rows,
    missing_pattern,
)
from companion.missing.pool import (
    DF_METHODS,
    PooledEstimate,
    PooledRSquared,
    barnard_rubin_df,
    imputations_needed,
    pool,
    pool_estimates,
    pool_r_squared,
    rubin_pool,
)

__all__ = [
    "COMPARE_METHODS",
    "DF_METHODS",
    "DropReport",
    "IMPUTATION_METHODS",
    "MCARTest",
    "MECHANISMS",
    "Mids",
    "PooledEstimate",
    "PooledTest",
    "PooledRSquared",
    "REGRESSION_PARAMETERS",
    "SELECTION_PARAMETERS",
    "ampute",
    "ampute_probabilities",
    "barnard_rubin_df",
    "complete_case",
    "completed_datasets",
    "d1",
    "d2",
    "d3",
    "delta_adjust",
    "drop_empty_rows",
    "find_tipping_point",
    "fit_ols",
    "imputations_needed",
    "mcar_test",
    "mean_impute",
    "mice",
    "mice_impute",
    "missing_pattern",
    "pool",
    "pool_compare",
    "pool_estimates",
    "pool_r_squared",
    "prior_scales",
    "regression_priors",
    "regression_imputation_model",
    "rubin_pool",
    "selection_model",
    "tipping_point",
]
