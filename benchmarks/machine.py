"""What the benchmarks record about the machine they ran on (imported by each script)."""

from __future__ import annotations

import os
import platform
from pathlib import Path


def describe_machine() -> dict:
    """Cores, memory, CPU model, Python version and system of this machine."""
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    cpu = platform.processor()
    if Path("/proc/cpuinfo").exists():
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {"cores": os.cpu_count(), "memory_gib": round(memory, 1), "cpu": cpu,
            "python": platform.python_version(), "system": platform.platform()}  # fmt: skip


def describe_versions(packages: tuple[str, ...]) -> dict:
    """Installed versions of ``packages`` and the repository's commit (marked if dirty)."""
    import subprocess
    from importlib import metadata

    root = Path(__file__).resolve().parents[1]
    versions = {name: metadata.version(name) for name in packages}
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True, cwd=root).stdout.strip()  # fmt: skip
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True, cwd=root).stdout.strip()  # fmt: skip
    versions["companion_commit"] = (commit or "unknown") + ("+uncommitted changes" if dirty else "")
    return versions
