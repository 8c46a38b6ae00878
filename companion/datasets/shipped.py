"""Data sets shipped inside the package (no download at run time), with their sources."""

from __future__ import annotations

from importlib import resources

import pandas as pd

__all__ = [
    "efron_morris",
    "eight_schools",
    "nhanes",
]


def _read_csv(name: str, **kwargs) -> pd.DataFrame:
    with resources.files("companion.datasets.data").joinpath(name).open("r", encoding="utf-8") as f:
        return pd.read_csv(f, **kwargs)


def eight_schools() -> pd.DataFrame:
    """Effects of coaching programmes on SAT-V scores in eight schools.

    Each school ran a randomised experiment; ``y`` is the estimated treatment
    effect (points on the SAT-V scale) and ``sigma`` its standard error, which
    is treated as known. Source: Rubin (1981); analysed in Gelman et al.
    (2013), Section 5.5.

    Returns
    -------
    pandas.DataFrame
        Eight rows, columns ``school`` (``"A"`` to ``"H"``), ``y`` and
        ``sigma`` (both float).

    Examples
    --------
    >>> from companion import eight_schools
    >>> eight_schools().iloc[0].to_dict()
    {'school': 'A', 'y': 28.0, 'sigma': 15.0}
    """
    return _read_csv("eight_schools.csv", dtype={"school": str, "y": float, "sigma": float})


def efron_morris() -> pd.DataFrame:
    """Batting records of 18 major-league players in 1970 (Efron and Morris 1975).

    ``hits`` counts hits in each player's first 45 at-bats of the season;
    ``rest_average`` is his batting average over the remaining
    ``rest_at_bats`` at-bats, the quantity the early average tries to predict.
    Source: Efron and Morris (1975).

    Returns
    -------
    pandas.DataFrame
        18 rows, columns ``player`` (str), ``hits``, ``at_bats`` and
        ``rest_at_bats`` (int) and ``rest_average`` (float).

    Examples
    --------
    >>> from companion import efron_morris
    >>> int(efron_morris().set_index("player").loc["Clemente", "hits"])
    18
    """
    return _read_csv(
        "efron_morris.csv",
        dtype={
            "player": str,
            "hits": "int64",
            "at_bats": "int64",
            "rest_average": float,
            "rest_at_bats": "int64",
        },
    )


def nhanes() -> pd.DataFrame:
    """Load the 25-row NHANES extract of Schafer (1997), with missing values.

    The same data that R's mice package ships as ``nhanes`` (van Buuren and
    Groothuis-Oudshoorn 2011). Source: Schafer (1997), Table 6.14.

    Returns
    -------
    pandas.DataFrame
        25 rows and columns ``age`` (int: 1 = 20-39, 2 = 40-59,
        3 = 60-99 years), ``bmi`` (body mass index, kg/m²), ``hyp``
        (hypertensive: 1 = no, 2 = yes) and ``chl`` (total serum
        cholesterol, mg/dL); the last three are float with NaN where
        missing.

    Examples
    --------
    >>> from companion import nhanes
    >>> nhanes().isna().sum().tolist()
    [0, 9, 8, 10]
    """
    return _read_csv("nhanes.csv", dtype={"age": "int64", "bmi": float, "hyp": float, "chl": float})
