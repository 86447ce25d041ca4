"""Rule archive: save this build (documents, results, figures) under data/archive/<label>/, never replacing one."""

import sys
from pathlib import Path

from hw4.io import log_to
from hw4.versions.archive import ArchiveError, build_files, load_archive, save_archive


def main(sm) -> None:
    documents = [sm.input[k] for k in sm.input.keys() if k not in ("results", "figures", "templates", "code")]
    templates = [str(Path(t).resolve().relative_to(Path.cwd().resolve())) for t in sm.input.templates]
    manifest_path = Path(sm.output.manifest)
    try:
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
    except ArchiveError as err:
        print(err, file=sys.stderr)
        sys.exit(1)
    m = load_archive(manifest_path.parent)
    print(f"archived {len(m['files'])} files, {m['total_bytes']} bytes, under {manifest_path.parent}")


if "snakemake" not in globals():  # run by hand: python scripts/archive.py label=NAME
    from hw4.smk import mock_snakemake

    snakemake = mock_snakemake("archive_label")
with log_to(snakemake.log[0]):
    main(snakemake)
