"""Rule q4_plot: one Problem 4 figure, by name (scores, classes, history, confusion)."""

from hw4.io import log_to, read_json
from hw4.q4.plot import plot


def main(sm) -> None:
    plot(sm.wildcards.figure, read_json(sm.input.results), sm.output.figure)


if "snakemake" not in globals():  # run by hand: python scripts/q4_plot.py figure=history
    from hw4.smk import mock_snakemake

    snakemake = mock_snakemake("q4_plot")
with log_to(snakemake.log[0]):
    main(snakemake)
