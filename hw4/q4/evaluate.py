"""Problem 4, evaluation (items 4.12-4.13): test accuracy, per-class precision/recall/F1, the confusion
matrix and which class it shows to be hardest, and the prediction for a raw text with its probabilities."""

import os

# The cores may be shared with other jobs: worker threads that sleep at barriers instead of spinning made
# training steps several times faster under load on 2 cores. Must be set before torch starts its thread pool.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np
import torch

from hw4.q4.data import CLASS_NAMES
from hw4.q4.metrics import confusion_matrix, hardest_class, per_class_metrics
from hw4.q4.model import SentimentClassifier, autocast_dtype, load_pretrained
from hw4.q4.train import encode_reviews, eval_model, make_loader
from hw4.runtime import pick_device


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
