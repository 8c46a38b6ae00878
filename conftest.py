"""Settings for every test, including the doctests in ``companion/``."""

import sys

import pytest


@pytest.fixture(autouse=True)
def _close_figures():
    # Plot doctests create figures and never show them; close them so that
    # matplotlib does not warn about too many open figures.
    yield
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
