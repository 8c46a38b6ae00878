"""The API reference generator (book/reference.py): public names, markup, pages, profiles."""

from __future__ import annotations

import importlib
import inspect
import re
import textwrap
from pathlib import Path

import pytest
import yaml

import companion
from book import freshness, reference
from book.reference import Entry, Section

SECTIONS = reference.public_api()


def entry(name, module="companion.inference", kind="function", top_level=False, summary="S."):
    return Entry(name, module, kind, top_level, summary)


def toy_sections():
    sample = entry("sample", top_level=True)
    compiled = entry("compile_model")
    constant = Entry("K_THRESHOLD", "companion.inference", "constant", False, "Pareto k.", "0.7")
    pool = entry("pool", module="companion.missing", top_level=True)
    return [
        Section("inference", "Inference and checking", "Sampling.", (compiled, constant, sample)),
        Section("missing", "Missing data", "Missing.", (pool,)),
    ]


def html_link(target):
    return reference._html_link(target)


# --------------------------------------------------------------------------- the public API
def test_the_sections_hold_exactly_each_subpackages_all():
    assert [s.key for s in SECTIONS] == [k for k, _ in reference.SECTIONS]
    for section in SECTIONS:
        module = importlib.import_module(section.module)
        assert sorted(e.name for e in section.entries) == sorted(module.__all__)
        assert all(e.module == section.module for e in section.entries)


def test_every_top_level_function_is_marked_and_documented_once():
    top = {n for n in companion.__all__ if callable(getattr(companion, n))}
    documented = [e for s in SECTIONS for e in s.documented]
    assert {e.name for e in documented if e.top_level} == top
    assert len({e.name for e in documented}) == len(documented)
    sample = next(e for e in documented if e.name == "sample")
    assert sample.import_line == "from companion import sample"
    compiled = next(e for e in documented if e.name == "compile_model")
    assert compiled.import_line == "from companion.inference import compile_model"


def test_kinds_and_constants_are_classified_with_their_comment_and_value():
    entries = {e.name: e for s in SECTIONS for e in s.entries}
    assert entries["GroupedData"].kind == "class"
    assert entries["sample"].kind == "function"
    k = entries["K_THRESHOLD"]
    assert (k.kind, k.value) == ("constant", "0.7")
    assert k.summary.startswith("Pareto k above which")
    # A dict of functions shows its keys, not reprs with memory addresses.
    assert entries["STATISTICS"].value.startswith("a dict with keys 'mean', 'sd'")
    # Each colour constant has its own comment (a shared one read as a copy).
    assert entries["MISSING_COLOR"].summary.startswith("Colour of missing cells")
    assert entries["OBSERVED_COLOR"].summary.startswith("Colour of observed cells")


def test_api_check_refuses_undocumented_and_colliding_names():
    reference.check_api(SECTIONS)
    bad = [
        Section(
            "x",
            "X",
            "",
            (entry("index"), entry("Pool", summary=""), entry("pool", module="companion.missing")),
        )
    ]
    with pytest.raises(ValueError) as err:
        reference.check_api(bad)
    message = str(err.value)
    assert "companion.inference.index: its page would replace reference/index.qmd" in message
    assert "companion.inference.Pool has no docstring" in message
    assert "share a page name" in message


# --------------------------------------------------------------------------- Sphinx markup
def test_roles_link_public_names_and_leave_others_as_code():
    resolve = reference.resolver(toy_sections())
    text = (
        "See :func:`sample`, :func:`companion.sample`, :func:`companion.inference.sample`, "
        ":func:`pymc.sample`, :data:`K_THRESHOLD`, :mod:`companion.missing` and :func:`nope`."
    )
    assert reference.to_markdown(text, resolve, html_link) == (
        "See [`sample`](sample.qmd), [`companion.sample`](sample.qmd), "
        "[`companion.inference.sample`](sample.qmd), `pymc.sample`, "
        "[`K_THRESHOLD`](companion.inference.qmd#companion.inference.K_THRESHOLD), "
        "[`companion.missing`](companion.missing.qmd) and `nope`."
    )


def test_a_path_through_a_private_module_names_the_public_object():
    resolve = reference.resolver(toy_sections())
    assert resolve("func", "companion.inference.sampling.sample").name == "sample"
    assert resolve("func", "companion.missing.pool.sample") is None  # not where it lives
    assert resolve("mod", "companion.inference.sample") is None  # a function is not a module


def test_math_roles_and_blocks_become_quarto_math():
    resolve = reference.resolver(toy_sections())
    text = textwrap.dedent(
        r"""
        The mean :math:`\mu` and :math:`\nu = a /
        b` here.

        .. math:: B_j = \frac{1}{2}

        Then

        .. math::

            y &\sim N(0, 1), \\
            z &= y

        After.
        """
    ).strip()
    out = reference.to_markdown(text, resolve, html_link)
    assert r"The mean $\mu$ and $\nu = a / b$ here." in out
    assert "$$\nB_j = \\frac{1}{2}\n$$" in out
    assert "$$\n\\begin{aligned}\ny &\\sim N(0, 1), \\\\\nz &= y\n\\end{aligned}\n$$" in out
    assert out.rstrip().endswith("After.")
    assert ".. math::" not in out


def test_code_blocks_are_not_touched():
    resolve = reference.resolver(toy_sections())
    text = "```python\n>>> x = ':func:`sample`'  # :math:`a`\n```\n:func:`sample`"
    out = reference.to_markdown(text, resolve, html_link)
    assert out.split("\n")[1] == ">>> x = ':func:`sample`'  # :math:`a`"
    assert out.endswith("[`sample`](sample.qmd)")


def test_headings_outside_code_get_their_attributes_rewritten():
    text = "# f { #a.f }\n\n```python\n# comment\n```\n\n## Parameters {.doc-section}\n### m"
    out = reference.shift_headings(text, lambda level, attrs: [*attrs, f".l{level}"])
    assert out.split("\n") == [
        "# f {#a.f .l1}",
        "",
        "```python",
        "# comment",
        "```",
        "",
        "## Parameters {.doc-section .l2}",
        "### m {.l3}",
    ]


def test_parameter_and_return_tables_become_lists_for_the_pdf():
    text = textwrap.dedent(
        """\
        ## Parameters

        | Name | Type | Description | Default |
        |------|------|-------------|---------|
        | x    | int  | The x.      | _required_ |
        | y    | str  | A \\| b.    | `"a"`   |

        ## Returns

        | Name | Type | Description |
        |------|------|-------------|
        |      | pandas.DataFrame | The table. |
        """
    )
    out = reference.tables_to_lists(text)
    assert "- `x` (int, required): The x." in out
    assert '- `y` (str, default `"a"`): A \\| b.' in out
    assert "- pandas.DataFrame: The table." in out
    assert "|---" not in out


def test_links_to_anchors_nobody_defines_keep_only_their_text():
    text = "[a](#x.a) and [b](#x.b) and [c](page.qmd)\n\n## A {#x.a}"
    out = reference.unlink_missing(text, reference.anchors(text))
    assert out.startswith("[a](#x.a) and b and [c](page.qmd)")


# --------------------------------------------------------------------------- pages and profiles
def test_profiles_add_a_part_per_subpackage_in_html_and_an_appendix_per_subpackage_in_pdf():
    sections = toy_sections()
    profiles = reference.profiles(sections)
    assert profiles["html"]["format"] == {"html": {"css": ["reference/reference.css"]}}
    # Both formats add the reference to the appendices (after the reader's).
    assert set(profiles["html"]["book"]) == {"appendices"}
    html = profiles["html"]["book"]["appendices"]
    assert html[0] == "reference/index.qmd"
    assert html[1] == {
        "part": "reference/companion.inference.qmd",
        "chapters": ["reference/compile_model.qmd", "reference/sample.qmd"],
    }
    assert profiles["pdf"] == {
        "book": {
            "appendices": [
                "reference/index.qmd",
                "reference/companion.inference.qmd",
                "reference/companion.missing.qmd",
            ]
        }
    }


def test_a_function_page_says_how_to_import_it_and_is_unnumbered():
    sections = toy_sections()
    resolve = reference.resolver(sections)
    rendered = "# sample { #companion.inference.sample }\n\n```python\nsample(model)\n```\n\nDraw."
    page = reference.html_page(sections[0].entries[2], rendered, resolve)
    lines = page.split("\n")
    assert "# sample {#companion.inference.sample .unnumbered}" in lines
    note = "Import: `from companion import sample` (or `from companion.inference import sample`)."
    assert lines.index(note) > lines.index("sample(model)")


def test_a_subpackage_page_lists_names_in_html_and_documents_them_in_the_pdf():
    sections = toy_sections()
    resolve = reference.resolver(sections)
    docs = {
        e.path: (f"# {e.name} {{ #{e.path} }}", f"## {e.name} {{ #{e.path} }}\n\n### Parameters")
        for e in sections[0].documented
    }
    page = reference.section_page(sections[0], docs, resolve)
    html, pdf = page.split('::: {.content-visible unless-format="html"}')
    assert "[`sample`](sample.qmd) †" in html
    assert "[]{#companion.inference.K_THRESHOLD}" in html
    assert "## sample {#companion.inference.sample}" in pdf
    assert "### Parameters {.unnumbered .unlisted}" in pdf


def test_build_scripts_including_the_reference_do_not_invalidate_chapters():
    assert "book/reference.py" in freshness.BUILD_ONLY


# --------------------------------------------------------------------------- the appendices
def test_the_readers_appendices_come_before_the_reference():
    """_quarto.yml lists the appendices for readers; the profiles append the reference."""
    config = yaml.safe_load((reference.ROOT / "_quarto.yml").read_text())
    own = config["book"]["appendices"]
    assert own == ["appendices/own-data.qmd", "appendices/notation.qmd"]
    assert not any(str(a).startswith(reference.OUT_DIR) for a in own)
    for profile in reference.profiles(SECTIONS).values():
        first = profile["book"]["appendices"][0]
        assert first == f"{reference.OUT_DIR}/index.qmd"
        # Quarto appends a profile's list to _quarto.yml's: the reference comes last.
        assert "chapters" not in profile["book"]
    # A numbered appendix, so that the PDF's running header carries its own letter.
    index = reference.index_page(SECTIONS, reference.resolver(SECTIONS))
    assert "# API reference {#sec-api-reference}" in index.splitlines()


MAINTAINERS_ONLY = re.compile(
    r"make (?:book|test)|pytest|CONTRIBUTING|\.render\.log|book/build\.py|quarto render"
)


def test_the_readers_pages_hold_nothing_for_maintainers():
    appendices = sorted((reference.ROOT / "appendices").glob("*.qmd"))
    pages = ["index.qmd", *(f"appendices/{p.name}" for p in appendices)]
    found = {
        page: MAINTAINERS_ONLY.findall((reference.ROOT / page).read_text(encoding="utf-8"))
        for page in pages
    }
    assert not {page: hits for page, hits in found.items() if hits}


def _public_names() -> set[str]:
    names = set(companion.__all__)
    for section in SECTIONS:
        names |= {e.name for e in section.entries}
    return names


def _parameters() -> set[str]:
    found = set()
    for section in SECTIONS:
        module = importlib.import_module(section.module)
        for entry in section.documented:
            try:
                found |= set(inspect.signature(getattr(module, entry.name)).parameters)
            except (TypeError, ValueError):
                continue
    return found


def test_the_notation_table_names_what_exists_in_companion():
    """Every code name of the notation appendix's last column is in the package.

    A name is a public function or class (``pool``), an argument of one
    (``delta=``), an attribute call on a result (``grouped_data(...).n_groups``)
    or a name the package's source spells as a string: a model variable
    (``"theta"``) or a column of a returned table (``"within"``).
    """
    text = (reference.ROOT / "appendices" / "notation.qmd").read_text(encoding="utf-8")
    rows = [
        line
        for line in text.splitlines()
        if line.startswith("| $")
        or line.startswith("| RIV")
        or line.startswith("| FMI")
        or line.startswith("| ESS")
    ]
    assert len(rows) > 40
    source = "\n".join(
        path.read_text(encoding="utf-8") for path in Path(companion.__file__).parent.rglob("*.py")
    )
    public, parameters = _public_names(), _parameters()
    missing = []
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split(" | ")]
        for code in re.findall(r"`([^`]+)`", cells[-1]):
            for name in re.findall(r"[A-Za-z_][\w.]*=?", code.split("(")[0]) or [code]:
                if name.endswith("="):
                    ok = name[:-1] in parameters
                else:
                    ok = name in public or f'"{name}"' in source or f"'{name}'" in source
                if not ok and name not in {"len", "data"}:
                    missing.append(f"{cells[0]}: {name}")
            attribute = re.search(r"\)\.(\w+)", code)
            if attribute and f"def {attribute.group(1)}" not in source:
                missing.append(f"{cells[0]}: .{attribute.group(1)}")
    assert not missing, missing
