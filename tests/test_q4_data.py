"""Problem 4 data: the loader's errors, every row a sample, optional cleaning, the notebook's split, the summary."""

import pandas as pd
import pytest

from hw4.q4.data import (
    ReviewDataError,
    clean_reviews,
    load_reviews,
    prepare,
    split_reviews,
    split_sizes,
    summarize,
    to_sentiment,
)

HEADER = "userName,content,score,reviewId\n"


def write(tmp_path, text, name="reviews.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


def test_missing_file_names_path_and_fix(tmp_path):
    with pytest.raises(ReviewDataError, match=r"nope\.csv: reviews file not found\. Fix: .*q4\.data\.path"):
        load_reviews(tmp_path / "nope.csv")


@pytest.mark.parametrize("text", ["", "  \n\n"])
def test_empty_file(tmp_path, text):
    with pytest.raises(ReviewDataError, match="the file is empty"):
        load_reviews(write(tmp_path, text))


def test_header_only(tmp_path):
    with pytest.raises(ReviewDataError, match="has a header but no reviews"):
        load_reviews(write(tmp_path, HEADER))


def test_not_utf8_is_unreadable(tmp_path):
    path = write(tmp_path, (HEADER + "a,caf\xe9 ok,5,r1\n").encode("latin-1"))
    with pytest.raises(ReviewDataError, match=r"unreadable, not UTF-8 .*Fix: save the file as UTF-8"):
        load_reviews(path)


def test_bad_quoting_is_unreadable(tmp_path):
    path = write(tmp_path, HEADER + 'a,"fine",5,r1\nb,"too, many",4,r2,extra,fields\n')
    with pytest.raises(ReviewDataError, match=r"unreadable as CSV \(.*line 3.*\)\. Fix: check the quoting"):
        load_reviews(path)


def test_missing_columns_listed(tmp_path):
    path = write(tmp_path, "userName,text,rating\na,good,5\n")
    with pytest.raises(
        ReviewDataError, match=r"missing column\(s\) content, score; the header has: userName, text, rating"
    ):
        load_reviews(path)


@pytest.mark.parametrize(
    ("score", "shown"), [("3.5", "'3.5'"), ("five", "'five'"), ("", "''"), ("0", "'0'"), ("6", "'6'"), ("-1", "'-1'")]
)
def test_bad_scores_name_the_row(tmp_path, score, shown):
    path = write(tmp_path, HEADER + f"a,good app,5,r1\nb,meh,{score},r2\nc,bad,1,r3\n")
    with pytest.raises(ReviewDataError, match=rf"integers 1\.\.5; 1 row\(s\) do not: row 2 \({shown}\)"):
        load_reviews(path)


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


def test_every_row_is_a_sample_by_default(tmp_path):
    path = tmp_path / "r.csv"
    pd.DataFrame(ROWS, columns=["userName", "content", "score"]).to_csv(path, index=False)
    df = load_reviews(path)
    assert len(df) == 8 and df["content"].tolist() == [r[1] for r in ROWS]
    same, removed = clean_reviews(df, {})
    assert len(same) == 8 and removed == []


def test_cleaning_options_count_what_each_removed(tmp_path):
    path = tmp_path / "r.csv"
    pd.DataFrame(ROWS, columns=["userName", "content", "score"]).to_csv(path, index=False)
    df = load_reviews(path)
    kept, removed = clean_reviews(df, {"identical_rows": True, "empty_text": False})
    assert [r["rows"] for r in removed] == [1] and len(kept) == 7  # row 4 (user d) stays
    kept, removed = clean_reviews(df, {"identical_rows": True, "empty_text": True})
    assert [(r["option"], r["rows"]) for r in removed] == [("identical_rows", 1), ("empty_text", 3)]
    assert kept["userName"].tolist() == ["a", "d", "e", "f"]
    with pytest.raises(ValueError, match="unknown q4.data.clean option"):
        clean_reviews(df, {"duplicates": True})


def test_sentiment_mapping():
    assert [to_sentiment(s) for s in range(1, 6)] == [0, 0, 1, 2, 2]


@pytest.mark.parametrize(
    ("n", "sizes"), [(15746, (14171, 787, 788)), (674, (606, 34, 34)), (300, (270, 15, 15)), (21, (18, 1, 2))]
)
def test_split_is_the_notebooks_train_test_split(n, sizes):
    """train_test_split(df, test_size=0.1), then (rest, test_size=0.5): 14,171 / 787 / 788 on 15,746 rows."""
    from sklearn.model_selection import train_test_split

    df = pd.DataFrame({"content": [f"review {i}" for i in range(n)], "score": [1 + i % 5 for i in range(n)]})
    train, val, test = split_reviews(df, 0.1, 0.5, seed=3)
    assert (len(train), len(val), len(test)) == sizes == split_sizes(n, 0.1, 0.5)
    ref_train, rest = train_test_split(df, test_size=0.1, random_state=3)
    ref_val, ref_test = train_test_split(rest, test_size=0.5, random_state=3)
    for ours, ref in ((train, ref_train), (val, ref_val), (test, ref_test)):
        assert ours.index.tolist() == ref.index.tolist()
    parts = [set(f["content"]) for f in (train, val, test)]
    assert set.union(*parts) == set(df["content"]) and sum(map(len, parts)) == n
    other = split_reviews(df, 0.1, 0.5, seed=4)
    assert next(iter(other))["content"].tolist() != train["content"].tolist()


def test_split_too_small():
    df = pd.DataFrame({"content": ["a", "b", "c"], "score": [1, 3, 5]})
    with pytest.raises(ReviewDataError, match="too few"):
        tuple(split_reviews(df, 0.1, 0.5, 0))


def test_summary_counts_and_most_common_score():
    df = pd.DataFrame({"content": list("abcdefg"), "score": [1, 2, 3, 3, 5, 5, 5]})
    df["sentiment"] = df["score"].map(to_sentiment)
    s = summarize(df, 7, [], {"train": df, "val": df.head(1), "test": df.head(1)})
    assert s["score_counts"] == {"1": 1, "2": 1, "3": 2, "4": 0, "5": 3}
    assert s["most_common_score"] == 5
    assert s["class_counts"] == {"negative": 2, "neutral": 2, "positive": 3}
    assert s["balance_min_over_max"] == pytest.approx(2 / 3) and s["balance_threshold"] > 2 / 3
    assert s["shapes"]["train"] == [7, 3]


def test_prepare_writes_splits_that_round_trip(tmp_path):
    texts = [f'review {i}: "quoted", comma, new\nline, 50% & $ # _ {{}} ~ ^ \\' for i in range(40)]
    pd.DataFrame({"content": texts, "score": [1 + i % 5 for i in range(40)]}).to_csv(tmp_path / "in.csv", index=False)
    out = {k: tmp_path / f"{k}.csv" for k in ("train", "val", "test")}
    res = prepare(tmp_path / "in.csv", out, {"source": "local", "split": {"holdout": 0.2, "test_share": 0.5}}, 0)
    back = pd.concat(pd.read_csv(p, keep_default_na=False) for p in out.values())
    assert sorted(back["content"]) == sorted(texts)
    assert res["shapes"] == {"train": [32, 3], "val": [4, 3], "test": [4, 3]}
    assert len(res["sha256"]) == 64


def test_expected_rows_guards_the_profiles_file(tmp_path):
    pd.DataFrame({"content": list("abcdefghij"), "score": [5] * 10}).to_csv(tmp_path / "in.csv", index=False)
    out = {k: tmp_path / f"{k}.csv" for k in ("train", "val", "test")}
    cfg = {"source": "local", "expected_rows": 15746, "split": {"holdout": 0.2, "test_share": 0.5}}
    with pytest.raises(ReviewDataError, match=r"in\.csv: has 10 reviews, but q4\.data\.expected_rows is 15746\. Fix:"):
        prepare(tmp_path / "in.csv", out, cfg, 0)
    assert not any(p.exists() for p in out.values())


def scraped_reviews_file(path, n=360, seed=7):
    """A reviews file like a real Google Play scrape: the notebook's columns plus reviewId, the same short text from
    many users, an empty and a whitespace-only text, a text with a comma, quotes and a line break; written with a
    UTF-8 BOM and CRLF line ends. Returns the frame written."""
    import numpy as np

    rng = np.random.default_rng(seed)
    common = ["Good", "Nice", "Great app", "Bad", "ok", "Worst app ever", "Love it"]
    rows = []
    for i in range(n):
        if i == 10:
            text = ""
        elif i == 11:
            text = "   "
        elif i == 12:
            text = 'Syncs, mostly. "Premium" is\nworth it'
        elif i % 3 == 0:
            text = common[i % len(common)]  # the same review from different users
        else:
            text = f"review number {i} about the app"
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


def test_scraped_file_every_row_a_sample_counts_and_split_as_the_notebook(tmp_path):
    from sklearn.model_selection import train_test_split

    written = scraped_reviews_file(tmp_path / "reviews.csv")
    assert (tmp_path / "reviews.csv").read_bytes()[:3] == b"\xef\xbb\xbf"
    out = {k: tmp_path / f"{k}.csv" for k in ("train", "val", "test")}
    cfg = {"source": "local", "split": {"holdout": 0.1, "test_share": 0.5}, "clean": {}}
    res = prepare(tmp_path / "reviews.csv", out, cfg, 5)
    # the notebook: df = pd.read_csv("reviews.csv"); df.shape; df.sentiment.value_counts()
    nb = pd.read_csv(tmp_path / "reviews.csv")
    assert res["n_samples"] == res["rows_in_file"] == nb.shape[0] == 360 and res["file_shape"] == list(nb.shape)
    nb["sentiment"] = nb["score"].map(to_sentiment)
    counts = nb["sentiment"].value_counts()
    assert res["class_counts"] == {
        name: int(counts.get(k, 0)) for k, name in enumerate(["negative", "neutral", "positive"])
    }
    nb_train, nb_rest = train_test_split(nb, test_size=0.1, random_state=5)
    nb_val, nb_test = train_test_split(nb_rest, test_size=0.5, random_state=5)
    assert res["split_sizes"] == {"train": len(nb_train), "val": len(nb_val), "test": len(nb_test)}
    assert res["shapes"]["train"] == [len(nb_train), nb_train.shape[1]] == [324, 13]
    assert res["empty_texts"] == 2 and not res["removed"]
    back = pd.read_csv(out["test"], keep_default_na=False)
    assert back["content"].tolist() == [written["content"][i] for i in nb_test.index]
