"""Benchmark of `snakemake variants`: N variants after the default build, on this machine's cores.

Runs in a temporary copy of the project: the default build first (not timed), then `snakemake variants` for a
small and a large N from scratch, side by side in one run. Reports the wall time of each, the cost of one more
variant ((large - small) / (N_large - N_small)), and the benchmarked variant jobs' time (derive and verify: each
rule's wall seconds summed over the variants, from its benchmark files). With --baseline, the large N again with
snakemake's default scheduler (--workflow-profile none: without profiles/default's), in the same run. Usage:
    python bench/variants.py [--n 100] [--small 20] [--cores 2] [--baseline]
"""

import argparse
import shutil
import tempfile
import time
from collections import Counter
from pathlib import Path

from _project import copy_project, snakemake


def rule_seconds(work: Path) -> Counter:
    """rule -> its jobs' wall seconds summed over the variants (build/variants/<id>/benchmarks/<rule>.tsv)."""
    total: Counter = Counter()
    for tsv in (work / "build/variants").glob("*/benchmarks/*.tsv"):
        total[tsv.stem] += float(tsv.read_text().splitlines()[1].split("\t")[0])
    return total


def run_variants(work: Path, cores: int, n: int, *args: str, label: str = "") -> dict:
    shutil.rmtree(work / "build/variants", ignore_errors=True)
    wall = snakemake(work, cores, "variants", *args, "--config", f"variants={{n: {n}, seed: 2021}}")
    return {"n": n, "wall": wall, "rules": rule_seconds(work), "label": label}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--small", type=int, default=20)
    ap.add_argument("--cores", type=int, default=2)
    ap.add_argument("--baseline", action="store_true", help="also the large N with snakemake's default scheduler")
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
        runs = [small, large]
        if args.baseline:
            runs.append(
                run_variants(work, args.cores, args.n, "--workflow-profile", "none", label=" (default scheduler)")
            )
    per = (large["wall"] - small["wall"]) / (large["n"] - small["n"])
    print(f"cores: {args.cores}")
    for r in runs:
        timed = ", ".join(f"{rule} {sec:.0f} s" for rule, sec in sorted(r["rules"].items()))
        print(
            f"{r['n']:4d} variants{r['label']}: {r['wall']:7.1f} s wall ({r['wall'] / 60:.1f} min); timed jobs: {timed}"
        )
    print(f"one more variant: {per:.2f} s wall (goal: {args.n} variants <= 600 s)")
    if args.baseline:
        print(
            f"profiles/default's scheduler / snakemake's default, {args.n} variants: {large['wall'] / runs[2]['wall']:.2f}"
        )


if __name__ == "__main__":
    main()
