"""Rule marking: each problem's points and its sub-parts' (the homework's, split by marking.points)."""

from hw4.io import log_to, write_json
from hw4.marking import points_table


def main(sm) -> None:
    write_json(sm.output.results, points_table(dict(sm.params.points)))


if "snakemake" not in globals():  # run by hand: python scripts/marking.py
    from hw4.smk import mock_snakemake

    snakemake = mock_snakemake("marking")
with log_to(snakemake.log[0]):
    main(snakemake)
