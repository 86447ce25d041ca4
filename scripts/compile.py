"""Rule compile: one document's PDF and page map, compiled with latexmk in a sandbox without shell escape."""

import sys
from pathlib import Path

from hw4.io import write_json
from hw4.tex import TexError, compile_pdf


def main(sm) -> None:
    tex = Path(sm.input.tex)
    try:
        figures = [Path(f) for f in sm.input.figures]
        pages = compile_pdf(
            tex,
            sm.output.pdf,
            figures,
            sm.params.source_date_epoch,
            sm.log[0],
            state=tex.parent,
            seed=[Path(p) for p in sm.params.seed],
        )
    except TexError as err:
        print(err, file=sys.stderr)
        sys.exit(1)
    pages["document"] = Path(sm.output.pdf).name
    write_json(sm.output.pages, pages)


if "snakemake" not in globals():  # run by hand: python scripts/compile.py doc=hw4
    from hw4.smk import mock_snakemake

    snakemake = mock_snakemake("compile")
main(snakemake)
