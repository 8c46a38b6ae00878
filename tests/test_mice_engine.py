"""Tests for companion.missing.mice: the chained-equations engine, its methods and Mids.

Three kinds of checks: against R's mice in distribution (the same data passed
to R through a CSV file), exact properties of the algorithm (observed cells,
dtypes, donors, seeds, predictor matrix, visit sequence, continuation of the
chains), and recovery of known parameters from simulated data missing at
random. Tolerances are Monte Carlo errors, stated where they are used.
"""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, stats
from scipy.special import expit, softmax

from companion import nhanes
from companion.missing import IMPUTATION_METHODS, Mids, mice, pool, rubin_pool
from companion.missing.methods import impute_pmm, match_donors

# --------------------------------------------------------------------------- against R's mice

R_SCRIPT = """
suppressMessages(library(mice))
d <- read.csv("{csv}")
imp <- mice(d, m = {m}, maxit = {maxit}, method = "pmm", printFlag = FALSE, seed = 20261)
fits <- with(imp, lm(chl ~ age + bmi))$analyses
out <- data.frame(
  b0 = sapply(fits, function(f) coef(f)[1]), b1 = sapply(fits, function(f) coef(f)[2]),
  b2 = sapply(fits, function(f) coef(f)[3]),
  v0 = sapply(fits, function(f) vcov(f)[1, 1]), v1 = sapply(fits, function(f) vcov(f)[2, 2]),
  v2 = sapply(fits, function(f) vcov(f)[3, 3]))
for (v in c("bmi", "hyp", "chl")) {{
  out[[paste0("mean_", v)]] <- colMeans(imp$imp[[v]])
  out[[paste0("sd_", v)]] <- apply(imp$imp[[v]], 2, sd)
}}
write.csv(out, "{out}", row.names = FALSE)
"""
R_M, PY_M, MAXIT = 100, 500, 5


def _require_r() -> str:
    rscript = shutil.which("Rscript")
    if rscript is None:
        pytest.skip("R is not installed (apt-get install r-base r-cran-mice)")
    if subprocess.run([rscript, "-e", "library(mice)"], capture_output=True).returncode != 0:
        pytest.skip("R's mice is not installed (apt-get install r-cran-mice)")
    return rscript


@pytest.fixture(scope="module")
def nhanes_r_and_python(tmp_path_factory) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-imputation statistics of R's mice and of companion's on the same nhanes CSV."""
    rscript = _require_r()
    tmp = tmp_path_factory.mktemp("mice_r")
    data = nhanes()
    data.to_csv(tmp / "nhanes.csv", index=False)
    script = R_SCRIPT.format(csv=tmp / "nhanes.csv", out=tmp / "r.csv", m=R_M, maxit=MAXIT)
    subprocess.run([rscript, "-e", script], check=True, capture_output=True)
    r_stats = pd.read_csv(tmp / "r.csv")
    imputed = mice(pd.read_csv(tmp / "nhanes.csv"), m=PY_M, maxit=MAXIT, seed=20262)
    fits = imputed.analyse("chl ~ age + bmi")
    rows = {}
    for k in range(3):
        rows[f"b{k}"] = [f.params.iloc[k] for f in fits]
        rows[f"v{k}"] = [f.bse.iloc[k] ** 2 for f in fits]
    for v in ("bmi", "hyp", "chl"):
        table = imputed.imp[v].astype(float)
        rows[f"mean_{v}"] = table.mean().to_numpy()
        rows[f"sd_{v}"] = table.std(ddof=1).to_numpy()
    return r_stats, pd.DataFrame(rows)


STATISTICS = ["b0", "b1", "b2", "v0", "v1", "v2", *[
    f"{s}_{v}" for v in ("bmi", "hyp", "chl") for s in ("mean", "sd")]]  # fmt: skip


@pytest.mark.parametrize("statistic", STATISTICS)
def test_per_imputation_statistics_agree_with_r_in_mean(nhanes_r_and_python, statistic):
    # The m chains are independent, so each side's m values of a statistic are iid
    # draws from its imputation distribution; their means differ by N(0, s_R^2/m_R +
    # s_py^2/m_py) if the two distributions agree. 4 standard errors: a false alarm has
    # probability 6e-5 per statistic (12 statistics: < 1e-3 in all). The pooled
    # estimates (b0..b2: Q-bar) and within variances (v0..v2: U-bar) are such means.
    r, ours = nhanes_r_and_python[0][statistic], nhanes_r_and_python[1][statistic]
    se = np.sqrt(r.var(ddof=1) / len(r) + ours.var(ddof=1) / len(ours))
    assert abs(ours.mean() - r.mean()) < 4 * se, (ours.mean(), r.mean(), se)


@pytest.mark.parametrize("statistic", ["b0", "b1", "b2", "mean_bmi", "mean_chl"])
def test_between_imputation_variance_agrees_with_r(nhanes_r_and_python, statistic):
    # Rubin's between variance B is the variance of the m estimates; proper imputation
    # (parameter draws, type-1 matching) is what makes it right. log(B_py / B_R) has
    # standard error sqrt(sum (kurtosis - (m-3)/(m-1)) / m) (delta method with each side's
    # own sample kurtosis, since PMM estimates on 25 rows are far from normal); 4 SE.
    def log_var_and_se2(values):
        values = np.asarray(values)
        m = len(values)
        kurtosis = stats.kurtosis(values, fisher=False)
        return np.log(values.var(ddof=1)), (kurtosis - (m - 3) / (m - 1)) / m

    r_log, r_se2 = log_var_and_se2(nhanes_r_and_python[0][statistic])
    py_log, py_se2 = log_var_and_se2(nhanes_r_and_python[1][statistic])
    assert abs(py_log - r_log) < 4 * np.sqrt(r_se2 + py_se2), np.exp(py_log - r_log)


# --------------------------------------------------------------------------- exact properties


def _mixed(n: int = 200, seed: int = 0) -> pd.DataFrame:
    """Every kind of column, each with missing values except ``age``."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    frame = pd.DataFrame({
        "age": rng.integers(20, 70, n),
        "x": x,
        "count": pd.array(rng.poisson(3 + np.exp(0.3 * x)), dtype="Int64"),
        "group": pd.Categorical(rng.choice(["a", "b", "c"], n), categories=["c", "b", "a", "z"]),
        "smoker": pd.array(rng.uniform(size=n) < expit(x), dtype="boolean"),
        "sex": pd.Categorical(rng.choice(["f", "m"], n)),
        "city": pd.Series(rng.choice(["Leeds", "York", "Hull"], n), dtype="str"),
        "flag": pd.Series(rng.choice(["yes", "no"], n), dtype=object),
    })  # fmt: skip
    for j, column in enumerate(frame.columns[1:]):
        rows = rng.uniform(size=n) < 0.1 + 0.02 * j
        frame.loc[rows, column] = None
    return frame


@pytest.fixture(scope="module")
def mixed() -> pd.DataFrame:
    return _mixed()


@pytest.fixture(scope="module")
def mixed_imputed(mixed) -> Mids:
    return mice(mixed, m=3, maxit=3, seed=1)


def test_default_methods_follow_the_dtypes(mixed_imputed):
    assert dict(mixed_imputed.method) == {
        "age": "", "x": "pmm", "count": "pmm", "group": "polyreg", "smoker": "logreg",
        "sex": "logreg", "city": "polyreg", "flag": "logreg",
    }  # fmt: skip
    assert mixed_imputed.visit_sequence == tuple(mixed_imputed.data.columns[1:])


def test_observed_cells_dtypes_and_categories_are_kept(mixed, mixed_imputed):
    observed = mixed.notna()
    for i in range(1, mixed_imputed.m + 1):
        completed = mixed_imputed.complete(i)
        assert not completed.isna().any().any()
        pd.testing.assert_index_equal(completed.index, mixed.index)
        for column in mixed.columns:
            assert completed[column].dtype == mixed[column].dtype, column
            kept = observed[column].to_numpy()
            assert (completed[column][kept] == mixed[column][kept]).all(), column
        assert list(completed["group"].cat.categories) == ["c", "b", "a", "z"]
        # Only observed categories are imputed (never the empty category "z").
        for column in ["group", "sex", "city", "flag", "smoker"]:
            assert set(completed[column]) <= set(mixed[column].dropna()), column
    assert mixed_imputed.complete(0).equals(mixed)


def test_pmm_imputes_observed_values_and_integers_stay_integers(mixed, mixed_imputed):
    for column in ["x", "count"]:
        observed = set(mixed[column].dropna())
        imputations = mixed_imputed.imp[column]
        assert set(np.unique(imputations.to_numpy())) <= observed
    assert mixed_imputed.complete(1)["count"].dtype == "Int64"
    # norm draws non-integers, so an integer column imputed by norm becomes float.
    by_norm = mice(mixed, m=1, maxit=1, method={"count": "norm"}, seed=2).complete(1)
    assert by_norm["count"].dtype == "Float64"


def test_input_unchanged_and_long_format(mixed, mixed_imputed):
    before = mixed.copy(deep=True)
    mice(mixed, m=2, maxit=1, seed=3)
    pd.testing.assert_frame_equal(mixed, before)
    long = mixed_imputed.complete("long", include=True)
    assert list(long.columns[:2]) == [".imp", ".id"]
    assert len(long) == (mixed_imputed.m + 1) * len(mixed)
    second = long[long[".imp"] == 2].drop(columns=[".imp", ".id"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(second, mixed_imputed.complete(2).reset_index(drop=True))
    assert [f.equals(mixed_imputed.complete(i + 1))
            for i, f in enumerate(mixed_imputed.completed())] == [True] * 3  # fmt: skip


def test_same_seed_same_result_and_global_state_untouched(mixed):
    np.random.seed(5)
    state = np.random.get_state()
    first, again = mice(mixed, m=2, maxit=2, seed=9), mice(mixed, m=2, maxit=2, seed=9)
    after = np.random.get_state()
    assert np.array_equal(state[1], after[1]) and state[2:] == after[2:]
    for i in (1, 2):
        pd.testing.assert_frame_equal(first.complete(i), again.complete(i))
    other = mice(mixed, m=2, maxit=2, seed=10)
    assert not other.complete(1).equals(first.complete(1))
    assert first.seed == 9
    assert isinstance(mice(mixed, m=1, maxit=1).seed, int)  # a fresh seed is recorded


def test_iterate_continues_the_chains_exactly(mixed):
    short = mice(mixed, m=2, maxit=2, seed=4)
    longer = short.iterate(3)
    direct = mice(mixed, m=2, maxit=5, seed=4)
    assert longer.iterations == 5 and short.iterations == 2
    for i in (1, 2):
        pd.testing.assert_frame_equal(longer.complete(i), direct.complete(i))
    for name in direct.chain_mean:
        np.testing.assert_array_equal(longer.chain_mean[name], direct.chain_mean[name])
        np.testing.assert_array_equal(longer.chain_sd[name], direct.chain_sd[name])
    # Chain i does not depend on m: its own random stream.
    pd.testing.assert_frame_equal(mice(mixed, m=3, maxit=5, seed=4).complete(2),
                                  direct.complete(2))  # fmt: skip


def test_chain_statistics_are_those_of_the_final_imputations(mixed_imputed):
    for name, means in mixed_imputed.chain_mean.items():
        assert means.shape == (3, 3)
        if mixed_imputed.method[name] in ("pmm",):
            final = mixed_imputed.imp[name].astype(float)
            np.testing.assert_allclose(means[-1], final.mean().to_numpy())
            np.testing.assert_allclose(mixed_imputed.chain_sd[name][-1], final.std().to_numpy())
    with pytest.raises(ValueError, match="read-only"):
        mixed_imputed.chain_mean["x"][0, 0] = 1.0
    tidy = mixed_imputed.chains()
    assert len(tidy) == 7 * 3 * 3 and list(tidy.columns) == [
        "variable", "iteration", "chain", "mean", "sd"]  # fmt: skip


def _correlated(n: int = 400, seed: int = 1) -> pd.DataFrame:
    """Simulate y = x + small noise (correlation 0.95), y missing MAR (more when x is large)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    y = x + rng.normal(scale=0.33, size=n)
    y[rng.uniform(size=n) < expit(-1.0 + 2.5 * x)] = np.nan
    return pd.DataFrame({"x": x, "y": y, "z": rng.normal(size=n)})


def test_a_column_without_predictors_is_imputed_from_its_marginal():
    data = _correlated()
    alone = {"y": []}
    imputed = mice(data, m=2, maxit=2, predictor_matrix=alone, seed=3)
    assert imputed.predictor_matrix.loc["y"].sum() == 0
    # Exact: y's imputations do not depend on x at all, so shuffling x leaves them unchanged.
    shuffled = data.assign(x=np.random.default_rng(0).permutation(data["x"].to_numpy()))
    again = mice(shuffled, m=2, maxit=2, predictor_matrix=alone, seed=3)
    pd.testing.assert_frame_equal(imputed.imp["y"], again.imp["y"])
    with_x = mice(shuffled, m=2, maxit=2, seed=3)
    assert not with_x.imp["y"].equals(mice(data, m=2, maxit=2, seed=3).imp["y"])
    # And in distribution: PMM without predictors draws donors uniformly, so the imputed
    # mean is the observed mean (sd of the mean of 2 x n_mis draws from the observed
    # values: s / sqrt(2 n_mis)), far below the mean imputed from x (y large when missing).
    observed = data["y"].dropna()
    n_mis = int(data["y"].isna().sum())
    values = imputed.imp["y"].to_numpy().ravel()
    assert abs(values.mean() - observed.mean()) < 4 * observed.std() / np.sqrt(2 * n_mis)
    from_x = mice(data, m=2, maxit=2, seed=3).imp["y"].to_numpy().ravel()
    assert from_x.mean() - observed.mean() > 10 * observed.std() / np.sqrt(2 * n_mis)


def test_predictor_matrix_as_a_data_frame_and_dummy_columns(mixed):
    calls = []

    def record(y_obs, x_obs, x_mis, rng):
        calls.append(x_obs.shape[1])
        return rng.choice(y_obs, size=len(x_mis))

    matrix = pd.DataFrame(0, index=mixed.columns, columns=mixed.columns)
    matrix.loc["x", ["age", "group", "city"]] = 1  # 1 + 2 dummies (3 observed levels) + 2
    imputed = mice(mixed, m=1, maxit=2, method={"x": record}, predictor_matrix=matrix,
                   visit_sequence=["x"], seed=1)  # fmt: skip
    assert calls == [5, 5]
    assert imputed.visit_sequence == ("x",)
    assert imputed.method["x"] is record


def test_visit_sequence_is_respected():
    data = pd.DataFrame({
        "a": [1.0, np.nan, 3.0, 4.0, 5.0, np.nan],
        "b": [np.nan, 2.0, 1.0, np.nan, 4.0, np.nan],
        "c": [1.0, 2.0, np.nan, 0.0, 5.0, 3.0],
    })  # fmt: skip
    order = []

    def recorder(name):
        def method(y_obs, x_obs, x_mis, rng):
            order.append(name)
            return np.full(len(x_mis), y_obs.mean())

        return method

    methods = {c: recorder(c) for c in data.columns}
    cases = {("c", "a", "b"): ["c", "a", "b"], None: ["a", "b", "c"], "arabic": ["c", "b", "a"],
             "monotone": ["c", "a", "b"], "revmonotone": ["b", "a", "c"],
             ("b", "b", "a"): ["b", "b", "a"]}  # fmt: skip
    for visit, expected in cases.items():
        order.clear()
        sequence = list(visit) if isinstance(visit, tuple) else visit
        imputed = mice(data, m=1, maxit=2, method=methods, visit_sequence=sequence, seed=0)
        assert order == expected * 2, visit
        assert imputed.visit_sequence == tuple(expected)


def test_rows_missing_everywhere_are_imputed():
    data = _correlated(100).copy()
    data.iloc[0] = np.nan
    completed = mice(data, m=1, maxit=2, seed=1).complete(1)
    assert not completed.isna().any().any()


def test_match_donors_finds_the_nearest_and_breaks_ties_at_random():
    rng = np.random.default_rng(0)
    obs = rng.normal(size=300)
    mis = rng.normal(size=50)
    for k in (1, 3, 5):
        chosen = match_donors(obs, mis, k, rng)
        distance = np.abs(obs[chosen] - mis)
        kth = np.sort(np.abs(obs[None, :] - mis[:, None]), axis=1)[:, k - 1]
        assert (distance <= kth + 1e-12).all()
    # All predictions equal (no predictors): every observed row is equally likely.
    # (As in mice's matchindex, one shuffle serves all the missing rows of a call, so
    # the picks of one call are dependent; across calls they are independent.)
    picks = np.concatenate([match_donors(np.zeros(10), np.ones(1), 5, rng) for _ in range(4000)])
    counts = np.bincount(picks, minlength=10)
    # 4000 independent uniform picks over 10 donors: chi-square with 9 df, whose mean
    # plus 4 sd is 9 + 4 sqrt(18) ~ 26.
    assert ((counts - 400) ** 2 / 400).sum() < 26


def test_type1_matching_uses_the_drawn_coefficients_for_the_missing_rows():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(60, 1))
    y = x[:, 0] + rng.normal(size=60)
    args = (y[:50], x[:50], x[50:])
    zero = [impute_pmm(*args, np.random.default_rng(s), matchtype=0, donors=1) for s in range(20)]
    one = [impute_pmm(*args, np.random.default_rng(s), matchtype=1, donors=1) for s in range(20)]
    # With one donor and the least-squares coefficients on both sides, the donor is fixed.
    assert all(np.array_equal(zero[0], z) for z in zero)
    assert any(not np.array_equal(one[0], o) for o in one)


# --------------------------------------------------------------------------- recovery (MAR)


def _logistic_data(n: int, seed: int) -> pd.DataFrame:
    """Simulate z ~ Bernoulli(expit(-0.5 + x)), missing MAR: more often when x is large."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    z = np.where(rng.uniform(size=n) < expit(-0.5 + x), "yes", "no")
    z = pd.Series(pd.Categorical(z, categories=["no", "yes"]))
    z[rng.uniform(size=n) < expit(-1.0 + 1.5 * x)] = np.nan
    return pd.DataFrame({"x": x, "z": z, "w": x + rng.normal(size=n)})


def _normal_expectation(function) -> float:
    return integrate.quad(lambda t: function(t) * stats.norm.pdf(t), -12, 12)[0]


def _pooled_proportion(sets: list[pd.DataFrame], column: str, level: object):
    n = len(sets[0])
    shares = [float((s[column] == level).mean()) for s in sets]
    return rubin_pool(shares, [p * (1 - p) / n for p in shares], df_complete=n - 1)


# Tolerances: for proper imputations (Q-bar - Q) / sqrt(T) is close to t_nu with large nu,
# so |Q-bar - Q| < 4 sqrt(T) fails with probability about 6e-5; seeds are fixed.


def test_logreg_recovers_the_proportion_and_the_coefficients():
    import statsmodels.api as sm

    data = _logistic_data(2000, seed=3)
    imputed = mice(data, m=10, maxit=5, seed=4)
    assert imputed.method["z"] == "logreg"
    sets = imputed.completed()
    truth = _normal_expectation(lambda t: expit(-0.5 + t))
    pooled = _pooled_proportion(sets, "z", "yes")
    assert abs(pooled.estimate - truth) < 4 * pooled.std_error
    complete_case = (data["z"].dropna() == "yes").mean()
    assert truth - complete_case > 4 * pooled.std_error  # the test has teeth
    fits = [sm.Logit((s["z"] == "yes").astype(float), sm.add_constant(s[["x"]])).fit(disp=0)
            for s in sets]  # fmt: skip
    table = pool(fits)
    for name, value in [("const", -0.5), ("x", 1.0)]:
        assert abs(table.loc[name, "estimate"] - value) < 4 * table.loc[name, "std_error"]


def test_polyreg_recovers_the_proportions_and_the_coefficients():
    import statsmodels.api as sm

    rng = np.random.default_rng(5)
    n = 2000
    x = rng.normal(size=n)
    eta = np.column_stack([np.zeros(n), 0.5 + x, -0.5 - x])
    draw = (rng.uniform(size=(n, 1)) > np.cumsum(softmax(eta, axis=1), axis=1)).sum(axis=1)
    y = np.array(["a", "b", "c"], dtype=object)[draw]
    y[rng.uniform(size=n) < expit(-1.0 + 1.5 * x)] = None
    x_missing = np.where(rng.uniform(size=n) < 0.1, np.nan, x)  # MCAR, imputed by pmm
    data = pd.DataFrame({"x": x_missing, "y": pd.Series(y, dtype="str")})
    imputed = mice(data, m=10, maxit=5, seed=6)
    assert imputed.method["y"] == "polyreg"
    sets = imputed.completed()
    assert all(s["y"].dtype == data["y"].dtype for s in sets)
    for k, level in enumerate("abc"):
        truth = _normal_expectation(lambda t, k=k: softmax(np.array([0.0, 0.5 + t, -0.5 - t]))[k])
        pooled = _pooled_proportion(sets, "y", level)
        assert abs(pooled.estimate - truth) < 4 * pooled.std_error, level
    complete_case = (data["y"].dropna() == "b").mean()
    truth_b = _normal_expectation(lambda t: softmax(np.array([0.0, 0.5 + t, -0.5 - t]))[1])
    assert truth_b - complete_case > 4 * pooled.std_error  # teeth: b goes missing with x
    estimates, variances = [], []
    for s in sets:
        codes = s["y"].map({"a": 0, "b": 1, "c": 2}).to_numpy()
        fit = sm.MNLogit(codes, sm.add_constant(s["x"].to_numpy())).fit(disp=0)
        estimates.append(np.asarray(fit.params).T.ravel())  # b: (const, x), then c
        variances.append(np.asarray(fit.bse).T.ravel() ** 2)
    estimates, variances = np.array(estimates), np.array(variances)
    for j, value in enumerate([0.5, 1.0, -0.5, -1.0]):
        pooled = rubin_pool(estimates[:, j], variances[:, j], df_complete=n - 4)
        assert abs(pooled.estimate - value) < 4 * pooled.std_error, j


def test_norm_recovers_the_mean_under_mar():
    data = _correlated(1000, seed=7)
    imputed = mice(data, m=10, maxit=5, method="norm", seed=8)
    n = len(data)
    means = [s["y"].mean() for s in imputed.completed()]
    variances = [s["y"].var() / n for s in imputed.completed()]
    pooled = rubin_pool(means, variances, df_complete=n - 1)
    assert abs(pooled.estimate - 0.0) < 4 * pooled.std_error  # E[y] = E[x] = 0
    assert 0.0 - data["y"].mean() > 4 * pooled.std_error


# --------------------------------------------------------------------------- convergence


def test_rhat_is_near_one_for_converged_chains():
    data = _correlated(300, seed=9)
    data.loc[data.sample(frac=0.2, random_state=1).index, "z"] = np.nan
    table = mice(data, m=5, maxit=40, seed=10).rhat()
    assert list(table.index) == ["y", "z"]
    # 5 chains of 20 iterations after convergence: rank R-hat rarely exceeds 1.05 by chance.
    assert (table.to_numpy() < 1.1).all(), table


def test_rhat_flags_chains_started_far_apart():
    # x1 and x2 are missing together and correlated 0.9: each is imputed from the
    # other, so a chain forgets its start only by a factor of about rho^2 = 0.81 per
    # iteration; starts up to 20 sd apart are still about 8 sd apart after 4 iterations.
    # After 200 more, the last 100 iterations (autocorrelation about 0.81, so about 10
    # effective draws per chain) give an R-hat close to 1.
    rng = np.random.default_rng(11)
    n = 300
    x1 = rng.normal(size=n)
    data = pd.DataFrame({"x1": x1, "x2": x1 + rng.normal(scale=0.48, size=n),
                         "w": rng.normal(size=n)})  # fmt: skip
    rows = rng.uniform(size=n) < 0.4
    data.loc[rows, ["x1", "x2"]] = np.nan
    starts = [data.fillna(offset) for offset in (-10.0, -5.0, 5.0, 10.0)]
    imputed = mice(data, m=4, maxit=4, method="norm", data_init=starts, seed=12)
    assert (imputed.rhat(last=4)["mean"] > 1.1).all()
    assert (imputed.iterate(200).rhat(last=100).to_numpy() < 1.1).all()


# --------------------------------------------------------------------------- bad input


def _small() -> pd.DataFrame:
    return pd.DataFrame({
        "a": [1.0, np.nan, 3.0, 4.0, 2.0, 5.0],
        "b": pd.Categorical(["x", "y", None, "z", "x", "y"]),
        "c": [0.5, 1.5, 2.5, np.nan, 1.0, 2.0],
    })  # fmt: skip


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"method": {"a": "cart"}}, ValueError, "known methods are"),
        ({"method": {"b": "logreg"}}, ValueError, "binary column.*3 observed categories"),
        ({"method": {"b": "pmm"}}, ValueError, "needs a numeric column"),
        ({"method": {"a": "polyreg"}}, ValueError, "needs a categorical column"),
        ({"method": {"nope": "pmm"}}, ValueError, "`method` names columns not in `df`"),
        ({"method": 3}, TypeError, "`method`"),
        ({"predictor_matrix": pd.DataFrame(0, index=list("abd"), columns=list("abc"))},
         ValueError, r"unknown labels: \['d'\]"),
        ({"predictor_matrix": pd.DataFrame(1, index=list("abc"), columns=list("abc"))},
         ValueError, "non-zero diagonal"),
        ({"predictor_matrix": pd.DataFrame(3, index=list("abc"), columns=list("abc"))},
         ValueError, "0 and 1 only"),
        ({"predictor_matrix": {"a": ["a"]}}, ValueError, "cannot predict itself"),
        ({"predictor_matrix": {"a": ["q"]}}, ValueError, "not in `df`"),
        ({"predictor_matrix": [[0]]}, TypeError, "`predictor_matrix`"),
        ({"visit_sequence": "random"}, ValueError, "`visit_sequence`"),
        ({"visit_sequence": ["a", "q"]}, ValueError, "`visit_sequence` names"),
        ({"m": 0}, ValueError, "`m`"),
        ({"maxit": 0}, ValueError, "`maxit`"),
        ({"donors": 0}, ValueError, "`donors`"),
        ({"matchtype": 3}, ValueError, "`matchtype`"),
        ({"draw": "exact"}, ValueError, "`draw`"),
        ({"seed": -1}, ValueError, "`seed`"),
        ({"data_init": [_small()]}, TypeError, "`data_init`"),
        ({"data_init": _small()}, ValueError, "missing values in cells"),
    ],
)  # fmt: skip
def test_bad_arguments_are_refused_with_clear_messages(kwargs, error, message):
    with pytest.raises(error, match=message):
        mice(_small(), m=kwargs.pop("m", 2), **kwargs)


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (pd.DataFrame({"a": [1.0, np.nan, 2.0], "b": [np.nan] * 3}), "no observed value: b"),
        (pd.DataFrame({"a": [1.0, np.nan, 2.0], "b": [3.0, 3.0, np.nan]}), "constant column"),
        (pd.DataFrame({"a": [1.0, np.nan, 2.0]}), "at least 2 columns"),
        (pd.DataFrame({"a": [1.0, np.nan, 2.0],
                       "t": pd.to_datetime(["2020-01-01", "2021-01-01", "2022-01-01"])}),
         "dtype datetime64"),
        (pd.DataFrame({"a": [1.0, np.nan, 2.0], "b": [np.inf, 1.0, 2.0]}), "infinite"),
    ],
)  # fmt: skip
def test_bad_data_is_refused_with_clear_messages(frame, message):
    with pytest.raises(ValueError, match=message):
        mice(frame, m=1)
    with pytest.raises(TypeError, match="DataFrame"):
        mice(frame.to_numpy())


def test_a_missing_predictor_that_is_not_imputed_is_refused():
    with pytest.raises(ValueError, match=r"not imputed \(method ''\).*predict 'b'"):
        mice(_small(), m=1, method={"a": ""})
    # Without it among the predictors, it is fine: the column stays incomplete.
    imputed = mice(_small(), m=1, method={"a": ""}, predictor_matrix={"c": ["b"], "b": ["c"]})
    assert imputed.complete(1)["a"].isna().sum() == 1


def test_mids_methods_refuse_bad_arguments():
    imputed = mice(_small(), m=2, maxit=2, seed=1)
    with pytest.raises(ValueError, match="numbered from 1"):
        imputed.complete(3)
    with pytest.raises(ValueError, match="'long'"):
        imputed.complete("wide")
    with pytest.raises(ValueError, match="at least 4 iterations"):
        imputed.rhat()
    with pytest.raises(ValueError, match="m >= 2"):
        mice(_small(), m=1, maxit=8, seed=1).rhat()
    with pytest.raises(TypeError, match="`function`"):
        imputed.analyse(3)
    with pytest.raises(TypeError, match="made by"):
        Mids()
    assert "polyreg" in IMPUTATION_METHODS and "" in IMPUTATION_METHODS


REGRESSION_R_SCRIPT = """
suppressMessages(library(mice))
d <- read.csv("{csv}")
imp <- mice(d, m = {m}, maxit = {maxit}, method = "pmm", printFlag = FALSE, seed = 20263)
fits <- with(imp, lm(y ~ x))$analyses
write.csv(data.frame(b = sapply(fits, function(f) coef(f)[2]),
                     u = sapply(fits, function(f) vcov(f)[2, 2])), "{out}", row.names = FALSE)
"""


def test_pooled_slope_and_its_variances_agree_with_r_on_a_larger_sample(tmp_path):
    # 100 rows, y = 2 + 3x + N(0, 1), 30% of x and of y missing completely at random (the
    # book's running example). Q-bar, U-bar and B of the slope from R's mice (m = 100)
    # and from companion's (m = 400): means within 4 standard errors, log B within 4
    # delta-method standard errors (as in the nhanes tests above). Rubin's total variance
    # T = U-bar + (1 + 1/m) B is then right too: this is what the pooled interval uses.
    rscript = _require_r()
    rng = np.random.default_rng(2027)
    x = rng.normal(size=100)
    data = pd.DataFrame({"x": x, "y": 2 + 3 * x + rng.normal(size=100)})
    data = data.mask(rng.uniform(size=data.shape) < 0.3).dropna(how="all")
    data.to_csv(tmp_path / "d.csv", index=False)
    script = REGRESSION_R_SCRIPT.format(csv=tmp_path / "d.csv", out=tmp_path / "r.csv", m=100,
                                        maxit=MAXIT)  # fmt: skip
    subprocess.run([rscript, "-e", script], check=True, capture_output=True)
    r = pd.read_csv(tmp_path / "r.csv")
    fits = mice(pd.read_csv(tmp_path / "d.csv"), m=400, maxit=MAXIT, seed=9).analyse("y ~ x")
    ours = pd.DataFrame({"b": [f.params["x"] for f in fits], "u": [f.bse["x"] ** 2 for f in fits]})
    for name in ("b", "u"):
        se = np.sqrt(r[name].var() / len(r) + ours[name].var() / len(ours))
        assert abs(ours[name].mean() - r[name].mean()) < 4 * se, name
    se2 = [(stats.kurtosis(v, fisher=False) - (len(v) - 3) / (len(v) - 1)) / len(v)
           for v in (r["b"], ours["b"])]  # fmt: skip
    log_ratio = np.log(ours["b"].var() / r["b"].var())
    assert abs(log_ratio) < 4 * np.sqrt(sum(se2)), np.exp(log_ratio)
