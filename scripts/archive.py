"""Rule archive: save this build (documents, results, figures) under data/archive/<label>/, never replacing one."""

from pathlib import Path

from hw4.smk import run_script
from hw4.versions.archive import ArchiveError, build_files, load_archive, save_archive


def main(sm) -> None:
    documents = [sm.input[k] for k in sm.input.keys() if k not in ("results", "figures", "templates", "code")]
    templates = [str(Path(t).resolve().relative_to(Path.cwd().resolve())) for t in sm.input.templates]
    manifest_path = Path(sm.output.manifest)
    files = build_files(".", documents + templates, list(sm.input.results), list(sm.input.figures))
    save_archive(
        ".",
        manifest_path.parent.parent,
        sm.params.label,
        files,
        git=dict(sm.params.git),
        config_hash=sm.params.config_hash,
        source_date_epoch=sm.params.source_date_epoch,
    )
    m = load_archive(manifest_path.parent)
    print(f"archived {len(m['files'])} files, {m['total_bytes']} bytes, under {manifest_path.parent}")


run_script(main, globals(), rule="archive_label", errors=ArchiveError)
