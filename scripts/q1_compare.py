"""Rule q1_compare: the RNN (loop and wavefront) against a conv net of the same parameter budget, timed."""

from hw4.io import log_to, write_json
from hw4.q1.compare import compare
from hw4.runtime import machine_info, seed_everything


def main(sm) -> None:
    seed_everything(sm.params.seed, sm.threads)
    result = compare(**sm.params.compare, seed=sm.params.seed)  # the config section q1.compare, key for key
    result["machine"] = machine_info(sm.threads)
    write_json(sm.output.results, result)


if "snakemake" not in globals():  # run by hand: python scripts/q1_compare.py
    from hw4.smk import mock_snakemake

    snakemake = mock_snakemake("q1_compare")
with log_to(snakemake.log[0]):
    main(snakemake)
