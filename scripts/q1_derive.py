"""Rule q1_derive: the parameter and operation counts of the 2D RNN, derived with sympy."""

from hw4.io import log_to, write_json
from hw4.q1.derive import derive


def main(sm) -> None:
    write_json(sm.output.results, derive(sm.params.instances))


if "snakemake" not in globals():  # run by hand: python scripts/q1_derive.py
    from hw4.smk import mock_snakemake

    snakemake = mock_snakemake("q1_derive")
with log_to(snakemake.log[0]):
    main(snakemake)
