"""MultiTaskClassifier: per-task label sets, probabilities, single-class tasks."""

import warnings

import numpy as np
import pytest

from skmtl import MultiTaskClassifier
from tests.conftest import FAST


def _mixed_labels(n=120, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 5))
    Y = np.empty((n, 3), dtype=object)
    Y[:, 0] = np.where(X[:, 0] > 0, "spam", "ham")
    Y[:, 1] = np.digitize(X[:, 1], [-0.5, 0.5])  # 0, 1, 2
    Y[:, 2] = np.where(X[:, 2] > 0, 1.0, -1.0)
    return X, Y


def test_each_task_has_its_own_classes_and_original_labels():
    X, Y = _mixed_labels()
    model = MultiTaskClassifier(**{**FAST, "max_epochs": 30}).fit(X, Y)
    assert [c.tolist() for c in model.classes_] == [
        ["ham", "spam"],
        [0, 1, 2],
        [-1.0, 1.0],
    ]
    prediction = model.predict(X)
    assert prediction.shape == (120, 3)
    assert prediction.dtype == object
    assert set(prediction[:, 0]) <= {"ham", "spam"}
    assert set(prediction[:, 1]) <= {0, 1, 2}
    assert set(prediction[:, 2]) <= {-1.0, 1.0}
    assert model.score(X, Y) > 0.7


def test_predict_proba_is_a_list_of_per_task_arrays():
    X, Y = _mixed_labels()
    model = MultiTaskClassifier(**FAST).fit(X, Y)
    proba = model.predict_proba(X)
    assert isinstance(proba, list)
    assert [p.shape for p in proba] == [(120, 2), (120, 3), (120, 2)]
    for t, p in enumerate(proba):
        np.testing.assert_allclose(p.sum(axis=1), 1.0)
        labels = model.classes_[t][p.argmax(axis=1)]
        np.testing.assert_array_equal(labels, model.predict(X)[:, t])


def test_one_d_y_behaves_like_a_scikit_learn_classifier():
    X, Y = _mixed_labels()
    model = MultiTaskClassifier(**FAST).fit(X, Y[:, 0].astype(str))
    assert isinstance(model.classes_, np.ndarray)
    assert model.classes_.tolist() == ["ham", "spam"]
    assert model.predict(X).shape == (120,)
    assert model.predict_proba(X).shape == (120, 2)


def test_missing_labels_as_none_and_nan():
    X, Y = _mixed_labels()
    Y[::3, 0] = None
    Y[1::4, 1] = np.nan
    model = MultiTaskClassifier(**FAST).fit(X, Y)
    assert model.classes_[0].tolist() == ["ham", "spam"]
    assert model.classes_[1].tolist() == [0, 1, 2]
    scores = model.score_per_task(X, Y)
    assert np.isfinite(list(scores.values())).all()


def test_single_class_task_warns_and_is_predicted_constant():
    X, Y = _mixed_labels()
    Y[:, 1] = "only"
    with pytest.warns(UserWarning, match="Task 'task_1' has a single class"):
        model = MultiTaskClassifier(**FAST).fit(X, Y)
    assert (model.predict(X)[:, 1] == "only").all()
    np.testing.assert_array_equal(model.predict_proba(X)[1], np.ones((120, 1)))


def test_unseen_class_on_warm_start_is_an_error():
    X, Y = _mixed_labels()
    model = MultiTaskClassifier(**FAST, warm_start=True).fit(X, Y)
    Y2 = Y.copy()
    Y2[0, 0] = "eggs"
    with pytest.raises(ValueError, match="Task 'task_0' has labels \\['eggs'\\]"):
        model.fit(X, Y2)


def test_binary_and_multiclass_learn_their_signal():
    X, Y = _mixed_labels(n=300)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = MultiTaskClassifier(
            shared_layers=(32,), max_epochs=60, lr=0.01, random_state=0
        ).fit(X, Y)
    scores = model.score_per_task(X, Y)
    assert scores["task_0"] > 0.9
    assert scores["task_1"] > 0.8
    assert scores["task_2"] > 0.9


def test_cross_validation_with_missing_labels_uses_an_explicit_splitter():
    from sklearn.model_selection import KFold, cross_val_score

    X, Y = _mixed_labels()
    Y = np.where(X[:, :2] > 0, 1.0, 0.0)
    Y[::5, 0] = np.nan
    scores = cross_val_score(MultiTaskClassifier(**FAST), X, Y, cv=KFold(3))
    assert scores.shape == (3,) and np.isfinite(scores).all()
    # scikit-learn's default (stratified) splitter rejects NaN in y, as documented.
    with pytest.raises(ValueError, match="NaN"):
        cross_val_score(MultiTaskClassifier(**FAST), X, Y, cv=3)
