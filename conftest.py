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


@pytest.fixture(autouse=True)
def _no_progress_bars():
    # Progress bars are for people watching; test logs stay readable. The
    # option itself is tested in tests/test_options.py.
    from companion.options import options

    with options(progressbar=False):
        yield
