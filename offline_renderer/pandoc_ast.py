"""Pandoc's JSON AST: walking it, and small constructors for the nodes we add."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable, Iterator

from offline_renderer.errors import BuildError

Node = dict


def pandoc_path() -> str:
    import pypandoc

    return pypandoc.get_pandoc_path()


def run_pandoc(args: list[str], text: str, what: str) -> str:
    """Run the bundled pandoc; raise :class:`BuildError` mentioning ``what`` on failure."""
    result = subprocess.run(
        [pandoc_path(), *args], input=text, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BuildError(f"{what}: pandoc failed:\n{result.stderr.strip()}")
    return result.stdout


def parse_markdown(text: str, what: str) -> dict:
    """Pandoc Markdown -> JSON AST (a dict with ``blocks`` and ``meta``)."""
    return json.loads(run_pandoc(["-f", "markdown", "-t", "json"], text, what))


def walk(value, fn: Callable[[Node], Node | list | None]):
    """Apply ``fn`` bottom-up to every element; it may return a node, a list or None.

    None keeps the element, a list replaces it by zero or more elements.
    """
    if isinstance(value, list):
        out = []
        for item in value:
            item = walk(item, fn)
            result = fn(item) if isinstance(item, dict) and "t" in item else None
            if result is None:
                out.append(item)
            elif isinstance(result, list):
                out.extend(result)
            else:
                out.append(result)
        return out
    if isinstance(value, dict):
        return {key: walk(item, fn) for key, item in value.items()}
    return value


def iter_elements(value) -> Iterator[Node]:
    """Every element in document order (pre-order)."""
    if isinstance(value, list):
        for item in value:
            yield from iter_elements(item)
    elif isinstance(value, dict):
        if "t" in value:
            yield value
        for item in value.values():
            yield from iter_elements(item)


# Constructors -----------------------------------------------------------------

def attr(identifier: str = "", classes: list[str] | None = None, keyvals=None) -> list:
    return [identifier, classes or [], keyvals or []]


def Str(text: str) -> Node:  # noqa: N802 - Pandoc's names
    return {"t": "Str", "c": text}


def Space() -> Node:  # noqa: N802
    return {"t": "Space"}


def text_inlines(text: str) -> list[Node]:
    words = text.split(" ")
    out: list[Node] = []
    for i, word in enumerate(words):
        if i:
            out.append(Space())
        out.append(Str(word))
    return out


def Span(inlines: list, classes: list[str] | None = None) -> Node:  # noqa: N802
    return {"t": "Span", "c": [attr("", classes), inlines]}


def Strong(inlines: list) -> Node:  # noqa: N802
    return {"t": "Strong", "c": inlines}


def Link(inlines: list, target: str, classes: list[str] | None = None) -> Node:  # noqa: N802
    return {"t": "Link", "c": [attr("", classes), inlines, [target, ""]]}


def Plain(inlines: list) -> Node:  # noqa: N802
    return {"t": "Plain", "c": inlines}


def Para(inlines: list) -> Node:  # noqa: N802
    return {"t": "Para", "c": inlines}


def Div(blocks: list, identifier: str = "", classes: list[str] | None = None) -> Node:  # noqa: N802
    return {"t": "Div", "c": [attr(identifier, classes), blocks]}


def Header(level: int, text: str, identifier: str, classes=None) -> Node:  # noqa: N802
    return {"t": "Header", "c": [level, attr(identifier, classes), text_inlines(text)]}


def RawBlock(fmt: str, text: str) -> Node:  # noqa: N802
    return {"t": "RawBlock", "c": [fmt, text]}


def Cite(key: str) -> Node:  # noqa: N802
    citation = {
        "citationId": key,
        "citationPrefix": [],
        "citationSuffix": [],
        "citationMode": {"t": "NormalCitation"},
        "citationNoteNum": 0,
        "citationHash": 0,
    }
    return {"t": "Cite", "c": [[citation], [Str("@" + key)]]}


def stringify(inlines) -> str:
    parts = []
    for node in iter_elements(inlines):
        if node["t"] == "Str":
            parts.append(node["c"])
        elif node["t"] in ("Space", "SoftBreak", "LineBreak"):
            parts.append(" ")
        elif node["t"] in ("Code", "Math"):
            parts.append(node["c"][1])
    return "".join(parts)
