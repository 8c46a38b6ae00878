"""Setup shared by every chapter: its hidden first cell runs ``from book.setup import num``.

Importing this module, inside the chapter's Jupyter kernel:

- shows pandas DataFrames as Markdown pipe tables, so the HTML page and the
  Typst PDF get the same table, numbers are right-aligned and rounded to the
  fewest decimals that show every value as rounded, and a default 0..n-1
  index is not printed;
- makes figures reproducible: fixed SVG element ids and no build date inside
  the SVG files (figure format and size are set in ``_quarto.yml``);
- switches off ``companion``'s progress bars, which a page cannot animate;

and it gives the chapters :func:`num`, which formats a number for prose.
"""

from __future__ import annotations

import math
import numbers
import os

import matplotlib as mpl
import numpy as np
import pandas as pd
from IPython import get_ipython
from IPython.display import Markdown

import companion

__all__ = ["markdown_table", "num"]

# matplotlib writes the build date into every SVG unless SOURCE_DATE_EPOCH is set.
os.environ.setdefault("SOURCE_DATE_EPOCH", "0")
mpl.rcParams["svg.hashsalt"] = "bhm-book"
# The convergence guard: a fit through companion.sample that fails the book's
# rules (R-hat <= 1.01 over >= 4 chains, bulk and tail ESS >= 400, no
# divergences) stops the render. A chapter that shows a failing fit on
# purpose says so in its code: `with options(convergence="ignore"):`.
companion.set_options(progressbar=False, convergence="raise")


def num(value: numbers.Real, spec: str = "") -> Markdown:
    """Format a number for running text (and for math) as plain text.

    Parameters
    ----------
    value : real number
        A Python or NumPy number. NaN and infinities are refused: a sentence
        that would print "nan" is a bug in the chapter.
    spec : str
        A format specification as in :func:`format`, e.g. ``".2f"``,
        ``","`` or ``".0%"``.

    Returns
    -------
    IPython.display.Markdown
        Quarto inserts its text into the page as it is, so it works inside
        ``$...$`` as well (a plain string would be escaped there).

    Examples
    --------
    >>> import numpy as np
    >>> str(num(np.int64(29714), ","))
    '29,714'
    >>> str(num(np.float64(-3.2187), ".2f"))
    '-3.22'
    """
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"num: value must be a real number, got {type(value).__name__}")
    if not math.isfinite(value):
        raise ValueError(f"num: value is {value}; a sentence cannot show it as a number")
    return _Text(format(value, spec))


class _Text(Markdown):
    """Markdown whose ``str`` is its text, so that f-strings can embed it."""

    def __str__(self) -> str:
        return self.data


def _decimals(values: np.ndarray, precision: int) -> int:
    # Fewest decimals (up to `precision`) that show every value exactly as rounded.
    for decimals in range(precision + 1):
        if np.all(np.abs(np.round(values, decimals) - np.round(values, precision)) < 1e-12):
            return decimals
    return precision


def markdown_table(df: pd.DataFrame) -> str:
    """A DataFrame as a Markdown pipe table, as every chapter shows tables.

    Floats get the fewest decimals (up to pandas' ``display.precision``) that
    show each column's values as rounded, numbers align right, NaN shows as
    "NaN" and an infinite value as "∞" (a posterior mean that does not
    exist, for example), and a default ``RangeIndex`` is left out.

    Examples
    --------
    >>> print(markdown_table(pd.DataFrame({"school": ["A", "B"], "mean": [70.5, 80.0]})))
    | school   |   mean |
    |:---------|-------:|
    | A        |   70.5 |
    | B        |   80.0 |
    """
    precision = pd.get_option("display.precision")
    shown = df.copy()
    show_index = not isinstance(df.index, pd.RangeIndex)
    align = ["left"] * df.index.nlevels if show_index else []
    for name in df.columns:
        column = df[name]
        if pd.api.types.is_float_dtype(column):
            finite = column.dropna().to_numpy()
            decimals = _decimals(finite[np.abs(finite) < 1e15], precision)
            shown[name] = column.map(lambda v, d=decimals: _float_cell(v, d))
        elif not pd.api.types.is_numeric_dtype(column):
            # A "|" inside a cell would end it: escape it ("1|county" in bambi's names).
            shown[name] = column.map(lambda v: v.replace("|", r"\|") if isinstance(v, str) else v)
        align.append("right" if pd.api.types.is_numeric_dtype(column) else "left")
    if show_index and df.index.nlevels == 1 and not pd.api.types.is_numeric_dtype(df.index):
        shown.index = df.index.map(lambda v: v.replace("|", r"\|") if isinstance(v, str) else v)
    table = shown.to_markdown(index=show_index, disable_numparse=True, colalign=align)
    header, separator, *rows = table.split("\n")
    if len(header) <= 72:  # pandoc lays out a narrow table by its content
        return table
    columns = shown.reset_index() if show_index else shown
    widths = [_column_share(name, columns.iloc[:, i]) for i, name in enumerate(columns.columns)]
    separator = (
        "|"
        + "|".join(
            (":" + "-" * (w - 1) if a == "left" else "-" * (w - 1) + ":")
            for w, a in zip(widths, align, strict=True)
        )
        + "|"
    )
    return "\n".join([header, separator, *rows])


def _float_cell(value: float, decimals: int) -> str:
    if value != value:
        return "NaN"
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    return f"{value:,.{decimals}f}"


def _column_share(name, values: pd.Series) -> int:
    # Pandoc sizes the columns of a wide pipe table by the dashes under each
    # header. Give every column room for its longest word (names and numbers
    # do not wrap) and long text at most 40 characters' worth, so that a long
    # description cannot squeeze an identifier column until it overflows.
    texts = [str(name), *values.astype(str)]
    longest_word = max(len(word) for text in texts for word in text.split() or [""])
    return max(longest_word + 2, min(max(map(len, texts)), 40), 3)


_shell = get_ipython()
if _shell is not None:
    _formatters = _shell.display_formatter.formatters
    _formatters["text/markdown"].for_type(pd.DataFrame, markdown_table)
    # Without an HTML table, Quarto uses the Markdown one in HTML pages too.
    _formatters["text/html"].for_type(pd.DataFrame, lambda df: None)
