"""Problem 4: the BERT sentiment notebook (data, tokenizer, model, training, evaluation, recipe)."""
