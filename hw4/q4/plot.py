"""Problem 4 figures (items 4.2, 4.3, 4.11, 4.12), each drawn from a results file by its own rule."""

import numpy as np

from hw4.plotting import plt, save_pdf


# region: plot_scores
def draw_scores(data: dict):
    """Item 4.2: how many reviews have each score."""
    # region: plot_scores_cell
    counts = [data["score_counts"][str(s)] for s in range(1, 6)]
    fig, ax = plt.subplots(figsize=(4.2, 2.6))
    ax.bar(range(1, 6), counts, color="tab:blue")
    # endregion
    ax.set_xlabel("review score")
    ax.set_ylabel("reviews")
    ax.set_title(f"{data['n_samples']} reviews, most common score {data['most_common_score']}")
    fig.tight_layout()
    return fig


# endregion


# region: plot_classes
def draw_classes(data: dict):
    """Item 4.3: reviews per sentiment class after the mapping."""
    names = data["class_names"]
    counts = [data["class_counts"][c] for c in names]
    fig, ax = plt.subplots(figsize=(4.2, 2.8))
    ax.bar(names, counts, color=["tab:red", "tab:gray", "tab:green"])
    ax.axhline(np.mean(counts), color="k", ls=":", lw=1, label="equal share")
    ax.set_ylabel("reviews")
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.12), frameon=False)  # below, off the bars
    fig.tight_layout()
    return fig


# endregion


# region: plot_history
def draw_history(train: dict):
    """Item 4.11: train and validation accuracy against the epoch."""
    # region: plot_history_cell
    h = train["history"]
    epochs = [r["epoch"] for r in h]
    fig, ax = plt.subplots(figsize=(4.6, 3.1))
    ax.plot(epochs, [r["train_acc"] for r in h], "o-", label="train")
    ax.plot(epochs, [r["val_acc"] for r in h], "s-", label="validation")
    # endregion
    ax.axvline(train["best_epoch"], color="grey", ls=":", lw=1, label=f"best (epoch {train['best_epoch']})")
    ax.set_xlabel("epoch")
    ax.set_ylabel("accuracy")
    ax.set_xticks(epochs)
    ax.set_ylim(0, 1)
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=3, frameon=False)  # below the curves
    fig.tight_layout()
    return fig


# endregion


# region: plot_confusion
def draw_confusion(ev: dict):
    """Item 4.12: the 3x3 confusion matrix on the test set (rows: true class, columns: predicted)."""
    cm = np.array(ev["confusion"])
    names = ev["class_names"]
    fig, ax = plt.subplots(figsize=(3.6, 3.0))
    ax.imshow(cm, cmap="Blues", vmin=0)
    ax.grid(False)
    for i in range(cm.shape[0]):
        for j in range(cm.shape[1]):
            ax.text(
                j, i, str(cm[i, j]), ha="center", va="center", color="white" if cm[i, j] > cm.max() / 2 else "black"
            )
    ax.set_xticks(range(len(names)), names)
    ax.set_yticks(range(len(names)), names)
    ax.set_xlabel("predicted sentiment")
    ax.set_ylabel("true sentiment")
    fig.tight_layout()
    return fig


# endregion

DRAW = {"scores": draw_scores, "classes": draw_classes, "history": draw_history, "confusion": draw_confusion}


def plot(figure: str, result: dict, path) -> None:
    """Draw one of the figures from its results and save it (the rule q4_plot)."""
    save_pdf(DRAW[figure](result), path)
