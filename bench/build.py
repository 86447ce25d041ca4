"""Benchmark of the build itself: cold default build, no-op rerun, template-only edit (render + compile).

Runs in a temporary copy of the project so the user's build/ is untouched.  Usage:
    python bench/build.py [--repeats N] [--cores N]
"""

import argparse
import statistics
import tempfile
from pathlib import Path

from _project import copy_project, snakemake


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--cores", type=int, default=2)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="hw4-bench-") as tmp:
        work = Path(tmp)
        copy_project(work)
        cold = snakemake(work, args.cores, "all")
        noop = [snakemake(work, args.cores, "all") for _ in range(args.repeats)]
        tpl = work / "report" / "q1_answer.tex.j2"
        edits = []
        for k in range(args.repeats):
            tpl.write_text(tpl.read_text() + f"%# benchmark edit {k}\n")
            edits.append(snakemake(work, args.cores, "all"))
    print(f"cores: {args.cores}")
    print(f"cold default build:        {cold:7.1f} s")
    print(f"no-op rerun (median of {args.repeats}):  {statistics.median(noop):7.2f} s  (goal <= 3 s)")
    print(f"template-only edit (median of {args.repeats}): {statistics.median(edits):7.2f} s  (goal <= 10 s)")


if __name__ == "__main__":
    main()
