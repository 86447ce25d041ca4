"""Problem 2: the one registry of attention methods, read by every step that runs, counts, times or names them.

Each entry says what the method is called in the PDF, which torch function computes it, which plain-Python copy
counts its operations (none for torch's own fused kernel), which sympy formula of hw4/q2/derive.py counts them,
whether it computes softmax attention exactly, and how its time and peak memory should grow with T.  The verify
step (scalar copies, flop counter), the benchmark, the retrieval task, the check (which writes the labels and
orders into q2_check.json for the template, the claims) and the figures all iterate over METHODS; none lists
methods itself.

Every torch function is called as fn(q, k, v, w, proj) and every scalar copy as fn(Q, K, V, w, P, counter), with
w the window half-width and proj (P as lists) the Performer's random projection; each uses what it needs.
"""

import importlib
from collections.abc import Callable
from dataclasses import dataclass


def _fn(module: str, name: str) -> Callable:
    """module.name, imported at its first call: the steps that only read the registry (the check, the figures)
    do not import torch."""

    def call(*args):
        return getattr(importlib.import_module(module), name)(*args)

    return call


A = "hw4.q2.attention"
full_attention, full_attention_scalar = _fn(A, "full_attention"), _fn(A, "full_attention_scalar")
linear_attention, linear_attention_scalar = _fn(A, "linear_attention"), _fn(A, "linear_attention_scalar")
performer_attention, performer_attention_scalar = _fn(A, "performer_attention"), _fn(A, "performer_attention_scalar")
sliding_window_attention = _fn(A, "sliding_window_attention")
sliding_window_attention_scalar = _fn(A, "sliding_window_attention_scalar")
scaled_dot_product_attention = _fn("torch.nn.functional", "scaled_dot_product_attention")


@dataclass(frozen=True)
class Method:
    key: str  # the method's key in every results file
    label: str  # its name in the PDF's benchmark table, figures and prose
    short: str  # its name in the operation-count tables
    torch_fn: Callable  # fn(q, k, v, w, proj) -> (..., T, d)
    scalar_fn: Callable | None  # fn(Q, K, V, w, P, counter) -> T lists of d floats; None: not counted
    formula: str | None  # key of its operation count in hw4/q2/derive.py FORMULAS; None: not derived
    exact: bool  # computes softmax attention exactly (up to rounding)
    time_order: int  # expected log-log slope of time against T (fixed d, w, m)
    memory_order: int  # expected log-log slope of peak memory against T

    @property
    def counted(self) -> bool:
        """One of this answer's algorithms: a scalar copy counts its operations against a sympy formula."""
        return self.scalar_fn is not None

    @property
    def quadratic(self) -> bool:
        """Its time grows as T^2: timed only up to q2.bench.full_max_T."""
        return self.time_order >= 2


METHODS = (
    Method(
        "full",
        "full softmax (explicit)",
        "full",
        lambda q, k, v, w, proj: full_attention(q, k, v),
        lambda Q, K, V, w, P, c: full_attention_scalar(Q, K, V, c),
        "full",
        exact=True,
        time_order=2,
        memory_order=2,
    ),
    Method(
        "sdpa",
        "full softmax (torch SDPA, fused)",
        "SDPA",
        lambda q, k, v, w, proj: scaled_dot_product_attention(q, k, v),
        None,
        None,
        exact=True,
        time_order=2,
        memory_order=1,  # tiled: never holds the T x T matrix
    ),
    Method(
        "window",
        "sliding window",
        "window",
        lambda q, k, v, w, proj: sliding_window_attention(q, k, v, w),
        lambda Q, K, V, w, P, c: sliding_window_attention_scalar(Q, K, V, w, c),
        "window",
        exact=False,
        time_order=1,
        memory_order=1,
    ),
    Method(
        "linear",
        "linear (elu+1)",
        "linear",
        lambda q, k, v, w, proj: linear_attention(q, k, v),
        lambda Q, K, V, w, P, c: linear_attention_scalar(Q, K, V, c),
        "linear",
        exact=False,
        time_order=1,
        memory_order=1,
    ),
    Method(
        "performer",
        "Performer (FAVOR+)",
        "Performer",
        lambda q, k, v, w, proj: performer_attention(q, k, v, proj),
        lambda Q, K, V, w, P, c: performer_attention_scalar(Q, K, V, P, c),
        "performer",
        exact=False,
        time_order=1,
        memory_order=1,
    ),
)
BY_KEY = {m.key: m for m in METHODS}
REFERENCE = "full"  # every speed-up, memory ratio and error is measured against this method

COUNTED = tuple(m for m in METHODS if m.counted)  # scalar copy and formula: verify, derive, retrieval
APPROXIMATIONS = tuple(m for m in METHODS if not m.exact)  # the O(T) replacements


def keys(methods=METHODS) -> list[str]:
    return [m.key for m in methods]
