"""Config validation: defaults filled, bad keys and values named with what is allowed."""

from pathlib import Path

import pytest
import yaml
from conftest import ROOT, copy_project, run_snakemake

from hw4.config import ConfigError, load_config, validate_config

SCHEMA = ROOT / "config" / "schema.yaml"


def default_config():
    """What the default build reads: config/config.yaml with the schema's defaults filled in."""
    return load_config()


def test_default_config_is_valid():
    validate_config(default_config(), SCHEMA)


def test_defaults_are_filled():
    cfg = validate_config({}, SCHEMA)
    assert cfg["seed"] == 0 and cfg["q1"]["compare"]["repeats"] >= 1 and cfg["student"]["collaborators"] == []


def test_unknown_key_is_named_with_allowed_keys():
    cfg = default_config()
    cfg["q1"]["instancess"] = []
    with pytest.raises(ConfigError) as err:
        validate_config(cfg, SCHEMA, "config/config.yaml")
    msg = str(err.value)
    assert "config/config.yaml" in msg and "instancess" in msg and "allowed keys here" in msg and "instances" in msg


def test_bad_value_is_named_with_bounds():
    cfg = default_config()
    cfg["q1"]["instances"][1]["h"] = 0
    with pytest.raises(ConfigError) as err:
        validate_config(cfg, SCHEMA)
    assert "q1.instances[1].h" in str(err.value) and ">= 1" in str(err.value)


@pytest.mark.slow
def test_snakemake_refuses_bad_config(tmp_path: Path):
    work = copy_project(tmp_path / "p")
    proc = run_snakemake(work, "-n", config=("seed=-1",), check=False)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "seed" in out and ">= 0" in out and "Traceback" not in out


def test_even_conv_kernel_is_refused():
    cfg = default_config()
    cfg["q1"]["compare"]["conv_kernel"] = 4
    with pytest.raises(ConfigError) as err:
        validate_config(cfg, SCHEMA)
    assert "q1.compare.conv_kernel" in str(err.value) and "odd" in str(err.value)


def test_command_line_strings_become_their_schema_types():
    """Snakemake passes nested --config values as strings; they arrive as the schema's types."""
    cfg = default_config()
    cfg["q4"]["train"].update(epochs="2", lr="2e-5", max_len=" 64 ")
    cfg["q1"]["instances"][0]["h"] = "24"
    cfg["q4"]["data"]["clean"] = {"identical_rows": "true"}
    cfg["q4"]["data"]["expected_rows"] = "null"
    cfg["q4"]["model"]["name"] = "123"  # a string field keeps its text
    out = validate_config(cfg, SCHEMA)
    assert out["q4"]["train"]["epochs"] == 2 and isinstance(out["q4"]["train"]["epochs"], int)
    assert out["q4"]["train"]["lr"] == pytest.approx(2e-5) and out["q4"]["train"]["max_len"] == 64
    assert out["q1"]["instances"][0]["h"] == 24
    assert out["q4"]["data"]["clean"]["identical_rows"] is True and out["q4"]["data"]["expected_rows"] is None
    assert out["q4"]["model"]["name"] == "123"


def test_a_string_that_spells_no_number_is_still_refused():
    cfg = default_config()
    cfg["q4"]["train"]["epochs"] = "2.5"
    with pytest.raises(ConfigError, match=r"q4\.train\.epochs: '2\.5' is not of type 'integer'"):
        validate_config(cfg, SCHEMA)


@pytest.mark.slow
def test_snakemake_takes_a_nested_number_from_the_command_line(tmp_path: Path):
    work = copy_project(tmp_path / "p")
    proc = run_snakemake(work, "-n", "build/results/q4_train.json", config=("q4={train: {epochs: 2}}",))
    assert "rule q4_notebook:" in proc.stdout  # the notebook's run writes q4_train.json


def test_the_schema_is_the_one_place_defaults_are_written():
    """Every setting has its default in the schema; config/config.yaml holds only the student's block, so an
    edit of a default in one place cannot disagree with another copy (the learning rate once did)."""
    schema = yaml.safe_load(SCHEMA.read_text())

    def missing(node, path=""):
        out = []
        for key, sub in node.get("properties", {}).items():
            if "default" not in sub and key not in node.get("required", []):
                out.append(path + key)
            if sub.get("type") == "object":
                out += missing(sub, f"{path}{key}.")
        return out

    assert missing(schema) == []
    assert set(yaml.safe_load((ROOT / "config" / "config.yaml").read_text())) == {"student"}
    assert load_config()["q4"]["train"]["lr"] == 1.0e-4 and load_config(ROOT / "config" / "full.yaml")["q4"]["train"][
        "lr"
    ] == pytest.approx(2.0e-5)


def test_a_profile_that_is_not_a_mapping_is_named(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("- q4\n- epochs\n")
    with pytest.raises(ConfigError, match=r"bad.yaml: a profile must be a mapping of settings"):
        load_config(bad)
    from hw4.config import merge

    layer = {"q4": {"train": {"epochs": 1}}}
    merged = merge({"q5": {}}, layer)
    merged["q4"]["train"]["epochs"] = 5
    assert layer == {"q4": {"train": {"epochs": 1}}}  # the merge copies, never aliases a profile's values
