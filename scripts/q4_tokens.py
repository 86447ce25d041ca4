"""Rule q4_tokens: the tokenizer items (4.4-4.6) and the model's hidden size and parameters (4.7-4.8)."""

from hw4.io import log_to, write_json
from hw4.q4.data import read_split_texts
from hw4.q4.tokens import tokenizer_items
from hw4.runtime import seed_everything


def main(sm) -> None:
    seed_everything(sm.params.seed, sm.threads)
    texts = read_split_texts([sm.input.train, sm.input.val, sm.input.test])
    p = sm.params.tokenizer
    result = tokenizer_items(dict(sm.params.model), p["sample_text"], p["encode_len"], texts, sm.params.seed)
    write_json(sm.output.results, result)


if "snakemake" not in globals():  # run by hand: python scripts/q4_tokens.py
    from hw4.smk import mock_snakemake

    snakemake = mock_snakemake("q4_tokens")
with log_to(snakemake.log[0]):
    main(snakemake)
