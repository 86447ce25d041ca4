"""Problem 4's deviations table: this run against the declared recipe (the full profile), item by item."""

import yaml
from conftest import ROOT

from hw4.config import merge as deep_merge
from hw4.config import validate_config
from hw4.q4.data import NOTEBOOK_SPLIT
from hw4.q4.recipe import NOTEBOOK_OPTIMIZER, compare, recipe_config

# The notebook's optimiser as hw4/q4/harvest.py records it (as the code names it).
TORCH_ADAMW = "torch.optim.AdamW"
FULL, SCHEMA = ROOT / "config" / "full.yaml", ROOT / "config" / "schema.yaml"


def default_q4() -> dict:
    return validate_config(yaml.safe_load((ROOT / "config" / "config.yaml").read_text()), SCHEMA)["q4"]


def full_q4() -> dict:
    """The settings a run of the full profile has: config/full.yaml over the default profile."""
    return deep_merge(default_q4(), yaml.safe_load(FULL.read_text())["q4"])


def results_for(q4: dict, rows: int, sizes, device: str, precision: str, removed=(), optimizer=TORCH_ADAMW):
    """q4_data, q4_tokens and q4_train as the notebook's run writes them for the settings ``q4``."""
    data = {
        "file": "reviews.csv",
        "rows_in_file": rows,
        "n_samples": rows - sum(r["rows"] for r in removed),
        "removed": list(removed),
        "split": dict(NOTEBOOK_SPLIT),
        "split_sizes": dict(zip(("train", "val", "test"), sizes, strict=True)),
        "seed": q4["seed"],
    }
    tokens = {"model": {"name": q4["model"]["name"]}}
    train = {k: q4["train"][k] for k in ("max_len", "padding", "batch_size", "epochs", "lr")}
    train.update(bucketed=q4["train"]["padding"] == "bucketed", device=device, precision=precision)
    train.update(optimizer=optimizer, weight_decay=0.0)
    return data, tokens, train


def marks(table) -> dict:
    return {r["key"]: r["same"] for r in table["rows"]}


def test_the_recipe_is_the_notebooks_item_by_item():
    r = recipe_config(FULL, SCHEMA)
    assert r["model"] == {"name": "bert-base-cased", "offline": False}
    assert r["data"]["source"] == "gdown" and r["data"]["gdown_id"] == "1zdmewp7ayS4js4VtrJEHzAheSW-5NBZv"
    assert r["data"]["expected_rows"] == 15746 and "split" not in r["data"]  # the split is the notebook's code
    assert not any(r["data"]["clean"].values())
    t = r["train"]
    assert (t["max_len"], t["padding"], t["batch_size"], t["epochs"], t["lr"]) == (160, "max_length", 16, 5, 2e-5)
    assert (t["precision"], t["device"]) == ("fp32", "cuda")
    assert NOTEBOOK_OPTIMIZER == "transformers.AdamW (correct_bias=False)"


def test_a_full_profile_run_is_the_recipe_but_for_the_optimiser_transformers_no_longer_has():
    recipe = recipe_config(FULL, SCHEMA)
    run = full_q4()
    table = compare(run, recipe, *results_for(run, 15746, (14171, 787, 788), "cuda:0", "fp32"))
    assert table["different"] == ["Optimiser"] and table["n_different"] == 1 and not table["all_same"]
    assert not table["sample_data"]
    rows = {r["key"]: r for r in table["rows"]}
    assert "(14,171 / 787 / 788)" in rows["split"]["notebook"] and rows["split"]["notebook"] == rows["split"]["run"]
    assert rows["optimizer"]["notebook"] == NOTEBOOK_OPTIMIZER
    assert rows["optimizer"]["run"] == "torch.optim.AdamW, weight decay 0, bias-corrected"
    # a run whose optimiser is recorded as the notebook's would match it everywhere
    data, tokens, train = results_for(run, 15746, (14171, 787, 788), "cuda:0", "fp32", optimizer=NOTEBOOK_OPTIMIZER)
    assert compare(run, recipe, data, tokens, train)["all_same"]
    # results split otherwise than the notebook are marked, with their sizes
    other = compare(run, recipe, {**data, "split": {"holdout": 0.2, "test_share": 0.5}}, tokens, train)
    assert other["different"] == ["Split by train_test_split (sizes: train / val. / test)"]
    assert next(r for r in other["rows"] if r["key"] == "split")["run"].startswith("test_size 0.2, then 0.5")


def test_the_default_profile_marks_each_departure():
    recipe = recipe_config(FULL, SCHEMA)
    run = default_q4()
    table = compare(run, recipe, *results_for(run, 674, (606, 34, 34), "cpu", "fp32"))
    m = marks(table)
    departures = ["model", "data", "rows", "max_len", "padding", "epochs", "lr", "optimizer", "device"]
    assert [k for k, same in m.items() if not same] == departures
    assert table["sample_data"] and table["real_data_command"] == "snakemake -c all --configfile config/full.yaml"
    assert table["n_different"] == 9 and table["n_items"] == len(table["rows"]) == 14
    assert m["seed"] and next(r for r in table["rows"] if r["key"] == "seed")["run"] == "42"  # the notebook's
    # another seed (another split and other initial weights) is a departure
    data, tokens, train = results_for(run, 674, (606, 34, 34), "cpu", "fp32")
    other = compare(run, recipe, {**data, "seed": 0}, tokens, train)
    assert "Random seed" in other["different"]
    # the bundled file under source: local is still the fictional sample
    local = deep_merge(run, {"data": {"source": "local", "path": "data/sample_reviews.csv"}})
    data, tokens, train = results_for(local, 674, (606, 34, 34), "cpu", "fp32")
    for sha, sample in (("ab", True), ("cd", False)):
        table = compare(local, recipe, {**data, "sha256": sha * 32}, tokens, train, sample_sha256="ab" * 32)
        assert table["sample_data"] == sample


def test_a_scraped_file_with_cleaning_and_speed_options_is_marked():
    """A user's local scrape of 360 rows, identical rows removed, bf16 and bucketed padding on a GPU."""
    recipe = recipe_config(FULL, SCHEMA)
    scrape = {"source": "local", "path": "my/reviews.csv", "expected_rows": None, "clean": {"identical_rows": True}}
    run = deep_merge(full_q4(), {"data": scrape, "train": {"padding": "bucketed", "precision": "bf16"}})
    removed = [{"option": "identical_rows", "rows": 3, "why": "identical in every column"}]
    table = compare(run, recipe, *results_for(run, 360, (322, 18, 17), "cuda", "bf16", removed))
    departures = {"data", "rows", "cleaning", "padding", "precision", "optimizer"}
    assert {k for k, same in marks(table).items() if not same} == departures
    rows = {r["key"]: r for r in table["rows"]}
    assert rows["rows"]["run"] == "360 in the file, 357 samples" and rows["rows"]["notebook"] == "15,746"
    assert rows["cleaning"]["run"] == "3 rows removed: identical in every column"
    assert "bucketed" not in rows["padding"]["run"] and "padded to its longest" in rows["padding"]["run"]


def test_editing_the_default_profile_never_changes_the_recipe(tmp_path):
    """The default profile's values are the schema's defaults; config/full.yaml sets every recipe item itself, so
    editing those defaults leaves the recipe as it is."""
    cfg = tmp_path / "config"
    cfg.mkdir()
    (cfg / "full.yaml").write_text(FULL.read_text())
    schema = SCHEMA.read_text()
    for old, new in (
        ("default: 1.0e-4", "default: 0.1"),
        ("default: 42", "default: 7"),
        ("default: 128", "default: 64"),
    ):
        assert old in schema, old
        schema = schema.replace(old, new, 1)
    (cfg / "schema.yaml").write_text(schema)
    assert recipe_config(cfg / "full.yaml", cfg / "schema.yaml") == recipe_config(FULL, SCHEMA)
