"""Render the book with Quarto: HTML pages, then the Typst PDF (``make book``).

Usage: ``python -m book.build`` (with the project's virtual environment).

Quarto executes a chapter once per output format. Both formats use the same
figure settings (``_quarto.yml``), so their executed results are identical;
after the HTML pass this script copies each chapter's frozen HTML result to
the Typst format's name, and the PDF pass reads it instead of running every
chapter a second time. ``book/freshness.py`` (Quarto's pre-render step)
removes frozen results that edits to ``companion/`` have outdated, so a
changed package re-executes the chapters.

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
    venv_bin = Path(sys.executable).parent
    candidates = [os.environ.get("QUARTO"), shutil.which("quarto"), venv_bin / "quarto"]
    seen = []
    for candidate in candidates:
        if candidate and Path(candidate).exists() or (candidate and shutil.which(str(candidate))):
            version = _version(str(candidate))
            seen.append(f"{candidate} ({'.'.join(map(str, version)) if version else 'unusable'})")
            if version and version >= MIN_VERSION:
                return str(candidate)
    if os.environ.get("QUARTO"):
        raise BuildError(f"$QUARTO is {os.environ['QUARTO']}, which is not Quarto >= 1.9")
    print(
        "Quarto >= 1.9 not found"
        + (f" (found {', '.join(seen)})" if seen else "")
        + ": installing the quarto-cli package into the virtual environment;"
        " it downloads Quarto, which needs internet access.",
        flush=True,
    )
    install = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "quarto-cli>=1.9"])
    if install.returncode == 0 and _version(str(venv_bin / "quarto")):
        return str(venv_bin / "quarto")
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
            f"{', '.join(differ)}, because the PDF reuses the HTML pass's executed chapters"
        )


def share_executed_results(root: Path = ROOT) -> int:
    """Copy each chapter's frozen HTML result to the Typst format's file.

    Returns the number of chapters whose Typst result was (re)written.
    """
    copied = 0
    for html in (root / "_freeze").rglob("execute-results/html.json"):
        typst = html.with_name("typ.json")
        if not typst.exists() or typst.read_bytes() != html.read_bytes():
            shutil.copyfile(html, typst)
            copied += 1
    return copied


def _run(command: list[str], env: dict, log) -> None:
    log.write(f"$ {' '.join(command)}\n")
    log.flush()
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    for line in process.stdout:
        sys.stdout.write(line)
        log.write(line)
    if process.wait() != 0:
        log.flush()
        raise BuildError(
            f"'{' '.join(command)}' failed (exit {process.returncode}); see {LOG.name}"
        )


def build() -> None:
    config = yaml.safe_load((ROOT / "_quarto.yml").read_text())
    check_formats(config)
    quarto = find_quarto()
    env = dict(os.environ)
    env["QUARTO_PYTHON"] = sys.executable
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    start = time.perf_counter()
    with LOG.open("w") as log:
        _run([quarto, "render", "--to", "html"], env, log)
        shared = share_executed_results()
        log.write(f"book/build.py: HTML results shared with the PDF for {shared} chapters\n")
        _run([quarto, "render", "--to", "typst", "--no-clean"], env, log)
    out = ROOT / config["project"].get("output-dir", "_book")
    print(
        f"Rendered in {time.perf_counter() - start:.0f} s: {out / 'index.html'} and the PDF in {out}"
    )


def main() -> int:
    try:
        build()
    except BuildError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
