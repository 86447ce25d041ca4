"""Rule q4_finish: the finished notebook (the executed one, each item's one-line answer before its code) and the
same as the LaTeX body and figures that the documents include."""

from pathlib import Path

import nbformat

from hw4.io import atomic_path, read_json, write_json
from hw4.q4.answers import answers
from hw4.q4.nblatex import NotebookLatexError, to_latex, write_figures
from hw4.q4.notebook import add_answers
from hw4.smk import run_script


def main(sm) -> None:
    results = [read_json(sm.input[name]) for name in ("data", "tokens", "train", "eval", "check")]
    finished = add_answers(nbformat.read(sm.input.notebook, as_version=4), answers(*results))
    body, figures = to_latex(finished)
    write_figures(figures, Path("."), list(sm.output.figures))
    with atomic_path(sm.output.notebook) as tmp:
        nbformat.write(finished, str(tmp))
    write_json(sm.output.results, {"body_tex": body, "figures": sorted(figures)})


run_script(main, globals(), errors=NotebookLatexError, prefix="q4_finish failed")
