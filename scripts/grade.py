"""Rule grade: every student's record as one row of build/grades/grades.csv and one feedback file each; the
numbers of Problems 1-3 (<id>.yaml) checked against the student's variant in the answer key."""

import csv
import shutil
from pathlib import Path

from hw4.grades import feedback_text, grades_table, read_key, theory_records
from hw4.io import atomic_path, log_to, read_json
from hw4.q4.grading import q4_parts


def main(sm) -> None:
    parts, status = q4_parts(sm.input.marking), sm.params.status
    records = {Path(f).stem: read_json(f) for f in sm.input.results}
    theory = None
    if sm.params.check_numbers:
        theory = theory_records(status, sm.params.answers, read_key(sm.input.key[0]) if sm.input.key else {})
    rows = grades_table(status, records, theory, parts)
    with atomic_path(sm.output.csv) as tmp, open(tmp, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    feedback = Path(sm.output.feedback)
    shutil.rmtree(feedback, ignore_errors=True)
    feedback.mkdir(parents=True)
    for sid, why in status.items():
        text = feedback_text(sid, why, records.get(sid), theory[sid] if theory else None, parts)
        (feedback / f"{sid}.md").write_text(text, encoding="utf-8")
    graded = sum(r["status"] == "graded" for r in rows)
    print(f"graded {graded} of {len(rows)} students -> {sm.output.csv}, {feedback}/")


if "snakemake" not in globals():  # run by hand: python scripts/grade.py
    from hw4.smk import mock_snakemake

    snakemake = mock_snakemake("grade")
with log_to(snakemake.log[0]):
    main(snakemake)
