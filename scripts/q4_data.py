"""Problem 4, data: load and validate the reviews CSV, map scores to sentiment, split 90/5/5, count.

The loader needs the columns ``content`` and ``score`` (extra columns such as ``reviewId`` are fine). It stops
with a :class:`ReviewDataError` that names the file, the column or row, and the fix, for a missing, empty or
unreadable file, missing columns, and scores that are not integers in 1..5. It drops, and counts by reason,
reviews with empty or whitespace-only text and exact duplicates of an earlier (content, score) row.
"""

from pathlib import Path

import numpy as np
import pandas as pd

from common import sha256_file

CLASS_NAMES = ["negative", "neutral", "positive"]
REQUIRED_COLUMNS = ("content", "score")


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
        # Everything as text: scores are checked by hand below, and empty reviews stay "" (not NaN).
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


# region: load
def load_reviews(path: str | Path, fix: str = "point q4.data.path at a reviews CSV") -> tuple[pd.DataFrame, dict]:
    """The validated reviews (columns content, score, ...) and what was dropped, by reason."""
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
    df = df.assign(score=scores.astype(int))
    n_read = len(df)
    empty = df["content"] == ""
    blank = ~empty & (df["content"].str.strip() == "")
    df = df[~(empty | blank)]
    duplicate = df.duplicated(subset=["content", "score"], keep="first")
    df = df[~duplicate].reset_index(drop=True)
    dropped = {
        "empty_content": int(empty.sum()),
        "whitespace_content": int(blank.sum()),
        "duplicate": int(duplicate.sum()),
    }
    return df, {"rows_read": n_read, "dropped": dropped, "rows_kept": len(df)}


# endregion


# region: sentiment
def to_sentiment(score: int) -> int:
    """The notebook's mapping: 1-2 negative (0), 3 neutral (1), 4-5 positive (2)."""
    if score <= 2:
        return 0
    if score == 3:
        return 1
    return 2


# endregion


# region: split
def split_reviews(df: pd.DataFrame, val_fraction: float, test_fraction: float, seed: int):
    """Random train/validation/test frames (90/5/5 by default), fixed by the seed."""
    perm = np.random.default_rng(seed).permutation(len(df))
    n_val = int(round(val_fraction * len(df)))
    n_test = int(round(test_fraction * len(df)))
    if min(n_val, n_test, len(df) - n_val - n_test) < 1:
        raise ReviewDataError(f"{len(df)} reviews are too few for a train/validation/test split; use more data")
    val, test, train = np.split(perm, [n_val, n_val + n_test])
    return (df.iloc[np.sort(idx)].reset_index(drop=True) for idx in (train, val, test))


# endregion


def summarize(df: pd.DataFrame, report: dict, frames: dict, head: int = 5, head_chars: int = 90) -> dict:
    score_counts = {str(s): int((df["score"] == s).sum()) for s in range(1, 6)}
    class_counts = {name: int((df["sentiment"] == k).sum()) for k, name in enumerate(CLASS_NAMES)}
    most = max(range(1, 6), key=lambda s: (score_counts[str(s)], -s))
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
        **report,
        "n_samples": len(df),
        "columns": list(df.columns),
        "score_counts": score_counts,
        "most_common_score": most,
        "class_counts": class_counts,
        "class_names": CLASS_NAMES,
        "balance_min_over_max": min(class_counts.values()) / max(class_counts.values()),
        "shapes": {name: [len(f), len(f.columns)] for name, f in frames.items()},
        "head": examples,
        "head_chars": head_chars,
    }


def prepare(csv: str | Path, out: dict, val_fraction: float, test_fraction: float, seed: int, source: str) -> dict:
    from common import atomic_path

    df, report = load_reviews(csv)
    df = df[["content", "score"]].copy()
    df["sentiment"] = df["score"].map(to_sentiment)
    train, val, test = split_reviews(df, val_fraction, test_fraction, seed)
    frames = {"train": train, "val": val, "test": test}
    for name, frame in frames.items():
        with atomic_path(out[name]) as tmp:
            frame.to_csv(tmp, index=False)
    summary = summarize(df, report, frames)
    summary.update(source=source, file=Path(csv).name, sha256=sha256_file(csv), seed=seed)
    return summary


if __name__ == "__main__" and "snakemake" in globals():
    from common import log_to, write_json

    sm = snakemake  # noqa: F821
    with log_to(sm.log[0]):
        p = sm.params.data
        result = prepare(
            sm.input.csv,
            {"train": sm.output.train, "val": sm.output.val, "test": sm.output.test},
            p["val_fraction"],
            p["test_fraction"],
            sm.params.seed,
            p["source"],
        )
        print(f"{result['rows_read']} rows read, dropped {result['dropped']}, {result['n_samples']} kept")
        write_json(sm.output.results, result)
