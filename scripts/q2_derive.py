"""Rule q2_derive: the operation counts of the attention methods, derived with sympy."""

from hw4.io import write_json
from hw4.q2.derive import derive
from hw4.smk import run_script


def main(sm) -> None:
    write_json(sm.output.results, derive(sm.params.instances, sm.params.at))


run_script(main, globals())
