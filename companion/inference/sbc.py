r"""Simulation-based calibration (Talts et al. 2018).

If parameters are drawn from the prior, :math:`\tilde\theta \sim p(\theta)`,
data from the model, :math:`\tilde y \sim p(y \mid \tilde\theta)`, and
:math:`L` draws :math:`\theta^{(1)}, \dots, \theta^{(L)}` from the posterior
:math:`p(\theta \mid \tilde y)`, then the rank

.. math:: r = \#\{\, l : \theta^{(l)} < \tilde\theta \,\}

is uniform on :math:`\{0, 1, \dots, L\}`. A sampler that draws from the
wrong distribution (too narrow, too wide, biased) leaves a mark on the
histogram of ranks over many replicates.

* :func:`sbc_ranks` computes ranks from true values and posterior draws;
* :func:`simulation_based_calibration` runs the whole loop for a PyMC model
  from :mod:`companion.hierarchical.models`, compiling it once with nutpie;
* :func:`binned_ranks` and :func:`rank_uniformity_test` bin the ranks and
  test their uniformity with a chi-square test.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from companion._draws import stacked
from companion._random import sampler_seed
from companion._validation import (
    SeedLike,
    check_count,
    check_probability,
    check_rng,
    check_vector,
)
from companion.options import resolve_progressbar

if TYPE_CHECKING:
    import pandas as pd
    import pymc as pm

__all__ = [
    "DEFAULT_VARS",
    "binned_ranks",
    "rank_uniformity_test",
    "sbc_ranks",
    "simulation_based_calibration",
]

#: Variables whose calibration is checked by default, when the model has them.
DEFAULT_VARS = ("mu", "tau", "sigma", "theta")


# --------------------------------------------------------------------------- ranks
def sbc_ranks(truth: Mapping[str, object], draws: Mapping[str, object]) -> pd.DataFrame:
    r"""Rank of each true value among its replicate's posterior draws.

    Parameters
    ----------
    truth : dict of str to array-like
        For each scalar parameter, its true value in each of :math:`S`
        replicates, shape ``(S,)``.
    draws : dict of str to array-like
        The same keys; posterior draws of shape ``(S, L)``: row ``i`` holds
        the :math:`L` draws given replicate ``i``'s data.

    Returns
    -------
    pandas.DataFrame
        One row per replicate, one column per parameter, integer ranks in
        ``0..L``; ``attrs["n_draws"]`` is :math:`L`.

    Examples
    --------
    >>> from companion.inference import sbc_ranks
    >>> ranks = sbc_ranks({"mu": [0.0, 1.0]}, {"mu": [[-1, 0.5, 2], [0, 0.5, 0.9]]})
    >>> ranks["mu"].tolist(), ranks.attrs["n_draws"]
    ([1, 3], 3)
    """
    import pandas as pd

    if not isinstance(truth, Mapping) or not truth:
        raise ValueError("`truth` must be a non-empty dict of parameter name to values.")
    if not isinstance(draws, Mapping) or set(draws) != set(truth):
        raise ValueError("`draws` must be a dict with the same keys as `truth`.")
    columns, shape = {}, None
    for name, values in truth.items():
        true = check_vector(values, f"truth[{name!r}]")
        posterior = np.asarray(draws[name], dtype=float)
        if posterior.ndim != 2 or posterior.shape[0] != true.size:
            raise ValueError(
                f"`draws[{name!r}]` must have shape ({true.size}, L), got {posterior.shape}."
            )
        if shape is not None and posterior.shape != shape:
            raise ValueError(f"`draws[{name!r}]` has shape {posterior.shape}, others {shape}.")
        if np.isnan(posterior).any():
            raise ValueError(f"`draws[{name!r}]` contains NaN.")
        shape = posterior.shape
        columns[name] = (posterior < true[:, None]).sum(axis=1)
    ranks = pd.DataFrame(columns)
    ranks.index.name = "replicate"
    ranks.attrs["n_draws"] = int(shape[1])
    return ranks


def _n_draws(ranks: pd.DataFrame, n_draws: int | None) -> int:
    import pandas as pd

    if not isinstance(ranks, pd.DataFrame) or ranks.empty:
        raise ValueError("`ranks` must be a non-empty DataFrame (from sbc_ranks).")
    if n_draws is None:
        n_draws = ranks.attrs.get("n_draws")
        if n_draws is None:
            raise ValueError("`n_draws` is needed: `ranks` does not record it in attrs.")
    n_draws = check_count(n_draws, "n_draws", 1)
    values = ranks.to_numpy()
    if (values < 0).any() or (values > n_draws).any():
        raise ValueError(f"`ranks` must lie in 0..{n_draws} (`n_draws`).")
    return n_draws


def binned_ranks(
    ranks: pd.DataFrame, *, bins: int = 20, n_draws: int | None = None
) -> tuple[pd.DataFrame, np.ndarray]:
    r"""Count ranks in :math:`K` = ``bins`` bins, with each bin's probability under uniformity.

    Rank :math:`r \in \{0, \dots, L\}` goes to bin
    :math:`\lfloor r \cdot K / (L + 1) \rfloor`; when :math:`K` does not
    divide :math:`L + 1` the bins hold unequal numbers of rank values, which
    the returned probabilities account for.

    Returns
    -------
    counts : pandas.DataFrame
        One row per bin, one column per parameter.
    probabilities : numpy.ndarray
        Probability of each bin when the ranks are uniform.

    Examples
    --------
    >>> import pandas as pd
    >>> from companion.inference import binned_ranks
    >>> ranks = pd.DataFrame({"mu": [0, 1, 2, 3]})
    >>> counts, p = binned_ranks(ranks, bins=2, n_draws=3)
    >>> counts["mu"].tolist(), p.tolist()
    ([2, 2], [0.5, 0.5])
    """
    import pandas as pd

    n_draws = _n_draws(ranks, n_draws)
    bins = check_count(bins, "bins", 2)
    if bins > n_draws + 1:
        raise ValueError(f"`bins`={bins} exceeds the {n_draws + 1} possible ranks.")
    bin_of = np.arange(n_draws + 1) * bins // (n_draws + 1)
    probabilities = np.bincount(bin_of, minlength=bins) / (n_draws + 1)
    counts = {
        name: np.bincount(bin_of[ranks[name].to_numpy(dtype=int)], minlength=bins)
        for name in ranks.columns
    }
    return pd.DataFrame(counts, index=pd.RangeIndex(bins, name="bin")), probabilities


def rank_uniformity_test(
    ranks: pd.DataFrame, *, bins: int = 20, n_draws: int | None = None
) -> pd.DataFrame:
    r"""Chi-square test that each parameter's ranks are uniform.

    With :math:`O_b` ranks in bin :math:`b` and :math:`E_b = S p_b` expected,
    :math:`X^2 = \sum_b (O_b - E_b)^2 / E_b` is approximately
    :math:`\chi^2_{K-1}` under uniformity. Each parameter is tested
    separately: with many parameters, a few small p-values arise by chance.

    Parameters
    ----------
    ranks : pandas.DataFrame
        From :func:`sbc_ranks` or :func:`simulation_based_calibration`.
    bins : int, default 20
        Number of bins; every bin should expect at least 5 ranks.
    n_draws : int, optional
        :math:`L`; read from ``ranks.attrs`` when not given.

    Returns
    -------
    pandas.DataFrame
        One row per parameter: ``chi2``, ``df`` and ``p_value``.

    Examples
    --------
    >>> import pandas as pd
    >>> from companion.inference import rank_uniformity_test
    >>> flat = pd.DataFrame({"mu": list(range(100)) * 2})
    >>> rank_uniformity_test(flat, bins=10, n_draws=99)["p_value"].item()
    1.0
    """
    import pandas as pd
    from scipy import stats

    counts, probabilities = binned_ranks(ranks, bins=bins, n_draws=n_draws)
    expected = len(ranks) * probabilities
    if expected.min() < 5:
        raise ValueError(
            f"`bins`={bins}: a bin expects only {expected.min():.1f} of {len(ranks)} ranks; "
            "use fewer bins or more replicates (at least 5 per bin)."
        )
    chi2 = (((counts.to_numpy() - expected[:, None]) ** 2) / expected[:, None]).sum(axis=0)
    df = len(probabilities) - 1
    table = pd.DataFrame(
        {"chi2": chi2, "df": df, "p_value": stats.chi2.sf(chi2, df)}, index=counts.columns
    )
    table.index.name = "parameter"
    return table


# --------------------------------------------------------------------------- MCMC
def _flatten(values: np.ndarray, name: str, labels: Sequence | None) -> dict[str, np.ndarray]:
    """Split an array (replicates or draws first, then one optional dimension) by label."""
    if values.ndim == 1:
        return {name: values}
    if values.ndim != 2:
        raise ValueError(f"`var_names`: {name!r} has more than one dimension besides draws.")
    labels = range(values.shape[1]) if labels is None else labels
    return {f"{name}[{label}]": values[:, j] for j, label in enumerate(labels)}


def _model_variables(model: pm.Model, var_names: Sequence[str] | None) -> list[str]:
    if "y_obs" not in model.named_vars:
        raise ValueError(
            "`model` must hold its outcome as pm.Data 'y_obs' (see companion.hierarchical)."
        )
    if var_names is None:
        return [name for name in DEFAULT_VARS if name in model.named_vars]
    names = [var_names] if isinstance(var_names, str) else list(var_names)
    unknown = [name for name in names if name not in model.named_vars]
    if unknown or not names:
        raise ValueError(f"`var_names` {unknown or names} are not variables of `model`.")
    return names


def _labels(model: pm.Model, name: str) -> Sequence | None:
    dims = model.named_vars_to_dims.get(name, ())
    return model.coords[dims[0]] if dims else None


def simulation_based_calibration(
    model: pm.Model,
    *,
    n_replicates: int = 100,
    n_draws: int = 99,
    thin: int = 5,
    chains: int = 2,
    tune: int = 500,
    target_accept: float | None = None,
    var_names: Sequence[str] | None = None,
    seed: SeedLike = None,
    progressbar: bool | None = None,
) -> pd.DataFrame:
    r"""Simulation-based calibration of a companion model fitted with NUTS.

    The data set of each replicate is drawn from the model's prior
    predictive distribution (same design: group sizes, standard errors);
    the model is compiled once with nutpie and refitted to each data set;
    the :math:`L` kept draws are every ``thin``-th draw of each chain.

    Parameters
    ----------
    model : pymc.Model
        From :mod:`companion.hierarchical.models` (the outcome is ``pm.Data`` ``y_obs``),
        with proper priors.
    n_replicates : int, default 100
        Number of simulated data sets :math:`S`.
    n_draws : int, default 99
        Posterior draws kept per replicate, :math:`L`; ranks lie in
        ``0..L``, so ``L + 1 = 100`` splits evenly into 10 or 20 bins.
    thin : int, default 5
        Keep every ``thin``-th draw, to reduce autocorrelation.
    chains : int, default 2
        NUTS chains per replicate.
    tune : int, default 500
        NUTS tuning steps per chain and replicate.
    target_accept : float, optional
        NUTS target acceptance rate, in (0, 1); by default nutpie's (0.8).
        Higher values take smaller steps, for fewer divergent transitions.
    var_names : sequence of str, optional
        Parameters to check; default those of ``mu``, ``tau``, ``sigma``,
        ``theta`` in the model. Vector parameters get one column per group,
        e.g. ``theta[School 1]``.
    seed : int or numpy.random.Generator or None
        ``None`` draws a fresh seed.
    progressbar : bool, optional
        Show progress over the replicates; by default as set by
        :func:`companion.options.set_options`.

    Returns
    -------
    pandas.DataFrame
        Ranks, one row per replicate; ``attrs["n_draws"]`` is :math:`L`,
        ``attrs["divergences"]`` the divergent transitions of each fit, and
        ``attrs["max_rhat"]``, ``attrs["min_ess_bulk"]`` and
        ``attrs["min_ess_tail"]`` each fit's largest :math:`\hat R` and
        smallest bulk and tail ESS over the checked parameters, computed
        from all its draws before thinning (as
        :func:`companion.sampler_diagnostics` does; :math:`\hat R` is NaN
        for a single chain).

    Examples
    --------
    >>> from companion import hierarchical_model, simulate_schools
    >>> model = hierarchical_model(simulate_schools(seed=1), mu_prior=(70, 10),
    ...     tau_prior=("half-normal", 10), sigma_prior=("half-normal", 10))
    >>> ranks = simulation_based_calibration(  # doctest: +SKIP
    ...     model, n_replicates=20, seed=1)
    >>> rank_uniformity_test(ranks, bins=4).columns.tolist()  # doctest: +SKIP
    ['chi2', 'df', 'p_value']
    """
    import nutpie

    from companion.inference.diagnostics import sampler_diagnostics
    from companion.inference.sampling import sample_prior_predictive

    n_replicates = check_count(n_replicates, "n_replicates", 1, maximum=1_000_000)
    n_draws = check_count(n_draws, "n_draws", 1)
    thin = check_count(thin, "thin", 1)
    chains = check_count(chains, "chains", 1)
    tune = check_count(tune, "tune", 0)
    kwargs = {}
    if target_accept is not None:
        kwargs["target_accept"] = check_probability(target_accept, "target_accept")
    names = _model_variables(model, var_names)
    rng = check_rng(seed)

    prior = sample_prior_predictive(model, draws=n_replicates, seed=rng)
    datasets = prior.prior_predictive["y"].to_numpy()[0]
    truth: dict[str, np.ndarray] = {}
    for name in names:
        truth.update(_flatten(prior.prior[name].to_numpy()[0], name, _labels(model, name)))

    compiled = nutpie.compile_pymc_model(model)
    per_chain = thin * math.ceil(n_draws / chains)
    draws: dict[str, list[np.ndarray]] = {key: [] for key in truth}
    health: dict[str, list[float]] = {"max_rhat": [], "min_ess_bulk": [], "min_ess_tail": []}
    divergences = []
    if resolve_progressbar(progressbar):
        from rich.progress import track

        datasets = track(datasets, description="SBC replicates")
    for data in datasets:
        trace = nutpie.sample(
            compiled.with_data(y_obs=data), draws=per_chain, tune=tune, chains=chains,
            cores=min(chains, os.cpu_count() or 1), seed=sampler_seed(rng),
            progress_bar=False, save_warmup=False, **kwargs,
        )  # fmt: skip
        divergences.append(int(trace.sample_stats["diverging"].sum()))
        row = sampler_diagnostics(trace, var_names=names)
        for key, values in health.items():
            values.append(float(row[key]))
        for name in names:
            kept = stacked(trace.posterior[name].isel(draw=slice(None, None, thin)))[:n_draws]
            for key, values in _flatten(kept, name, _labels(model, name)).items():
                draws[key].append(values)
    ranks = sbc_ranks(truth, {key: np.stack(values) for key, values in draws.items()})
    ranks.attrs["divergences"] = tuple(divergences)
    for key, values in health.items():
        ranks.attrs[key] = tuple(values)
    return ranks
