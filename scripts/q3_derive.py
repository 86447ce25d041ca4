"""Rule q3_derive: the skip-gram gradient and the operation counts, derived with sympy."""

from hw4.io import log_to, write_json
from hw4.q3.derive import derive


def main(sm) -> None:
    write_json(sm.output.results, derive(sm.params.symbolic, sm.params.count_instances, sm.params.seed))


if "snakemake" not in globals():  # run by hand: python scripts/q3_derive.py
    from hw4.smk import mock_snakemake

    snakemake = mock_snakemake("q3_derive")
with log_to(snakemake.log[0]):
    main(snakemake)
