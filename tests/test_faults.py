"""Faults: interrupted writes leave nothing a later build would trust; write failures say what to do;
a second build in the same directory is refused by Snakemake's lock; a build never touches the user's files."""

import errno
import os
import signal
import subprocess
import sys
import time

import pytest
from conftest import ROOT, SNAKEMAKE, copy_project, run_snakemake

from hw4.io import BuildWriteError, atomic_path, write_json


def test_failed_write_leaves_no_file(tmp_path):
    target = tmp_path / "r.json"
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text('{"half": ')
        raise RuntimeError("killed midway")
    assert list(tmp_path.iterdir()) == []


def test_killed_writer_leaves_no_output(tmp_path):
    """SIGKILL in the middle of a write: the real name never appears."""
    target = tmp_path / "big.json"
    code = (
        f"import sys, time; sys.path.insert(0, {str(ROOT)!r}); from hw4.io import atomic_path\n"
        f"with atomic_path({str(target)!r}) as tmp:\n"
        "    fh = open(tmp, 'w'); fh.write('x' * 1000); fh.flush(); print('writing', flush=True); time.sleep(60)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "writing"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert not target.exists()


def test_existing_output_survives_failed_rewrite(tmp_path):
    target = tmp_path / "r.json"
    write_json(target, {"good": 1})
    with pytest.raises(ValueError):
        write_json(target, {"bad": float("nan")})  # JSON cannot hold NaN: refused before touching the file
    assert target.read_text() == '{\n  "good": 1\n}\n'


@pytest.mark.parametrize(
    "code,words",
    [(errno.ENOSPC, "disk is full"), (errno.EACCES, "not writable"), (errno.EROFS, "read-only")],
)
def test_write_errors_say_what_to_do(tmp_path, monkeypatch, code, words):
    def fail(*a, **k):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(BuildWriteError) as err:
        write_json(tmp_path / "out" / "r.json", {"a": 1})
    assert str(tmp_path / "out" / "r.json") in str(err.value) and words in str(err.value)
    assert not (tmp_path / "out" / "r.json").exists()


@pytest.mark.slow
def test_second_build_is_refused_by_the_lock(tmp_path):
    work = copy_project(tmp_path / "p")
    locks = work / ".snakemake" / "locks"
    first = subprocess.Popen([SNAKEMAKE, "-c1", "build/results/q1_compare.json"], cwd=work, stdout=subprocess.DEVNULL)
    try:
        deadline = time.time() + 60
        while not (locks.exists() and any(locks.iterdir())):
            assert time.time() < deadline and first.poll() is None, "first build never took the lock"
            time.sleep(0.2)
        second = run_snakemake(work, "build/results/q1_compare.json", check=False)
        assert second.returncode != 0
        assert "cannot be locked" in second.stdout + second.stderr
    finally:
        first.kill()
        first.wait()


@pytest.mark.e2e
def test_build_never_touches_user_files(built_project):
    """Config, data, templates, rules and scripts of the built copy equal the originals, byte for byte."""
    sources = [ROOT / "Snakefile", *(ROOT / "data").glob("*")]
    for f in sources + [f for item in ("config", "report", "rules") for f in (ROOT / item).rglob("*")]:
        if f.is_file() and "__pycache__" not in f.parts:
            assert (built_project / f.relative_to(ROOT)).read_bytes() == f.read_bytes(), f
