"""Rule variant_documents: one variant's handout and solutions, rendered and compiled (the default build's
templates and modes, the variant's numbers)."""

import sys
import time
from pathlib import Path

from hw4.io import atomic_path, log_to
from hw4.render import RenderError, build_context, render
from hw4.tex import TexError, compile_pdf


def main(sm) -> None:
    figures = [Path(f) for f in sm.input.figures]
    for output, mode in (("problems", "handout"), ("solutions", "solutions")):
        start = time.perf_counter()
        results = dict(sm.params.results) if mode != "handout" else {}
        context = build_context(dict(sm.params.config), mode != "handout", results, mode=mode)
        try:
            text = render(sm.params.template_dir, sm.params.template, context)
        except RenderError as err:
            print(f"render of variant {sm.wildcards.vid} ({mode}) failed: {err}", file=sys.stderr)
            sys.exit(1)
        tex = Path(sm.output[f"{output}_tex"])
        with atomic_path(tex) as tmp:
            tmp.write_text(text, encoding="utf-8")
        rendered = time.perf_counter()
        try:
            compile_pdf(
                tex,
                sm.output[output],
                figures if mode != "handout" else [],
                sm.params.source_date_epoch,
                sm.log[output],
                state=tex.parent,
                seed=[Path(sm.params.default_tex_dir)],  # the default build's documents: one pass where alike
            )
        except TexError as err:
            print(f"compile of variant {sm.wildcards.vid} ({mode}) failed: {err}", file=sys.stderr)
            sys.exit(1)
        # read by bench/variants.py (the share of the time spent in LaTeX)
        print(f"{output}: render {rendered - start:.3f} s, latex {time.perf_counter() - rendered:.3f} s")


if "snakemake" not in globals():  # run by hand: python scripts/variant_documents.py vid=v001
    from hw4.smk import mock_snakemake

    snakemake = mock_snakemake("variant_documents")
with log_to(snakemake.log["documents"]):
    main(snakemake)
