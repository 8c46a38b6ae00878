"""The PyMC models of the chapter "Counts and proportions", written out once.

Book-only code (not installed with ``companion``). The chapter prints these
functions' source (:func:`model_source`) and fits them; the tests fit them
too, against the exact posteriors of :mod:`companion.hierarchical.counts`.
Each takes a DataFrame indexed by group (the index's name is the group
dimension) and names its variables as the exact posterior's ``draws()``
does, so that the two can be compared variable by variable. The bodies are
kept to 80 columns by hand, as the page shows them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pymc as pm

# fmt: off


def beta_binomial_model(data: pd.DataFrame, y: str, n: str):
    """Return the beta-binomial model of BDA3 section 5.3, with its prior on (alpha, beta).

    ``y`` and ``n`` name the columns of successes and trials. The chapter
    writes the population distribution Beta(mu zeta, (1 - mu) zeta): ``pop_mean``
    is mu, ``concentration`` is zeta, and ``alpha`` and ``beta`` (the parameters
    of ``pm.Beta``, BDA3's alpha and beta) are mu zeta and (1 - mu) zeta. BDA3's
    p(alpha, beta) ∝ (alpha + beta)^(-5/2) is p(mu, zeta) ∝ zeta^(-3/2).

    Examples
    --------
    >>> from companion.datasets import rats
    >>> model = beta_binomial_model(rats().set_index("experiment"), "tumours", "rats")
    >>> sorted(v.name for v in model.free_RVs)
    ['log_concentration', 'logit_mean', 'theta']
    """
    dim = data.index.name
    with pm.Model(coords={dim: data.index}) as model:
        # The grid's coordinates: logit(mu) and log(zeta)
        logit_mean = pm.Flat("logit_mean")
        log_concentration = pm.Flat("log_concentration")
        pop_mean = pm.Deterministic(
            "pop_mean", pm.math.invlogit(logit_mean))  # mu
        concentration = pm.Deterministic(
            "concentration", pm.math.exp(log_concentration))  # zeta
        # pm.Beta's parameters: alpha = mu zeta, beta = (1 - mu) zeta
        alpha = pm.Deterministic("alpha", pop_mean * concentration)
        beta = pm.Deterministic("beta", (1 - pop_mean) * concentration)
        # p(mu, zeta) ∝ zeta^(-3/2), times mu (1 - mu) zeta, the
        # Jacobian of (logit mu, log zeta): the same as BDA3's
        # (alpha + beta)^(-5/2) times alpha beta
        pm.Potential("prior", -2.5 * log_concentration
                     + pm.math.log(alpha) + pm.math.log(beta))
        theta = pm.Beta("theta", alpha, beta, dims=dim)
        pm.Data("group_idx", np.arange(len(data)), dims=dim)
        pm.Binomial("y", n=data[n].to_numpy(), p=theta,
                    observed=data[y].to_numpy(), dims=dim)
    return model


def logit_normal_model(data: pd.DataFrame, y: str, n: str):
    """Return the logit-normal binomial model, non-centred, with bambi's default priors.

    Examples
    --------
    >>> from companion.datasets import rats
    >>> model = logit_normal_model(rats().set_index("experiment"), "tumours", "rats")
    >>> sorted(v.name for v in model.free_RVs)
    ['mu', 'tau', 'z']
    """
    dim = data.index.name
    with pm.Model(coords={dim: data.index}) as model:
        mu = pm.Normal("mu", 0.0, 1.5)  # mean of logit(theta_j)
        tau = pm.HalfNormal("tau", 2.5)  # sd of logit(theta_j)
        z = pm.Normal("z", 0.0, 1.0, dims=dim)
        theta = pm.Deterministic(
            "theta", pm.math.invlogit(mu + tau * z), dims=dim)
        pm.Binomial("y", n=data[n].to_numpy(), p=theta,
                    observed=data[y].to_numpy(), dims=dim)
    return model


def gamma_poisson_model(data: pd.DataFrame, y: str, t: str):
    """Return the gamma-Poisson model of the BUGS "Pumps" example, with its priors.

    ``y`` and ``t`` name the columns of counts and exposures. The chapter
    writes the population distribution with mean mu and shape zeta: ``alpha``
    (the shape of ``pm.Gamma``) is zeta, ``beta`` (its rate) is zeta / mu and
    ``pop_mean`` is mu.

    Examples
    --------
    >>> from companion.datasets import pumps
    >>> model = gamma_poisson_model(pumps().set_index("pump"), "failures", "thousand_hours")
    >>> sorted(v.name for v in model.free_RVs)
    ['alpha', 'beta', 'theta']
    """
    dim = data.index.name
    with pm.Model(coords={dim: data.index}) as model:
        alpha = pm.Exponential("alpha", 1.0)  # shape zeta
        beta = pm.Gamma("beta", alpha=0.1, beta=1.0)  # rate zeta/mu
        pm.Deterministic("pop_mean", alpha / beta)  # mean rate mu
        pm.Deterministic("pop_sd", pm.math.sqrt(alpha) / beta)
        theta = pm.Gamma("theta", alpha=alpha, beta=beta, dims=dim)
        pm.Data("group_idx", np.arange(len(data)), dims=dim)
        pm.Poisson("y", theta * data[t].to_numpy(),
                   observed=data[y].to_numpy(), dims=dim)
    return model


def log_normal_poisson_model(data: pd.DataFrame, y: str, t: str):
    """Return the Poisson model with log-normal rates, non-centred, with bambi's default priors.

    Examples
    --------
    >>> from companion.datasets import pumps
    >>> model = log_normal_poisson_model(
    ...     pumps().set_index("pump"), "failures", "thousand_hours")
    >>> sorted(v.name for v in model.free_RVs)
    ['mu', 'tau', 'z']
    """
    dim = data.index.name
    offset = np.log(data[t].to_numpy())  # log exposure
    with pm.Model(coords={dim: data.index}) as model:
        mu = pm.Normal("mu", 0.0, 2.5)  # mean of log(theta_j)
        tau = pm.HalfNormal("tau", 2.5)  # sd of log(theta_j)
        z = pm.Normal("z", 0.0, 1.0, dims=dim)
        log_theta = mu + tau * z
        pm.Deterministic("theta", pm.math.exp(log_theta), dims=dim)
        pm.Poisson("y", pm.math.exp(log_theta + offset),
                   observed=data[y].to_numpy(), dims=dim)
    return model


# fmt: on


def model_source(function) -> str:
    """Return a model builder's source without its docstring, as a Markdown code block.

    Examples
    --------
    >>> print(model_source(model_source).splitlines()[1])
    def model_source(function) -> str:
    """
    import ast
    import inspect
    import textwrap

    source = textwrap.dedent(inspect.getsource(function))
    body = ast.parse(source).body[0].body
    lines = source.splitlines()
    if isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        del lines[body[0].lineno - 1 : body[0].end_lineno]
    return "```python\n" + "\n".join(lines) + "\n```"
