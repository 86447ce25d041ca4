"""What the benchmarks share: the project's sources copied into a temporary folder, so the user's build/ is
untouched and every run starts from no build outputs."""

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ["Snakefile", "rules", "hw4", "scripts", "report", "config", "data", "environment.yml"]
# Build outputs and the user's downloads and archives stay behind.
IGNORE = ("__pycache__", "*.pdf", "downloads", "archive")


def copy_sources(dest: Path, items: list[str] = SOURCES) -> None:
    for item in items:
        src = ROOT / item
        if src.is_dir():
            shutil.copytree(src, dest / item, ignore=shutil.ignore_patterns(*IGNORE))
        elif src.exists():
            shutil.copy2(src, dest / item)
