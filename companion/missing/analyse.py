"""Analyse each completed data set: the step between imputation and pooling (mice's ``with``)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from companion._validation import check_datasets

__all__ = [
    "fit_ols",
]


def fit_ols(datasets: Sequence[pd.DataFrame], formula: str) -> list[object]:
    """Fit the same OLS regression (statsmodels formula) to each completed data set.

    Parameters
    ----------
    datasets : sequence of pandas.DataFrame
        Completed data sets, e.g. from :func:`companion.mice_impute` or
        :func:`companion.completed_datasets`. The variables in ``formula``
        must have no missing values (rows are never dropped silently).
    formula : str
        A statsmodels/patsy formula such as ``"chl ~ age + bmi"``.

    Returns
    -------
    list of statsmodels RegressionResults
        One fit per data set, ready for :func:`pool`.

    Examples
    --------
    >>> import pandas as pd
    >>> from companion import fit_ols
    >>> data = pd.DataFrame({"x": [0.0, 1.0, 2.0, 3.0], "y": [1.0, 3.0, 5.0, 7.0]})
    >>> [round(float(b), 6) for b in fit_ols([data], "y ~ x")[0].params]
    [1.0, 2.0]
    """
    if not isinstance(formula, str) or "~" not in formula:
        raise ValueError(f"`formula` must be a string like 'y ~ x', got {formula!r}.")
    datasets = check_datasets(datasets)
    import statsmodels.formula.api as smf
    from statsmodels.tools.sm_exceptions import MissingDataError

    try:
        from patsy import PatsyError
    except ImportError:  # pragma: no cover - statsmodels can use formulaic instead
        PatsyError = MissingDataError  # noqa: N806

    fits = []
    for position, data in enumerate(datasets):
        try:
            fits.append(smf.ols(formula, data, missing="raise").fit())
        except (MissingDataError, PatsyError) as error:
            if "missing" not in str(error).lower():
                raise
            raise ValueError(
                f"`datasets[{position}]` has missing values in the variables of `formula`; "
                "impute them first (or use companion.complete_case and report the drop)."
            ) from None
        if fits[-1].df_resid < 1:
            raise ValueError(
                f"`datasets[{position}]` has {len(data)} rows for the "
                f"{len(fits[-1].params)} coefficients of `formula`: no residual degrees of "
                "freedom, so no standard errors to pool."
            )
    return fits
