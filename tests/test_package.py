"""Package-level promises: a curated top level, subpackages by job, a fast import, no cycles."""

import ast
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import companion

PACKAGE = Path(companion.__file__).parent
SUBPACKAGES = ("datasets", "hierarchical", "inference", "missing", "plots")


def test_the_top_level_is_a_short_curated_list():
    names = set(companion.__all__)
    assert len(names) <= 50, f"{len(names)} top-level names"
    assert set(SUBPACKAGES) <= names
    for name in names - set(SUBPACKAGES) - {"options"}:
        assert callable(getattr(companion, name)), name
    assert isinstance(companion.options, ModuleType)
    assert names <= set(dir(companion))


def test_the_stub_is_the_single_list_of_top_level_names():
    stub = ast.parse((PACKAGE / "__init__.pyi").read_text())
    imported = {
        alias.asname or alias.name
        for node in stub.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    assert imported == set(companion.__all__)


def test_every_subpackage_name_resolves_and_is_documented():
    for sub in SUBPACKAGES:
        module = getattr(companion, sub)
        assert isinstance(module, ModuleType)
        assert module.__doc__, sub
        for name in module.__all__:
            value = getattr(module, name)
            if callable(value) and not isinstance(value, type):
                assert value.__doc__ and "Examples" in value.__doc__, f"{sub}.{name}: no example"


def test_unknown_attribute_raises_attribute_error():
    try:
        companion.no_such_function  # noqa: B018
    except AttributeError as err:
        assert "no_such_function" in str(err)
    else:
        raise AssertionError("expected AttributeError")


def test_import_does_not_load_heavy_libraries():
    code = (
        "import sys, companion; "
        "print(sorted(m for m in ('pymc', 'pandas', 'arviz') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_every_module_imports_first_without_a_cycle():
    # Import each module as the first companion module of a session: a cycle
    # fails for some entry point even when another order happens to work.
    modules = sorted(
        ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__")
        for path in PACKAGE.rglob("*.py")
    )
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    for loaded in [m for m in sys.modules if m.startswith('companion')]:\n"
        "        del sys.modules[loaded]\n"
        "    importlib.import_module(name)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_no_module_imports_another_modules_private_names():
    private = re.compile(r"^\s*from (companion[\w.]*) import \(?([^)]*?)\)?$", re.M | re.S)
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        for module, names in re.findall(
            r"^\s*from (companion[\w.]*) import \(?([\w\s,]+)\)?", path.read_text(), re.M
        ):
            bad = [n.strip() for n in names.split(",") if n.strip().startswith("_")]
            if bad:
                offenders.append(f"{path.relative_to(PACKAGE)}: {module} {bad}")
    assert private and not offenders, offenders


def test_no_module_is_over_800_lines():
    long = {
        str(p.relative_to(PACKAGE)): n
        for p in PACKAGE.rglob("*.py")
        if (n := len(p.read_text().splitlines())) > 800
    }
    assert not long, long


def test_the_package_does_not_depend_on_the_books_code():
    # book/ (studies, chapter figures, setup) is not installed with companion.
    importing = [
        path.name
        for path in PACKAGE.rglob("*.py")
        if re.search(r"^\s*(from|import) book\b", path.read_text(), re.M)
    ]
    assert not importing, f"companion modules importing book/: {importing}"
