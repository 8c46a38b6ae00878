r"""Multiple imputation by chained equations (MICE) through statsmodels.

:func:`mice_impute` is a thin, reproducible wrapper around
:class:`statsmodels.imputation.mice.MICEData`. Each incomplete column is
imputed in turn from a linear regression on all other columns (van Buuren
and Groothuis-Oudshoorn 2011; van Buuren 2018, chapter 4):

1. fit the least-squares regression of the column on the others, in the
   rows where it is observed, and draw its coefficients: with
   ``perturbation="gaussian"`` from their Bayesian posterior under a flat
   prior (:math:`\sigma_*^2 = \text{RSS}/g`, :math:`g \sim \chi^2_{n-p}`,
   :math:`\beta_* \sim N(\hat\beta, \sigma_*^2 (X'X)^{-1})`), or with
   ``perturbation="boot"`` by refitting on a bootstrap sample;
2. predict the missing rows with the drawn :math:`\beta_*` and the observed
   rows with :math:`\hat\beta`, and, for each missing cell, pick at random
   one of the ``donors`` observed rows whose prediction is closest, and copy
   its *observed* value (predictive mean matching, PMM, with "type-1
   matching" as in R's mice; van Buuren 2018, section 3.4).

A sweep over all incomplete columns is one iteration; after ``n_iter``
iterations the chain's current state is one completed data set. As in R's
mice, each of the ``m`` data sets comes from its own independent chain.

statsmodels' own ``MICEData`` (``matching="type2"``) predicts the observed
rows with :math:`\beta_*` too and does not draw :math:`\sigma`. With a
single predictor the donor ranking then does not depend on the draw at all,
the imputations ignore the uncertainty about the imputation model, and
Rubin's rules give too small a variance; the default here is type-1
matching. PMM can only impute values that were observed: when the missing
values sit in a tail where few values are observed (strong MAR), the donors
are too central and estimates are pulled toward the observed data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from companion._validation import (
    SeedLike,
    check_count,
    check_frame,
    check_numeric_columns,
    check_rng,
)

__all__ = [
    "mice_impute",
]


def _check_frame(df: object) -> pd.DataFrame:
    check_frame(df, "df")
    if df.shape[1] < 2:
        raise ValueError(f"`df` needs at least 2 columns to impute from, got {df.shape[1]}.")
    if df.shape[0] < 2:
        raise ValueError(f"`df` needs at least 2 rows, got {df.shape[0]}.")
    check_numeric_columns(df, df.columns, "df")
    values = df.to_numpy(dtype=float, na_value=np.nan)
    if np.isinf(values).any():
        raise ValueError("`df` contains infinite values.")
    n_missing = np.isnan(values).sum(axis=0)
    empty = [str(c) for c, n in zip(df.columns, n_missing, strict=True) if n == len(df)]
    if empty:
        raise ValueError(
            f"`df` has column(s) with no observed value: {', '.join(empty)}; "
            "there is nothing to impute them from. Remove them."
        )
    constant = [
        str(c)
        for c, column in zip(df.columns, values.T, strict=True)
        if np.isfinite(column).sum() > 1 and np.nanmax(column) == np.nanmin(column)
    ]
    if constant:
        raise ValueError(
            f"`df` has constant column(s): {', '.join(constant)}; they carry no information "
            "for the imputation models (and make them singular). Remove them first."
        )
    all_missing = int(np.isnan(values).all(axis=1).sum())
    if all_missing:
        raise ValueError(
            f"`df` has {all_missing} row(s) in which every column is missing; "
            "remove them first (e.g. df.dropna(how='all')) and report it."
        )
    return df


def _mice_data_class(matching: str) -> type:
    """``MICEData``, or a subclass with mice's type-1 matching and Bayesian draws."""
    from statsmodels.imputation.mice import MICEData

    if matching == "type2":
        return MICEData

    class _Type1MICEData(MICEData):
        """PMM as in R's mice (van Buuren 2018, sections 3.2 and 3.4).

        Two changes to statsmodels 0.15: (1) ``perturbation="gaussian"`` draws
        sigma as well, sigma*^2 = RSS / g with g ~ chi^2(n_obs - p), then
        beta* ~ N(beta_hat, sigma*^2 (X'X)^-1) (Rubin 1987, p. 167); (2) the
        missing rows' predictions use beta* but the observed rows' use the
        least-squares beta_hat ("type-1 matching"). statsmodels predicts both
        with beta*, which with a single predictor leaves the donor ranking
        unchanged by the draw, so parameter uncertainty never reaches the
        imputations and Rubin's variance comes out too small.
        """

        def _perturb_gaussian(self, vname):
            endog, exog, init_kwds, fit_kwds = self.get_fitting_data(vname)
            model = self.model_class[vname](endog, exog, **init_kwds)
            results = model.fit(**fit_kwds)
            self.models[vname], self.results[vname] = model, results
            dof = float(results.df_resid)
            scale = dof / self.rng.chisquare(dof) if dof > 0 else 1.0
            cov = np.asarray(results.cov_params()) * scale
            self.params[vname] = self.rng.multivariate_normal(
                mean=np.asarray(results.params), cov=cov, method="cholesky"
            )
            self._ml_params = getattr(self, "_ml_params", {})
            self._ml_params[vname] = np.asarray(results.params)

        def _perturb_bootstrap(self, vname):
            super()._perturb_bootstrap(vname)
            endog, exog, init_kwds, fit_kwds = self.get_fitting_data(vname)
            fitted = self.model_class[vname](endog, exog, **init_kwds).fit(**fit_kwds)
            self._ml_params = getattr(self, "_ml_params", {})
            self._ml_params[vname] = np.asarray(fitted.params)

        def impute_pmm(self, vname):
            endog_obs, exog_obs, exog_miss, _, _ = self.get_split_data(vname)
            if len(exog_miss) == 0:
                return
            endog_obs = np.asarray(endog_obs).reshape(-1)
            predicted_obs = np.asarray(exog_obs) @ self._ml_params[vname]
            predicted_miss = np.asarray(exog_miss) @ np.asarray(self.params[vname])
            k = min(self.k_pmm, len(endog_obs))
            # The k nearest observed rows of every missing row; the random order of
            # the candidates breaks ties (e.g. with a discrete predictor) at random.
            order = self.rng.permutation(len(endog_obs))
            distance = np.abs(predicted_miss[:, None] - predicted_obs[order][None, :])
            nearest = order[np.argpartition(distance, k - 1, axis=1)[:, :k]]
            pick = nearest[np.arange(len(predicted_miss)), self.rng.integers(0, k, len(nearest))]
            self._store_changes(vname, endog_obs[pick])

    return _Type1MICEData


def mice_impute(
    df: pd.DataFrame,
    m: int = 5,
    *,
    n_iter: int = 10,
    seed: SeedLike = None,
    donors: int = 5,
    perturbation: str = "gaussian",
    matching: str = "type1",
) -> list[pd.DataFrame]:
    """Impute ``m`` completed data sets by chained equations with PMM.

    Parameters
    ----------
    df : pandas.DataFrame
        Numeric columns with NaN for missing values (at least two columns;
        each column needs an observed value, each row an observed value).
        Not modified.
    m : int, default 5
        Number of completed data sets (>= 1), each from its own chain.
    n_iter : int, default 10
        Iterations (sweeps over the incomplete columns) per chain (>= 1).
    seed : int or numpy.random.Generator or None
        Seed of the imputations. The same seed gives the same data sets;
        NumPy's global random state is neither used nor changed.
    donors : int, default 5
        Number of nearest observed rows among which PMM draws a donor (mice's
        default is 5; statsmodels' default of 20 is too many for small data).
    perturbation : str, one of "gaussian", "boot", default "gaussian"
        How the imputation model's coefficients are drawn: from their
        posterior (normal given a drawn sigma), or by refitting on a
        bootstrap sample.
    matching : str, one of "type1", "type2", default "type1"
        ``"type1"``: observed rows are predicted with the least-squares fit,
        missing rows with the drawn coefficients (R's mice). ``"type2"``:
        statsmodels' ``MICEData`` unchanged (both with the drawn
        coefficients, no sigma draw), which understates the between-imputation
        variance; for comparison only.

    Returns
    -------
    list of pandas.DataFrame
        ``m`` copies of ``df`` (same index and columns) whose NaN are
        filled; observed cells are untouched. Incomplete columns become
        float. Every imputed value is a value observed in the same column.

    Notes
    -----
    Columns are imputed in order of increasing number of missing values, each
    from a main-effects linear regression on all other columns
    (``MICEData`` defaults). Chains start from statsmodels' initial
    imputation (every NaN set to the observed value closest to the column
    mean) and diverge through their random draws; ``n_iter`` should be large
    enough for them to forget that start (10 is usually plenty, van Buuren
    2018, section 6.5.2).

    Examples
    --------
    >>> from companion import mice_impute, nhanes
    >>> data = nhanes()
    >>> sets = mice_impute(data, m=3, seed=1)
    >>> len(sets), int(sets[0].isna().sum().sum())
    (3, 0)
    >>> bool(sets[0]["bmi"].isin(data["bmi"].dropna()).all())  # donors' values
    True
    """
    df = _check_frame(df)
    m = check_count(m, "m", 1, maximum=10_000)
    n_iter = check_count(n_iter, "n_iter", 1, maximum=100_000)
    donors = check_count(donors, "donors", 1)
    if matching not in ("type1", "type2"):
        raise ValueError(f"`matching` must be 'type1' or 'type2', got {matching!r}.")
    if perturbation not in ("gaussian", "boot"):
        raise ValueError(f"`perturbation` must be 'gaussian' or 'boot', got {perturbation!r}.")
    rng = check_rng(seed)

    # Work on a copy with safe, string column names (formulas) and a 0..n-1 index.
    names = {column: f"v{j}" for j, column in enumerate(df.columns)}
    work = pd.DataFrame(df.to_numpy(dtype=float, na_value=np.nan), columns=list(names.values()))
    incomplete = [c for c in df.columns if df[c].isna().any()]
    if not incomplete:
        return [df.copy() for _ in range(m)]

    mice_data = _mice_data_class(matching)
    chains = rng.spawn(m)
    completed = []
    state = np.random.get_state()
    try:
        # MICEData draws from its own Generator (`rng`); saving and restoring
        # the global state guarantees that no code path leaks into it.
        for chain in chains:
            imputer = mice_data(work, perturbation_method=perturbation, k_pmm=donors, rng=chain)
            imputer.update_all(n_iter)
            filled = imputer.data
            result = df.copy()
            for column in incomplete:
                result[column] = filled[names[column]].to_numpy(dtype=float)
            completed.append(result)
    finally:
        np.random.set_state(state)
    return completed
