"""Command line: ``python -m offline_renderer [--strict] [--no-cache] [--no-pdf]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from offline_renderer.build import build
from offline_renderer.errors import BuildError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m offline_renderer",
        description="Render the Quarto book in PROJECT to HTML and PDF without Quarto.",
    )
    parser.add_argument("project", nargs="?", default=".", type=Path,
                        help="folder holding _quarto.yml (default: current folder)")
    parser.add_argument("--strict", action="store_true",
                        help="treat warnings (such as text printed to stderr) as errors")
    parser.add_argument("--no-cache", action="store_true",
                        help="execute every chapter even when its cached result is current")
    parser.add_argument("--no-pdf", action="store_true", help="write the HTML pages only")
    parser.add_argument("--package", default="companion",
                        help="package folder whose source is part of the cache key")
    args = parser.parse_args(argv)
    try:
        report = build(args.project, strict=args.strict, use_cache=not args.no_cache,
                       pdf=not args.no_pdf, package=args.package)
    except BuildError as err:
        print(f"error: {err}", file=sys.stderr)
        print("The previous book, if any, was left as it was.", file=sys.stderr)
        return 1
    print(f"Open {report.output / 'index.html'}")
    if report.pdf:
        print(f"PDF:  {report.pdf}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
