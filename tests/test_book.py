"""End-to-end: the whole book builds in strict mode, and reads cleanly."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).parents[1]


@pytest.mark.book
def test_book_builds_in_strict_mode(capsys):
    result = subprocess.run(
        [sys.executable, "-m", "offline_renderer", "--strict"],
        cwd=ROOT, capture_output=True, text=True,
    )
    with capsys.disabled():  # show progress and timings in the test log
        print("\n" + result.stdout + result.stderr)
    assert result.returncode == 0, result.stderr

    config = yaml.safe_load((ROOT / "_quarto.yml").read_text())
    out = ROOT / config["project"].get("output-dir", "_book")
    assert list(out.glob("*.pdf")), "no PDF written"
    pages = list(out.rglob("*.html"))
    assert (out / "index.html") in pages
    for page in pages:
        html = re.sub(r"(?s)<code[^>]*>.*?</code>", " ", page.read_text())  # code may show syntax
        text = re.sub(r"<[^>]+>", " ", html)
        for raw in ("{#fig-", "{#tbl-", "{#eq-", "@fig-", "@tbl-", "@sec-", "@eq-", "??"):
            assert raw not in text, f"{page.relative_to(out)} shows raw {raw!r}"
