"""Rule q1_fields: the comparison's two models, counted: parameters, dependent steps, receptive fields."""

from hw4.io import log_to, write_json
from hw4.q1.fields import fields
from hw4.runtime import seed_everything


def main(sm) -> None:
    seed_everything(sm.params.seed, sm.threads)
    write_json(sm.output.results, fields(**sm.params.compare, seed=sm.params.seed))


if "snakemake" not in globals():  # run by hand: python scripts/q1_fields.py
    from hw4.smk import mock_snakemake

    snakemake = mock_snakemake("q1_fields")
with log_to(snakemake.log[0]):
    main(snakemake)
