"""Rule q1_verify: run the RNN in both orders, count its operations one by one, and time nothing (q1_check checks)."""

from hw4.io import write_json
from hw4.q1.rnn import verify_instance
from hw4.runtime import seed_everything
from hw4.smk import run_script


def main(sm) -> None:
    seed_everything(sm.params.seed, sm.threads)
    rows = [
        verify_instance(i["n"], i["c"], i["h"], sm.params.seed, sm.params.scalar_count_max_ops)
        for i in sm.params.instances
    ]
    write_json(sm.output.results, {"instances": rows})


run_script(main, globals())
