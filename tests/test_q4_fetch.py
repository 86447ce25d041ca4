"""Problem 4, the gdown source with the network layer faked: cache hit, download, checksum mismatch, no network;
and rule q4_fetch rerun by Snakemake with the cache present, which must not touch the network."""

import hashlib
import textwrap

import gdown
import pytest
from conftest import copy_project, run_snakemake

from hw4.q4.fetch import NOTEBOOK_REVIEWS_ID, FetchError, fetch_reviews, fetch_to_build

CSV = b"content,score\nGreat app,5\nCrashes,1\n"
SHA = hashlib.sha256(CSV).hexdigest()


class FakeDrive:
    """Stands in for gdown.download: records calls, writes `payload` or raises `error`."""

    def __init__(self, payload=CSV, error=None):
        self.payload, self.error, self.calls = payload, error, []

    def __call__(self, url=None, output=None, quiet=False, id=None, **kw):
        self.calls.append(id)
        if self.error:
            raise self.error
        with open(output, "wb") as fh:
            fh.write(self.payload)
        return output


def cached(folder):
    """``folder`` made a download cache holding CSV and its recorded checksum."""
    folder.mkdir(parents=True)
    (folder / "reviews.csv").write_bytes(CSV)
    (folder / "reviews.csv.sha256").write_text(f"{SHA}  reviews.csv\n")
    return folder


def test_download_then_cache_hit(tmp_path, monkeypatch):
    fake = FakeDrive()
    monkeypatch.setattr(gdown, "download", fake)
    dest = tmp_path / "downloads" / "reviews.csv"
    first = fetch_reviews(NOTEBOOK_REVIEWS_ID, dest)
    assert first == {"path": str(dest), "sha256": SHA, "fetched": True}
    assert fake.calls == [NOTEBOOK_REVIEWS_ID] and dest.read_bytes() == CSV
    assert (tmp_path / "downloads" / "reviews.csv.sha256").read_text().split()[0] == SHA
    second = fetch_reviews(NOTEBOOK_REVIEWS_ID, dest, expected_sha256=SHA.upper())
    assert second["fetched"] is False and fake.calls == [NOTEBOOK_REVIEWS_ID]  # no second fetch


def test_cache_hit_needs_no_network(tmp_path, monkeypatch):
    dest = tmp_path / "reviews.csv"
    dest.write_bytes(CSV)
    monkeypatch.setattr(gdown, "download", FakeDrive(error=OSError("network is unreachable")))
    assert fetch_reviews(NOTEBOOK_REVIEWS_ID, dest, SHA)["fetched"] is False


def test_corrupted_cache_is_fetched_again(tmp_path, monkeypatch):
    fake = FakeDrive()
    monkeypatch.setattr(gdown, "download", fake)
    dest = tmp_path / "reviews.csv"
    fetch_reviews(NOTEBOOK_REVIEWS_ID, dest)
    dest.write_bytes(CSV + b"truncated garbage")
    assert fetch_reviews(NOTEBOOK_REVIEWS_ID, dest)["fetched"] is True
    assert len(fake.calls) == 2 and dest.read_bytes() == CSV


def test_checksum_mismatch_caches_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(gdown, "download", FakeDrive(payload=b"<html>quota exceeded</html>"))
    dest = tmp_path / "reviews.csv"
    with pytest.raises(FetchError, match=rf"sha256 [0-9a-f]{{64}}, but q4\.data\.gdown_sha256 expects {SHA}"):
        fetch_reviews(NOTEBOOK_REVIEWS_ID, dest, SHA)
    assert list(tmp_path.iterdir()) == []


def test_no_network_says_what_to_do(tmp_path, monkeypatch):
    import requests

    monkeypatch.setattr(gdown, "download", FakeDrive(error=requests.ConnectionError("Name or service not known")))
    dest = tmp_path / "reviews.csv"
    with pytest.raises(
        FetchError, match=r"(?s)could not download reviews\.csv .*ConnectionError.*q4\.data\.source: local"
    ):
        fetch_reviews(NOTEBOOK_REVIEWS_ID, dest)
    assert list(tmp_path.iterdir()) == []


def test_gdown_returning_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(gdown, "download", lambda **kw: None)
    with pytest.raises(FetchError, match="returned no file"):
        fetch_reviews(NOTEBOOK_REVIEWS_ID, tmp_path / "reviews.csv")


def test_copy_to_build_uses_the_cache_offline(tmp_path, monkeypatch):
    """The rule's output is a copy; deleting it (as Snakemake does before a rerun) leaves the cache alone."""
    cache = cached(tmp_path / "downloads")
    fake = FakeDrive(error=OSError("network is unreachable"))
    monkeypatch.setattr(gdown, "download", fake)
    out = tmp_path / "build" / "q4" / "reviews.csv"
    for _ in range(2):
        out.unlink(missing_ok=True)
        assert fetch_to_build(NOTEBOOK_REVIEWS_ID, cache, out)["fetched"] is False
        assert out.read_bytes() == CSV
    assert fake.calls == [] and (cache / "reviews.csv").read_bytes() == CSV


FAKE_GDOWN = """
def download(*args, **kw):  # stands in for the real gdown in the Snakemake job: it records the call and fails
    with open({calls!r}, "a") as fh:
        fh.write("download\\n")
    raise ConnectionError("no network in this test")
"""


@pytest.mark.slow
def test_rule_rerun_with_cache_present_does_not_call_the_network(tmp_path, monkeypatch):
    work = copy_project(tmp_path / "project")
    cache = cached(work / "data" / "downloads")
    (work / "config" / "gdown.yaml").write_text("q4:\n  data: {source: gdown}\n")
    (work / "config" / "epochs.yaml").write_text("q4:\n  train: {epochs: 1}\n")
    calls = tmp_path / "gdown_calls.txt"
    (tmp_path / "fake" / "gdown").mkdir(parents=True)
    (tmp_path / "fake" / "gdown" / "__init__.py").write_text(textwrap.dedent(FAKE_GDOWN.format(calls=str(calls))))
    monkeypatch.setenv("PYTHONPATH", str(tmp_path / "fake"))
    target = "build/q4/reviews.csv"
    # --configfile and --forcerun take several values: --directory ends the list.
    args = ("--configfile", "config/gdown.yaml", "--directory", str(work))
    rerun = ("--configfile", "config/gdown.yaml", "--forcerun", "q4_fetch", "--directory", str(work))

    run_snakemake(work, *args, target)
    run_snakemake(work, *rerun, target)  # Snakemake deletes the job's output before it runs
    assert not calls.exists(), "a rerun with the cache present called gdown.download"
    assert (work / target).read_bytes() == CSV and (cache / "reviews.csv").read_bytes() == CSV
    assert "cache hit, no network access" in (work / "build/logs/q4_fetch.log").read_text()
    # A setting that does not change the file (the notebook's epochs) does not rerun the fetch.
    both = ("--configfile", "config/gdown.yaml", "config/epochs.yaml", "--directory", str(work))
    plan = run_snakemake(work, *both, "-n", "build/results/q4_data.json")
    assert "rule q4_notebook:" in plan.stdout and "q4_fetch" not in plan.stdout
    # The fake is what the job imports: without the cache it is called, and the build stops with the fix.
    (cache / "reviews.csv").unlink()
    failed = run_snakemake(work, *rerun, target, check=False)
    assert failed.returncode != 0 and calls.read_text() == "download\n"
    assert "q4.data.source: local" in (work / "build/logs/q4_fetch.log").read_text()
