"""Rule q1_check: measured counts against the formulas (exact, stops the build), float agreements, exact claims."""

from hw4.io import read_json, write_json
from hw4.q1.check import check
from hw4.smk import run_script


def main(sm) -> None:
    write_json(
        sm.output.results, check(read_json(sm.input.derive), read_json(sm.input.verify), read_json(sm.input.fields))
    )


run_script(main, globals())
