"""Problem 4, tokenizer and encoder items (4.4, 4.5, 4.7), the model's size, and review lengths in tokens."""

import os

# The cores may be shared with other jobs: worker threads that sleep at barriers instead of spinning made
# training steps several times faster under load on 2 cores. Must be set before torch starts its thread pool.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np
import torch

from hw4.q4.model import BUNDLED, SentimentClassifier, load_pretrained, parameter_count


# region: tokens
def tokens_and_ids(tokenizer, text: str) -> dict:
    """Item 4.4: the word pieces of the sample sentence and their vocabulary ids."""
    tokens = tokenizer.tokenize(text)
    return {"tokens": tokens, "ids": tokenizer.convert_tokens_to_ids(tokens)}


# endregion


# region: encode
def encode_and_invert(tokenizer, text: str, max_len: int) -> dict:
    """Item 4.5: [CLS]/[SEP] added, padded to max_len, attention mask; the ids mapped back to tokens."""
    enc = tokenizer(text, add_special_tokens=True, max_length=max_len, padding="max_length", truncation=True)
    return {
        "input_ids": enc["input_ids"],
        "attention_mask": enc["attention_mask"],
        "inverted": tokenizer.convert_ids_to_tokens(enc["input_ids"]),
    }


# endregion


# region: hidden
@torch.no_grad()
def hidden_sizes(bert, tokenizer, text: str, max_len: int) -> dict:
    """Item 4.7: sizes of the last hidden state and of the pooled output (named fields, not tuple unpacking)."""
    bert.eval()
    enc = tokenizer(text, max_length=max_len, padding="max_length", truncation=True, return_tensors="pt")
    out = bert(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"])
    return {
        "last_hidden_state": list(out.last_hidden_state.shape),
        "pooler_output": list(out.pooler_output.shape),
        "hidden_size": bert.config.hidden_size,
    }


# endregion


def token_lengths(tokenizer, texts) -> dict:
    n = np.array([len(x) for x in tokenizer(list(texts), truncation=False)["input_ids"]])
    return {
        "mean": float(n.mean()),
        "median": float(np.median(n)),
        "p95": float(np.percentile(n, 95)),
        "max": int(n.max()),
        "over": {str(k): int((n > k).sum()) for k in (32, 64, 128, 160)},
        "n": len(n),
    }


def tokenizer_items(model_cfg: dict, sample: str, encode_len: int, texts, seed: int) -> dict:
    tokenizer, bert = load_pretrained(model_cfg["name"], model_cfg.get("offline", False))
    torch.manual_seed(seed)
    classifier = SentimentClassifier(bert, 3, model_cfg["dropout"])
    cfg = bert.config
    return {
        "model": {
            "name": model_cfg["name"],
            "bundled": model_cfg["name"] == BUNDLED,
            "encoder_params": parameter_count(bert),
            "classifier_params": parameter_count(classifier),
            "layers": cfg.num_hidden_layers,
            "hidden_size": cfg.hidden_size,
            "heads": cfg.num_attention_heads,
            "vocab_size": cfg.vocab_size,
            "lowercase": bool(getattr(tokenizer, "do_lower_case", False)),
        },
        "sample": sample,
        "encode_len": encode_len,
        "tokens": tokens_and_ids(tokenizer, sample),
        "encoding": encode_and_invert(tokenizer, sample, encode_len),
        "hidden": hidden_sizes(bert, tokenizer, sample, encode_len),
        "review_tokens": token_lengths(tokenizer, texts),
    }
