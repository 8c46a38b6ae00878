"""Every public name has a docstring with examples, and every example runs.

The README's examples run too, in the slow stage, and their fits must pass
the book's convergence diagnostics.

The unit suite runs the docstrings' examples as doctests
(``--doctest-modules``), except those marked ``# doctest: +SKIP`` because
they sample a model for a while. ``test_skipped_examples_run`` runs those
too, with the directive removed; it is marked ``book``, so it runs in the
slow stage with the whole-book build (``tests/conftest.py``).
"""

from __future__ import annotations

import doctest
import importlib
import importlib.util
import inspect
import pkgutil
import re
from pathlib import Path

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


def _readme_blocks() -> list[str]:
    text = (Path(__file__).parents[1] / "README.md").read_text()
    return re.findall(r"^```python\n(.*?)^```", text, re.S | re.M)


README_BLOCKS = _readme_blocks()


def test_the_readme_has_python_examples():
    assert len(README_BLOCKS) >= 3


@pytest.mark.book
def test_readme_examples_run_and_their_fits_converge():
    # One namespace, as a reader pasting the blocks in order would have. The
    # JAX samplers are optional (pip install ".[jax]"), so that line is skipped
    # when they are not installed; every fit must pass the book's diagnostics.
    from companion.options import options

    namespace: dict[str, object] = {}
    with options(convergence="raise"):
        for block in README_BLOCKS:
            for line in block.splitlines():
                if "numpyro" in line and importlib.util.find_spec("numpyro") is None:
                    block = block.replace(line, "")
            exec(compile(block, "README.md", "exec"), namespace)
