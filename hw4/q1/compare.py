"""Problem 1 (c), the measurement (rule q1_compare, read by q1_claims): forward wall time of the 2D RNN in both
evaluation orders and of the conv net of the same parameter budget (hw4/q1/fields.py), the three timed side by
side (hw4.timing), as n grows.
"""

import torch

from hw4.fit import loglog_slope
from hw4.q1.fields import models
from hw4.timing import STATISTIC, best_times


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
    """The measurement: forward times of both RNN orders and the conv net at each n, and their log-log slopes."""
    rnn, conv, _ = models(c, h, conv_layers, conv_kernel, seed)
    rows = [{"n": n, **forward_times(rnn, conv, torch.randn(batch, n, n, c), repeats)} for n in n_values]
    return {
        "slopes": {
            key: loglog_slope([r["n"] for r in rows], [r[f"time_{key}_s"] for r in rows])
            for key in ("loop", "wavefront", "conv")
        },
        "conv_layers": conv_layers,
        "batch": batch,
        "repeats": repeats,
        "timing_statistic": STATISTIC,
        "rows": rows,
    }
