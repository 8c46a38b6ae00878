"""Derive companion/datasets/data/airquality.csv from R's own ``datasets::airquality``.

R's base package ``datasets`` (GPL-2 | GPL-3; the data themselves are public
records) carries the daily air quality measurements in New York, May to
September 1973: ozone from the New York State Department of Conservation and
the meteorological data from the National Weather Service, as published by
Chambers, Cleveland, Kleiner and Tukey (1983, *Graphical Methods for Data
Analysis*). Debian's ``r-base-core`` package installs R with it.

Run it from the repository root (with R installed)::

    python data-raw/airquality.py

It writes the CSV with snake-case column names (``Solar.R`` becomes
``solar_r``) and prints its checksum, which tests/test_datasets.py records.
"""

from __future__ import annotations

import hashlib
import io
import subprocess
from pathlib import Path

import pandas as pd

TARGET = Path(__file__).resolve().parents[1] / "companion/datasets/data/airquality.csv"
SCRIPT = 'write.csv(datasets::airquality, stdout(), row.names = FALSE, na = "")'


def main() -> None:
    """Export the data frame from R, rename the columns and write the CSV."""
    text = subprocess.run(
        ["Rscript", "-e", SCRIPT], capture_output=True, text=True, check=True
    ).stdout
    frame = pd.read_csv(io.StringIO(text))
    frame.columns = ["ozone", "solar_r", "wind", "temp", "month", "day"]
    assert frame.shape == (153, 6)
    assert frame.isna().sum().tolist() == [37, 7, 0, 0, 0, 0]
    frame.to_csv(TARGET, index=False, lineterminator="\n")
    print(TARGET, hashlib.sha256(TARGET.read_bytes()).hexdigest())


if __name__ == "__main__":
    main()
