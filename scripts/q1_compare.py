"""Rule q1_compare: the RNN (loop and wavefront) against a conv net of the same parameter budget, timed."""

from hw4.io import write_json
from hw4.q1.compare import compare
from hw4.runtime import machine_info, seed_everything
from hw4.smk import run_script


def main(sm) -> None:
    seed_everything(sm.params.seed, sm.threads)
    result = compare(**sm.params.compare, seed=sm.params.seed)  # the config section q1.compare, key for key
    result["machine"] = machine_info(sm.threads)
    write_json(sm.output.results, result)


run_script(main, globals())
