"""Rule grade: every student's record as one row of build/grades/grades.csv and one feedback file each."""

import csv
import json
import shutil
from pathlib import Path

from hw4.io import atomic_path, log_to
from hw4.q4.grading import feedback_text, grades_table, q4_parts


def main(sm) -> None:
    parts = q4_parts(sm.input.marking)
    records = {Path(f).stem: json.loads(Path(f).read_text()) for f in sm.input.results}
    rows = grades_table(records, parts)
    with atomic_path(sm.output.csv) as tmp:
        with open(tmp, "w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    feedback = Path(sm.output.feedback)
    shutil.rmtree(feedback, ignore_errors=True)
    feedback.mkdir(parents=True)
    for sid, rec in records.items():
        (feedback / f"{sid}.md").write_text(feedback_text(sid, rec, parts), encoding="utf-8")
    graded = sum(r["status"] == "graded" for r in rows)
    print(f"graded {graded} of {len(rows)} submissions -> {sm.output.csv}, {feedback}/")


if "snakemake" not in globals():  # run by hand: python scripts/grade.py
    from hw4.smk import mock_snakemake

    snakemake = mock_snakemake("grade")
with log_to(snakemake.log[0]):
    main(snakemake)
