"""Rule q3_verify: the closed-form gradient against autograd (q3_check judges the agreement)."""

from hw4.io import log_to, write_json
from hw4.q3.skipgram import verify_autograd
from hw4.runtime import seed_everything


def main(sm) -> None:
    seed_everything(sm.params.seed, sm.threads)
    v = sm.params.verify
    write_json(sm.output.results, {"instances": verify_autograd(v["instances"], v["pairs"], sm.params.seed)})


if "snakemake" not in globals():  # run by hand: python scripts/q3_verify.py
    from hw4.smk import mock_snakemake

    snakemake = mock_snakemake("q3_verify")
with log_to(snakemake.log[0]):
    main(snakemake)
