"""Config validation: defaults filled, bad keys and values named with what is allowed."""

from pathlib import Path

import pytest
import yaml
from conftest import ROOT, copy_project, run_snakemake

from hw4.config import ConfigError, validate_config

SCHEMA = ROOT / "config" / "schema.yaml"


def default_config():
    return yaml.safe_load((ROOT / "config" / "config.yaml").read_text())


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
