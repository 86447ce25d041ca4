"""Problem 2: runtime, peak memory and output error of each attention method against the sequence length T.

All methods of the registry (hw4/q2/methods.py) run side by side at each T on the same inputs, timed by the
project's one timing helper (hw4/timing.py: repeats interleaved across the methods, a warm-up call first, the
minimum kept), so a change of machine load hits them alike.  Times are forward passes under torch.no_grad().
Peak memory is measured, not estimated: on CPU from the allocation events of torch's profiler (the largest total
of bytes held by torch's CPU allocator during one call, minus what was held before the call; tracemalloc would
not see these allocations), on CUDA from torch.cuda.max_memory_allocated.  The relative error of each method is
measured against the full-attention output of the same inputs.  Speed-ups, crossovers and verdicts are q2_claims'.
"""

import json
import os
import tempfile

import torch

from hw4.fit import loglog_slope
from hw4.q2.attention import orthogonal_gaussian, relative_error
from hw4.q2.methods import METHODS, REFERENCE
from hw4.runtime import pick_device
from hw4.timing import best, time_side_by_side


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def cpu_peak_bytes(fn) -> int:
    """Largest number of bytes torch's CPU allocator held during fn(), above what it held when fn() started."""
    from torch.profiler import ProfilerActivity, profile

    with profile(activities=[ProfilerActivity.CPU], profile_memory=True) as prof:
        fn()
    fd, path = tempfile.mkstemp(suffix=".json")
    os.close(fd)
    try:
        prof.export_chrome_trace(path)
        with open(path, encoding="utf-8") as fh:
            events = [e for e in json.load(fh)["traceEvents"] if e.get("name") == "[memory]"]
    finally:
        os.unlink(path)
    events = [e["args"] for e in events if e["args"].get("Device Type", 0) == 0]
    if not events:
        return 0
    events.sort(key=lambda a: a["Ev Idx"])
    before = events[0]["Total Allocated"] - events[0]["Bytes"]
    return int(max(a["Total Allocated"] for a in events) - before)


def peak_bytes(fn, device: torch.device) -> int:
    if device.type == "cuda":
        _sync(device)
        torch.cuda.reset_peak_memory_stats(device)
        base = torch.cuda.memory_allocated(device)
        fn()
        _sync(device)
        return int(torch.cuda.max_memory_allocated(device) - base)
    return cpu_peak_bytes(fn)


def check_sizes(T_values, full_max_T: int, fit_min_T: int) -> None:
    """Refuse, with the config key to change, sizes that would leave no reference or no slope for full attention."""
    if any(b <= a for a, b in zip(T_values, T_values[1:], strict=False)):
        raise ValueError(f"q2.bench.T_values must be strictly increasing, got {list(T_values)}")
    if full_max_T < min(T_values):
        raise ValueError(
            f"q2.bench.full_max_T = {full_max_T} is below every q2.bench.T_values (smallest {min(T_values)}): full "
            "attention, the reference of every speedup and error, would never run. Set q2.bench.full_max_T to at "
            f"least {min(T_values)}."
        )
    fitted = [t for t in T_values if fit_min_T <= t <= full_max_T]
    if len(fitted) < 2:
        raise ValueError(
            f"q2.bench: only {len(fitted)} of q2.bench.T_values lie in [fit_min_T, full_max_T] = [{fit_min_T}, "
            f"{full_max_T}], so full attention's slope cannot be fitted. Lower q2.bench.fit_min_T, raise "
            "q2.bench.full_max_T, or add T_values in that range (at least two are needed)."
        )


def fit_slope(points) -> tuple[float | None, str | None]:
    """Log-log slope of (T, value) points, skipping values that are not positive (log undefined).

    Returns (slope, None), or (None, reason) when fewer than two usable points remain.
    """
    usable = [(t, y) for t, y in points if y > 0]
    if len(usable) < 2:
        skipped = len(points) - len(usable)
        return None, f"{len(usable)} usable point(s) of {len(points)} ({skipped} not positive)"
    return loglog_slope(*zip(*usable, strict=True)), None


def fit_slopes(rows: list[dict], names, fit_min_T: int) -> tuple[dict, dict, dict]:
    """Time and peak-memory slopes of each method on T >= fit_min_T: slopes (None if not fittable), the T range
    fitted, and the reason for every slope left None."""
    slopes, fit_range, notes = {}, {}, {}
    for n in names:
        fitted = [r for r in rows if n in r["time_s"] and r["T"] >= fit_min_T]
        for key, field in ((n, "time_s"), (f"{n}_memory", "peak_bytes")):
            slopes[key], why = fit_slope([(r["T"], r[field][n]) for r in fitted])
            if why:
                notes[key] = why
        if fitted:
            fit_range[n] = [fitted[0]["T"], fitted[-1]["T"]]
    return slopes, fit_range, notes


def benchmark(T_values, d, batch, heads, w, m, repeats, full_max_T, fit_min_T, device="cpu", seed=0) -> dict:
    check_sizes(T_values, full_max_T, fit_min_T)
    dev = pick_device(device, key="q2.bench.device")
    print(f"q2 bench on {dev} with {torch.get_num_threads()} torch threads", flush=True)
    g = torch.Generator().manual_seed(seed)
    proj = orthogonal_gaussian(m, d, g).to(dev)
    sync = (lambda: torch.cuda.synchronize(dev)) if dev.type == "cuda" else None
    rows = []
    with torch.no_grad():
        for T in T_values:
            q, k, v = (torch.randn(batch, heads, T, d, generator=g).to(dev) for _ in range(3))
            # the T^2 methods (the full T x T scores) only up to full_max_T
            timed = [meth for meth in METHODS if not meth.quadratic or T <= full_max_T]
            calls = {meth.key: (lambda fn=meth.torch_fn, q=q, k=k, v=v: fn(q, k, v, w, proj)) for meth in timed}
            outputs = {n: call() for n, call in calls.items()}
            _sync(dev)
            times = time_side_by_side(calls, repeats, sync=sync)
            ref = outputs.get(REFERENCE)
            row = {
                "T": T,
                "time_s": {n: best(ts) for n, ts in times.items()},
                "peak_bytes": {n: peak_bytes(call, dev) for n, call in calls.items()},
                "rel_error": {
                    n: relative_error(y, ref) for n, y in outputs.items() if ref is not None and n != REFERENCE
                },
                # The explicit method holds the score and the probability matrices at once: 2 T^2 floats per head.
                "full_scores_bytes": 2 * batch * heads * T * T * q.element_size(),
            }
            del outputs, ref
            rows.append(row)
            print(f"T={T}: " + ", ".join(f"{n} {t * 1e3:.2f} ms" for n, t in row["time_s"].items()), flush=True)
    slopes, fit_range, slope_notes = fit_slopes(rows, [meth.key for meth in METHODS], fit_min_T)
    return {
        "device": dev.type,
        "device_name": torch.cuda.get_device_name(dev) if dev.type == "cuda" else None,
        "d": d,
        "batch": batch,
        "heads": heads,
        "w": w,
        "m": m,
        "repeats": repeats,
        "full_max_T": full_max_T,
        "fit_min_T": fit_min_T,
        "rows": rows,
        "slopes": slopes,
        "fit_range": fit_range,
        "slope_notes": slope_notes,
    }


def run(params: dict, seed: int) -> dict:
    """The benchmark as config section q2 describes it (the rule q2_bench): params holds its keys bench, d_head,
    window and features."""
    from hw4.runtime import machine_info, seed_everything

    p = dict(params["bench"])  # the config section q2.bench, key for key (torch_threads is run's)
    threads = p.pop("torch_threads")
    # One torch thread by default: on a shared machine, OpenMP threads spin-waiting for a busy core inflate
    # small operations many times over, which would measure the machine's load and not the method.
    seed_everything(seed, threads)
    result = benchmark(**p, d=params["d_head"], w=params["window"], m=params["features"], seed=seed)
    result["machine"] = machine_info(threads)
    return result
