"""Problem 3, timed: seconds per gradient, full against importance-sampled, across vocabulary sizes d.

Its own module, so that the verification and the estimator statistics (hw4/q3/skipgram.py) do not depend on the
timing helper: editing hw4/timing.py reruns only the timed steps.
"""

import torch

from hw4.fit import loglog_slope
from hw4.q3.skipgram import full_gradient, proposal, sampled_gradient, zipf_unigram
from hw4.timing import best_time

# Cheap calls are repeated until this many seconds have passed (at least `repeats` rounds), so that their
# minimum is taken over enough calls.
MIN_TOTAL_S = 0.2


def time_pair(d, h, k, repeats, zipf_exponent, proposal_power, seed, dtype=torch.float32) -> dict:
    """Seconds per gradient, full and sampled, on the same (v, U, j) (hw4.timing's statistic: the minimum)."""
    gen = torch.Generator().manual_seed(seed)
    U = torch.randn(d, h, generator=gen, dtype=dtype) / h**0.5
    v = torch.randn(h, generator=gen, dtype=dtype)
    q = proposal(zipf_unigram(d, zipf_exponent), proposal_power)
    cdf_q, log_q = torch.cumsum(q, 0), q.log().to(dtype)  # built once per vocabulary, like word2vec's table
    j = int(torch.randint(d, (1,), generator=gen))
    # One after the other, not side by side (hw4.timing.time_side_by_side): a full gradient streams the whole d x h
    # matrix U through the caches and evicts what a sampled gradient reuses from call to call (the table of q, log q),
    # so a sampled call right after a full one measures a cold cache (about 10x slower at d = 3 * 10^5) instead of
    # one step of a training loop that only ever takes sampled steps.
    with torch.no_grad():
        t_full = best_time(lambda: full_gradient(v, U, j), repeats, min_total_s=MIN_TOTAL_S)
        t_sampled = best_time(lambda: sampled_gradient(v, U, j, cdf_q, log_q, k, gen), repeats, min_total_s=MIN_TOTAL_S)
    return {"d": d, "h": h, "k": k, "time_full_s": t_full, "time_sampled_s": t_sampled}


def slopes(rows: list[dict]) -> dict:
    """The log-log slopes of the full and the sampled gradient's time against d, over all rows."""
    ds = [r["d"] for r in rows]
    return {f"slope_{part}": loglog_slope(ds, [r[f"time_{part}_s"] for r in rows]) for part in ("full", "sampled")}


def timing(d_values, h, k, repeats, zipf_exponent, proposal_power, seed) -> dict:
    rows = [time_pair(dd, h, k, repeats, zipf_exponent, proposal_power, seed) for dd in d_values]
    return {"h": h, "k": k, "repeats": repeats, "dtype": "float32", **slopes(rows), "rows": rows}
