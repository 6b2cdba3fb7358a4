"""The inner cross-validation scores of the grouping estimators (higher is better).

The groups and the guard compare each task's score under several models, so
the score must tell models apart: on an imbalanced task, every model that
predicts the majority class has the same accuracy, and a tie keeps the
single-task network. The classifiers therefore score by default with the
negative log loss, a proper score of the predicted probabilities.
"""

import numpy as np
from sklearn.metrics import (
    log_loss,
    mean_absolute_error,
    mean_squared_error,
    roc_auc_score,
)

from skmtl._values import homogeneous, is_missing


def _negated(metric):
    def score(y_true, y_pred, sample_weight=None):
        return -metric(y_true, y_pred, sample_weight=sample_weight)

    score.__name__ = f"neg_{metric.__name__}"
    return score


#: Scores of the predictions: a name in :data:`skmtl.metrics.METRICS` or a
#: function ``score(y_true, y_pred)``.
REGRESSION_SCORES = {
    "r2": "r2",
    "neg_mean_squared_error": _negated(mean_squared_error),
    "neg_mean_absolute_error": _negated(mean_absolute_error),
}
PREDICTION_SCORES = {"accuracy": "accuracy", "balanced_accuracy": "balanced_accuracy"}


def _neg_log_loss(y_true, proba, classes):
    return -log_loss(y_true, proba, labels=classes)


def _roc_auc(y_true, proba, classes):
    if len(np.unique(y_true)) < 2:
        return np.nan  # one class among the rows: the AUC is undefined
    if len(classes) == 2:
        return roc_auc_score(y_true == classes[1], proba[:, 1])
    return roc_auc_score(y_true, proba, multi_class="ovr", labels=classes)


#: Scores of the predicted probabilities: ``score(y_true, proba, classes)``.
PROBABILITY_SCORES = {"neg_log_loss": _neg_log_loss, "roc_auc": _roc_auc}

#: The scorings each family accepts.
CLASSIFICATION_SCORINGS = (*PREDICTION_SCORES, *PROBABILITY_SCORES)
SCORINGS = {
    "regressor": tuple(REGRESSION_SCORES),
    "classifier": CLASSIFICATION_SCORINGS,
}


def check_scoring(scoring, kind, default):
    """Return the scoring to use: ``default`` for None, else ``scoring`` checked.

    Raises
    ------
    ValueError
        When ``scoring`` is not one of the ``kind``'s scorings.
    """
    if scoring is None:
        return default
    if scoring not in SCORINGS[kind]:
        raise ValueError(
            f"scoring={scoring!r} is not a {kind}'s inner score; expected None or "
            f"one of {list(SCORINGS[kind])}."
        )
    return scoring


def probability_scores(model, X, y, task_of_row, names, scoring):
    """Return each task's score of ``model``'s probabilities on ``X``.

    Parameters
    ----------
    model : fitted classifier
        A neural multi-task classifier.
    X : array-like
        The rows to score (with the task column in the long layout).
    y : ndarray
        Their labels: wide, one column per task of ``names`` (missing
        labels NaN or None); long, 1-D.
    task_of_row : ndarray or None
        Long layout: each row's task name; None in the wide layout.
    names : list
        The names of the tasks ``model`` was fitted on, in its order.
    scoring : str
        A key of :data:`PROBABILITY_SCORES`.

    Returns
    -------
    scores : ndarray of shape (len(names),)
        NaN for a task without a label among the rows, or with a class there
        that ``model`` did not see in training.
    """
    score = PROBABILITY_SCORES[scoring]
    proba = model.predict_proba(X)
    scores = np.full(len(names), np.nan)
    for t, name in enumerate(names):
        if task_of_row is None:
            position, truth = t, y[:, t]
            rows = ~is_missing(truth)
        else:
            position = list(model.task_names_).index(name)
            rows = task_of_row == name
            truth = y
        classes = model.classes_[position]
        truth = homogeneous(truth[rows])
        # A class the network never saw in training (a rare class in an inner
        # fold) has no probability: the task cannot be judged on these rows.
        if rows.any() and np.isin(truth, classes).all():
            scores[t] = score(truth, proba[position][rows], classes)
    return scores
