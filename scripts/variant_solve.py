"""Rule variant_solve: one variant's derivations, exact counts, exact checks and claims (Problems 1-3)."""

from pathlib import Path

from hw4.io import log_to, write_json
from hw4.variants import OWN_RESULTS, solve


def main(sm) -> None:
    shared = {name: sm.input[name] for name in sm.input.keys() if name != "code"}
    results = solve(sm.params.variant, dict(sm.params.settings), shared)
    for name in OWN_RESULTS:
        write_json(sm.output[name], results[name])
    write_json(sm.output.variant, {"id": sm.wildcards.vid, "seed": sm.params.seed, "params": sm.params.variant})
    print(f"variant {sm.wildcards.vid}: {sm.params.variant} -> {Path(sm.output.variant).parent}")


if "snakemake" not in globals():  # run by hand: python scripts/variant_solve.py vid=v001
    from hw4.smk import mock_snakemake

    snakemake = mock_snakemake("variant_solve")
with log_to(snakemake.log[0]):
    main(snakemake)
