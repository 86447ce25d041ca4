"""Rule q3_check: formulas against counts (exact, stops the build), the autograd agreement."""

from hw4.io import read_json, write_json
from hw4.q3.check import check
from hw4.smk import run_script


def main(sm) -> None:
    write_json(sm.output.results, check(read_json(sm.input.derive), read_json(sm.input.verify)))


run_script(main, globals())
