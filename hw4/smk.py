"""How a rule's script starts: with the object Snakemake gives it, or, run by hand, one formed the same way.

    python scripts/q1_derive.py                 # the default config
    python scripts/document.py doc=hw4           # wildcards as name=value
    python scripts/q1_check.py root=build/variants/v001   # a variant's job (its inputs built)
    HW4_CONFIGFILE=config/full.yaml python scripts/q4_recipe.py

Each rule script ends with ``run_script(main, globals())``. Run by hand, without the ``snakemake`` object that
Snakemake puts in a script's globals, it asks ``mock_snakemake("<rule>")`` for one: the workflow is loaded
(config validated as in a build), the rule's job is formed with its inputs, outputs, params, log and threads, and
the script's entry runs on it, in the project's directory.  Its inputs must exist (build them with snakemake
first).  The project is the one the script belongs to; its hw4/ must be the package that was imported (a copy of
the project: run it with PYTHONPATH=. or install the copy with pip install -e .).
"""

import os
import sys
from pathlib import Path

from hw4.io import log_to

ROOT = Path(__file__).resolve().parents[1]  # the project whose hw4/ was imported


def _project_of_script() -> Path:
    """The project of the script being run (scripts/NAME.py), which must be the one whose hw4/ was imported."""
    script = Path(sys.argv[0]).resolve()
    root = script.parents[1] if script.parent.name == "scripts" else ROOT
    if root != ROOT:
        raise RuntimeError(
            f"{script} belongs to {root}, but the hw4 package was imported from {ROOT}: run it as "
            f"`PYTHONPATH={root} python {script}`, or `pip install --no-deps -e {root}` in its environment."
        )
    return root


def mock_snakemake(rulename: str, configfiles: list[str] | None = None, **wildcards):
    """A ``snakemake.script.Snakemake`` object for one job of ``rulename`` (as PyPSA-Eur's helper of that name)."""
    from snakemake.api import SnakemakeApi
    from snakemake.dag import DAG
    from snakemake.jobs import Job
    from snakemake.script import Snakemake
    from snakemake.settings.types import ConfigSettings, DAGSettings, OutputSettings, ResourceSettings

    for arg in sys.argv[1:]:  # name=value on the command line: wildcards
        if "=" in arg:
            key, value = arg.split("=", 1)
            wildcards.setdefault(key, value)
    if configfiles is None:
        configfiles = [ROOT / "config" / "config.yaml"]
        if os.environ.get("HW4_CONFIGFILE"):
            configfiles.append(Path(os.environ["HW4_CONFIGFILE"]).resolve())
    root = _project_of_script()
    os.chdir(root)  # the job's paths are relative to the project; the script's entry writes there
    with SnakemakeApi(OutputSettings(quiet={"all"})) as api:
        wf_api = api.workflow(
            resource_settings=ResourceSettings(cores=1),
            config_settings=ConfigSettings(configfiles=[Path(p) for p in configfiles]),
            snakefile=ROOT / "Snakefile",
            workdir=ROOT,
        )
        wf_api.dag(DAGSettings())
        workflow = wf_api._workflow
        rule = workflow.get_rule(rulename)
        if "root" in rule.wildcard_names:  # the default build's job unless a variant's root is named
            wildcards.setdefault("root", "build")
        dag = DAG(workflow, rules=[rule])
        job = Job(rule, dag, wildcards_dict=wildcards)
        return Snakemake(
            job.input,
            job.output,
            job.params,
            job.wildcards,
            job.threads,
            job.resources,
            job.log,
            workflow.config,
            rule.name,
            None,
            scriptdir=str(ROOT / "scripts"),
        )


def run_script(main, scope: dict, rule: str | None = None, log: int | str | None = 0, errors=(), prefix: str = ""):
    """The entry of a rule script: ``main`` on the job Snakemake gave it (``scope``: the script's globals), or on
    the one mock_snakemake forms for ``rule`` (the script's name) when the script runs by hand. What the step
    prints also goes into its log ``log`` (an index or a name of the rule's logs; None: into none). An error of a
    type in ``errors`` is a failure its message explains: it ends the job with ``prefix: message`` alone, no
    traceback."""
    sm = scope["snakemake"] if "snakemake" in scope else mock_snakemake(rule or Path(scope["__file__"]).stem)
    if log is None:
        path = None
    elif isinstance(log, str):
        path = getattr(sm.log, log)
    else:
        path = sm.log[log]
    with log_to(path):
        try:
            main(sm)
        except errors as err:
            print(f"{prefix}: {err}" if prefix else str(err), file=sys.stderr)
            sys.exit(1)
