"""Rule q4_check: the Problem 4 results against each other (exact, stops the build), and the claims the PDF prints."""

from hw4.io import log_to, read_json, write_json
from hw4.q4.check import check


def main(sm) -> None:
    inputs = (sm.input.data, sm.input.tokens, sm.input.train, sm.input.eval, sm.input.recipe)
    write_json(sm.output.results, check(*map(read_json, inputs)))


if "snakemake" not in globals():  # run by hand: python scripts/q4_check.py
    from hw4.smk import mock_snakemake

    snakemake = mock_snakemake("q4_check")
with log_to(snakemake.log[0]):
    main(snakemake)
