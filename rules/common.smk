# Shared set-up: config validation, where scripts import from, the build's fixed date.
import os
import re
import subprocess
import sys

from snakemake.exceptions import WorkflowError

# The workflow imports the config checker from scripts/; scripts run by `script:` find their sibling modules
# because Snakemake puts the script's own directory on their sys.path.
sys.path.insert(0, os.path.join(workflow.basedir, "scripts"))

from config_check import ConfigError, validate_config  # noqa: E402

try:
    validate_config(
        config,
        os.path.join(workflow.basedir, "config", "schema.yaml"),
        source="config (config/config.yaml and any --configfile/--config)",
    )
except ConfigError as err:
    raise WorkflowError(f"{err}\nFix the key(s) above and run snakemake again.")


def source_date_epoch():
    """The date printed in the PDF: config `source_date_epoch`, else the last commit's time, else 0."""
    if config.get("source_date_epoch") is not None:
        return config["source_date_epoch"]
    try:
        out = subprocess.run(
            ["git", "-C", workflow.basedir, "log", "-1", "--format=%ct"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        return int(out) if out else 0
    except (OSError, subprocess.CalledProcessError, ValueError):
        return 0


SOURCE_DATE_EPOCH = source_date_epoch()
THREADS = config["threads"]


def script_deps(script):
    """The project modules a script imports, followed recursively (scripts/*.py): inputs of its rule, so that
    editing a shared helper (latex_env.py, common.py, q4_model.py, ...) reruns every step that uses it.
    """
    scripts_dir = os.path.join(workflow.basedir, "scripts")
    pattern = re.compile(r"^\s*(?:from\s+(\w+)\s+import|import\s+(\w+))", re.M)
    seen, todo = set(), [os.path.splitext(os.path.basename(script))[0]]
    while todo:
        name = todo.pop()
        path = os.path.join(scripts_dir, f"{name}.py")
        if name in seen or not os.path.exists(path):
            continue
        seen.add(name)
        with open(path, encoding="utf-8") as fh:
            todo += [a or b for a, b in pattern.findall(fh.read())]
    own = os.path.splitext(os.path.basename(script))[0]
    return sorted(f"scripts/{name}.py" for name in seen - {own})


def q4_recipe():
    """The notebook's recipe for Problem 4, declared once: the full profile (config/full.yaml over the default)."""
    from q4_recipe import recipe_config

    return recipe_config(os.path.join(workflow.basedir, "config"))
