"""Time companion's ``mice`` against R's mice on the same data, side by side.

Run from the repository root::

    .venv/bin/python benchmarks/mice_speed.py            # 5,000 x 5, m=5, maxit=10, PMM
    .venv/bin/python benchmarks/mice_speed.py --rows 20000 --repeats 3

The data (n x 5, every pair of columns correlated 0.5; columns 2-5 missing
at random, about 30% each, more often when column 1 is large) are simulated
with a fixed seed and written to a CSV file that both sides read. Each side
runs ``mice(d, m=5, maxit=10, method="pmm")`` ``--repeats`` times in one
warm process (R: ``printFlag=FALSE``, timed with ``system.time`` inside R, so
neither side pays for starting its interpreter or loading its packages); the
median is reported, and the ratio R / companion (above 1: companion is
faster). Without ``Rscript`` or R's mice, the R side is skipped and says so.
Results go to ``benchmarks/mice_speed.json`` with the date, the machine and
the versions.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
from machine import describe_machine, describe_versions
from scipy.special import expit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

R_SCRIPT = """
suppressMessages(library(mice))
d <- read.csv("{csv}")
times <- numeric({repeats})
for (i in seq_len({repeats})) {{
  times[i] <- system.time(
    mice(d, m = {m}, maxit = {maxit}, method = "pmm", printFlag = FALSE, seed = i)
  )[["elapsed"]]
}}
cat(paste(times, collapse = " "), "\\n")
cat(R.version.string, "\\n")
cat(as.character(packageVersion("mice")), "\\n")
"""


def simulate(rows: int, seed: int) -> pd.DataFrame:
    """N(0, R) with all correlations 0.5; columns 2-5 MAR given column 1 (about 30% each)."""
    rng = np.random.default_rng(seed)
    correlation = np.full((5, 5), 0.5) + 0.5 * np.eye(5)
    x = rng.multivariate_normal(np.zeros(5), correlation, size=rows)
    data = pd.DataFrame(x, columns=[f"x{j}" for j in range(1, 6)])
    for j in range(2, 6):
        missing = rng.uniform(size=rows) < expit(-1.0 + 0.8 * x[:, 0])
        data.loc[missing, f"x{j}"] = np.nan
    return data


def time_companion(data: pd.DataFrame, m: int, maxit: int, repeats: int) -> list[float]:
    from companion.missing import mice

    mice(data, m=m, maxit=1, method="pmm", seed=0)  # warm-up: imports, first calls
    times = []
    for i in range(repeats):
        start = time.perf_counter()
        mice(data, m=m, maxit=maxit, method="pmm", seed=i + 1)
        times.append(time.perf_counter() - start)
    return times


def time_r(csv: Path, m: int, maxit: int, repeats: int) -> dict:
    """Run R's mice on the CSV file; a dict with ``skipped`` if R or mice is absent."""
    rscript = shutil.which("Rscript")
    if rscript is None:
        return {"skipped": "Rscript is not installed (apt-get install r-base r-cran-mice)"}
    check = subprocess.run([rscript, "-e", "library(mice)"], capture_output=True, text=True)
    if check.returncode != 0:
        return {"skipped": "R's mice is not installed (apt-get install r-cran-mice)"}
    script = R_SCRIPT.format(csv=csv.as_posix(), repeats=repeats, m=m, maxit=maxit)
    done = subprocess.run([rscript, "-e", script], capture_output=True, text=True, check=True)
    lines = done.stdout.strip().splitlines()
    return {"seconds": [float(t) for t in lines[0].split()], "r_version": lines[1].strip(),
            "mice_version": lines[2].strip()}  # fmt: skip


def _versions() -> dict:
    return describe_versions(("numpy", "scipy", "pandas"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--m", type=int, default=5)
    parser.add_argument("--maxit", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--output", type=Path, default=HERE / "mice_speed.json")
    args = parser.parse_args()
    data = simulate(args.rows, args.seed)
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "data.csv"
        data.to_csv(csv, index=False)
        ours = time_companion(data, args.m, args.maxit, args.repeats)
        theirs = time_r(csv, args.m, args.maxit, args.repeats)
    result = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": describe_machine(),
        "versions": _versions(),
        "setting": {"rows": args.rows, "columns": 5, "m": args.m, "maxit": args.maxit,
                    "method": "pmm", "repeats": args.repeats, "seed": args.seed,
                    "fraction_missing": float(data.isna().to_numpy().mean())},
        "load_average_before": load_before,
        "companion_seconds": ours,
        "companion_median_seconds": float(np.median(ours)),
        "r": theirs,
    }  # fmt: skip
    print(f"{args.rows:,} x 5, m={args.m}, maxit={args.maxit}, PMM (median of {args.repeats})")
    print(f"  companion mice: {result['companion_median_seconds']:.3f} s")
    if "skipped" in theirs:
        print(f"  R mice: SKIPPED: {theirs['skipped']}")
    else:
        r_median = float(np.median(theirs["seconds"]))
        result["r_median_seconds"] = r_median
        result["ratio_r_over_companion"] = r_median / result["companion_median_seconds"]
        print(f"  R mice {theirs['mice_version']}: {r_median:.3f} s")
        print(f"  ratio R / companion: {result['ratio_r_over_companion']:.2f} "
              "(above 1: companion is faster)")  # fmt: skip
    args.output.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
