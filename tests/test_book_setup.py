"""The chapters' shared setup: numbers in prose and tables."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from book.setup import markdown_table, num

ROOT = Path(__file__).parents[1]


def test_num_formats_python_and_numpy_numbers_as_plain_text():
    assert str(num(np.int64(15))) == "15"
    assert str(num(np.float64(-3.2187), ".2f")) == "-3.22"
    assert str(num(29714, ",")) == "29,714"
    assert str(num(0.25, ".0%")) == "25%"
    assert num(1.5, ".1f")._repr_markdown_() == "1.5"  # what Quarto inserts, unescaped


@pytest.mark.parametrize("value", [np.nan, float("inf"), np.float64("-inf")])
def test_num_refuses_values_that_are_not_finite(value):
    with pytest.raises(ValueError, match="cannot show it as a number"):
        num(value)


@pytest.mark.parametrize("value", ["3", None, True, np.bool_(False), [1]])
def test_num_refuses_what_is_not_a_real_number(value):
    with pytest.raises(TypeError, match="value must be a real number"):
        num(value)


def test_tables_hide_a_default_index_and_show_any_other():
    df = pd.DataFrame({"x": [1, 2]})
    assert markdown_table(df).splitlines()[0].split("|")[1].strip() == "x"
    labelled = markdown_table(df.set_axis(["a", "b"]))
    assert labelled.splitlines()[2].split("|")[1].strip() == "a"


def test_tables_round_each_float_column_to_the_fewest_decimals_that_show_it():
    df = pd.DataFrame({"a": [1.0, 2.5], "b": [1.0, 2.0], "c": [np.nan, 0.123456789]})
    rows = [line.split("|")[1:4] for line in markdown_table(df).splitlines()[2:]]
    assert [cell.strip() for cell in rows[0]] == ["1.0", "1", "NaN"]
    assert [cell.strip() for cell in rows[1]] == ["2.5", "2", "0.123457"]


def test_tables_show_infinite_values_as_infinity_signs():
    df = pd.DataFrame({"mean": [0.25, np.inf], "lower": [0.1, -np.inf]})
    rows = [line.split("|")[1:3] for line in markdown_table(df).splitlines()[2:]]
    assert [cell.strip() for cell in rows[0]] == ["0.25", "0.1"]
    assert [cell.strip() for cell in rows[1]] == ["∞", "−∞"]


def test_wide_tables_give_every_column_room_for_its_longest_word():
    df = pd.DataFrame(
        {
            "module": ["complete_case_study"],
            "purpose": ["What complete-case analysis gets right and wrong, by simulation."],
            "names": [2],
        }
    )
    separator = markdown_table(df).splitlines()[1]
    dashes = [len(cell.strip(":")) for cell in separator.strip("|").split("|")]
    assert dashes[0] >= len("complete_case_study")
    assert dashes[1] <= 40  # long text wraps instead of claiming the width
    assert separator.startswith("|:") and separator.endswith(":|")  # left, right aligned


def test_the_book_runs_with_the_convergence_guard_on():
    # What a chapter's kernel gets from its first cell: a fit that fails the
    # book's rules stops the render instead of reaching a page.
    code = "import book.setup, companion.options as o; print(o.get_options()['convergence'])"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == "raise"


def test_a_pipe_inside_a_cell_is_escaped():
    # bambi names group terms "1|county": unescaped, the "|" would split the cell.
    df = pd.DataFrame({"term": ["1|county", "floor"], "mean": [0.3, -0.7]}).set_index("term")
    table = markdown_table(df.reset_index())
    assert r"1\|county" in table
    assert all(line.count("|") - line.count(r"\|") == 3 for line in table.splitlines())
    assert r"1\|county" in markdown_table(df)
