"""Read the book's structure from ``_quarto.yml``, the single source of truth."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from offline_renderer.errors import BuildError

# Quarto execute options the offline renderer honours, with Quarto's defaults.
EXECUTE_DEFAULTS = {"echo": True, "eval": True, "output": True, "warning": True, "include": True}


@dataclass
class Chapter:
    """One source file of the book and its place in the structure."""

    path: Path  # relative to the project root
    part: str | None = None
    appendix: bool = False
    number: str | None = None  # "3", "A"; None when unnumbered
    title: str = ""
    # Files the chapter's code reads, from its ``depends-on`` front matter,
    # relative to the project root: their contents are part of its cache key.
    depends_on: list[Path] = field(default_factory=list)

    @property
    def html_name(self) -> str:
        return self.path.with_suffix(".html").as_posix()

    @property
    def stem(self) -> str:
        return self.path.with_suffix("").as_posix().replace("/", "-")


@dataclass
class Book:
    root: Path
    title: str
    subtitle: str | None
    author: list[str]
    date: str | None
    chapters: list[Chapter]
    bibliography: Path | None
    csl: Path | None = None
    output_dir: str = "_book"
    execute: dict = field(default_factory=lambda: dict(EXECUTE_DEFAULTS))
    repo_url: str | None = None
    downloads: list[str] = field(default_factory=list)
    appendix_title: str = "Appendices"
    license: str | None = None
    crossref: dict = field(default_factory=dict)

    def pandoc_common_args(self) -> list[str]:
        """Pandoc arguments both writers share: licence, citations, bibliography."""
        args = ["-M", "link-citations=true"]
        if self.license:
            args += ["-V", f"license={self.license}"]
        if self.bibliography:
            args += ["--citeproc", "--bibliography", str(self.bibliography)]
            if self.csl:
                args += ["--csl", str(self.csl)]
        return args

    @property
    def pdf_name(self) -> str:
        slug = re.sub(r"[^A-Za-z0-9]+", "-", self.title).strip("-")
        return f"{slug or 'book'}.pdf"


_UNNUMBERED = re.compile(r"^#\s+.*\{[^}]*(\.unnumbered|(?<![\w-])-(?![\w-]))[^}]*\}\s*$", re.M)
_FIRST_HEADING = re.compile(r"^#\s+(.+?)\s*(\{[^}]*\})?\s*$", re.M)
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)


def _front_matter(text: str) -> dict:
    match = _FRONT_MATTER.match(text)
    return (yaml.safe_load(match.group(1)) or {}) if match else {}


def _chapter_title(text: str, path: Path) -> tuple[str, bool]:
    """Return the chapter's title and whether its heading is numbered."""
    meta = _front_matter(text)
    body = _FRONT_MATTER.sub("", text, count=1)
    heading = _FIRST_HEADING.search(body)
    if "title" in meta:
        title = str(meta["title"])
    elif heading:
        title = heading.group(1)
    else:
        raise BuildError(f"{path}: the chapter has no title (no '# Heading' and no 'title:').")
    numbered = not (heading and _UNNUMBERED.match(heading.group(0)))
    if meta.get("number-sections") is False:
        numbered = False
    return title, numbered


def _as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _dependencies(text: str, path: Path, root: Path) -> list[Path]:
    """The files listed in a chapter's ``depends-on`` front matter (relative to the chapter)."""
    found = []
    for name in _as_list(_front_matter(text).get("depends-on")):
        target = (root / path).parent / str(name)
        if not target.is_file():
            raise BuildError(f"{path}: `depends-on` lists {name}, which is not a file.")
        found.append(target.resolve().relative_to(root.resolve()))
    return found


def _collect(entries, root: Path, *, appendix: bool, where: str) -> list[Chapter]:
    chapters: list[Chapter] = []
    for entry in _as_list(entries):
        if isinstance(entry, str):
            chapters.append(Chapter(Path(entry), appendix=appendix))
        elif isinstance(entry, dict) and "part" in entry:
            part = str(entry["part"])
            if part.endswith((".qmd", ".md")):
                raise BuildError(
                    f"_quarto.yml: {where}: parts given as files ({part}) are not supported "
                    "by the offline renderer; give the part a title string."
                )
            for chapter in _collect(entry.get("chapters"), root, appendix=appendix, where=where):
                chapter.part = chapter.part or part
                chapters.append(chapter)
        else:
            raise BuildError(f"_quarto.yml: {where}: cannot read the entry {entry!r}.")
    return chapters


def load_book(root: Path) -> Book:
    """Parse ``root/_quarto.yml`` into a :class:`Book` with numbered chapters."""
    config_path = root / "_quarto.yml"
    if not config_path.exists():
        raise BuildError(f"{config_path}: not found; is this a Quarto project?")
    config = yaml.safe_load(config_path.read_text(encoding="utf-8")) or {}
    if (config.get("project") or {}).get("type") != "book":
        raise BuildError("_quarto.yml: project: type must be 'book'.")
    book_cfg = config.get("book") or {}
    if "title" not in book_cfg:
        raise BuildError("_quarto.yml: book: title is missing.")

    chapters = _collect(book_cfg.get("chapters"), root, appendix=False, where="book: chapters")
    appendices = _collect(book_cfg.get("appendices"), root, appendix=True, where="book: appendices")
    if not chapters or chapters[0].path.name != "index.qmd":
        raise BuildError("_quarto.yml: book: chapters must start with index.qmd.")

    number, letter = 0, 0
    for chapter in chapters + appendices:
        source = root / chapter.path
        if not source.exists():
            raise BuildError(f"_quarto.yml lists {chapter.path}, which does not exist.")
        text = source.read_text(encoding="utf-8")
        chapter.title, numbered = _chapter_title(text, chapter.path)
        chapter.depends_on = _dependencies(text, chapter.path, root)
        if chapter.path.name == "index.qmd" or not numbered:
            continue
        if chapter.appendix:
            chapter.number = chr(ord("A") + letter)
            letter += 1
        else:
            number += 1
            chapter.number = str(number)

    execute = dict(EXECUTE_DEFAULTS)
    execute.update({k: v for k, v in (config.get("execute") or {}).items() if k in execute})
    bibliography = config.get("bibliography")
    csl = config.get("csl")
    project = config.get("project") or {}
    lang = config.get("language") or {}
    return Book(
        root=root,
        title=str(book_cfg["title"]),
        subtitle=book_cfg.get("subtitle"),
        author=[str(a) for a in _as_list(book_cfg.get("author"))],
        date=str(book_cfg["date"]) if book_cfg.get("date") is not None else None,
        chapters=chapters + appendices,
        bibliography=root / bibliography if bibliography else None,
        csl=root / csl if csl else None,
        output_dir=project.get("output-dir", "_book"),
        execute=execute,
        repo_url=book_cfg.get("repo-url"),
        downloads=_as_list(book_cfg.get("downloads")),
        appendix_title=lang.get("section-title-appendices", "Appendices"),
        license=config.get("license"),
        crossref=config.get("crossref") or {},
    )
