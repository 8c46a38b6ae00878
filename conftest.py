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


@pytest.fixture(autouse=True, scope="session")
def _package_defaults_for_the_session():
    # Module- and session-scoped fixtures (fits shared by several tests) run
    # before the per-test fixture below, so the same settings hold for them.
    from companion.options import options

    with options(progressbar=False, convergence="warn"):
        yield


@pytest.fixture(autouse=True)
def _no_progress_bars():
    # Progress bars are for people watching; test logs stay readable. The
    # convergence check keeps the package's default (warn), whatever an
    # imported module set: collecting book/'s doctests imports book.setup,
    # which turns the book's guard on. The options themselves are tested in
    # tests/test_options.py and tests/test_convergence.py.
    from companion.options import options

    with options(progressbar=False, convergence="warn"):
        yield
