"""Problem 2: what the speed costs on a task that needs long-range context (retrieval at a distance).

Each token j has a random key k_j (norm sqrt(d)) and a random value v_j.  The query of token i is a scaled copy
of the key of token i - delta, so that in full attention its score with the "needle" i - delta exceeds the
typical score with any other key by ``logit_gap`` (in units of the softmax's input).  The task: output the
needle's value.  A query counts as correct when, among the values of all T tokens, its output is most similar
(cosine) to the needle's.  Chance is 1/T.  No training is involved: every method gets the query and key that
make the answer obvious to full attention, so a miss is the attention mechanism's, not a learning failure's.
"""

import torch
import torch.nn.functional as F

from hw4.q2.attention import orthogonal_gaussian
from hw4.q2.methods import COUNTED


# region: task
def needle_task(T: int, d: int, distance: int, logit_gap: float, generator):
    """Queries i >= distance point at token i - distance: q_i . k_{i-distance} / sqrt(d) = logit_gap."""
    keys = F.normalize(torch.randn(T, d, generator=generator), dim=-1) * d**0.5
    values = torch.randn(T, d, generator=generator)
    queries = torch.randn(T, d, generator=generator)  # queries before `distance` have no needle; not scored
    queries[distance:] = keys[: T - distance] * (logit_gap / d**0.5)
    return queries, keys, values


def retrieval_accuracy(out, values, distance: int) -> float:
    """Share of scored queries whose output is closest (cosine) to the needle's value among all T values."""
    sim = F.normalize(out[distance:], dim=-1) @ F.normalize(values, dim=-1).T  # (T - distance, T)
    target = torch.arange(out.shape[0] - distance)
    return float((sim.argmax(dim=-1) == target).float().mean())


# endregion


def run_retrieval(T, d, w, m, distances, logit_gap, trials, seed) -> dict:
    g = torch.Generator().manual_seed(seed)
    proj = orthogonal_gaussian(m, d, g)
    # this answer's algorithms (torch's fused SDPA computes the same as full attention)
    fns = {meth.key: (lambda q, k, v, fn=meth.torch_fn: fn(q, k, v, w, proj)) for meth in COUNTED}
    rows = []
    with torch.no_grad():
        for distance in distances:
            if not 1 <= distance < T:
                raise ValueError(f"q2 retrieval: distance {distance} must be in [1, T) with T = {T}")
            acc = {name: 0.0 for name in fns}
            for _ in range(trials):
                q, k, v = needle_task(T, d, distance, logit_gap, g)
                for name, fn in fns.items():
                    acc[name] += retrieval_accuracy(fn(q, k, v), v, distance) / trials
            rows.append({"distance": distance, "within_window": distance <= w, "accuracy": acc})
            print(f"distance {distance}: " + ", ".join(f"{n} {a:.3f}" for n, a in acc.items()), flush=True)

    def mean_acc(name, near):
        sel = [r["accuracy"][name] for r in rows if r["within_window"] == near]
        return sum(sel) / len(sel) if sel else None

    return {
        "T": T,
        "d": d,
        "w": w,
        "m": m,
        "logit_gap": logit_gap,
        "trials": trials,
        "chance": 1.0 / T,
        "rows": rows,
        "mean_within_window": {n: mean_acc(n, True) for n in fns},
        "mean_beyond_window": {n: mean_acc(n, False) for n in fns},
    }
