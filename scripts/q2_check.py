"""Rule q2_check: counted operations against the formulas (exact, stops the build), float agreements recorded."""

from hw4.io import read_json, write_json
from hw4.q2.check import check
from hw4.smk import run_script


def main(sm) -> None:
    inputs = {name: read_json(getattr(sm.input, name)) for name in ("derive", "verify")}
    write_json(sm.output.results, check(**inputs))


run_script(main, globals())
