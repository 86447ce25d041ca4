"""Problem 4, data: check the reviews CSV before the notebook reads it (the notebook itself maps, splits and
counts), the optional cleaning, and the notebook's sentiment mapping and split sizes that the check step uses.

Every row of the file is a sample, as ``df.shape[0]`` is in the notebook: repeated texts (different users writing
"Good") and empty texts (the notebook's pd.read_csv reads them as NaN, its data set as the text "nan") are kept.
Cleaning exists only as options, off by default (``q4.data.clean``); each one's removals are counted and reported. The loader needs the columns ``content`` and
``score`` (extra columns such as ``reviewId`` are fine). It stops with a :class:`ReviewDataError` that names the
file, the column or row, and the fix, for a missing, empty or unreadable file, missing columns, and scores that
are not integers in 1..5.
"""

import math
from pathlib import Path

import numpy as np
import pandas as pd

CLASS_NAMES = ["negative", "neutral", "positive"]
REQUIRED_COLUMNS = ("content", "score")
# Cleaning options (q4.data.clean), in the order they are applied, with the reason the PDF gives for each.
CLEANING = {
    "identical_rows": "identical in every column to an earlier row (the same review scraped twice)",
    "empty_text": "no text, or only white space",
}


class ReviewDataError(ValueError):
    """The reviews file cannot be used; the message says where and what to do."""


def _read_csv(path: Path, fix: str) -> pd.DataFrame:
    if not path.exists():
        raise ReviewDataError(f"{path}: reviews file not found. Fix: {fix}")
    if not path.is_file():
        raise ReviewDataError(f"{path}: is not a file. Fix: {fix}")
    if path.stat().st_size == 0 or not path.read_bytes().strip():
        raise ReviewDataError(
            f"{path}: the file is empty. Fix: write the reviews CSV there (header line first), or {fix}"
        )
    try:
        # Everything as text, so that empty reviews stay "" (not NaN); scores are converted after reading.
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReviewDataError(
            f"{path}: unreadable, not UTF-8 text (byte {exc.start}: {exc.reason}). Fix: save the file as UTF-8 CSV."
        ) from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise ReviewDataError(
            f"{path}: unreadable as CSV ({str(exc).strip()}). Fix: check the quoting of that line "
            "(a review containing commas, quotes or line breaks must be in double quotes, inner quotes doubled)."
        ) from None
    return df


def load_reviews(path: str | Path, fix: str = "point q4.data.path at a reviews CSV") -> pd.DataFrame:
    """The reviews file as the notebook's pd.read_csv sees it: one sample per row, every column kept."""
    path = Path(path)
    df = _read_csv(path, fix)
    missing = [c for c in REQUIRED_COLUMNS if c not in df.columns]
    if missing:
        raise ReviewDataError(
            f"{path}: missing column(s) {', '.join(missing)}; the header has: {', '.join(map(str, df.columns))}. "
            "Fix: the file needs a header line with at least 'content' (review text) and 'score' (1..5)."
        )
    if len(df) == 0:
        raise ReviewDataError(f"{path}: has a header but no reviews. Fix: add review rows, or {fix}")
    score_text = df["score"].str.strip()
    scores = pd.to_numeric(score_text, errors="coerce")
    bad = scores.isna() | (scores != scores.round()) | ~scores.between(1, 5)
    if bad.any():
        rows = [int(i) + 1 for i in np.flatnonzero(bad.to_numpy())]
        shown = ", ".join(f"row {r} ({df['score'].iloc[r - 1]!r})" for r in rows[:5])
        raise ReviewDataError(
            f"{path}: column 'score' must hold integers 1..5; {len(rows)} row(s) do not: {shown}"
            f"{' ...' if len(rows) > 5 else ''} (row = data row after the header). "
            "Fix: correct or delete those rows."
        )
    return df.assign(score=scores.astype(int))


def clean_reviews(df: pd.DataFrame, options: dict) -> tuple[pd.DataFrame, list[dict]]:
    """Apply the cleaning options that are on (none by default); what each removed, in order, and why."""
    unknown = set(options) - set(CLEANING)
    if unknown:
        raise ValueError(f"unknown q4.data.clean option(s): {', '.join(sorted(unknown))}")
    removed = []
    for name, why in CLEANING.items():
        if not options.get(name, False):
            continue
        drop = df.duplicated(keep="first") if name == "identical_rows" else df["content"].str.strip() == ""
        removed.append({"option": name, "rows": int(drop.sum()), "why": why})
        df = df[~drop]
    return df.reset_index(drop=True), removed


def to_sentiment(score: int) -> int:
    """The notebook's mapping: 1-2 negative (0), 3 neutral (1), 4-5 positive (2)."""
    if score <= 2:
        return 0
    if score == 3:
        return 1
    return 2


# The notebook's split: train_test_split(df, test_size=0.1), then train_test_split(rest, test_size=0.5).
NOTEBOOK_SPLIT = {"holdout": 0.1, "test_share": 0.5}


def split_sizes(n: int, holdout: float, test_share: float) -> tuple[int, int, int]:
    """(train, validation, test) rows that the two train_test_split calls below give for n rows: scikit-learn
    rounds a float test_size up (ceil) and gives the rest to the first part."""
    held = math.ceil(holdout * n)
    test = math.ceil(test_share * held)
    return n - held, held - test, test
