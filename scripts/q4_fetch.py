"""Rule q4_fetch: the assignment's reviews file, from the download cache or Google Drive (gdown)."""

from hw4.q4.fetch import fetch_to_build
from hw4.smk import run_script


def main(sm) -> None:
    info = fetch_to_build(sm.params.gdown_id, sm.params.cache_dir, sm.output.csv, sm.params.gdown_sha256)
    how = "downloaded" if info["fetched"] else "cache hit, no network access"
    print(f"{info['path']}: sha256 {info['sha256']} ({how}); copied to {sm.output.csv}")


run_script(main, globals())
