"""Rule q4_notebook: Problem 4's experiment, the solution notebook executed on this profile's settings; the
executed notebook and the results its cells computed."""

from hw4.q4.model import ModelLoadError
from hw4.q4.run import NotebookError, ReviewDataError, run_notebook
from hw4.smk import run_script


def main(sm) -> None:
    results = {name: sm.output[name] for name in ("q4_data", "q4_tokens", "q4_train", "q4_eval")}
    train = run_notebook(
        sm.input.csv, sm.params.q4, sm.params.seed, sm.threads, sm.params.run_root, sm.output.notebook, results
    )
    resumed = f"resumed after epoch {train['resumed_after_epoch']}; " if train["resumed_after_epoch"] else ""
    print(f"{resumed}trained {train['epochs']} epochs, best validation accuracy {train['best_val_acc']:.4f}")


run_script(
    main, globals(), errors=(NotebookError, ReviewDataError, ModelLoadError, RuntimeError), prefix="q4_notebook failed"
)
