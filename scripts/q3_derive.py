"""Rule q3_derive: the skip-gram gradient and the operation counts, derived with sympy."""

from hw4.io import write_json
from hw4.q3.derive import derive
from hw4.smk import run_script


def main(sm) -> None:
    write_json(sm.output.results, derive(sm.params.symbolic, sm.params.count_instances, sm.params.seed))


run_script(main, globals())
