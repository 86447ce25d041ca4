"""Problem 4, training (items 4.8-4.10): the notebook's recipe, with the data path made fast.

Recipe (as in the notebook, config/full.yaml): AdamW at lr 2e-5 with weight decay 0 and no bias correction
(transformers.AdamW(correct_bias=False); q4.train.bias_correction: true uses torch.optim.AdamW), a linear schedule
without warm-up, cross-entropy, gradient norm clipped at 1.0, the model with the best validation accuracy kept.
Speed: every review is tokenized once (not in each __getitem__ of each epoch); with q4.train.padding: bucketed,
batches are drawn from pools sorted by length and padded only to their own longest review (max_length: the
notebook's random batches padded to max_len); on a GPU, optionally bf16 autocast, and pinned memory. A checkpoint
is written after every epoch; a rerun with the same settings resumes from it. On a CPU, a seed fixes every number.
"""

import os

# The cores may be shared with other jobs: worker threads that sleep at barriers instead of spinning made
# training steps several times faster under load on 2 cores. Must be set before torch starts its thread pool.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import io
import json
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm

from hw4.io import atomic_path, sha256_bytes, sha256_file, sha256_files
from hw4.q4.model import SentimentClassifier, autocast_dtype, load_pretrained, make_optimizer
from hw4.runtime import pick_device, seed_everything


# region: dataset
def encode_reviews(tokenizer, texts, max_len: int) -> list[list[int]]:
    """Token ids of every review, computed once: truncated to max_len, not padded."""
    return tokenizer(list(texts), truncation=True, max_length=max_len, padding=False)["input_ids"]


class EpochBatches:
    """The batches of one epoch, as lists of row indices; the order depends only on (seed, epoch), so a resumed
    run draws the same batches.

    bucketed: shuffle, cut into pools of `pool` batches, sort each pool by length (batches of similar length,
    padded to their own longest review: the speed-up). Not bucketed: the notebook's DataLoader(shuffle=True),
    random batches. Without shuffling (evaluation), bucketed batches go longest first, others in file order.
    """

    def __init__(self, lengths, batch_size: int, shuffle: bool, seed: int = 0, bucketed: bool = True, pool: int = 50):
        self.lengths = np.asarray(lengths)
        self.batch_size, self.shuffle, self.seed, self.bucketed, self.pool = batch_size, shuffle, seed, bucketed, pool
        self.epoch = 0

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def __iter__(self):
        n, bs = len(self.lengths), self.batch_size
        if not self.shuffle:
            order = np.argsort(-self.lengths, kind="stable") if self.bucketed else np.arange(n)
            yield from (order[i : i + bs].tolist() for i in range(0, n, bs))
            return
        rng = np.random.default_rng([self.seed, self.epoch])
        perm = rng.permutation(n)
        if not self.bucketed:
            yield from (perm[i : i + bs].tolist() for i in range(0, n, bs))
            return
        batches = []
        for s in range(0, n, bs * self.pool):
            chunk = perm[s : s + bs * self.pool]
            chunk = chunk[np.argsort(-self.lengths[chunk], kind="stable")]
            batches += [chunk[i : i + bs].tolist() for i in range(0, len(chunk), bs)]
        for k in rng.permutation(len(batches)):
            yield batches[k]

    def __len__(self):
        return -(-len(self.lengths) // self.batch_size)


def collate(items, pad_id: int = 0, width: int | None = None):
    """Pad to `width` (the notebook's max_length padding), or to the longest review of this batch."""
    width = width or max(len(ids) for ids, _ in items)
    input_ids = torch.full((len(items), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(items), width), dtype=torch.long)
    for row, (ids, _) in enumerate(items):
        input_ids[row, : len(ids)] = torch.tensor(ids)
        mask[row, : len(ids)] = 1
    labels = torch.tensor([label for _, label in items], dtype=torch.long)
    return {"input_ids": input_ids, "attention_mask": mask, "labels": labels}


def make_loader(ids, labels, batch_size, shuffle, seed, device, pad_id=0, padding="bucketed", max_len=None):
    """padding 'bucketed': length-sorted batches padded to their longest; 'max_length': the notebook's random
    batches, every review padded to max_len."""
    data = list(zip(ids, (int(x) for x in labels), strict=True))
    bucketed = padding == "bucketed"
    sampler = EpochBatches([len(x) for x in ids], batch_size, shuffle, seed, bucketed=bucketed)
    width = None if bucketed else max_len
    return torch.utils.data.DataLoader(
        data,
        batch_sampler=sampler,
        collate_fn=lambda items: collate(items, pad_id, width),
        pin_memory=device.type == "cuda",
    )


# endregion


def _to(batch, device):
    return {k: v.to(device, non_blocking=True) for k, v in batch.items()}


# region: train_epoch
def train_epoch(model, loader, loss_fn, optimizer, scheduler, device, amp_dtype=None, max_grad_norm=1.0, desc="train"):
    """One pass over the training batches; returns (accuracy, mean loss per example)."""
    model.train()
    correct = torch.zeros((), device=device)
    loss_sum = torch.zeros((), device=device)
    seen = 0
    bar = tqdm(loader, desc=desc, leave=False, mininterval=1.0)
    for step, batch in enumerate(bar):
        batch = _to(batch, device)
        labels = batch["labels"]
        with torch.autocast(device.type, dtype=amp_dtype or torch.float32, enabled=amp_dtype is not None):
            logits = model(batch["input_ids"], batch["attention_mask"])
        loss = loss_fn(logits.float(), labels)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), max_norm=max_grad_norm)
        optimizer.step()
        scheduler.step()
        correct += (logits.argmax(dim=1) == labels).sum()
        loss_sum += loss.detach() * len(labels)
        seen += len(labels)
        if step % 10 == 0:  # reading the running numbers syncs the GPU: not every step
            bar.set_postfix(loss=f"{loss_sum.item() / seen:.4f}", acc=f"{correct.item() / seen:.3f}")
    return correct.item() / seen, loss_sum.item() / seen


# endregion


# region: eval_model
@torch.no_grad()
def eval_model(model, loader, loss_fn, device, amp_dtype=None, return_outputs=False, desc="eval"):
    """The same pass without weight updates (dropout off); returns (accuracy, mean loss[, labels, probs])."""
    model.eval()
    correct, loss_sum, seen = 0, 0.0, 0
    all_labels, all_probs = [], []
    for batch in tqdm(loader, desc=desc, leave=False, mininterval=1.0):
        batch = _to(batch, device)
        labels = batch["labels"]
        with torch.autocast(device.type, dtype=amp_dtype or torch.float32, enabled=amp_dtype is not None):
            logits = model(batch["input_ids"], batch["attention_mask"]).float()
        loss_sum += loss_fn(logits, labels).item() * len(labels)
        correct += int((logits.argmax(dim=1) == labels).sum())
        seen += len(labels)
        if return_outputs:
            all_labels.append(labels.cpu())
            all_probs.append(torch.softmax(logits, dim=1).cpu())
    if return_outputs:
        return correct / seen, loss_sum / seen, torch.cat(all_labels), torch.cat(all_probs)
    return correct / seen, loss_sum / seen


# endregion


def fingerprint(settings: dict) -> str:
    return sha256_bytes(json.dumps(settings, sort_keys=True).encode())[:16]


def training_key(model_cfg: dict, train_cfg: dict, seed: int, splits: dict, device) -> str:
    """The fingerprint of a training run: its settings and the bytes of its train and validation files. Checkpoints
    and the finished model carry it; the notebook computes it too, to load the pipeline's model, not retrain."""
    data_sha = sha256_files([splits["train"], splits["val"]])
    return fingerprint({"model": model_cfg, "train": train_cfg, "seed": seed, "data": data_sha, "device": device.type})


def _save(obj, path: Path) -> None:
    """torch.save atomically, with a sidecar sha256 so that a damaged file is recognised before it is used."""
    with atomic_path(path) as tmp:
        torch.save(obj, tmp)
        digest = sha256_file(tmp)
    with atomic_path(Path(f"{path}.sha256")) as tmp:
        tmp.write_text(digest + "\n")


def _load_checkpoint(path: Path, key: str):
    """The checkpoint at `path` if it is intact and belongs to these settings; None (with the reason) if not."""
    path = Path(path)
    if not path.exists():
        return None
    sidecar = Path(f"{path}.sha256")
    try:
        want = sidecar.read_text().strip()
        data = path.read_bytes()
        if sha256_bytes(data) != want:
            raise ValueError("its sha256 does not match the one recorded when it was written")
        state = torch.load(io.BytesIO(data), map_location="cpu", weights_only=False)
    except Exception as exc:  # truncated, bit-flipped, missing hash, not a torch file
        print(f"checkpoint {path} is damaged ({exc}); it is discarded and its epoch will be redone")
        path.unlink(missing_ok=True)
        sidecar.unlink(missing_ok=True)
        return None
    if state.get("fingerprint") != key:
        print(f"ignoring checkpoint {path}: it belongs to other settings or data (starting over)")
        return None
    return state


def _epoch_checkpoints(ckpt_dir: Path) -> list[Path]:
    """epoch-N.pt files, newest first."""
    found = [
        (int(p.stem.split("-")[1]), p) for p in Path(ckpt_dir).glob("epoch-*.pt") if p.stem.split("-")[1].isdigit()
    ]
    return [p for _, p in sorted(found, reverse=True)]


def _delete_checkpoints(paths) -> None:
    for path in paths:
        Path(path).unlink(missing_ok=True)
        Path(f"{path}.sha256").unlink(missing_ok=True)


def clear_stale_checkpoints(ckpt_dir: Path, resumed_epoch: int) -> None:
    """Delete the checkpoints a run must not build on: every epoch-N.pt after the resumed epoch (other settings'
    leftovers: the newest good one of these settings is the resumed one) and, on a fresh start, best.pt too.
    The directory is the pipeline's own (under build/); after this, the pruning sees only this run's files."""
    stale = [p for p in _epoch_checkpoints(ckpt_dir) if int(p.stem.split("-")[1]) > resumed_epoch]
    if resumed_epoch == 0:
        stale.append(Path(ckpt_dir) / "best.pt")
    _delete_checkpoints(stale)


def latest_good_checkpoint(ckpt_dir: Path, key: str):
    """The newest intact checkpoint of these settings; damaged ones are reported and dropped on the way."""
    for path in _epoch_checkpoints(ckpt_dir):
        state = _load_checkpoint(path, key)
        if state is not None:
            return path, state
    return None, None


def resume(model, optimizer, scheduler, device, ckpt_dir, key, epochs):
    """The history, best validation accuracy and epoch to start from: a fresh start, or where an interrupted run
    with the same settings (``key``) stopped, its model, optimizer, schedule and random state restored."""
    best = Path(ckpt_dir) / "best.pt"
    last, state = latest_good_checkpoint(ckpt_dir, key)
    if state is not None:
        best_state = _load_checkpoint(best, key)
        if best_state is None or best_state["epoch"] > state["epoch"]:
            # the best weights up to the resumed epoch are not on disk: only a fresh start can recover them
            print(f"the best model up to epoch {state['epoch']} ({best}) is missing or damaged: training starts over")
            state = None
    history, best_acc, start = [], -1.0, 0
    if state is not None:  # resume where the interrupted run stopped
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        torch.set_rng_state(state["rng_cpu"])
        if device.type == "cuda" and state.get("rng_cuda") is not None:
            torch.cuda.set_rng_state(state["rng_cuda"])
        history, best_acc, start = state["history"], state["best_val_acc"], state["epoch"]
        print(f"resumed from checkpoint {last} after epoch {start} of {epochs}")
    clear_stale_checkpoints(ckpt_dir, start)
    return history, best_acc, start


def finished_run(results_path, model_path, key: str):
    """The best weights, history and best validation accuracy of the pipeline's finished training with these very
    settings (fingerprint ``key``), or None: the notebook loads them instead of training twice."""
    results_path, model_path = Path(results_path), Path(model_path)
    if not (results_path.exists() and model_path.exists()):
        return None
    done = json.loads(results_path.read_text(encoding="utf-8"))
    if done.get("fingerprint") != key:
        return None
    weights = torch.load(model_path, map_location="cpu", weights_only=True)
    return {"model": weights, "history": done["history"], "best_val_acc": done["best_val_acc"]}


def save_best(model, ckpt_dir, key, epoch) -> None:
    _save({"fingerprint": key, "epoch": epoch, "model": model.state_dict()}, Path(ckpt_dir) / "best.pt")


def checkpoint(model, optimizer, scheduler, device, ckpt_dir, key, epoch, history, best_acc) -> None:
    """Everything a killed run needs to resume after ``epoch``; the two newest checkpoints are kept."""
    _save(
        {
            "fingerprint": key,
            "epoch": epoch,
            "model": model.state_dict(),
            "optimizer": optimizer.state_dict(),
            "scheduler": scheduler.state_dict(),
            "rng_cpu": torch.get_rng_state(),
            "rng_cuda": torch.cuda.get_rng_state() if device.type == "cuda" else None,
            "history": history,
            "best_val_acc": best_acc,
        },
        Path(ckpt_dir) / f"epoch-{epoch}.pt",
    )
    _delete_checkpoints(_epoch_checkpoints(ckpt_dir)[2:])  # keep the two newest: one may be damaged


def fit(model, train_loader, val_loader, *, epochs, optimizer, device, amp_dtype, max_grad_norm, ckpt_dir, key):
    """Train for `epochs`, keep the best model by validation accuracy, checkpoint after every epoch."""
    loss_fn = nn.CrossEntropyLoss()
    total_steps = len(train_loader) * epochs
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: max(0.0, 1 - s / total_steps))  # no warm-up
    history, best_acc, start = resume(model, optimizer, scheduler, device, ckpt_dir, key, epochs)
    # region: training_loop
    for epoch in range(start, epochs):
        t0 = time.perf_counter()
        train_loader.batch_sampler.set_epoch(epoch)
        train_acc, train_loss = train_epoch(
            model, train_loader, loss_fn, optimizer, scheduler, device, amp_dtype, max_grad_norm, f"epoch {epoch + 1}"
        )
        train_s = time.perf_counter() - t0
        val_acc, val_loss = eval_model(model, val_loader, loss_fn, device, amp_dtype)
        record = dict(epoch=epoch + 1, train_acc=train_acc, train_loss=train_loss, val_acc=val_acc, val_loss=val_loss)
        history.append(record | dict(train_seconds=train_s, epoch_seconds=time.perf_counter() - t0))
        print(f"epoch {epoch + 1}/{epochs}: train loss {train_loss:.4f} acc {train_acc:.4f};", end=" ")
        print(f"val loss {val_loss:.4f} acc {val_acc:.4f}")
        if val_acc > best_acc:  # the best model by validation accuracy
            best_acc = val_acc
            save_best(model, ckpt_dir, key, epoch + 1)
        checkpoint(model, optimizer, scheduler, device, ckpt_dir, key, epoch + 1, history, best_acc)
    # endregion
    return history, Path(ckpt_dir) / "best.pt"


def train(splits: dict, model_cfg: dict, train_cfg: dict, seed: int, threads: int | None, ckpt_dir, model_out) -> dict:
    """Read the splits, build the classifier, fit it; write the best weights to `model_out`."""
    import pandas as pd

    seed_everything(seed, threads)
    try:
        device = pick_device(train_cfg["device"], key="q4.train.device")
    except RuntimeError as exc:  # auto or cpu is the fix it names: say what that costs with the notebook's model
        raise RuntimeError(f"{exc} (On a CPU, bert-base trains for many hours.)") from None
    amp_dtype = autocast_dtype(device, train_cfg["precision"])
    tokenizer, bert = load_pretrained(model_cfg["name"], model_cfg.get("offline", False))
    frames = {k: pd.read_csv(v, dtype={"content": str}, keep_default_na=False) for k, v in splits.items()}
    t0 = time.perf_counter()
    ids = {k: encode_reviews(tokenizer, f["content"], train_cfg["max_len"]) for k, f in frames.items()}
    tokenize_s = time.perf_counter() - t0
    torch.manual_seed(seed)  # the new linear layer's initial weights
    model = SentimentClassifier(bert, 3, model_cfg["dropout"]).to(device)
    pad = tokenizer.pad_token_id
    bs = train_cfg["batch_size"]
    batching = {"padding": train_cfg["padding"], "max_len": train_cfg["max_len"]}
    train_loader = make_loader(ids["train"], frames["train"]["sentiment"], bs, True, seed, device, pad, **batching)
    val_loader = make_loader(ids["val"], frames["val"]["sentiment"], bs, False, seed, device, pad, **batching)
    optimizer = make_optimizer(
        model, train_cfg["lr"], device, train_cfg["weight_decay"], bias_correction=train_cfg["bias_correction"]
    )
    key = training_key(model_cfg, train_cfg, seed, splits, device)
    Path(ckpt_dir).mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    history, best = fit(
        model,
        train_loader,
        val_loader,
        epochs=train_cfg["epochs"],
        optimizer=optimizer,
        device=device,
        amp_dtype=amp_dtype,
        max_grad_norm=train_cfg["max_grad_norm"],
        ckpt_dir=ckpt_dir,
        key=key,
    )
    fit_s = time.perf_counter() - t0
    best_state = _load_checkpoint(best, key)
    if best_state is None:
        raise RuntimeError(f"{best} was damaged after training; delete {ckpt_dir} and run snakemake again")
    with atomic_path(model_out) as tmp:
        torch.save(best_state["model"], tmp)
    # Finished: the checkpoints only served a rerun after an interruption (a later rerun retrains).
    _delete_checkpoints([*_epoch_checkpoints(ckpt_dir), best])
    lengths = [len(x) for x in ids["train"]]
    n_train = len(ids["train"])
    return {
        "history": history,
        "best_epoch": best_state["epoch"],
        "best_val_acc": max(h["val_acc"] for h in history),
        "epochs": train_cfg["epochs"],
        "batch_size": bs,
        "max_len": train_cfg["max_len"],
        "lr": train_cfg["lr"],
        "weight_decay": train_cfg["weight_decay"],
        "bias_correction": train_cfg["bias_correction"],
        "optimizer": type(optimizer).__module__ + "." + type(optimizer).__name__,
        "padding": train_cfg["padding"],
        "bucketed": train_cfg["padding"] == "bucketed",
        "n_train": n_train,
        "n_val": len(ids["val"]),
        "device": str(device),
        "precision": "bf16" if amp_dtype is not None else "fp32",
        "tokenize_seconds": tokenize_s,
        "fit_seconds": fit_s,
        "train_examples_per_s": n_train * len(history) / sum(h["train_seconds"] for h in history),
        "mean_train_tokens": float(np.mean(lengths)),
        "truncated_train": int(sum(n >= train_cfg["max_len"] for n in lengths)),
        "fingerprint": key,
    }
