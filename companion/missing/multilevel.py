r"""Multilevel imputation: a unit-level variable missing within clusters (mice's ``2l.norm``).

When the data are clustered (pupils in schools, patients in hospitals), an
imputation model that ignores the clusters draws every missing value from
the pooled distribution and so pulls the clusters together: the completed
data understate the between-cluster variance and the intraclass correlation
(van Buuren 2018, chapter 7). The two methods here impute a numeric column
from a linear mixed model with a random intercept per cluster,

.. math::

    y_{ij} = x_{ij}'\beta + z_{ij}' b_j + \varepsilon_{ij}, \qquad
    b_j \sim \mathcal N(\mu, \Psi), \qquad
    \varepsilon_{ij} \sim \mathcal N(0, \sigma_j^2),

where :math:`z_{ij}` holds the intercept and the predictors with random
slopes, :math:`x_{ij}` the predictors with fixed effects only, and the
within-cluster variances :math:`\sigma_j^2` are themselves drawn from a
common distribution (the *heterogeneous within-cluster variance* model of
Kasim and Raudenbush 1998):

* :func:`impute_2l_norm` runs the Gibbs sampler of mice's
  ``mice.impute.2l.norm`` (100 iterations from the same starting values at
  every call) on the rows where the column is observed and imputes
  :math:`x'\beta_* + z' b_{j*} + \sigma_{j*}\varepsilon` from the last draw;
* :func:`impute_2l_pmm` does predictive mean matching on the same model's
  predictions (as micemd's and miceadds' ``2l.pmm``): each missing row
  receives the observed value of a donor whose prediction (including its
  cluster's random effect) is close to its own.

One extension of mice: mice's ``2l.norm`` ignores predictors coded 1
(fixed effect only) in the predictor matrix and advises coding every
predictor 2. Here predictors coded 1 enter with a fixed coefficient, drawn in
one more Gibbs step from its conditional posterior (flat prior, weighted
least squares with weights :math:`1/\sigma_j^2`). With only predictors coded
2 the sampler is mice's.

References: Kasim and Raudenbush (1998), *Application of Gibbs sampling to
nested variance components models with heterogeneous within-group
variance*, Journal of Educational and Behavioral Statistics 23(2), 93-116;
van Buuren (2011), *Multiple imputation of multilevel data*, in Hox and
Roberts (eds.), Handbook of Advanced Multilevel Analysis, chapter 10;
van Buuren (2018), *Flexible Imputation of Missing Data*, 2nd ed., chapter 7.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from companion.missing.methods import match_donors

__all__ = [
    "GIBBS_ITERATIONS",
    "MultilevelDraw",
    "impute_2l_norm",
    "impute_2l_pmm",
    "multilevel_gibbs",
]

#: Iterations of the Gibbs sampler at every call (mice's ``n.iter`` in ``2l.norm``).
GIBBS_ITERATIONS = 100
_RIDGE = 1e-4  # mice's symridge(): a penalty of 1e-4 * diag on matrices larger than 1 x 1


def _symridge(matrix: np.ndarray, ridge: float = _RIDGE) -> np.ndarray:
    """Symmetrise (a stack of) square matrices and add ``ridge`` times the diagonal (mice)."""
    sym = (matrix + np.swapaxes(matrix, -1, -2)) / 2.0
    p = sym.shape[-1]
    if p == 1:
        return sym
    diagonal = np.diagonal(sym, axis1=-2, axis2=-1)
    return sym + ridge * diagonal[..., None] * np.eye(p)


def _wishart(df: float, inverse_scale: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Draw from Wishart(df, inverse_scale^{-1}) by Bartlett's construction (mice's rwishart)."""
    p = inverse_scale.shape[0]
    sigma = np.linalg.inv(_symridge(inverse_scale))
    upper = np.linalg.cholesky(_symridge(sigma)).T  # sigma = U'U
    z = np.zeros((p, p))
    z[np.diag_indices(p)] = np.sqrt(rng.chisquare(df - np.arange(p)))
    rows, cols = np.triu_indices(p, k=1)
    z[rows, cols] = rng.standard_normal(rows.size)
    product = z @ upper
    return product.T @ product


def _group_sums(groups: np.ndarray, values: np.ndarray, n_groups: int) -> np.ndarray:
    """Sum ``values`` (n, ...) over the rows of each group: shape (n_groups, ...)."""
    flat = values.reshape(values.shape[0], -1)
    out = np.empty((n_groups, flat.shape[1]))
    for k in range(flat.shape[1]):
        out[:, k] = np.bincount(groups, weights=flat[:, k], minlength=n_groups)
    return out.reshape((n_groups, *values.shape[1:]))


@dataclass(frozen=True)
class MultilevelDraw:
    """The last state of :func:`multilevel_gibbs` and the averages over its second half.

    Attributes
    ----------
    beta : numpy.ndarray, shape (q,)
        Fixed coefficients of the predictors with fixed effects only.
    b : numpy.ndarray, shape (J, p)
        Cluster coefficients (intercept first, then the random slopes).
    sigma2 : numpy.ndarray, shape (J,)
        Within-cluster residual variances.
    mu : numpy.ndarray, shape (p,)
        Mean of the cluster coefficients.
    psi : numpy.ndarray, shape (p, p)
        Covariance of the cluster coefficients.
    beta_mean, b_mean : numpy.ndarray
        Averages of ``beta`` and ``b`` over the second half of the iterations.
    """

    beta: np.ndarray
    b: np.ndarray
    sigma2: np.ndarray
    mu: np.ndarray
    psi: np.ndarray
    beta_mean: np.ndarray
    b_mean: np.ndarray


def multilevel_gibbs(
    y: np.ndarray,
    x_fixed: np.ndarray,
    x_random: np.ndarray,
    groups: np.ndarray,
    n_groups: int,
    rng: np.random.Generator,
    *,
    n_iter: int = GIBBS_ITERATIONS,
) -> MultilevelDraw:
    r"""Run the Gibbs sampler of the two-level normal model (mice's ``2l.norm``).

    Starting, as mice does at every call, from :math:`b_j = 0`,
    :math:`\mu = 0`, :math:`\Psi = I`, :math:`\sigma_j^2 = 1` (and
    :math:`\beta` at its least-squares value), each iteration draws in turn

    1. :math:`b_j \mid \cdot \sim \mathcal N(V_j (\sigma_j^{-2} Z_j' r_j +
       \Psi^{-1}\mu), V_j)`, :math:`V_j = (\sigma_j^{-2} Z_j'Z_j +
       \Psi^{-1})^{-1}`, with :math:`r_j = y_j - X_j\beta`;
    2. :math:`\mu \sim \mathcal N(\bar b, \Psi / J)`;
    3. :math:`\Psi^{-1} \sim \text{Wishart}(J - p - 1, S^{-1})`,
       :math:`S = \sum_j (b_j - \mu)(b_j - \mu)'`;
    4. :math:`\sigma_j^{-2} \sim \text{Gamma}(n_j/2 + 1/(2\theta),
       \text{rate} = \mathrm{SS}_j/2 + \sigma_0^2/(2\theta))` and the
       hyperparameters :math:`\sigma_0^2` and :math:`\theta` of the
       variances' common distribution, as in mice (Kasim and Raudenbush
       1998);
    5. (only with fixed-effect predictors) :math:`\beta \sim \mathcal
       N((X'WX)^{-1} X'W r, (X'WX)^{-1})`, :math:`W = \operatorname{diag}
       (\sigma_{j[i]}^{-2})`, :math:`r = y - Z b`.

    Parameters
    ----------
    y : numpy.ndarray, shape (n,)
        Observed outcome values.
    x_fixed : numpy.ndarray, shape (n, q)
        Predictors with fixed effects only (``q`` may be 0).
    x_random : numpy.ndarray, shape (n, p)
        Intercept column and the predictors with random slopes.
    groups : numpy.ndarray of int, shape (n,)
        Cluster of each row, codes ``0, ..., n_groups - 1``.
    n_groups : int
        Number of clusters :math:`J` (clusters without rows are drawn from
        the model's prior for the clusters); at least :math:`2p + 1`.
    rng : numpy.random.Generator
        Source of the random draws.
    n_iter : int, default 100
        Gibbs iterations (mice: 100).

    Returns
    -------
    MultilevelDraw
        The last draw and the averages over the second half of the run.

    Examples
    --------
    >>> import numpy as np
    >>> from companion.missing.multilevel import multilevel_gibbs
    >>> rng = np.random.default_rng(1)
    >>> groups = np.repeat(np.arange(30), 10)
    >>> y = 5.0 + rng.normal(size=30)[groups] + rng.normal(size=300)
    >>> draw = multilevel_gibbs(y, np.zeros((300, 0)), np.ones((300, 1)), groups, 30, rng)
    >>> bool(abs(draw.mu[0] - 5.0) < 1.0), draw.b.shape
    (True, (30, 1))
    """
    n, p = x_random.shape
    q = x_fixed.shape[1]
    j_count = int(n_groups)
    # Per-cluster cross-products of the observed rows (fixed for the whole run).
    ztz = _group_sums(groups, x_random[:, :, None] * x_random[:, None, :], j_count)
    zty = _group_sums(groups, x_random * y[:, None], j_count)
    ztx = _group_sums(groups, x_random[:, :, None] * x_fixed[:, None, :], j_count)
    n_g = np.bincount(groups, minlength=j_count).astype(float)
    if q:
        design = np.column_stack([x_fixed, x_random])
        beta = np.linalg.lstsq(design, y, rcond=None)[0][:q]
    else:
        beta = np.zeros(0)
    b = np.zeros((j_count, p))
    mu = np.zeros(p)
    inv_psi = np.eye(p)
    inv_sigma2 = np.ones(j_count)
    sigma2_0 = 1.0
    theta = 1.0
    keep_from = n_iter // 2
    b_sum = np.zeros_like(b)
    beta_sum = np.zeros_like(beta)
    for iteration in range(n_iter):
        # 1. cluster coefficients
        ztr = zty - ztx @ beta if q else zty
        precision = _symridge(inv_sigma2[:, None, None] * ztz + inv_psi)
        covariance = np.linalg.inv(precision)
        centre = inv_sigma2[:, None] * ztr + inv_psi @ mu
        mean = np.einsum("jab,jb->ja", covariance, centre)
        factor = np.linalg.cholesky(_symridge(covariance))
        b = mean + np.einsum("jab,jb->ja", factor, rng.standard_normal((j_count, p)))
        fitted_random = np.einsum("ia,ia->i", x_random, b[groups])
        residual = y - fitted_random - (x_fixed @ beta if q else 0.0)
        ss = np.bincount(groups, weights=residual**2, minlength=j_count)
        # 2.-3. their mean and covariance
        psi = np.linalg.inv(_symridge(inv_psi))
        mu = b.mean(axis=0) + np.linalg.cholesky(_symridge(psi / j_count)) @ rng.standard_normal(p)
        deviation = b - mu
        inv_psi = _wishart(j_count - p - 1, deviation.T @ deviation, rng)
        # 4. within-cluster variances and their hyperparameters (Kasim and Raudenbush)
        inv_sigma2 = rng.gamma(
            n_g / 2.0 + 1.0 / (2.0 * theta), 2.0 * theta / (ss * theta + sigma2_0)
        )
        harmonic = 1.0 / inv_sigma2.mean()
        sigma2_0 = rng.gamma(j_count / (2.0 * theta) + 1.0, 2.0 * theta * harmonic / j_count)
        log_geometric = np.mean(-np.log(inv_sigma2))
        spread = max(sigma2_0 / harmonic - np.log(sigma2_0) + log_geometric - 1.0, 1e-12)
        theta = 1.0 / rng.gamma(j_count / 2.0 - 1.0, 2.0 / (j_count * spread))
        # 5. fixed effects
        if q:
            weights = inv_sigma2[groups]
            partial = y - fitted_random
            precision_beta = _symridge(x_fixed.T @ (x_fixed * weights[:, None]))
            chol = np.linalg.cholesky(precision_beta)
            rhs = x_fixed.T @ (weights * partial)
            mean_beta = np.linalg.solve(chol.T, np.linalg.solve(chol, rhs))
            beta = mean_beta + np.linalg.solve(chol.T, rng.standard_normal(q))
        if iteration >= keep_from:
            b_sum += b
            beta_sum += beta
    kept = n_iter - keep_from
    return MultilevelDraw(
        beta=beta,
        b=b,
        sigma2=1.0 / inv_sigma2,
        mu=mu,
        psi=np.linalg.inv(_symridge(inv_psi)),
        beta_mean=beta_sum / kept,
        b_mean=b_sum / kept,
    )


def _check_clusters(cluster_obs, cluster_mis, x_obs, x_mis, random):
    cluster_obs = np.asarray(cluster_obs)
    cluster_mis = np.asarray(cluster_mis)
    if cluster_obs.shape != (x_obs.shape[0],) or cluster_mis.shape != (x_mis.shape[0],):
        raise ValueError(
            "`cluster_obs` and `cluster_mis` must give the cluster of each observed and each "
            "missing row (one label per row of `x_obs` and `x_mis`)."
        )
    labels, codes = np.unique(np.concatenate([cluster_obs, cluster_mis]), return_inverse=True)
    if random is None:
        random = np.ones(x_obs.shape[1], dtype=bool)
    random = np.asarray(random, dtype=bool)
    if random.shape != (x_obs.shape[1],):
        raise ValueError(
            f"`random` must mark each of the {x_obs.shape[1]} predictors (True: random slope)."
        )
    p = 1 + int(random.sum())
    if labels.size < 2 * p + 1:
        raise ValueError(
            f"the two-level model with {p} random coefficient(s) needs at least {2 * p + 1} "
            f"clusters (its covariance is drawn from a Wishart with J - p - 1 degrees of "
            f"freedom), got {labels.size}."
        )
    return codes[: x_obs.shape[0]], codes[x_obs.shape[0] :], labels.size, random


def _designs(x: np.ndarray, random: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x_random = np.column_stack([np.ones(x.shape[0]), x[:, random]])
    return x[:, ~random], x_random


def _predict(x_fixed, x_random, groups, beta, b) -> np.ndarray:
    fixed = x_fixed @ beta if beta.size else 0.0
    return fixed + np.einsum("ia,ia->i", x_random, b[groups])


def _fit_two_level(y_obs, x_obs, x_mis, rng, cluster_obs, cluster_mis, random, n_iter):
    """Run the Gibbs sampler on the observed rows; return the draw and each side's designs.

    The designs are (fixed part, random part, cluster codes), as :func:`_predict` takes them.
    """
    groups_obs, groups_mis, n_groups, random = _check_clusters(
        cluster_obs, cluster_mis, x_obs, x_mis, random
    )
    fixed_obs, random_obs = _designs(x_obs, random)
    draw = multilevel_gibbs(y_obs, fixed_obs, random_obs, groups_obs, n_groups, rng, n_iter=n_iter)
    fixed_mis, random_mis = _designs(x_mis, random)
    return draw, (fixed_obs, random_obs, groups_obs), (fixed_mis, random_mis, groups_mis)


def impute_2l_norm(
    y_obs: np.ndarray,
    x_obs: np.ndarray,
    x_mis: np.ndarray,
    rng: np.random.Generator,
    *,
    cluster_obs: np.ndarray,
    cluster_mis: np.ndarray,
    random: np.ndarray | None = None,
    n_iter: int = GIBBS_ITERATIONS,
    **_: object,
) -> np.ndarray:
    r"""Impute from the two-level normal model (mice's ``mice.impute.2l.norm``).

    Runs :func:`multilevel_gibbs` on the observed rows and imputes
    :math:`x'\beta_* + z'b_{j*} + \sigma_{j*}\varepsilon` with the last draw,
    :math:`\varepsilon \sim \mathcal N(0, 1)`, :math:`j` the missing row's
    cluster (a cluster without observed rows gets coefficients drawn from
    :math:`\mathcal N(\mu_*, \Psi_*)`, as in mice).

    Parameters
    ----------
    y_obs : numpy.ndarray, shape (n_obs,)
        Observed values of the column.
    x_obs, x_mis : numpy.ndarray, shape (n_obs, p) and (n_mis, p)
        Predictors (no intercept column; the random intercept is added).
    rng : numpy.random.Generator
        Source of the random draws.
    cluster_obs, cluster_mis : array-like, shape (n_obs,) and (n_mis,)
        Cluster labels of the observed and missing rows.
    random : array-like of bool, shape (p,), optional
        Which predictors have a random slope (predictor-matrix code 2);
        the others have a fixed coefficient (code 1). Default: all random,
        as mice's ``2l.norm``.
    n_iter : int, default 100
        Gibbs iterations per call.

    Returns
    -------
    numpy.ndarray, shape (n_mis,)
        Imputed values.

    Examples
    --------
    >>> import numpy as np
    >>> from companion.missing.multilevel import impute_2l_norm
    >>> rng = np.random.default_rng(2)
    >>> school = np.repeat(np.arange(20), 10)
    >>> y = rng.normal(size=20)[school] + rng.normal(size=200)
    >>> x = np.zeros((200, 0))
    >>> impute_2l_norm(y[:150], x[:150], x[150:], rng, cluster_obs=school[:150],
    ...                cluster_mis=school[150:]).shape
    (50,)
    """
    draw, _, missing = _fit_two_level(
        y_obs, x_obs, x_mis, rng, cluster_obs, cluster_mis, random, n_iter
    )
    mean = _predict(*missing, draw.beta, draw.b)
    groups_mis = missing[2]
    return mean + np.sqrt(draw.sigma2[groups_mis]) * rng.standard_normal(x_mis.shape[0])


def impute_2l_pmm(
    y_obs: np.ndarray,
    x_obs: np.ndarray,
    x_mis: np.ndarray,
    rng: np.random.Generator,
    *,
    cluster_obs: np.ndarray,
    cluster_mis: np.ndarray,
    random: np.ndarray | None = None,
    donors: int = 5,
    n_iter: int = GIBBS_ITERATIONS,
    **_: object,
) -> np.ndarray:
    r"""Impute by predictive mean matching on the two-level model (``2l.pmm``).

    The model is fitted as in :func:`impute_2l_norm`. As in type-1 matching
    of :func:`~companion.missing.methods.impute_pmm`, the observed rows are
    predicted with the estimates (the averages of :math:`\beta` and
    :math:`b_j` over the second half of the Gibbs run) and the missing rows
    with the last draw; both predictions include the row's cluster
    coefficients. Each missing row receives the observed value of a donor
    drawn among the ``donors`` observed rows (of any cluster) with the
    closest predictions.

    Matching needs predictions that vary within clusters. With the cluster
    alone (no unit-level predictor), every row of a cluster has the same
    prediction, so all the missing rows of a cluster draw their donors
    from the same few observed rows, often of a single other cluster: the
    completed data then overstate the between-cluster variance. Use
    :func:`impute_2l_norm` for such a model.

    Parameters
    ----------
    y_obs : numpy.ndarray, shape (n_obs,)
        Observed values of the column.
    x_obs, x_mis : numpy.ndarray, shape (n_obs, p) and (n_mis, p)
        Predictors (no intercept column).
    rng : numpy.random.Generator
        Source of the random draws.
    cluster_obs, cluster_mis : array-like, shape (n_obs,) and (n_mis,)
        Cluster labels of the observed and missing rows.
    random : array-like of bool, shape (p,), optional
        Which predictors have a random slope; default all.
    donors : int, default 5
        Number of candidate donors.
    n_iter : int, default 100
        Gibbs iterations per call.

    Returns
    -------
    numpy.ndarray, shape (n_mis,)
        Imputed values, each one of ``y_obs``.

    Examples
    --------
    >>> import numpy as np
    >>> from companion.missing.multilevel import impute_2l_pmm
    >>> rng = np.random.default_rng(3)
    >>> school = np.repeat(np.arange(20), 10)
    >>> y = np.round(rng.normal(size=20)[school] + rng.normal(size=200), 1)
    >>> x = np.zeros((200, 0))
    >>> values = impute_2l_pmm(y[:150], x[:150], x[150:], rng, cluster_obs=school[:150],
    ...                        cluster_mis=school[150:])
    >>> bool(np.isin(values, y[:150]).all())
    True
    """
    draw, observed, missing = _fit_two_level(
        y_obs, x_obs, x_mis, rng, cluster_obs, cluster_mis, random, n_iter
    )
    yhat_obs = _predict(*observed, draw.beta_mean, draw.b_mean)
    yhat_mis = _predict(*missing, draw.beta, draw.b)
    return y_obs[match_donors(yhat_obs, yhat_mis, donors, rng)]
