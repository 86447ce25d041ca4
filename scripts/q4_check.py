"""Rule q4_check: the Problem 4 results against each other (exact, stops the build), and the claims the PDF prints."""

from hw4.io import read_json, write_json
from hw4.q4.check import check
from hw4.smk import run_script


def main(sm) -> None:
    inputs = (sm.input.data, sm.input.tokens, sm.input.train, sm.input.eval, sm.input.recipe)
    write_json(sm.output.results, check(*map(read_json, inputs)))


run_script(main, globals())
