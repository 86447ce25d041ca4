"""The autograder's tests of Problem 4's notebook, one or more per item (otter-grader's exception-based tests).

A test is a function named ``q4_<item>_<what>``; its arguments are names of the notebook's globals (the course
notebook's interfaces: ``df``, ``tokenizer``, ``train_epoch`` ...), which otter passes in after running the
submission. A test fails with an assertion whose message names what is wrong: it reaches the student's feedback.
Each test reads what its item makes, and calls the item's functions on data of its own: a wrong item fails its own
tests. Items 10 to 13 run on what the earlier items made (the data frames, the two functions): where an earlier
item's code stops the notebook, they cannot run either. What an item's cell prints and draws is
``q4_<item>_output`` (IPython's captured output: ``.stdout``, ``.outputs``), kept by the grading plugin
(hw4/q4/otter_plugin.py), which also sets ``HW4_GRADING``; a student running otter's checks without it skips
those checks.
hw4/q4/grading.py turns this file into the questions of the otter master notebook; the points are
build/results/marking.json's.
"""


def q4_1_samples(df, REVIEWS_CSV, q4_1_output, HW4_GRADING):
    import pandas as pd

    rows = len(pd.read_csv(REVIEWS_CSV))
    assert len(df) == rows, f"df has {len(df)} rows, but the reviews file has {rows}: every review is a sample"
    if q4_1_output is None:  # only the grader keeps what the cell showed
        assert not HW4_GRADING, "the item's cell (headed # TODO: Q1.) is missing"
        return
    shown = q4_1_output.stdout + "".join(o.data.get("text/plain", "") for o in q4_1_output.outputs)
    assert str(rows) in shown, f"print the number of samples ({rows}): the cell shows {shown.strip()[:80]!r}"


def q4_2_scores(df, q4_2_output, HW4_GRADING):
    assert df.score.between(1, 5).all(), "the review scores should stay integers from 1 to 5"
    if q4_2_output is None:  # only the grader keeps what the cell showed
        assert not HW4_GRADING, "the item's cell (headed # TODO: Q2.) is missing"
        return
    drawn = [o for o in q4_2_output.outputs if "image/png" in o.data or "image/svg+xml" in o.data]
    assert drawn, "draw the histogram of the review scores in the item's cell (no figure was shown)"


def q4_3_sentiment(df, class_names):
    assert "sentiment" in df.columns, "df should have a column sentiment (the data set reads it)"
    want = df.score.map(lambda s: 0 if s <= 2 else (1 if s == 3 else 2))
    wrong = int((df.sentiment != want).sum())
    assert wrong == 0, f"{wrong} reviews have the wrong class: scores 1-2 are 0 (negative), 3 is 1, 4-5 are 2"
    assert list(class_names) == ["negative", "neutral", "positive"], "class_names should name the classes 0, 1, 2"


def q4_4_tokens(tokenizer, sample_txt, tokens, token_ids):
    assert tokens is not None and token_ids is not None, "keep the pieces in tokens and their ids in token_ids"
    assert list(tokens) == tokenizer.tokenize(sample_txt), "tokens should be tokenizer.tokenize(sample_txt)"
    want = tokenizer.convert_tokens_to_ids(tokenizer.tokenize(sample_txt))
    assert list(token_ids) == want, "token_ids should be the ids of the tokens (convert_tokens_to_ids)"


def q4_5_encoding(tokenizer, encoding, q4_5_output, HW4_GRADING):
    if q4_5_output is None:  # only the grader keeps what the cell showed
        assert not HW4_GRADING, "the item's cell (headed # TODO: Q5.) is missing"
        return
    inverted = tokenizer.convert_ids_to_tokens([int(i) for i in encoding["input_ids"][0]])
    shown = q4_5_output.stdout + "".join(o.data.get("text/plain", "") for o in q4_5_output.outputs)
    missing = [t for t in (inverted[0], inverted[1], tokenizer.sep_token, tokenizer.pad_token) if t not in shown]
    assert not missing, f"show the 32 ids inverted to tokens ({inverted[:3]} ...): {missing} not shown"


def q4_6_split(df, df_train, df_val, df_test):
    assert all(d is not None for d in (df_train, df_val, df_test)), "make the frames df_train, df_val and df_test"
    n = len(df)
    sizes = (len(df_train), len(df_val), len(df_test))
    held_out = -(-n // 10)  # train_test_split rounds the test share up
    assert sum(sizes) == n, f"the three frames hold {sum(sizes)} rows, df has {n}: every review in one of them"
    assert abs(sizes[0] - (n - held_out)) <= 1, (
        f"train should hold 90 % of the {n} reviews ({n - held_out}), not {sizes[0]}"
    )
    assert abs(sizes[1] - sizes[2]) <= 1, f"validation and test should halve the held-out 10 %: {sizes[1:]}"
    index = [set(d.index) for d in (df_train, df_val, df_test)]
    assert not (index[0] & index[1] or index[0] & index[2] or index[1] & index[2]), "the frames share reviews"


def q4_7_shapes(bert_model, last_hidden_state, pooled_output):
    assert last_hidden_state is not None and pooled_output is not None, "keep last_hidden_state and pooled_output"
    hidden = bert_model.config.hidden_size
    assert tuple(last_hidden_state.shape) == (1, 32, hidden), (
        f"last_hidden_state should be (1, 32, {hidden}), not {tuple(last_hidden_state.shape)}"
    )
    assert tuple(pooled_output.shape) == (1, hidden), f"pooled_output should be (1, {hidden})"


def q4_8_train_epoch(train_epoch):
    import torch
    from torch import nn

    assert callable(train_epoch), (
        "define train_epoch(model, data_loader, loss_fn, optimizer, device, scheduler, n_examples)"
    )

    class Tiny(nn.Module):  # a dropout and a linear layer
        def __init__(self):
            super().__init__()
            self.drop, self.out = nn.Dropout(p=0.5), nn.Linear(4, 3)

        def forward(self, input_ids, attention_mask):
            return self.out(self.drop(input_ids.float() * attention_mask.float()))

    torch.manual_seed(0)
    model = Tiny()
    batches = [  # batches of 4 and 3 in the data set's keys: 7 examples
        {
            "review_text": ["a"] * size,
            "input_ids": torch.randint(1, 5, (size, 4)),
            "attention_mask": torch.ones(size, 4, dtype=torch.long),
            "targets": torch.tensor([0, 1, 2, 1][:size]),
        }
        for size in (4, 3)
    ]
    seen = []  # the logits of each forward pass: the accuracy and the loss they give are known
    model.register_forward_hook(lambda module, args, out: seen.append(out.detach().clone()))
    before = [p.detach().clone() for p in model.parameters()]
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5)
    loss_fn = nn.CrossEntropyLoss()
    acc, loss = train_epoch(model, batches, loss_fn, optimizer, torch.device("cpu"), scheduler, 7)
    assert model.training, "train_epoch should put the model in training mode (model.train())"
    assert all(not torch.equal(a, b) for a, b in zip(before, model.parameters())), "no optimizer step was taken"
    assert len(seen) == 2, f"one forward pass per batch (2 here), not {len(seen)}"
    correct = sum(int((out.argmax(1) == b["targets"]).sum()) for out, b in zip(seen, batches))
    assert abs(float(acc) - correct / 7) < 1e-9, f"accuracy should be correct / n_examples = {correct}/7, not {acc}"
    want = sum(float(loss_fn(out, b["targets"])) for out, b in zip(seen, batches)) / 2
    assert abs(float(loss) - want) < 1e-5, f"the loss should be the mean of the batch losses, {want:.4f}, not {loss}"


def q4_8_clipping_and_schedule(env, train_epoch):
    import torch
    from torch import nn

    assert callable(train_epoch), (
        "define train_epoch(model, data_loader, loss_fn, optimizer, device, scheduler, n_examples)"
    )
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 3))
    batches = [
        {
            "review_text": ["a"] * 4,
            "input_ids": torch.randint(1, 5, (4, 4)),
            "attention_mask": torch.ones(4, 4, dtype=torch.long),
            "targets": torch.tensor([0, 1, 2, 1]),
        }
        for _ in range(2)
    ]

    class Wrapped(nn.Module):  # the classifier's signature
        def __init__(self):
            super().__init__()
            self.inner = model

        def forward(self, input_ids, attention_mask):
            return self.inner(input_ids.float() * attention_mask.float())

    wrapped = Wrapped()
    optimizer = torch.optim.SGD(wrapped.parameters(), lr=0.1)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5)
    clipped, clip = [], nn.utils.clip_grad_norm_

    def spy(parameters, max_norm, *args, **kwargs):
        clipped.append(max_norm)
        return clip(parameters, max_norm, *args, **kwargs)

    # however the notebook reaches it: nn.utils.clip_grad_norm_, or the name imported into the notebook
    imported = env.get("clip_grad_norm_") if env.get("clip_grad_norm_") is clip else None
    nn.utils.clip_grad_norm_ = spy
    if imported is not None:
        env["clip_grad_norm_"] = spy
    try:
        train_epoch(wrapped, batches, nn.CrossEntropyLoss(), optimizer, torch.device("cpu"), scheduler, 8)
    finally:
        nn.utils.clip_grad_norm_ = clip
        if imported is not None:
            env["clip_grad_norm_"] = clip
    assert scheduler.last_epoch == 2, f"the scheduler should step once per batch (2 here), not {scheduler.last_epoch}"
    assert len(clipped) == 2 and all(float(m) == 1.0 for m in clipped), "clip the gradient norm at 1.0 in every batch"


def q4_9_eval_model(eval_model):
    import torch
    from torch import nn

    assert callable(eval_model), "define eval_model(model, data_loader, loss_fn, device, n_examples)"

    class Tiny(nn.Module):  # a dropout and a linear layer: its answers are known
        def __init__(self):
            super().__init__()
            self.drop, self.out = nn.Dropout(p=0.5), nn.Linear(4, 3)

        def forward(self, input_ids, attention_mask):
            return self.out(self.drop(input_ids.float() * attention_mask.float()))

    torch.manual_seed(0)
    model = Tiny()
    batches = [  # two batches of 4 in the data set's keys
        {
            "review_text": ["a"] * 4,
            "input_ids": torch.randint(1, 5, (4, 4)),
            "attention_mask": torch.ones(4, 4, dtype=torch.long),
            "targets": torch.tensor([0, 1, 2, 1]),
        }
        for _ in range(2)
    ]
    before = [p.detach().clone() for p in model.parameters()]
    loss_fn = nn.CrossEntropyLoss()
    acc, loss = eval_model(model, batches, loss_fn, torch.device("cpu"), 8)
    assert not model.training, "eval_model should put the model in evaluation mode (model.eval())"
    assert all(torch.equal(a, b) for a, b in zip(before, model.parameters())), "eval_model must not update weights"
    with torch.no_grad():
        logits = [model(b["input_ids"], b["attention_mask"]) for b in batches]
    correct = sum(int((lg.argmax(1) == b["targets"]).sum()) for lg, b in zip(logits, batches))
    assert abs(float(acc) - correct / 8) < 1e-9, f"accuracy should be {correct}/8 correct, not {float(acc)}"
    want = sum(float(loss_fn(lg, b["targets"])) for lg, b in zip(logits, batches)) / 2
    assert abs(float(loss) - want) < 1e-5, f"the loss should be the mean batch loss, {want:.4f}, not {float(loss)}"


def q4_10_training(history, EPOCHS, df_val):
    import os

    assert history is not None, "collect the per-epoch numbers in history, a defaultdict(list)"
    for key in ("train_acc", "train_loss", "val_acc", "val_loss"):
        assert len(history[key]) == EPOCHS, f"history['{key}'] should hold one value per epoch ({EPOCHS})"
    assert os.path.exists("best_model_state.bin"), "save the best model's state_dict to best_model_state.bin"
    chance = df_val.sentiment.value_counts(normalize=True).max()
    best = max(float(a) for a in history["val_acc"])
    assert best > chance, f"the best validation accuracy {best:.3f} is not above chance ({chance:.3f})"


def q4_11_history(history, q4_11_output, HW4_GRADING):
    assert history is not None and len(history["train_acc"]) == len(history["val_acc"]) > 0, "history is empty"
    if q4_11_output is None:  # only the grader keeps what the cell showed
        assert not HW4_GRADING, "the item's cell (headed # TODO: Q11.) is missing"
        return
    drawn = [o for o in q4_11_output.outputs if "image/png" in o.data or "image/svg+xml" in o.data]
    assert drawn, "plot train and validation accuracy against the epoch in the item's cell (no figure was shown)"


def q4_12_confusion(env, y_test, y_pred, q4_12_output, HW4_GRADING):
    from sklearn.metrics import confusion_matrix

    got = env.get("cm", env.get("df_cm"))
    if got is not None:  # the course names it cm (and df_cm, its data frame)
        want = confusion_matrix(y_test, y_pred, labels=range(3))
        assert (getattr(got, "values", got) == want).all(), "cm should be confusion_matrix(y_test, y_pred)"
    if q4_12_output is None:  # only the grader keeps what the cell showed
        assert not HW4_GRADING, "the item's cell (headed # TODO: Q12.) is missing"
        return
    drawn = [o for o in q4_12_output.outputs if "image/png" in o.data or "image/svg+xml" in o.data]
    assert drawn, "plot the confusion matrix in the item's cell (no figure was shown)"


def q4_13_prediction(model, encoded_review, device, prediction, class_names, q4_13_output, HW4_GRADING):
    import torch

    assert encoded_review is not None and prediction is not None, "keep encoded_review and prediction"
    model.eval()
    with torch.no_grad():
        out = model(encoded_review["input_ids"].to(device), encoded_review["attention_mask"].to(device))
    want = int(out.argmax(dim=1).item())
    assert int(prediction) == want, f"prediction should be the class with the highest score, {want}"
    if q4_13_output is None:  # only the grader keeps what the cell showed
        assert not HW4_GRADING, "the item's cell (headed # TODO: Q13.) is missing"
        return
    shown = q4_13_output.stdout + "".join(o.data.get("text/plain", "") for o in q4_13_output.outputs)
    assert class_names[want] in shown, f"print the predicted sentiment by name ({class_names[want]})"
