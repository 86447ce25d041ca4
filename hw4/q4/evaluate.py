"""Problem 4, evaluation (items 4.12-4.13): test accuracy, per-class precision/recall/F1, the confusion
matrix and which class it shows to be hardest, and the prediction for a raw text with its probabilities."""

import os

# The cores may be shared with other jobs: worker threads that sleep at barriers instead of spinning made
# training steps several times faster under load on 2 cores. Must be set before torch starts its thread pool.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np
import torch

from hw4.q4.data import CLASS_NAMES
from hw4.q4.model import SentimentClassifier, autocast_dtype, load_pretrained
from hw4.q4.train import encode_reviews, eval_model, make_loader
from hw4.runtime import pick_device


# region: metrics
# region: metrics_core
def confusion_matrix(labels, preds, n_classes: int = 3) -> np.ndarray:
    """cm[i, j] = number of test reviews of true class i predicted as class j."""
    cm = np.zeros((n_classes, n_classes), dtype=int)
    np.add.at(cm, (np.asarray(labels), np.asarray(preds)), 1)
    return cm


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


# endregion


# Below this many test reviews the PDF says that the ranking of the classes is a weak signal.
SMALL_TEST_SET = 300


def hardest_class(cm: np.ndarray, names=CLASS_NAMES) -> dict:
    """The class with the lowest F1 (ties: lower recall), whether its precision or its recall makes the F1 low,
    and the counts that show it: its own reviews predicted as other classes (recall), and the reviews of other
    classes predicted as it (precision). The class with the lowest recall is named too, when it is another one."""
    metrics = per_class_metrics(cm, names)
    n = len(names)
    k = min(range(n), key=lambda i: (metrics[i]["f1"], metrics[i]["recall"], i))
    low_recall = min(range(n), key=lambda i: (metrics[i]["recall"], metrics[i]["f1"], i))
    p, r = metrics[k]["precision"], metrics[k]["recall"]
    support, predicted = int(cm[k].sum()), int(cm[:, k].sum())
    misses = {names[j]: int(cm[k, j]) for j in range(n) if j != k}
    false_alarms = {names[i]: int(cm[i, k]) for i in range(n) if i != k}
    n_wrong, j = max((int(cm[k, j]), j) for j in range(n) if j != k)
    return {
        "class": names[k],
        "f1": metrics[k]["f1"],
        "precision": p,
        "recall": r,
        # which of the two pulls the F1 down: the smaller one ("both" when they are equal)
        "low_by": "precision" if p < r else "recall" if r < p else "both",
        "support": support,
        "predicted": predicted,
        "errors": support - int(cm[k, k]),
        "errors_to": misses,
        "false_alarms": predicted - int(cm[k, k]),
        "false_alarms_from": false_alarms,
        "most_confused_with": names[j] if n_wrong else None,
        "most_confused_count": n_wrong,
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


# endregion


# region: predict_raw
@torch.no_grad()
def predict_text(model, tokenizer, text: str, max_len: int, device) -> dict:
    """Sentiment of one raw text, with the softmax probability of every class."""
    model.eval()
    enc = tokenizer(text, truncation=True, max_length=max_len, return_tensors="pt")
    logits = model(enc["input_ids"].to(device), enc["attention_mask"].to(device)).float()
    probs = torch.softmax(logits, dim=1)[0].cpu().tolist()
    return {
        "text": text,
        "tokens": tokenizer.convert_ids_to_tokens(enc["input_ids"][0]),
        "prediction": CLASS_NAMES[int(np.argmax(probs))],
        "probabilities": dict(zip(CLASS_NAMES, probs, strict=True)),
    }


# endregion


def evaluate(test_csv, model_path, model_cfg: dict, train_cfg: dict, raw_text: str, seed: int, threads=None) -> dict:
    import pandas as pd

    from hw4.runtime import seed_everything

    seed_everything(seed, threads)
    device = pick_device(train_cfg["device"], key="q4.train.device")
    amp_dtype = autocast_dtype(device, train_cfg["precision"])
    tokenizer, bert = load_pretrained(model_cfg["name"], model_cfg.get("offline", False))
    model = SentimentClassifier(bert, 3, model_cfg["dropout"])
    model.load_state_dict(torch.load(model_path, map_location="cpu", weights_only=True))
    model.to(device)
    test = pd.read_csv(test_csv, dtype={"content": str}, keep_default_na=False)
    ids = encode_reviews(tokenizer, test["content"], train_cfg["max_len"])
    loader = make_loader(
        ids,
        test["sentiment"],
        train_cfg["batch_size"],
        False,
        seed,
        device,
        tokenizer.pad_token_id,
        padding=train_cfg["padding"],
        max_len=train_cfg["max_len"],
    )
    acc, loss, labels, probs = eval_model(model, loader, torch.nn.CrossEntropyLoss(), device, amp_dtype, True)
    preds = probs.argmax(dim=1)
    cm = confusion_matrix(labels.numpy(), preds.numpy())
    raw = predict_text(model, tokenizer, raw_text, train_cfg["max_len"], device)
    return {
        "n_test": len(test),
        "test_acc": acc,
        "test_loss": loss,
        "confusion": cm.tolist(),
        "per_class": per_class_metrics(cm),
        "macro_f1": float(np.mean([m["f1"] for m in per_class_metrics(cm)])),
        "hardest": hardest_class(cm),
        "class_names": CLASS_NAMES,
        "raw": raw,
    }
