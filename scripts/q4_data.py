"""Rule q4_data: the reviews as the notebook reads them (items 4.1-4.3), and the train/val/test split."""

from hw4.io import log_to, write_json
from hw4.q4.data import prepare


def main(sm) -> None:
    splits = {"train": sm.output.train, "val": sm.output.val, "test": sm.output.test}
    result = prepare(sm.input.csv, splits, dict(sm.params.data), sm.params.seed)
    removed = ", ".join(f"{r['rows']} by {r['option']}" for r in result["removed"]) or "none (no cleaning option on)"
    print(f"{result['rows_in_file']} rows in the file; removed: {removed}; {result['n_samples']} samples")
    write_json(sm.output.results, result)


if "snakemake" not in globals():  # run by hand: python scripts/q4_data.py
    from hw4.smk import mock_snakemake

    snakemake = mock_snakemake("q4_data")
with log_to(snakemake.log[0]):
    main(snakemake)
