r"""Univariate imputation methods of the chained equations, as in R's mice.

Each method imputes one incomplete column from a design matrix of predictors
(the current values of the other columns, categorical ones as dummy
columns), in the rows where the column is missing. They share one
signature::

    method(y_obs, x_obs, x_mis, rng, **options) -> values for the missing rows

``y_obs`` are the column's observed values (integer codes ``0, ..., K-1``
for a categorical column), ``x_obs`` and ``x_mis`` the predictors (without
an intercept: every method adds its own) in the observed and in the missing
rows, ``rng`` a :class:`numpy.random.Generator`. Everything is NumPy and
SciPy: normal equations solved by Cholesky factors, logistic and softmax
regressions fitted by Newton's method, donors found in a sorted array.

========== ============================================ =====================
method     model                                        mice function
========== ============================================ =====================
``pmm``    predictive mean matching (type-1 matching)   ``mice.impute.pmm``
``norm``   Bayesian linear regression                   ``mice.impute.norm``
``logreg`` logistic regression with augmentation        ``mice.impute.logreg``
``polyreg`` multinomial logistic with augmentation      ``mice.impute.polyreg``
``sample`` random draw from the observed values         ``mice.impute.sample``
========== ============================================ =====================

One deliberate difference from mice: ``polyreg`` draws the coefficients of
the multinomial model from the normal approximation of their posterior
before drawing the categories, as ``logreg`` does. mice's
``mice.impute.polyreg`` draws the categories from the maximum-likelihood fit
of ``nnet::multinom`` and so ignores the uncertainty about the coefficients
(van Buuren 2018, section 3.6, calls such imputations improper); with many
observed rows the two agree.

References: van Buuren and Groothuis-Oudshoorn (2011), *mice: Multivariate
imputation by chained equations in R*, Journal of Statistical Software
45(3); van Buuren (2018), *Flexible Imputation of Missing Data*, 2nd ed.,
sections 3.2 (norm), 3.4 (pmm), 3.6 (logreg, polyreg) and 6.2.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import LinAlgError, cho_solve, cholesky, solve_triangular
from scipy.special import expit, log_expit, logsumexp

__all__ = [
    "augment",
    "impute_logreg",
    "impute_norm",
    "impute_pmm",
    "impute_polyreg",
    "impute_sample",
    "match_donors",
    "norm_draw",
]

RIDGE = 1e-5  # mice's default ridge: a penalty of RIDGE * diag(X'X)
_NEWTON_ITERATIONS = 50
_NEWTON_TOLERANCE = 1e-10


def _with_intercept(x: np.ndarray) -> np.ndarray:
    out = np.empty((x.shape[0], x.shape[1] + 1))
    out[:, 0] = 1.0
    out[:, 1:] = x
    return out


def _cholesky(matrix: np.ndarray, ridge: float) -> np.ndarray:
    """Lower Cholesky factor of ``matrix + ridge * diag(matrix)`` (ridge raised if needed)."""
    diagonal = np.diag(matrix).copy()
    diagonal[diagonal <= 0] = 1.0
    for factor in (1.0, 1e3, 1e6):
        penalised = matrix + np.diag(ridge * factor * diagonal)
        try:
            return cholesky(penalised, lower=True, check_finite=False)
        except LinAlgError:
            continue
    raise LinAlgError("the imputation model's cross-product matrix is not positive definite.")


def norm_draw(
    y_obs: np.ndarray,
    x_obs: np.ndarray,
    rng: np.random.Generator,
    *,
    ridge: float = RIDGE,
) -> tuple[np.ndarray, np.ndarray, float]:
    r"""Draw linear-regression parameters from their posterior (mice's ``.norm.draw``).

    With :math:`X` the design (intercept included), the least-squares fit
    :math:`\hat\beta = (X'X + \kappa\,\mathrm{diag}(X'X))^{-1} X'y` (ridge
    :math:`\kappa = 10^{-5}`), the residual sum of squares RSS and
    :math:`\nu = \max(n - p, 1)`, the draw is
    :math:`\sigma_*^2 = \mathrm{RSS} / g` with :math:`g \sim \chi^2_\nu` and
    :math:`\beta_* = \hat\beta + \sigma_* L^{-\top} z`, :math:`z \sim N(0, I)`,
    where :math:`LL'` is the Cholesky factorisation of the penalised
    :math:`X'X`; so :math:`\beta_* \sim N(\hat\beta, \sigma_*^2 (X'X)^{-1})`
    (Rubin 1987, p. 167; van Buuren 2018, algorithm 3.1). mice solves by QR
    and uses the ridge only for collinear predictors; the difference is of
    order :math:`10^{-5}`.

    Parameters
    ----------
    y_obs : numpy.ndarray, shape (n,)
        Observed outcome values.
    x_obs : numpy.ndarray, shape (n, p)
        Design matrix, including the intercept column.
    rng : numpy.random.Generator
        Source of the random draws.
    ridge : float, default 1e-5
        Relative ridge penalty.

    Returns
    -------
    tuple
        ``(beta_hat, beta_star, sigma_star)``.

    Examples
    --------
    >>> import numpy as np
    >>> from companion.missing.methods import norm_draw
    >>> x = np.column_stack([np.ones(4), [0.0, 1.0, 2.0, 3.0]])
    >>> beta_hat, beta_star, sigma = norm_draw(np.array([1.0, 3.0, 5.0, 7.0]), x,
    ...                                        np.random.default_rng(1))
    >>> np.round(beta_hat, 3)
    array([1., 2.])
    """
    n, p = x_obs.shape
    factor = _cholesky(x_obs.T @ x_obs, ridge)
    beta_hat = cho_solve((factor, True), x_obs.T @ y_obs, check_finite=False)
    residuals = y_obs - x_obs @ beta_hat
    dof = max(n - p, 1)
    sigma_star = float(np.sqrt(residuals @ residuals / rng.chisquare(dof)))
    z = rng.standard_normal(p)
    beta_star = beta_hat + sigma_star * solve_triangular(
        factor, z, lower=True, trans="T", check_finite=False
    )
    return beta_hat, beta_star, sigma_star


def _boot_draw(
    y_obs: np.ndarray, x_obs: np.ndarray, rng: np.random.Generator, *, ridge: float = RIDGE
) -> tuple[np.ndarray, np.ndarray, float]:
    """Parameters from a bootstrap sample (mice's ``mice.impute.norm.boot``)."""
    n, p = x_obs.shape
    full = _cholesky(x_obs.T @ x_obs, ridge)
    beta_hat = cho_solve((full, True), x_obs.T @ y_obs, check_finite=False)
    rows = rng.integers(0, n, n)
    xb, yb = x_obs[rows], y_obs[rows]
    factor = _cholesky(xb.T @ xb, ridge)
    beta_star = cho_solve((factor, True), xb.T @ yb, check_finite=False)
    residuals = yb - xb @ beta_star
    sigma_star = float(np.sqrt(residuals @ residuals / max(n - p, 1)))
    return beta_hat, beta_star, sigma_star


def _draw_parameters(y_obs, x_obs, rng, draw, ridge):
    if draw == "bayes":
        return norm_draw(y_obs, x_obs, rng, ridge=ridge)
    return _boot_draw(y_obs, x_obs, rng, ridge=ridge)


def match_donors(
    yhat_obs: np.ndarray, yhat_mis: np.ndarray, donors: int, rng: np.random.Generator
) -> np.ndarray:
    r"""Pick, for each missing row, one of the ``donors`` observed rows with the closest prediction.

    The observed predictions are shuffled and then sorted (so that ties are
    broken at random, as mice's ``matchindex`` does); the ``donors`` nearest
    of each missing row lie in a window of ``2 * donors`` sorted values
    around its insertion point, so the search costs
    :math:`O((n_\text{obs} + n_\text{mis}) \log n_\text{obs})` rather than a full
    distance matrix.

    Parameters
    ----------
    yhat_obs : numpy.ndarray, shape (n_obs,)
        Predictions for the observed rows.
    yhat_mis : numpy.ndarray, shape (n_mis,)
        Predictions for the missing rows.
    donors : int
        Number of candidate donors (at most ``n_obs`` are used).
    rng : numpy.random.Generator
        Source of the random choices.

    Returns
    -------
    numpy.ndarray of int, shape (n_mis,)
        Positions in ``yhat_obs`` of the chosen donors.

    Examples
    --------
    >>> import numpy as np
    >>> from companion.missing.methods import match_donors
    >>> match_donors(np.array([0.0, 10.0, 20.0]), np.array([19.0, 1.0]), 1,
    ...              np.random.default_rng(0))
    array([2, 0])
    """
    n_obs = yhat_obs.shape[0]
    k = min(int(donors), n_obs)
    shuffled = rng.permutation(n_obs)
    order = shuffled[np.argsort(yhat_obs[shuffled], kind="stable")]
    ordered = yhat_obs[order]
    position = np.searchsorted(ordered, yhat_mis)
    candidates = position[:, None] + np.arange(-k, k)[None, :]
    inside = (candidates >= 0) & (candidates < n_obs)
    np.clip(candidates, 0, n_obs - 1, out=candidates)
    distance = np.abs(ordered[candidates] - yhat_mis[:, None])
    distance[~inside] = np.inf
    if k < distance.shape[1]:
        nearest = np.argpartition(distance, k - 1, axis=1)[:, :k]
    else:
        nearest = np.argsort(distance, axis=1)[:, :k]
    rows = np.arange(yhat_mis.shape[0])
    chosen = nearest[rows, rng.integers(0, k, yhat_mis.shape[0])]
    return order[candidates[rows, chosen]]


def impute_pmm(
    y_obs: np.ndarray,
    x_obs: np.ndarray,
    x_mis: np.ndarray,
    rng: np.random.Generator,
    *,
    donors: int = 5,
    matchtype: int = 1,
    draw: str = "bayes",
    ridge: float = RIDGE,
) -> np.ndarray:
    r"""Impute by predictive mean matching (mice's ``mice.impute.pmm``).

    The regression parameters are drawn by :func:`norm_draw`; the observed
    rows are predicted with :math:`\hat\beta` and the missing rows with
    :math:`\beta_*` (``matchtype=1``, mice's default; ``0``: both with
    :math:`\hat\beta`, ``2``: both with :math:`\beta_*`). Each missing row
    receives the observed value of a donor drawn at random among the
    ``donors`` observed rows with the closest predictions.

    Parameters
    ----------
    y_obs : numpy.ndarray, shape (n_obs,)
        Observed values of the column.
    x_obs, x_mis : numpy.ndarray, shape (n_obs, p) and (n_mis, p)
        Predictors (no intercept column) in the observed and missing rows.
    rng : numpy.random.Generator
        Source of the random draws.
    donors : int, default 5
        Number of candidate donors.
    matchtype : int, one of 0, 1, 2, default 1
        Which coefficients predict the observed and the missing rows.
    draw : str, one of "bayes", "boot", default "bayes"
        Parameter draw: from the posterior, or a bootstrap refit.
    ridge : float, default 1e-5
        Relative ridge penalty of the normal equations.

    Returns
    -------
    numpy.ndarray, shape (n_mis,)
        Imputed values, each one of ``y_obs``.

    Examples
    --------
    >>> import numpy as np
    >>> from companion.missing.methods import impute_pmm
    >>> rng = np.random.default_rng(2)
    >>> x = rng.normal(size=(50, 1))
    >>> y = 2 * x[:, 0] + rng.normal(size=50)
    >>> values = impute_pmm(y[:40], x[:40], x[40:], rng)
    >>> bool(np.isin(values, y[:40]).all())
    True
    """
    x1_obs, x1_mis = _with_intercept(x_obs), _with_intercept(x_mis)
    beta_hat, beta_star, _ = _draw_parameters(y_obs, x1_obs, rng, draw, ridge)
    obs_coef = beta_star if matchtype == 2 else beta_hat
    mis_coef = beta_hat if matchtype == 0 else beta_star
    chosen = match_donors(x1_obs @ obs_coef, x1_mis @ mis_coef, donors, rng)
    return y_obs[chosen]


def impute_norm(
    y_obs: np.ndarray,
    x_obs: np.ndarray,
    x_mis: np.ndarray,
    rng: np.random.Generator,
    *,
    draw: str = "bayes",
    ridge: float = RIDGE,
    **_: object,
) -> np.ndarray:
    r"""Impute by Bayesian linear regression (mice's ``mice.impute.norm``).

    Draws :math:`(\beta_*, \sigma_*)` with :func:`norm_draw` and imputes
    :math:`x_\text{mis}'\beta_* + \sigma_* \varepsilon`,
    :math:`\varepsilon \sim N(0, 1)`.

    Parameters
    ----------
    y_obs : numpy.ndarray, shape (n_obs,)
        Observed values of the column.
    x_obs, x_mis : numpy.ndarray, shape (n_obs, p) and (n_mis, p)
        Predictors (no intercept column).
    rng : numpy.random.Generator
        Source of the random draws.
    draw : str, one of "bayes", "boot", default "bayes"
        Parameter draw: from the posterior (``norm``), or a bootstrap refit
        (mice's ``norm.boot``).
    ridge : float, default 1e-5
        Relative ridge penalty of the normal equations.

    Returns
    -------
    numpy.ndarray, shape (n_mis,)
        Imputed values.

    Examples
    --------
    >>> import numpy as np
    >>> from companion.missing.methods import impute_norm
    >>> rng = np.random.default_rng(3)
    >>> impute_norm(np.array([1.0, 2.0, 3.0]), np.zeros((3, 0)), np.zeros((2, 0)), rng).shape
    (2,)
    """
    x1_obs = _with_intercept(x_obs)
    _, beta_star, sigma_star = _draw_parameters(y_obs, x1_obs, rng, draw, ridge)
    return _with_intercept(x_mis) @ beta_star + sigma_star * rng.standard_normal(x_mis.shape[0])


def impute_sample(
    y_obs: np.ndarray,
    x_obs: np.ndarray,
    x_mis: np.ndarray,
    rng: np.random.Generator,
    **_: object,
) -> np.ndarray:
    """Impute by a random draw from the observed values (mice's ``mice.impute.sample``).

    Parameters
    ----------
    y_obs : numpy.ndarray, shape (n_obs,)
        Observed values of the column.
    x_obs, x_mis : numpy.ndarray
        Ignored (only the number of missing rows is used).
    rng : numpy.random.Generator
        Source of the random draws.

    Returns
    -------
    numpy.ndarray, shape (n_mis,)
        Values drawn with replacement from ``y_obs``.

    Examples
    --------
    >>> import numpy as np
    >>> from companion.missing.methods import impute_sample
    >>> impute_sample(np.array([4.0]), np.zeros((1, 0)), np.zeros((3, 0)),
    ...               np.random.default_rng(0))
    array([4., 4., 4.])
    """
    return y_obs[rng.integers(0, y_obs.shape[0], x_mis.shape[0])]


def augment(
    codes: np.ndarray, x_all: np.ndarray, n_categories: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""Pseudo-observations that keep logistic fits finite (mice's ``augment``).

    For each of the :math:`p` predictors and each of the :math:`K`
    categories, two records with that predictor at its mean :math:`\pm`
    half its standard deviation (clipped to its range) and the other
    predictors at their means, each weighted :math:`(p + 1) / (2pK)`: in
    total :math:`p + 1` observations' worth of weight that prevents
    perfect prediction (White, Daniel and Royston 2010).

    Parameters
    ----------
    codes : numpy.ndarray
        The category codes (only their number matters, ``n_categories``).
    x_all : numpy.ndarray, shape (n, p)
        Predictors in all rows (their means, sds and ranges are used).
    n_categories : int
        Number of categories :math:`K`.

    Returns
    -------
    tuple of numpy.ndarray
        ``(x, y, w)``: the pseudo-records' predictors (shape (2pK, p)),
        category codes and weights.

    Examples
    --------
    >>> import numpy as np
    >>> from companion.missing.methods import augment
    >>> x, y, w = augment(np.array([0, 1]), np.array([[0.0], [2.0]]), 2)
    >>> np.round(x[:, 0], 3).tolist(), y.tolist(), float(w.sum())
    ([1.707, 0.293, 1.707, 0.293], [0, 0, 1, 1], 2.0)
    """
    n, p = x_all.shape
    k = int(n_categories)
    rows = 2 * p * k
    if p == 0:
        return np.zeros((0, 0)), np.zeros(0, dtype=int), np.zeros(0)
    mean = x_all.mean(axis=0)
    sd = x_all.std(axis=0, ddof=1) if n > 1 else np.zeros(p)
    shift = np.zeros((rows, p))
    block = np.tile([0.5, -0.5], k)
    for j in range(p):
        shift[2 * k * j : 2 * k * (j + 1), j] = block
    pseudo = np.clip(mean + shift * sd, x_all.min(axis=0), x_all.max(axis=0))
    y = np.tile(np.repeat(np.arange(k), 2), p)
    return pseudo, y, np.full(rows, (p + 1) / rows)


def _newton_ascent(loglik, gradient_hessian, beta, ridge: float, unflatten):
    """Maximise ``loglik`` by Newton's method with step halving.

    ``gradient_hessian(beta)`` returns the gradient and the negative Hessian
    (flattened), ``unflatten`` shapes a step like ``beta``. Returns the
    maximiser and the Cholesky factor of the negative Hessian there.
    """
    current = loglik(beta)
    for _ in range(_NEWTON_ITERATIONS):
        gradient, hessian = gradient_hessian(beta)
        factor = _cholesky(hessian, ridge)
        step = unflatten(cho_solve((factor, True), gradient, check_finite=False))
        scale = 1.0
        while True:  # step halving keeps every Newton step uphill
            trial = loglik(beta + scale * step)
            if trial >= current - 1e-12 or scale < 1e-6:
                break
            scale /= 2.0
        beta = beta + scale * step
        change, current = abs(trial - current), trial
        if change < _NEWTON_TOLERANCE * (abs(current) + 0.1):
            break
    _, hessian = gradient_hessian(beta)
    return beta, _cholesky(hessian, ridge)


def _logistic_fit(x: np.ndarray, y: np.ndarray, w: np.ndarray, ridge: float):
    """Weighted logistic regression by Newton's method; returns (beta, Cholesky of Hessian)."""
    p = x.shape[1]
    beta = np.zeros(p)
    wy = w * y

    def loglik(b):
        eta = x @ b
        return float(wy @ eta + w @ log_expit(-eta))

    def gradient_hessian(b):
        mu = expit(x @ b)
        return x.T @ (wy - w * mu), x.T @ (x * (w * mu * (1.0 - mu))[:, None])

    return _newton_ascent(loglik, gradient_hessian, beta, ridge, lambda step: step)


def impute_logreg(
    y_obs: np.ndarray,
    x_obs: np.ndarray,
    x_mis: np.ndarray,
    rng: np.random.Generator,
    *,
    ridge: float = RIDGE,
    **_: object,
) -> np.ndarray:
    r"""Impute a binary column by logistic regression (mice's ``mice.impute.logreg``).

    The data are augmented with :func:`augment`'s pseudo-records, the
    logistic regression is fitted by Newton's method (iteratively reweighted
    least squares, the Hessian factored by Cholesky), the coefficients are
    drawn from the normal approximation of their posterior,
    :math:`\beta_* \sim N(\hat\beta, (X'WX)^{-1})`, and each missing value
    is 1 with probability :math:`\operatorname{logit}^{-1}(x'\beta_*)`.

    Parameters
    ----------
    y_obs : numpy.ndarray, shape (n_obs,)
        Observed codes, 0 or 1.
    x_obs, x_mis : numpy.ndarray, shape (n_obs, p) and (n_mis, p)
        Predictors (no intercept column).
    rng : numpy.random.Generator
        Source of the random draws.
    ridge : float, default 1e-5
        Relative ridge added to the Hessian for numerical stability.

    Returns
    -------
    numpy.ndarray of float, shape (n_mis,)
        Imputed codes, 0.0 or 1.0.

    Examples
    --------
    >>> import numpy as np
    >>> from companion.missing.methods import impute_logreg
    >>> rng = np.random.default_rng(4)
    >>> x = rng.normal(size=(200, 1))
    >>> y = (rng.uniform(size=200) < 1 / (1 + np.exp(-2 * x[:, 0]))).astype(float)
    >>> sorted(set(impute_logreg(y[:150], x[:150], x[150:], rng).tolist()))
    [0.0, 1.0]
    """
    x_all = np.vstack([x_obs, x_mis])
    pseudo, y_pseudo, w_pseudo = augment(y_obs, x_all, 2)
    design = _with_intercept(np.vstack([x_obs, pseudo]) if pseudo.size else x_obs)
    y = np.concatenate([y_obs, y_pseudo])
    w = np.concatenate([np.ones(y_obs.shape[0]), w_pseudo])
    beta_hat, factor = _logistic_fit(design, y, w, ridge)
    z = rng.standard_normal(beta_hat.shape[0])
    beta_star = beta_hat + solve_triangular(factor, z, lower=True, trans="T", check_finite=False)
    probability = expit(_with_intercept(x_mis) @ beta_star)
    return (rng.uniform(size=x_mis.shape[0]) <= probability).astype(float)


def _softmax_fit(x: np.ndarray, y: np.ndarray, w: np.ndarray, k: int, ridge: float):
    """Weighted multinomial logistic regression (first category the reference) by Newton."""
    n, p = x.shape
    onehot = np.zeros((n, k))
    onehot[np.arange(n), y] = 1.0
    wy = onehot * w[:, None]
    beta = np.zeros((p, k - 1))

    def loglik(b):
        eta = np.zeros((n, k))
        eta[:, 1:] = x @ b
        return float((wy * eta).sum() - w @ logsumexp(eta, axis=1))

    def gradient_hessian(b):
        eta = np.zeros((n, k))
        eta[:, 1:] = x @ b
        prob = np.exp(eta - logsumexp(eta, axis=1, keepdims=True))[:, 1:]
        gradient = x.T @ (wy[:, 1:] - w[:, None] * prob)  # p x (k - 1)
        hessian = np.empty((k - 1, p, k - 1, p))
        for a in range(k - 1):
            for c in range(a, k - 1):
                weight = w * prob[:, a] * ((a == c) - prob[:, c])
                block = x.T @ (x * weight[:, None])
                hessian[a, :, c, :] = block
                hessian[c, :, a, :] = block.T
        return gradient.T.reshape(-1), hessian.reshape((k - 1) * p, (k - 1) * p)

    return _newton_ascent(
        loglik, gradient_hessian, beta, ridge, lambda step: step.reshape(k - 1, p).T
    )


def impute_polyreg(
    y_obs: np.ndarray,
    x_obs: np.ndarray,
    x_mis: np.ndarray,
    rng: np.random.Generator,
    *,
    n_categories: int | None = None,
    ridge: float = RIDGE,
    **_: object,
) -> np.ndarray:
    r"""Impute an unordered categorical column by multinomial logistic regression.

    As mice's ``mice.impute.polyreg``: the data are augmented with
    :func:`augment`'s pseudo-records and a softmax regression (first
    category the reference) is fitted, here by Newton's method with step
    halving. Unlike mice, which draws the categories from the fitted
    probabilities of ``nnet::multinom`` (improper: the coefficients are
    fixed at their estimates), the coefficients are first drawn from the
    normal approximation of their posterior, :math:`\beta_* \sim
    N(\hat\beta, H^{-1})` with :math:`H` the observed information, as
    :func:`impute_logreg` does; then each missing row's category is drawn
    from the softmax probabilities at :math:`\beta_*`.

    Parameters
    ----------
    y_obs : numpy.ndarray, shape (n_obs,)
        Observed codes ``0, ..., K-1``.
    x_obs, x_mis : numpy.ndarray, shape (n_obs, p) and (n_mis, p)
        Predictors (no intercept column).
    rng : numpy.random.Generator
        Source of the random draws.
    n_categories : int, optional
        :math:`K`; by default the largest observed code plus one.
    ridge : float, default 1e-5
        Relative ridge added to the Hessian for numerical stability.

    Returns
    -------
    numpy.ndarray of float, shape (n_mis,)
        Imputed codes.

    Examples
    --------
    >>> import numpy as np
    >>> from companion.missing.methods import impute_polyreg
    >>> rng = np.random.default_rng(5)
    >>> x = rng.normal(size=(300, 1))
    >>> y = np.digitize(x[:, 0] + rng.normal(size=300), [-0.5, 0.5]).astype(float)
    >>> sorted(set(impute_polyreg(y[:200], x[:200], x[200:], rng).tolist()))
    [0.0, 1.0, 2.0]
    """
    codes = y_obs.astype(int)
    k = int(codes.max()) + 1 if n_categories is None else int(n_categories)
    x_all = np.vstack([x_obs, x_mis])
    pseudo, y_pseudo, w_pseudo = augment(codes, x_all, k)
    design = _with_intercept(np.vstack([x_obs, pseudo]) if pseudo.size else x_obs)
    y = np.concatenate([codes, y_pseudo])
    w = np.concatenate([np.ones(codes.shape[0]), w_pseudo])
    beta_hat, factor = _softmax_fit(design, y, w, k, ridge)
    z = rng.standard_normal(factor.shape[0])
    shift = solve_triangular(factor, z, lower=True, trans="T", check_finite=False)
    beta_star = beta_hat + shift.reshape(k - 1, -1).T
    eta = np.zeros((x_mis.shape[0], k))
    eta[:, 1:] = _with_intercept(x_mis) @ beta_star
    prob = np.exp(eta - logsumexp(eta, axis=1, keepdims=True))
    cumulative = np.cumsum(prob, axis=1)
    u = rng.uniform(size=(x_mis.shape[0], 1))
    return np.minimum((u > cumulative).sum(axis=1), k - 1).astype(float)


METHODS = {
    "pmm": impute_pmm,
    "norm": impute_norm,
    "logreg": impute_logreg,
    "polyreg": impute_polyreg,
    "sample": impute_sample,
}
