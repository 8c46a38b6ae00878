"""End-to-end: the whole book renders with Quarto, and the output reads cleanly.

The render (``python -m book.build``, what ``make book`` runs) happens once,
in the ``rendered`` fixture, after every other test (``tests/conftest.py``
orders the ``book`` tests last). The checks then read the HTML pages, the PDF
and the render log ``.render.log``.
"""

from __future__ import annotations

import html
import re
import subprocess
import sys
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pypdf
import pytest
import yaml

ROOT = Path(__file__).parents[1]
CONFIG = yaml.safe_load((ROOT / "_quarto.yml").read_text())
OUT = ROOT / CONFIG["project"].get("output-dir", "_book")

# Printed by every Typst render of the offline Quarto build that CI uses (a
# helper binary it does not ship); the PDF is not affected.
KNOWN_LOG_LINES = (
    re.compile(r"WARN: typst-gather analyze failed; staging all packages as fallback"),
)
LOG_WARNING = re.compile(r"\b(WARN|WARNING|Warning|ERROR|Error)\b|\[warning\]|Could not convert")
NUMPY_REPR = re.compile(r"\bnp\.(?:u?int|float|complex|bool|str)_?\d*\(")
RAW_MARKUP = ("{#fig-", "{#tbl-", "{#eq-", "{#sec-", "{#exr-", "?@", "`{python}")
XREF = re.compile(r"@(?:fig|tbl|sec|eq|exr)-[\w-]+")


@dataclass
class Render:
    returncode: int
    output: str
    seconds: float


@pytest.fixture(scope="session")
def rendered() -> Render:
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "book.build"], cwd=ROOT, capture_output=True, text=True
    )
    return Render(result.returncode, result.stdout + result.stderr, time.perf_counter() - start)


@pytest.fixture(scope="session")
def book(rendered) -> Path:
    if rendered.returncode != 0:
        pytest.fail("the book did not render; see test_book_renders")
    return OUT


def chapter_files() -> list[str]:
    """Every .qmd listed in _quarto.yml's book, parts and appendices included."""
    found = []

    def walk(entries):
        for entry in entries:
            if isinstance(entry, str):
                found.append(entry)
            else:
                walk(entry.get("chapters", []))

    walk(CONFIG["book"]["chapters"])
    walk(CONFIG["book"].get("appendices", []))
    return found


def expected_pages(out: Path) -> list[Path]:
    return [out / Path(chapter).with_suffix(".html") for chapter in chapter_files()]


def pages(out: Path) -> list[Path]:
    """The chapters' pages that exist (a missing one fails its own test)."""
    return [page for page in expected_pages(out) if page.is_file()]


def page_text(page: Path) -> str:
    """The reader-visible text of a page, without source code (which may show any syntax)."""
    source = page.read_text(encoding="utf-8")
    source = re.sub(r"(?s)<script.*?</script>|<style.*?</style>", " ", source)
    source = re.sub(r'(?s)<div class="sourceCode[^"]*".*?</pre>\s*</div>', " ", source)
    source = re.sub(r"(?s)<code>[^<]*</code>", " ", source)  # inline code in prose
    return html.unescape(re.sub(r"<[^>]+>", " ", source))


@pytest.mark.book
def test_book_renders(rendered, capsys):
    with capsys.disabled():  # show Quarto's progress and the timing in the test log
        print(f"\n{rendered.output}\n[book rendered in {rendered.seconds:.0f} s]")
    assert rendered.returncode == 0, rendered.output[-3000:]


@pytest.mark.book
def test_render_log_has_no_warnings(book):
    log = (ROOT / ".render.log").read_text()
    warnings = [
        line
        for line in log.splitlines()
        if LOG_WARNING.search(line) and not any(k.search(line) for k in KNOWN_LOG_LINES)
    ]
    assert not warnings, "warnings in .render.log:\n" + "\n".join(warnings[:20])


@pytest.mark.book
def test_every_chapter_has_its_page_and_the_pdf_exists(book):
    missing = [p.relative_to(book) for p in expected_pages(book) if not p.is_file()]
    assert not missing, f"chapters of _quarto.yml without their page: {missing}"
    pdfs = list(book.glob("*.pdf"))
    assert len(pdfs) == 1, f"expected one PDF in {book}, found {pdfs}"


@pytest.mark.book
def test_pages_have_no_unresolved_references_or_raw_markup(book):
    problems = []
    for page in pages(book):
        source = page.read_text(encoding="utf-8")
        if "quarto-unresolved-ref" in source:
            problems.append(f"{page.name}: unresolved cross-reference")
        text = page_text(page)
        problems += [f"{page.name}: shows {raw!r}" for raw in RAW_MARKUP if raw in text]
        problems += [f"{page.name}: shows {m!r}" for m in XREF.findall(text)]
    assert not problems, "\n".join(problems)


@pytest.mark.book
def test_pages_show_no_numpy_reprs_or_stderr(book):
    problems = []
    for page in pages(book):
        source = page.read_text(encoding="utf-8")
        for match in NUMPY_REPR.finditer(page_text(page)):
            problems.append(f"{page.name}: NumPy repr {match.group()}...")
        for block in re.findall(
            r'(?s)<div class="cell-output cell-output-stderr">(.*?)</div>', source
        ):
            text = html.unescape(re.sub(r"<[^>]+>", "", block)).strip()
            problems.append(f"{page.name}: a cell printed to stderr: {text[:200]!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.book
def test_every_figure_has_alt_text(book):
    missing = []
    for page in pages(book):
        for img in re.findall(r"<img\b[^>]*>", page.read_text(encoding="utf-8")):
            alt = re.search(r'\balt="([^"]*)"', img)
            if not alt or not alt.group(1).strip():
                src = re.search(r'\bsrc="([^"]*)"', img)
                missing.append(f"{page.name}: {src.group(1) if src else img[:80]}")
    assert not missing, "images without alt text:\n" + "\n".join(missing)


@pytest.mark.book
def test_pdf_has_every_chapter_and_no_unresolved_references(book):
    reader = pypdf.PdfReader(next(book.glob("*.pdf")))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    assert len(reader.pages) > 50, f"the PDF has only {len(reader.pages)} pages"
    problems = [raw for raw in ("?@", "{#fig-", "{#tbl-", "{#eq-") if raw in text]
    problems += XREF.findall(text)
    assert not problems, f"the PDF shows {problems[:20]}"
    flat = re.sub(r"\s+", " ", text).replace("\u2019", "'")  # smart apostrophes
    for chapter in chapter_files():
        assert chapter_title(chapter) in flat, f"{chapter}: its title is not in the PDF"


def chapter_title(chapter: str) -> str:
    """The text of a chapter's first-level heading, without its attributes."""
    text = (ROOT / chapter).read_text(encoding="utf-8")
    body = text.split("\n---\n", 1)[1] if text.startswith("---\n") else text
    for line in body.splitlines():
        if line.startswith("# "):
            title = re.sub(r"\s*\{.*\}\s*$", "", line[2:]).strip()
            return title.replace("`", "")  # code in a title is set in code type
    raise AssertionError(f"{chapter} has no first-level heading")


# --------------------------------------------------------------------------- API reference
SPHINX_MARKUP = re.compile(r":(?:func|class|meth|attr|data|mod|math):`|\.\. math::|\{parameters\}")


def reference_entries():
    from book.reference import public_api

    return [entry for section in public_api() for entry in section.entries]


@pytest.mark.book
def test_every_public_function_and_class_has_its_reference_page_with_examples(book):
    problems = []
    for entry in reference_entries():
        if not entry.has_page:
            continue
        page = book / "reference" / f"{entry.name}.html"
        if not page.is_file():
            problems.append(f"{entry.path}: no page {page.relative_to(book)}")
            continue
        source = page.read_text(encoding="utf-8")
        text = page_text(page)
        examples = re.search(r'(?s)class="[^"]*doc-section-examples[^"]*".*?</section>', source)
        if not examples or "&gt;&gt;&gt;" not in examples.group():
            problems.append(f"{page.name}: no Examples section with code")
        if f"Import: {entry.import_line}" not in re.sub(
            r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", source))
        ):
            problems.append(f"{page.name}: does not say how to import {entry.name}")
        problems += [f"{page.name}: shows {m!r}" for m in SPHINX_MARKUP.findall(text)]
        problems += [f"{page.name}: shows {raw!r}" for raw in RAW_MARKUP if raw in text]
    assert not problems, "\n".join(problems)


@pytest.mark.book
def test_the_reference_index_lists_every_name_and_is_in_the_sidebar(book):
    index = book / "reference" / "index.html"
    source = index.read_text(encoding="utf-8")
    for entry in reference_entries():
        target = f"{entry.name}.html" if entry.has_page else f"{entry.module}.html#{entry.path}"
        assert re.search(rf'href="(?:\./|\.\./reference/)?{re.escape(target)}"', source), entry.path
    sidebar = re.search(r'(?s)<nav id="quarto-sidebar".*?</nav>', (book / "index.html").read_text())
    assert sidebar and "reference/index.html" in sidebar.group()
    for module in {e.module for e in reference_entries()}:
        assert f"reference/{module}.html" in sidebar.group(), module


@pytest.mark.book
def test_links_between_reference_pages_resolve(book):
    pages = {
        page.resolve(): page.read_text(encoding="utf-8")
        for page in (book / "reference").glob("*.html")
    }
    ids = {page: set(re.findall(r'\bid="([^"]+)"', source)) for page, source in pages.items()}
    broken, checked = [], 0
    for page, source in pages.items():
        for target, anchor in re.findall(r'href="([^"#:]*)(?:#([^"]*))?"', source):
            if not target.endswith(".html") and target:
                continue
            checked += 1
            linked = (page.parent / target).resolve() if target else page
            if target and not linked.is_file():
                broken.append(f"{page.name}: {target}")
            elif anchor and linked in ids and anchor not in ids[linked]:
                broken.append(f"{page.name}: {target}#{anchor}")
        text = page_text(page)
        broken += [f"{page.name}: shows {m!r}" for m in SPHINX_MARKUP.findall(text)]
    assert not broken, "\n".join(broken[:30])
    assert checked > 1000  # the sidebar alone links every page from every page


@pytest.mark.book
def test_the_pdf_has_the_reference_as_one_appendix_per_subpackage(book):
    from book.reference import public_api

    reader = pypdf.PdfReader(next(book.glob("*.pdf")))
    pages = [re.sub(r"\s+", " ", page.extract_text() or "") for page in reader.pages]
    text = " ".join(pages)
    start = text.index("API reference Every public function")
    appendix = text[start:]
    for section in public_api():
        assert f"API: {section.title}" in appendix, section.title
        for entry in section.entries:
            assert entry.name in appendix, entry.path
    assert not SPHINX_MARKUP.search(appendix), SPHINX_MARKUP.search(appendix).group()
    # An appendix per subpackage, not a chapter per function: the reference
    # takes a minority of the book's pages.
    first = next(i for i, page in enumerate(pages) if "API reference Every public function" in page)
    assert len(pages) - first < first, f"the reference takes pages {first + 1}-{len(pages)}"


# --------------------------------------------------------------------------- search and appendices
def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", text))).strip()


@pytest.mark.book
def test_search_finds_the_summaries_list_items(book):
    """Quarto's search index (search.json) holds the text of every Summary, list items included.

    Whitespace is left out of the comparison: the index joins the parts of a
    formula (its MathML and its TeX) without the spaces that tags leave.
    """
    index = yaml.safe_load((book / "search.json").read_text(encoding="utf-8"))
    searched: dict[str, str] = {}
    for entry in index:
        page = entry["href"].split("#")[0]
        text = html.unescape(entry.get("text", ""))  # the index keeps "&lt;" for "<"
        searched[page] = searched.get(page, "") + re.sub(r"\s+", "", text)
    summaries, items, missing = 0, 0, []
    for page in pages(book):
        source = page.read_text(encoding="utf-8")
        href = page.relative_to(book).as_posix()
        for name, section in re.findall(
            r'(?s)<section id="(sec-[\w-]*summary)"[^>]*>(.*?)(?=<section id=|</main>)', source
        ):
            summaries += 1
            body = re.sub(r"(?s)<h2.*?</h2>", "", section)
            parts = re.findall(r"(?s)<li>(.*?)</li>", body) or [body]
            items += len(parts)
            missing += [
                f"{href}#{name}: {_flat(part)[:60]!r}"
                for part in parts
                if re.sub(r"\s+", "", _flat(part)) not in searched.get(href, "")
            ]
    assert summaries >= 5 and items > summaries, (summaries, items)
    assert not missing, "Summary text the search index misses:\n" + "\n".join(missing)


@pytest.mark.book
def test_the_readers_appendices_come_before_the_api_reference(book):
    sidebar = re.search(r'(?s)<nav id="quarto-sidebar".*?</nav>', (book / "index.html").read_text())
    assert sidebar, "index.html has no sidebar"
    order = [
        sidebar.group().find(target)
        for target in (
            "appendices/own-data.html",
            "appendices/notation.html",
            "reference/index.html",
        )
    ]
    assert -1 not in order and order == sorted(order), order
    reader = pypdf.PdfReader(next(book.glob("*.pdf")))
    text = re.sub(r"\s+", " ", "\n".join(page.extract_text() or "" for page in reader.pages))
    starts = [
        text.rfind("on your own data"),  # the heading, after the table of contents
        text.rfind("Notation Each symbol"),
        text.index("API reference Every public function"),
    ]
    assert -1 not in starts and starts == sorted(starts), starts


@pytest.mark.book
def test_the_notation_appendix_shows_its_symbols_as_math(book):
    reader = pypdf.PdfReader(next(book.glob("*.pdf")))
    text = re.sub(r"\s+", " ", "\n".join(page.extract_text() or "" for page in reader.pages))
    # Typst's math letters are the Unicode mathematical italics (U+1D6FC ...).
    text = unicodedata.normalize("NFKC", text)
    notation = text[text.index("Each symbol stands for") : text.index("API reference Every")]
    for symbol in "θμτσβδγλνα":
        assert symbol in notation, f"the PDF's notation appendix does not show {symbol}"
    assert "\\theta" not in notation and "$" not in notation
    source = (book / "appendices" / "notation.html").read_text(encoding="utf-8")
    source = re.sub(
        r"(?s)<annotation.*?</annotation>|<script.*?</script>|<style.*?</style>", "", source
    )
    assert "<math" in source
    assert "$" not in _flat(source)
