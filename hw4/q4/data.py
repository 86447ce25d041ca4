"""Problem 4, data: load and validate the reviews CSV as the notebook reads it, map scores to sentiment,
split with scikit-learn as the notebook does, count.

Every row of the file is a sample, as ``df.shape[0]`` is in the notebook: repeated texts (different users writing
"Good") and empty texts (which tokenize to [CLS] [SEP]) are kept. Cleaning exists only as options, off by default
(``q4.data.clean``); each one's removals are counted and reported. The loader needs the columns ``content`` and
``score`` (extra columns such as ``reviewId`` are fine). It stops with a :class:`ReviewDataError` that names the
file, the column or row, and the fix, for a missing, empty or unreadable file, missing columns, and scores that
are not integers in 1..5.
"""

import math
from pathlib import Path

import numpy as np
import pandas as pd

from hw4.io import sha256_file

CLASS_NAMES = ["negative", "neutral", "positive"]
REQUIRED_COLUMNS = ("content", "score")
# The smallest class holding at least this share of the largest one counts as "roughly balanced" (item 4.3).
BALANCE_THRESHOLD = 0.8
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
        # region: read_csv
        # Everything as text, so that empty reviews stay "" (not NaN); scores are converted after reading.
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        # endregion
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


# region: load
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


# endregion


def clean_reviews(df: pd.DataFrame, options: dict) -> tuple[pd.DataFrame, list[dict]]:
    """Apply the cleaning options that are on (none by default); what each removed, in order, and why."""
    unknown = set(options) - set(CLEANING)
    if unknown:
        raise ValueError(f"unknown q4.data.clean option(s): {', '.join(sorted(unknown))}")
    removed = []
    for name, why in CLEANING.items():
        if not options.get(name, False):
            continue
        if name == "identical_rows":
            drop = df.duplicated(keep="first")
        else:
            drop = df["content"].str.strip() == ""
        removed.append({"option": name, "rows": int(drop.sum()), "why": why})
        df = df[~drop]
    return df.reset_index(drop=True), removed


# region: sentiment
def to_sentiment(score: int) -> int:
    """The notebook's mapping: 1-2 negative (0), 3 neutral (1), 4-5 positive (2)."""
    if score <= 2:
        return 0
    if score == 3:
        return 1
    return 2


# endregion


def split_sizes(n: int, holdout: float, test_share: float) -> tuple[int, int, int]:
    """(train, validation, test) rows that the two train_test_split calls below give for n rows: scikit-learn
    rounds a float test_size up (ceil) and gives the rest to the first part."""
    held = math.ceil(holdout * n)
    test = math.ceil(test_share * held)
    return n - held, held - test, test


# region: split
def split_reviews(df: pd.DataFrame, holdout: float, test_share: float, seed: int):
    """The notebook's split: hold out a share for evaluation, then halve it into validation and test."""
    from sklearn.model_selection import train_test_split

    if min(split_sizes(len(df), holdout, test_share)) < 1:
        raise ReviewDataError(
            f"{len(df)} reviews are too few for a train/validation/test split with q4.data.split "
            f"holdout {holdout} and test_share {test_share}; use more data"
        )
    # region: split_calls
    df_train, df_rest = train_test_split(df, test_size=holdout, random_state=seed)
    df_val, df_test = train_test_split(df_rest, test_size=test_share, random_state=seed)
    # endregion
    return df_train, df_val, df_test


# endregion


def score_summary(df: pd.DataFrame) -> dict:
    """Items 4.1-4.2: the samples, how many have each score, and the most common score (the lowest on a tie)."""
    score_counts = {str(s): int((df["score"] == s).sum()) for s in range(1, 6)}
    most = max(range(1, 6), key=lambda s: (score_counts[str(s)], -s))
    return {"n_samples": df.shape[0], "score_counts": score_counts, "most_common_score": most}


def class_summary(df: pd.DataFrame) -> dict:
    """Item 4.3: reviews per sentiment class, and the smallest class as a share of the largest."""
    class_counts = {name: int((df["sentiment"] == k).sum()) for k, name in enumerate(CLASS_NAMES)}
    balance = min(class_counts.values()) / max(class_counts.values())
    return {"class_counts": class_counts, "class_names": CLASS_NAMES, "balance_min_over_max": balance}


def summarize(df: pd.DataFrame, file_rows: int, removed: list[dict], frames: dict, head: int = 5, head_chars: int = 90):
    """Items 4.1-4.3 and 4.6: sample, score and class counts, the balance verdict, the frames' shapes."""
    scores, classes = score_summary(df), class_summary(df)
    examples = []
    for _, row in frames["train"].head(head).iterrows():
        text = row["content"].replace("\n", " ")
        examples.append(
            {
                "content": text if len(text) <= head_chars else text[: head_chars - 3] + "...",
                "score": int(row["score"]),
                "sentiment": CLASS_NAMES[int(row["sentiment"])],
            }
        )
    return {
        "rows_in_file": file_rows,
        "removed": removed,
        "n_samples": scores["n_samples"],
        "columns": list(df.columns),
        "score_counts": scores["score_counts"],
        "most_common_score": scores["most_common_score"],
        "class_counts": classes["class_counts"],
        "class_names": CLASS_NAMES,
        "balance_min_over_max": classes["balance_min_over_max"],
        "balance_threshold": BALANCE_THRESHOLD,
        "empty_texts": int((df["content"].str.strip() == "").sum()),
        "shapes": {name: [len(f), len(f.columns)] for name, f in frames.items()},
        "head": examples,
        "head_chars": head_chars,
    }


def write_splits(frames: dict, out: dict) -> None:
    """The model's inputs of each frame (text, score, class), as CSV; training fingerprints these files."""
    from hw4.io import atomic_path

    for name, frame in frames.items():
        Path(out[name]).parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(out[name]) as tmp:
            frame[["content", "score", "sentiment"]].to_csv(tmp, index=False)


def prepare(csv: str | Path, out: dict, data_cfg: dict, seed: int) -> dict:
    """Read, optionally clean, map and split the reviews; write the three frames' model inputs to `out`."""
    df = load_reviews(csv)
    expected = data_cfg.get("expected_rows")
    if expected is not None and len(df) != expected:
        raise ReviewDataError(
            f"{csv}: has {len(df)} reviews, but q4.data.expected_rows is {expected}. Fix: point q4.data at the "
            "file the profile expects, or set q4.data.expected_rows to null (or to this file's row count)."
        )
    file_rows, file_shape = len(df), list(df.shape)
    df, removed = clean_reviews(df, data_cfg.get("clean", {}))
    df["sentiment"] = df["score"].map(to_sentiment)
    split = data_cfg["split"]
    train, val, test = split_reviews(df, split["holdout"], split["test_share"], seed)
    frames = {"train": train, "val": val, "test": test}
    write_splits(frames, out)
    summary = summarize(df, file_rows, removed, frames)
    summary.update(
        source=data_cfg["source"],
        file_shape=file_shape,
        file=Path(csv).name,
        sha256=sha256_file(csv),
        seed=seed,
        split=dict(split),
        split_sizes=dict(zip(("train", "val", "test"), (len(f) for f in frames.values()), strict=True)),
    )
    return summary


def read_split_texts(paths) -> list[str]:
    """The review texts of the split files, in order (an empty review stays the empty string)."""
    frames = [pd.read_csv(f, dtype={"content": str}, keep_default_na=False)["content"] for f in paths]
    return pd.concat(frames).tolist()
