"""Problem 4's check step: results that disagree stop the build (naming the notebook's items to fix), the claims
follow the numbers, and the template only looks values up."""

import operator
import re
from functools import reduce

import numpy as np
import pytest

from hw4.q4.check import BALANCE_THRESHOLD, Q4CheckError, check, claims
from hw4.q4.data import CLASS_NAMES, NOTEBOOK_SPLIT, split_sizes

CM = [[3, 1, 0], [0, 2, 1], [0, 1, 2]]


def consistent_results() -> dict:
    """A small set of Problem 4 results that agree with each other (200 samples, a 10-review test split), in the
    shapes that hw4/q4/harvest.py and hw4/q4/run.py write."""
    n, split = 200, dict(NOTEBOOK_SPLIT)
    sizes = dict(zip(("train", "val", "test"), split_sizes(n, **split), strict=True))
    data = {
        "n_samples": n,
        "columns": ["reviewId", "content", "score", "sentiment"],
        "rows_in_file": n,
        "file_shape": [n, 3],
        "file": "reviews.csv",
        "source": "sample",
        "sha256": "ab" * 32,
        "removed": [],
        "seed": 0,
        "class_names": CLASS_NAMES,
        "score_counts": {"1": 30, "2": 20, "3": 50, "4": 40, "5": 60},
        "class_counts": {"negative": 50, "neutral": 50, "positive": 100},
        "most_common_score": 5,
        "empty_texts": 0,
        "balance_min_over_max": 0.5,
        "split": split,
        "split_sizes": sizes,
        "shapes": {k: [v, 4] for k, v in sizes.items()},
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
    }
    history = [
        {"epoch": e, "train_acc": ta, "train_loss": tl, "val_acc": va, "val_loss": vl}
        for e, ta, tl, va, vl in ((1, 0.6, 0.9, 0.5, 1.0), (2, 0.8, 0.6, 0.8, 0.7), (3, 0.9, 0.4, 0.8, 0.75))
    ]
    train = {
        "history": history,
        "epochs": 3,
        "resumed_after_epoch": 0,
        "best_val_acc": 0.8,
        "best_epoch": 2,  # the first of the two epochs at 0.8: item 10's loop replaces the best model only on >
        "n_train": sizes["train"],
        "n_val": sizes["val"],
        "max_len": 64,
        "batch_size": 16,
        "lr": 1e-4,
        "bucketed": True,
        "padding": "bucketed",
        "precision": "fp32",
        "device": "cpu",
        "optimizer": "torch.optim.AdamW",
        "weight_decay": 0.0,
    }
    ev = {
        "class_names": CLASS_NAMES,
        "n_test": sizes["test"],
        "confusion": [list(row) for row in CM],
        "test_acc": 7 / 10,
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
    out, h = run_check(consistent_results()), consistent_results()["train"]["history"]
    assert out["train"] == {"best_epoch": 2, "best_val_acc": 0.8, "n_epochs": 3, "first": h[0], "last": h[2]}
    assert not out["recipe"]["all_same"] and not out["run"]["trained_on_gpu"]
    assert out["tokens"]["n_sample_tokens"] == 2 and out["tokens"]["n_padding"] == 2
    assert out["data"] == {
        "score_counts": [{"score": s, "count": n} for s, n in zip("12345", (30, 20, 50, 40, 60), strict=True)],
        "balanced": False,
        "balance_threshold": BALANCE_THRESHOLD,
        "equal_share": pytest.approx(200 / 3),  # 200 samples, three classes
    }
    # the metrics, from the confusion matrix: negative precision 1, recall 3/4; macro F1 the mean of the three
    neg = out["eval"]["per_class"][0]
    assert (neg["precision"], neg["recall"], neg["support"]) == (1.0, 0.75, 4)
    assert out["eval"]["macro_f1"] == pytest.approx(np.mean([m["f1"] for m in out["eval"]["per_class"]]))
    r = consistent_results()
    r["data"]["score_counts"] = dict(reversed(list(r["data"]["score_counts"].items())))  # "5" first
    assert [s["score"] for s in run_check(r)["data"]["score_counts"]] == list("12345")
    # the hardest class: neutral (F1 4/7), 1 of its 3 reviews missed, 2 false alarms, on a 10-review test set
    h = out["hardest"]
    assert not h["tied"] and h["errors"] == 1 and h["errors_to"] == [{"class": "positive", "count": 1}]
    assert h["class"] == "neutral" and h["f1"] == pytest.approx(4 / 7)
    assert h["false_alarms"] == 2 and h["small_test_set_note"]
    assert all(a["agrees"] for a in out["agreement"].values())


def _off(path):
    """An edit that moves one value by one."""

    def edit(r):
        reduce(operator.getitem, path[:-1], r)[path[-1]] += 1

    return edit


DATA = "items 1-3, 6 of notebooks/hw4_q4.py"
TOKENS = "items 4, 5, 7 of notebooks/hw4_q4.py"
TRAIN = "items 8-10 of notebooks/hw4_q4.py"
EVAL = "items 12, 13 of notebooks/hw4_q4.py"

WRONG = {
    # counts that do not add up
    "a class count off by one": (_off(("data", "class_counts", "neutral")), DATA, "class counts"),
    "a score count off by one": (_off(("data", "score_counts", "3")), DATA, "score counts"),
    "split sizes that do not sum to the samples": (_off(("data", "split_sizes", "test")), DATA, "split sizes"),
    "a frame shape off its split size": (_off(("data", "shapes", "val", 0)), DATA, "val frame"),
    "rows removed that leave other than the samples": (
        lambda r: r["data"]["removed"].append({"option": "empty_text", "rows": 2, "why": "no text"}),
        DATA,
        "removed",
    ),
    "the most common score not the counts' mode": (
        lambda r: r["data"].update(most_common_score=3),
        DATA,
        "most common score",
    ),
    # steps that disagree on shared sizes
    "a token without its id": (lambda r: r["tokens"]["tokens"]["ids"].pop(), TOKENS, "ids"),
    "an encoding not of the encode length": (_off(("tokens", "encode_len")), TOKENS, "encode length"),
    "training on other than the split": (_off(("train", "n_train")), TRAIN, "trained on"),
    "a history shorter than the epochs": (_off(("train", "epochs")), TRAIN, "epochs"),
    # the best epoch must be the first with the highest validation accuracy
    "the later of two tied epochs kept": (_off(("train", "best_epoch")), TRAIN, "kept model"),
    "an epoch that is not the best kept": (lambda r: r["train"].update(best_epoch=1), TRAIN, "kept model"),
    "a best accuracy not the history's": (lambda r: r["train"].update(best_val_acc=0.81), TRAIN, "best_val_acc"),
    # the confusion matrix against the test set and the metrics
    "a confusion matrix total off the test size": (_off(("eval", "confusion", 0, 0)), EVAL, "confusion matrix holds"),
    "a test size off the split": (_off(("eval", "n_test")), EVAL, "the split has"),
    "a test accuracy off the matrix": (lambda r: r["eval"].update(test_acc=0.8), EVAL, "test accuracy"),
    "class names other than the data's": (
        lambda r: r["eval"].update(class_names=["neg", "neu", "pos"]),
        EVAL,
        "evaluated classes",
    ),
    "a raw prediction that is not the most probable class": (
        lambda r: r["eval"]["raw"].update(prediction="neutral"),
        EVAL,
        "most probable",
    ),
    "a count of differing items off the table": (_off(("recipe", "n_different")), "hw4/q4/recipe.py", "differ"),
}


@pytest.mark.parametrize("what", WRONG)
def test_a_wrong_value_stops_the_build_naming_what_to_fix(what):
    edit, where, words = WRONG[what]
    r = consistent_results()
    edit(r)
    with pytest.raises(Q4CheckError, match=re.escape(f"(fix {where})")) as err:
        run_check(r)
    # the line that names the disagreement is the one that names where to fix it
    assert any(words in line and f"(fix {where})" in line for line in str(err.value).splitlines()), str(err.value)


def test_a_probability_sum_off_by_more_than_the_tolerance_is_recorded():
    r = consistent_results()
    r["eval"]["raw"]["probabilities"]["neutral"] += 1e-3
    agreement = run_check(r)["agreement"]["raw_probabilities_sum"]
    assert not agreement["agrees"] and agreement["largest"] == pytest.approx(1e-3)


def test_claims_flip_with_the_numbers():
    r = consistent_results()
    r["recipe"].update(n_different=2, rows=[{"item": "a", "same": False}, {"item": "b", "same": False}])
    r["train"].update(device="cuda:0")
    r["data"].update(empty_texts=1, removed=[{"option": "empty_text", "rows": 1, "why": "no text"}])
    c = claims(r["data"], r["tokens"], r["train"], r["eval"], r["recipe"])
    assert not c["recipe"]["all_same"] and c["run"]["trained_on_gpu"]
    # a perfect matrix: no errors, no false alarms, nothing to list; a class absent from the test set: no note
    # one epoch: it is the first, the last and the best
    r["train"].update(epochs=1, history=r["train"]["history"][:1], best_epoch=1, best_val_acc=0.5)
    t = claims(r["data"], r["tokens"], r["train"], r["eval"], r["recipe"])["train"]
    assert t["n_epochs"] == 1 and t["first"] == t["last"]
    assert (t["best_epoch"], t["best_val_acc"]) == (1, 0.5)
    # the best epoch last: the history rising to the end
    r["train"]["history"] = [{**h, "val_acc": 0.1 * h["epoch"]} for h in consistent_results()["train"]["history"]]
    t = claims(r["data"], r["tokens"], r["train"], r["eval"], r["recipe"])["train"]
    assert t["n_epochs"] == 3 and t["best_epoch"] == 3 and t["last"]["epoch"] == 3
    r["eval"]["confusion"] = np.diag([3, 3, 4]).tolist()
    h = claims(r["data"], r["tokens"], r["train"], r["eval"], r["recipe"])["hardest"]
    assert h["perfect"] and not h["has_errors"] and not h["has_false_alarms"] and h["errors_to"] == []
    r["eval"]["confusion"] = [[1, 1, 0], [0, 0, 0], [0, 0, 1]]  # no neutral review in the test set
    h = claims(r["data"], r["tokens"], r["train"], r["eval"], r["recipe"])["hardest"]
    assert h["no_test_reviews"] and not h["small_test_set_note"] and h["false_alarms"] == 1


def test_balance_verdict_follows_the_ratio_and_its_threshold():
    r = consistent_results()
    r["data"].update(balance_min_over_max=BALANCE_THRESHOLD)
    assert run_check(r)["data"]["balanced"] is True
    r["data"].update(balance_min_over_max=BALANCE_THRESHOLD - 0.01)
    assert run_check(r)["data"]["balanced"] is False
