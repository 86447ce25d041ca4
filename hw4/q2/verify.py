"""Problem 2, rule q2_verify: every counted method of the registry against its scalar copy and full attention.

On small float64 inputs: the blocked window against masked full attention, the right-to-left linear attention
against its T x T form, each torch method against its plain-Python copy (which counts every operation it
performs, for q2_check to compare with the sympy formulas of q2_derive), and what torch's flop counter
attributes to the torch code.  Nothing is judged here: q2_check does that.
"""

import torch

from hw4.opcount import OpCounter
from hw4.q2.attention import (
    band_mask,
    block_layout,
    block_local_attention,
    full_attention,
    linear_attention,
    linear_attention_quadratic,
    orthogonal_gaussian,
    pairs_used,
    sliding_window_attention,
)
from hw4.q2.methods import COUNTED, Method


def flop_counter_flops(method: Method, q, k, v, w: int, proj) -> int:
    """FLOPs torch.utils.flop_counter attributes to the torch code (matmuls only, 2 per multiply-add)."""
    from torch.utils.flop_counter import FlopCounterMode

    with torch.no_grad(), FlopCounterMode(display=False) as fc:
        method.torch_fn(q, k, v, w, proj)
    return fc.get_total_flops()


def verify_instance(T: int, d: int, w: int, m: int, seed: int) -> dict:
    """One (T, d, w, m): exactness of the fast forms, and operations counted by the scalar copies."""
    g = torch.Generator().manual_seed(seed)
    q, k, v = (torch.randn(T, d, generator=g, dtype=torch.float64) for _ in range(3))
    proj = orthogonal_gaussian(m, d, g, dtype=torch.float64)
    with torch.no_grad():
        full = full_attention(q, k, v)
        window = sliding_window_attention(q, k, v, w)
        blocks = block_local_attention(q, k, v, w)
        row = {
            "T": T,
            "d": d,
            "w": w,
            "m": m,
            "window_vs_masked_full": float((window - full_attention(q, k, v, band_mask(T, w))).abs().max()),
            "blocks_vs_masked_full": float(
                (blocks - full_attention(q, k, v, pairs_used(T, *block_layout(T, w)))).abs().max()
            ),
            "linear_vs_quadratic": float((linear_attention(q, k, v) - linear_attention_quadratic(q, k, v)).abs().max()),
            "window_equals_full_when_w_covers_T": float((sliding_window_attention(q, k, v, T) - full).abs().max()),
            "methods": {},
        }
        for method in COUNTED:
            c = OpCounter()  # the scalar copy, on lists, counts every operation
            out = method.scalar_fn(q.tolist(), k.tolist(), v.tolist(), w, proj.tolist(), c)
            scalar = torch.tensor(out, dtype=torch.float64)
            row["methods"][method.key] = {
                **{f"counted_{kind}": getattr(c, kind) for kind in ("mults", "adds", "divs", "nonlin")},
                "counted_ops": c.total(),
                "scalar_vs_torch": float((scalar - method.torch_fn(q, k, v, w, proj)).abs().max()),
                "flop_counter": flop_counter_flops(method, q, k, v, w, proj),
            }
    return row
