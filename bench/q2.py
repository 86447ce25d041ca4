"""Benchmark of Problem 2 through the pipeline: the rule q2_bench (time of each attention method against T, side
by side) run by snakemake in a temporary copy of the project, with a profile laid over the default.

    python bench/q2.py                              # the default config's q2 sizes
    python bench/q2.py --profile config/bench.yaml  # larger sizes (overrides the q2 section)
    python bench/q2.py --device cuda                # on a GPU (default: the config's device)

Prints, for the largest T at which full attention ran (8192 by default), the speedup of each method over
full attention measured in the same run (computed as q2_claims does), and the fitted log-log slopes of time and
memory against T; writes the measurements to build/bench/q2_bench_<device>.json with the machine (and GPU name)
that measured it.
"""

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hw4.io import write_json  # noqa: E402
from hw4.project import copy_project, run_snakemake  # noqa: E402
from hw4.q2.check import timing_claims  # noqa: E402
from hw4.q2.methods import METHODS  # noqa: E402
from hw4.timing import STATISTIC  # noqa: E402


def bench_through_snakemake(profile: str | None, device: str | None) -> dict:
    """q2_bench's results, made by snakemake in a fresh copy of the project with ``profile`` laid over the default
    and ``device`` over q2.bench.device; a failed run stops the benchmark with its output."""
    with tempfile.TemporaryDirectory(prefix="hw4-bench-q2-") as tmp:
        work = copy_project(Path(tmp))
        args = ["build/results/q2_bench.json"]
        if profile:
            args += ["--configfile", str(Path(profile).resolve())]
        if device:
            args += ["--config", f"q2={{bench: {{device: {device}}}}}"]
        try:
            run_snakemake(work, *args, "--directory", str(work))
        except RuntimeError as e:
            sys.exit(str(e))
        return json.loads((work / "build/results/q2_bench.json").read_text())


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--profile", help="YAML file whose q2 section overrides config/config.yaml's")
    ap.add_argument("--device", choices=["cpu", "cuda", "auto"], help="overrides q2.bench.device")
    ap.add_argument("--out", help="results JSON (default build/bench/q2_bench_<device>.json)")
    args = ap.parse_args(argv)
    result = bench_through_snakemake(args.profile, args.device)
    result["profile"] = args.profile or "config/config.yaml"
    out = Path(args.out or ROOT / "build" / "bench" / f"q2_bench_{result['device']}.json")
    write_json(out, result)

    m = result["machine"]
    claims = timing_claims(result)  # the speed-ups and crossovers, as q2_claims computes them for the PDF
    where = result["device_name"] or f"{m['cpu']}, {m['torch_threads']} torch thread(s)"
    print(f"\nProblem 2 attention benchmark on {result['device']} ({where}), torch {m['torch']}")
    print(f"d={result['d']}, batch={result['batch']}, heads={result['heads']}, w={result['w']}, m={result['m']}")
    print(f"\nat T={claims['at_T']} ({STATISTIC}, {result['repeats']} repeats):")
    print(f"  {'method':34s} {'time ms':>9s} {'speedup':>8s} {'peak MiB':>9s} {'rel. error':>10s}")
    for row in claims["table"]:
        speed = 1.0 if row["reference"] else row["speedup"]
        err = f"{row['rel_error']:10.3g}" if row["rel_error"] is not None else f"{'-':>10s}"
        print(f"  {row['label']:34s} {row['time_ms']:9.2f} {speed:7.1f}x {row['peak_mib']:9.1f} {err}")
    print(f"\nfitted log-log slopes on T >= {result['fit_min_T']} (time / peak memory):")

    def fmt(key):
        v = result["slopes"].get(key)
        return f"{v:5.2f}" if v is not None else f"  n/a ({result['slope_notes'].get(key, 'not fitted')})"

    for meth in METHODS:
        if meth.key in result["fit_range"]:
            lo, hi = result["fit_range"][meth.key]
            print(f"  {meth.label:34s} {fmt(meth.key)} / {fmt(meth.key + '_memory')}  (T {lo}..{hi})")
    print("\nfaster than full attention at every measured T from:")
    for meth in METHODS:
        if meth.key in claims["faster_from_T"]:
            T = claims["faster_from_T"][meth.key]
            print(f"  {meth.label:34s} " + (f"T = {T}" if T is not None else f"never (up to T = {claims['at_T']})"))
    print(f"\nwritten: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
