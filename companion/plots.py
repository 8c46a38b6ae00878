"""Figures used by the book, as functions that return matplotlib figures.

Each function takes data or posterior draws and returns a
:class:`matplotlib.figure.Figure`, so a chapter's figure cell is one call.
matplotlib is imported inside the functions to keep ``import companion``
fast.
"""

from __future__ import annotations

__all__: list[str] = []
