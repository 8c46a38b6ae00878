"""Quarto-style numbering, cross-references, callouts and citation checks.

Pass 1 (:func:`number_chapter`) numbers every section, figure, table,
equation and exercise of every chapter into one registry, so that a chapter
can refer to another. Pass 2 (:func:`resolve_chapter`) rewrites the AST of
one chapter for one output format (``"html"`` or ``"typst"``).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from offline_renderer.config import Chapter
from offline_renderer.errors import BuildError
from offline_renderer.pandoc_ast import (
    Div,
    Link,
    Para,
    Plain,
    RawBlock,
    Space,
    Span,
    Str,
    Strong,
    iter_elements,
    stringify,
    text_inlines,
    walk,
)

XREF_KINDS = {
    "sec": "Section", "fig": "Figure", "tbl": "Table", "eq": "Equation", "exr": "Exercise",
}
_XREF = re.compile(r"^(sec|fig|tbl|eq|exr)-")
_EQ_LABEL = re.compile(r"^\{#(eq-[^}\s]+)\}$")
NUMBER_DEPTH = 3  # Quarto's default: chapters, sections and subsections
CALLOUT_TITLES = {
    "note": "Note", "tip": "Tip", "warning": "Warning", "important": "Important",
    "caution": "Caution",
}
CALLOUT_COLOURS = {  # Quarto's callout colours
    "note": "#0758E5", "tip": "#00A047", "warning": "#FFC107", "important": "#CC1914",
    "caution": "#FC5300",
}


class Names:
    """Words for references and captions, from ``crossref:`` in ``_quarto.yml``."""

    def __init__(self, settings: dict | None = None):
        self.settings = settings or {}

    def prefix(self, kind: str) -> str:
        return str(self.settings.get(f"{kind}-prefix", XREF_KINDS[kind]))

    def title(self, kind: str) -> str:
        return str(self.settings.get(f"{kind}-title", XREF_KINDS[kind]))

    def caption_label(self, kind: str, number: str) -> str:
        # A no-break space keeps "Figure" and its number on one line.
        return f"{self.title(kind)}\u00a0{number}"

    @property
    def delimiter(self) -> str:
        return str(self.settings.get("title-delim", ":"))


@dataclass
class Target:
    kind: str  # key of XREF_KINDS
    number: str
    chapter: Chapter
    level: int = 0  # header level for sections
    title: str = ""  # header text, used to refer to unnumbered sections

    def text(self, names: Names, suppress_kind: bool = False) -> str:
        if not self.number:
            return self.title
        # A no-break space keeps "Figure" and its number on one line.
        return self.number if suppress_kind else f"{self.label(names)}\u00a0{self.number}"

    def label(self, names: Names) -> str:
        if self.kind == "sec" and self.level == 1:
            return "Appendix" if self.chapter.appendix else "Chapter"
        return names.prefix(self.kind)


class Registry(dict):
    """label -> Target, for the whole book, and the words to refer to them."""

    def __init__(self, names: Names | None = None):
        super().__init__()
        self.names = names or Names()

    def add(self, label: str, target: Target, source: Path) -> None:
        if label in self:
            raise BuildError(
                f"{source}: the label '{label}' is used twice "
                f"(also in {self[label].chapter.path})."
            )
        self[label] = target


def locate(root: Path, path: Path, needle: str) -> str:
    """'file:line' of the first occurrence of ``needle`` in a source file."""
    for number, line in enumerate((root / path).read_text(encoding="utf-8").split("\n"), 1):
        if needle in line:
            return f"{path}:{number}"
    return str(path)


def _equation_label(block: dict) -> str | None:
    if block["t"] not in ("Para", "Plain"):
        return None
    inlines = [i for i in block["c"] if i["t"] not in ("Space", "SoftBreak")]
    if len(inlines) == 2 and inlines[0]["t"] == "Math" and inlines[1]["t"] == "Str":
        if inlines[0]["c"][0]["t"] == "DisplayMath" and (m := _EQ_LABEL.match(inlines[1]["c"])):
            return m.group(1)
    return None


def _callout_kind(node: dict) -> str | None:
    if node.get("t") != "Div":
        return None
    return next((c[len("callout-"):] for c in node["c"][0][1]
                 if c.startswith("callout-") and c[len("callout-"):] in CALLOUT_TITLES), None)


def _outside_callouts(value):
    """Like iter_elements, but the title header of a callout is not a section."""
    for node in iter_elements(value):
        if _callout_kind(node):
            blocks = node["c"][1]
            if blocks and blocks[0]["t"] == "Header":
                blocks[0]["__callout_title"] = True
        if node["t"] == "Header" and node.get("__callout_title"):
            continue
        yield node


def _numbered(prefix: str | None, count: int) -> str:
    return f"{prefix}.{count}" if prefix else str(count)


def number_chapter(chapter: Chapter, doc: dict, registry: Registry) -> None:
    """Pass 1: number this chapter's elements into ``registry``; mark numbered headers."""
    counters = {kind: 0 for kind in XREF_KINDS}
    section = [0] * 7
    prefix = chapter.number

    def register(label: str, kind: str, number: str, level: int = 0, title: str = ""):
        if label.startswith(kind + "-"):
            registry.add(label, Target(kind, number, chapter, level, title), chapter.path)

    for node in _outside_callouts(doc["blocks"]):
        kind = node["t"]
        if kind == "Header":
            level, (identifier, classes, _), inlines = node["c"]
            if "unnumbered" in classes or "-" in classes or prefix is None or level > NUMBER_DEPTH:
                register(identifier, "sec", "", level, stringify(inlines))
                continue
            if level == 1:
                number = prefix
            else:
                section[level] += 1
                section[level + 1:] = [0] * (len(section) - level - 1)
                number = ".".join([prefix] + [str(section[i]) for i in range(2, level + 1)])
            register(identifier, "sec", number, level, stringify(inlines))
            node["__number"] = number
        elif kind in ("Figure", "Table", "Div") and (identifier := node["c"][0][0]):
            xref = identifier.split("-")[0]
            expected = {"Figure": {"fig"}, "Table": {"tbl"}, "Div": {"tbl", "exr", "fig"}}[kind]
            if xref in expected:
                counters[xref] += 1
                register(identifier, xref, _numbered(prefix, counters[xref]))
        elif label := _equation_label(node):
            counters["eq"] += 1
            register(label, "eq", _numbered(prefix, counters["eq"]))


class Resolver:
    """Pass 2 for one chapter and one output format."""

    def __init__(self, chapter: Chapter, registry: Registry, fmt: str, root: Path,
                 bib_keys: set[str]):
        self.chapter, self.registry, self.fmt = chapter, registry, fmt
        self.root, self.bib_keys = root, bib_keys
        self.cited: set[str] = set()

    # links ------------------------------------------------------------------
    def href(self, label: str) -> str:
        target = self.registry[label].chapter
        if self.fmt == "typst" or target is self.chapter:
            return "#" + label
        here = Path(self.chapter.html_name).parent
        return os.path.relpath(target.html_name, here).replace(os.sep, "/") + "#" + label

    def cite(self, node: dict):
        citations, _ = node["c"]
        ids = [c["citationId"] for c in citations]
        xrefs = [bool(_XREF.match(i)) for i in ids]
        if not any(xrefs):
            for key in ids:
                if key not in self.bib_keys:
                    raise BuildError(
                        f"{locate(self.root, self.chapter.path, '@' + key)}: the citation "
                        f"'@{key}' is not in the bibliography."
                    )
                self.cited.add(key)
            return None
        if not all(xrefs):
            raise BuildError(
                f"{locate(self.root, self.chapter.path, '@' + ids[0])}: cross-references and "
                "citations cannot share one bracket."
            )
        out: list = []
        for i, citation in enumerate(citations):
            label = citation["citationId"]
            if label not in self.registry:
                raise BuildError(
                    f"{locate(self.root, self.chapter.path, '@' + label)}: the cross-reference "
                    f"'@{label}' has no target (no element has the id '{label}')."
                )
            target = self.registry[label]
            if i:
                out += [Str(","), Space()]
            out += citation["citationPrefix"] + ([Space()] if citation["citationPrefix"] else [])
            suppress = citation["citationMode"]["t"] == "SuppressAuthor"
            text = target.text(self.registry.names, suppress)
            out.append(Link(text_inlines(text), self.href(label), ["quarto-xref"]))
            out += citation["citationSuffix"]
        return out

    # blocks -----------------------------------------------------------------
    def header(self, node: dict):
        number = node.get("__number")
        node.pop("__number", None)
        if number:
            node["c"][2] = [Span([Str(number)], ["header-section-number"]), Space()] + node["c"][2]
        return node

    def caption_prefix(self, caption: list, kind: str, identifier: str):
        target = self.registry.get(identifier)
        if target is None:
            return
        blocks = caption[1]
        names = self.registry.names
        label = names.caption_label(kind, target.number)
        if blocks and blocks[0]["t"] in ("Plain", "Para"):
            blocks[0]["c"] = [Str(label + names.delimiter), Space()] + blocks[0]["c"]
        else:
            caption[1] = [Plain([Str(label)])] + blocks

    def figure(self, node: dict):
        identifier = node["c"][0][0]
        self.caption_prefix(node["c"][1], "fig", identifier)
        return node  # its images were already handled: the walk is bottom-up

    def apply_alt(self, image: dict):
        keyvals = image["c"][0][2]
        alt = next((v for k, v in keyvals if k == "fig-alt"), None)
        if alt is not None:
            image["c"][0][2] = [[k, v] for k, v in keyvals if k != "fig-alt"]
            image["c"][1] = [Str(alt)]

    @staticmethod
    def typst_image(node: dict) -> dict:
        """Typst image with its alt text, which pandoc's Typst writer leaves out."""
        (_, _, keyvals), alt, (src, _) = node["c"]
        args = [json.dumps(src)]
        if width := dict(keyvals).get("width"):
            args.append(f"width: {width}")
        if alt:
            args.append(f"alt: {json.dumps(stringify(alt))}")
        return {"t": "RawInline", "c": ["typst", f"#image({', '.join(args)})"]}

    def equation(self, node: dict):
        label = _equation_label(node)
        if label is None:
            return None
        math = next(i for i in node["c"] if i["t"] == "Math")
        number = f"({self.registry[label].number})"
        if self.fmt == "typst":
            return Div([RawBlock("typst", "#equation-row["), Plain([math]),
                        RawBlock("typst", f"][{number}]")], label)
        return Div([Plain([math]), Plain([Span([Str(number)], ["eq-number"])])], label,
                   ["equation"])

    def callout(self, node: dict, kind: str):
        (identifier, classes, keyvals), blocks = node["c"]
        options = dict(keyvals)
        title = text_inlines(options["title"]) if "title" in options else None
        if title is None and blocks and blocks[0]["t"] == "Header":
            title, blocks = blocks[0]["c"][2], blocks[1:]
        elif blocks and blocks[0]["t"] == "Header":
            blocks[0].pop("__callout_title", None)
        title = title or [Str(CALLOUT_TITLES[kind])]
        collapse = options.get("collapse", "false") == "true"
        if self.fmt == "typst":
            colour = CALLOUT_COLOURS[kind]
            return [RawBlock("typst", f'#callout(colour: rgb("{colour}"), title: ['),
                    Plain(title), RawBlock("typst", "])["), *blocks, RawBlock("typst", "]")]
        body = Div(blocks, "", ["callout-body"])
        if collapse:
            return [RawBlock("html", f'<details class="callout callout-{kind}" id="{identifier}">'
                             if identifier else f'<details class="callout callout-{kind}">'),
                    RawBlock("html", '<summary class="callout-title">'), Plain(title),
                    RawBlock("html", "</summary>"), body, RawBlock("html", "</details>")]
        return Div([Div([Plain(title)], "", ["callout-title"]), body], identifier,
                   ["callout", f"callout-{kind}"])

    def exercise(self, node: dict):
        identifier, blocks = node["c"][0][0], node["c"][1]
        number = self.registry[identifier].number
        label = [Strong([Str(self.registry.names.caption_label("exr", number))]), Space()]
        if blocks and blocks[0]["t"] in ("Para", "Plain"):
            blocks[0]["c"] = label + blocks[0]["c"]
        else:
            blocks.insert(0, Para(label))
        node["c"][0][1] = node["c"][0][1] + ["exercise"]
        return node

    def block(self, node: dict):
        kind = node["t"]
        if kind == "Cite":
            return self.cite(node)
        if kind == "Header":
            return self.header(node)
        if kind == "Figure":
            return self.figure(node)
        if kind == "Table":
            self.caption_prefix(node["c"][1], "tbl", node["c"][0][0])
            return node
        if kind in ("Para", "Plain"):
            return self.equation(node)
        if kind == "Image":
            self.apply_alt(node)
            return self.typst_image(node) if self.fmt == "typst" else node
        if kind == "Div":
            identifier = node["c"][0][0]
            if callout := _callout_kind(node):
                return self.callout(node, callout)
            if identifier.startswith("exr-"):
                return self.exercise(node)
        return None


def resolve_chapter(doc: dict, chapter: Chapter, registry: Registry, fmt: str, root: Path,
                    bib_keys: set[str]) -> tuple[dict, set[str]]:
    """Pass 2: a copy of ``doc`` rewritten for ``fmt``, and the citation keys it uses."""
    resolver = Resolver(chapter, registry, fmt, root, bib_keys)
    blocks = walk(doc["blocks"], resolver.block)
    return {**doc, "blocks": blocks}, resolver.cited


def chapter_heading_text(doc: dict) -> str:
    for node in iter_elements(doc["blocks"]):
        if node["t"] == "Header" and node["c"][0] == 1:
            return stringify(node["c"][2])
    return ""
