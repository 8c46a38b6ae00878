"""Render the book with Quarto: the Typst PDF, then the HTML pages (``make book``).

Usage: ``python -m book.build`` (with the project's virtual environment).

First ``book/reference.py`` generates the API reference pages from the
package's docstrings with quartodoc, and the Quarto profiles that add them to
the book: the PDF is rendered with ``--profile pdf`` (one appendix per
subpackage), the HTML pages with ``--profile html`` (a page per function).

Quarto executes a chapter once per output format. Both formats use the same
figure settings (``_quarto.yml``), and the chapters' outputs are Markdown,
text and SVG figures, so the executed results are the same for both; after
the PDF pass this script copies each chapter's frozen result to the HTML
format's name, and the HTML pass reads it instead of running every chapter
a second time. (The PDF goes first because a full HTML render also writes
the web pages' libraries, which a later Typst render would replace.)

``book/freshness.py`` (Quarto's pre-render step) removes frozen results
that edits to ``companion/`` have outdated, so a changed package
re-executes the chapters.

Everything Quarto prints goes to the terminal and to ``.render.log``, which
``tests/test_rendered_book.py`` reads.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
LOG = ROOT / ".render.log"
MIN_VERSION = (1, 9)
# Figure options that Quarto passes to the kernel; they must agree between the
# formats for the HTML execution to stand for the Typst one.
KERNEL_OPTIONS = ("fig-format", "fig-width", "fig-height", "fig-dpi")


class BuildError(RuntimeError):
    """The book could not be rendered; the message says why."""


def _version(quarto: str) -> tuple[int, ...] | None:
    try:
        out = subprocess.run([quarto, "--version"], capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.match(r"(\d+)\.(\d+)", out.stdout.strip())
    return tuple(int(g) for g in match.groups()) if match else None


def find_quarto() -> str:
    """Quarto >= 1.9: ``$QUARTO``, else on PATH, else in the virtual environment.

    Where there is none, the ``quarto-cli`` package is installed into the
    virtual environment (its installer downloads Quarto, so this needs
    internet access).
    """
    venv_quarto = Path(sys.executable).parent / "quarto"
    if os.environ.get("QUARTO"):
        quarto = os.environ["QUARTO"]
        if (_version(quarto) or (0,)) < MIN_VERSION:
            raise BuildError(f"$QUARTO is {quarto}, which is not Quarto >= 1.9")
        return quarto
    found = []
    for candidate in (shutil.which("quarto"), str(venv_quarto) if venv_quarto.exists() else None):
        if candidate:
            version = _version(candidate)
            if version and version >= MIN_VERSION:
                return candidate
            found.append(f"{candidate} ({'.'.join(map(str, version)) if version else 'unusable'})")
    print(
        "Quarto >= 1.9 not found"
        + (f" (found {', '.join(found)})" if found else "")
        + ": installing the quarto-cli package into the virtual environment;"
        " it downloads Quarto, which needs internet access.",
        flush=True,
    )
    install = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "quarto-cli>=1.9"])
    if install.returncode == 0 and (_version(str(venv_quarto)) or (0,)) >= MIN_VERSION:
        return str(venv_quarto)
    raise BuildError(
        "could not install Quarto. Install Quarto 1.9 or newer (https://quarto.org) and put it "
        "on PATH, or set QUARTO to its path, then run make book again."
    )


def check_formats(config: dict) -> None:
    """Refuse to share executed results between formats whose figure options differ."""
    formats = config.get("format", {})
    html, typst = formats.get("html", {}), formats.get("typst", {})
    differ = [k for k in KERNEL_OPTIONS if html.get(k) != typst.get(k)]
    if differ:
        raise BuildError(
            "_quarto.yml: the html and typst formats must set the same "
            f"{', '.join(differ)}, because the HTML pass reuses the PDF pass's executed chapters"
        )


def share_executed_results(root: Path = ROOT, source: str = "typ", target: str = "html") -> int:
    """Copy each chapter's frozen result of one format to the other format's file.

    A result that holds raw output of one format (a ``{=html}`` or
    ``{=typst}`` block, e.g. an object that displays as HTML) is not shared:
    that chapter is executed for each format. Returns the number of chapters
    whose result was (re)written.
    """
    copied = 0
    for frozen in (root / "_freeze").rglob(f"execute-results/{source}.json"):
        shared = frozen.with_name(f"{target}.json")
        content = frozen.read_bytes()
        if re.search(rb"\{=(html|typst|latex|tex)\}", content):
            continue
        if not shared.exists() or shared.read_bytes() != content:
            shutil.copyfile(frozen, shared)
            copied += 1
    return copied


_PROGRESS = re.compile(r"\[\s*\d+/\d+\]\s+(\S+\.qmd)")


def _run(command: list[str], env: dict, log) -> dict[str, float]:
    """Run Quarto, echoing and logging its output; return seconds spent per file.

    A file's time runs from Quarto's ``[ i/n] file`` line to the next one
    (or to the end of the run): executing the chapter, if it is not frozen,
    and converting it.
    """
    log.write(f"$ {' '.join(command)}\n")
    log.flush()
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    seconds: dict[str, float] = {}
    current, started = None, time.perf_counter()
    for line in process.stdout:
        sys.stdout.write(line)
        log.write(line)
        if match := _PROGRESS.search(re.sub(r"\x1b\[[0-9;]*m", "", line)):
            now = time.perf_counter()
            if current:
                seconds[current] = now - started
            current, started = match.group(1), now
    if current:
        seconds[current] = time.perf_counter() - started
    if process.wait() != 0:
        log.flush()
        raise BuildError(
            f"'{' '.join(command)}' failed (exit {process.returncode}); see {LOG.name}"
        )
    return seconds


def generate_reference(log) -> float:
    """Write the API reference pages and the two profiles (``book/reference.py``); return seconds.

    It runs in a separate process, as Quarto's passes do, so that importing
    the package for its ``__all__`` does not load PyMC into this one.
    """
    start = time.perf_counter()
    command = [sys.executable, "-m", "book.reference"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    output = result.stdout + result.stderr
    sys.stdout.write(output)
    log.write(f"$ {' '.join(command)}\n{output}")
    if result.returncode != 0:
        raise BuildError(f"the API reference could not be generated:\n{output[-2000:]}")
    return time.perf_counter() - start


def build() -> None:
    config = yaml.safe_load((ROOT / "_quarto.yml").read_text())
    check_formats(config)
    quarto = find_quarto()
    env = dict(os.environ)
    env["QUARTO_PYTHON"] = sys.executable
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    start = time.perf_counter()
    with LOG.open("w") as log:
        reference_seconds = generate_reference(log)
        per_file = _run([quarto, "render", "--to", "typst", "--profile", "pdf"], env, log)
        shared = share_executed_results()
        log.write(f"book/build.py: executed results shared with the HTML pass: {shared} chapters\n")
        _run([quarto, "render", "--to", "html", "--no-clean", "--profile", "html"], env, log)
    out = ROOT / config["project"].get("output-dir", "_book")
    seconds = time.perf_counter() - start
    timing = "\n".join(f"  {s:6.1f} s  {f}" for f, s in per_file.items())
    summary = (
        f"API reference generated by quartodoc in {reference_seconds:.1f} s\n"
        f"Seconds per file in the PDF pass (executing what is not frozen):\n{timing}\n"
    )
    with LOG.open("a") as log:
        log.write(summary)
    print(summary + f"Rendered in {seconds:.0f} s: {out / 'index.html'} and the PDF in {out}")


def main() -> int:
    try:
        build()
    except BuildError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
