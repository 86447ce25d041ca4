"""Rule autograder: otter's master notebook from the solution notebook, its tests and its points; `otter assign`
makes from it the Gradescope autograder zip and the student notebook (hw4/q4/grading.py)."""

from hw4.q4.grading import AutograderError, make_autograder
from hw4.smk import run_script


def main(sm) -> None:
    inputs = [sm.input[name] for name in ("source", "tests", "marking", "data", "requirements", "plugin")]
    outputs = {name: sm.output[name] for name in ("zip", "student", "master")}
    print(make_autograder(*inputs, dict(sm.params.grading), outputs))


run_script(main, globals(), errors=AutograderError)
