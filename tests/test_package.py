"""Package-level promises: public names, and a fast import that does not load PyMC."""

import subprocess
import sys

import companion


def test_public_names_are_exported():
    for name in companion.__all__:
        assert callable(getattr(companion, name)), name
    assert set(companion.__all__) <= set(dir(companion))


def test_unknown_attribute_raises_attribute_error():
    try:
        companion.no_such_function  # noqa: B018
    except AttributeError as err:
        assert "no_such_function" in str(err)
    else:
        raise AssertionError("expected AttributeError")


def test_import_does_not_load_heavy_libraries():
    code = ("import sys, companion; "
            "print(sorted(m for m in ('pymc', 'pandas', 'arviz') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"


def test_no_public_name_is_also_a_submodule():
    # Importing a submodule binds it as an attribute of the package, which
    # would shadow a public function of the same name.
    import pkgutil

    submodules = {info.name for info in pkgutil.iter_modules(companion.__path__)}
    assert not set(companion.__all__) & submodules


def test_the_package_does_not_depend_on_the_books_code():
    # book/ (studies, chapter figures, setup) is not installed with companion.
    import re
    from pathlib import Path

    package = Path(companion.__file__).parent
    importing = [
        path.name
        for path in package.rglob("*.py")
        if re.search(r"^\s*(from|import) book\b", path.read_text(), re.M)
    ]
    assert not importing, f"companion modules importing book/: {importing}"
