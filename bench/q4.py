"""Benchmark: training throughput (examples/s) of Problem 4's loop against the notebook's recipe.

Both loops train the same classifier (same weights at the start) on the same reviews, on the same machine, in
this one run, alternating rounds so that a change in machine load hits both:

- notebook: a Dataset that tokenizes in ``__getitem__`` (every epoch again), pads every review to 160 tokens,
  a shuffled DataLoader of batch 16, fp32, plain AdamW, ``.item()`` after every step;
- pipeline: ``q4_train.train_epoch`` on reviews tokenized once, length-bucketed batches of 16 padded to their own
  longest review, and on CUDA bf16 autocast, fused AdamW and pinned memory.

Usage (from the project root):
    .venv/bin/python bench/q4.py                        # MiniLM bundled model, the sample reviews, CPU
    .venv/bin/python bench/q4.py --model random-bert-base --device cuda   # GPU, bert-base-sized
"""

import os

# As in the pipeline's scripts (see hw4/q4/train.py); it applies to both loops alike.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import argparse
import itertools
import json
import sys
import time
from pathlib import Path

import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout's hw4/

from hw4.io import write_json  # noqa: E402
from hw4.q4.data import load_reviews, to_sentiment  # noqa: E402
from hw4.q4.model import (  # noqa: E402
    BUNDLED,
    SentimentClassifier,
    autocast_dtype,
    load_pretrained,
    make_optimizer,
    parameter_count,
)
from hw4.q4.train import encode_reviews, make_loader, train_epoch  # noqa: E402
from hw4.runtime import machine_info, pick_device  # noqa: E402


class NotebookDataset(torch.utils.data.Dataset):
    """The notebook's GPReviewDataset: tokenizes one review per __getitem__, padded to max_len."""

    def __init__(self, reviews, targets, tokenizer, max_len):
        self.reviews, self.targets, self.tokenizer, self.max_len = reviews, targets, tokenizer, max_len

    def __len__(self):
        return len(self.reviews)

    def __getitem__(self, i):
        enc = self.tokenizer(
            str(self.reviews[i]),
            add_special_tokens=True,
            max_length=self.max_len,
            padding="max_length",
            truncation=True,
            return_attention_mask=True,
            return_tensors="pt",
        )
        return {
            "input_ids": enc["input_ids"].flatten(),
            "attention_mask": enc["attention_mask"].flatten(),
            "targets": torch.tensor(self.targets[i], dtype=torch.long),
        }


def notebook_train_steps(model, loader, loss_fn, optimizer, scheduler, device, steps):
    """The notebook's train_epoch, limited to `steps` batches; returns examples seen."""
    model.train()
    losses, correct, seen = [], 0, 0
    for d in itertools.islice(loader, steps):
        input_ids, mask = d["input_ids"].to(device), d["attention_mask"].to(device)
        targets = d["targets"].to(device)
        outputs = model(input_ids=input_ids, attention_mask=mask)
        _, preds = torch.max(outputs, dim=1)
        loss = loss_fn(outputs, targets)
        correct += torch.sum(preds == targets).item()
        losses.append(loss.item())
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad()
        seen += len(targets)
    return seen


def build_model(name: str, device):
    if name == "random-bert-base":  # bert-base-cased's shape, random weights: nothing to download
        from transformers import BertConfig, BertModel

        tok, _ = load_pretrained(BUNDLED, with_model=False)
        bert = BertModel(BertConfig(vocab_size=tok.vocab_size))
    else:
        tok, bert = load_pretrained(name)
    return tok, SentimentClassifier(bert, 3, 0.3).to(device)


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize()


def run(args) -> dict:
    torch.manual_seed(0)
    if args.threads:
        torch.set_num_threads(args.threads)
    device = pick_device(args.device, key="--device")
    df, _ = load_reviews(args.data)
    texts = df["content"].tolist()
    labels = [to_sentiment(s) for s in df["score"]]
    reps = max(1, -(-args.min_reviews // len(texts)))  # repeat a small sample so each round has its batches
    texts, labels = texts * reps, labels * reps
    tok, model = build_model(args.model, device)
    start_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    loss_fn = nn.CrossEntropyLoss()
    amp = autocast_dtype(device, "auto")
    steps = args.steps
    out = {"notebook": [], "pipeline": []}
    for rnd in range(args.rounds):
        for loop in ("notebook", "pipeline"):
            model.load_state_dict(start_state)
            if loop == "notebook":
                optimizer = torch.optim.AdamW(model.parameters(), lr=2e-5)
                loader = torch.utils.data.DataLoader(
                    NotebookDataset(texts, labels, tok, 160), batch_size=16, shuffle=True, num_workers=0
                )
                scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: 1 - s / (10 * steps))
                notebook_train_steps(model, loader, loss_fn, optimizer, scheduler, device, 2)  # warm-up
                sync(device)
                t0 = time.perf_counter()
                seen = notebook_train_steps(model, loader, loss_fn, optimizer, scheduler, device, steps)
            else:
                optimizer = make_optimizer(model, 2e-5, device)
                scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: 1 - s / (10 * steps))
                t_tok = time.perf_counter()
                ids = encode_reviews(tok, texts, 160)  # once, timed with the loop
                tok_s = time.perf_counter() - t_tok
                loader = make_loader(ids, labels, 16, True, rnd, device, tok.pad_token_id)
                warm = list(itertools.islice(loader, 2))
                train_epoch(model, warm, loss_fn, optimizer, scheduler, device, amp, 1.0, "warm-up")
                counted = []

                def counting(batches, counted=counted):
                    for b in batches:
                        counted.append(len(b["labels"]))
                        yield b

                sync(device)
                t0 = time.perf_counter()  # batches are collated inside the timed loop, as in the notebook's
                train_epoch(
                    model, counting(itertools.islice(loader, steps)), loss_fn, optimizer, scheduler, device, amp
                )
                seen = sum(counted)
            sync(device)
            secs = time.perf_counter() - t0 + (tok_s if loop == "pipeline" else 0.0)
            out[loop].append(seen / secs)
            print(f"round {rnd + 1} {loop}: {seen} examples in {secs:.2f} s = {seen / secs:.1f} examples/s", flush=True)
    best = {k: max(v) for k, v in out.items()}
    mean_tokens = sum(min(len(x), 160) for x in encode_reviews(tok, texts, 160)) / len(texts)
    return {
        "model": args.model,
        "params": parameter_count(model),
        "data": str(args.data),
        "reviews": len(df),
        "mean_tokens_at_160": mean_tokens,
        "device": str(device),
        "precision_pipeline": "bf16" if amp is not None else "fp32",
        "steps_per_round": steps,
        "rounds": args.rounds,
        "examples_per_s": out,
        "best_examples_per_s": best,
        "speedup": best["pipeline"] / best["notebook"],
        "machine": machine_info(),
    }


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=BUNDLED, help=f"{BUNDLED} | random-bert-base | a model directory")
    ap.add_argument("--data", default="data/sample_reviews.csv")
    ap.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    ap.add_argument("--steps", type=int, default=12, help="timed batches per loop and round")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--min-reviews", type=int, default=0, help="repeat the reviews up to this many")
    ap.add_argument("--out", default="build/bench/q4_bench.json")
    result = run(ap.parse_args(argv))
    write_json(ap.parse_args(argv).out, result)
    print(json.dumps({k: result[k] for k in ("best_examples_per_s", "speedup", "device")}, indent=1))


if __name__ == "__main__":
    main()
