"""Problem 4's results, read from the executed notebook's own variables.

``harvest`` runs in the notebook's kernel after its last cell (hw4/q4/run.py passes it as the code to run after
the notebook; it is not kept in the saved notebook). It reads the globals that the cells define (``df``,
``tokens``, ``encoding``, ``history``, ``cm``, ``output``, ...) and writes the four results files the check step
and the PDF read: q4_data (items 1-3, 6), q4_tokens (4, 5, 7), q4_train (8-11) and q4_eval (12, 13). Nothing here
trains or predicts again, and nothing judges: it counts and copies what the notebook computed (the metrics and
verdicts are the check step's, so that changing them never reruns the notebook). A global that a cell should
have defined and did not raises HarvestError naming the cell.
"""

import json
from pathlib import Path

# The globals that the results are read from, by the cell that defines them (an item's, or a given cell).
NEEDED = {
    "df": "the Data Exploration cell, and item Q3 (its sentiment column)",
    "class_names": "the set-up cell",
    **dict.fromkeys(("RANDOM_SEED", "MAX_LEN", "BATCH_SIZE", "EPOCHS", "LEARNING_RATE"), "the parameters cell"),
    **dict.fromkeys(("BUCKETED", "BF16", "PRE_TRAINED_MODEL_NAME"), "the parameters cell"),
    "device": "the set-up cell",
    **dict.fromkeys(("tokenizer", "sample_txt"), "the Data Preprocessing cell"),
    **dict.fromkeys(("tokens", "token_ids"), "item Q4"),
    "encoding": "the cell that encodes the sample sentence",
    "inverted": "item Q5",
    **dict.fromkeys(("df_train", "df_val", "df_test"), "item Q6"),
    "bert_model": "the cell that loads BertModel",
    **dict.fromkeys(("last_hidden_state", "pooled_output"), "item Q7"),
    "model": "the SentimentClassifier cell",
    "optimizer": "the Training cell",
    **dict.fromkeys(("history", "best_accuracy"), "item Q10"),
    "test_acc": "the Evaluation cell",
    "cm": "item Q12",
    "review_text": "the Predicting on Raw Text cell",
    **dict.fromkeys(("encoded_review", "output", "prediction"), "item Q13"),
}


class HarvestError(RuntimeError):
    """The executed notebook lacks a value that an item should have left; the message names the item."""


def _ints(values) -> list[int]:
    return [int(v) for v in values]


def _shape(tensor) -> list[int]:
    return [int(n) for n in tensor.shape]


def data_results(g: dict) -> dict:
    df, names = g["df"], list(g["class_names"])
    score_counts = {str(s): int((df["score"] == s).sum()) for s in range(1, 6)}
    class_counts = {name: int((df["sentiment"] == k).sum()) for k, name in enumerate(names)}
    frames = {"train": g["df_train"], "val": g["df_val"], "test": g["df_test"]}
    texts = df["content"].fillna("").astype(str)
    return {
        "n_samples": int(df.shape[0]),
        "columns": [str(c) for c in df.columns],
        "score_counts": score_counts,
        "most_common_score": max(range(1, 6), key=lambda s: (score_counts[str(s)], -s)),
        "class_names": names,
        "class_counts": class_counts,
        "balance_min_over_max": min(class_counts.values()) / max(class_counts.values()),
        "empty_texts": int((texts.str.strip() == "").sum()),
        "shapes": {name: _shape(frame) for name, frame in frames.items()},
        "split_sizes": {name: len(frame) for name, frame in frames.items()},
        "seed": int(g["RANDOM_SEED"]),
    }


def tokens_results(g: dict) -> dict:
    bert, model = g["bert_model"], g["model"]
    cfg = bert.config
    return {
        "sample": g["sample_txt"],
        "tokens": {"tokens": list(g["tokens"]), "ids": _ints(g["token_ids"])},
        "encode_len": int(g["encoding"]["input_ids"].shape[1]),
        "encoding": {
            "input_ids": _ints(g["encoding"]["input_ids"][0]),
            "attention_mask": _ints(g["encoding"]["attention_mask"][0]),
            "inverted": list(g["inverted"]),
        },
        "hidden": {
            "last_hidden_state": _shape(g["last_hidden_state"]),
            "pooler_output": _shape(g["pooled_output"]),
            "hidden_size": int(cfg.hidden_size),
        },
        "model": {
            "name": g["PRE_TRAINED_MODEL_NAME"],
            "layers": int(cfg.num_hidden_layers),
            "heads": int(cfg.num_attention_heads),
            "hidden_size": int(cfg.hidden_size),
            "vocab_size": int(cfg.vocab_size),
            "encoder_params": sum(p.numel() for p in bert.parameters()),
            "classifier_params": sum(p.numel() for p in model.parameters()),
        },
    }


def best_epoch(rows: list[dict], best_accuracy: float) -> int:
    """The first epoch whose validation accuracy is the best the loop recorded (the model it saved)."""
    for row in rows:
        if row["val_acc"] == best_accuracy:
            return row["epoch"]
    raise HarvestError(
        f"item Q10 kept best_accuracy = {best_accuracy}, which no epoch of history['val_acc'] reached: the loop must "
        "save the model and set best_accuracy from the same val_acc it appends to history"
    )


def optimizer_name(optimizer) -> str:
    """As the code names it: torch.optim.AdamW, not the module it is defined in (torch.optim.adamw.AdamW)."""
    cls = type(optimizer)
    module = "torch.optim" if cls.__module__.startswith("torch.optim.") else cls.__module__
    return f"{module}.{cls.__name__}"


def train_results(g: dict) -> dict:
    history = g["history"]
    keys = ("train_acc", "train_loss", "val_acc", "val_loss")
    rows = [{"epoch": k + 1, **{key: float(history[key][k]) for key in keys}} for k in range(len(history["train_acc"]))]
    return {
        "history": rows,
        "epochs": int(g["EPOCHS"]),
        "resumed_after_epoch": int(g.get("start_epoch", 0)),
        "best_val_acc": float(g["best_accuracy"]),
        "best_epoch": best_epoch(rows, float(g["best_accuracy"])),
        "n_train": len(g["df_train"]),
        "n_val": len(g["df_val"]),
        "max_len": int(g["MAX_LEN"]),
        "batch_size": int(g["BATCH_SIZE"]),
        "lr": float(g["LEARNING_RATE"]),
        "bucketed": bool(g["BUCKETED"]),
        "padding": "bucketed" if g["BUCKETED"] else "max_length",
        "precision": "bf16" if g["BF16"] else "fp32",
        "device": str(g["device"]),
        "optimizer": optimizer_name(g["optimizer"]),
        "weight_decay": float(g["optimizer"].defaults.get("weight_decay", 0.0)),
    }


def eval_results(g: dict) -> dict:
    import torch

    names = list(g["class_names"])
    probs = torch.softmax(g["output"].detach().float(), dim=1)[0].cpu().tolist()
    encoded = g["encoded_review"]
    ids = [int(i) for i, m in zip(encoded["input_ids"][0], encoded["attention_mask"][0], strict=True) if m]
    return {
        "class_names": names,
        "n_test": len(g["df_test"]),
        "test_acc": float(g["test_acc"]),
        "confusion": [[int(n) for n in row] for row in g["cm"]],
        "raw": {
            "text": g["review_text"],
            "tokens": g["tokenizer"].convert_ids_to_tokens(ids),
            "prediction": names[int(g["prediction"])],
            "probabilities": dict(zip(names, probs, strict=True)),
        },
    }


def harvest(g: dict, out_dir: str) -> None:
    """Write q4_data.json, q4_tokens.json, q4_train.json and q4_eval.json into ``out_dir`` from the globals ``g``."""
    missing = [f"{name} ({where})" for name, where in NEEDED.items() if name not in g]
    if missing:
        raise HarvestError(
            "the executed notebook did not define " + "; ".join(missing) + ". Each must be left as a global "
            "variable under that name (an item's guidance cell says what it defines)"
        )
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for name, make in {
        "q4_data": data_results,
        "q4_tokens": tokens_results,
        "q4_train": train_results,
        "q4_eval": eval_results,
    }.items():
        (out / f"{name}.json").write_text(json.dumps(make(g), indent=1), encoding="utf-8")
