"""Benchmark the three likelihoods of ``hierarchical_model``, and the book build.

Run from the repository root (``make benchmark`` does this)::

    .venv/bin/python benchmarks/run.py                  # everything (about 40 minutes)
    .venv/bin/python benchmarks/run.py --sizes 10000    # one size
    .venv/bin/python benchmarks/run.py --no-book        # the fits only, keeping the book timings

Each (N, likelihood) configuration runs in a fresh Python process, so that
its peak memory and compile time are its own. Results are written to
``benchmarks/results.json`` (with the date, the machine and the versions)
and drawn in ``benchmarks/results.png``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from machine import describe_machine, describe_versions
from pypdf import PdfReader

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))  # book/, the build around Quarto
LIKELIHOODS = ("full", "sufficient", "marginal")
STUDENTS_PER_SCHOOL = 100
PRIORS = {"mu_prior": (75, 25), "tau_prior": ("half-normal", 20),
          "sigma_prior": ("half-normal", 30)}  # fmt: skip


def run_one(
    n_students: int,
    likelihood: str,
    seed: int,
    draws: int,
    tune: int,
    parameterization: str,
    theta_file: Path | None = None,
    chains: int = 4,
) -> dict:
    """Fit one configuration in this process and return its measurements.

    The clock starts after PyMC is imported (a once-per-process cost, timed
    separately): fit time is simulating nothing, building the model, compiling
    it, sampling and, for ``"marginal"``, drawing theta after sampling.
    """
    imported = time.perf_counter()
    import arviz as az
    import numpy as np
    import pymc  # noqa: F401

    from companion import hierarchical_model, recover_group_means, simulate_schools
    from companion.hierarchical import is_marginal
    from companion.inference import compile_model, sample_compiled, sampler_diagnostics

    start = time.perf_counter()
    n_schools = n_students // STUDENTS_PER_SCHOOL
    data = simulate_schools([STUDENTS_PER_SCHOOL] * n_schools, seed=seed)
    simulated = time.perf_counter()
    model = hierarchical_model(data, likelihood=likelihood, parameterization=parameterization,
                               **PRIORS)  # fmt: skip
    compiled = compile_model(model)
    compiled_at = time.perf_counter()
    load_before = os.getloadavg()[0]
    fit = sample_compiled(compiled, draws=draws, tune=tune, chains=chains, seed=seed)
    sampled = time.perf_counter()
    if is_marginal(model):
        recover_group_means(fit, model, seed=seed + 1)
    finished = time.perf_counter()
    # ESS per second counts everything after compilation: sampling and, for the
    # marginal form, recovering theta.
    sampling = float(fit.posterior.attrs["sampling_time"]) + (finished - sampled)
    ess = az.ess(fit, var_names=["tau", "sigma"])
    hyper = ["mu", "tau", "sigma"]
    rhat = az.rhat(fit, var_names=[*hyper, "theta"])
    # The book's rules over every parameter (R-hat, bulk and tail ESS, divergences) and
    # the gradient evaluations of the kept draws (leapfrog steps, machine-independent).
    health = sampler_diagnostics(fit, var_names=[*hyper, "theta"])
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if theta_file is not None:
        mcse = az.mcse(fit, var_names=[*hyper, "theta"])
        means = {v: fit.posterior[v].mean(("chain", "draw")).to_numpy() for v in mcse.data_vars}
        np.savez(theta_file, **{f"mean_{v}": m for v, m in means.items()},
                 **{f"mcse_{v}": mcse[v].to_numpy() for v in mcse.data_vars})  # fmt: skip
    return {
        "n_students": n_students, "n_schools": n_schools, "likelihood": likelihood,
        "parameterization": parameterization if likelihood != "marginal" else "none",
        "draws": draws, "tune": tune, "chains": chains,
        "import_pymc_seconds": start - imported,
        "simulate_seconds": simulated - start,
        "build_and_compile_seconds": compiled_at - simulated,
        "sampling_seconds": sampling,
        "recover_theta_seconds": finished - sampled,
        "fit_seconds": finished - simulated,
        "ess_tau": float(ess["tau"]), "ess_sigma": float(ess["sigma"]),
        "ess_per_second_tau": float(ess["tau"]) / sampling,
        "ess_per_second_sigma": float(ess["sigma"]) / sampling,
        "divergences": int(fit.sample_stats["diverging"].sum()),
        "max_rhat_hyper": float(max(float(rhat[v]) for v in hyper)),
        "max_rhat": float(max(float(np.max(rhat[v])) for v in rhat.data_vars)),
        "min_ess_bulk": float(health["min_ess_bulk"]),
        "min_ess_tail": float(health["min_ess_tail"]),
        "gradient_evals": int(health["gradient_evals"]),
        "gradients_per_draw": float(health["gradient_evals"] / health["draws"]),
        "load_average_before": load_before,
        "load_average_after": os.getloadavg()[0],
        "peak_memory_mib": peak_kib / 1024,
        "posterior_means": {v: float(fit.posterior[v].mean()) for v in hyper},
    }  # fmt: skip


def _subprocess_one(n_students: int, likelihood: str, args, theta_file: Path) -> dict:
    command = [
        sys.executable,
        str(Path(__file__)),
        "--one",
        str(n_students),
        likelihood,
        "--seed",
        str(args.seed),
        "--draws",
        str(args.draws),
        "--tune",
        str(args.tune),
        "--parameterization",
        args.parameterization,
        "--chains",
        str(args.chains),
        "--theta-file",
        str(theta_file),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(done.stdout.strip().splitlines()[-1])


def agreement(files: dict[str, Path]) -> dict:
    """How far each likelihood's posterior means are from the full likelihood's.

    For every parameter (mu, tau, sigma and each theta_j), z is the difference
    of the posterior means over its Monte Carlo standard error,
    sqrt(mcse_full^2 + mcse_other^2). If both fits are correct, z is close to
    N(0, 1): about 4.6% of |z| exceed 2, and the largest |z| of K parameters is
    near sqrt(2 log K).
    """
    import numpy as np

    loaded = {k: np.load(path) for k, path in files.items()}
    out = {}
    for likelihood in ("sufficient", "marginal"):
        if "full" not in loaded or likelihood not in loaded:
            continue
        full, other = loaded["full"], loaded[likelihood]
        z = np.concatenate([
            np.atleast_1d((other[f"mean_{v}"] - full[f"mean_{v}"])
                          / np.hypot(other[f"mcse_{v}"], full[f"mcse_{v}"]))
            for v in ("mu", "tau", "sigma", "theta")
        ])  # fmt: skip
        out[likelihood] = {"parameters": int(z.size), "max_abs_z": float(np.abs(z).max()),
                           "share_abs_z_above_2": float(np.mean(np.abs(z) > 2)),
                           "expected_max_abs_z": float(np.sqrt(2 * np.log(z.size)))}  # fmt: skip
    return out


def _import_seconds(repeats: int = 5) -> float:
    code = ("import time; t = time.perf_counter(); import companion; "
            "print(time.perf_counter() - t)")  # fmt: skip
    times = [
        float(
            subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
            ).stdout
        )  # fmt: skip
        for _ in range(repeats)
    ]
    return sorted(times)[repeats // 2]


def book_build_times() -> dict:
    """Cold (from a fresh clone) and warm (nothing changed) Quarto renders of the book.

    Each is ``python -m book.build`` (``make book``): the HTML pages, then the
    Typst PDF; the warm render finds every chapter frozen.
    """
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "book"
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(copy)], check=True)
        timings = {}
        for label in ("cold_seconds", "warm_seconds"):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "book.build"], cwd=copy, check=True,
                           capture_output=True)  # fmt: skip
            timings[label] = time.perf_counter() - start
        timings["pdf_pages"] = len(PdfReader(next((copy / "_book").glob("*.pdf"))).pages)
    timings["quarto_version"] = _quarto_version()
    timings["import_companion_seconds"] = _import_seconds()
    timings["measured"] = datetime.now(UTC).isoformat(timespec="seconds")
    timings["companion_commit"] = _versions()["companion_commit"]
    return timings


def _quarto_version() -> str:
    from book.build import find_quarto

    quarto = find_quarto()
    return subprocess.run([quarto, "--version"], capture_output=True, text=True).stdout.strip()


def _versions() -> dict:
    return describe_versions(("pymc", "nutpie", "pytensor", "numpy", "arviz"))


def ratios(runs: list[dict]) -> list[dict]:
    """ESS per second of tau relative to the full likelihood, per size."""
    out = []
    for n in sorted({r["n_students"] for r in runs}):
        by = {r["likelihood"]: r for r in runs if r["n_students"] == n}
        if "full" not in by:
            continue
        for likelihood in ("sufficient", "marginal"):
            if likelihood in by:
                out.append({"n_students": n, "likelihood": likelihood,
                            "ess_per_second_tau_ratio": by[likelihood]["ess_per_second_tau"]
                            / by["full"]["ess_per_second_tau"],
                            "fit_time_ratio": by["full"]["fit_seconds"]
                            / by[likelihood]["fit_seconds"]})  # fmt: skip
    return out


def plot(results: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from book.figures.scaling import plot_scaling

    fig = plot_scaling(results["runs"])
    fig.suptitle(f"hierarchical_model on {results['machine']['cores']} cores, "
                 f"{results['date'][:10]}")  # fmt: skip
    fig.savefig(path, dpi=120)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--likelihoods", nargs="+", default=list(LIKELIHOODS))
    parser.add_argument("--seed", type=int, default=2026)
    # 4 chains of 2,000 draws: with up to 10,003 parameters, the largest R-hat
    # of 4 chains of 1,000 draws came close to the book's limit of 1.01.
    parser.add_argument("--chains", type=int, default=4)
    parser.add_argument("--draws", type=int, default=2000)
    parser.add_argument("--tune", type=int, default=1000)
    # 100 students per school make every school's mean precise (sigma / 10 against
    # tau), the data-rich case where the centred form samples best.
    parser.add_argument(
        "--parameterization", choices=["centered", "noncentered"], default="centered"
    )
    parser.add_argument("--no-book", action="store_true", help="skip the book build timings")
    parser.add_argument(
        "--book-only",
        action="store_true",
        help="only time the book build and import, updating the results file",
    )
    parser.add_argument("--output", type=Path, default=HERE / "results.json")
    parser.add_argument("--one", nargs=2, metavar=("N", "LIKELIHOOD"), help=argparse.SUPPRESS)
    parser.add_argument("--theta-file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        result = run_one(int(args.one[0]), args.one[1], args.seed, args.draws, args.tune,
                         args.parameterization, args.theta_file, args.chains)  # fmt: skip
        print(json.dumps(result))
        return
    if args.book_only:
        results = json.loads(args.output.read_text())
        results["book"] = book_build_times()
        print(results["book"])
        args.output.write_text(json.dumps(results, indent=2) + "\n")
        return
    runs, agreements = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            files = {}
            for likelihood in args.likelihoods:
                print(f"N = {n:>9,}  {likelihood:<10}", end=" ", flush=True)
                files[likelihood] = Path(tmp) / f"{n}-{likelihood}.npz"
                runs.append(_subprocess_one(n, likelihood, args, files[likelihood]))
                r = runs[-1]
                print(f"fit {r['fit_seconds']:7.1f} s  ESS/s(tau) {r['ess_per_second_tau']:8.1f}"
                      f"  divergences {r['divergences']}  max R-hat {r['max_rhat']:.3f}  "
                      f"peak {r['peak_memory_mib']:.0f} MiB", flush=True)  # fmt: skip
            for likelihood, summary in agreement(files).items():
                agreements.append({"n_students": n, "likelihood": likelihood, **summary})
                print(f"N = {n:>9,}  {likelihood} vs full: {summary}", flush=True)
    results = {"date": datetime.now(UTC).isoformat(timespec="seconds"),
               "machine": describe_machine(), "versions": _versions(), "runs": runs,
               "ratios": ratios(runs), "agreement": agreements}  # fmt: skip
    if not args.no_book:
        print("book build (cold, then warm) ...", flush=True)
        results["book"] = book_build_times()
        print(results["book"])
    elif args.output.exists() and "book" in (previous := json.loads(args.output.read_text())):
        results["book"] = previous["book"]  # measured earlier, with its own date and commit
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    plot(results, args.output.with_suffix(".png"))
    print(f"wrote {args.output} and {args.output.with_suffix('.png')}")


if __name__ == "__main__":
    main()
