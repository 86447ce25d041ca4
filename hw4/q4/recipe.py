"""Problem 4: this run against the notebook's recipe, item by item.

The recipe is declared once: the full profile (config/full.yaml over config/config.yaml, schema defaults filled),
which sets every item as the notebook does. Each row of the table compares the settings that ran (and what the
run recorded: rows, device, precision) with it, and is marked same or different here, never in a template.
"""

from pathlib import Path

import yaml

from hw4.config import validate_config

# The course notebook's optimiser, which current transformers no longer has (the notebook uses torch's AdamW).
NOTEBOOK_OPTIMIZER = "transformers.AdamW (correct_bias=False)"
# The one command that answers Problem 4 on the assignment's data (shown when the bundled sample was used).
REAL_DATA_COMMAND = "snakemake -c all --configfile config/full.yaml"
REAL_DATA_LOCAL = "q4.data.source: local, with q4.data.path: your copy of reviews.csv"


def recipe_config(full_yaml: str | Path, schema: str | Path) -> dict:
    """The full profile's Problem 4 settings, the declared notebook recipe: ``full_yaml`` (config/full.yaml) on
    the schema's defaults only, so that an edit of the default profile can never change what the notebook did."""
    full = yaml.safe_load(Path(full_yaml).read_text(encoding="utf-8"))
    merged = validate_config({"q4": full["q4"]}, schema, source=str(full_yaml))
    return merged["q4"]


def _data_source(data_cfg: dict, file: str | None = None) -> str:
    source = data_cfg["source"]
    if source == "gdown":
        return "reviews.csv from Google Drive (gdown)"
    if source == "sample":
        return "the bundled sample_reviews.csv (fictional reviews, offline demo data)"
    return f"a local file, {file or Path(data_cfg['path']).name}"


def _same_source(run: dict, recipe: dict) -> bool:
    if run["source"] != recipe["source"]:
        return False
    if run["source"] == "gdown":
        return run["gdown_id"] == recipe["gdown_id"]
    if run["source"] == "local":
        return Path(run["path"]) == Path(recipe["path"])
    return True


def _split_text(split: dict, sizes) -> str:
    text = f"test_size {split['holdout']:g}, then {split['test_share']:g} of the rest"
    if sizes is not None:
        text += f" ({sizes[0]:,} / {sizes[1]:,} / {sizes[2]:,})"
    return text


def _padding_text(padding: str, max_len: int) -> str:
    if padding == "max_length":
        return f"batches in the split's order, each review padded to {max_len}"
    return "batches of similar length in random order, each padded to its longest review (speed)"


def _cleaning_text(clean: dict, removed=None) -> str:
    if removed:
        return "; ".join(f"{r['rows']:,} rows removed: {r['why']}" for r in removed)
    on = [name for name, value in clean.items() if value]
    return "none" if not on else "on: " + ", ".join(on)


def compare(run: dict, recipe: dict, data: dict, tokens: dict, train: dict, sample_sha256: str | None = None) -> dict:
    """The rows of the deviations table: item, the notebook's value, this run's value, same or not."""
    from hw4.q4.data import NOTEBOOK_SPLIT, split_sizes

    rd, nd, nt = run["data"], recipe["data"], recipe["train"]
    expected = nd.get("expected_rows")
    run_sizes = (data["split_sizes"]["train"], data["split_sizes"]["val"], data["split_sizes"]["test"])
    recipe_sizes = split_sizes(expected, **NOTEBOOK_SPLIT) if expected else None
    run_device, model = train["device"].split(":")[0], tokens["model"]["name"]

    def setting(key: str, item: str, name: str, text=str) -> tuple:  # a train setting, as the notebook and the run
        return key, item, text(nt[name]), text(train[name]), train[name] == nt[name]

    rows = [
        ("model", "Model", recipe["model"]["name"], model, model == recipe["model"]["name"]),
        ("data", "Data source", _data_source(nd), _data_source(rd, data["file"]), _same_source(rd, nd)),
        (
            "rows",
            "Rows (samples)",
            f"{expected:,}" if expected else "the file's",
            f"{data['n_samples']:,}"
            if data["rows_in_file"] == data["n_samples"]
            else f"{data['rows_in_file']:,} in the file, {data['n_samples']:,} samples",
            expected is not None and data["rows_in_file"] == expected,
        ),
        (
            "cleaning",
            "Rows removed",
            _cleaning_text(nd["clean"]),
            _cleaning_text(rd["clean"], data["removed"]),
            not data["removed"] and rd["clean"] == nd["clean"],
        ),
        (
            "split",
            "Split by train_test_split (sizes: train / val. / test)",
            _split_text(NOTEBOOK_SPLIT, recipe_sizes),
            _split_text(data["split"], run_sizes),
            data["split"] == NOTEBOOK_SPLIT,
        ),
        setting("max_len", "Max. length (tokens)", "max_len"),
        (
            "padding",
            "Padding and batches",
            _padding_text(nt["padding"], nt["max_len"]),
            _padding_text(train["padding"], train["max_len"]),
            train["padding"] == nt["padding"],
        ),
        setting("batch", "Batch size", "batch_size"),
        setting("epochs", "Epochs", "epochs"),
        ("seed", "Random seed", str(recipe["seed"]), str(data["seed"]), data["seed"] == recipe["seed"]),
        setting("lr", "Learning rate (linear decay, no warm-up)", "lr", lambda lr: f"{lr:.1e}"),
        (
            "optimizer",
            "Optimiser",
            NOTEBOOK_OPTIMIZER,
            f"{train['optimizer']}, weight decay {train['weight_decay']:g}"
            + (", bias-corrected" if train["optimizer"] == "torch.optim.AdamW" else ""),
            train["optimizer"] == NOTEBOOK_OPTIMIZER,
        ),
        setting("precision", "Precision", "precision"),
        ("device", "Device", nt["device"], run_device, run_device == nt["device"]),
    ]
    table = [{"key": k, "item": item, "notebook": a, "run": b, "same": bool(same)} for k, item, a, b, same in rows]
    different = [r["item"] for r in table if not r["same"]]
    return {
        "rows": table,
        "n_items": len(table),
        "n_different": len(different),
        "all_same": not different,
        "different": different,
        # the bundled demo file, however it was named in the config
        "sample_data": rd["source"] == "sample" or (sample_sha256 is not None and data.get("sha256") == sample_sha256),
        "real_data_command": REAL_DATA_COMMAND,
        "real_data_local": REAL_DATA_LOCAL,
        "recipe_profile": recipe["profile"],
        "run_profile": run["profile"],
    }
