"""Rule q1_derive: the parameter and operation counts of the 2D RNN, derived with sympy."""

from hw4.io import write_json
from hw4.q1.derive import derive
from hw4.smk import run_script


def main(sm) -> None:
    write_json(sm.output.results, derive(sm.params.instances))


run_script(main, globals())
