"""Data sets shipped inside the package (no download at run time), with their sources."""

from __future__ import annotations

from importlib import resources

import pandas as pd

__all__ = [
    "airquality",
    "efron_morris",
    "eight_schools",
    "nhanes",
    "pumps",
    "radon",
    "rats",
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


def radon() -> pd.DataFrame:
    """Load the Minnesota radon survey of Gelman and Hill (2007): 919 homes in 85 counties.

    Radon is a radioactive gas that enters homes from the ground; the US
    Environmental Protection Agency measured it in a random sample of homes in
    each state in 1987-88. This is the Minnesota part that Gelman and Hill
    (2007, chapters 12-13) analyse with multilevel models, after Price, Nero
    and Gelman (1996). Counties hold from 1 to 116 homes, so complete, no and
    partial pooling give visibly different answers.

    Provenance: the EPA survey data are a work of the US government (public
    domain). The shipped file is derived, by ``data-raw/radon.py`` in the
    book's repository (which checks the checksums), from the copy inside the
    ``arviz`` 0.23.4 wheel on PyPI (Apache-2.0),
    ``arviz/data/example_data/code/radon/radon.json``; only the county names
    were changed, from upper to title case.

    Returns
    -------
    pandas.DataFrame
        919 rows, one per home, columns ``county`` (str, 85 counties),
        ``floor`` (int: 0 = measured in the basement, 1 = on the first
        floor), ``log_radon`` (float: natural log of the radon level in
        picocuries per litre) and ``log_uranium`` (float: natural log of
        the county's soil uranium level in parts per million, one value per
        county, repeated on each of its homes).

    Examples
    --------
    >>> from companion.datasets import radon
    >>> data = radon()
    >>> data.shape, data["county"].nunique()
    ((919, 4), 85)
    >>> int(data["county"].value_counts()["Lac Qui Parle"])
    2
    """
    return _read_csv(
        "radon.csv",
        dtype={"county": str, "floor": "int64", "log_radon": float, "log_uranium": float},
    )


def rats() -> pd.DataFrame:
    """Load the rat tumour experiments of Tarone (1982): 71 groups of laboratory rats.

    Each row is an experiment on a control group of female F344 rats, with the
    number that developed an endometrial stromal polyp. The first 70 are
    historical controls; the last (``current=True``, 4 of 14) is the current
    experiment whose tumour probability the historical ones help to estimate.
    Bayesian Data Analysis (Gelman et al. 2013, Section 5.3 and Table 5.1)
    fits the hierarchical beta-binomial model to them. The values are those of
    that table (the book's data file ``rats.asc``), checked against Aki
    Vehtari's BDA demos.

    Returns
    -------
    pandas.DataFrame
        71 rows, columns ``experiment`` (int, 1 to 71), ``tumours`` and
        ``rats`` (int: rats with a tumour, rats in the group) and
        ``current`` (bool).

    Examples
    --------
    >>> from companion.datasets import rats
    >>> data = rats()
    >>> data[["tumours", "rats"]].sum().tolist()
    [267, 1739]
    >>> data.loc[data["current"], ["tumours", "rats"]].to_numpy().tolist()
    [[4, 14]]
    """
    return _read_csv(
        "rats.csv",
        dtype={"experiment": "int64", "tumours": "int64", "rats": "int64", "current": bool},
    )


def pumps() -> pd.DataFrame:
    """Load the failures of ten power-plant pumps (Gaver and O'Muircheartaigh 1987).

    Counts of failures of ten pumps at a US nuclear power plant, each observed
    for a different length of time: the classic example of a hierarchical
    Poisson (gamma-Poisson) model, used by Gelfand and Smith (1990) and the
    BUGS manual's "Pumps" example. Source: Gaver and O'Muircheartaigh (1987).

    Returns
    -------
    pandas.DataFrame
        10 rows, columns ``pump`` (int, 1 to 10), ``failures`` (int) and
        ``thousand_hours`` (float: operating time in thousands of hours).

    Examples
    --------
    >>> from companion.datasets import pumps
    >>> pumps()["failures"].tolist()
    [5, 1, 5, 14, 3, 19, 1, 1, 4, 22]
    """
    return _read_csv(
        "pumps.csv", dtype={"pump": "int64", "failures": "int64", "thousand_hours": float}
    )


def airquality() -> pd.DataFrame:
    """Load daily air quality in New York, May to September 1973, with missing values.

    The data set that R ships as ``datasets::airquality``: ozone from the New
    York State Department of Conservation and solar radiation, wind and
    temperature from the National Weather Service, as published by Chambers
    et al. (1983). Ozone is missing on 37 of the 153 days and solar radiation
    on 7 (2 days miss both): real missing values, unlike amputed ones.
    Derived from R's copy by ``data-raw/airquality.py`` in the book's
    repository (only the column names changed).

    Returns
    -------
    pandas.DataFrame
        153 rows, one per day, columns ``ozone`` (mean ozone from 13:00 to
        15:00 at Roosevelt Island, parts per billion), ``solar_r`` (solar
        radiation from 08:00 to 12:00 at Central Park, langleys), both float
        with NaN where missing; ``wind`` (average wind speed at LaGuardia
        Airport from 07:00 to 10:00, miles per hour, float); ``temp`` (daily
        maximum temperature at LaGuardia, degrees Fahrenheit), ``month``
        (5 to 9) and ``day`` (1 to 31), all int.

    Examples
    --------
    >>> from companion.datasets import airquality
    >>> data = airquality()
    >>> data.shape, data.isna().sum().to_dict()["ozone"]
    ((153, 6), 37)
    """
    return _read_csv(
        "airquality.csv",
        dtype={
            "ozone": float,
            "solar_r": float,
            "wind": float,
            "temp": "int64",
            "month": "int64",
            "day": "int64",
        },
    )
