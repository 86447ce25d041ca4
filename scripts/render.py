"""Rule render: one document's .tex from the Jinja LaTeX templates and the results files."""

import sys

from hw4.io import atomic_path, log_to
from hw4.render import RenderError, build_context, placeholder_warnings, render


def main(sm) -> None:
    results = {name: sm.input[name] for name in sm.params.results}
    context = build_context(dict(sm.params.config), sm.params.mode, results)
    try:
        text = render(sm.params.template_dir, sm.params.template, context)
    except RenderError as err:
        print(f"render failed: {err}", file=sys.stderr)
        sys.exit(1)
    with atomic_path(sm.output.tex) as tmp:
        tmp.write_text(text, encoding="utf-8")
    if sm.params.mode == "submission":
        for line in placeholder_warnings(sm.params.config):
            print(line, file=sys.stderr)


if "snakemake" not in globals():  # run by hand: python scripts/render.py doc=hw4
    from hw4.smk import mock_snakemake

    snakemake = mock_snakemake("render")
with log_to(snakemake.log[0]):
    main(snakemake)
