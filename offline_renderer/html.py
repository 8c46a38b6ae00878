"""Write the web book: one HTML page per chapter, with sidebar and page navigation."""

from __future__ import annotations

import html as html_escape
import json
import os
import shutil
from pathlib import Path

from offline_renderer.config import Book, Chapter
from offline_renderer.crossref import Registry, resolve_chapter
from offline_renderer.pandoc_ast import (
    Cite,
    Div,
    Header,
    iter_elements,
    run_pandoc,
    stringify,
    walk,
)

ASSETS = Path(__file__).parent / "assets"
TEMPLATE = Path(__file__).parent / "templates" / "page.html"


def _relative(target: str, page: Chapter) -> str:
    return os.path.relpath(target, Path(page.html_name).parent).replace(os.sep, "/")


def chapter_label(chapter: Chapter, numbered_span: bool = True) -> str:
    title = html_escape.escape(chapter.title)
    if not chapter.number:
        return title
    if numbered_span:
        return f'<span class="chapter-number">{chapter.number}</span> {title}'
    return f"{chapter.number}&nbsp;{title}"


def sidebar(book: Book, page: Chapter, pdf: bool) -> str:
    items = [f'<a class="book-title" href="{_relative("index.html", page)}">'
             f"{html_escape.escape(book.title)}</a>"]
    if pdf:
        items.append(f'<a class="download" href="{_relative(book.pdf_name, page)}">'
                     "Download PDF</a>")
    if book.repo_url:
        items.append(f'<a class="repo" href="{html_escape.escape(book.repo_url)}">'
                     "Source repository</a>")
    items.append('<input id="search" type="search" placeholder="Search" aria-label="Search">'
                 '<ul id="search-results"></ul>')
    items.append("<ul class=\"chapters\">")
    part, appendix = None, False
    for chapter in book.chapters:
        if chapter.appendix and not appendix:
            appendix = True
            items.append(f'<li class="part">{html_escape.escape(book.appendix_title)}</li>')
        elif chapter.part and chapter.part != part and not chapter.appendix:
            items.append(f'<li class="part">{html_escape.escape(chapter.part)}</li>')
        part = chapter.part
        current = ' class="current" aria-current="page"' if chapter is page else ""
        items.append(f'<li><a href="{_relative(chapter.html_name, page)}"{current}>'
                     f"{chapter_label(chapter)}</a></li>")
    items.append("</ul>")
    return "\n".join(items)


def page_navigation(book: Book, page: Chapter) -> str:
    index = book.chapters.index(page)
    links = []
    if index > 0:
        prev = book.chapters[index - 1]
        links.append(f'<a class="prev" href="{_relative(prev.html_name, page)}">'
                     f"← {chapter_label(prev, False)}</a>")
    if index + 1 < len(book.chapters):
        nxt = book.chapters[index + 1]
        links.append(f'<a class="next" href="{_relative(nxt.html_name, page)}">'
                     f"{chapter_label(nxt, False)} →</a>")
    return "\n".join(links)


def _take_title(doc: dict) -> tuple[list, str]:
    """Remove the chapter's level-1 heading; return its inlines and id."""
    for i, block in enumerate(doc["blocks"]):
        if block["t"] == "Header" and block["c"][0] == 1:
            del doc["blocks"][i]
            return block["c"][2], block["c"][1][0]
    return [], ""


def _fix_image_paths(doc: dict, page: Chapter) -> dict:
    def fix(node):
        if node["t"] == "Image" and not node["c"][2][0].startswith(("http:", "https:", "/")):
            node["c"][2][0] = _relative(node["c"][2][0], page)
        return None

    return {**doc, "blocks": walk(doc["blocks"], fix)}


def _has_refs_div(doc: dict) -> bool:
    return any(n["t"] == "Div" and n["c"][0][0] == "refs" for n in iter_elements(doc["blocks"]))


def _cites(doc: dict) -> bool:
    return any(n["t"] == "Cite" for n in iter_elements(doc["blocks"]))


def _search_entries(doc: dict, page: Chapter) -> list[dict]:
    entries, heading, anchor, words = [], page.title, "", []

    def flush():
        if words:
            entries.append({"page": page.html_name, "anchor": anchor, "title": heading,
                            "text": " ".join(words)[:2000]})

    for block in doc["blocks"]:
        if block["t"] == "Header":
            flush()
            heading, anchor, words = stringify(block["c"][2]), block["c"][1][0], []
        elif block["t"] in ("Para", "Plain"):
            words.append(stringify(block["c"]))
    flush()
    return entries


def write_site(book: Book, docs: dict[str, dict], registry: Registry, bib_keys: set[str],
               out: Path, *, pdf: bool) -> None:
    """Write every chapter page, the assets and the search index into ``out``."""
    resolved, cited_in_book = {}, set()
    for chapter in book.chapters:
        doc, cited = resolve_chapter(docs[chapter.path.as_posix()], chapter, registry, "html",
                                     book.root, bib_keys)
        resolved[chapter.path.as_posix()] = doc
        cited_in_book |= cited

    search = []
    for chapter in book.chapters:
        doc = _fix_image_paths(resolved[chapter.path.as_posix()], chapter)
        title, title_id = _take_title(doc)
        search += _search_entries(doc, chapter)
        meta = dict(doc.get("meta", {}))
        meta["title"] = {"t": "MetaInlines", "c": title}
        if _has_refs_div(doc):
            meta["nocite"] = {"t": "MetaInlines", "c": [Cite(k) for k in sorted(cited_in_book)]}
        elif _cites(doc):
            # The chapter's own reference list, as a section of the page.
            doc["blocks"] += [Header(2, "References", "references", ["unnumbered"]),
                              Div([], "refs")]
        args = ["-f", "json", "-t", "html5", "--template", str(TEMPLATE), "--mathml",
                "--toc", "--toc-depth=3", *book.pandoc_common_args(),
                "-M", f"pagetitle={chapter.title}",
                "-V", f"book-title={book.title}",
                "-V", f"libs={_relative('site_libs', chapter)}",
                "-V", f"sidebar={sidebar(book, chapter, pdf)}",
                "-V", f"pagenav={page_navigation(book, chapter)}"]
        if title_id:
            args += ["-V", f"title-id={title_id}"]
        page_html = run_pandoc(args, json.dumps({**doc, "meta": meta}), str(chapter.path))
        target = out / chapter.html_name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page_html, encoding="utf-8")

    libs = out / "site_libs"
    shutil.copytree(ASSETS, libs, dirs_exist_ok=True)
    (libs / "search.js").write_text(
        "window.BOOK_SEARCH = " + json.dumps(search) + ";\n", encoding="utf-8")
