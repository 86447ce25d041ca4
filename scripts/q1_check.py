"""Rule q1_check: measured counts against the formulas (exact, stops the build), float agreements, exact claims."""

from hw4.io import log_to, read_json, write_json
from hw4.q1.check import check


def main(sm) -> None:
    write_json(
        sm.output.results, check(read_json(sm.input.derive), read_json(sm.input.verify), read_json(sm.input.fields))
    )


if "snakemake" not in globals():  # run by hand: python scripts/q1_check.py
    from hw4.smk import mock_snakemake

    snakemake = mock_snakemake("q1_check")
with log_to(snakemake.log[0]):
    main(snakemake)
