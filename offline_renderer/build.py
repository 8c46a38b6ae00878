"""Build the whole book: execute (or reuse) each chapter, then write HTML and PDF.

The new book is assembled in a staging folder and moved into place only when
everything succeeded, so a failed build leaves the previous ``_book/`` intact.
"""

from __future__ import annotations

import copy
import hashlib
import json
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from offline_renderer import execute, html, typst_pdf
from offline_renderer.config import Book, load_book
from offline_renderer.crossref import Names, Registry, number_chapter
from offline_renderer.errors import BuildError
from offline_renderer.markdown import chapter_markdown
from offline_renderer.pandoc_ast import Header, parse_markdown, run_pandoc

CACHE_DIR = ".book-cache"
LOCK_FILES = ("requirements.lock",)
# Written into the output folder: the hash of everything the build read.
BUILD_KEY = ".build-key"
RENDERER_DIR = Path(__file__).parent


@dataclass
class BuiltChapter:
    doc: dict  # Pandoc AST before cross-references are resolved
    seconds: float
    cached: bool


@dataclass
class BuildReport:
    output: Path
    pdf: Path | None
    chapters: dict[str, BuiltChapter] = field(default_factory=dict)
    up_to_date: bool = False  # nothing changed since the last build: nothing was done

    @property
    def executed(self) -> list[str]:
        return [path for path, c in self.chapters.items() if not c.cached]


def _hash_tree(digest, folder: Path) -> None:
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(folder).as_posix().encode())
            digest.update(path.read_bytes())


def environment_fingerprint(root: Path, package: str) -> str:
    """Hash of what a chapter's results depend on besides its own text."""
    digest = hashlib.sha256()
    digest.update(execute.SETUP_CODE.encode())
    digest.update(sys.version.encode())
    package_dir = root / package
    if package_dir.is_dir():
        _hash_tree(digest, package_dir)
    for name in LOCK_FILES:
        if (root / name).exists():
            digest.update((root / name).read_bytes())
    return digest.hexdigest()


def chapter_key(book: Book, chapter, fingerprint: str) -> str:
    """Cache key of a chapter's executed result: its text, the files it reads, the package."""
    digest = hashlib.sha256((fingerprint + chapter.path.as_posix()).encode())
    digest.update((book.root / chapter.path).read_bytes())
    for dependency in chapter.depends_on:
        digest.update(dependency.as_posix().encode())
        digest.update((book.root / dependency).read_bytes())
    return digest.hexdigest()


def build_key(book: Book, chapter_keys: dict[Path, str], *, strict: bool, pdf: bool) -> str:
    """Hash of every input of a build; equal keys give the same book."""
    digest = hashlib.sha256(f"strict={strict} pdf={pdf}".encode())
    for chapter in book.chapters:
        digest.update(chapter_keys[chapter.path].encode())
    for path in (book.root / "_quarto.yml", book.bibliography, book.csl):
        if path is not None and path.exists():
            digest.update(path.read_bytes())
    # Chapter folders may hold images and other files the pages include.
    for folder in sorted({(book.root / c.path).parent for c in book.chapters} - {book.root}):
        _hash_tree(digest, folder)
    _hash_tree(digest, RENDERER_DIR)
    return digest.hexdigest()


def bibliography_keys(book: Book) -> set[str]:
    if book.bibliography is None:
        return set()
    if not book.bibliography.exists():
        raise BuildError(f"_quarto.yml: the bibliography {book.bibliography} does not exist.")
    text = book.bibliography.read_text(encoding="utf-8")
    items = json.loads(run_pandoc(["-f", "bibtex", "-t", "csljson"], text, str(book.bibliography)))
    return {item["id"] for item in items}


def _ensure_title(doc: dict, title: str) -> None:
    """A chapter titled in its front matter gets that title as its level-1 heading."""
    if not any(block["t"] == "Header" and block["c"][0] == 1 for block in doc["blocks"]):
        doc["blocks"].insert(0, Header(1, title, ""))


def _load_or_execute(book: Book, chapter, key: str, use_cache: bool):
    cache_file = book.root / CACHE_DIR / (chapter.stem + ".json")
    source = execute.read_chapter(chapter.path, book.root)
    if use_cache and cache_file.exists():
        cached = execute.from_cache(cache_file.read_text(encoding="utf-8"), key)
        if cached is not None:
            return cached, True
    execute.execute_chapter(chapter.path, source, book.root,
                            execute.chapter_options(book.execute, source))
    cache_file.parent.mkdir(parents=True, exist_ok=True)
    cache_file.write_text(execute.to_cache(source, key), encoding="utf-8")
    return source, False


def build(
    root: Path,
    *,
    strict: bool = False,
    use_cache: bool = True,
    pdf: bool = True,
    package: str = "companion",
    log: Callable[[str], None] = print,
) -> BuildReport:
    """Render the book in ``root`` into its output folder; see the module docstring."""
    root = root.resolve()
    book = load_book(root)
    output = root / book.output_dir
    fingerprint = environment_fingerprint(root, package)
    chapter_keys = {c.path: chapter_key(book, c, fingerprint) for c in book.chapters}
    key = build_key(book, chapter_keys, strict=strict, pdf=pdf)
    key_file = output / BUILD_KEY
    if use_cache and key_file.exists() and key_file.read_text(encoding="utf-8") == key:
        log(f"Nothing changed since the last build: {output} is up to date.")
        pdf_file = output / book.pdf_name
        return BuildReport(output=output, pdf=pdf_file if pdf and pdf_file.exists() else None,
                           up_to_date=True)  # fmt: skip
    staging = root / f".{book.output_dir}.staging"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    report = BuildReport(output=output, pdf=None)
    try:
        _build_into(book, staging, report, chapter_keys, strict=strict, use_cache=use_cache,
                    pdf=pdf, log=log)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    (staging / BUILD_KEY).write_text(key, encoding="utf-8")
    previous = root / f".{book.output_dir}.previous"
    shutil.rmtree(previous, ignore_errors=True)
    if output.exists():
        output.rename(previous)
    staging.rename(output)
    shutil.rmtree(previous, ignore_errors=True)
    if report.pdf:
        report.pdf = output / report.pdf.name
    return report


def _build_into(book: Book, staging: Path, report: BuildReport, chapter_keys: dict[Path, str],
                *, strict, use_cache, pdf, log) -> None:
    bib_keys = bibliography_keys(book)

    def warn(message: str) -> None:
        if strict:
            raise BuildError(message + "\n(strict mode turns warnings into errors)")
        log(f"warning: {message}")

    total = len(book.chapters)
    started = time.perf_counter()
    for i, chapter in enumerate(book.chapters, 1):
        t0 = time.perf_counter()
        key = chapter_keys[chapter.path]
        source, cached = _load_or_execute(book, chapter, key, use_cache)
        options = execute.chapter_options(book.execute, source)
        markdown = chapter_markdown(chapter.path, source, options, staging,
                                    staging / "figures" / chapter.stem, warn)
        doc = parse_markdown(markdown, str(chapter.path))
        _ensure_title(doc, chapter.title)
        seconds = time.perf_counter() - t0
        report.chapters[chapter.path.as_posix()] = BuiltChapter(doc, seconds, cached)
        how = "from cache" if cached else "executed"
        log(f"[{i}/{total}] {chapter.path} {how} in {seconds:.1f} s")

    registry = Registry(Names(book.crossref))
    docs = {path: built.doc for path, built in report.chapters.items()}
    for chapter in book.chapters:
        number_chapter(chapter, docs[chapter.path.as_posix()], registry)

    t0 = time.perf_counter()
    html.write_site(book, docs, registry, bib_keys, staging, pdf=pdf)
    log(f"HTML pages written in {time.perf_counter() - t0:.1f} s")
    if pdf:
        t0 = time.perf_counter()
        report.pdf = typst_pdf.write_pdf(book, copy.deepcopy(docs), registry, bib_keys, staging)
        log(f"PDF written in {time.perf_counter() - t0:.1f} s")
    log(f"Book built in {time.perf_counter() - started:.1f} s")
