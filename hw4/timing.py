"""How the project times code, in one place: calls interleaved side by side, a warm-up first, the minimum kept.

The statistic is the **minimum** over the repeats: on a shared, noisy machine the fastest run is the one least
disturbed by other processes, and it is the stablest estimate of what the code itself costs.  Methods that are
compared are timed side by side (round-robin, one call of each per round), so that a slow spell of the machine
hits all of them alike and their ratio stays meaningful.  Side by side suits methods of similar cost and working
set; a cheap call timed right after one that sweeps a large array would pay for the cache misses the other
caused, so such pairs (Problem 3's full and sampled gradients) are timed one after the other, each with the same
statistic.
"""

import time
from collections.abc import Callable

STATISTIC = "minimum over the repeats, calls interleaved side by side after a warm-up call"


def time_side_by_side(
    fns: dict[str, Callable[[], object]],
    repeats: int,
    sync: Callable[[], None] | None = None,
    min_total_s: float = 0.0,
    max_rounds: int = 5000,
) -> dict[str, list[float]]:
    """Seconds of every call of every function, in rounds of one call each; after one warm-up call each.

    At least ``repeats`` rounds, more (up to ``max_rounds``) until ``min_total_s`` has passed, so that cheap
    calls are timed often enough.  ``sync`` (e.g. ``torch.cuda.synchronize``) runs before and after each call,
    so that asynchronous GPU work is inside the timed span.
    """
    sync = sync or (lambda: None)
    for fn in fns.values():
        fn()
    sync()
    times = {name: [] for name in fns}
    start = time.perf_counter()
    rounds = 0
    while rounds < repeats or (time.perf_counter() - start < min_total_s and rounds < max_rounds):
        for name, fn in fns.items():
            sync()
            t0 = time.perf_counter()
            fn()
            sync()
            times[name].append(time.perf_counter() - t0)
        rounds += 1
    return times


def best(times: list[float]) -> float:
    """The project's statistic of a list of timings (see STATISTIC)."""
    return min(times)


def best_times(fns: dict[str, Callable[[], object]], repeats: int, **kwargs) -> dict[str, float]:
    """The statistic of each function's timings, measured side by side (see time_side_by_side)."""
    return {name: best(ts) for name, ts in time_side_by_side(fns, repeats, **kwargs).items()}


def best_time(fn: Callable[[], object], repeats: int, **kwargs) -> float:
    """The statistic of one function's timings."""
    return best_times({"fn": fn}, repeats, **kwargs)["fn"]
