"""Rule grade: every student's record as one row of build/grades/grades.csv and one feedback file each; the
numbers of Problems 1-3 (<id>.yaml) checked against the student's variant in the answer key."""

from pathlib import Path

from hw4.grades import feedback_text, grades_table, read_key, theory_records
from hw4.io import read_json, replaced_dir, write_csv
from hw4.q4.grading import q4_parts
from hw4.smk import run_script


def main(sm) -> None:
    parts, status = q4_parts(sm.input.marking), sm.params.status
    records = {Path(f).stem: read_json(f) for f in sm.input.results}
    theory = None
    if sm.params.check_numbers:
        key = read_key(sm.params.key) if sm.params.answers else {}
        theory = theory_records(status, sm.params.answers, key)
    rows = grades_table(status, records, theory, parts)
    write_csv(sm.output.csv, rows)
    with replaced_dir(sm.output.feedback) as feedback:
        for sid, why in status.items():
            text = feedback_text(sid, why, records.get(sid), theory[sid] if theory else None, parts)
            (feedback / f"{sid}.md").write_text(text, encoding="utf-8")
    graded = sum(r["status"] == "graded" for r in rows)
    print(f"{graded} of {len(rows)} students' notebooks graded -> {sm.output.csv}, {sm.output.feedback}/")


run_script(main, globals())
