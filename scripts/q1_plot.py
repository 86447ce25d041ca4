"""Rule q1_plot: the RNN/conv-net comparison figure."""

from hw4.io import read_json
from hw4.q1.plot import plot
from hw4.smk import run_script


def main(sm) -> None:
    plot(read_json(sm.input.fields), read_json(sm.input.compare), sm.output.figure)


run_script(main, globals())
