"""Problem 4, data source `gdown`: the notebook's reviews.csv from Google Drive, cached with its sha256.

The cache is ``<cache_dir>/reviews.csv`` with ``reviews.csv.sha256`` beside it. It belongs to the user, not to
the build: no rule has it as an output, so Snakemake never deletes it, and only this script writes it. A cached
file whose checksum still matches (the configured one if set, else the one recorded at download) is used
without any network access. A download goes to a temporary file first and replaces the cache only once its
checksum is right. Rule q4_fetch copies the cached file to the build (``build/q4/reviews.csv``), which is what
the data step reads; rerunning the rule (after ``--forcerun``, a code change, a new cache_dir) copies again.
"""

import shutil
from pathlib import Path

from hw4.io import atomic_path, sha256_file

NOTEBOOK_REVIEWS_ID = "1zdmewp7ayS4js4VtrJEHzAheSW-5NBZv"  # reviews.csv, as in the course notebook


class FetchError(RuntimeError):
    """The reviews could not be downloaded, or not with the expected content."""


def _recorded_sha(dest: Path) -> str | None:
    side = dest.with_name(dest.name + ".sha256")
    return side.read_text().split()[0] if side.exists() and side.read_text().strip() else None


def fetch_reviews(file_id: str, dest: str | Path, expected_sha256: str | None = None) -> dict:
    """Return {path, sha256, fetched}; download with gdown only when there is no valid cached copy."""
    import gdown

    dest = Path(dest)
    expected = expected_sha256.lower() if expected_sha256 else None
    if dest.exists():
        have = sha256_file(dest)
        if have == (expected or _recorded_sha(dest)):
            return {"path": str(dest), "sha256": have, "fetched": False}
        print(f"{dest}: cached copy has sha256 {have}, expected {expected or _recorded_sha(dest)}; downloading again")
    with atomic_path(dest) as tmp:
        try:
            got = gdown.download(id=file_id, output=str(tmp), quiet=False)
        except Exception as exc:  # gdown raises requests' and its own errors; all mean "no file"
            raise FetchError(
                f"could not download reviews.csv (Google Drive id {file_id}) to {dest}: {type(exc).__name__}: {exc}.\n"
                f"Offline? Copy reviews.csv to {dest} by hand, or set q4.data.source: local with q4.data.path "
                "pointing at a reviews CSV (or source: sample for the bundled sample)."
            ) from None
        if got is None or not tmp.exists() or tmp.stat().st_size == 0:
            raise FetchError(f"gdown returned no file for Google Drive id {file_id} (is the file shared publicly?)")
        have = sha256_file(tmp)
        if expected and have != expected:
            raise FetchError(
                f"downloaded reviews.csv has sha256 {have}, but q4.data.gdown_sha256 expects {expected}. "
                "The file on Google Drive changed or the download was corrupted; nothing was cached. "
                "Fix: retry, or set q4.data.gdown_sha256 to the new value once you have checked the file."
            )
    dest.with_name(dest.name + ".sha256").write_text(f"{have}  {dest.name}\n")
    return {"path": str(dest), "sha256": have, "fetched": True}


def fetch_to_build(file_id: str, cache_dir: str | Path, out: str | Path, expected_sha256: str | None = None) -> dict:
    """The cached (or, without a valid cache, downloaded) reviews.csv, copied atomically to `out`."""
    info = fetch_reviews(file_id, Path(cache_dir) / "reviews.csv", expected_sha256)
    with atomic_path(out) as tmp:
        shutil.copyfile(info["path"], tmp)
    return info
