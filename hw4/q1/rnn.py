"""Problem 1 (b, c): the 2D RNN in torch, evaluated in two orders, and its operations counted.

Indexing follows the problem: h^{i,j} = sigma(W_in x^{i,j} + W_left h^{i-1,j} + W_top h^{i,j-1}), so i runs
left to right and j top to bottom.  Tensors are laid out as (batch, i, j, channels).  Out-of-grid neighbours
are zero vectors (zero padding), and they are multiplied like any other state, as the counts assume.
"""

import math

import torch
from torch import nn

from hw4.opcount import OpCounter


class GridRNN2d(nn.Module):
    """The 2D RNN of Problem 1: three weight matrices, no biases, tanh as sigma."""

    def __init__(self, c: int, h: int):
        super().__init__()
        self.c, self.h = c, h
        self.W_in = nn.Parameter(torch.empty(h, c))
        self.W_left = nn.Parameter(torch.empty(h, h))
        self.W_top = nn.Parameter(torch.empty(h, h))
        bound = 1.0 / math.sqrt(h)
        for p in self.parameters():
            nn.init.uniform_(p, -bound, bound)

    def forward(self, x: torch.Tensor, order: str = "wavefront") -> torch.Tensor:
        if order == "loop":
            return self.forward_loop(x)
        if order == "wavefront":
            return self.forward_wavefront(x)
        raise ValueError(f"unknown evaluation order {order!r}: use 'loop' or 'wavefront'")

    # region: loop
    def forward_loop(self, x):
        """n*n sequential cell updates, in row-major order over (i, j)."""
        B, n, _, _ = x.shape
        zero = x.new_zeros(B, self.h)
        H = [[None] * n for _ in range(n)]
        for i in range(n):
            for j in range(n):
                left = H[i - 1][j] if i > 0 else zero
                top = H[i][j - 1] if j > 0 else zero
                H[i][j] = torch.tanh(x[:, i, j] @ self.W_in.T + left @ self.W_left.T + top @ self.W_top.T)
        return torch.stack([torch.stack(col, dim=1) for col in H], dim=1)

    # endregion

    # region: wavefront
    def forward_wavefront(self, x):
        """All cells on an anti-diagonal i+j=k depend only on diagonal k-1: 2n-1 batched steps."""
        B, n, _, _ = x.shape
        # H[:, i+1, j+1] holds h^{i,j}; row/column 0 is the zero padding.
        H = x.new_zeros(B, n + 1, n + 1, self.h)
        for k in range(2 * n - 1):
            i = torch.arange(max(0, k - n + 1), min(k, n - 1) + 1, device=x.device)
            j = k - i
            left, top = H[:, i, j + 1], H[:, i + 1, j]  # h^{i-1,j} and h^{i,j-1}
            H[:, i + 1, j + 1] = torch.tanh(x[:, i, j] @ self.W_in.T + left @ self.W_left.T + top @ self.W_top.T)
        return H[:, 1:, 1:]

    # endregion


def sequential_steps(n: int, order: str) -> int:
    """Dependent steps each order takes for an n x n grid."""
    return {"loop": n * n, "wavefront": 2 * n - 1}[order]


def rnn2d_scalar(module: GridRNN2d, x: torch.Tensor, counter: OpCounter) -> list[list[list[float]]]:
    """The same recurrence in plain Python scalars, counting every operation it performs (one image)."""
    W_in, W_left, W_top = (p.detach().double().tolist() for p in (module.W_in, module.W_left, module.W_top))
    n = x.shape[0]
    zero = [0.0] * module.h
    H = [[None] * n for _ in range(n)]
    for i in range(n):
        for j in range(n):
            left = H[i - 1][j] if i > 0 else zero
            top = H[i][j - 1] if j > 0 else zero
            s = counter.vadd(
                counter.vadd(counter.matvec(W_in, x[i, j].double().tolist()), counter.matvec(W_left, left)),
                counter.matvec(W_top, top),
            )
            H[i][j] = [counter.tanh(t) for t in s]
    return H


def flop_counter_flops(module: GridRNN2d, x: torch.Tensor, order: str) -> int:
    """FLOPs that torch.utils.flop_counter attributes to one forward pass (per image)."""
    from torch.utils.flop_counter import FlopCounterMode

    with torch.no_grad(), FlopCounterMode(display=False) as fc:
        module(x, order=order)
    return fc.get_total_flops() // x.shape[0]


def verify_instance(n: int, c: int, h: int, seed: int, scalar_count_max_ops: int) -> dict:
    """Check one (n, c, h): parameter count, the two orders against each other, and counted operations."""
    torch.manual_seed(seed)
    module = GridRNN2d(c, h).double()
    x = torch.randn(2, n, n, c, dtype=torch.float64)
    with torch.no_grad():
        y_loop = module(x, order="loop")
        y_wave = module(x, order="wavefront")
    out = {
        "n": n,
        "c": c,
        "h": h,
        "params_module": sum(p.numel() for p in module.parameters()),
        "orders_max_abs_diff": float((y_loop - y_wave).abs().max()),
        **{f"flop_counter_{order}": flop_counter_flops(module, x, order) for order in ("loop", "wavefront")},
        **{f"steps_{order}": sequential_steps(n, order) for order in ("loop", "wavefront")},
    }
    expected_ops = n * n * (2 * h * c + 4 * h * h)  # only to decide whether the scalar run is affordable
    if expected_ops <= scalar_count_max_ops:
        counter = OpCounter()
        H = rnn2d_scalar(module, x[0], counter)
        scalar = torch.tensor(H, dtype=torch.float64)
        out.update(
            counted_mults=counter.mults,
            counted_adds=counter.adds,
            counted_ops=counter.mults + counter.adds,
            counted_sigma=counter.tanhs,
            scalar_max_abs_diff=float((scalar - y_loop[0]).abs().max()),
        )
    else:
        out.update(counted_mults=None, counted_adds=None, counted_ops=None, counted_sigma=None)
    return out
