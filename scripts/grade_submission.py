"""Rule grade_submission: one student's notebook graded with `otter run` and the autograder, under a time limit.
What cannot be graded (not a notebook, a time-out, otter failing) is recorded with its reason, never raised."""

import shutil
import tempfile
from pathlib import Path

from hw4.io import write_json
from hw4.q4.grading import PLUGIN_MODULE, grade_row
from hw4.smk import run_script


def main(sm) -> None:
    with tempfile.TemporaryDirectory(prefix=f"hw4-grade-{sm.wildcards.sid}-") as tmp:
        work = Path(tmp)
        (work / "plugin").mkdir()
        shutil.copy(sm.input.plugin, work / "plugin" / f"{PLUGIN_MODULE}.py")
        rec = grade_row(Path(sm.input.submission), Path(sm.input.zip), work / "run", sm.params.timeout, work / "plugin")
    print(f"{sm.wildcards.sid}: {rec['status']} {rec['reason']}")
    write_json(sm.output.result, rec)


run_script(main, globals())
