"""Package-wide options: whether long computations show a progress bar.

Fitting a model to a million rows or running a simulation study takes
minutes; at a terminal or in a notebook a progress bar shows that work is
going on, as PyMC does. A rendered document (such as the book) switches
them off once, at the top, with :func:`set_options`.
"""

from __future__ import annotations

from contextlib import contextmanager

__all__ = ["get_options", "options", "resolve_progressbar", "set_options"]

_OPTIONS = {"progressbar": True}


def get_options() -> dict[str, object]:
    """Return the current options, as a new dict.

    Examples
    --------
    >>> get_options()["progressbar"] in (True, False)
    True
    """
    return dict(_OPTIONS)


def set_options(*, progressbar: bool | None = None) -> None:
    """Set package-wide options; an argument left as ``None`` keeps its value.

    Parameters
    ----------
    progressbar : bool, optional
        Default of the ``progressbar`` argument of :func:`companion.sample`,
        :func:`companion.inference.sample_compiled` and
        :func:`companion.simulation_based_calibration` (``True`` when the
        package is imported).

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
        _OPTIONS["progressbar"] = progressbar


@contextmanager
def options(*, progressbar: bool | None = None):
    """Set options inside a ``with`` block only.

    Parameters
    ----------
    progressbar : bool, optional
        As in :func:`set_options`; ``None`` keeps the current value.

    Examples
    --------
    >>> from companion.options import get_options, options
    >>> with options(progressbar=False):
    ...     get_options()["progressbar"]
    False
    """
    saved = get_options()
    set_options(progressbar=progressbar)
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
    >>> resolve_progressbar(False)
    False
    """
    if progressbar is None:
        return bool(_OPTIONS["progressbar"])
    if not isinstance(progressbar, bool):
        raise TypeError(f"`progressbar` must be True, False or None, got {progressbar!r}.")
    return progressbar
