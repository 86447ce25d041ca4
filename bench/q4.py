"""Benchmark: training throughput (examples/s) of Problem 4's notebook against the course tutorial's loop.

Both loops train the same classifier (the same weights at the start of every round) on the same reviews, on the
same machine, in this one run, alternating rounds so that a change in machine load hits both:

- tutorial: the course notebook's recipe: the notebook's ``create_data_loader`` without bucketing, which is the
  course's (a Dataset that tokenizes one review per ``__getitem__``, every epoch again, padded to 160 tokens; batches
  of 16 without shuffling), fp32, ``torch.optim.AdamW`` (lr 2e-5) with the linear schedule, and the tutorial's
  ``train_epoch`` written out here (``loss.item()`` every step, gradient norm clipped at 1.0);
- notebook: the code of ``notebooks/hw4_q4.py`` itself, not a copy: its imports and ``parameters`` cells, the
  default profile's parameters laid over them (as the pipeline injects them), then the cells that define
  ``device``, ``tokenizer``, ``GPReviewDataset``/``LengthBuckets``/``pad_batch``/``create_data_loader``,
  ``SentimentClassifier`` (and ``model``), ``train_epoch`` (the item-8 solution cell) and the optimizer,
  scheduler and loss, each executed in one namespace (magic lines dropped). It trains with config/config.yaml's
  q4.train settings: length-bucketed shuffled batches of 16 padded to their longest review (max_len 128), and
  bf16 autocast on a CUDA GPU that has it.

Both sides use the notebook's tokenizer and classifier (the tutorial's is the same module). Each round times
``--steps`` batches per loop after 2 warm-up batches. The notebook's ``create_data_loader`` tokenizes every review
once to learn its length (the tutorial's does nothing up front): that time, with the optimizer cell's, is charged
to the notebook at its share of one epoch (the batches timed / the batches of an epoch), although the notebook
builds its loaders once for all epochs. The best round of each loop is compared; each round's pair and all rounds
together (examples / seconds) are reported too: the notebook's rate depends on the lengths of the batches drawn.

Usage (from the project root):
    .venv/bin/python bench/q4.py                        # the bundled MiniLM, the sample reviews, CPU, 2 threads
    .venv/bin/python bench/q4.py --model random-bert-base --device cuda   # GPU, bert-base-sized BERT, random weights, MiniLM tokenizer
    .venv/bin/python bench/q4.py --out build/bench/q4_bench.json          # also write the figures as JSON
"""

import os

# As the pipeline's notebook kernel has them (hw4/q4/run.py, kernel_env); they apply to both loops alike.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("TQDM_DISABLE", "1")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")

import argparse
import ast
import json
import re
import sys
import time
from pathlib import Path

import pandas as pd
import torch
from torch import nn

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # this checkout's hw4/

from hw4.config import load_config  # noqa: E402
from hw4.io import write_json  # noqa: E402
from hw4.q4.data import to_sentiment  # noqa: E402
from hw4.q4.model import BUNDLED, resolve_model  # noqa: E402
from hw4.q4.notebook import SOURCE, read_source, role  # noqa: E402
from hw4.q4.run import parameters  # noqa: E402
from hw4.runtime import machine_info, pick_device  # noqa: E402

WARMUP = 2  # batches per loop and round before the clock starts
TUTORIAL = {"max_len": 160, "batch_size": 16, "lr": 2e-5, "epochs": 10}  # the course notebook's settings
_MAGIC = re.compile(r"^\s*[%!]")


# ---------------------------------------------------------------- the tutorial's recipe, as the course has it


def tutorial_train_epoch(model, data_loader, loss_fn, optimizer, device, scheduler, n_examples):
    """The tutorial's train_epoch (``_, preds = torch.max(...)``, ``.item()`` every step)."""
    model = model.train()
    losses, correct = [], 0
    for d in data_loader:
        input_ids, attention_mask = d["input_ids"].to(device), d["attention_mask"].to(device)
        targets = d["targets"].to(device)
        outputs = model(input_ids=input_ids, attention_mask=attention_mask)
        _, preds = torch.max(outputs, dim=1)
        loss = loss_fn(outputs, targets)
        correct += torch.sum(preds == targets).item()
        losses.append(loss.item())
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad()
    return correct / n_examples, sum(losses) / max(len(losses), 1)


# ---------------------------------------------------------------- the notebook's own code


def _defined_names(source: str) -> set[str]:
    """Names a cell binds at its top level: functions, classes, assignment targets, imports."""
    names = set()
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names


def _code(cell) -> str:
    """A code cell's source without its IPython magic lines (``%matplotlib inline`` and the like)."""
    return "\n".join(line for line in cell.source.splitlines() if not _MAGIC.match(line))


class NotebookCode:
    """The cells of the solution notebook, found by what they define, executed into one namespace."""

    def __init__(self, path: Path = SOURCE):
        self.path = path
        self.cells = [c for c in read_source(path).cells if c.cell_type == "code"]

    def cell(self, name: str, want_role: str | None = None):
        found = [c for c in self.cells if name in _defined_names(_code(c))]
        if want_role is not None:
            found = [c for c in found if role(c)[1] == want_role]
        if len(found) != 1:
            what = f"{want_role} cell" if want_role else "cell"
            raise SystemExit(f"{self.path}: expected one {what} defining {name!r}, found {len(found)}")
        return found[0]

    def imports_cell(self):
        """The cell of imports only that imports transformers (the notebook's imports)."""
        for c in self.cells:
            body = ast.parse(_code(c)).body
            if body and all(isinstance(n, (ast.Import, ast.ImportFrom)) for n in body) and "transformers" in c.source:
                return c
        raise SystemExit(f"{self.path}: no imports cell (a cell of imports only, among them transformers)")

    @staticmethod
    def run(cell, ns: dict) -> None:
        exec(compile(_code(cell), f"<notebook cell {(role(cell)[0] or '')}>", "exec"), ns)


def notebook_namespace(nbc: NotebookCode, params: dict, random_bert: bool) -> dict:
    """Execute the notebook's cells up to the model in one namespace; returns it (``model``, ``tokenizer``, ...)."""
    ns: dict = {"__name__": "__notebook__"}
    nbc.run(nbc.imports_cell(), ns)
    (parameters_cell,) = [c for c in nbc.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    nbc.run(parameters_cell, ns)
    ns.update(params)  # the injected parameters, as papermill's cell after the parameters cell
    nbc.run(nbc.cell("device"), ns)  # the seeds, device, class_names
    nbc.run(nbc.cell("tokenizer"), ns)  # tokenizer = BertTokenizer.from_pretrained(PRE_TRAINED_MODEL_NAME)
    data_cells = [nbc.cell(n) for n in ("GPReviewDataset", "LengthBuckets", "pad_batch", "create_data_loader")]
    for cell in {id(c): c for c in data_cells}.values():  # one cell defines them all; run each cell once
        nbc.run(cell, ns)
    if random_bert:  # bert-base-cased's shape, random weights: nothing to download
        from transformers import BertConfig

        bert_model, vocab = ns["BertModel"], ns["tokenizer"].vocab_size

        class RandomBert:
            @staticmethod
            def from_pretrained(_name, **_kw):
                return bert_model(BertConfig(vocab_size=vocab))

        ns["BertModel"] = RandomBert
    torch.manual_seed(0)  # the classifier's head (and a random BERT): the same start on every run
    nbc.run(nbc.cell("SentimentClassifier"), ns)  # also: model = SentimentClassifier(...).to(device)
    nbc.run(nbc.cell("train_epoch", "solution"), ns)
    return ns


# ---------------------------------------------------------------- measurement


def take(loader, n: int):
    """n batches of loader, starting it over (a new epoch) when it runs out."""
    got = 0
    while got < n:
        for batch in loader:
            yield batch
            got += 1
            if got == n:
                return


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize()


def run(args) -> dict:
    if args.threads:
        torch.set_num_threads(args.threads)
    device = pick_device(args.device, key="--device")
    train_cfg = load_config()["q4"]["train"]
    bf16 = device.type == "cuda" and torch.cuda.is_bf16_supported()
    model_name = BUNDLED if args.model == "random-bert-base" else args.model
    params = parameters({"train": train_cfg, "model": {"name": model_name}}, 0, None, str(device), bf16)
    del params["REVIEWS_CSV"]  # the reviews come from --data
    params["PRE_TRAINED_MODEL_NAME"] = resolve_model(model_name)[0]
    nbc = NotebookCode()
    ns = notebook_namespace(nbc, params, args.model == "random-bert-base")
    model, tok = ns["model"], ns["tokenizer"]
    start_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    optimizer_cell = nbc.cell("optimizer")

    df = pd.read_csv(args.data)
    df["sentiment"] = df.score.astype(int).apply(to_sentiment)
    lengths = [len(x) for x in tok([str(t) for t in df.content.to_numpy()], truncation=False)["input_ids"]]

    steps = args.steps
    out = {"tutorial": [], "notebook": []}
    totals = {loop: [0, 0.0] for loop in out}  # examples, seconds over all rounds
    setup_s = []
    for rnd in range(args.rounds):
        for loop in ("tutorial", "notebook"):
            model.load_state_dict(start_state)
            torch.manual_seed(rnd)  # the notebook's shuffle and both loops' dropout
            counted = []

            def counting(batches, counted=counted):
                for b in batches:
                    counted.append(len(b["targets"]))
                    yield b

            if loop == "tutorial":  # the course's loader: no bucketing, no shuffling, padded to 160
                loader = ns["create_data_loader"](df, tok, TUTORIAL["max_len"], TUTORIAL["batch_size"])
                optimizer = torch.optim.AdamW(model.parameters(), lr=TUTORIAL["lr"])
                scheduler = ns["get_linear_schedule_with_warmup"](
                    optimizer, num_warmup_steps=0, num_training_steps=len(loader) * TUTORIAL["epochs"]
                )
                loss_fn = nn.CrossEntropyLoss().to(device)
                train_epoch, extra, setup = tutorial_train_epoch, {}, 0.0
            else:
                t_setup = time.perf_counter()
                loader = ns["create_data_loader"](
                    df, tok, params["MAX_LEN"], params["BATCH_SIZE"], bucketed=params["BUCKETED"], shuffle=True
                )
                ns["train_data_loader"] = loader
                nbc.run(optimizer_cell, ns)  # optimizer, scheduler, loss_fn, as the notebook makes them
                setup = time.perf_counter() - t_setup
                setup_s.append(setup)
                optimizer, scheduler, loss_fn = ns["optimizer"], ns["scheduler"], ns["loss_fn"]
                train_epoch, extra = ns["train_epoch"], {"bf16": bf16}
            train_epoch(model, take(loader, WARMUP), loss_fn, optimizer, device, scheduler, 1, **extra)
            sync(device)
            t0 = time.perf_counter()
            train_epoch(model, counting(take(loader, steps)), loss_fn, optimizer, device, scheduler, len(df), **extra)
            sync(device)
            secs = time.perf_counter() - t0 + setup * min(1.0, steps / len(loader))
            seen = sum(counted)
            out[loop].append(seen / secs)
            totals[loop][0] += seen
            totals[loop][1] += secs
            print(
                f"round {rnd + 1} {loop:8s}: {seen} examples in {secs:6.2f} s = {seen / secs:7.2f} examples/s",
                flush=True,
            )

    best = {k: max(v) for k, v in out.items()}
    overall = {k: n / secs for k, (n, secs) in totals.items()}
    return {
        "model": args.model,
        "model_path": params["PRE_TRAINED_MODEL_NAME"],
        "params": sum(p.numel() for p in model.parameters()),
        "notebook": str(nbc.path.relative_to(ROOT)),
        "data": str(args.data),
        "reviews": len(df),
        "mean_tokens": sum(lengths) / len(lengths),
        "mean_tokens_at": {n: sum(min(x, n) for x in lengths) / len(lengths) for n in (params["MAX_LEN"], 160)},
        "device": str(device),
        "threads": torch.get_num_threads(),
        "tutorial": {**TUTORIAL, "padding": "max_length", "shuffle": False, "precision": "fp32"},
        "notebook_parameters": {k: v for k, v in params.items() if k != "PRE_TRAINED_MODEL_NAME"},
        "notebook_setup_s": setup_s,
        "steps_per_round": steps,
        "warmup_steps": WARMUP,
        "rounds": args.rounds,
        "examples_per_s": out,
        "best_examples_per_s": best,
        "ratio": best["notebook"] / best["tutorial"],
        "overall_examples_per_s": overall,
        "ratio_overall": overall["notebook"] / overall["tutorial"],
        "ratio_per_round": [n / t for n, t in zip(out["notebook"], out["tutorial"], strict=True)],
        "machine": machine_info(),
    }


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=BUNDLED, help=f"{BUNDLED} | random-bert-base | a model directory")
    ap.add_argument("--data", default="data/sample_reviews.csv")
    ap.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    ap.add_argument("--steps", type=int, default=12, help="timed batches per loop and round")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2, help="torch threads (0: torch's default)")
    ap.add_argument("--out", default=None, help="also write the figures to this JSON file")
    args = ap.parse_args(argv)
    r = run(args)
    if args.out:
        write_json(args.out, r)
    best = r["best_examples_per_s"]
    print(
        f"\nmodel {r['model']} ({r['params'] / 1e6:.1f} M parameters), device {r['device']}, {r['threads']} threads, "
        f"{r['reviews']} reviews ({r['mean_tokens']:.1f} tokens on average), best of {r['rounds']} rounds of "
        f"{r['steps_per_round']} batches\n"
        f"  tutorial (padded to 160, fp32):           {best['tutorial']:8.2f} examples/s\n"
        f"  notebook (bucketed, max_len {r['notebook_parameters']['MAX_LEN']}, "
        f"{'bf16' if r['notebook_parameters']['BF16'] else 'fp32'}): {best['notebook']:8.2f} examples/s\n"
        f"  ratio notebook / tutorial:                {r['ratio']:8.2f}x (best against best; round by round "
        f"{', '.join(f'{x:.2f}x' for x in r['ratio_per_round'])}; all rounds together "
        f"{r['ratio_overall']:.2f}x)"
    )
    if args.out:
        print(f"wrote {args.out}")
    print(json.dumps({k: r[k] for k in ("best_examples_per_s", "ratio", "device", "threads")}))


if __name__ == "__main__":
    main()
