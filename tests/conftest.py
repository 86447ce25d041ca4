"""Shared test set-up: this checkout's package hw4/ importable, and one end-to-end build of the default config."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# this checkout's hw4/ first, whatever the venv's editable install points at
sys.path.insert(0, str(ROOT))

BIN = Path(sys.executable).parent
SNAKEMAKE = str(BIN / "snakemake")
# Paths a copy of the project needs (everything the pipeline reads); outputs are left behind.
PROJECT_ITEMS = [
    "Snakefile",
    "rules",
    "hw4",
    "scripts",
    "report",
    "config",
    "data",
    "figures",
    "notebooks",
    "environment.yml",
]
FIXED_EPOCH = "1617321600"  # 2021-04-02, the due date: a fixed date makes PDFs comparable


def copy_project(dest: Path) -> Path:
    """A copy of the project's sources (no build outputs) in ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    for item in PROJECT_ITEMS:
        src = ROOT / item
        if src.is_dir():
            shutil.copytree(
                src,
                dest / item,
                ignore=shutil.ignore_patterns("__pycache__", "*.pdf", "downloads", ".compile-*"),
            )
        elif src.exists():
            shutil.copy2(src, dest / item)
    return dest


def run_snakemake(
    workdir: Path, *args: str, config: tuple[str, ...] = (), check: bool = True
) -> subprocess.CompletedProcess:
    """Run snakemake in ``workdir`` (targets and flags in ``args``; ``config``: extra key=value overrides)."""
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    cmd = [SNAKEMAKE, "-c2", *args, "--config", f"source_date_epoch={FIXED_EPOCH}", *config]
    proc = subprocess.run(cmd, cwd=workdir, env=env, capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise AssertionError(
            f"snakemake {' '.join(args)} failed in {workdir}:\n{proc.stdout[-4000:]}\n{proc.stderr[-6000:]}"
        )
    return proc


def pdf_text(pdf, layout: bool = False, first: int | None = None, last: int | None = None, raw: bool = False) -> str:
    """The text of a PDF (or of pages first..last) as pdftotext prints it; ``layout`` keeps columns, ``raw`` keeps
    the order TeX wrote it in (a table row's exponents stay with their numbers wherever the table lands)."""
    cmd = ["pdftotext"] + (["-layout"] if layout else []) + (["-raw"] if raw else [])
    if first:
        cmd += ["-f", str(first), "-l", str(last or first)]
    return subprocess.run([*cmd, str(pdf), "-"], capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="session")
def built_project(tmp_path_factory) -> Path:
    """The default config built once, end to end, in a temporary copy of the project."""
    work = copy_project(tmp_path_factory.mktemp("e2e") / "project")
    run_snakemake(work)
    return work
