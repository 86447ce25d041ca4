"""Rule q1_claims: what 1c says of the timings (ms, which model is fastest)."""

from hw4.io import log_to, read_json, write_json
from hw4.q1.check import claims


def main(sm) -> None:
    write_json(sm.output.results, claims(read_json(sm.input.compare)))


if "snakemake" not in globals():  # run by hand: python scripts/q1_claims.py
    from hw4.smk import mock_snakemake

    snakemake = mock_snakemake("q1_claims")
with log_to(snakemake.log[0]):
    main(snakemake)
