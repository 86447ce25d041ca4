"""Rule document: one document's .tex from the Jinja LaTeX templates and the results files, then its PDF and
page map, compiled with latexmk in a sandbox without shell escape."""

import shutil
import sys
from pathlib import Path

from hw4.io import atomic_path, write_json
from hw4.render import RenderError, build_context, placeholder_warnings, render
from hw4.smk import run_script
from hw4.tex import TexError, compile_pdf


def main(sm) -> None:
    results = {name: sm.input[name] for name in sm.params.results}
    context = build_context(dict(sm.params.config), sm.params.mode, results)
    text = render(sm.params.template_dir, sm.params.template, context)
    tex = Path(sm.output.tex)
    with atomic_path(tex) as tmp:
        tmp.write_text(text, encoding="utf-8")
    if sm.params.mode == "submission":
        for line in placeholder_warnings(sm.params.config):
            print(line, file=sys.stderr)
    try:
        pages = compile_pdf(
            tex,
            sm.output.pdf,
            [Path(f) for f in sm.input.figures],
            sm.params.source_date_epoch,
            sm.log.compile,
            state=tex.parent,
            seed=[Path(p) for p in sm.params.seed],
        )
    except TexError as err:
        # snakemake deletes a failed job's outputs, the .tex among them: keep a copy beside the log to read
        kept = Path(sm.log.compile).with_name(f"{tex.stem}_failed.tex")
        shutil.copyfile(tex, kept)
        print(
            f"{err}\nThe .tex is kept as {kept} (snakemake removes {tex} with the failed job's outputs).",
            file=sys.stderr,
        )
        sys.exit(1)
    pages["document"] = Path(sm.output.pdf).name
    write_json(sm.output.pages, pages)


run_script(main, globals(), log="render", errors=RenderError, prefix="render failed")
