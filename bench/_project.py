"""What the benchmarks share: hw4.project's copy of the sources (the user's build/ untouched, every run from no
build outputs), and a timed snakemake run there that stops the benchmark on a failure."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hw4.project import copy_project, run_snakemake  # noqa: E402

__all__ = ["copy_project", "snakemake"]


def snakemake(work: Path, cores: int, target: str, *args: str) -> float:
    """Wall seconds of `snakemake TARGET -c CORES ARGS` in ``work``; a failure stops the benchmark with its stderr.
    The target comes first: --quiet takes any number of choices, and would read a target after it as one."""
    try:
        return run_snakemake(work, target, *args, "--quiet", "all", cores=cores).seconds
    except RuntimeError as e:
        sys.exit(str(e))
