"""Rule q4_notebook: Problem 4's experiment, the solution notebook executed on this profile's settings; the
executed notebook and the results its cells computed."""

import sys

from hw4.io import log_to
from hw4.q4.model import ModelLoadError
from hw4.q4.run import NotebookError, ReviewDataError, run_notebook


def main(sm) -> None:
    results = {name: sm.output[name] for name in ("q4_data", "q4_tokens", "q4_train", "q4_eval")}
    try:
        train = run_notebook(
            sm.input.csv, sm.params.q4, sm.params.seed, sm.threads, sm.params.run_root, sm.output.notebook, results
        )
    except (NotebookError, ReviewDataError, ModelLoadError, RuntimeError) as err:
        print(f"q4_notebook failed: {err}", file=sys.stderr)
        sys.exit(1)
    resumed = f"resumed after epoch {train['resumed_after_epoch']}; " if train["resumed_after_epoch"] else ""
    print(f"{resumed}trained {train['epochs']} epochs, best validation accuracy {train['best_val_acc']:.4f}")


if "snakemake" not in globals():  # run by hand: python scripts/q4_notebook.py
    from hw4.smk import mock_snakemake

    snakemake = mock_snakemake("q4_notebook")
with log_to(snakemake.log[0]):
    main(snakemake)
