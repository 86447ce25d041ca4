"""The project's own checks are clean: ruff, ruff format, snakefmt, snakemake --lint."""

import subprocess

import pytest
from conftest import BIN, ROOT, copy_project


@pytest.mark.parametrize(
    "cmd", ["ruff check .", "ruff format --check .", "snakefmt --check ."], ids=["ruff", "ruff-format", "snakefmt"]
)
def test_clean(cmd):
    tool, *args = cmd.split()
    proc = subprocess.run([str(BIN / tool), *args], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.slow
def test_snakemake_lint(tmp_path):
    work = copy_project(tmp_path / "p")  # a copy: never take Snakemake's lock in the user's tree
    proc = subprocess.run([str(BIN / "snakemake"), "--lint"], cwd=work, capture_output=True, text=True)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0 and "Lints for" not in out, out[-4000:]
