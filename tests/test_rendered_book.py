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
            return re.sub(r"\s*\{.*\}\s*$", "", line[2:]).strip()
    raise AssertionError(f"{chapter} has no first-level heading")
