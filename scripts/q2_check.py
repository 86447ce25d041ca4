"""Rule q2_check: counted operations against the formulas (exact, stops the build), float agreements recorded."""

from hw4.io import log_to, read_json, write_json
from hw4.q2.check import check


def main(sm) -> None:
    inputs = {name: read_json(getattr(sm.input, name)) for name in ("derive", "verify")}
    write_json(sm.output.results, check(**inputs))


if "snakemake" not in globals():  # run by hand: python scripts/q2_check.py
    from hw4.smk import mock_snakemake

    snakemake = mock_snakemake("q2_check")
with log_to(snakemake.log[0]):
    main(snakemake)
