"""Rule q3_claims: what the prose says of the estimators' bias and variance and of the timings."""

from hw4.io import log_to, read_json, write_json
from hw4.q3.check import claims


def main(sm) -> None:
    write_json(sm.output.results, claims(read_json(sm.input.estimators), read_json(sm.input.timing)))


if "snakemake" not in globals():  # run by hand: python scripts/q3_claims.py
    from hw4.smk import mock_snakemake

    snakemake = mock_snakemake("q3_claims")
with log_to(snakemake.log[0]):
    main(snakemake)
