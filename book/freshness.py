"""Quarto pre-render step: forget frozen results that the package has outdated.

Quarto's ``freeze: auto`` re-executes a chapter only when the chapter's own
text changes. The chapters' numbers also depend on ``companion/``, on
``book/`` (their shared setup and helpers), on the pinned dependency versions
and on ``_quarto.yml`` (figure size and format), and a chapter may name
further files under ``depends-on:`` in its front matter (e.g. the committed
benchmark results). This script keys each chapter on all of those; when a
chapter's key differs from the one recorded at its last render, its frozen
results in ``_freeze/`` are deleted, so Quarto executes the chapter again.

Standard library only: Quarto runs it with ``QUARTO_PYTHON``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from pathlib import Path

# Files that change what a chapter computes or shows, besides the chapter itself.
SHARED_INPUTS = ("companion", "book", "requirements.lock", "_quarto.yml")
# book/ files that only drive the build and cannot change a chapter's output.
BUILD_ONLY = {"book/build.py", "book/freshness.py", "book/reference.py"}
KEYS_FILE = "book-keys.json"


def _files(root: Path, entry: str) -> list[Path]:
    path = root / entry
    if path.is_file():
        return [path]
    return sorted(
        p
        for p in path.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    )


def _digest(root: Path, files: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def shared_key(root: Path) -> str:
    """Hash of every file that all chapters depend on."""
    files = [
        p
        for entry in SHARED_INPUTS
        for p in _files(root, entry)
        if p.relative_to(root).as_posix() not in BUILD_ONLY
    ]
    return _digest(root, files)


def depends_on(chapter: Path) -> list[str]:
    """The ``depends-on:`` entries of a chapter's YAML front matter (one or a list)."""
    lines = chapter.read_text(encoding="utf-8").splitlines()
    if not lines or lines[0].strip() != "---":
        return []
    found: list[str] = []
    in_list = False
    for line in lines[1:]:
        if line.strip() == "---":
            break
        if line.startswith("depends-on:"):
            value = line.split(":", 1)[1].strip()
            if value.startswith("["):
                found += [v.strip().strip("'\"") for v in value.strip("[]").split(",") if v.strip()]
            elif value:
                found.append(value.strip("'\""))
            in_list = not value
        elif in_list and line.lstrip().startswith("- "):
            found.append(line.lstrip()[2:].strip().strip("'\""))
        else:
            in_list = False
    return found


def chapter_key(root: Path, chapter: Path, shared: str) -> str:
    """Hash of the shared inputs and of the files the chapter lists under ``depends-on:``."""
    extra = []
    for entry in depends_on(chapter):
        path = (chapter.parent / entry).resolve()
        if not path.is_file():
            raise FileNotFoundError(
                f"{chapter.relative_to(root)}: depends-on names {entry}, which does not exist"
            )
        extra.append(path)
    digest = hashlib.sha256(shared.encode())
    for path in extra:
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def refresh(root: Path, chapters: list[Path]) -> list[Path]:
    """Delete the frozen results of chapters whose key changed; return those chapters."""
    freeze = root / "_freeze"
    keys_path = freeze / KEYS_FILE
    keys = json.loads(keys_path.read_text()) if keys_path.is_file() else {}
    shared = shared_key(root)
    stale = []
    for chapter in chapters:
        name = chapter.relative_to(root).with_suffix("").as_posix()
        key = chapter_key(root, chapter, shared)
        if keys.get(name) != key:
            frozen = freeze / name
            if frozen.exists():
                shutil.rmtree(frozen)
                stale.append(chapter)
            keys[name] = key
    freeze.mkdir(exist_ok=True)
    keys_path.write_text(json.dumps(keys, indent=1, sort_keys=True) + "\n")
    return stale


def main() -> int:
    root = Path.cwd()
    listed = os.environ.get("QUARTO_PROJECT_INPUT_FILES", "")
    chapters = [root / f for f in listed.splitlines() if f.endswith(".qmd")]
    if not listed:  # Quarto always lists them; by hand, key every chapter of the book
        chapters = sorted([*root.glob("*.qmd"), *root.glob("chapters/*.qmd")])
    stale = refresh(root, chapters)
    if stale:
        names = ", ".join(p.relative_to(root).as_posix() for p in stale)
        print(f"book/freshness.py: inputs changed, executing again: {names}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
