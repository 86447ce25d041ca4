"""Config validation: defaults filled, bad keys and values named with what is allowed."""

from pathlib import Path

import pytest
import yaml
from conftest import ROOT, copy_project, run_snakemake

from hw4.config import ConfigError, load_config, validate_config

SCHEMA = ROOT / "config" / "schema.yaml"


def test_defaults_are_filled():
    cfg = validate_config({}, SCHEMA)
    assert cfg["seed"] == 0 and cfg["q1"]["compare"]["repeats"] >= 1 and cfg["student"]["collaborators"] == []
    assert validate_config(load_config(), SCHEMA) == load_config()  # the default build's config: valid, complete


# A bad setting, the start of the line that names it, and what that line says is allowed.
BAD = [
    (
        {"q1": {"instancess": []}},
        "q1: Additional properties are not allowed ('instancess'",
        "(allowed keys here: compare, instances,",
    ),
    (
        {"q1": {"instances": [{"n": 5, "c": 3, "h": 0}]}},
        "q1.instances[0].h: 0 is less",
        "(allowed: type integer; >= 1;",
    ),
    ({"q1": {"compare": {"conv_kernel": 4}}}, "q1.compare.conv_kernel: 4 should not", "; odd kernel size"),
    ({"q4": {"train": {"epochs": "2.5"}}}, "q4.train.epochs: '2.5' is not of type 'integer'", ">= 1"),  # not an int
]


@pytest.mark.parametrize(("config", "where", "allowed"), BAD)
def test_a_bad_setting_is_named_with_what_is_allowed(config, where, allowed):
    with pytest.raises(ConfigError) as err:
        validate_config(config, SCHEMA, "config/config.yaml")
    header, line = str(err.value).splitlines()
    assert header.startswith("config/config.yaml: invalid configuration (1 problem(s)); schema: ")
    assert line.startswith(f"  - {where}") and allowed in line


@pytest.mark.slow
def test_snakemake_refuses_bad_config(tmp_path: Path):
    work = copy_project(tmp_path / "p")
    proc = run_snakemake(work, "-n", config=("seed=-1",), check=False)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "seed" in out and ">= 0" in out and "Traceback" not in out


def test_command_line_strings_become_their_schema_types():
    """Snakemake passes nested --config values as strings; they arrive as the schema's types."""
    cfg = load_config()
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
    assert load_config()["q4"]["train"]["lr"] == 1.0e-4
    assert load_config(ROOT / "config" / "full.yaml")["q4"]["train"]["lr"] == pytest.approx(2.0e-5)


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
