"""Atomic output, JSON results files, per-step logs and file hashes: how every step writes what it makes."""

import csv
import errno
import hashlib
import json
import os
import shutil
import sys
import tempfile
import traceback
from contextlib import contextmanager
from pathlib import Path


class BuildWriteError(OSError):
    """An output could not be written; the message says why and what to do."""


_WRITE_ADVICE = {
    errno.ENOSPC: "the disk is full: free some space (`df -h {dir}`), then run snakemake again",
    errno.EDQUOT: "your disk quota is exhausted: free some space, then run snakemake again",
    errno.EACCES: "the directory is not writable: fix its permissions (`ls -ld {dir}`) or run from a copy you own",
    errno.EPERM: "the directory is not writable: fix its permissions (`ls -ld {dir}`) or run from a copy you own",
    errno.EROFS: "the file system is read-only: run the build from a writable copy of the project",
}


def explain_write_error(path: Path, err: OSError) -> BuildWriteError:
    advice = _WRITE_ADVICE.get(err.errno, "check that the build directory exists and is writable")
    return BuildWriteError(err.errno, f"cannot write {path}: {err.strerror or err}; {advice.format(dir=path.parent)}")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def atomic_path(path: str | Path, suffix: str = ""):
    """Yield a temporary path beside ``path``; rename it onto ``path`` only if the block succeeds.

    A step killed or failing midway therefore never leaves a half-written file that a later build would
    take as finished (at worst a hidden ``.name.*`` temporary, which no rule reads).  Write failures such as
    a full disk or an unwritable directory are reported with what to do.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix or path.suffix, dir=path.parent)
        os.close(fd)
    except OSError as err:
        raise explain_write_error(path, err) from err
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; the output gets a new file's usual mode
        os.replace(tmp, path)
    except OSError as err:
        if isinstance(err, BuildWriteError) or err.errno not in _WRITE_ADVICE:
            raise
        raise explain_write_error(path, err) from err
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_json(path: str | Path, obj) -> None:
    """Write ``obj`` as stable, human-readable JSON, atomically."""
    text = json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False) + "\n"
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_csv(path: str | Path, rows: list[dict]) -> None:
    """Write ``rows`` (dicts with the same keys, in column order) as CSV with a header row, atomically."""
    with atomic_path(path) as tmp, tmp.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


@contextmanager
def replaced_dir(path: str | Path):
    """Yield a new temporary folder beside ``path``; only if the block succeeds does it take ``path``'s place (what
    was there, removed after): a failure leaves what was there as it was, never a half-written folder."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    os.chmod(tmp, 0o777 & ~_umask())  # as a folder made by mkdir (mkdtemp's is private)
    old = path.with_name(f"{tmp.name}.old")
    try:
        yield tmp
        if path.exists():
            os.replace(path, old)
        try:
            os.replace(tmp, path)
        except OSError:
            if old.exists():
                os.replace(old, path)  # put back what was there
            raise
        if old.is_dir():
            shutil.rmtree(old)
        elif old.exists():
            old.unlink()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def read_json(path: str | Path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def sha256_bytes(data: bytes) -> str:
    """Hex sha256 of bytes in memory (the one hash the project uses; sha256_file streams a file)."""
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: str | Path) -> str:
    """Hex sha256 of a file, read in blocks."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


class _Tee:
    def __init__(self, *streams):
        self.streams = streams

    def write(self, s):
        for st in self.streams:
            st.write(s)
        return len(s)

    def flush(self):
        for st in self.streams:
            st.flush()


@contextmanager
def log_to(path: str | Path | None):
    """Copy everything the step prints (and any traceback) into its Snakemake log, and still show it."""
    if not path:
        yield
        return
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        old = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = _Tee(old[0], fh), _Tee(old[1], fh)
        try:
            yield
        except BaseException:
            fh.write(traceback.format_exc())
            raise
        finally:
            sys.stdout, sys.stderr = old
