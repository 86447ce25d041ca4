"""What the benchmarks share: the project's sources copied into a temporary folder (the user's build/ untouched,
every run from no build outputs), and a timed snakemake run there."""

import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ["Snakefile", "rules", "hw4", "scripts", "report", "config", "data", "environment.yml"]
# Build outputs and the user's downloads and archives stay behind.
IGNORE = ("__pycache__", "*.pdf", "downloads", "archive")


def copy_sources(dest: Path, items: list[str] = SOURCES) -> None:
    for item in items:
        src = ROOT / item
        if src.is_dir():
            shutil.copytree(src, dest / item, ignore=shutil.ignore_patterns(*IGNORE))
        elif src.exists():
            shutil.copy2(src, dest / item)


def snakemake(work: Path, cores: int, target: str, *args: str) -> float:
    """Wall seconds of `snakemake TARGET -c CORES ARGS` in ``work``; a failure stops the benchmark with its stderr.
    The target comes first: --quiet takes any number of choices, and would read a target after it as one."""
    cmd = [str(Path(sys.executable).parent / "snakemake"), target, "-c", str(cores), *args, "--quiet", "all"]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=work, capture_output=True, text=True)
    dt = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"snakemake {target} {' '.join(args)} failed in {work}:\n{proc.stderr[-3000:]}")
    return dt
