"""Rule q3_timing: time per gradient, full against importance-sampled, across vocabulary sizes d."""

from hw4.io import log_to, write_json
from hw4.q3.timing import timing
from hw4.runtime import machine_info, seed_everything


def main(sm) -> None:
    t = dict(sm.params.timing)  # the config section q3.timing, key for key (torch_threads is the script's)
    threads = t.pop("torch_threads")
    seed_everything(sm.params.seed, threads)
    result = timing(
        **t, zipf_exponent=sm.params.zipf_exponent, proposal_power=sm.params.proposal_power, seed=sm.params.seed
    )
    result["machine"] = machine_info(threads)
    write_json(sm.output.results, result)


if "snakemake" not in globals():  # run by hand: python scripts/q3_timing.py
    from hw4.smk import mock_snakemake

    snakemake = mock_snakemake("q3_timing")
with log_to(snakemake.log[0]):
    main(snakemake)
