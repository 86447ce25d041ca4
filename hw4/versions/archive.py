"""Archive a build under data/archive/<label>/ with a manifest, and read one back (checked file by file).

An archive mirrors the project's layout (build/hw4.pdf, build/tex/hw4.tex, build/results/*.json,
figures/*.pdf, build/benchmarks/*.tsv), so that the diff step reads an archive and a fresh build alike.
An archive is the user's: a label that holds any file is never written to, and the files are made read-only.
"""

import json
import os
import platform
import shutil
import stat
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from hw4.io import sha256_file, write_json

MANIFEST = "manifest.json"
MANIFEST_VERSION = 1


class ArchiveError(RuntimeError):
    pass


def build_files(root: str | Path, documents: list[str], results: list[str], figures: list[str]) -> list[str]:
    """The project-relative files an archive of the build at ``root`` keeps, sorted; benchmarks are added
    when present (their rules' wall times explain timing differences)."""
    root = Path(root)
    files = set(documents) | set(results) | set(figures)
    files |= {str(p.relative_to(root)) for p in (root / "build" / "benchmarks").glob("*.tsv")}
    missing = [f for f in sorted(files) if not (root / f).is_file()]
    if missing:
        raise ArchiveError(f"cannot archive: missing build files {missing}; build first (snakemake -c all)")
    return sorted(files)


def save_archive(
    root: str | Path,
    archive_root: str | Path,
    label: str,
    files: list[str],
    *,
    git: dict,
    config_hash: str | None,
    source_date_epoch: int | None,
    extra: dict | None = None,
) -> Path:
    """Copy ``files`` (relative to ``root``) into ``archive_root/label`` with a manifest; return the manifest.

    Written into a staging directory and renamed into place, so an archive is complete or absent. A label
    whose directory holds anything is refused (Snakemake creates the empty directory of the rule's output).
    """
    root, archive_root = Path(root), Path(archive_root)
    dest = archive_root / label
    if dest.exists() and any(dest.iterdir()):
        raise ArchiveError(
            f"{dest} already exists; archives are never overwritten. "
            "Fix: choose another label, e.g. snakemake archive --config 'versions={archive_label: NEW_LABEL}'"
        )
    archive_root.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{label}.", dir=archive_root))
    try:
        entries = {}
        for rel in files:
            target = stage / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(root / rel, target)
            entries[rel] = {"sha256": sha256_file(target), "bytes": target.stat().st_size}
        prov_path = root / "build" / "results" / "provenance.json"
        provenance = (json.loads(prov_path.read_text(encoding="utf-8")) if prov_path.is_file() else None) or {}
        manifest = {
            "manifest_version": MANIFEST_VERSION,
            "label": label,
            "archived_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "source_date_epoch": source_date_epoch,
            "git": {"sha": git.get("sha"), "dirty": git.get("dirty")},
            "config_hash": config_hash,
            "versions": provenance.get("versions") or {"python": platform.python_version()},
            "files": entries,
            "total_bytes": sum(e["bytes"] for e in entries.values()),
            **(extra or {}),
        }
        write_json(stage / MANIFEST, manifest)
        for p in stage.rglob("*"):
            if p.is_file():
                p.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
        stage.chmod(0o755)  # mkdtemp made it private; the archive is as readable as the build
        if dest.exists():
            dest.rmdir()  # empty (checked above); rename does not replace a directory on every system
        os.rename(stage, dest)
    except BaseException:
        if stage.exists():  # its files may be read-only already: make each writable as rmtree meets it

            def writable_then(func, p, _exc):
                os.chmod(p, stat.S_IRWXU)
                func(p)

            shutil.rmtree(stage, onerror=writable_then)
        raise
    return dest / MANIFEST


def load_archive(path: str | Path) -> dict:
    """The manifest of the archive at ``path``, after checking every file's size and sha256 against it."""
    path = Path(path)
    manifest_path = path / MANIFEST
    if not manifest_path.is_file():
        raise ArchiveError(f"{path}: no {MANIFEST}; not an archive made by `snakemake archive`")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    bad = []
    for rel, entry in manifest["files"].items():
        f = path / rel
        if not f.is_file():
            bad.append(f"{rel}: missing")
        elif f.stat().st_size != entry["bytes"] or sha256_file(f) != entry["sha256"]:
            bad.append(f"{rel}: sha256 differs from the manifest")
    if bad:
        raise ArchiveError(f"archive {path} is damaged: " + "; ".join(bad[:10]))
    return manifest
