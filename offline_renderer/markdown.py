"""Turn an executed chapter into Pandoc Markdown, honouring Quarto cell options.

Figures are written as files into the build's ``figures/`` folder; the
Markdown refers to them by paths relative to the build root.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from pathlib import Path

from offline_renderer.errors import BuildError
from offline_renderer.execute import Cell, ChapterSource, cell_option, substitute_inline

_IMAGE_TYPES = {"image/svg+xml": "svg", "image/png": "png"}


def _fence(text: str, classes: str) -> str:
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks} {{{classes}}}\n{text.rstrip(chr(10))}\n{ticks}"


def _quote_attr(value: str) -> str:
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


class _CellRenderer:
    def __init__(self, path: Path, cell: Cell, defaults: dict, figures: Path, build: Path):
        self.path, self.cell, self.defaults = path, cell, defaults
        self.figures, self.build = figures, build
        self.label = str(cell.options.get("label", ""))
        self.figure_count = 0
        self.table_count = 0

    def option(self, name: str):
        return cell_option(self.cell, name, self.defaults)

    def fail(self, problem: str) -> BuildError:
        return BuildError(f"{self.cell.where(self.path)}: {problem}")

    def figure(self, data: str | bytes, extension: str) -> str:
        self.figure_count += 1
        if self.figure_count > 1 and self.label.startswith("fig-"):
            raise self.fail("a cell labelled 'fig-...' must draw exactly one figure; it drew more.")
        stem = self.label or f"cell-{self.cell.number}"
        name = f"{stem}-{self.figure_count}.{extension}"
        self.figures.mkdir(parents=True, exist_ok=True)
        target = self.figures / name
        if extension == "svg":
            target.write_text(data if isinstance(data, str) else data.decode(), encoding="utf-8")
        else:
            target.write_bytes(base64.b64decode(data))
        relative = target.relative_to(self.build).as_posix()
        caption = self.option("fig-cap") or ""
        attributes = ['width="100%"']
        if alt := self.option("fig-alt"):
            attributes.append(f"fig-alt={_quote_attr(alt)}")
        if self.label.startswith("fig-"):
            if not caption:
                raise self.fail("a figure cell labelled 'fig-...' needs a 'fig-cap'.")
            attributes.insert(0, f"#{self.label}")
        return f"![{caption}]({relative}){{{' '.join(attributes)}}}"

    def table(self, markdown: str) -> str:
        self.table_count += 1
        if not self.label.startswith("tbl-"):
            return markdown
        if self.table_count > 1:
            raise self.fail("a cell labelled 'tbl-...' must show exactly one table; "
                            "it showed more.")
        caption = self.option("tbl-cap")
        if not caption:
            raise self.fail("a table cell labelled 'tbl-...' needs a 'tbl-cap'.")
        return f"{markdown.rstrip()}\n\n: {caption} {{#{self.label}}}"

    def rich_output(self, data: dict) -> str | None:
        for mime, extension in _IMAGE_TYPES.items():
            if mime in data:
                return self.figure(data[mime], extension)
        if "text/markdown" in data:
            return self.table(data["text/markdown"])
        if "text/plain" in data:
            return _fence(data["text/plain"], ".cell-output")
        return None

    def streams(self, name: str, text: str, warn: Callable[[str], None]) -> str | None:
        if name == "stderr":
            if not self.option("warning"):
                return None
            first = text.strip().split("\n")[0]
            warn(f"{self.cell.where(self.path)} printed to stderr (a warning?): {first}")
            return _fence(text, ".cell-output .cell-output-stderr")
        if self.option("output") == "asis":
            return text
        return _fence(text, ".cell-output")

    def render(self, warn: Callable[[str], None]) -> str:
        if not self.option("include"):
            return ""
        parts = []
        if self.option("echo"):
            parts.append(_fence(self.cell.source, ".python .cell-code"))
        if self.option("output") is not False:
            parts.extend(self._outputs(warn))
        if self.label.startswith("fig-") and self.figure_count == 0 and self.option("eval"):
            raise self.fail("the cell is labelled 'fig-...' but drew no figure.")
        if self.label.startswith("tbl-") and self.table_count == 0 and self.option("eval"):
            raise self.fail("the cell is labelled 'tbl-...' but showed no DataFrame or table.")
        body = "\n\n".join(p for p in parts if p)
        return f"::: {{.cell}}\n{body}\n:::" if body else ""

    def _outputs(self, warn):
        pending_name, pending_text = None, ""
        for output in self.cell.outputs + [{"output_type": "end"}]:
            kind = output.get("output_type")
            if kind == "stream" and output.get("name") == pending_name:
                pending_text += output.get("text", "")
                continue
            if pending_name:
                yield self.streams(pending_name, pending_text, warn)
                pending_name, pending_text = None, ""
            if kind == "stream":
                pending_name, pending_text = output.get("name"), output.get("text", "")
            elif kind in ("display_data", "execute_result"):
                yield self.rich_output(output.get("data", {}))


def chapter_markdown(
    path: Path,
    chapter: ChapterSource,
    defaults: dict,
    build: Path,
    figures: Path,
    warn: Callable[[str], None],
) -> str:
    """Return the chapter as Pandoc Markdown with outputs and figures inlined.

    ``defaults`` are the execute options in force (see ``chapter_options``).
    """
    blocks = []
    for cell in chapter.cells:
        if cell.kind == "markdown":
            blocks.append(substitute_inline(cell) if cell.inline_values else cell.source)
        elif cell.kind == "code":
            blocks.append(_CellRenderer(path, cell, defaults, figures, build).render(warn))
    return "\n\n".join(b for b in blocks if b) + "\n"
