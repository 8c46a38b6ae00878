"""Every public name has a docstring with examples, and every example runs.

The unit suite runs the docstrings' examples as doctests
(``--doctest-modules``), except those marked ``# doctest: +SKIP`` because
they sample a model for a while. ``test_skipped_examples_run`` runs those
too, with the directive removed; it is marked ``book``, so it runs in the
slow stage with the whole-book build (``tests/conftest.py``).
"""

from __future__ import annotations

import doctest
import importlib
import inspect
import pkgutil

import pytest

import companion
from book.reference import public_api


def _modules() -> list[str]:
    names = [companion.__name__]
    for info in pkgutil.walk_packages(companion.__path__, prefix=f"{companion.__name__}."):
        names.append(info.name)
    return sorted(names)


def _skipped_docstrings() -> list[doctest.DocTest]:
    """The docstrings with at least one example marked ``+SKIP``."""
    finder = doctest.DocTestFinder()
    found = {}
    for name in _modules():
        module = importlib.import_module(name)
        for test in finder.find(module):
            if test.examples and any(e.options.get(doctest.SKIP) for e in test.examples):
                found.setdefault(test.name, test)
    return [found[name] for name in sorted(found)]


SKIPPED = _skipped_docstrings()
DOCUMENTED = [e for section in public_api() for e in section.entries if e.has_page]


def test_some_examples_are_skipped_in_the_unit_suite():
    # The book-stage test below must have something to run; if every example
    # becomes fast enough to run unskipped, delete both tests.
    assert len(SKIPPED) >= 10


@pytest.mark.parametrize("entry", DOCUMENTED, ids=lambda e: e.path)
def test_every_public_function_and_class_has_an_example(entry):
    module = importlib.import_module(entry.module)
    doc = inspect.getdoc(getattr(module, entry.name)) or ""
    assert "\nExamples\n--------\n" in doc, f"{entry.path}: no Examples section"
    examples = doctest.DocTestParser().get_examples(doc)
    assert examples, f"{entry.path}: the Examples section has no >>> example"


@pytest.mark.book
@pytest.mark.parametrize("test", SKIPPED, ids=lambda t: t.name)
def test_skipped_examples_run(test):
    for example in test.examples:
        example.options.pop(doctest.SKIP, None)
    runner = doctest.DocTestRunner(verbose=False)  # the unit suite's doctest options
    output: list[str] = []
    result = runner.run(test, out=output.append, clear_globs=True)
    assert result.attempted == len(test.examples)
    assert result.failed == 0, "".join(output)
