"""Rule q2_plot: the attention patterns, the scaling curves and the cost of each approximation."""

from hw4.io import log_to, read_json
from hw4.q2.plot import plot_cost, plot_patterns, plot_scaling


def main(sm) -> None:
    bench = read_json(sm.input.bench)
    plot_patterns(read_json(sm.input.verify)["patterns"], sm.output.patterns)
    plot_scaling(bench, sm.output.scaling)
    plot_cost(bench, read_json(sm.input.retrieval), sm.output.cost)


if "snakemake" not in globals():  # run by hand: python scripts/q2_plot.py
    from hw4.smk import mock_snakemake

    snakemake = mock_snakemake("q2_plot")
with log_to(snakemake.log[0]):
    main(snakemake)
