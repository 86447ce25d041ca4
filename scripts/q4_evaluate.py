"""Rule q4_evaluate: the best model on the test split (4.11-4.12) and on the raw text (4.13)."""

from hw4.io import log_to, write_json
from hw4.q4.evaluate import evaluate


def main(sm) -> None:
    result = evaluate(
        sm.input.test,
        sm.input.model,
        dict(sm.params.model),
        dict(sm.params.train),
        sm.params.raw_text,
        sm.params.seed,
        sm.threads,
    )
    print(f"test accuracy {result['test_acc']:.4f}; hardest class {result['hardest']['class']}")
    write_json(sm.output.results, result)


if "snakemake" not in globals():  # run by hand: python scripts/q4_evaluate.py
    from hw4.smk import mock_snakemake

    snakemake = mock_snakemake("q4_evaluate")
with log_to(snakemake.log[0]):
    main(snakemake)
