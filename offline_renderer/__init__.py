"""Offline renderer for this Quarto book: pandoc, jupytext, nbclient and Typst.

It builds the same book as ``quarto render`` on machines where the Quarto CLI
cannot be installed; see ``python -m offline_renderer --help``.
"""

from offline_renderer.build import BuildReport, build
from offline_renderer.errors import BuildError

__all__ = ["BuildError", "BuildReport", "build"]
