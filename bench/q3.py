"""Benchmark for Problem 3: one skip-gram gradient, full softmax against sampled, side by side.

    .venv/bin/python bench/q3.py                     # d = 10^6, h = 300, k = 20, 1 and 2 threads
    .venv/bin/python bench/q3.py --d 100000 --threads 1

For each thread count it builds one (v, U, j) in float32 and times, interleaved round by round so that
all see the same machine load (hw4.timing.time_side_by_side): the full closed-form gradient (grad_v and the
dense d x h grad_U), the importance-sampled gradient (grad_v and the k + 1 touched rows) and negative
sampling's gradient, all three the package's own functions.  It prints the best and median times and the ratios.  The goal is a sampled gradient 100x or more faster at d = 10^6.
"""

import argparse
import json
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout's hw4/

import torch  # noqa: E402

from hw4.q3.skipgram import (  # noqa: E402
    full_gradient,
    negative_sampling_gradient,
    proposal,
    sampled_gradient,
    zipf_unigram,
)
from hw4.runtime import machine_info  # noqa: E402
from hw4.timing import time_side_by_side  # noqa: E402

CHEAP_REPEATS = 100


def bench(d: int, h: int, k: int, threads: int, rounds: int, seed: int) -> dict:
    torch.set_num_threads(threads)
    gen = torch.Generator().manual_seed(seed)
    U = torch.randn(d, h, generator=gen) / h**0.5
    v = torch.randn(h, generator=gen)
    q = proposal(zipf_unigram(d, 1.0), 0.75)
    cdf_q, log_q = torch.cumsum(q, 0), q.log().float()
    j = int(torch.randint(d, (1,), generator=gen))
    # The cheap calls run CHEAP_REPEATS times per round: a full gradient streams all of U through the caches, and
    # only the first sampled call after it pays for the cold cache (a step of a loop of sampled steps does not).
    cheap = {
        "sampled": lambda: sampled_gradient(v, U, j, cdf_q, log_q, k, gen),
        "negative": lambda: negative_sampling_gradient(v, U, j, cdf_q, k, gen),
    }
    fns = {"full": lambda: full_gradient(v, U, j)}
    fns.update({name: (lambda fn=fn: [fn() for _ in range(CHEAP_REPEATS)]) for name, fn in cheap.items()})
    with torch.no_grad():
        times = time_side_by_side(fns, rounds)
    times.update({name: [t / CHEAP_REPEATS for t in times[name]] for name in cheap})
    out = {"d": d, "h": h, "k": k, "threads": threads, "rounds": rounds}
    for name, ts in times.items():
        out[f"{name}_best_s"] = min(ts)
        out[f"{name}_median_s"] = statistics.median(ts)
    for name in ("sampled", "negative"):
        out[f"speedup_{name}_best"] = out["full_best_s"] / out[f"{name}_best_s"]
        out[f"speedup_{name}_median"] = out["full_median_s"] / out[f"{name}_median_s"]
    return out


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--d", type=int, default=1_000_000)
    ap.add_argument("--h", type=int, default=300)
    ap.add_argument("--k", type=int, default=20)
    ap.add_argument("--threads", default="1,2", help="comma-separated torch thread counts")
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", help="also write the results to this file")
    args = ap.parse_args(argv)
    rows = [bench(args.d, args.h, args.k, int(t), args.rounds, args.seed) for t in args.threads.split(",")]
    info = machine_info()
    print(f"machine: {info['cpu']}, {info['logical_cpus']} logical CPUs, torch {info['torch']}")
    print(f"d={args.d}, h={args.h}, k={args.k}, float32, {args.rounds} interleaved rounds")
    print(f"{'threads':>7} {'full ms':>10} {'sampled us':>11} {'neg. us':>9} {'speed-up':>9} {'(median)':>9}")
    for r in rows:
        print(
            f"{r['threads']:>7} {r['full_best_s'] * 1e3:>10.1f} {r['sampled_best_s'] * 1e6:>11.1f} "
            f"{r['negative_best_s'] * 1e6:>9.1f} {r['speedup_sampled_best']:>8.0f}x "
            f"{r['speedup_sampled_median']:>8.0f}x"
        )
    if args.json:
        Path(args.json).write_text(json.dumps({"machine": info, "rows": rows}, indent=2) + "\n")


if __name__ == "__main__":
    main()
