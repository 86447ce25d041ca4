"""Rule autograder: otter's master notebook from the solution notebook, its tests and its points; `otter assign`
makes from it the Gradescope autograder zip and the student notebook (hw4/q4/grading.py)."""

import sys

from hw4.io import log_to
from hw4.q4.grading import AutograderError, make_autograder


def main(sm) -> None:
    try:
        out = make_autograder(
            sm.input.source,
            sm.input.tests,
            sm.input.marking,
            sm.input.data,
            sm.input.requirements,
            sm.input.plugin,
            dict(sm.params.grading),
            {name: sm.output[name] for name in ("zip", "student", "master")},
        )
    except AutograderError as err:
        print(err, file=sys.stderr)
        sys.exit(1)
    print(out)


if "snakemake" not in globals():  # run by hand: python scripts/autograder.py
    from hw4.smk import mock_snakemake

    snakemake = mock_snakemake("autograder")
with log_to(snakemake.log[0]):
    main(snakemake)
