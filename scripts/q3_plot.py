"""Rule q3_plot: the estimators' bias and variance, and the time per gradient (its legend reads the claims step's
regimes of the full gradient's time)."""

from hw4.io import read_json
from hw4.q3.plot import plot_estimators, plot_timing
from hw4.smk import run_script


def main(sm) -> None:
    plot_estimators(read_json(sm.input.estimators), sm.output.estimators)
    plot_timing(read_json(sm.input.timing), read_json(sm.input.claims)["timing"]["full_regimes"], sm.output.timing)


run_script(main, globals())
