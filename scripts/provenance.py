"""Rule provenance: commit, config hash, profiles, machine and per-rule timings, for the audit and archives."""

from hw4.io import write_json
from hw4.smk import run_script
from hw4.versions.provenance import provenance


def main(sm) -> None:
    prov = provenance(
        git=dict(sm.params.git),
        config_hash=sm.params.config_hash,
        config_values=dict(sm.params.config_values),
        profiles=dict(sm.params.profiles),
        source_date_epoch=sm.params.source_date_epoch,
        rules=dict(sm.params.rules),
        figures=list(sm.params.figures),
        results={name: sm.input[name] for name in sm.input.keys() if name != "code"},
    )
    print(f"commit {prov['git']['short']} dirty={prov['git']['dirty']}; {len(prov['rules'])} timed rules")
    write_json(sm.output.results, prov)


run_script(main, globals())
