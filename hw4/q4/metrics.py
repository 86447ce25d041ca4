"""Problem 4, item 4.12: per-class precision, recall and F1 of a confusion matrix, and which class is hardest.

Plain numpy, no torch: the harvest computes these from the notebook's confusion matrix, and the check step
recomputes them from the stored matrix with the same functions.
"""

import numpy as np

from hw4.q4.data import CLASS_NAMES


def per_class_metrics(cm: np.ndarray, names=CLASS_NAMES) -> list[dict]:
    rows = []
    for k, name in enumerate(names):
        tp = int(cm[k, k])
        predicted, actual = int(cm[:, k].sum()), int(cm[k, :].sum())
        p = tp / predicted if predicted else 0.0
        r = tp / actual if actual else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        rows.append({"class": name, "precision": p, "recall": r, "f1": f1, "support": actual})
    return rows


# Below this many test reviews the answer says how far one review moves the hardest class's score.
SMALL_TEST_SET = 300


def hardest_class(cm: np.ndarray, names=CLASS_NAMES, metrics: list[dict] | None = None) -> dict:
    """The class with the lowest F1 (ties: lower recall), and the counts that show why: its own reviews predicted as other classes (recall), and the reviews of other
    classes predicted as it (precision). The class with the lowest recall is named too, when it is another one."""
    metrics = metrics if metrics is not None else per_class_metrics(cm, names)  # the notebook passes its own
    n = len(names)
    k = min(range(n), key=lambda i: (metrics[i]["f1"], metrics[i]["recall"], i))
    low_recall = min(range(n), key=lambda i: (metrics[i]["recall"], metrics[i]["f1"], i))
    p, r = metrics[k]["precision"], metrics[k]["recall"]
    support, predicted = int(cm[k].sum()), int(cm[:, k].sum())
    misses = {names[j]: int(cm[k, j]) for j in range(n) if j != k}
    false_alarms = {names[i]: int(cm[i, k]) for i in range(n) if i != k}
    return {
        "class": names[k],
        "f1": metrics[k]["f1"],
        "precision": p,
        "recall": r,
        "support": support,
        "predicted": predicted,
        "errors": support - int(cm[k, k]),
        "errors_to": misses,
        "false_alarms": predicted - int(cm[k, k]),
        "false_alarms_from": false_alarms,
        "perfect": bool(np.trace(cm) == cm.sum()),
        "no_test_reviews": support == 0,
        # classes whose F1 equals the lowest: the index tie-break above names one of them, the text names all
        "tied_with": [names[i] for i in range(n) if i != k and np.isclose(metrics[i]["f1"], metrics[k]["f1"])],
        # the notebook expects neutral to be the hardest
        "is_neutral": names[k] == "neutral"
        or any(names[i] == "neutral" and np.isclose(metrics[i]["f1"], metrics[k]["f1"]) for i in range(n)),
        "lowest_recall_class": names[low_recall],
        "lowest_recall": metrics[low_recall]["recall"],
        "lowest_recall_errors": int(cm[low_recall].sum() - cm[low_recall, low_recall]),
        "lowest_recall_support": int(cm[low_recall].sum()),
        "lowest_recall_is_other": low_recall != k,
        # how far one test review moves the score that makes the F1 low (precision: of the reviews predicted as it)
        "one_review_moves": "precision" if p < r else "recall",
        "one_review_step": 1 / (predicted if p < r else support) if (predicted if p < r else support) else 0.0,
        "small_test_set": int(cm.sum()) < SMALL_TEST_SET,
        "small_test_set_below": SMALL_TEST_SET,
    }
