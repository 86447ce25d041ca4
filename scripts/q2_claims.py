"""Rule q2_claims: what the prose says of the benchmark and the retrieval task (timings, errors, accuracies)."""

from hw4.io import log_to, read_json, write_json
from hw4.q2.check import claims


def main(sm) -> None:
    inputs = {name: read_json(getattr(sm.input, name)) for name in ("derive", "bench", "retrieval")}
    write_json(sm.output.results, claims(**inputs))


if "snakemake" not in globals():  # run by hand: python scripts/q2_claims.py
    from hw4.smk import mock_snakemake

    snakemake = mock_snakemake("q2_claims")
with log_to(snakemake.log[0]):
    main(snakemake)
