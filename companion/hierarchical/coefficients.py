r"""Each group's own coefficients from a multilevel regression fitted with bambi.

bambi names a group-specific term by its formula, ``1|county`` or
``floor|county``, and stores only each group's *deviation* from the common
term (``Intercept``, ``floor``), along a dimension ``county__factor_dim``.
:func:`group_coefficients` adds the two, as lme4's ``coef()`` does in R, so
that county :math:`j`'s intercept :math:`\alpha_j` and slope :math:`\beta_j`
are posterior variables labelled by county, ready for
:func:`companion.hierarchical.group_summary`,
:func:`companion.hierarchical.group_estimates` and ArviZ's plots.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from companion._validation import check_posterior

if TYPE_CHECKING:
    import xarray as xr

__all__ = ["group_coefficients"]

_INTERCEPT = "1"


def _common_name(term: str) -> str:
    # bambi writes the varying intercept as "1|group" and the common one as "Intercept".
    return "Intercept" if term == _INTERCEPT else term


def group_coefficients(
    fit: object, group: str, *, terms: Sequence[str] | None = None
) -> xr.DataTree:
    r"""Each group's coefficients, common term plus the group's deviation, per draw.

    For a model such as ``log_radon ~ floor + (floor | county)``, county
    :math:`j`'s intercept is :math:`\alpha_j = \alpha + a_j` and its slope
    :math:`\beta_j = \beta + b_j`, where :math:`\alpha, \beta` are the
    common terms and :math:`a_j, b_j` the group-specific ones; bambi stores
    them apart. A term that varies by ``group`` but has no common term
    (``(0 + floor | county)`` without ``floor``) is the deviation alone.

    Parameters
    ----------
    fit : xarray.DataTree
        A bambi fit (for example from :func:`companion.sample` given a
        ``bambi.Model``), with group-specific terms named ``term|group`` in
        its posterior.
    group : str
        The grouping factor as written in the formula, e.g. ``"county"``.
    terms : sequence of str, optional
        Which varying terms to return, by their formula names (``"1"`` for
        the intercept, ``"floor"``); default every term that varies by
        ``group``.

    Returns
    -------
    xarray.DataTree
        A ``posterior`` group with one variable per term (``Intercept`` for
        ``1``, otherwise the term's name), with dimensions ``chain``,
        ``draw``, ``group`` (labelled by the group's levels) and any
        dimensions the term itself has.

    Examples
    --------
    A bambi-shaped posterior, built by hand:

    >>> import numpy as np
    >>> from arviz import from_dict
    >>> from companion.hierarchical import group_coefficients
    >>> fit = from_dict(
    ...     {"posterior": {"Intercept": np.full((2, 3), 1.0),
    ...                    "1|county": np.tile([0.5, -0.5], (2, 3, 1))}},
    ...     dims={"1|county": ["county__factor_dim"]},
    ...     coords={"county__factor_dim": ["Aitkin", "Anoka"]})
    >>> alpha = group_coefficients(fit, "county").posterior["Intercept"]
    >>> alpha.dims, alpha.sel(county="Anoka").values[0, 0].item()
    (('chain', 'draw', 'county'), 0.5)
    """
    import xarray as xr

    posterior = check_posterior(fit, "fit")
    if not isinstance(group, str) or not group:
        raise TypeError(f"`group` must be a non-empty str, got {group!r}.")
    suffix = f"|{group}"
    varying = [
        name[: -len(suffix)]
        for name in map(str, posterior.data_vars)
        if name.endswith(suffix) and not name.endswith("_offset")
    ]
    if not varying:
        marker = "__factor_dim"
        found = sorted(str(d)[: -len(marker)] for d in posterior.dims if str(d).endswith(marker))
        hint = f" It has terms varying by {found}." if found else " It has none."
        raise ValueError(f"`fit` has no term varying by {group!r} (named 'term|{group}').{hint}")
    if terms is None:
        chosen = varying
    else:
        if isinstance(terms, str):
            raise TypeError("`terms` must be a sequence of term names, not a single str.")
        chosen = [str(term) for term in terms]
        unknown = [term for term in chosen if term not in varying]
        if unknown:
            raise ValueError(
                f"`terms` {unknown} do not vary by {group!r}; those that do: {varying}."
            )
    dim = f"{group}__factor_dim"
    out = {}
    for term in chosen:
        deviation = posterior[f"{term}{suffix}"]
        if dim not in deviation.dims:
            raise ValueError(
                f"`fit.posterior[{term + suffix!r}]` has no dimension {dim!r}: is `fit` from bambi?"
            )
        common = _common_name(term)
        value = deviation + posterior[common] if common in posterior.data_vars else deviation
        value = value.rename({dim: group}).transpose("chain", "draw", group, ...)
        out[common] = value.rename(common)
    result = xr.Dataset(out)
    result.attrs = {"source": "companion.hierarchical.group_coefficients", "group": group}
    return xr.DataTree.from_dict({"posterior": result})
