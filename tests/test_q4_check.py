"""Problem 4's check step: results that disagree stop the build (naming the module to fix), the claims follow the
numbers, and the template only looks values up."""

import re

import numpy as np
import pytest

from hw4.q4.check import Q4CheckError, check, claims
from hw4.q4.data import CLASS_NAMES, split_sizes
from hw4.q4.evaluate import confusion_matrix, hardest_class, per_class_metrics

CM = [[3, 1, 0], [0, 2, 1], [0, 1, 2]]


def consistent_results() -> dict:
    """A small set of Problem 4 results that agree with each other (200 samples, a 10-review test split)."""
    n, split = 200, {"holdout": 0.1, "test_share": 0.5}
    sizes = dict(zip(("train", "val", "test"), split_sizes(n, **split), strict=True))
    data = {
        "n_samples": n,
        "rows_in_file": n,
        "removed": [],
        "class_names": CLASS_NAMES,
        "score_counts": {"1": 30, "2": 20, "3": 50, "4": 40, "5": 60},
        "class_counts": {"negative": 50, "neutral": 50, "positive": 100},
        "most_common_score": 5,
        "empty_texts": 0,
        "balance_min_over_max": 0.5,
        "balance_threshold": 0.8,
        "split": split,
        "split_sizes": sizes,
        "shapes": {k: [v, 12] for k, v in sizes.items()},
    }
    tokens = {
        "model": {"hidden_size": 8},
        "tokens": {"tokens": ["good", "app"], "ids": [11, 12]},
        "encode_len": 6,
        "encoding": {
            "input_ids": [1, 11, 12, 2, 0, 0],
            "attention_mask": [1, 1, 1, 1, 0, 0],
            "inverted": ["[CLS]", "good", "app", "[SEP]", "[PAD]", "[PAD]"],
        },
        "hidden": {"last_hidden_state": [1, 6, 8], "pooler_output": [1, 8], "hidden_size": 8},
        "review_tokens": {"n": n},
    }
    history = [{"epoch": e, "val_acc": a} for e, a in ((1, 0.5), (2, 0.8), (3, 0.8))]
    train = {
        "n_train": sizes["train"],
        "n_val": sizes["val"],
        "epochs": 3,
        "history": history,
        "best_epoch": 2,  # the first of the two epochs at 0.8: fit() replaces the best model only on >
        "best_val_acc": 0.8,
        "truncated_train": 1,
        "device": "cpu",
    }
    cm = confusion_matrix(
        [i for i, row in enumerate(CM) for j, c in enumerate(row) for _ in range(c)],
        [j for row in CM for j, c in enumerate(row) for _ in range(c)],
    )
    metrics = per_class_metrics(cm)
    ev = {
        "class_names": CLASS_NAMES,
        "n_test": sizes["test"],
        "confusion": cm.tolist(),
        "test_acc": 7 / 10,
        "per_class": metrics,
        "macro_f1": float(np.mean([m["f1"] for m in metrics])),
        "hardest": hardest_class(cm),
        "raw": {"prediction": "positive", "probabilities": {"negative": 0.1, "neutral": 0.2, "positive": 0.7}},
    }
    recipe = {
        "rows": [{"item": "Model", "same": False}, {"item": "Epochs", "same": True}],
        "n_items": 2,
        "n_different": 1,
        "all_same": False,
    }
    return {"data": data, "tokens": tokens, "train": train, "eval": ev, "recipe": recipe}


def run_check(r: dict) -> dict:
    return check(r["data"], r["tokens"], r["train"], r["eval"], r["recipe"])


def test_consistent_results_pass_with_their_claims():
    out = run_check(consistent_results())
    assert out["train"] == {"best_epoch": 2, "best_val_acc": 0.8, "truncated_singular": True}
    assert out["recipe"]["one_different"] and not out["run"]["trained_on_gpu"]
    assert out["tokens"]["n_sample_tokens"] == 2 and out["eval"]["n_misclassified"] == 3
    assert out["data"] == {
        "score_counts": [{"score": s, "count": n} for s, n in zip("12345", (30, 20, 50, 40, 60), strict=True)],
        "rows_removed": 0,
        "cleaning_removed_rows": False,
        "balanced": False,
        "removed": [],
        "has_empty_texts": False,
        "empty_texts_singular": False,
    }
    r = consistent_results()
    r["data"]["score_counts"] = dict(reversed(list(r["data"]["score_counts"].items())))  # "5" first
    assert [s["score"] for s in run_check(r)["data"]["score_counts"]] == list("12345")
    # the hardest class: neutral (F1 4/7), 1 of its 3 reviews missed, 2 false alarms, on a 10-review test set
    h = out["hardest"]
    assert not h["tied"] and h["errors_singular"] and h["errors_to"] == [{"class": "positive", "count": 1}]
    assert not h["false_alarms_singular"] and len(h["false_alarms_from"]) == 2 and h["small_test_set_note"]
    assert all(a["agrees"] for a in out["agreement"].values())


def _off(path):
    """An edit that moves one value by one."""

    def edit(r):
        *keys, last = path
        node = r
        for k in keys:
            node = node[k]
        node[last] += 1

    return edit


WRONG = {
    # counts that do not add up
    "a class count off by one": (_off(("data", "class_counts", "neutral")), "hw4/q4/data.py", "class counts"),
    "a score count off by one": (_off(("data", "score_counts", "3")), "hw4/q4/data.py", "score counts"),
    "split sizes that do not sum to the samples": (
        _off(("data", "split_sizes", "test")),
        "hw4/q4/data.py",
        "split sizes",
    ),
    "a frame shape off its split size": (_off(("data", "shapes", "val", 0)), "hw4/q4/data.py", "val frame"),
    "rows removed that leave other than the samples": (
        lambda r: r["data"]["removed"].append({"option": "empty_text", "rows": 2, "why": "no text"}),
        "hw4/q4/data.py",
        "removed",
    ),
    "the most common score not the counts' mode": (
        lambda r: r["data"].update(most_common_score=3),
        "hw4/q4/data.py",
        "most common score",
    ),
    # steps that disagree on shared sizes
    "a token without its id": (lambda r: r["tokens"]["tokens"]["ids"].pop(), "hw4/q4/tokens.py", "ids"),
    "an encoding not of the encode length": (_off(("tokens", "encode_len")), "hw4/q4/tokens.py", "encode length"),
    "review lengths over other reviews": (_off(("tokens", "review_tokens", "n")), "hw4/q4/tokens.py", "review"),
    "training on other than the split": (_off(("train", "n_train")), "hw4/q4/train.py", "trained on"),
    "a history shorter than the epochs": (_off(("train", "epochs")), "hw4/q4/train.py", "epochs"),
    # the best epoch must be the first with the highest validation accuracy
    "the later of two tied epochs kept": (_off(("train", "best_epoch")), "hw4/q4/train.py", "kept model"),
    "an epoch that is not the best kept": (
        lambda r: r["train"].update(best_epoch=1),
        "hw4/q4/train.py",
        "kept model",
    ),
    "a best accuracy not the history's": (
        lambda r: r["train"].update(best_val_acc=0.81),
        "hw4/q4/train.py",
        "best_val_acc",
    ),
    # the confusion matrix against the test set and the metrics
    "a confusion matrix total off the test size": (
        _off(("eval", "confusion", 0, 0)),
        "hw4/q4/evaluate.py",
        "confusion matrix holds",
    ),
    "a test size off the split": (_off(("eval", "n_test")), "hw4/q4/evaluate.py", "the split has"),
    "a test accuracy off the matrix": (
        lambda r: r["eval"].update(test_acc=0.8),
        "hw4/q4/evaluate.py",
        "test accuracy",
    ),
    "a per-class recall off the matrix": (
        lambda r: r["eval"]["per_class"][0].update(recall=0.5),
        "hw4/q4/evaluate.py",
        "per-class",
    ),
    "a hardest class that is not the lowest F1": (
        lambda r: r["eval"].update(hardest=hardest_class(np.diag([1, 2, 3]) + 1)),
        "hw4/q4/evaluate.py",
        "hardest",
    ),
    "a raw prediction that is not the most probable class": (
        lambda r: r["eval"]["raw"].update(prediction="neutral"),
        "hw4/q4/evaluate.py",
        "most probable",
    ),
    "a count of differing items off the table": (_off(("recipe", "n_different")), "hw4/q4/recipe.py", "differ"),
}


@pytest.mark.parametrize("what", WRONG)
def test_a_wrong_value_stops_the_build_naming_the_module(what):
    edit, module, words = WRONG[what]
    r = consistent_results()
    edit(r)
    with pytest.raises(Q4CheckError, match=re.escape(module)) as err:
        run_check(r)
    assert words in str(err.value)


def test_a_probability_sum_off_by_more_than_the_tolerance_is_recorded():
    r = consistent_results()
    r["eval"]["raw"]["probabilities"]["neutral"] += 1e-3
    agreement = run_check(r)["agreement"]["raw_probabilities_sum"]
    assert not agreement["agrees"] and agreement["largest"] == pytest.approx(1e-3)


def test_claims_flip_with_the_numbers():
    r = consistent_results()
    r["recipe"].update(n_different=2, rows=[{"item": "a", "same": False}, {"item": "b", "same": False}])
    r["train"].update(device="cuda:0", truncated_train=0)
    r["data"].update(empty_texts=1, removed=[{"option": "empty_text", "rows": 1, "why": "no text"}])
    c = claims(r["data"], r["tokens"], r["train"], r["eval"], r["recipe"])
    assert not c["recipe"]["one_different"] and c["run"]["trained_on_gpu"] and not c["train"]["truncated_singular"]
    assert c["data"]["cleaning_removed_rows"] and c["data"]["rows_removed"] == 1
    assert not c["data"]["removed"][0]["plural"] and c["data"]["empty_texts_singular"]
    # a perfect matrix: no errors, no false alarms, nothing to list; a class absent from the test set: no note
    r["eval"]["hardest"] = hardest_class(np.diag([3, 3, 4]))
    h = claims(r["data"], r["tokens"], r["train"], r["eval"], r["recipe"])["hardest"]
    assert not h["has_errors"] and not h["has_false_alarms"] and h["errors_to"] == [] and not h["errors_singular"]
    r["eval"]["hardest"] = hardest_class(np.array([[1, 1, 0], [0, 0, 0], [0, 0, 1]]))
    h = claims(r["data"], r["tokens"], r["train"], r["eval"], r["recipe"])["hardest"]
    assert not h["small_test_set_note"] and h["false_alarms_from"] == [{"class": "negative", "count": 1}]


def test_balance_verdict_follows_the_ratio_and_its_threshold():
    r = consistent_results()
    r["data"].update(balance_min_over_max=0.81, balance_threshold=0.8)
    assert run_check(r)["data"]["balanced"] is True
    r["data"].update(balance_min_over_max=0.79)
    assert run_check(r)["data"]["balanced"] is False
