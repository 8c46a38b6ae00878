"""The shipped data sets and the school simulator."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from companion import efron_morris, eight_schools, nhanes, simulate_schools
from companion.datasets import SCHOOL_SIZES

# Values as published: Rubin (1981); Efron and Morris (1975); Schafer (1997).
EIGHT_Y = [28, 8, -3, 7, -1, 1, 18, 12]
EIGHT_SIGMA = [15, 10, 16, 11, 9, 11, 10, 18]
EFRON_MORRIS = {  # player: (hits in 45 at-bats, rest_at_bats, rest_average)
    "Clemente": (18, 367, 0.346),
    "F. Robinson": (17, 426, 0.298),
    "F. Howard": (16, 521, 0.276),
    "Johnstone": (15, 275, 0.222),
    "Berry": (14, 418, 0.273),
    "Spencer": (14, 466, 0.270),
    "Kessinger": (13, 586, 0.263),
    "L. Alvarado": (12, 138, 0.210),
    "Santo": (11, 510, 0.269),
    "Swoboda": (11, 200, 0.230),
    "Unser": (10, 277, 0.264),
    "Williams": (10, 270, 0.256),
    "Scott": (10, 435, 0.303),
    "Petrocelli": (10, 538, 0.264),
    "E. Rodriguez": (10, 186, 0.226),
    "Campaneris": (9, 558, 0.285),
    "Munson": (8, 408, 0.316),
    "Alvis": (7, 70, 0.200),
}
NA = np.nan
NHANES = {
    "age": [1, 2, 1, 3, 1, 3, 1, 1, 2, 2, 1, 2, 3, 2, 1, 1, 3, 2, 1, 3, 1, 1, 1, 3, 2],
    "bmi": [
        NA,
        22.7,
        NA,
        NA,
        20.4,
        NA,
        22.5,
        30.1,
        22.0,
        NA,
        NA,
        NA,
        21.7,
        28.7,
        29.6,
        NA,
        27.2,
        26.3,
        35.3,
        25.5,
        NA,
        33.2,
        27.5,
        24.9,
        27.4,
    ],
    "hyp": [NA, 1, 1, NA, 1, NA, 1, 1, 1, NA, NA, NA, 1, 2, 1, NA, 2, 2, 1, 2, NA, 1, 1, 1, 1],
    "chl": [
        NA,
        187,
        187,
        NA,
        113,
        184,
        118,
        187,
        238,
        NA,
        NA,
        NA,
        206,
        204,
        NA,
        NA,
        284,
        199,
        218,
        NA,
        NA,
        229,
        131,
        NA,
        186,
    ],
}


def test_eight_schools_values_and_types():
    data = eight_schools()
    assert list(data.columns) == ["school", "y", "sigma"]
    assert data["school"].tolist() == list("ABCDEFGH")
    assert data["y"].tolist() == EIGHT_Y and data["sigma"].tolist() == EIGHT_SIGMA
    assert data["y"].dtype == float and data["sigma"].dtype == float


def test_efron_morris_values_and_types():
    data = efron_morris()
    assert list(data.columns) == ["player", "hits", "at_bats", "rest_average", "rest_at_bats"]
    assert len(data) == 18 and (data["at_bats"] == 45).all()
    assert data["hits"].dtype == np.int64 and data["rest_at_bats"].dtype == np.int64
    rows = {r.player: (r.hits, r.rest_at_bats, r.rest_average) for r in data.itertuples()}
    assert rows == EFRON_MORRIS


def test_nhanes_values_and_missingness():
    data = nhanes()
    assert data.shape == (25, 4) and list(data.columns) == ["age", "bmi", "hyp", "chl"]
    assert data["age"].dtype == np.int64
    pd.testing.assert_frame_equal(
        data, pd.DataFrame(NHANES).astype({"age": "int64", "hyp": float, "chl": float})
    )
    assert data.isna().sum().to_dict() == {"age": 0, "bmi": 9, "hyp": 8, "chl": 10}
    assert int(data.notna().all(axis=1).sum()) == 13


def test_loaders_return_independent_copies():
    first = nhanes()
    first.loc[0, "age"] = 99
    assert nhanes().loc[0, "age"] == 1


def test_simulate_schools_shape_and_types():
    data, truth = simulate_schools(seed=0, return_truth=True)
    assert list(data.columns) == ["school", "score"]
    assert isinstance(data["school"].dtype, pd.CategoricalDtype) and data["school"].cat.ordered
    assert data["score"].dtype == float
    sizes = data.groupby("school", observed=True).size()
    assert sizes.tolist() == list(SCHOOL_SIZES) == [12, 3, 30, 6, 45, 2, 20, 8]
    assert truth.index.tolist() == sizes.index.tolist() == [f"School {j}" for j in range(1, 9)]
    assert simulate_schools([3, 1], seed=0).groupby("school", observed=True).size().tolist() == [
        3,
        1,
    ]


def test_simulate_schools_is_reproducible():
    pd.testing.assert_frame_equal(simulate_schools(seed=5), simulate_schools(seed=5))
    assert not simulate_schools(seed=5).equals(simulate_schools(seed=6))
    from_generator = simulate_schools(seed=np.random.default_rng(5))
    pd.testing.assert_frame_equal(from_generator, simulate_schools(seed=5))


def test_simulate_schools_tau_zero_gives_equal_means():
    _, truth = simulate_schools(tau=0, mu=50, seed=1, return_truth=True)
    assert (truth == 50).all()


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"tau": -1}, ValueError, "`tau` must be non-negative"),
        ({"sigma": 0}, ValueError, "`sigma` must be positive"),
        ({"mu": float("nan")}, ValueError, "`mu` must be finite"),
        ({"n_per_school": []}, ValueError, "`n_per_school` must contain at least one"),
        ({"n_per_school": [4, 0]}, ValueError, r"`n_per_school\[1\]` is 0"),
        ({"n_per_school": [4, 2.5]}, TypeError, r"`n_per_school\[1\]` must be an integer"),
        ({"seed": "one"}, TypeError, "`seed` must be an int"),
        ({"seed": -3}, ValueError, "`seed` must be a non-negative"),
    ],
)
def test_simulate_schools_rejects_bad_input(kwargs, error, message):
    with pytest.raises(error, match=message):
        simulate_schools(**kwargs)


def test_simulate_schools_moments_match_parameters():
    """Over S data sets the sample moments estimate mu, tau and sigma.

    Tolerances are four Monte Carlo standard errors: for a mean of m normal
    draws the SE is sd / sqrt(m); for a variance it is var * sqrt(2 / (m - 1)).
    """
    mu, tau, sigma, n_sims = 75.0, 8.0, 12.0, 2000
    thetas, residuals, school2_means = [], [], []
    for seed in range(n_sims):
        data, truth = simulate_schools(seed=seed, return_truth=True)
        thetas.append(truth.to_numpy())
        residuals.append(data["score"].to_numpy() - truth[data["school"]].to_numpy())
        school2_means.append(data.loc[data["school"] == "School 2", "score"].mean())
    thetas, residuals = np.concatenate(thetas), np.concatenate(residuals)

    assert abs(thetas.mean() - mu) < 4 * tau / np.sqrt(thetas.size)
    assert abs(thetas.var(ddof=1) - tau**2) < 4 * tau**2 * np.sqrt(2 / (thetas.size - 1))
    assert abs(residuals.mean()) < 4 * sigma / np.sqrt(residuals.size)
    assert abs(residuals.var(ddof=1) - sigma**2) < 4 * sigma**2 * np.sqrt(2 / (residuals.size - 1))
    # A school's sample mean varies by tau^2 + sigma^2 / n_j across data sets.
    expected = tau**2 + sigma**2 / SCHOOL_SIZES[1]
    observed = np.var(school2_means, ddof=1)
    assert abs(observed - expected) < 4 * expected * np.sqrt(2 / (n_sims - 1))


# The radon file as data-raw/radon.py writes it from the arviz 0.23.4 wheel.
RADON_SHA256 = "6b82878c9cfdc04b4587b549d1ef518c50ad8e69b130329bcad956e6bb7a8bf5"


def test_radon_file_is_the_derived_one():
    import hashlib
    from importlib import resources

    blob = resources.files("companion.datasets.data").joinpath("radon.csv").read_bytes()
    assert hashlib.sha256(blob).hexdigest() == RADON_SHA256


def test_radon_shape_types_and_structure():
    from companion.datasets import radon

    data = radon()
    assert list(data.columns) == ["county", "floor", "log_radon", "log_uranium"]
    assert data.shape == (919, 4)
    assert data["floor"].dtype == np.int64 and set(data["floor"]) == {0, 1}
    assert data["log_radon"].dtype == np.float64 and data["log_uranium"].dtype == np.float64
    assert not data.isna().any().any()
    sizes = data["county"].value_counts()
    assert len(sizes) == 85 and sizes.min() == 1 and sizes.max() == 116
    assert sizes.idxmax() == "St Louis"
    # log uranium is a county-level variable: one value per county.
    assert (data.groupby("county")["log_uranium"].nunique() == 1).all()
    # Gelman and Hill (2007), section 12.2: 766 basement and 153 first-floor measurements.
    assert data["floor"].value_counts().to_dict() == {0: 766, 1: 153}


def test_radon_returns_a_fresh_copy():
    from companion.datasets import radon

    first = radon()
    first.loc[0, "log_radon"] = 99.0
    assert radon().loc[0, "log_radon"] != 99.0


def test_rats_as_in_bda3_table_5_1():
    from companion.datasets import rats

    data = rats()
    assert list(data.columns) == ["experiment", "tumours", "rats", "current"]
    assert len(data) == 71 and data["current"].sum() == 1
    assert (data["tumours"] <= data["rats"]).all()
    assert (data["tumours"] == 0).sum() == 14
    assert data.iloc[-1][["tumours", "rats"]].tolist() == [4, 14]
    assert data["rats"].dtype == np.int64 and data["current"].dtype == bool


def test_pumps_as_published():
    from companion.datasets import pumps

    data = pumps()
    hours = [94.3, 15.7, 62.9, 126, 5.24, 31.4, 1.05, 1.05, 2.1, 10.5]
    assert data["thousand_hours"].tolist() == hours
    assert data["failures"].sum() == 75 and data["failures"].dtype == np.int64


AIRQUALITY_SHA256 = "09cdb6bbcb42aad21acd7b6729e95c2928ff4ad1dec09a569160bd9331aa9272"


def test_airquality_as_r_ships_it():
    import hashlib
    from importlib import resources

    from companion.datasets import airquality

    blob = resources.files("companion.datasets.data").joinpath("airquality.csv").read_bytes()
    assert hashlib.sha256(blob).hexdigest() == AIRQUALITY_SHA256
    data = airquality()
    assert list(data.columns) == ["ozone", "solar_r", "wind", "temp", "month", "day"]
    assert data.shape == (153, 6)
    assert data.isna().sum().tolist() == [37, 7, 0, 0, 0, 0]
    assert (data["ozone"].isna() & data["solar_r"].isna()).sum() == 2
    assert data["temp"].dtype == np.int64 and data["ozone"].dtype == np.float64
    assert data["month"].between(5, 9).all()
    # Known values (R's ?airquality): the first day and the hottest one.
    assert data.iloc[0].tolist() == [41.0, 190.0, 7.4, 67, 5, 1]
    assert data["temp"].max() == 97


def test_airquality_matches_r_when_r_is_installed(tmp_path):
    import shutil
    import subprocess

    from companion.datasets import airquality

    if shutil.which("Rscript") is None:
        pytest.skip("R is not installed (apt-get install r-base-core)")
    path = tmp_path / "aq.csv"
    script = f'write.csv(datasets::airquality, "{path}", row.names = FALSE)'
    subprocess.run(["Rscript", "-e", script], check=True, capture_output=True)
    from_r = pd.read_csv(path)
    from_r.columns = ["ozone", "solar_r", "wind", "temp", "month", "day"]
    pd.testing.assert_frame_equal(airquality(), from_r, check_dtype=False)


def test_nhanes_matches_mice_when_r_is_installed(tmp_path):
    import shutil
    import subprocess

    if shutil.which("Rscript") is None:
        pytest.skip("R is not installed (apt-get install r-base-core r-cran-mice)")
    path = tmp_path / "nhanes.csv"
    script = f'write.csv(mice::nhanes, "{path}", row.names = FALSE)'
    done = subprocess.run(["Rscript", "-e", script], capture_output=True)
    if done.returncode != 0:
        pytest.skip("R's mice is not installed (apt-get install r-cran-mice)")
    pd.testing.assert_frame_equal(nhanes(), pd.read_csv(path), check_dtype=False)
