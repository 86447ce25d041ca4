"""Print, as JSON, what each rule of a workflow declares for a cluster: threads, resources, local or not.

Usage: python rule_resources.py WORKDIR [CONFIGFILE ...]

It loads the workflow with Snakemake's API (no DAG, no job runs) in a separate process, so that the workflow's
own sys.path and cwd changes stay out of pytest. Resources given by --default-resources do not show here: only
what a rule declares itself.
"""

import json
import sys
from pathlib import Path

from snakemake.api import SnakemakeApi
from snakemake.settings.types import ConfigSettings, OutputSettings, ResourceSettings

# Snakemake's own bookkeeping entries of rule.resources, not something a rule declares.
INTERNAL = {"_cores", "_nodes"}


def plain(resource):
    """A rule's resource as JSON: its declared number or string, else "callable"."""
    raw = getattr(resource, "raw", resource)
    return raw if isinstance(raw, (int, float, str)) else "callable"


def rule_declarations(workdir: Path, configfiles: list[Path]) -> dict:
    """{rule: {"threads", "resources" ({name: value}), "local", "norun", "benchmark"}} of the workflow in ``workdir``.

    A value computed per job (a function of wildcards or input) shows as "callable".
    """
    with SnakemakeApi(OutputSettings(quiet={"all"})) as api:
        workflow_api = api.workflow(
            resource_settings=ResourceSettings(),
            config_settings=ConfigSettings(configfiles=configfiles),
            snakefile=workdir / "Snakefile",
            workdir=workdir,
        )
        workflow = workflow_api._workflow  # the loaded workflow; the public API only prints rule lists
        out = {}
        for rule in workflow.rules:
            values = {name: plain(res) for name, res in rule.resources.items()}
            out[rule.name] = {
                "threads": values["_cores"],
                "resources": {name: v for name, v in values.items() if name not in INTERNAL},
                "local": rule.name in workflow._localrules,
                "norun": rule.norun,
                "benchmark": rule.benchmark is not None,
            }
        return out


if __name__ == "__main__":
    work = Path(sys.argv[1]).resolve()
    print(json.dumps(rule_declarations(work, [Path(p).resolve() for p in sys.argv[2:]]), indent=1, sort_keys=True))
