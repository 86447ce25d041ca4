"""Rule q3_claims: what the prose says of the estimators' bias and variance and of the timings."""

from hw4.io import read_json, write_json
from hw4.q3.check import claims
from hw4.smk import run_script


def main(sm) -> None:
    write_json(sm.output.results, claims(read_json(sm.input.estimators), read_json(sm.input.timing)))


run_script(main, globals())
