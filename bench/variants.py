"""Benchmark of `snakemake variants`: N variants after the default build, on this machine's cores.

Runs in a temporary copy of the project: the default build first (not timed), then `snakemake variants` for a
small and a large N from scratch, side by side in one run. Reports the wall time of each, the cost of one more
variant ((large - small) / (N_large - N_small)), and the share of the variant jobs' time spent in LaTeX (from
the variant_documents logs). Usage:
    python bench/variants.py [--n 100] [--small 20] [--cores 2]
"""

import argparse
import re
import shutil
import tempfile
import time
from pathlib import Path

from _project import copy_project, snakemake


def job_seconds(work: Path) -> tuple[float, float, float]:
    """(the solve jobs' wall seconds, LaTeX seconds, render seconds): benchmark files and the documents' logs."""
    total = 0.0
    for tsv in (work / "build/benchmarks/variants").glob("*.tsv"):
        total += float(tsv.read_text().splitlines()[1].split("\t")[0])
    latex = render = 0.0
    for log in (work / "build/logs/variants").glob("*_documents.log"):
        for r, t in re.findall(r"render ([\d.]+) s, latex ([\d.]+) s", log.read_text()):
            render, latex = render + float(r), latex + float(t)
    return total, latex, render


def run_variants(work: Path, cores: int, n: int) -> dict:
    for path in ("build/variants", "build/benchmarks/variants", "build/logs/variants"):
        shutil.rmtree(work / path, ignore_errors=True)
    wall = snakemake(work, cores, "variants", "--config", f"variants={{n: {n}, seed: 2021}}")
    solve, latex, render = job_seconds(work)
    return {"n": n, "wall": wall, "solve": solve, "latex": latex, "render": render}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--small", type=int, default=20)
    ap.add_argument("--cores", type=int, default=2)
    args = ap.parse_args()
    if not 0 < args.small < args.n:
        ap.error("--small must be between 0 and --n (the cost of one more variant is their difference)")
    with tempfile.TemporaryDirectory(prefix="hw4-bench-variants-") as tmp:
        work = Path(tmp)
        copy_project(work)
        t0 = time.perf_counter()
        snakemake(work, args.cores, "all")
        print(f"default build (not part of the figures below): {time.perf_counter() - t0:.0f} s")
        small = run_variants(work, args.cores, args.small)
        large = run_variants(work, args.cores, args.n)
    per = (large["wall"] - small["wall"]) / (large["n"] - small["n"])
    print(f"cores: {args.cores}")
    for r in (small, large):
        print(
            f"{r['n']:4d} variants: {r['wall']:7.1f} s wall ({r['wall'] / 60:.1f} min); in the jobs: solve "
            f"{r['solve']:.0f} s, render {r['render']:.0f} s, LaTeX {r['latex']:.0f} s "
            f"({100 * r['latex'] / (r['solve'] + r['render'] + r['latex']):.0f}% of the jobs' time)"
        )
    print(f"one more variant: {per:.2f} s wall (goal: {args.n} variants <= 600 s)")


if __name__ == "__main__":
    main()
