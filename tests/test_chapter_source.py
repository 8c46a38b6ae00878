r"""What the chapters' sources must keep to, checked without rendering.

- Code that the page shows keeps to 80 characters: the PDF's code line
  holds about 87, and a longer line wraps to column 0.
- Every exercise states its difficulty as its name: Easy, Medium or Hard.
- Math uses no ``\!`` (Typst's math draws it as glyphs on top of each other)
  and no ``\bigl``/``\Bigr``-style delimiters (Typst prints them small and
  spaced out); ``\left``/``\right`` or plain brackets print well.
- Every fit goes through ``companion.sample`` (or ``sample_compiled``), so that
  the convergence guard of ``book/setup.py`` sees it; bambi models too, never
  their own ``.fit()``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
SOURCES = sorted([ROOT / "index.qmd", *ROOT.glob("chapters/*.qmd"), *ROOT.glob("appendices/*.qmd")])
MAX_CODE_LINE = 80
DIFFICULTIES = ("Easy", "Medium", "Hard")
CELL = re.compile(r"^```\{python\}\n(.*?)^```", re.S | re.M)
EXERCISE = re.compile(r"^::: \{#exr-[\w-]+(?P<attrs>[^}]*)\}", re.M)


def _ids(paths: list[Path]) -> list[str]:
    return [str(path.relative_to(ROOT)) for path in paths]


@pytest.mark.parametrize("path", SOURCES, ids=_ids(SOURCES))
def test_shown_code_lines_fit_the_page(path):
    shown = [
        cell
        for cell in CELL.findall(path.read_text())
        if not re.search(r"^#\| *(include|echo): *false", cell, re.M)
    ]
    long = [
        line
        for cell in shown
        for line in cell.splitlines()
        if not line.startswith("#|") and len(line) > MAX_CODE_LINE
    ]
    assert not long, f"{len(long)} code lines over {MAX_CODE_LINE} characters: {long}"


@pytest.mark.parametrize("path", SOURCES, ids=_ids(SOURCES))
def test_exercises_state_their_difficulty(path):
    names = [re.search(r'name="([^"]*)"', m["attrs"]) for m in EXERCISE.finditer(path.read_text())]
    bad = [m[1] if m else None for m in names if not m or m[1] not in DIFFICULTIES]
    assert not bad, f"exercises without a difficulty among {DIFFICULTIES}: {bad}"


@pytest.mark.parametrize("path", SOURCES, ids=_ids(SOURCES))
def test_math_avoids_what_typst_prints_badly(path):
    text = path.read_text()
    assert "\\!" not in text
    sized = re.findall(r"\\(?:big|Big|bigg|Bigg)[lrm]?(?![a-zA-Z])", text)
    assert not sized, f"sized delimiters: {sized}"


@pytest.mark.parametrize("path", SOURCES, ids=_ids(SOURCES))
def test_fits_go_through_the_guarded_sampler(path):
    text = path.read_text()
    direct = re.findall(r"\b(?:pm|pymc|nutpie)\.sample\(", text)
    # A bambi model is fitted by companion.sample too, not by its own .fit().
    bambi_models = set(re.findall(r"^\s*(\w+)\s*=\s*(?:bmb|bambi)\.Model\(", text, re.M))
    direct += [
        call
        for call in re.findall(r"\b(\w+)\.fit\(", text)
        if call in bambi_models or call in ("bmb", "bambi")
    ]
    direct += re.findall(r"(?:bmb|bambi)\.Model\([^\n]*\)\.fit\(", text)
    assert not direct, f"direct sampler calls bypass the convergence guard: {direct}"
