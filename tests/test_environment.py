"""environment.yml (conda) and requirements.txt (pip) pin the same versions."""

import re

import yaml
from conftest import ROOT

PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s;#]+)$")


def pins(lines: list[str], where: str) -> dict[str, str]:
    """name (normalized as pip does) -> pinned version; every line must pin with ==."""
    out = {}
    for line in lines:
        m = PIN.match(line)
        assert m, f"{where}: '{line}' is not pinned with =="
        out[re.sub(r"[-_.]+", "-", m.group(1)).lower()] = m.group(2)
    return out


def test_environment_matches_requirements():
    lines = [line.strip() for line in (ROOT / "requirements.txt").read_text().splitlines()]
    pip = pins([line for line in lines if line and not line.startswith("#")], "requirements.txt")
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = pins(next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d), "environment.yml")
    for name, version in conda.items():
        assert name in pip, f"{name} pinned in environment.yml but missing from requirements.txt"
        assert pip[name] == version, f"{name}: environment.yml {version} != requirements.txt {pip[name]}"
