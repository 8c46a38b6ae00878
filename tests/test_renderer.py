"""The offline renderer on a tiny fixture book: output, errors and caching."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from offline_renderer import BuildError, build
from offline_renderer.execute import inline_expressions

FIXTURE = Path(__file__).parent / "fixtures" / "tinybook"


def quiet(_message: str) -> None:
    pass


@pytest.fixture
def book(tmp_path: Path) -> Path:
    root = tmp_path / "book"
    shutil.copytree(FIXTURE, root)
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, object]:
    root = tmp_path_factory.mktemp("built") / "book"
    shutil.copytree(FIXTURE, root)
    report = build(root, log=quiet)
    return root, report


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"fixture text {old!r} not found"
    path.write_text(text.replace(old, new, 1))


def line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().split("\n"), 1) if needle in line)


# Output -------------------------------------------------------------------------

def test_writes_pages_and_pdf(built):
    root, report = built
    out = root / "_book"
    for page in ("index.html", "chapters/one.html", "chapters/extra.html", "references.html"):
        assert (out / page).is_file(), page
    assert report.pdf == out / "Tiny-Book.pdf"
    assert report.pdf.read_bytes().startswith(b"%PDF")
    assert len(list((out / "figures").rglob("*.svg"))) == 1


def test_cross_references_are_numbered_and_linked(built):
    html = (built[0] / "_book" / "chapters" / "one.html").read_text()
    text = re.sub(r"<[^>]+>", "", html).replace("\u00a0", " ")
    for expected in ("Figure 1.1", "Table 1.1", "Equation 1.1", "Section 1.1", "Exercise 1.1"):
        assert expected in text, expected
    assert 'href="#fig-line"' in html and 'id="fig-line"' in html
    assert "(1.1)" in text  # equation number beside the equation
    assert "@fig-" not in text and "{#" not in text and "??" not in text
    extra = (built[0] / "_book" / "chapters" / "extra.html").read_text()
    assert 'href="one.html#fig-line"' in extra and "Chapter\u00a01" in extra
    assert "Appendix\u00a0A" in (built[0] / "_book" / "index.html").read_text()


def test_figure_has_caption_and_alt_text(built):
    html = (built[0] / "_book" / "chapters" / "one.html").read_text()
    assert re.search(r"<figcaption>\s*Figure\u00a01.1: A straight line.", html)
    assert 'alt="A line rising from left to right."' in html
    assert '<math display="block"' in html  # MathML: no CDN needed


def test_cell_options_are_honoured(built):
    html = (built[0] / "_book" / "chapters" / "one.html").read_text()
    assert "value is 42" in html and "The value is 42 and" in html
    assert "{python} not_run" in html  # double-backtick code is shown, not run
    assert "echo false output" in html and "print(&quot;echo false output" not in html
    assert "include-hidden" not in html and "include" not in re.sub(r"<[^>]+>", "", html)
    assert "this_is_never_executed" in html  # eval: false still shows the code
    assert "output-hidden" not in html and "warning-hidden" not in html
    assert "callout-note" in html and "Note title" in html
    assert "<details" in html and "The answer." in html


def test_citations_resolve_in_chapter_and_reference_page(built):
    one = (built[0] / "_book" / "chapters" / "one.html").read_text()
    refs = (built[0] / "_book" / "references.html").read_text()
    assert "Knuth" in one and "@knuth" not in one
    assert "Literate Programming" in refs


def test_navigation_links_neighbours(built):
    html = (built[0] / "_book" / "chapters" / "one.html").read_text()
    assert 'class="prev" href="../index.html"' in html
    assert 'class="next" href="../references.html"' in html
    assert "Only part" in html


# Errors -------------------------------------------------------------------------

def test_failing_cell_names_file_line_and_cell_and_keeps_old_book(book):
    build(book, log=quiet, pdf=False)
    index = (book / "_book" / "index.html").read_text()
    chapter = book / "chapters" / "one.qmd"
    edit(chapter, "value = companion.VALUE + 1", "value = 1 / 0")
    with pytest.raises(BuildError) as err:
        build(book, log=quiet, pdf=False)
    message = str(err.value)
    assert f"chapters/one.qmd:{line_of(chapter, '```{python}')}" in message
    assert "cell 'setup-cell'" in message and "ZeroDivisionError" in message
    assert (book / "_book" / "index.html").read_text() == index


def test_unlabelled_failing_cell_is_named_by_number(book):
    edit(book / "chapters" / "one.qmd", 'print("echo false output")', "raise ValueError('boom')")
    with pytest.raises(BuildError, match=r"(?s)one.qmd:\d+: code cell 4: .*ValueError: boom"):
        build(book, log=quiet, pdf=False)


def test_missing_citation_is_an_error(book):
    chapter = book / "chapters" / "one.qmd"
    edit(chapter, "@knuth1984literate", "@nobody2000")
    with pytest.raises(BuildError) as err:
        build(book, log=quiet, pdf=False)
    assert f"chapters/one.qmd:{line_of(chapter, '@nobody2000')}" in str(err.value)
    assert "'@nobody2000' is not in the bibliography" in str(err.value)


def test_dangling_cross_reference_is_an_error(book):
    chapter = book / "chapters" / "extra.qmd"
    edit(chapter, "@fig-line", "@fig-missing")
    expected = r"chapters/extra.qmd:3: the cross-reference '@fig-missing'"
    with pytest.raises(BuildError, match=expected):
        build(book, log=quiet, pdf=False)


def test_strict_mode_turns_stderr_into_an_error(book):
    edit(book / "chapters" / "one.qmd", "#| warning: false\n", "")
    build(book, log=quiet, pdf=False)  # not strict: a warning only
    assert "warning-hidden" in (book / "_book" / "chapters" / "one.html").read_text()
    with pytest.raises(BuildError, match="printed to stderr"):
        build(book, log=quiet, pdf=False, strict=True)


def test_command_line_exits_non_zero_with_message(book):
    edit(book / "chapters" / "one.qmd", "value = companion.VALUE + 1", "value = undefined_name")
    result = subprocess.run([sys.executable, "-m", "offline_renderer", str(book), "--no-pdf"],
                            capture_output=True, text=True, cwd=Path(__file__).parents[1])
    assert result.returncode == 1
    assert "cell 'setup-cell'" in result.stderr and "NameError" in result.stderr


# Cache ----------------------------------------------------------------------------

def test_cache_skips_unchanged_chapters_and_notices_package_changes(book):
    first = build(book, log=quiet, pdf=False)
    assert first.executed == ["index.qmd", "chapters/one.qmd", "references.qmd",
                              "chapters/extra.qmd"]
    second = build(book, log=quiet, pdf=False)
    assert second.executed == []
    edit(book / "companion" / "__init__.py", "VALUE = 41", "VALUE = 99")
    third = build(book, log=quiet, pdf=False)
    assert third.executed == first.executed
    assert "value is 100" in (book / "_book" / "chapters" / "one.html").read_text()
    edit(book / "chapters" / "extra.qmd", "Back to", "Forward to")
    assert build(book, log=quiet, pdf=False).executed == ["chapters/extra.qmd"]


def test_nothing_changed_means_nothing_is_done(book):
    first = build(book, log=quiet, pdf=False)
    assert not first.up_to_date
    page = book / "_book" / "chapters" / "one.html"
    written = page.stat().st_mtime_ns
    messages = []
    again = build(book, log=messages.append, pdf=False)
    assert again.up_to_date and again.executed == []
    assert messages == [f"Nothing changed since the last build: {book / '_book'} is up to date."]
    assert page.stat().st_mtime_ns == written
    # Any input that changes the output rebuilds: options, the configuration,
    # the bibliography, a file beside the chapters, or a missing output.
    assert not build(book, log=quiet, pdf=False, strict=True).up_to_date
    for path in (book / "_quarto.yml", book / "references.bib"):
        path.write_text(path.read_text() + "\n")
        assert not build(book, log=quiet, pdf=False, strict=True).up_to_date
    (book / "chapters" / "note.txt").write_text("new")
    assert not build(book, log=quiet, pdf=False, strict=True).up_to_date
    shutil.rmtree(book / "_book")
    assert not build(book, log=quiet, pdf=False, strict=True).up_to_date
    assert build(book, log=quiet, pdf=False, strict=True).up_to_date
    assert not build(book, log=quiet, pdf=False, strict=True, use_cache=False).up_to_date


def test_depends_on_files_are_part_of_the_chapter_key(book):
    (book / "data.txt").write_text("7")
    extra = book / "chapters" / "extra.qmd"
    extra.write_text("---\ndepends-on: ../data.txt\n---\n\n" + extra.read_text())
    build(book, log=quiet, pdf=False)
    assert build(book, log=quiet, pdf=False).executed == []
    (book / "data.txt").write_text("8")
    assert build(book, log=quiet, pdf=False).executed == ["chapters/extra.qmd"]
    (book / "data.txt").unlink()
    with pytest.raises(BuildError, match=r"chapters/extra.qmd: `depends-on` lists ../data.txt"):
        build(book, log=quiet, pdf=False)


def test_inline_expressions_skip_longer_code_spans_and_fences():
    text = "a `{python} x` b `` `{python} y` `` c\n\n```\n`{python} z`\n```\n"
    assert [expr for _, _, expr in inline_expressions(text)] == ["x"]


def test_crossref_settings_from_quarto_yml(book):
    config = book / "_quarto.yml"
    config.write_text(config.read_text() + 'crossref:\n  fig-prefix: "Fig."\n  title-delim: "."\n')
    build(book, log=quiet, pdf=False)
    html = (book / "_book" / "chapters" / "one.html").read_text()
    assert "See <a href=\"#fig-line\" class=\"quarto-xref\">Fig.\u00a01.1</a>" in html
    assert re.search(r"<figcaption>\s*Figure\u00a01.1. A straight line.", html)


def test_typst_images_keep_their_alt_text():
    from offline_renderer.crossref import Resolver

    image = {"t": "Image", "c": [["", [], [["width", "100%"]]], [{"t": "Str", "c": 'A "line"'}],
                                 ["figures/a.svg", ""]]}
    raw = Resolver.typst_image(image)
    assert raw == {"t": "RawInline",
                   "c": ["typst", '#image("figures/a.svg", width: 100%, alt: "A \\"line\\"")']}


def test_front_matter_title_becomes_the_chapter_heading(book):
    extra = book / "chapters" / "extra.qmd"
    extra.write_text('---\ntitle: "Titled in YAML"\n---\n\nBack to @sec-one.\n')
    edit(book / "index.qmd", " and @sec-extra", "")
    build(book, log=quiet, pdf=False)
    html = (book / "_book" / "chapters" / "extra.html").read_text()
    assert re.search(r'<h1 class="title">.*Titled\s+in\s+YAML</h1>', html, re.S)
    assert "A</span> Titled in YAML" in (book / "_book" / "index.html").read_text()
