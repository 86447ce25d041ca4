"""Rule q4_train: fine-tune the classifier (checkpointed every epoch, resumable), keep the best by val accuracy."""

from hw4.io import log_to, write_json
from hw4.q4.train import train
from hw4.runtime import machine_info


def main(sm) -> None:
    result = train(
        {"train": sm.input.train, "val": sm.input.val},
        dict(sm.params.model),
        dict(sm.params.train),
        sm.params.seed,
        sm.threads,
        sm.params.checkpoint_dir,
        sm.output.model,
    )
    result["machine"] = machine_info(sm.threads)
    write_json(sm.output.results, result)


if "snakemake" not in globals():  # run by hand: python scripts/q4_train.py
    from hw4.smk import mock_snakemake

    snakemake = mock_snakemake("q4_train")
with log_to(snakemake.log[0]):
    main(snakemake)
