"""scripts/ holds rule entries only: one per rule, thin (the logic is in hw4/), each runnable by hand."""

import ast
import json
import os
import subprocess
import sys

import pytest
from conftest import ROOT, copy_project, run_snakemake

from hw4.smk import run_script

SCRIPTS = sorted((ROOT / "scripts").glob("*.py"))


@pytest.mark.slow
def test_one_script_per_rule_and_no_other_file(workflow_rules):
    used = [rule["script"].split("scripts/")[-1] for rule in workflow_rules.values() if rule["script"]]
    assert sorted(set(used)) == sorted(p.name for p in SCRIPTS), "a file in scripts/ that no rule runs"
    shared = {s for s in used if used.count(s) > 1}
    assert not shared, f"a script serves several rules (one rule per script; use a wildcard rule): {shared}"
    # run by hand, a script forms the job of the rule run_script names: its rule= or, by default, its own name
    for script in SCRIPTS:
        rule = entry_call(script).get("rule", script.stem)
        assert (workflow_rules.get(rule) or {}).get("script", "").endswith(f"scripts/{script.name}"), (
            f"{script.name} run by hand would form a job of rule {rule!r}, which does not run it: pass rule=..."
        )


def entry_call(script) -> dict:
    """The keyword arguments of the script's last statement, run_script(main, globals(), ...) (AssertionError if
    it ends otherwise)."""
    last = ast.parse(script.read_text(encoding="utf-8")).body[-1]
    call = last.value if isinstance(last, ast.Expr) else None
    assert (
        isinstance(call, ast.Call)
        and ast.unparse(call.func) == "run_script"
        and [ast.unparse(a) for a in call.args[:2]] == ["main", "globals()"]
    ), f"{script.name} does not end with run_script(main, globals(), ...): it cannot be run by hand"
    return {k.arg: ast.literal_eval(k.value) for k in call.keywords if k.arg == "rule"}


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_script_is_a_thin_entry(script):
    """A main(sm) function, then run_script (which also runs it by hand): the logic is in the package, where it is
    tested."""
    tree = ast.parse(script.read_text(encoding="utf-8"))
    functions = [n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    classes = [n.name for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]
    assert functions == ["main"] and not classes, f"{script.name}: {functions} {classes}"
    entry_call(script)
    assert len(script.read_text().splitlines()) <= 60, f"{script.name} is long: move its logic into hw4/"


@pytest.mark.slow
def test_a_rule_script_runs_by_hand_from_the_config(tmp_path):
    """python scripts/q1_derive.py (no snakemake), from any directory, forms the rule's job and writes its output.
    With another project's package first on the path, it is refused: the copy's script must not silently run (and
    read the config of) the project the venv's hw4 belongs to."""
    work = copy_project(tmp_path / "p")

    def by_hand(package, cwd, script):
        env = dict(os.environ, PYTHONPATH=str(package))
        return subprocess.run([sys.executable, script], cwd=cwd, env=env, capture_output=True, text=True)

    proc = by_hand(ROOT, work, "scripts/q1_derive.py")  # as typed in the copy
    assert proc.returncode != 0 and f"belongs to {work}" in proc.stderr and f"PYTHONPATH={work}" in proc.stderr
    assert not (work / "build").exists()
    # the copy's hw4/, not the one the venv's install points at; from another directory
    proc = by_hand(work, work / "report", work / "scripts" / "q1_derive.py")
    assert proc.returncode == 0, proc.stderr[-3000:]
    made = json.loads((work / "build/results/q1_derive.json").read_text())
    assert [i["n"] for i in made["instances"]] == [4, 8, 16]
    (work / "build/results/q1_derive.json").unlink()
    run_snakemake(work, "build/results/q1_derive.json")
    assert json.loads((work / "build/results/q1_derive.json").read_text()) == made


class Job:
    """What run_script reads of the object Snakemake gives a script: its logs."""

    def __init__(self, log):
        self.log = [str(log)]


def test_run_script_logs_the_step_and_ends_an_explained_failure_with_its_message(tmp_path, capsys):
    log = tmp_path / "logs" / "step.log"

    def main(sm):
        print("working")
        raise ValueError("the input is bad; fix it")

    with pytest.raises(SystemExit) as exit_:
        run_script(main, {"snakemake": Job(log)}, errors=ValueError, prefix="step failed")
    assert exit_.value.code == 1
    assert capsys.readouterr().err == "step failed: the input is bad; fix it\n"
    assert "working" in log.read_text() and "step failed: the input is bad; fix it" in log.read_text()

    def broken(sm):
        raise KeyError("a bug")

    with pytest.raises(KeyError):  # any other error is a bug: its traceback, in the log too
        run_script(broken, {"snakemake": Job(log)}, errors=ValueError)
    assert "KeyError: 'a bug'" in log.read_text()
