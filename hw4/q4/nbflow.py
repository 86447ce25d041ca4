"""Problem 4 as a notebook: the notebook's own cells, between the items (set-up, data, training, the calls that
show each item's answer).

hw4/q4/notebook.py assembles build/hw4_q4.ipynb from the regions of ``cells`` below and from the package regions
that the PDF shows (each item's code, as the course's notebook asks the student to complete it); Jupyter runs the
cells top to bottom, at module level. ``cells`` itself is never called: it keeps the notebook's code in the package,
where ruff checks it, in the order the notebook runs it. Its names are those of the package functions whose bodies
it mirrors (``model_cfg``, ``train_cfg``, ``seed``, ``device``, ...), so that an item reads the same in the PDF and
in the notebook.
"""

# The cells define names for the item cells that run between them (the training loop uses val_loader, time,
# checkpoint, ...): here those look unused.
# ruff: noqa: F401, F841
# The items' own code: in the notebook, each is defined by its item cell (the same regions as the PDF's listings).
from hw4.q4.data import split_reviews, to_sentiment
from hw4.q4.evaluate import predict_text
from hw4.q4.metrics import confusion_matrix, per_class_metrics
from hw4.q4.plot import draw_classes, draw_confusion, draw_history, draw_scores
from hw4.q4.tokens import encode_and_invert, hidden_sizes, tokens_and_ids
from hw4.q4.train import eval_model, train_epoch


def cells(CONFIG: dict) -> None:  # noqa: N803 (the notebook's name for its settings)
    # region: nb_setup
    import importlib
    import importlib.util
    import os
    import subprocess
    import sys
    import warnings

    warnings.filterwarnings("ignore", message="IProgress not found")  # progress bars as text, without ipywidgets

    # A fresh runtime (Colab): install the packages that are missing, at the versions this notebook ran with (those
    # the runtime already has are kept as they are).
    missing = [spec for module, spec in CONFIG["packages"].items() if importlib.util.find_spec(module) is None]
    if missing:
        subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", *missing])
    if importlib.util.find_spec("hw4") is None:  # the project's helper code travels inside this notebook
        import base64
        import io
        import zipfile

        zipfile.ZipFile(io.BytesIO(base64.b64decode(globals()["HW4_PACKAGE"]))).extractall(".")
        sys.path.insert(0, os.getcwd())
        importlib.invalidate_caches()
    # endregion

    # region: nb_imports
    import time
    from pathlib import Path

    import numpy as np
    import pandas as pd
    import torch
    from IPython.display import display
    from torch import nn
    from tqdm.auto import tqdm

    from hw4.plotting import plt
    from hw4.q4.data import (
        CLASS_NAMES,
        ReviewDataError,
        class_summary,
        clean_reviews,
        load_reviews,
        score_summary,
        split_sizes,
        write_splits,
    )
    from hw4.q4.fetch import fetch_reviews
    from hw4.q4.metrics import hardest_class
    from hw4.q4.model import SentimentClassifier, autocast_dtype, load_pretrained, make_optimizer
    from hw4.q4.train import _to, checkpoint, encode_reviews, finished_run, make_loader, resume, save_best, training_key
    from hw4.runtime import pick_device, seed_everything

    try:  # in Jupyter: figures inline (hw4.plotting chose the file-only backend for the pipeline)
        get_ipython().run_line_magic("matplotlib", "inline")
    except NameError:  # a plain script: figures stay in memory
        pass
    model_cfg, train_cfg, seed, threads = CONFIG["model"], CONFIG["train"], CONFIG["seed"], CONFIG["threads"]
    seed_everything(seed, threads)
    # endregion

    # region: nb_load
    data_cfg, csv = CONFIG["data"], Path(CONFIG["data_path"])
    if data_cfg["source"] == "gdown" and not csv.exists():  # the notebook's download, once
        csv.parent.mkdir(parents=True, exist_ok=True)
        fetch_reviews(data_cfg["gdown_id"], csv, data_cfg.get("gdown_sha256"))
    df = load_reviews(
        csv, fix="upload the reviews CSV and set CONFIG['data_path'] to it, or set CONFIG['data']['source'] to 'gdown'"
    )
    df, removed = clean_reviews(df, data_cfg.get("clean", {}))
    df.head()
    # endregion

    # region: nb_q1
    df.shape[0]
    # endregion

    # region: nb_q2
    scores = score_summary(df)
    print(f"most common score: {scores['most_common_score']}")
    fig = draw_scores(scores)
    # endregion

    # region: nb_q3
    df["sentiment"] = df["score"].map(to_sentiment)
    print(class_summary(df)["class_counts"])
    fig = draw_classes(class_summary(df))
    # endregion

    # region: nb_tokenizer
    tokenizer, bert = load_pretrained(model_cfg["name"], model_cfg.get("offline", False))
    sample_txt = CONFIG["tokenizer"]["sample_text"]
    review_text = CONFIG["raw_text"]
    # endregion

    # region: nb_q4
    tokens = tokens_and_ids(tokenizer, sample_txt)
    print(f"Sentence: {sample_txt}")
    print(f"   Tokens: {tokens['tokens']}")
    print(f"Token IDs: {tokens['ids']}")
    # endregion

    # region: nb_q5
    encoding = encode_and_invert(tokenizer, sample_txt, CONFIG["tokenizer"]["encode_len"])
    print(encoding["input_ids"])
    print(encoding["attention_mask"])
    print(encoding["inverted"])
    # endregion

    # region: nb_q6
    df_train, df_val, df_test = split_reviews(df, data_cfg["split"]["holdout"], data_cfg["split"]["test_share"], seed)
    print(df_train.shape, df_val.shape, df_test.shape)
    # endregion

    # region: nb_q7
    hidden = hidden_sizes(bert, tokenizer, sample_txt, CONFIG["tokenizer"]["encode_len"])
    print("last_hidden_state:", hidden["last_hidden_state"], " pooler_output:", hidden["pooler_output"])
    # endregion

    # region: nb_training_setup
    # The frames as the pipeline writes them: training is fingerprinted by these files and the settings.
    splits = {name: Path(CONFIG["work_dir"]) / f"{name}.csv" for name in ("train", "val", "test")}
    write_splits({"train": df_train, "val": df_val, "test": df_test}, splits)
    frames = {k: pd.read_csv(v, dtype={"content": str}, keep_default_na=False) for k, v in splits.items()}
    device = pick_device(train_cfg["device"], key="q4.train.device")
    amp_dtype = autocast_dtype(device, train_cfg["precision"])
    ids = {k: encode_reviews(tokenizer, f["content"], train_cfg["max_len"]) for k, f in frames.items()}
    torch.manual_seed(seed)  # the new linear layer's initial weights
    model = SentimentClassifier(bert, 3, model_cfg["dropout"]).to(device)
    pad, bs = tokenizer.pad_token_id, train_cfg["batch_size"]
    batching = {"padding": train_cfg["padding"], "max_len": train_cfg["max_len"]}
    train_loader = make_loader(ids["train"], frames["train"]["sentiment"], bs, True, seed, device, pad, **batching)
    val_loader = make_loader(ids["val"], frames["val"]["sentiment"], bs, False, seed, device, pad, **batching)
    test_loader = make_loader(ids["test"], frames["test"]["sentiment"], bs, False, seed, device, pad, **batching)
    optimizer = make_optimizer(
        model, train_cfg["lr"], device, train_cfg["weight_decay"], bias_correction=train_cfg["bias_correction"]
    )
    epochs, max_grad_norm = train_cfg["epochs"], train_cfg["max_grad_norm"]
    loss_fn = nn.CrossEntropyLoss()
    total_steps = len(train_loader) * epochs
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: max(0.0, 1 - s / total_steps))  # no warm-up
    ckpt_dir = Path(CONFIG["work_dir"]) / "checkpoints"
    ckpt_dir.mkdir(parents=True, exist_ok=True)
    key = training_key(model_cfg, train_cfg, seed, splits, device)
    # No double training: the pipeline's trained model for these very settings (same fingerprint) is loaded.
    done = finished_run(CONFIG["trained"]["results"], CONFIG["trained"]["model"], key)
    if done is not None:
        model.load_state_dict(done["model"])
        history, best_acc, start = done["history"], done["best_val_acc"], epochs
        print(
            f"Loaded the trained model of the pipeline's run with these settings (fingerprint {key}): not training again."
        )
    else:
        history, best_acc, start = resume(model, optimizer, scheduler, device, ckpt_dir, key, epochs)
    # endregion

    # region: nb_q10
    display(pd.DataFrame(history).set_index("epoch")[["train_loss", "train_acc", "val_loss", "val_acc"]].round(4))
    # endregion

    # region: nb_after_training
    if done is None:  # trained here: the best epoch's weights, as the pipeline keeps them
        model.load_state_dict(torch.load(ckpt_dir / "best.pt", map_location="cpu", weights_only=False)["model"])
    best_epoch = max(history, key=lambda h: h["val_acc"])["epoch"]
    print(f"best validation accuracy {max(h['val_acc'] for h in history):.4f} after epoch {best_epoch}")
    # endregion

    # region: nb_q11
    fig = draw_history({"history": history, "best_epoch": best_epoch})
    # endregion

    # region: nb_q12
    test_acc, test_loss, labels, probs = eval_model(model, test_loader, loss_fn, device, amp_dtype, True)
    cm = confusion_matrix(labels.numpy(), probs.argmax(dim=1).numpy())
    print(f"test accuracy {test_acc:.4f} on {len(labels)} reviews")
    scores = per_class_metrics(cm)
    display(pd.DataFrame(scores).set_index("class").round(3))
    hardest = hardest_class(cm, metrics=scores)
    print(f"hardest class: {hardest['class']} (lowest F1, {hardest['f1']:.3f})")
    if hardest["small_test_set"]:
        print(f"(with {len(labels)} test reviews, one review more or less moves these scores: a weak ranking)")
    fig = draw_confusion({"confusion": cm.tolist(), "class_names": CLASS_NAMES})
    # endregion

    # region: nb_q13
    raw = predict_text(model, tokenizer, review_text, train_cfg["max_len"], device)
    print(f"Review text: {raw['text']}")
    print(f"Sentiment  : {raw['prediction']}")
    # endregion
