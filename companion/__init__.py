"""companion: hierarchical models and missing data in PyMC, from the book of the same name.

The top level holds the workflow functions a reader uses on their own data;
everything else is in its subpackage:

- :mod:`companion.datasets`: shipped data sets and simulators with a known truth;
- :mod:`companion.hierarchical`: models, priors, exact posteriors, shrinkage, group summaries;
- :mod:`companion.inference`: sampling, diagnostics, predictive checks, LOO, SBC;
- :mod:`companion.missing`: ampute, pattern, impute, analyse, pool, MNAR (mice's order);
- :mod:`companion.plots`: reusable plots of computed results.

Names load on first use (``lazy_loader``, from the list in ``__init__.pyi``),
so ``import companion`` is fast and does not import PyMC.
"""

import lazy_loader as _lazy

__version__ = "0.1.0"

__getattr__, __dir__, __all__ = _lazy.attach_stub(__name__, __file__)
