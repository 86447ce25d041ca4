"""Problem 3 figures: the estimators' bias and variance against k, and time per gradient against d."""

from hw4.plotting import LEGEND_BELOW_RECT, legend_below_figure, plt, save_pdf

ESTIMATORS = (
    ("uniform", "uniform (exact $Z$)", "o"),
    ("importance", "importance, self-normalised", "s"),
    ("negative", "negative sampling", "^"),
)


def plot_estimators(result: dict, path) -> None:
    rows = result["rows"]
    ks = [r["k"] for r in rows]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(6.4, 3.3))  # room for the legend below the axes
    for key, label, marker in ESTIMATORS:
        (line,) = ax1.loglog(ks, [r[f"{key}_bias"] for r in rows], marker=marker, label=label)
        ax2.loglog(ks, [r[f"{key}_var"] for r in rows], marker=marker, label=label)
    ax1.loglog(ks, [r["uniform_noise_floor"] for r in rows], ":", color="C0", label="uniform: noise of the mean")
    ax1.loglog(ks, [r["importance_noise_floor"] for r in rows], ":", color="C1", label="importance: noise of the mean")
    ax1.set(xlabel="samples k", ylabel=r"$\|E[\hat g] - g\| \,/\, \|g\|$")
    ax1.set_title(f"bias (mean of {result['replicates']} draws)")
    legend_below_figure(fig, ax1, ncol=3)
    ax2.set(xlabel="samples k", ylabel=r"$E\|\hat g - E[\hat g]\|^2 \,/\, \|g\|^2$", title="variance")
    fig.tight_layout(rect=LEGEND_BELOW_RECT)
    save_pdf(fig, path)


def full_label(result: dict, regimes: dict) -> str:
    """The full gradient's legend entry: one slope for one power law; across a jump (q3_claims' full_regimes) the
    slope above it, or none, as the text reads it."""
    if not regimes["jump"]:
        return f"full softmax gradient (slope {result['slope_full']:.2f})"
    if regimes["fitted_above"]:
        return f"full softmax gradient (slope {regimes['slope_above']:.2f} above d = {regimes['steepest']['d_to']:,})"
    return "full softmax gradient (a jump: no single slope)"


def plot_timing(result: dict, regimes: dict, path) -> None:
    rows = result["rows"]
    ds = [r["d"] for r in rows]
    fig, ax = plt.subplots(figsize=(6.4, 2.8))
    ax.loglog(ds, [r["time_full_s"] * 1e3 for r in rows], "o-", label=full_label(result, regimes))
    ax.loglog(
        ds,
        [r["time_sampled_s"] * 1e3 for r in rows],
        "s-",
        label=f"sampled, k = {result['k']} (slope {result['slope_sampled']:.2f})",
    )
    ax.set(xlabel="vocabulary size d", ylabel="time per gradient, ms")
    ax.set_title(f"h = {result['h']}, {result['dtype']}, {result['machine']['torch_threads']} torch thread(s)")
    ax.legend()
    fig.tight_layout()
    save_pdf(fig, path)
