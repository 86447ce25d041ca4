"""scripts/ holds rule entries only: one per rule, thin (the logic is in hw4/), each runnable by hand."""

import ast
import json
import os
import subprocess
import sys

import pytest
from conftest import ROOT, copy_project, run_snakemake

SCRIPTS = sorted((ROOT / "scripts").glob("*.py"))


@pytest.mark.slow
def test_one_script_per_rule_and_no_other_file(workflow_rules):
    used = [rule["script"].split("scripts/")[-1] for rule in workflow_rules.values() if rule["script"]]
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
    """python scripts/q1_derive.py (no snakemake), from any directory, forms the rule's job and writes its output.
    With another project's package first on the path, it is refused: the copy's script must not silently run (and
    read the config of) the project the venv's hw4 belongs to."""
    work = copy_project(tmp_path / "p")

    def by_hand(package, cwd):
        env = dict(os.environ, PYTHONPATH=str(package))
        return subprocess.run(
            [sys.executable, work / "scripts" / "q1_derive.py"], cwd=cwd, env=env, capture_output=True, text=True
        )

    proc = by_hand(ROOT, work)
    assert proc.returncode != 0 and f"belongs to {work}" in proc.stderr and f"PYTHONPATH={work}" in proc.stderr
    assert not (work / "build").exists()
    proc = by_hand(work, work / "report")  # the copy's hw4/, not the one the venv's install points at
    assert proc.returncode == 0, proc.stderr[-3000:]
    made = json.loads((work / "build/results/q1_derive.json").read_text())
    assert [i["n"] for i in made["instances"]] == [4, 8, 16]
    (work / "build/results/q1_derive.json").unlink()
    run_snakemake(work, "build/results/q1_derive.json")
    assert json.loads((work / "build/results/q1_derive.json").read_text()) == made
