"""Print, as JSON, what each rule of a workflow declares: threads, resources, local or not, its script.

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
    """{rule: {"threads", "resources" ({name: value}), "local", "norun", "benchmark", "script"}} of the workflow in
    ``workdir``; a value computed per job (a function of wildcards or input) shows as "callable"."""
    with SnakemakeApi(OutputSettings(quiet={"all"})) as api:
        config = ConfigSettings(configfiles=configfiles)
        # the loaded workflow (._workflow): the public API only prints rule lists
        workflow = api.workflow(ResourceSettings(), config, snakefile=workdir / "Snakefile", workdir=workdir)._workflow
        out = {}
        for rule in workflow.rules:
            values = {name: plain(res) for name, res in rule.resources.items()}
            out[rule.name] = {
                "threads": values["_cores"],
                "resources": {name: v for name, v in values.items() if name not in INTERNAL},
                "local": rule.name in workflow._localrules,
                "norun": rule.norun,
                "benchmark": rule.benchmark is not None,
                "script": str(rule.script) if rule.script else None,
            }
        return out


if __name__ == "__main__":
    work = Path(sys.argv[1]).resolve()
    print(json.dumps(rule_declarations(work, [Path(p).resolve() for p in sys.argv[2:]]), indent=1, sort_keys=True))
