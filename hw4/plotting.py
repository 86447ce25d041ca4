"""Matplotlib settings shared by every figure: vector PDF, no timestamps, so figures are reproducible."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from hw4.io import atomic_path  # noqa: E402

plt.rcParams.update({"figure.figsize": (6.4, 3.0), "font.size": 9, "axes.grid": True, "grid.alpha": 0.3})
plt.rcParams.update({"pdf.fonttype": 42, "svg.hashsalt": "hw4"})  # fonts embedded as TrueType; fixed SVG ids


def save_pdf(fig, path) -> None:
    """Save without creation dates (byte-stable) and atomically."""
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="pdf", bbox_inches="tight", metadata={"CreationDate": None, "Producer": None})
    plt.close(fig)


def legend_below_figure(fig, ax, ncol: int = 3, **kwargs):
    """One legend for all panels, under the figure: call before fig.tight_layout(rect=LEGEND_BELOW_RECT)."""
    handles, labels = ax.get_legend_handles_labels()
    return fig.legend(handles, labels, loc="lower center", ncol=ncol, frameon=False, **kwargs)


# the axes' share of a figure whose legend sits under it (legend_below_figure): the bottom strip is the legend's
LEGEND_BELOW_RECT = (0, 0.13, 1, 1)


def legend_below(ax, ncol: int = 1, **kwargs):
    """The axes' legend under its x label, outside the data, so that it never hides a point."""
    return ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=ncol, frameon=False, **kwargs)
