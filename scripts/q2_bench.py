"""Rule q2_bench: time and peak memory of the attention methods against T, side by side."""

from hw4.io import log_to, write_json
from hw4.q2.bench import run


def main(sm) -> None:
    p = sm.params
    settings = {"bench": p.bench, "d_head": p.d_head, "window": p.window, "features": p.features}
    write_json(sm.output.results, run(settings, p.seed))


if "snakemake" not in globals():  # run by hand: python scripts/q2_bench.py
    from hw4.smk import mock_snakemake

    snakemake = mock_snakemake("q2_bench")
with log_to(snakemake.log[0]):
    main(snakemake)
