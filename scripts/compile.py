"""Rule compile: one document's PDF and page map, compiled with latexmk in a sandbox without shell escape."""

import shutil
import sys
from pathlib import Path

from hw4.io import atomic_path, write_json
from hw4.tex import TexError, compile_tex


def main(sm) -> None:
    tex = Path(sm.input.tex)
    try:
        work, pdf, pages = compile_tex(
            tex, [Path(f) for f in sm.input.figures], sm.params.source_date_epoch, sm.log[0], state=tex.parent
        )
    except TexError as err:
        print(err, file=sys.stderr)
        sys.exit(1)
    try:
        pages["document"] = Path(sm.output.pdf).name
        write_json(sm.output.pages, pages)
        with atomic_path(sm.output.pdf) as tmp:
            shutil.copyfile(pdf, tmp)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if "snakemake" not in globals():  # run by hand: python scripts/compile.py doc=hw4
    from hw4.smk import mock_snakemake

    snakemake = mock_snakemake("compile")
main(snakemake)
