"""Read a ``.qmd`` chapter into cells and execute it in a fresh Jupyter kernel.

Quarto's Jupyter engine is imitated: ``#|`` cell options, one kernel per
chapter started in the chapter's directory, inline ``{python} expr``
expressions evaluated where they stand in the text.
"""

from __future__ import annotations

import json
import os
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from offline_renderer.errors import BuildError

_OPTION_LINE = re.compile(r"^#\|\s?(.*)$")
_CHUNK_START = re.compile(r"^```+\s*\{python[^}]*\}\s*$")
_FENCED_BLOCK = re.compile(r"^(```+|~~~+).*?^\1\s*$", re.S | re.M)
_CODE_SPAN = re.compile(r"(`+)(.+?)(?<!`)\1(?!`)", re.S)
_INLINE_PREFIX = re.compile(r"^\{python\}\s+")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

# Run first in every kernel: figure format, deterministic SVG ids, and
# DataFrames shown as Markdown tables so that both HTML and Typst get a real table.
SETUP_CODE = r"""
import json as _book_json
import matplotlib as _book_mpl
_book_mpl.use("module://matplotlib_inline.backend_inline")
from matplotlib_inline.backend_inline import set_matplotlib_formats as _book_formats
_book_formats("svg")
_book_mpl.rcParams.update({"svg.hashsalt": "offline-renderer", "figure.figsize": (7.0, 4.3)})
import pandas as _book_pd

def _book_decimals(values, precision):
    # Fewest decimals (up to `precision`) that show every value exactly as rounded.
    for decimals in range(precision + 1):
        if all(abs(round(v, decimals) - round(v, precision)) < 1e-12 for v in values):
            return decimals
    return precision

def _book_table(df):
    precision = _book_pd.get_option("display.precision")
    shown = df.copy()
    align = ["left"] * (df.index.nlevels if not isinstance(df.index, _book_pd.RangeIndex) else 0)
    for name in df.columns:
        column = df[name]
        if _book_pd.api.types.is_float_dtype(column):
            finite = column.dropna().to_numpy()
            decimals = _book_decimals(finite[abs(finite) < 1e15], precision)
            shown[name] = column.map(lambda v: "NaN" if v != v else f"{v:,.{decimals}f}")
        align.append("right" if _book_pd.api.types.is_numeric_dtype(column) else "left")
    index = not isinstance(df.index, _book_pd.RangeIndex)
    return shown.to_markdown(index=index, disable_numparse=True, colalign=align)

get_ipython().display_formatter.formatters["text/markdown"].for_type(
    _book_pd.DataFrame, _book_table)

def _book_inline(values):
    print(_book_json.dumps([v if isinstance(v, str) else str(v) for v in values]))
"""


@dataclass
class Cell:
    """A chapter cell: Markdown text or Python code with its Quarto options."""

    kind: str  # "markdown", "code" or "raw"
    source: str
    line: int  # line of the .qmd where the cell starts
    options: dict = field(default_factory=dict)
    number: int = 0  # 1-based number among code cells, for messages
    outputs: list = field(default_factory=list)
    inline_values: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        label = self.options.get("label")
        return f"cell '{label}'" if label else f"code cell {self.number}"

    def where(self, path: Path) -> str:
        return f"{path}:{self.line}: {self.name}" if self.kind == "code" else f"{path}:{self.line}"


@dataclass
class ChapterSource:
    front_matter: dict
    cells: list[Cell]


def inline_expressions(source: str) -> list[tuple[int, int, str]]:
    """(start, end, expression) of each inline `` `{python} expr` `` in Markdown.

    Only single-backtick code spans outside fenced blocks count, as in Quarto,
    so that the syntax itself can be shown in longer code spans.
    """
    fenced = [m.span() for m in _FENCED_BLOCK.finditer(source)]
    found = []
    for match in _CODE_SPAN.finditer(source):
        if any(a <= match.start() < b for a, b in fenced) or len(match.group(1)) != 1:
            continue
        if prefix := _INLINE_PREFIX.match(match.group(2)):
            found.append((match.start(), match.end(), match.group(2)[prefix.end():].strip()))
    return found


def _split_options(source: str, path: Path, line: int) -> tuple[dict, str]:
    lines = source.split("\n")
    option_lines = []
    while lines and (match := _OPTION_LINE.match(lines[0])):
        option_lines.append(match.group(1))
        lines.pop(0)
    try:
        options = yaml.safe_load("\n".join(option_lines)) or {} if option_lines else {}
    except yaml.YAMLError as err:
        raise BuildError(f"{path}:{line}: cannot read the '#|' cell options: {err}") from None
    if not isinstance(options, dict):
        raise BuildError(f"{path}:{line}: the '#|' cell options must be 'key: value' lines.")
    return options, "\n".join(lines)


def _line_numbers(text: str, cells) -> list[int]:
    """Line where each jupytext cell starts, found by scanning the text in order."""
    lines = text.split("\n")
    cursor, result = 0, []
    for cell in cells:
        if cell.cell_type == "code":
            target = lambda s: bool(_CHUNK_START.match(s))  # noqa: E731
        else:
            first = next((s for s in cell.source.split("\n") if s.strip()), "")
            target = lambda s, first=first: s.strip() == first.strip()  # noqa: E731
        found = next((i for i in range(cursor, len(lines)) if target(lines[i])), cursor)
        result.append(found + 1)
        cursor = found + 1
    return result


def read_chapter(path: Path, root: Path) -> ChapterSource:
    """Split a ``.qmd`` file into cells with options and source lines."""
    text = (root / path).read_text(encoding="utf-8")
    import jupytext  # slow to import; a build with nothing changed never needs it

    notebook = jupytext.reads(text, fmt="Rmd")
    front_matter: dict = {}
    cells: list[Cell] = []
    code_number = 0
    for nb_cell, line in zip(notebook.cells, _line_numbers(text, notebook.cells), strict=True):
        if nb_cell.cell_type == "raw" and not cells and nb_cell.source.startswith("---"):
            front_matter = yaml.safe_load(nb_cell.source.strip().strip("-")) or {}
            continue
        if nb_cell.cell_type == "code":
            code_number += 1
            options, source = _split_options(nb_cell.source, path, line)
            cells.append(Cell("code", source, line, options, number=code_number))
        else:
            cells.append(Cell("markdown", nb_cell.source, line))
    return ChapterSource(front_matter, cells)


def chapter_options(defaults: dict, chapter: ChapterSource) -> dict:
    """Book-wide execute options, overridden by the chapter's ``execute:`` front matter."""
    options = dict(defaults)
    options.update(chapter.front_matter.get("execute") or {})
    return options


def cell_option(cell: Cell, name: str, defaults: dict):
    return cell.options.get(name, defaults.get(name))


@contextmanager
def _kernel_environment(extra_path: Path):
    """Let the kernel import the project's package and date files reproducibly."""
    saved = {k: os.environ.get(k) for k in ("PYTHONPATH", "SOURCE_DATE_EPOCH", "MPLBACKEND")}
    os.environ["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(extra_path), saved["PYTHONPATH"]) if p
    )
    os.environ["SOURCE_DATE_EPOCH"] = "0"
    os.environ.pop("MPLBACKEND", None)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _error_message(outputs: list) -> str:
    for output in outputs:
        if output.get("output_type") == "error":
            trace = _ANSI.sub("", "\n".join(output.get("traceback", [])))
            tail = "\n".join(trace.strip().split("\n")[-12:])
            return f"{output['ename']}: {output['evalue']}\n{tail}"
    return "the cell failed"


def execute_chapter(
    path: Path, chapter: ChapterSource, root: Path, defaults: dict, timeout: int = 1800
) -> None:
    """Run the chapter's code in a fresh kernel and store outputs on its cells.

    Raises :class:`BuildError` naming the file, line and cell that failed.
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    notebook = nbformat.v4.new_notebook()
    notebook.cells.append(nbformat.v4.new_code_cell(SETUP_CODE))
    targets: list[tuple[Cell, str]] = [(None, "setup")]
    for cell in chapter.cells:
        if cell.kind == "code" and cell_option(cell, "eval", defaults):
            notebook.cells.append(nbformat.v4.new_code_cell(cell.source))
            targets.append((cell, "code"))
        elif cell.kind == "markdown" and (found := inline_expressions(cell.source)):
            values = ", ".join(f"({expr})" for _, _, expr in found)
            notebook.cells.append(nbformat.v4.new_code_cell(f"_book_inline([{values}])"))
            targets.append((cell, "inline"))

    if len(notebook.cells) == 1:
        return  # nothing to run: no kernel needed
    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
        resources={"metadata": {"path": str((root / path).parent)}},
    )
    with _kernel_environment(root), client.setup_kernel():
        for index, (nb_cell, (cell, role)) in enumerate(zip(notebook.cells, targets, strict=True)):
            try:
                client.execute_cell(nb_cell, index)
            except CellExecutionError:
                where = "the renderer's setup code" if cell is None else cell.where(path)
                what = "an inline `{python}` expression" if role == "inline" else "the cell"
                raise BuildError(
                    f"{where}: {what} raised an error:\n{_error_message(nb_cell.outputs)}"
                ) from None
            if role == "code":
                cell.outputs = [dict(o) for o in nb_cell.outputs]
            elif role == "inline":
                cell.inline_values = _inline_values(nb_cell.outputs, cell, path)


def _inline_values(outputs: list, cell: Cell, path: Path) -> list[str]:
    text = "".join(o.get("text", "") for o in outputs if o.get("name") == "stdout")
    try:
        return json.loads(text.strip().split("\n")[-1])
    except (json.JSONDecodeError, IndexError):
        raise BuildError(f"{cell.where(path)}: inline expressions printed no value.") from None


def substitute_inline(cell: Cell) -> str:
    """Replace each ``{python} expr`` in a Markdown cell by its computed value."""
    text = cell.source
    found = inline_expressions(text)
    for (start, end, _), value in reversed(list(zip(found, cell.inline_values, strict=True))):
        text = text[:start] + value + text[end:]
    return text


def to_cache(chapter: ChapterSource, key: str) -> str:
    return json.dumps(
        {
            "key": key,
            "front_matter": chapter.front_matter,
            "cells": [cell.__dict__ for cell in chapter.cells],
        }
    )


def from_cache(text: str, key: str) -> ChapterSource | None:
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return None
    if data.get("key") != key:
        return None
    return ChapterSource(data["front_matter"], [Cell(**cell) for cell in data["cells"]])
