"""Rule q3_check: formulas against counts (exact, stops the build), the autograd agreement."""

from hw4.io import log_to, read_json, write_json
from hw4.q3.check import check


def main(sm) -> None:
    write_json(sm.output.results, check(read_json(sm.input.derive), read_json(sm.input.verify)))


if "snakemake" not in globals():  # run by hand: python scripts/q3_check.py
    from hw4.smk import mock_snakemake

    snakemake = mock_snakemake("q3_check")
with log_to(snakemake.log[0]):
    main(snakemake)
