"""Shared test settings: the whole-book build runs last, after the fast tests."""

import pytest


def pytest_configure(config):
    config.addinivalue_line("markers", "book: builds the whole book (slow, end-to-end)")


def pytest_collection_modifyitems(items):
    items.sort(key=lambda item: item.get_closest_marker("book") is not None)


@pytest.fixture
def anyio_backend():
    return "asyncio"
