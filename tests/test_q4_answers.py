"""Problem 4's one-line answers: every number from the results, every choice of words from the claims, both
polarities of each choice, and data text escaped for markdown."""

import numpy as np
import pytest

from hw4.q4.answers import answers, md
from hw4.q4.check import claims

NAMES = ["negative", "neutral", "positive"]


def make_results(cm, history, class_counts=(30, 30, 30), prediction="positive"):
    cm = np.array(cm)
    n = sum(class_counts)
    data = {
        "n_samples": n,
        "score_counts": {"1": class_counts[0], "2": 0, "3": class_counts[1], "4": 0, "5": class_counts[2]},
        "most_common_score": 1,
        "class_names": NAMES,
        "class_counts": dict(zip(NAMES, class_counts, strict=True)),
        "balance_min_over_max": min(class_counts) / max(class_counts),
        "shapes": {"train": [n - 10, 12], "val": [5, 12], "test": [5, 12]},
    }
    tokens = {
        "tokens": {"tokens": ["every", "day", "."], "ids": [1, 2, 3]},
        "encode_len": 8,
        "encoding": {
            "input_ids": [101, 1, 2, 3, 102, 0, 0, 0],
            "attention_mask": [1, 1, 1, 1, 1, 0, 0, 0],
            "inverted": ["[CLS]", "every", "day", ".", "[SEP]", "[PAD]", "[PAD]", "[PAD]"],
        },
        "hidden": {"last_hidden_state": [1, 8, 384], "pooler_output": [1, 384]},
    }
    train = {"history": [{"epoch": k + 1, **h} for k, h in enumerate(history)], "device": "cpu", "n_val": 5}
    ev = {
        "class_names": NAMES,
        "test_acc": float(np.trace(cm) / cm.sum()),
        "n_test": int(cm.sum()),
        "confusion": cm.tolist(),
        "raw": {"prediction": prediction, "probabilities": {"negative": 0.1, "neutral": 0.2, prediction: 0.7}},
    }
    recipe = {"n_different": 2, "n_items": 15}
    return data, tokens, train, ev, claims(data, tokens, train, ev, recipe)


H2 = [
    {"train_acc": 0.5, "train_loss": 1.0, "val_acc": 0.6, "val_loss": 0.9},
    {"train_acc": 0.9, "train_loss": 0.3, "val_acc": 0.8, "val_loss": 0.5},
]


def test_numbers_come_from_the_results():
    a = answers(*make_results([[9, 1, 0], [3, 4, 3], [0, 1, 9]], H2))
    assert a[1] == "**90 samples**: one per row of the reviews file."
    assert a[4] == "**3 word pieces**: \\'every\\' 1, \\'day\\' 2, \\'\\.\\' 3."
    assert a[5].startswith(
        "**8 ids: \\[CLS\\] first, the 3 word pieces, \\[SEP\\] at index 4 (mask 1), "
        "then \\[PAD\\] at indices 5 to 7 (mask 0).**"
    )
    assert "Inverted, they give the sentence's word pieces back." in a[5]
    assert a[6].startswith("**Train (80, 12), validation (5, 12), test (5, 12)**")
    assert a[10].startswith("**Best validation accuracy 0.800, after epoch 2 of 2**")
    assert a[11] == "**Accuracy after epoch 1, 2: train 0.500, 0.900; validation 0.600, 0.800**."
    assert a[13] == "**Predicted sentiment: positive** (probability 0.700)."


def test_each_choice_of_words_in_both_polarities():
    neutral_hard = answers(*make_results([[9, 1, 0], [3, 4, 3], [0, 1, 9]], H2))
    positive_hard = answers(*make_results([[9, 1, 0], [1, 9, 0], [3, 3, 4]], H2[:1], class_counts=(10, 30, 30)))
    perfect = answers(*make_results([[3, 0, 0], [0, 3, 0], [0, 0, 3]], H2))
    assert neutral_hard[12].startswith("**Hardest class: neutral** (lowest F1")
    assert "Of its 10 test reviews 6 were misclassified (3 as negative, 3 as positive)" in neutral_hard[12]
    assert "A 3-star review shares words with both neighbours." in neutral_hard[12]
    assert positive_hard[12].startswith("**Hardest class: positive**")
    assert "3-star" not in positive_hard[12]
    assert perfect[12].startswith("**No test review was misclassified**")
    # another class with the lowest recall than the lowest F1: named, with its counts
    low_recall_elsewhere = answers(*make_results([[7, 3, 0], [1, 8, 1], [0, 1, 9]], H2))
    assert low_recall_elsewhere[12].startswith("**Hardest class: neutral**")
    assert (
        "The lowest recall is negative's (0.700: 3 of its 10 test reviews misclassified)." in low_recall_elsewhere[12]
    )
    assert "The lowest recall" not in neutral_hard[12]
    # balanced or not (threshold 0.8 of the largest class)
    assert neutral_hard[3].startswith("**Roughly balanced**") and positive_hard[3].startswith("**Not balanced**")
    # one epoch or several
    assert "after epoch 1." in positive_hard[8] and "after epoch 2" not in positive_hard[8]
    assert "and 0.900 after epoch 2." in neutral_hard[8]
    # a one-review step is named on a small test set only
    assert "one review moves neutral's recall by" in neutral_hard[12]


def test_a_single_misclassified_review_is_singular():
    a = answers(*make_results([[5, 0, 0], [1, 4, 0], [0, 0, 5]], H2))
    assert "Of its 5 test reviews 1 was misclassified (1 as negative)" in a[12]


@pytest.mark.parametrize("text", ["pos*it_ive", "[x](http://e)", "\\input{x}", "`code`", "<b>"])
def test_data_text_is_escaped_for_markdown(text):
    escaped = md(text)
    assert all(escaped[i - 1] == "\\" for i, ch in enumerate(escaped) if ch in "*_[]()`<>{}" and i)
    a = answers(*make_results([[5, 0, 0], [0, 5, 0], [0, 0, 5]], H2, prediction=text))
    assert f"**Predicted sentiment: {escaped}**" in a[13]
