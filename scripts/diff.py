"""Rule diff: this build against a base version (a git revision or an archive label): results, figures, document."""

from pathlib import Path

from hw4.smk import run_script
from hw4.versions.archive import ArchiveError
from hw4.versions.diff import PROVENANCE, DiffError, describe_base, describe_current, diff_builds, get_base, read_build


def main(sm) -> None:
    repo = Path(".").resolve()
    archive_root = repo / sm.params.archive_root
    base_root, base = get_base(
        repo, archive_root, sm.params.base["spec"], sm.threads, Path(sm.log[0]).with_suffix(".base.log")
    )
    document = sm.params.document
    old = read_build(base_root, document=document)
    inputs = [[str(p) for p in sm.input[k]] for k in ("results", "figures", "templates")]
    new = read_build(repo, *inputs, document=document)
    prov = new["results"].get(PROVENANCE, {})
    report = diff_builds(
        old,
        new,
        Path(sm.output.md).parent,
        sm.params.dpi,
        describe_base(base),
        describe_current(sm.params.current, document),
        prov.get("source_date_epoch", 0),
        log_path=Path(sm.log[0]).with_suffix(".tex.log"),
        render_spec=dict(sm.params.render),
    )
    r = report["results"]
    print(
        f"diff against {report['base']['description']}: document mode {report['document']['mode']}, "
        f"{len(r['changed'])} numbers changed, {len(r['added'])} keys added, {len(r['removed'])} removed, "
        f"{len(report['figures']['changed'])} figures changed"
    )


run_script(main, globals(), errors=(DiffError, ArchiveError), prefix="diff failed")
