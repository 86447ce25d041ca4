"""Problem 2 figures: attention patterns, scaling with T, and what the speed costs (error, retrieval)."""

import numpy as np
from matplotlib.colors import ListedColormap

from hw4.plotting import legend_below, plt, save_pdf
from hw4.q2.methods import APPROXIMATIONS, COUNTED, METHODS

STYLE = {  # method key (hw4/q2/methods.py) -> (marker, linestyle, colour)
    "full": ("o", "-", "C0"),
    "sdpa": ("D", ":", "C4"),
    "window": ("s", "-", "C1"),
    "linear": ("^", "-", "C2"),
    "performer": ("v", "-", "C3"),
}


def plot_patterns(pat: dict, path) -> None:
    """The (query, key) pairs each method uses, from the masks/layouts the code uses (q2_verify.json)."""
    T, w = pat["T"], pat["w"]
    panels = [
        ("full", "full (also linear, Performer)"),
        ("causal", "causal"),
        ("window", f"sliding window, w={w}"),
        ("blocks", f"fixed blocks of {w}"),
    ]
    fig, axes = plt.subplots(1, 4, figsize=(6.4, 2.05))
    cmap = ListedColormap(["white", "#1f4e99"])
    for ax, (key, title) in zip(axes, panels, strict=True):
        ax.imshow(np.array(pat[key]), cmap=cmap, vmin=0, vmax=1, interpolation="nearest")
        ax.set_title(f"{title}\n{pat['pairs'][key]} of {T * T} pairs", fontsize=8)
        ax.set(xticks=[0, T - 1], yticks=[0, T - 1])
        ax.tick_params(labelsize=7)
        ax.grid(False)
        ax.set_xlabel("key j", fontsize=8)
    axes[0].set_ylabel("query i", fontsize=8)
    fig.tight_layout(w_pad=0.6)
    save_pdf(fig, path)


def plot_scaling(bench: dict, path) -> None:
    rows, slopes = bench["rows"], bench["slopes"]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(6.4, 4.0))  # room for the legends below the axes
    for meth in METHODS:
        name, label = meth.key, meth.label
        pts = [(r["T"], r["time_s"][name], r["peak_bytes"][name]) for r in rows if name in r["time_s"]]
        if not pts:
            continue
        Ts, ts, mem = zip(*pts, strict=True)
        marker, ls, colour = STYLE[name]
        slope = f" ({slopes[name]:.2f})" if slopes.get(name) is not None else ""
        ax1.loglog(Ts, np.array(ts) * 1e3, marker=marker, ls=ls, color=colour, ms=4, label=f"{label}{slope}")
        mslope = f" ({slopes[name + '_memory']:.2f})" if slopes.get(name + "_memory") is not None else ""
        ax2.loglog(Ts, np.array(mem) / 2**20, marker=marker, ls=ls, color=colour, ms=4, label=f"{label}{mslope}")
    for ax in (ax1, ax2):
        ax.set_xlabel("sequence length T")
        ax.set_xscale("log", base=2)
        legend_below(ax, title="fitted slope")
    ax1.set_ylabel("forward time, ms (best of repeats)")
    ax2.set_ylabel("peak memory, MiB (measured)")
    ax1.set_title("time", fontsize=9)
    ax2.set_title("peak memory", fontsize=9)
    fig.tight_layout()
    save_pdf(fig, path)


def plot_cost(bench: dict, retrieval: dict, path) -> None:
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(6.4, 3.8))  # room for the legends below the axes
    for meth in APPROXIMATIONS:
        name = meth.key
        pts = [(r["T"], r["rel_error"][name]) for r in bench["rows"] if name in r["rel_error"]]
        Ts, err = zip(*pts, strict=True)
        marker, ls, colour = STYLE[name]
        ax1.loglog(Ts, err, marker=marker, ls=ls, color=colour, ms=4, label=meth.label)
    ax1.set_xscale("log", base=2)
    ax1.set(xlabel="sequence length T", ylabel=r"$\|Y - Y_{full}\|_F \,/\, \|Y_{full}\|_F$")
    ax1.set_title("output error vs full attention (random inputs)", fontsize=8)
    legend_below(ax1)
    rows = retrieval["rows"]
    dist = [r["distance"] for r in rows]
    for meth in COUNTED:
        name = meth.key
        marker, ls, colour = STYLE[name]
        acc = [100 * r["accuracy"][name] for r in rows]
        wide = {"lw": 3.5, "alpha": 0.45, "ms": 6} if name == "full" else {"ms": 4}  # visible under the window's
        ax2.semilogx(dist, acc, marker=marker, ls=ls, color=colour, label=meth.label, **wide)
    ax2.axvline(retrieval["w"], color="grey", ls="--", lw=0.8)
    ax2.text(retrieval["w"] * 1.08, 50, f"w = {retrieval['w']}", fontsize=7, color="grey")
    ax2.axhline(100 * retrieval["chance"], color="grey", ls=":", lw=0.8)
    ax2.set(xlabel="distance to the needle (tokens)", ylabel="retrieval accuracy, %", ylim=(-3, 103))
    ax2.set_title(f"needle retrieval, T = {retrieval['T']}", fontsize=8)
    legend_below(ax2)
    fig.tight_layout()
    save_pdf(fig, path)
