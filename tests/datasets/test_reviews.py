import csv
import gzip

import numpy as np
import pytest

from skmtl.datasets import load_reviews_multitask
from tests.datasets._files import require, shared_data_home


def test_shared_copy():
    home = shared_data_home()
    require(home, "text_multitask.csv.gz")
    reviews = load_reviews_multitask(data_home=home)
    assert reviews.data.shape == (8000,)
    assert reviews.data.dtype == object and isinstance(reviews.data[0], str)
    assert reviews.target.shape == (8000, 3)
    assert reviews.target_names == ["domain", "sentiment", "rating"]
    domain, sentiment, rating = reviews.target.T
    assert set(domain) == {"books", "dvd", "electronics", "kitchen_housewares"}
    assert set(sentiment) == {"positive", "negative"}
    assert set(rating) == {1, 2, 4, 5}
    assert {type(value) for value in rating} == {int}
    assert reviews.title.shape == (8000,)
    assert "Blitzer" in reviews.DESCR


def test_shared_copy_as_frame():
    home = shared_data_home()
    require(home, "text_multitask.csv.gz")
    X, Y = load_reviews_multitask(data_home=home, as_frame=True, return_X_y=True)
    assert list(X.columns) == ["text"]
    assert list(Y.columns) == ["domain", "sentiment", "rating"]
    assert Y["rating"].dtype == np.int64
    assert (Y["domain"].value_counts() == 2000).all()


def test_file_written_here_through_environment(tmp_path, monkeypatch):
    with gzip.open(tmp_path / "text_multitask.csv.gz", "wt", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["text", "domain", "sentiment", "rating", "title"])
        writer.writerow(["Great,\nreally", "books", "positive", "5", "Yes"])
        writer.writerow(["Broke", "kitchen_housewares", "negative", "1", "No"])
    monkeypatch.setenv("SKMTL_DATA", str(tmp_path))
    reviews = load_reviews_multitask()
    assert reviews.data.tolist() == ["Great,\nreally", "Broke"]
    assert reviews.target.tolist() == [
        ["books", "positive", 5],
        ["kitchen_housewares", "negative", 1],
    ]
    assert reviews.title.tolist() == ["Yes", "No"]


def test_missing_column(tmp_path):
    with gzip.open(tmp_path / "text_multitask.csv.gz", "wt") as file:
        file.write("text,domain\nhello,books\n")
    with pytest.raises(ValueError, match=r"lacks the column\(s\) \['sentiment'"):
        load_reviews_multitask(data_home=tmp_path)


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError) as info:
        load_reviews_multitask(data_home=tmp_path)
    message = str(info.value)
    assert "'text_multitask.csv.gz'" in message and "mdredze" in message
