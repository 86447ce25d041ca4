"""Problem 4: the checks that the answer states, made on the results that the executed notebook's cells computed
(q4_data, q4_tokens, q4_train, q4_eval, read by hw4/q4/harvest.py) and on q4_recipe, and the claims that the
answers print (hw4/q4/answers.py) and the template reads.

Exact checks stop the build: counts that must add up (scores and classes to the samples, the split to the samples
and to scikit-learn's sizes, the confusion matrix to the test set), the steps agreeing on the sizes they share,
the best epoch being the one with the highest validation accuracy, metrics recomputed from the confusion matrix.
Each message names the notebook's items to fix. Floating-point agreements are recorded with their tolerance.

The claims are every number the prose derives and every choice of a sentence (which counts to list, whether a
remark applies; word forms are the templates' plural filter), so that the answers and the template only look values up. The metrics and
verdicts are computed here from what the notebook recorded, never in the notebook's run, so that changing them
reruns no training: per-class scores and the hardest class from the confusion matrix (hw4/q4/metrics.py, with
its SMALL_TEST_SET), the balance verdict with BALANCE_THRESHOLD below.
"""

import numpy as np

from hw4.checks import CheckError, agreement
from hw4.q4.data import split_sizes, to_sentiment
from hw4.q4.metrics import hardest_class, per_class_metrics

# The softmax probabilities of the raw text are float32 on the model's device: their sum is 1 to ~1e-7.
PROBABILITY_SUM_TOLERANCE = 1e-5
# The smallest class holding at least this share of the largest one counts as "roughly balanced" (item 3).
BALANCE_THRESHOLD = 0.8


class Q4CheckError(CheckError):
    """The Problem 4 results disagree with each other; the message lists what and which items to fix."""


def data_mismatches(data: dict) -> list[str]:
    """Counts of q4_data that must add up (items 1-3 and 6)."""
    bad = []
    n = data["n_samples"]
    scores, classes = data["score_counts"], data["class_counts"]
    if sum(scores.values()) != n:
        bad.append(f"score counts {scores} sum to {sum(scores.values())}, not to the {n} samples")
    if sum(classes.values()) != n:
        bad.append(f"class counts {classes} sum to {sum(classes.values())}, not to the {n} samples")
    mapped = dict.fromkeys(data["class_names"], 0)
    for score, count in scores.items():
        mapped[data["class_names"][to_sentiment(int(score))]] += count
    if mapped != classes:
        bad.append(f"class counts {classes} are not the score counts mapped to sentiment ({mapped})")
    most = max(scores, key=lambda s: (scores[s], -int(s)))
    if int(most) != data["most_common_score"]:
        bad.append(f"most common score is {data['most_common_score']}, but the counts {scores} make it {most}")
    removed = sum(r["rows"] for r in data["removed"])
    if data["rows_in_file"] - removed != n:
        bad.append(f"{data['rows_in_file']} rows in the file, {removed} removed, but {n} samples (not the rest)")
    sizes = data["split_sizes"]
    if sum(sizes.values()) != n:
        bad.append(f"split sizes {sizes} sum to {sum(sizes.values())}, not to the {n} samples")
    for name, size in sizes.items():
        if data["shapes"][name][0] != size:
            bad.append(f"the {name} frame has {data['shapes'][name][0]} rows, but its split size is {size}")
    expected = dict(zip(("train", "val", "test"), split_sizes(n, **data["split"]), strict=True))
    if sizes != expected:
        bad.append(f"split sizes {sizes} are not train_test_split's {expected} for {n} samples and {data['split']}")
    return bad


def tokens_mismatches(tokens: dict, data: dict) -> list[str]:
    """q4_tokens against itself and q4_data (items 4, 5 and 7)."""
    bad = []
    t, e, h = tokens["tokens"], tokens["encoding"], tokens["hidden"]
    if len(t["tokens"]) != len(t["ids"]):
        bad.append(f"{len(t['tokens'])} tokens of the sample sentence but {len(t['ids'])} ids")
    lengths = {k: len(e[k]) for k in ("input_ids", "attention_mask", "inverted")}
    if set(lengths.values()) != {tokens["encode_len"]}:
        bad.append(f"the padded encoding's lengths {lengths} are not the encode length {tokens['encode_len']}")
    width = tokens["model"]["hidden_size"]
    if h["last_hidden_state"][-1] != width or h["pooler_output"][-1] != width or h["hidden_size"] != width:
        bad.append(
            f"hidden sizes {h['last_hidden_state']} / {h['pooler_output']} do not end in the model's hidden size {width}"
        )
    return bad


def best_epoch(history: list[dict]) -> dict:
    """The first epoch with the highest validation accuracy: the model that item 10's loop keeps (it saves only on >)."""
    best = max(history, key=lambda h: (h["val_acc"], -h["epoch"]))
    return {"epoch": best["epoch"], "val_acc": best["val_acc"]}


def train_mismatches(train: dict, data: dict) -> list[str]:
    """q4_train against itself and q4_data (items 8-10)."""
    bad = []
    sizes = data["split_sizes"]
    if (train["n_train"], train["n_val"]) != (sizes["train"], sizes["val"]):
        bad.append(
            f"trained on {train['n_train']} / validated on {train['n_val']} reviews, but the split has "
            f"{sizes['train']} / {sizes['val']}"
        )
    epochs = [h["epoch"] for h in train["history"]]
    if epochs != list(range(1, train["epochs"] + 1)):
        bad.append(f"the history's epochs are {epochs}, not 1..{train['epochs']}")
    if train["history"]:
        best = best_epoch(train["history"])
        if train["best_epoch"] != best["epoch"]:
            bad.append(
                f"the kept model is from epoch {train['best_epoch']}, but the highest validation accuracy "
                f"({best['val_acc']}) came first after epoch {best['epoch']}"
            )
        if train["best_val_acc"] != best["val_acc"]:
            bad.append(f"best_val_acc {train['best_val_acc']} is not the history's highest, {best['val_acc']}")
    return bad


def eval_mismatches(ev: dict, data: dict) -> list[str]:
    """q4_eval against itself and q4_data (items 12 and 13)."""
    bad = []
    names, cm = ev["class_names"], ev["confusion"]
    if names != data["class_names"]:
        return [f"evaluated classes {names} are not the data's {data['class_names']}"]
    if len(cm) != len(names) or any(len(row) != len(names) for row in cm):
        return [*bad, f"the confusion matrix is not {len(names)} x {len(names)}: {cm}"]
    total = sum(map(sum, cm))
    if ev["n_test"] != data["split_sizes"]["test"]:
        bad.append(f"evaluated {ev['n_test']} test reviews, but the split has {data['split_sizes']['test']}")
    if total != ev["n_test"]:
        bad.append(f"the confusion matrix holds {total} reviews, not the {ev['n_test']} test reviews")
    correct = sum(cm[k][k] for k in range(len(names)))
    if total and ev["test_acc"] != correct / total:
        bad.append(f"test accuracy {ev['test_acc']} is not the confusion matrix's {correct}/{total}")
    per_class = per_class_metrics(np.asarray(cm), names)
    hardest = hardest_class(np.asarray(cm), names, per_class)
    lowest = min(m["f1"] for m in per_class)
    if hardest["f1"] != lowest:
        bad.append(f"the hardest class {hardest['class']} has F1 {hardest['f1']}, not the lowest, {lowest}")
    k = names.index(hardest["class"])
    if hardest["errors"] != sum(cm[k]) - cm[k][k] or hardest["false_alarms"] != sum(r[k] for r in cm) - cm[k][k]:
        bad.append(f"the hardest class's error counts are not those of row and column {k} of {cm}")
    probs = ev["raw"]["probabilities"]
    if ev["raw"]["prediction"] != max(names, key=lambda c: probs[c]):
        bad.append(f"the raw text is predicted {ev['raw']['prediction']}, not its most probable class ({probs})")
    return bad


def recipe_mismatches(recipe: dict) -> list[str]:
    """The deviations table's counts against its rows (fix hw4/q4/recipe.py)."""
    different = [r["item"] for r in recipe["rows"] if not r["same"]]
    bad = []
    if recipe["n_items"] != len(recipe["rows"]) or recipe["n_different"] != len(different):
        bad.append(
            f"{recipe['n_different']} of {recipe['n_items']} items differ, but the table has {len(different)} "
            f"of {len(recipe['rows'])}"
        )
    if recipe["all_same"] != (not different):
        bad.append(f"all_same is {recipe['all_same']}, but the differing rows are {different}")
    return bad


def token_claims(tokens: dict) -> dict:
    """Items 4.4-4.5 in numbers: the sample's word pieces, and what its padded encoding holds."""
    pieces = tokens["tokens"]["tokens"]
    mask = tokens["encoding"]["attention_mask"]
    attended = sum(mask)
    return {
        "n_sample_tokens": len(pieces),
        "n_padding": len(mask) - attended,
        "n_attended": attended,
        # the special tokens the tokenizer added around the word pieces
        "first_token": tokens["encoding"]["inverted"][0],
        "last_token": tokens["encoding"]["inverted"][attended - 1],
        # [CLS], the word pieces, [SEP]: the inverted ids give the sentence's own pieces back
        "round_trip": tokens["encoding"]["inverted"][1 : 1 + len(pieces)] == pieces,
        "special_tokens": attended - len(pieces),
        # Python's indices of the printed id list (from 0): the last attended id, then the padding
        "last_attended_index": attended - 1,
        "first_padding_index": attended,
        "last_index": len(mask) - 1,
    }


def claims(data: dict, tokens: dict, train: dict, ev: dict, recipe: dict) -> dict:
    """Every number the Problem 4 prose derives, and every choice of a sentence."""
    names, cm = ev["class_names"], np.asarray(ev["confusion"])
    per_class = per_class_metrics(cm, names)
    hc = hardest_class(cm, names, per_class)
    best = best_epoch(train["history"])
    return {
        "recipe": {"all_same": recipe["n_different"] == 0},
        "run": {"trained_on_gpu": train["device"].startswith("cuda")},
        "data": {
            # the Google Play scores in order, 1 to 5, with their counts (item 4.2)
            "score_counts": [
                {"score": s, "count": data["score_counts"][s]} for s in sorted(data["score_counts"], key=int)
            ],
            # the classes are "roughly balanced" when the smallest is at least BALANCE_THRESHOLD of the largest
            "balanced": data["balance_min_over_max"] >= BALANCE_THRESHOLD,
            "balance_threshold": BALANCE_THRESHOLD,
            # an equal share of the samples per class, what each count is compared with (item 3)
            "equal_share": data["n_samples"] / len(data["class_counts"]),
        },
        "tokens": token_claims(tokens),
        "train": {
            "best_epoch": best["epoch"],
            "best_val_acc": best["val_acc"],
            "n_epochs": len(train["history"]),
            "first": train["history"][0],
            "last": train["history"][-1],
        },
        "eval": {"per_class": per_class, "macro_f1": float(np.mean([m["f1"] for m in per_class]))},
        "hardest": {
            **hc,  # hw4/q4/metrics.py's verdict, checked against the confusion matrix by eval_mismatches
            "tied": bool(hc["tied_with"]),
            "has_errors": hc["errors"] > 0,
            "errors_to": [{"class": name, "count": n} for name, n in hc["errors_to"].items() if n],
            "has_false_alarms": hc["false_alarms"] > 0,
            # one review's weight in the score is worth a remark on a small test set that holds the class at all
            "small_test_set_note": hc["small_test_set"] and not hc["no_test_reviews"],
        },
    }


def check(data: dict, tokens: dict, train: dict, ev: dict, recipe: dict) -> dict:
    """Stop on any exact disagreement (naming the items to fix); else the claims and the float agreements."""
    found = {
        "items 1-3, 6 of notebooks/hw4_q4.py": data_mismatches(data),
        "items 4, 5, 7 of notebooks/hw4_q4.py": tokens_mismatches(tokens, data),
        "items 8-10 of notebooks/hw4_q4.py": train_mismatches(train, data),
        "items 12, 13 of notebooks/hw4_q4.py": eval_mismatches(ev, data),
        "hw4/q4/recipe.py": recipe_mismatches(recipe),
    }
    bad = [f"{line} (fix {where})" for where, lines in found.items() for line in lines]
    if bad:
        raise Q4CheckError("q4: the Problem 4 results disagree with each other:\n  " + "\n  ".join(bad))
    prob_sum = sum(ev["raw"]["probabilities"].values())  # float agreements, recorded with their tolerances
    agreements = {"raw_probabilities_sum": agreement(abs(prob_sum - 1.0), PROBABILITY_SUM_TOLERANCE)}
    return {**claims(data, tokens, train, ev, recipe), "agreement": agreements}
