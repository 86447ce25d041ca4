"""Rule q2_retrieval: needle retrieval at a distance, for every attention method."""

from hw4.io import log_to, write_json
from hw4.q2.retrieval import run_retrieval
from hw4.runtime import seed_everything


def main(sm) -> None:
    seed_everything(sm.params.seed, sm.threads)
    p, r = sm.params, sm.params.retrieval
    result = run_retrieval(r["T"], p.d_head, p.window, p.features, r["distances"], r["logit_gap"], r["trials"], p.seed)
    write_json(sm.output.results, result)


if "snakemake" not in globals():  # run by hand: python scripts/q2_retrieval.py
    from hw4.smk import mock_snakemake

    snakemake = mock_snakemake("q2_retrieval")
with log_to(snakemake.log[0]):
    main(snakemake)
