"""Rule q3_plot: the estimators' bias and variance, and the time per gradient (its legend reads the claims step's
regimes of the full gradient's time)."""

from hw4.io import log_to, read_json
from hw4.q3.plot import plot_estimators, plot_timing


def main(sm) -> None:
    plot_estimators(read_json(sm.input.estimators), sm.output.estimators)
    plot_timing(read_json(sm.input.timing), read_json(sm.input.claims)["timing"]["full_regimes"], sm.output.timing)


if "snakemake" not in globals():  # run by hand: python scripts/q3_plot.py
    from hw4.smk import mock_snakemake

    snakemake = mock_snakemake("q3_plot")
with log_to(snakemake.log[0]):
    main(snakemake)
