"""Rule q2_derive: the operation counts of the attention methods, derived with sympy."""

from hw4.io import log_to, write_json
from hw4.q2.derive import derive


def main(sm) -> None:
    write_json(sm.output.results, derive(sm.params.instances, sm.params.at))


if "snakemake" not in globals():  # run by hand: python scripts/q2_derive.py
    from hw4.smk import mock_snakemake

    snakemake = mock_snakemake("q2_derive")
with log_to(snakemake.log[0]):
    main(snakemake)
