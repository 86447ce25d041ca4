"""Rule q1_claims: what 1c says of the timings (ms, which model is fastest)."""

from hw4.io import read_json, write_json
from hw4.q1.check import claims
from hw4.smk import run_script


def main(sm) -> None:
    write_json(sm.output.results, claims(read_json(sm.input.compare)))


run_script(main, globals())
