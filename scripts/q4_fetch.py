"""Rule q4_fetch: the assignment's reviews file, from the download cache or Google Drive (gdown)."""

from hw4.io import log_to
from hw4.q4.fetch import fetch_to_build


def main(sm) -> None:
    info = fetch_to_build(sm.params.gdown_id, sm.params.cache_dir, sm.output.csv, sm.params.gdown_sha256)
    how = "downloaded" if info["fetched"] else "cache hit, no network access"
    print(f"{info['path']}: sha256 {info['sha256']} ({how}); copied to {sm.output.csv}")


if "snakemake" not in globals():  # run by hand: python scripts/q4_fetch.py
    from hw4.smk import mock_snakemake

    snakemake = mock_snakemake("q4_fetch")
with log_to(snakemake.log[0]):
    main(snakemake)
