"""Write the whole book as one Typst document and compile it to PDF."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from offline_renderer.config import Book
from offline_renderer.crossref import Registry, resolve_chapter
from offline_renderer.errors import BuildError
from offline_renderer.pandoc_ast import RawBlock, run_pandoc

TEMPLATE = Path(__file__).parent / "templates" / "book.typ"


def _typst_string(text: str) -> str:
    return json.dumps(text)  # a JSON string is a valid Typst string literal


def book_typst(book: Book, docs: dict[str, dict], registry: Registry, bib_keys: set[str]) -> str:
    """The book as Typst source: parts, chapters and appendices in order."""
    blocks: list = []
    meta: dict = {}
    part, appendix = None, False
    for chapter in book.chapters:
        doc, _ = resolve_chapter(docs[chapter.path.as_posix()], chapter, registry, "typst",
                                 book.root, bib_keys)
        meta = meta or doc.get("meta", {})
        if chapter.appendix and not appendix:
            appendix = True
            blocks.append(RawBlock("typst", f"#part({_typst_string(book.appendix_title)})"))
        elif chapter.part and chapter.part != part and not chapter.appendix:
            blocks.append(RawBlock("typst", f"#part({_typst_string(chapter.part)})"))
        part = chapter.part
        blocks.extend(doc["blocks"])
    args = ["-f", "json", "-t", "typst", "--template", str(TEMPLATE),
            "-M", f"title={book.title}", *book.pandoc_common_args()]
    for author in book.author:
        args += ["-M", f"author={author}"]
    if book.subtitle:
        args += ["-M", f"subtitle={book.subtitle}"]
    if book.date:
        args += ["-M", f"date={book.date}"]
    document = {"pandoc-api-version": docs[book.chapters[0].path.as_posix()]["pandoc-api-version"],
                "meta": {}, "blocks": blocks}
    return run_pandoc(args, json.dumps(document), "the PDF (Typst) book")


def write_pdf(book: Book, docs: dict[str, dict], registry: Registry, bib_keys: set[str],
              out: Path) -> Path:
    import typst

    source = out / "book.typ"
    source.write_text(book_typst(book, docs, registry, bib_keys), encoding="utf-8")
    pdf = out / book.pdf_name
    try:
        typst.compile(str(source), output=str(pdf), root=str(out))
    except Exception as err:  # typst raises its own error types
        kept = book.root / ".book-cache" / "book.typ"
        kept.parent.mkdir(exist_ok=True)
        shutil.copy(source, kept)
        raise BuildError(f"the PDF (Typst) book failed to compile (source kept in {kept}):\n"
                         f"{err}") from None
    source.unlink()
    return pdf
