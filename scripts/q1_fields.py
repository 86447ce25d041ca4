"""Rule q1_fields: the comparison's two models, counted: parameters, dependent steps, receptive fields."""

from hw4.io import write_json
from hw4.q1.fields import fields
from hw4.runtime import seed_everything
from hw4.smk import run_script


def main(sm) -> None:
    seed_everything(sm.params.seed, sm.threads)
    write_json(sm.output.results, fields(**sm.params.compare, seed=sm.params.seed))


run_script(main, globals())
