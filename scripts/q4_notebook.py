"""Rule q4_notebook: Problem 4 as Jupyter notebooks: the completed one, executed (build/hw4_q4.ipynb), and the
incomplete one an instructor hands out (build/hw4_q4_handout.ipynb)."""

import os
import sys
from pathlib import Path

import nbformat

from hw4.io import atomic_path, log_to
from hw4.q4.notebook import NotebookError, execute, handout_notebook, pinned_packages, solution_notebook


def main(sm) -> None:
    p = sm.params
    config = {
        "profile": p.q4["profile"],
        "data": dict(p.q4["data"]),
        "data_path": sm.input.csv,
        "model": dict(p.q4["model"]),
        "tokenizer": dict(p.q4["tokenizer"]),
        "train": dict(p.q4["train"]),
        "seed": p.seed,
        "threads": sm.threads,
        "raw_text": p.q4["raw_text"],
        "packages": pinned_packages(p.q4["model"]["name"]),
        "work_dir": p.work_dir,
        "trained": {"results": sm.input.trained, "model": sm.input.model},
    }
    intro = (
        f"Built and run by the report pipeline with the `{p.q4['profile']}` profile: data `{Path(sm.input.csv).name}`, "
        f"model `{p.q4['model']['name']}` (the settings are in `CONFIG` below)."
    )
    os.environ.setdefault("TQDM_DISABLE", "1")  # the kernel inherits it: no progress bars in the saved outputs
    solution = solution_notebook(config, intro)
    try:
        executed = execute(solution, Path.cwd())
    except NotebookError as err:
        print(f"q4_notebook failed: {err}", file=sys.stderr)
        sys.exit(1)
    with atomic_path(sm.output.solution) as tmp:
        nbformat.write(executed, str(tmp))
    with atomic_path(sm.output.handout) as tmp:
        nbformat.write(handout_notebook(executed), str(tmp))


if "snakemake" not in globals():  # run by hand: python scripts/q4_notebook.py
    from hw4.smk import mock_snakemake

    snakemake = mock_snakemake("q4_notebook")
with log_to(snakemake.log[0]):
    main(snakemake)
