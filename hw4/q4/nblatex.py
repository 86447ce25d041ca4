"""Problem 4's finished notebook as the LaTeX that the documents include: nbconvert's LaTeX exporter with the
template report/notebook/notebook.tex.j2 (the cells, their outputs and figures in order, as a notebook saved to
PDF), the body only.

Each item's cells (guidance, answer, code and outputs) are bracketed by the Gradescope page-map labels
``\\gsstart{q4.K}`` and ``\\gsend{q4.K}``, and the last cell is followed by Problem 4's ``\\gsend{q4}`` (after the
two columns end, a label can fall on no page): raw LaTeX cells inserted into the copy that is converted, never
into the saved notebook. The figures are the PDF outputs of the items that draw them, written under the names of
``FIGURES``; a figure anywhere else is an error, so that none is silently dropped.
"""

import base64
from pathlib import Path

import nbformat

from hw4.io import atomic_path
from hw4.latex import unicode_safe
from hw4.q4.notebook import ROOT, role

TEMPLATE_DIR = ROOT / "report" / "notebook"
# The item whose cell draws each figure, and the figure's name (figures/q4_<name>.pdf).
FIGURES = {2: "scores", 3: "classes", 11: "history", 12: "confusion"}
IMAGE_TYPES = ("application/pdf", "image/png", "image/jpeg", "image/svg+xml")


class NotebookLatexError(RuntimeError):
    """The notebook cannot be converted as the documents need it; the message names the cell."""


def _raw(tex: str):
    return nbformat.v4.new_raw_cell(tex, metadata={"raw_mimetype": "text/latex"})


def with_page_labels(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of ``nb`` in which each item's cells, from its first to its last, are bracketed by its labels."""
    nb = nbformat.from_dict(nb)
    items = [role(cell)[0] for cell in nb.cells]
    first = {k: items.index(k) for k in set(items) - {None}}
    last = {k: len(items) - 1 - items[::-1].index(k) for k in first}
    cells = []
    for index, cell in enumerate(nb.cells):
        cells += [_raw(f"\\gsstart{{q4.{k}}}") for k, i in first.items() if i == index]
        cells.append(cell)
        cells += [_raw(f"\\gsend{{q4.{k}}}") for k, i in last.items() if i == index]
    cells.append(_raw("\\gsend{q4}"))  # Problem 4 ends with the notebook, inside its two columns
    nb.cells = cells
    return nb


def name_figures(nb: nbformat.NotebookNode, figure_dir: str = "figures") -> dict[str, bytes]:
    """Point each figure output of ``nb`` (in place) at its file under ``figure_dir``; {path: the PDF's bytes}."""
    files = {}
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if not any(kind in data for kind in IMAGE_TYPES):
                continue
            k = role(cell)[0]
            if k not in FIGURES or "application/pdf" not in data:
                raise NotebookLatexError(
                    f"cell {index + 1} (item {k}) draws a figure that the documents have no place for, or without a "
                    "PDF output: only items " + ", ".join(map(str, FIGURES)) + " draw, one figure each, with "
                    "InlineBackend.figure_formats including 'pdf' (the notebook's imports cell sets it)"
                )
            path = f"{figure_dir}/q4_{FIGURES[k]}.pdf"
            if path in files:
                raise NotebookLatexError(f"cell {index + 1} (item {k}) draws a second figure; one per item is shown")
            files[path] = base64.b64decode(data["application/pdf"])
            output.setdefault("metadata", {})["filenames"] = {"application/pdf": path}
    missing = sorted(set(FIGURES) - {k for k, name in FIGURES.items() if f"{figure_dir}/q4_{name}.pdf" in files})
    if missing:
        raise NotebookLatexError(f"items {missing} drew no figure in the executed notebook")
    return files


def to_latex(nb: nbformat.NotebookNode, figure_dir: str = "figures") -> tuple[str, dict[str, bytes]]:
    """(the LaTeX body of ``nb``'s cells, {figure path: bytes})."""
    from nbconvert.exporters import LatexExporter
    from traitlets.config import Config

    nb = with_page_labels(nb)
    figures = name_figures(nb, figure_dir)
    config = Config()
    config.ExtractOutputPreprocessor.enabled = False  # the figures keep the names given above
    exporter = LatexExporter(
        config=config,
        template_file="notebook.tex.j2",
        extra_template_paths=[str(TEMPLATE_DIR)],
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    text, _ = exporter.from_notebook_node(nb)
    begin, end = text.find("\\begin{document}"), text.rfind("\\end{document}")
    if begin < 0 or end < 0:
        raise NotebookLatexError(f"nbconvert wrote no document body (template {TEMPLATE_DIR / 'notebook.tex.j2'})")
    body = unicode_safe(text[begin + len("\\begin{document}") : end])
    lines = [line.rstrip() for line in body.strip("\n").splitlines()]
    return "\n".join(line for k, line in enumerate(lines) if line or (k and lines[k - 1])) + "\n", figures


def write_figures(figures: dict[str, bytes], root: Path, outputs: list[str]) -> None:
    """Write each figure to the output path that ends in its name (the rule's declared outputs)."""
    for path, content in figures.items():
        (target,) = [o for o in outputs if Path(o).name == Path(path).name]
        with atomic_path(root / target) as tmp:
            Path(tmp).write_bytes(content)
