"""environment.yml (conda) and requirements.txt (pip) pin the same versions."""

import re

import yaml
from conftest import ROOT

PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s;#]+)$")


def norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pip_pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        m = PIN.match(line)
        assert m, f"requirements.txt: '{line}' is not pinned with =="
        pins[norm(m.group(1))] = m.group(2)
    return pins


def conda_pins() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    out = {}
    for line in pip_section:
        m = PIN.match(line)
        assert m, f"environment.yml: '{line}' is not pinned with =="
        out[norm(m.group(1))] = m.group(2)
    return out


def test_environment_matches_requirements():
    pip, conda = pip_pins(), conda_pins()
    for name, version in conda.items():
        assert name in pip, f"{name} pinned in environment.yml but missing from requirements.txt"
        assert pip[name] == version, f"{name}: environment.yml {version} != requirements.txt {pip[name]}"
