"""Figures made for one chapter each (reusable plots are in :mod:`companion.plots`).

Book-only code (not installed with ``companion``); the chapters import it.
"""
