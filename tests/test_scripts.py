"""scripts/ holds rule entries only: one per rule, thin (the logic is in hw4/), each runnable by hand."""

import ast
import json
import os
import subprocess
import sys

import pytest
from conftest import ROOT, copy_project, run_snakemake

SCRIPTS = sorted((ROOT / "scripts").glob("*.py"))
RULE_SCRIPTS = """
import json, sys
from pathlib import Path
from snakemake.api import SnakemakeApi
from snakemake.settings.types import ConfigSettings, OutputSettings, ResourceSettings
work = Path(sys.argv[1])
with SnakemakeApi(OutputSettings(quiet={"all"})) as api:
    wf = api.workflow(resource_settings=ResourceSettings(), config_settings=ConfigSettings(),
                      snakefile=work / "Snakefile", workdir=work)._workflow
    print(json.dumps({r.name: str(r.script) if r.script else None for r in wf.rules}))
"""


@pytest.fixture(scope="module")
def rule_scripts(tmp_path_factory) -> dict:
    work = copy_project(tmp_path_factory.mktemp("rules") / "p")
    proc = subprocess.run([sys.executable, "-c", RULE_SCRIPTS, str(work)], capture_output=True, text=True, cwd=work)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return {name: s.split("scripts/")[-1] if s else None for name, s in json.loads(proc.stdout).items()}


@pytest.mark.slow
def test_one_script_per_rule_and_no_other_file(rule_scripts):
    used = [s for s in rule_scripts.values() if s]
    assert sorted(set(used)) == sorted(p.name for p in SCRIPTS), "a file in scripts/ that no rule runs"
    shared = {s for s in used if used.count(s) > 1}
    assert not shared, f"a script serves several rules (one rule per script; use a wildcard rule): {shared}"


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_script_is_a_thin_entry(script):
    """A main(sm) function, then run_script (which also runs it by hand): the logic is in the package, where it is
    tested."""
    tree = ast.parse(script.read_text(encoding="utf-8"))
    functions = [n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    classes = [n.name for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]
    assert functions == ["main"] and not classes, f"{script.name}: {functions} {classes}"
    last = tree.body[-1]
    call = last.value if isinstance(last, ast.Expr) else None
    assert (
        isinstance(call, ast.Call)
        and ast.unparse(call.func) == "run_script"
        and [ast.unparse(a) for a in call.args[:2]] == ["main", "globals()"]
    ), f"{script.name} does not end with run_script(main, globals(), ...): it cannot be run by hand"
    assert len(script.read_text().splitlines()) <= 60, f"{script.name} is long: move its logic into hw4/"


@pytest.mark.slow
def test_a_rule_script_runs_by_hand_from_the_config(tmp_path):
    """python scripts/q1_derive.py (no snakemake), from any directory, forms the rule's job and writes its output."""
    work = copy_project(tmp_path / "p")
    env = dict(os.environ, PYTHONPATH=str(work))  # the copy's hw4/, not the one the venv's install points at
    proc = subprocess.run(
        [sys.executable, str(work / "scripts" / "q1_derive.py")],
        cwd=work / "report",
        env=env,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    by_hand = json.loads((work / "build/results/q1_derive.json").read_text())
    assert [i["n"] for i in by_hand["instances"]] == [4, 8, 16]
    (work / "build/results/q1_derive.json").unlink()
    run_snakemake(work, "build/results/q1_derive.json")
    assert json.loads((work / "build/results/q1_derive.json").read_text()) == by_hand


@pytest.mark.slow
def test_a_copy_run_by_hand_with_another_projects_package_is_refused(tmp_path):
    """The copy's script must not silently run (and read the config of) the project the venv's hw4 belongs to."""
    work = copy_project(tmp_path / "p")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "scripts/q1_derive.py"], cwd=work, env=env, capture_output=True, text=True)
    assert proc.returncode != 0 and f"belongs to {work}" in proc.stderr and f"PYTHONPATH={work}" in proc.stderr
    assert not (work / "build").exists()
