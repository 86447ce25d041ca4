"""Problem 4's experiment: the solution notebook (notebooks/hw4_q4.py), executed on the build's settings.

``run_notebook`` checks the inputs first (the reviews file, the model, the device: each failure names the file or
the config key and the fix), then executes the notebook in ``run_dir`` with the profile's settings injected as
parameters (papermill's convention), reads the results out of the kernel (hw4/q4/harvest.py) and writes the
executed notebook and the four results files, each whole or not at all.

The run directory is the notebook's working directory, as a Colab session's is: the data file and the model sit
there under the names the notebook uses, and the notebook keeps its ``best_model_state.bin`` and its per-epoch
``checkpoint.pt`` there. A run that was killed leaves its checkpoint, and the next execution with the same
settings resumes from it (the notebook's own resume lines in item 10). Other settings, data or notebook code
start from scratch: the directory is named by a fingerprint of all three (``run_root/<fingerprint>/``), so the
checkpoint found there is always one of this run's, and nothing beside it records what it belongs to.
"""

import hashlib
import json
import os
import shutil
from pathlib import Path
from unittest import mock

import nbformat

from hw4.io import atomic_path, sha256_file, write_json
from hw4.q4.data import NOTEBOOK_SPLIT, ReviewDataError, clean_reviews, load_reviews, split_sizes
from hw4.q4.model import BUNDLED, load_pretrained, resolve_model
from hw4.q4.notebook import ROOT, SOURCE, NotebookError, execute, inject, parameter_defaults, read_source
from hw4.runtime import machine_info, pick_device

RESULTS = ("q4_data", "q4_tokens", "q4_train", "q4_eval")
# Names the notebook's working directory uses for its own files: a reviews file is never given one of them.
RUN_FILES = {"harvest", "checkpoint.pt", "checkpoint.tmp", "best_model_state.bin", "best_model_state.tmp"}


def reviews_file_name(csv: Path, cleaned: bool) -> str:
    """The name the notebook reads the reviews under (REVIEWS_CSV): the file's own, so that the notebook names the
    file the PDF names; the cleaned rows under the file's name with _cleaned."""
    name = f"{csv.stem}_cleaned.csv" if cleaned else csv.name
    return "reviews.csv" if name in RUN_FILES or name.startswith(".") else name


def parameters(q4: dict, seed: int, reviews_file: str, device: str, bf16: bool) -> dict:
    """The notebook's parameters for this profile (the names of its ``parameters`` cell)."""
    train = q4["train"]
    return {
        "REVIEWS_CSV": reviews_file,
        "PRE_TRAINED_MODEL_NAME": model_dir_name(q4["model"]["name"]),
        "MAX_LEN": train["max_len"],
        "BATCH_SIZE": train["batch_size"],
        "EPOCHS": train["epochs"],
        "LEARNING_RATE": train["lr"],
        "RANDOM_SEED": seed,
        "DEVICE": device,
        "BUCKETED": train["padding"] == "bucketed",
        "BF16": bf16,
    }


def model_dir_name(name: str) -> str:
    """What the notebook's from_pretrained is given: a hub id as it is; a local model as the name of its folder
    in the run directory (the bundled MiniLM: its package name)."""
    where, local = resolve_model(name)
    if not local:
        return name
    return BUNDLED if name == BUNDLED else Path(where).name


def check_inputs(csv: Path, q4: dict):
    """Fail before the kernel starts, with the fix: the reviews file, the model, the device. Returns (the reviews
    as read, the device's type, whether to use bf16)."""
    df = load_reviews(csv)
    expected = q4["data"].get("expected_rows")
    if expected is not None and len(df) != expected:
        raise ReviewDataError(
            f"{csv}: has {len(df)} reviews, but q4.data.expected_rows is {expected}. Fix: point q4.data at the "
            "file the profile expects, or set q4.data.expected_rows to null (or to this file's row count)."
        )
    if min(split_sizes(len(df), **NOTEBOOK_SPLIT)) < 1:
        raise ReviewDataError(f"{csv}: {len(df)} reviews are too few for a 90/5/5 split. Fix: use more reviews.")
    load_pretrained(q4["model"]["name"], q4["model"]["offline"], with_model=False)
    device = pick_device(q4["train"]["device"], key="q4.train.device")
    import torch

    precision = q4["train"]["precision"]
    has_bf16 = device.type == "cuda" and torch.cuda.is_bf16_supported()
    if precision == "bf16" and not has_bf16:
        raise RuntimeError("q4.train.precision is 'bf16', but bf16 needs a CUDA GPU that has it: set auto or fp32")
    return df, device.type, precision in ("auto", "bf16") and has_bf16


def fingerprint(params: dict, csv: Path, clean: dict, source: Path) -> str:
    key = {"parameters": params, "data": sha256_file(csv), "clean": clean, "notebook": sha256_file(source)}
    return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:16]


def prepare_run_dir(run_root: Path, key: str, reviews, reviews_file: str, model_name: str) -> tuple[Path, bool]:
    """The notebook's working directory for this fingerprint, ``run_root/key``, holding the reviews under the name
    the notebook is given (a link to the file, or the cleaned rows) and a local model under its name; the
    directories of other fingerprints are removed. Returns it, and whether it holds a checkpoint to resume from."""
    if run_root.exists():
        for other in run_root.iterdir():
            if other.name != key:
                shutil.rmtree(other) if other.is_dir() and not other.is_symlink() else other.unlink()
    run_dir = run_root / key
    run_dir.mkdir(parents=True, exist_ok=True)
    links = {reviews_file: reviews} if isinstance(reviews, Path) else {}
    where, local = resolve_model(model_name)
    if local:
        links[model_dir_name(model_name)] = Path(where)
    for name, target in links.items():
        link = run_dir / name
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(target.resolve())
    if not isinstance(reviews, Path):  # the cleaned rows, as the notebook's pd.read_csv will read them
        (run_dir / reviews_file).unlink(missing_ok=True)
        with atomic_path(run_dir / reviews_file) as tmp:
            reviews.to_csv(tmp, index=False)
    return run_dir, (run_dir / "checkpoint.pt").exists()


# Run in the kernel before the cells, not kept: no warning that Jupyter's progress widgets are missing (a notebook
# front end such as Colab has them; the headless kernel has none, and the progress bars are off anyway).
QUIET = 'import warnings\nwarnings.filterwarnings("ignore", message="IProgress not found")'


def kernel_env(threads: int, offline: bool) -> dict:
    """Environment variables the kernel inherits: the build's threads, no progress bars, the hub offline."""
    env = {"OMP_NUM_THREADS": str(threads), "MKL_NUM_THREADS": str(threads), "TQDM_DISABLE": "1"}
    # transformers' "Loading weights" bar ignores TQDM_DISABLE: with ipywidgets installed (otter-grader brings it)
    # it is a widget whose text would reach the PDF
    env["HF_HUB_DISABLE_PROGRESS_BARS"] = "1"
    env["SOURCE_DATE_EPOCH"] = "0"  # the figures' PDF outputs carry no date: the same run, the same bytes
    env.update(OMP_WAIT_POLICY="PASSIVE", TOKENIZERS_PARALLELISM="false")
    if offline:
        env["HF_HUB_OFFLINE"] = "1"
    return env


def run_notebook(
    csv: str | Path,
    q4: dict,
    seed: int,
    threads: int,
    run_root: str | Path,
    executed_out: str | Path,
    results_out: dict,
    source: Path = SOURCE,
) -> dict:
    """Execute the notebook for this profile; write the executed notebook and the results files. Returns
    q4_train's results."""
    csv = Path(csv)
    df, device, bf16 = check_inputs(csv, q4)
    clean = dict(q4["data"]["clean"])
    cleaned, removed = clean_reviews(df, clean)
    reviews_file = reviews_file_name(csv, bool(removed))
    params = parameters(q4, seed, reviews_file, device, bf16)
    key = fingerprint(params, csv, clean, source)
    run_dir, resume = prepare_run_dir(
        Path(run_root), key, cleaned if removed else csv, reviews_file, q4["model"]["name"]
    )
    notebook = read_source(source)
    defaults = parameter_defaults(notebook)  # only the parameters that differ from the notebook's own are injected
    nb = inject(notebook, {name: value for name, value in params.items() if defaults.get(name, object()) != value})
    harvest_dir = (run_dir / "harvest").resolve()
    shutil.rmtree(harvest_dir, ignore_errors=True)
    after = f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom hw4.q4.harvest import harvest\nharvest(globals(), {str(harvest_dir)!r})"
    offline = resolve_model(q4["model"]["name"])[1] or q4["model"]["offline"]
    with mock.patch.dict(os.environ, kernel_env(threads, offline)):  # the kernel inherits them; restored after
        seconds = execute(nb, run_dir, before=QUIET, after=after)
    results = {name: json.loads((harvest_dir / f"{name}.json").read_text()) for name in RESULTS}
    results["q4_data"].update(
        file=csv.name,
        source=q4["data"]["source"],
        sha256=sha256_file(csv),
        rows_in_file=len(df),
        file_shape=list(df.shape),
        removed=removed,
        split=NOTEBOOK_SPLIT,
    )
    results["q4_tokens"]["model"]["bundled"] = q4["model"]["name"] == BUNDLED
    train = results["q4_train"]
    trained_epochs = train["epochs"] - train["resumed_after_epoch"]
    fit = seconds.get(10) or 0.0
    train.update(
        resumed=resume,
        fit_seconds=fit,
        item_seconds={str(k): v for k, v in seconds.items()},
        train_examples_per_s=train["n_train"] * trained_epochs / fit if fit and trained_epochs else None,
        machine=machine_info(threads),
    )
    with atomic_path(executed_out) as tmp:
        nbformat.write(nb, str(tmp))
    for name in RESULTS:
        write_json(results_out[name], results[name])
    (run_dir / "checkpoint.pt").unlink(missing_ok=True)  # done: a rerun with these settings trains afresh
    return train


__all__ = ["NotebookError", "ReviewDataError", "run_notebook"]
