"""Rule answer_key: one row per variant with every number a grader checks, as CSV and as a PDF table, and each
variant's answer form (answer_forms/<id>.yaml: those numbers, blank, for the student to fill and hand in)."""

from pathlib import Path

from hw4.grades import answer_form
from hw4.io import atomic_path, read_json, replaced_dir, write_csv
from hw4.render import RenderError, render
from hw4.smk import run_script
from hw4.tex import TexError, compile_pdf
from hw4.variants import OWN_RESULTS, answers


def main(sm) -> None:
    rows = []
    for vid, params in sm.params.variants.items():  # in the roster's order
        folder = Path(sm.params.folder, vid, "results")
        rows.append(answers(vid, params, {name: read_json(folder / f"{name}.json") for name in OWN_RESULTS}))
    write_csv(sm.output.csv, rows)
    with replaced_dir(sm.output.forms) as forms:
        for row in rows:
            (forms / f"{row['id']}.yaml").write_text(answer_form(row), encoding="utf-8")
    context = {"rows": rows, "seed": sm.params.seed, "roster": sm.params.roster}
    text = render(sm.params.template_dir, "answer_key.tex.j2", context)
    with atomic_path(sm.output.tex) as tmp:
        tmp.write_text(text, encoding="utf-8")
    compile_pdf(Path(sm.output.tex), sm.output.pdf, [], sm.params.source_date_epoch, sm.log[0])
    print(f"answer key: {len(rows)} variants -> {sm.output.csv}, {sm.output.pdf}")


# The log is TeX's (compile_pdf writes it).
run_script(main, globals(), log=None, errors=(RenderError, TexError), prefix="answer key")
