"""Problem 4, the gdown source with the network layer faked: cache hit, download, checksum mismatch, no network."""

import hashlib

import gdown
import pytest
from q4_fetch import NOTEBOOK_REVIEWS_ID, FetchError, fetch_reviews

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

    monkeypatch.setattr(
        gdown, "download", FakeDrive(error=requests.exceptions.ConnectionError("Name or service not known"))
    )
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
