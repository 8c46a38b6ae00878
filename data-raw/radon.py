"""Derive companion/datasets/data/radon.csv from the copy inside the arviz 0.23.4 wheel.

The Minnesota radon data of Gelman and Hill (2007) are a subset of the US
EPA's National Residential Radon Survey (public domain). ArviZ 0.23.4
(Apache-2.0) ships them as ``arviz/data/example_data/code/radon/radon.json``,
a dictionary of the Stan data list: ``y`` (log radon), ``x`` (floor: 0 =
basement, 1 = first floor), ``county`` (0-based county index), ``county_name``
and ``u`` (the county's log uranium).

Run it with network access, from the repository root::

    python -m pip download arviz==0.23.4 --no-deps -d /tmp/arviz-wheel
    python data-raw/radon.py /tmp/arviz-wheel/arviz-0.23.4-py3-none-any.whl

It checks both checksums below, writes the CSV (one row per home, counties
in title case) and prints the CSV's own checksum, which tests/test_datasets.py
records.
"""

from __future__ import annotations

import hashlib
import json
import sys
import zipfile
from pathlib import Path

import pandas as pd

WHEEL_SHA256 = "c46c7faf8a06abadc9b5b64000584062ecbc20c2298e2bd6dfba04bb01a684ca"
JSON_SHA256 = "5f0a62c8646baa404fd36cd6cf4d2ceb3f9dd3456ffef4aa7f1ed92e56f8973d"
MEMBER = "arviz/data/example_data/code/radon/radon.json"
TARGET = Path(__file__).resolve().parents[1] / "companion/datasets/data/radon.csv"


def main(wheel: str) -> None:
    """Check the wheel, extract the JSON and write the CSV."""
    blob = Path(wheel).read_bytes()
    if hashlib.sha256(blob).hexdigest() != WHEEL_SHA256:
        raise SystemExit(f"{wheel} is not the arviz 0.23.4 wheel this script was written for")
    with zipfile.ZipFile(wheel) as archive:
        raw = archive.read(MEMBER)
    if hashlib.sha256(raw).hexdigest() != JSON_SHA256:
        raise SystemExit(f"{MEMBER} differs from the file this script was written for")
    data = json.loads(raw)
    names = [name.title() for name in data["county_name"]]
    frame = pd.DataFrame(
        {
            "county": [names[j] for j in data["county"]],
            "floor": data["x"],
            "log_radon": data["y"],
            "log_uranium": [data["u"][j] for j in data["county"]],
        }
    )
    assert len(frame) == data["N"] == 919 and frame["county"].nunique() == data["J"] == 85
    frame.to_csv(TARGET, index=False, float_format="%.15g", lineterminator="\n")
    print(TARGET, hashlib.sha256(TARGET.read_bytes()).hexdigest())


if __name__ == "__main__":
    main(*sys.argv[1:])
