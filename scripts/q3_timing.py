"""Rule q3_timing: time per gradient, full against importance-sampled, across vocabulary sizes d."""

from hw4.io import write_json
from hw4.q3.timing import timing
from hw4.runtime import machine_info, seed_everything
from hw4.smk import run_script


def main(sm) -> None:
    t = dict(sm.params.timing)  # the config section q3.timing, key for key (torch_threads is the script's)
    threads = t.pop("torch_threads")
    seed_everything(sm.params.seed, threads)
    result = timing(
        **t, zipf_exponent=sm.params.zipf_exponent, proposal_power=sm.params.proposal_power, seed=sm.params.seed
    )
    result["machine"] = machine_info(threads)
    write_json(sm.output.results, result)


run_script(main, globals())
