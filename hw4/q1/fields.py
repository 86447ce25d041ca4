"""Problem 1 (c), the exact side of the comparison (rule q1_fields, checked by q1_check): the 2D RNN and a conv net
of the same parameter budget, their parameters, sequential depth (dependent steps) and the receptive field of the
centre and the bottom-right output, read off the gradient, not assumed. Nothing here is timed (hw4/q1/compare.py
times the same models), so a new timing never reruns the check.
"""

import torch
from torch import nn

from hw4.q1.derive import conv_layers_to_cover, conv_width_for_budget
from hw4.q1.rnn import GridRNN2d, sequential_steps


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


def models(c: int, h: int, conv_layers: int, conv_kernel: int, seed: int):
    """(the RNN, the conv net of the RNN's parameter budget, its width), initialised from ``seed``."""
    torch.manual_seed(seed)
    rnn = GridRNN2d(c, h)
    width = conv_width_for_budget(sum(p.numel() for p in rnn.parameters()), c, conv_layers, conv_kernel)
    return rnn, ConvNet(c, width, conv_layers, conv_kernel), width


def fields(n_values, c, h, conv_layers, conv_kernel, seed) -> dict:
    """The comparison's exact side: parameters, dependent steps and receptive fields (float64 gradients)."""
    rnn, conv, width = models(c, h, conv_layers, conv_kernel, seed)
    rnn.double(), conv.double()  # in place: the gradients in float64
    rows = []
    for n in n_values:
        centre, corner = (n // 2, n // 2), (n - 1, n - 1)
        rows.append(
            {
                "n": n,
                "rf_rnn_centre": receptive_field(rnn, n, c, centre),
                "rf_rnn_corner": receptive_field(rnn, n, c, corner),
                "rf_conv_centre": receptive_field(conv, n, c, centre),
                "rf_conv_corner": receptive_field(conv, n, c, corner),
                "steps_loop": sequential_steps(n, "loop"),
                "steps_wavefront": sequential_steps(n, "wavefront"),
                "steps_conv": conv_layers,
                "conv_layers_to_cover": int(conv_layers_to_cover(n, conv_kernel)),
            }
        )
    return {
        "c": c,
        "h": h,
        "conv_layers": conv_layers,
        "conv_kernel": conv_kernel,
        "conv_width": width,
        "params_rnn": sum(p.numel() for p in rnn.parameters()),
        "params_conv": sum(p.numel() for p in conv.parameters()),
        "rows": rows,
    }
