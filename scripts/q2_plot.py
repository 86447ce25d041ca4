"""Rule q2_plot: the attention patterns, the scaling curves and the cost of each approximation."""

from hw4.io import read_json
from hw4.q2.plot import plot_cost, plot_patterns, plot_scaling
from hw4.smk import run_script


def main(sm) -> None:
    bench = read_json(sm.input.bench)
    plot_patterns(read_json(sm.input.verify)["patterns"], sm.output.patterns)
    plot_scaling(bench, sm.output.scaling)
    plot_cost(bench, read_json(sm.input.retrieval), sm.output.cost)


run_script(main, globals())
