"""Rule q1_verify: run the RNN in both orders, count its operations one by one, and time nothing (q1_check checks)."""

from hw4.io import log_to, write_json
from hw4.q1.rnn import verify_instance
from hw4.runtime import seed_everything


def main(sm) -> None:
    seed_everything(sm.params.seed, sm.threads)
    rows = [
        verify_instance(i["n"], i["c"], i["h"], sm.params.seed, sm.params.scalar_count_max_ops)
        for i in sm.params.instances
    ]
    write_json(sm.output.results, {"instances": rows})


if "snakemake" not in globals():  # run by hand: python scripts/q1_verify.py
    from hw4.smk import mock_snakemake

    snakemake = mock_snakemake("q1_verify")
with log_to(snakemake.log[0]):
    main(snakemake)
