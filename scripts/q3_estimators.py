"""Rule q3_estimators: bias and variance of the sampled gradient estimators against k."""

from hw4.io import log_to, write_json
from hw4.q3.skipgram import estimator_stats
from hw4.runtime import seed_everything


def main(sm) -> None:
    seed_everything(sm.params.seed, sm.threads)
    e = sm.params.estimators
    result = estimator_stats(
        e["d"],
        e["h"],
        e["zipf_exponent"],
        e["proposal_power"],
        e["score_noise"],
        e["k_values"],
        e["replicates"],
        e["chunk"],
        sm.params.seed,
    )
    write_json(sm.output.results, result)


if "snakemake" not in globals():  # run by hand: python scripts/q3_estimators.py
    from hw4.smk import mock_snakemake

    snakemake = mock_snakemake("q3_estimators")
with log_to(snakemake.log[0]):
    main(snakemake)
