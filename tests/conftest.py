"""Shared test set-up: this checkout's package hw4/ importable, and one end-to-end build of the default config."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# this checkout's hw4/ first, whatever the venv's editable install points at
sys.path.insert(0, str(ROOT))

from hw4 import project  # noqa: E402
from hw4.project import copy_project  # noqa: E402

BIN = Path(sys.executable).parent
SNAKEMAKE = str(BIN / "snakemake")
FIXED_EPOCH = "1617321600"  # 2021-04-02, the due date: a fixed date makes PDFs comparable


def run_snakemake(
    workdir: Path, *args: str, config: tuple[str, ...] = (), check: bool = True
) -> subprocess.CompletedProcess:
    """Run snakemake in ``workdir`` (targets and flags in ``args``; ``config``: extra key=value overrides) with the
    PDF's date fixed; hw4.project.run_snakemake, a failure an AssertionError."""
    try:
        return project.run_snakemake(
            workdir, *args, "--config", f"source_date_epoch={FIXED_EPOCH}", *config, check=check
        )
    except RuntimeError as e:
        raise AssertionError(str(e)) from None


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
