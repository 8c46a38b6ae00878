"""Package-wide options: progress bars, and what a fit that has not converged does.

Fitting a model to a million rows or running a simulation study takes
minutes; at a terminal or in a notebook a progress bar shows that work is
going on, as PyMC does. A rendered document (such as the book) switches
them off once, at the top, with :func:`set_options`.

After sampling, :func:`companion.sample` checks the fit against the
diagnostics the book teaches (:func:`companion.inference.check_convergence`)
and by default warns when it fails them; ``convergence="raise"`` makes that
an error, ``"ignore"`` skips the check.
"""

from __future__ import annotations

from contextlib import contextmanager

__all__ = ["CONVERGENCE_ACTIONS", "get_options", "options", "resolve_progressbar", "set_options"]

_OPTIONS = {"progressbar": True, "convergence": "warn"}

#: What :func:`companion.sample` does with a fit that fails the diagnostics.
CONVERGENCE_ACTIONS = ("warn", "raise", "ignore")


def get_options() -> dict[str, object]:
    """Return the current options, as a new dict.

    Examples
    --------
    >>> from companion.options import get_options
    >>> get_options()["progressbar"] in (True, False)
    True
    """
    return dict(_OPTIONS)


def set_options(*, progressbar: bool | None = None, convergence: str | None = None) -> None:
    """Set package-wide options; an argument left as ``None`` keeps its value.

    Parameters
    ----------
    progressbar : bool or None, default None
        ``None`` (the default) leaves it unchanged. Otherwise the default of
        the ``progressbar`` argument of :func:`companion.sample`,
        :func:`companion.inference.sample_compiled` and
        :func:`companion.simulation_based_calibration` (``True`` when the
        package is imported).
    convergence : str, one of "warn", "raise", "ignore", or None, default None
        ``None`` (the default) leaves it unchanged. Otherwise what
        :func:`companion.sample` and
        :func:`companion.inference.sample_compiled` do with a fit that fails
        :func:`companion.inference.check_convergence`: issue a
        ``ConvergenceWarning`` (``"warn"``, when the package is imported),
        raise a ``ConvergenceError``, or check nothing.

    Examples
    --------
    >>> from companion.options import get_options, set_options
    >>> before = get_options()["progressbar"]
    >>> set_options(progressbar=False)
    >>> get_options()["progressbar"]
    False
    >>> set_options(progressbar=before)
    """
    if progressbar is not None:
        if not isinstance(progressbar, bool):
            raise TypeError(f"`progressbar` must be True or False, got {progressbar!r}.")
    if convergence is not None and convergence not in CONVERGENCE_ACTIONS:
        raise ValueError(
            f"`convergence` must be one of {CONVERGENCE_ACTIONS}, got {convergence!r}."
        )
    if progressbar is not None:
        _OPTIONS["progressbar"] = progressbar
    if convergence is not None:
        _OPTIONS["convergence"] = convergence


@contextmanager
def options(*, progressbar: bool | None = None, convergence: str | None = None):
    """Set options inside a ``with`` block only.

    Parameters
    ----------
    progressbar : bool or None, default None
        As in :func:`set_options`; ``None`` (the default) leaves it unchanged.
    convergence : str, one of "warn", "raise", "ignore", or None, default None
        As in :func:`set_options`; ``None`` (the default) leaves it unchanged.

    Examples
    --------
    >>> from companion.options import get_options, options
    >>> with options(progressbar=False):
    ...     get_options()["progressbar"]
    False
    """
    saved = get_options()
    set_options(progressbar=progressbar, convergence=convergence)
    try:
        yield
    finally:
        _OPTIONS.update(saved)


def resolve_progressbar(progressbar: bool | None) -> bool:
    """``progressbar`` itself, or the package default where it is ``None``.

    Parameters
    ----------
    progressbar : bool or None
        A function's ``progressbar`` argument.

    Returns
    -------
    bool

    Examples
    --------
    >>> from companion.options import resolve_progressbar
    >>> resolve_progressbar(False)
    False
    """
    if progressbar is None:
        return bool(_OPTIONS["progressbar"])
    if not isinstance(progressbar, bool):
        raise TypeError(f"`progressbar` must be True, False or None, got {progressbar!r}.")
    return progressbar
