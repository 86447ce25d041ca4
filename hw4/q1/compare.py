"""Problem 1 (c): the 2D RNN against a conv net of the same parameter budget, measured as n grows.

For each grid size n it measures: parameters, sequential depth (dependent steps), the receptive field of the
centre and the bottom-right output (read off the gradient, not assumed), and forward wall time of the RNN
in both evaluation orders and of the conv net, the three timed side by side (hw4.timing).
"""

import torch
from torch import nn

from hw4.fit import loglog_slope
from hw4.q1.derive import conv_layers_to_cover, conv_width_for_budget
from hw4.q1.rnn import GridRNN2d, sequential_steps
from hw4.timing import STATISTIC, best_times


class ConvNet(nn.Module):
    """`layers` stride-1 'same' convolutions with tanh, c -> width -> ... -> width, no biases."""

    def __init__(self, c: int, width: int, layers: int, kernel: int):
        super().__init__()
        chans = [c] + [width] * layers
        self.layers = nn.ModuleList(
            nn.Conv2d(a, b, kernel, padding=kernel // 2, bias=False) for a, b in zip(chans, chans[1:], strict=False)
        )

    def forward(self, x):  # x: (B, i, j, c), as for the RNN
        y = x.permute(0, 3, 1, 2)
        for conv in self.layers:
            y = torch.tanh(conv(y))
        return y.permute(0, 2, 3, 1)


def receptive_field(model, n: int, c: int, cell: tuple[int, int], **kw) -> int:
    """Number of input cells that influence output `cell`: non-zero gradient of that output."""
    x = torch.randn(1, n, n, c, dtype=torch.float64, requires_grad=True)
    y = model(x, **kw)
    y[0, cell[0], cell[1]].sum().backward()
    return int((x.grad[0].abs().sum(-1) > 0).sum())


def forward_times(rnn, conv, x, repeats: int) -> dict[str, float]:
    """Seconds of one forward pass of each model on ``x`` (see hw4.timing.STATISTIC), timed side by side."""
    with torch.no_grad():
        best = best_times(
            {
                "loop": lambda: rnn(x, order="loop"),
                "wavefront": lambda: rnn(x, order="wavefront"),
                "conv": lambda: conv(x),
            },
            repeats,
        )
    return {f"time_{key}_s": t for key, t in best.items()}


def compare(n_values, c, h, conv_layers, conv_kernel, batch, repeats, seed) -> dict:
    torch.manual_seed(seed)
    rnn = GridRNN2d(c, h)
    budget = sum(p.numel() for p in rnn.parameters())
    width = conv_width_for_budget(budget, c, conv_layers, conv_kernel)
    conv = ConvNet(c, width, conv_layers, conv_kernel)
    rnn64, conv64 = GridRNN2d(c, h).double(), ConvNet(c, width, conv_layers, conv_kernel).double()
    rows = []
    for n in n_values:
        x = torch.randn(batch, n, n, c)
        centre, corner = (n // 2, n // 2), (n - 1, n - 1)
        rows.append(
            {
                "n": n,
                "rf_rnn_centre": receptive_field(rnn64, n, c, centre),
                "rf_rnn_corner": receptive_field(rnn64, n, c, corner),
                "rf_conv_centre": receptive_field(conv64, n, c, centre),
                "rf_conv_corner": receptive_field(conv64, n, c, corner),
                "steps_loop": sequential_steps(n, "loop"),
                "steps_wavefront": sequential_steps(n, "wavefront"),
                "steps_conv": conv_layers,
                "conv_layers_to_cover": int(conv_layers_to_cover(n, conv_kernel)),
                **forward_times(rnn, conv, x, repeats),
            }
        )
    return {
        "slopes": {
            key: loglog_slope([r["n"] for r in rows], [r[f"time_{key}_s"] for r in rows])
            for key in ("loop", "wavefront", "conv")
        },
        "c": c,
        "h": h,
        "batch": batch,
        "repeats": repeats,
        "timing_statistic": STATISTIC,
        "conv_layers": conv_layers,
        "conv_kernel": conv_kernel,
        "conv_width": width,
        "params_rnn": budget,
        "params_conv": sum(p.numel() for p in conv.parameters()),
        "rows": rows,
    }
