"""Rule q1_plot: the RNN/conv-net comparison figure."""

from hw4.io import log_to, read_json
from hw4.q1.plot import plot


def main(sm) -> None:
    plot(read_json(sm.input.fields), read_json(sm.input.compare), sm.output.figure)


if "snakemake" not in globals():  # run by hand: python scripts/q1_plot.py
    from hw4.smk import mock_snakemake

    snakemake = mock_snakemake("q1_plot")
with log_to(snakemake.log[0]):
    main(snakemake)
