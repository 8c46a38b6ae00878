"""Figures made for one chapter each (reusable plots are in :mod:`companion.plots`).

Book-only code (not installed with ``companion``); the chapters import it.
"""


def panels(ax, n: int) -> list:
    """Return the Axes of ``ax`` as a list, checked to be one per panel of an ``n``-panel figure.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, axes = plt.subplots(1, 2)
    >>> len(panels(axes, 2))
    2
    """
    import numpy as np

    found = list(np.atleast_1d(ax).ravel())
    if len(found) != n:
        raise ValueError(f"`ax` has {len(found)} Axes; the figure needs {n}.")
    return found
