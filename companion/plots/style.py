"""Colours and labels shared by the plots, so that figures across the book agree."""

from __future__ import annotations

__all__ = [
    "MISSING_COLOR",
    "OBSERVED_COLOR",
    "POOLING_COLORS",
    "SCENARIO_COLORS",
    "short_label",
]

#: Colours of the estimators and the truth, shared by the pooling figures.
POOLING_COLORS = {
    "truth": "tab:orange",
    "no pooling": "tab:blue",
    "partial pooling": "tab:purple",
    "complete pooling": "0.35",
}

#: Colour of observed cells (blue), used by every missing-data figure.
OBSERVED_COLOR = "#4C72B0"
#: Colour of missing cells (red), used by every missing-data figure.
MISSING_COLOR = "#C44E52"

#: Colours of data scenarios (complete data and the mechanisms), in order.
SCENARIO_COLORS = ("black", "tab:blue", "tab:red", "tab:green", "tab:purple")


def short_label(label: object) -> str:
    """Shorten a group label for a crowded axis: "School 3" becomes "3".

    Parameters
    ----------
    label : object
        A group label; a leading ``"School "`` is removed, other labels are kept.

    Returns
    -------
    str

    Examples
    --------
    >>> from companion.plots import short_label
    >>> short_label("School 12"), short_label("Ward B")
    ('12', 'Ward B')
    """
    return str(label).removeprefix("School ")
