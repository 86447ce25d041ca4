"""Problem 4 data: the loader's errors and drops, the sentiment mapping, the split, the summary."""

import pandas as pd
import pytest
from q4_data import ReviewDataError, load_reviews, prepare, split_reviews, summarize, to_sentiment

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
    df, _ = load_reviews(write(tmp_path, HEADER + "a,fine,4.0,r1\nb,ok, 3 ,r2\n"))
    assert df["score"].tolist() == [4, 3] and df["score"].dtype.kind == "i"


def test_drops_are_counted_by_reason(tmp_path):
    rows = [
        ("a", "Great app", 5),
        ("b", "", 1),
        ("c", "   ", 2),
        ("d", "Great app", 5),  # exact duplicate (content, score): dropped
        ("e", "Great app", 4),  # same text, other score: kept
        ("f", "Crashes & burns, 100% of the time {sigh} \\o/ \U0001f621", 1),
        ("g", "\t\n", 3),
        ("h", "Crashes & burns, 100% of the time {sigh} \\o/ \U0001f621", 1),
    ]
    df_in = pd.DataFrame(rows, columns=["userName", "content", "score"])
    path = tmp_path / "r.csv"
    df_in.to_csv(path, index=False)
    df, report = load_reviews(path)
    assert report == {
        "rows_read": 8,
        "dropped": {"empty_content": 1, "whitespace_content": 2, "duplicate": 2},
        "rows_kept": 3,
    }
    assert df["content"].tolist() == ["Great app", "Great app", rows[5][1]]
    assert df["score"].tolist() == [5, 4, 1]


def test_sentiment_mapping():
    assert [to_sentiment(s) for s in range(1, 6)] == [0, 0, 1, 2, 2]


def test_split_sizes_disjoint_and_seeded():
    df = pd.DataFrame({"content": [f"review {i}" for i in range(200)], "score": [1 + i % 5 for i in range(200)]})
    train, val, test = split_reviews(df, 0.05, 0.05, seed=3)
    assert (len(train), len(val), len(test)) == (180, 10, 10)
    parts = [set(f["content"]) for f in (train, val, test)]
    assert set.union(*parts) == set(df["content"]) and sum(map(len, parts)) == 200
    again = split_reviews(df, 0.05, 0.05, seed=3)
    other = split_reviews(df, 0.05, 0.05, seed=4)
    assert next(iter(again))["content"].tolist() == train["content"].tolist()
    assert next(iter(other))["content"].tolist() != train["content"].tolist()


def test_split_too_small():
    df = pd.DataFrame({"content": ["a", "b", "c"], "score": [1, 3, 5]})
    with pytest.raises(ReviewDataError, match="too few"):
        tuple(split_reviews(df, 0.05, 0.05, 0))


def test_summary_counts_and_most_common_score():
    df = pd.DataFrame({"content": list("abcdefg"), "score": [1, 2, 3, 3, 5, 5, 5]})
    df["sentiment"] = df["score"].map(to_sentiment)
    s = summarize(df, {"rows_read": 7}, {"train": df, "val": df.head(1), "test": df.head(1)})
    assert s["score_counts"] == {"1": 1, "2": 1, "3": 2, "4": 0, "5": 3}
    assert s["most_common_score"] == 5
    assert s["class_counts"] == {"negative": 2, "neutral": 2, "positive": 3}
    assert s["balance_min_over_max"] == pytest.approx(2 / 3)
    assert s["shapes"]["train"] == [7, 3]


def test_prepare_writes_splits_that_round_trip(tmp_path):
    texts = [f'review {i}: "quoted", comma, new\nline, 50% & $ # _ {{}} ~ ^ \\' for i in range(40)]
    pd.DataFrame({"content": texts, "score": [1 + i % 5 for i in range(40)]}).to_csv(tmp_path / "in.csv", index=False)
    out = {k: tmp_path / f"{k}.csv" for k in ("train", "val", "test")}
    res = prepare(tmp_path / "in.csv", out, 0.1, 0.1, 0, "local")
    back = pd.concat(pd.read_csv(p, keep_default_na=False) for p in out.values())
    assert sorted(back["content"]) == sorted(texts)
    assert res["shapes"] == {"train": [32, 3], "val": [4, 3], "test": [4, 3]}
    assert len(res["sha256"]) == 64
