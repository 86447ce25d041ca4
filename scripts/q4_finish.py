"""Rule q4_finish: the finished notebook (the executed one, each item's one-line answer before its code) and the
same as the LaTeX body and figures that the documents include."""

import sys
from pathlib import Path

import nbformat

from hw4.io import atomic_path, log_to, read_json, write_json
from hw4.q4.answers import answers
from hw4.q4.nblatex import NotebookLatexError, to_latex, write_figures
from hw4.q4.notebook import add_answers


def main(sm) -> None:
    results = [read_json(sm.input[name]) for name in ("data", "tokens", "train", "eval", "check")]
    finished = add_answers(nbformat.read(sm.input.notebook, as_version=4), answers(*results))
    try:
        body, figures = to_latex(finished)
    except NotebookLatexError as err:
        print(f"q4_finish failed: {err}", file=sys.stderr)
        sys.exit(1)
    write_figures(figures, Path("."), list(sm.output.figures))
    with atomic_path(sm.output.notebook) as tmp:
        nbformat.write(finished, str(tmp))
    write_json(sm.output.results, {"body_tex": body, "figures": sorted(figures)})


if "snakemake" not in globals():  # run by hand: python scripts/q4_finish.py
    from hw4.smk import mock_snakemake

    snakemake = mock_snakemake("q4_finish")
with log_to(snakemake.log[0]):
    main(snakemake)
