"""A copy of the project's sources and a snakemake run in it: what the tests and the benchmarks build in, so the
user's build/ is never touched and every run starts from no build outputs."""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Everything the pipeline reads; build outputs, downloads and archives stay behind.
SOURCES = [
    "Snakefile",
    "rules",
    "hw4",
    "scripts",
    "report",
    "config",
    "data",
    "figures",
    "notebooks",
    "profiles",  # profiles/default: the workflow profile every run reads
    "environment.yml",
    "requirements.txt",  # the autograder pins its grading environment from it
]
IGNORE = ("__pycache__", "*.pdf", "downloads", "archive", ".compile-*")
SNAKEMAKE = str(Path(sys.executable).parent / "snakemake")


def copy_project(dest: Path) -> Path:
    """The project's sources copied into ``dest`` (created if needed)."""
    dest.mkdir(parents=True, exist_ok=True)
    for item in SOURCES:
        src = ROOT / item
        if src.is_dir():
            shutil.copytree(src, dest / item, ignore=shutil.ignore_patterns(*IGNORE))
        elif src.exists():
            shutil.copy2(src, dest / item)
    return dest


def run_snakemake(workdir: Path, *args: str, cores: int = 2, check: bool = True) -> subprocess.CompletedProcess:
    """``snakemake -c CORES ARGS`` in ``workdir`` with this environment's snakemake first on PATH; the result carries
    its wall seconds as ``.seconds``. With ``check``, a failure raises with the end of its output."""
    env = dict(os.environ, PATH=f"{Path(SNAKEMAKE).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    t0 = time.perf_counter()
    proc = subprocess.run([SNAKEMAKE, "-c", str(cores), *args], cwd=workdir, env=env, capture_output=True, text=True)
    proc.seconds = time.perf_counter() - t0
    if check and proc.returncode != 0:
        raise RuntimeError(
            f"snakemake {' '.join(args)} failed in {workdir}:\n{proc.stdout[-4000:]}\n{proc.stderr[-6000:]}"
        )
    return proc
