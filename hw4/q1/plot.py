"""Problem 1 (c) figure: wall time (build/results/q1_compare.json) and receptive field (q1_fields.json) against n."""

from hw4.plotting import legend_below, plt, save_pdf


def plot(fields: dict, result: dict, path) -> None:
    rows = result["rows"]
    ns = [r["n"] for r in rows]
    slopes = result["slopes"]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(6.4, 3.9))  # room for the legends below the axes
    for key, label, marker in (
        ("loop", "2D RNN, double loop", "o"),
        ("wavefront", "2D RNN, wavefront", "s"),
        ("conv", f"conv net, {result['conv_layers']} layers", "^"),
    ):
        ax1.loglog(
            ns, [r[f"time_{key}_s"] * 1e3 for r in rows], marker=marker, label=f"{label} (slope {slopes[key]:.2f})"
        )
    ax1.set(xlabel="grid side n", ylabel=f"forward time, ms (batch {result['batch']})")
    legend_below(ax1)
    ax1.set_title("wall time")
    rf = fields["rows"]
    ns = [r["n"] for r in rf]
    ax2.loglog(ns, [r["rf_rnn_corner"] for r in rf], "o-", label="2D RNN, bottom-right cell")
    ax2.loglog(ns, [r["rf_rnn_centre"] for r in rf], "o--", label="2D RNN, centre cell")
    ax2.loglog(ns, [r["rf_conv_centre"] for r in rf], "^-", label="conv net, centre cell")
    # drawn last and thick: it coincides with the bottom-right cell's curve, which sees the whole grid
    ax2.loglog(ns, [n * n for n in ns], ":", color="black", linewidth=2.5, label="whole grid, $n^2$")
    ax2.set(xlabel="grid side n", ylabel="input cells that reach the output")
    legend_below(ax2)
    ax2.set_title("receptive field (from gradients)")
    fig.tight_layout()
    save_pdf(fig, path)
