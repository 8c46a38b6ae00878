"""Multilevel imputation (2l.norm, 2l.pmm): the intraclass correlation, R's mice, bad input.

The data are simulated from a random-intercept model with a known intraclass
correlation (ICC); ``y`` is missing at random given a unit-level covariate.
A single-level imputation model has no way to put the schools' differences
into the imputed values and so understates the ICC of the completed data;
the two-level model recovers it. Tolerances come from Rubin's theory of
proper imputation: the multiple-imputation estimate differs from the
estimate the complete data would have given by about
sqrt((1 + 1/m) B) (B the between-imputation variance), and
two independent runs of :math:`m` imputations differ in their averages by
about sqrt(B_1/m + B_2/m).
"""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest

from companion.missing import mice
from companion.missing.multilevel import impute_2l_norm, impute_2l_pmm, multilevel_gibbs


def icc(y: np.ndarray, groups: np.ndarray) -> float:
    """One-way ANOVA estimate of the intraclass correlation (unbalanced form)."""
    frame = pd.DataFrame({"y": np.asarray(y, dtype=float), "g": np.asarray(groups)})
    n, j = len(frame), frame["g"].nunique()
    grouped = frame.groupby("g")["y"]
    sizes, means = grouped.size().to_numpy(), grouped.mean().to_numpy()
    between = np.sum(sizes * (means - frame["y"].mean()) ** 2) / (j - 1)
    within = np.sum((frame["y"] - grouped.transform("mean")) ** 2) / (n - j)
    n0 = (n - np.sum(sizes**2) / n) / (j - 1)
    tau2 = (between - within) / n0
    return float(tau2 / (tau2 + within))


def simulate(n_schools: int, size: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Scores with ICC 0.3 given the covariate; ``y`` MAR given ``x`` (about 35% missing)."""
    rng = np.random.default_rng(seed)
    school = np.repeat(np.arange(n_schools), size)
    n = school.size
    x = rng.normal(size=n)
    u = rng.normal(scale=np.sqrt(30.0), size=n_schools)
    y = 50.0 + u[school] + 4.0 * x + rng.normal(scale=np.sqrt(70.0), size=n)
    full = pd.DataFrame({"school": [f"s{k:02d}" for k in school], "x": x, "y": y})
    missing = rng.uniform(size=n) < 1.0 / (1.0 + np.exp(0.6 - x))
    return full, full.assign(y=np.where(missing, np.nan, y))


@pytest.fixture(scope="module")
def schools() -> tuple[pd.DataFrame, pd.DataFrame]:
    return simulate(60, 20, seed=40)


SINGLE = {"y": ["x"]}
TWO_LEVEL = {"y": {"school": -2, "x": 1}}


def _iccs(imputed) -> np.ndarray:
    return np.array([icc(frame["y"], frame["school"]) for frame in imputed.completed()])


# --------------------------------------------------------------------------- the ICC
@pytest.mark.parametrize(
    ("method", "predictors", "recovers"),
    [
        ("pmm", SINGLE, False),
        ("norm", SINGLE, False),
        ("2l.norm", TWO_LEVEL, True),
        ("2l.norm", {"y": {"school": -2, "x": 2}}, True),
        ("2l.pmm", TWO_LEVEL, True),
    ],
)
def test_single_level_imputation_understates_the_icc_and_two_level_recovers_it(
    schools, method, predictors, recovers
):
    full, data = schools
    target = icc(full["y"], full["school"])  # what the complete data say (0.25 here)
    m = 20
    imputed = mice(data, m=m, maxit=1, method={"y": method}, predictor_matrix=predictors,
                   seed=41)  # fmt: skip
    values = _iccs(imputed)
    # Proper imputation: the MI estimate misses the complete-data one by about
    # sqrt((1 + 1/m) B) (B = between-imputation variance, about 0.015^2 here).
    tolerance = 4 * np.sqrt((1 + 1 / m) * values.var(ddof=1))
    gap = values.mean() - target
    if recovers:
        assert abs(gap) < tolerance, (gap, tolerance)
    else:
        # Single-level imputation puts no school effect into the imputed values (x is
        # a pupil-level covariate): the ICC falls towards the observed share, about
        # 0.65 x 0.25; the gap (about -0.15) is far beyond the same tolerance (about 0.07).
        assert gap < -tolerance, (gap, tolerance)
        assert values.mean() < 0.6 * target


def test_two_level_pmm_imputes_observed_values_and_keeps_the_school_means(schools):
    full, data = schools
    imputed = mice(data, m=5, maxit=1, method={"y": "2l.pmm"}, predictor_matrix=TWO_LEVEL,
                   seed=42)  # fmt: skip
    observed = data["y"].dropna().to_numpy()
    assert np.isin(imputed.imp["y"].to_numpy(), observed).all()
    # Imputed school means follow the observed ones (the random intercepts), which
    # single-level pmm does not do.
    rows = data["y"].isna()
    school = data.loc[rows, "school"]
    observed_means = data.groupby("school")["y"].mean()
    two_level = imputed.imp["y"].mean(axis=1).groupby(school.to_numpy()).mean()
    single = mice(data, m=5, maxit=1, method="pmm", predictor_matrix=SINGLE, seed=42)
    one_level = single.imp["y"].mean(axis=1).groupby(school.to_numpy()).mean()
    corr_two = np.corrcoef(two_level, observed_means[two_level.index])[0, 1]
    corr_one = np.corrcoef(one_level, observed_means[one_level.index])[0, 1]
    assert corr_two > 0.6 and corr_two > corr_one + 0.3


def test_fixed_slope_draws_agree_with_the_mixed_model_fit():
    # Bernstein-von Mises: the posterior of the fixed slope is centred at the REML
    # estimate up to O(1/n), far below its standard error (n = 800); its sd is that SE.
    import statsmodels.formula.api as smf

    full, _ = simulate(40, 20, seed=43)
    groups = pd.factorize(full["school"])[0]
    fit = smf.mixedlm("y ~ x", full, groups=groups).fit(reml=True)
    rng = np.random.default_rng(44)
    draws = np.array([
        multilevel_gibbs(full["y"].to_numpy(), full[["x"]].to_numpy(),
                         np.ones((len(full), 1)), groups, 40, rng, n_iter=60).beta[0]
        for _ in range(40)
    ])  # fmt: skip
    se = fit.bse["x"]
    assert abs(draws.mean() - fit.params["x"]) < 0.1 * se + 4 * draws.std(ddof=1) / np.sqrt(40)
    assert 0.7 < draws.std(ddof=1) / se < 1.4  # 40 draws: the sd itself is known to ~15%


def test_multilevel_columns_take_part_in_the_chains(schools):
    _, data = schools
    rng = np.random.default_rng(45)
    data = data.assign(z=data["x"] + rng.normal(size=len(data)))
    data.loc[rng.uniform(size=len(data)) < 0.2, "z"] = np.nan
    imputed = mice(data, m=2, maxit=3, method={"y": "2l.norm", "z": "pmm"},
                   predictor_matrix={"y": {"school": -2, "x": 1, "z": 2},
                                     "z": ["x", "y"]}, seed=46)  # fmt: skip
    assert imputed.complete(2).isna().sum().sum() == 0
    assert imputed.predictor_matrix.loc["y"].tolist() == [-2, 1, 0, 2]
    assert dict(imputed.method) == {"school": "", "x": "", "y": "2l.norm", "z": "pmm"}
    # Same seed, same imputations; delta works for 2l columns too.
    again = mice(data, m=2, maxit=3, method={"y": "2l.norm", "z": "pmm"},
                 predictor_matrix={"y": {"school": -2, "x": 1, "z": 2},
                                   "z": ["x", "y"]}, seed=46)  # fmt: skip
    pd.testing.assert_frame_equal(again.imp["y"], imputed.imp["y"])
    assert imputed.rerun({"y": 5.0}).imp["y"].mean().mean() > imputed.imp["y"].mean().mean()


# --------------------------------------------------------------------------- R's mice
def _r_mice_available() -> bool:
    if shutil.which("Rscript") is None:
        return False
    done = subprocess.run(["Rscript", "-e", "library(mice)"], capture_output=True, check=False)
    return done.returncode == 0


R_SCRIPT = """
suppressMessages(library(mice))
d <- read.csv("{data}")
pred <- make.predictorMatrix(d); pred[,] <- 0
pred["y", "school"] <- -2; pred["y", "x"] <- 2
imp <- mice(d, m = {m}, maxit = 1, method = c(school = "", x = "", y = "2l.norm"),
            predictorMatrix = pred, printFlag = FALSE, seed = 7)
out <- do.call(rbind, lapply(seq_len({m}), function(i) complete(imp, i)$y))
write.csv(t(out), "{out}", row.names = FALSE)
"""


def test_two_level_norm_agrees_with_r_mice_in_distribution(tmp_path):
    if not _r_mice_available():
        pytest.skip("R's mice is not installed (apt-get install r-cran-mice)")
    full, data = simulate(40, 15, seed=47)
    m = 20
    path, out = tmp_path / "data.csv", tmp_path / "imputed.csv"
    data.assign(school=pd.factorize(data["school"])[0] + 1).to_csv(path, index=False)
    script = R_SCRIPT.format(data=path, out=out, m=m)
    subprocess.run(["Rscript", "-e", script], check=True, capture_output=True)
    r_completed = pd.read_csv(out).to_numpy()  # (n, m)
    ours = mice(data, m=m, maxit=1, method={"y": "2l.norm"},
                predictor_matrix={"y": {"school": -2, "x": 2}}, seed=48)  # fmt: skip
    py_completed = np.column_stack([frame["y"].to_numpy() for frame in ours.completed()])
    rows = data["y"].isna().to_numpy()
    np.testing.assert_allclose(r_completed[~rows], py_completed[~rows])  # same data

    def statistics(completed: np.ndarray) -> dict:
        return {
            "mean": completed[rows].mean(axis=0),
            "sd": completed[rows].std(axis=0, ddof=1),
            "icc": np.array([icc(completed[:, i], data["school"]) for i in range(m)]),
        }

    r_stats, py_stats = statistics(r_completed), statistics(py_completed)
    for name in r_stats:
        r_values, py_values = r_stats[name], py_stats[name]
        # Independent imputations: each average has variance B / m.
        se = np.sqrt(r_values.var(ddof=1) / m + py_values.var(ddof=1) / m)
        assert abs(r_values.mean() - py_values.mean()) < 4 * se, (name, r_values, py_values)
    # Both recover the complete data's ICC.
    target = icc(full["y"], full["school"])
    for values in (r_stats["icc"], py_stats["icc"]):
        assert abs(values.mean() - target) < 4 * np.sqrt((1 + 1 / m) * values.var(ddof=1))


# --------------------------------------------------------------------------- bad input
def _small() -> pd.DataFrame:
    rng = np.random.default_rng(1)
    school = np.repeat(["a", "b", "c", "d", "e"], 4)
    y = rng.normal(size=20)
    y[[0, 5, 10]] = np.nan
    return pd.DataFrame({"school": school, "x": rng.normal(size=20), "y": y,
                         "w": pd.Categorical(rng.choice(["p", "q"], 20))})  # fmt: skip


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"method": {"y": "2l.norm"}}, "needs exactly one cluster column, marked -2"),
        ({"method": {"y": "2l.norm"}, "predictor_matrix": {"y": {"school": -2, "x": -2}}},
         r"exactly one cluster column.*found \['school', 'x'\]"),
        ({"predictor_matrix": {"y": {"school": -2, "x": 1}}},
         "holds -2 or 2, codes of the multilevel methods, but the method of 'y' is 'pmm'"),
        ({"predictor_matrix": {"y": {"x": 2}}}, "holds -2 or 2"),
        ({"method": {"y": "2l.pmm"}, "predictor_matrix": {"y": {"school": -2, "x": 5}}},
         r"`predictor_matrix\['y'\]\['x'\]` is 5"),
        ({"method": {"y": "2l.norm"},
          "predictor_matrix": {"y": {"school": -2, "x": 2, "w": 2}}},
         r"3 random coefficient\(s\) needs at least 7 clusters; the cluster column 'school' "
         "has 5"),
        ({"method": {"w": "2l.norm"}}, "needs a numeric column"),
    ],
)  # fmt: skip
def test_bad_multilevel_settings_are_refused(kwargs, message):
    data = _small()
    data.loc[3, "w"] = np.nan
    with pytest.raises(ValueError, match=message):
        mice(data, m=1, maxit=1, seed=1, **kwargs)


def test_an_incomplete_cluster_column_and_too_few_clusters_are_refused():
    data = _small()
    with_gap = data.assign(school=data["school"].where(data.index != 7))
    with pytest.raises(ValueError, match="cluster column 'school' of 'y' has 1 missing"):
        mice(with_gap, m=1, maxit=1, method={"y": "2l.norm", "school": "polyreg"},
             predictor_matrix={"y": {"school": -2, "x": 1}}, seed=1)  # fmt: skip
    two = data.assign(school=np.repeat(["a", "b"], 10))
    with pytest.raises(ValueError, match="at least 3 clusters"):
        mice(two, m=1, maxit=1, method={"y": "2l.norm"},
             predictor_matrix={"y": {"school": -2, "x": 1}}, seed=1)  # fmt: skip
    fine = mice(data, m=1, maxit=1, method={"y": "2l.norm"},
                predictor_matrix={"y": {"school": -2, "x": 1}}, seed=1)  # fmt: skip
    assert fine.complete(1)["y"].notna().all()


def test_the_methods_refuse_bad_cluster_arguments():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(10, 1))
    with pytest.raises(ValueError, match="one label per row"):
        impute_2l_norm(x[:8, 0], x[:8], x[8:], rng, cluster_obs=np.zeros(7),
                       cluster_mis=np.zeros(2))  # fmt: skip
    with pytest.raises(ValueError, match="`random` must mark each of the 1"):
        impute_2l_pmm(x[:8, 0], x[:8], x[8:], rng, cluster_obs=np.arange(8) % 4,
                      cluster_mis=np.arange(2), random=[True, False])  # fmt: skip
