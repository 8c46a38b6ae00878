"""Companion package to the book *Bayesian Hierarchical Models and Missing Data*.

Public functions are importable from the top level, for example
``from companion import simulate_schools``. Submodules are imported only when
one of their names is first used, so ``import companion`` stays fast and does
not load PyMC.
"""

from __future__ import annotations

from importlib import import_module

__version__ = "0.1.0"

# Public name -> submodule that defines it.
_EXPORTS: dict[str, str] = {
    "eight_schools": "datasets",
    "efron_morris": "datasets",
    "nhanes": "datasets",
    "simulate_schools": "datasets",
    "normal_normal_posterior": "exact",
    "NormalNormalPosterior": "exact",
    "grouped_data": "models",
    "hierarchical_model": "models",
    "pooled_model": "models",
    "unpooled_model": "models",
    "sample": "sampling",
    "sample_prior_predictive": "sampling",
    "james_stein": "shrinkage",
    "shrinkage_factors": "shrinkage",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    try:
        module = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'companion' has no attribute {name!r}") from None
    value = getattr(import_module(f"companion.{module}"), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
