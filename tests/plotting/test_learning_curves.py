import numpy as np
import pytest

pytest.importorskip("matplotlib")
from matplotlib.axes import Axes
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmtl import MultiTaskRegressor, PerTaskRegressor
from skmtl.plotting import plot_learning_curves
from tests.plotting.conftest import FAST


def _lines(ax, style):
    return [line for line in ax.lines if line.get_linestyle() == style]


def test_one_train_line_per_task(fitted):
    ax = plot_learning_curves(fitted)
    ax.figure.canvas.draw()
    assert isinstance(ax, Axes)
    assert len(ax.lines) == fitted.n_tasks_
    line = ax.lines[0]
    np.testing.assert_array_equal(
        line.get_xdata(), np.arange(1, FAST["max_epochs"] + 1)
    )
    expected = [row["train_task_loss"]["task_0"] for row in fitted.history_]
    np.testing.assert_allclose(line.get_ydata(), expected)
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert legend == fitted.task_names_
    assert ax.get_xlabel() == "epoch"


def test_valid_lines_are_dashed_in_the_task_colour(fitted_valid):
    ax = plot_learning_curves(fitted_valid)
    ax.figure.canvas.draw()
    train, valid = _lines(ax, "-"), _lines(ax, "--")
    assert len(train) == len(valid) == fitted_valid.n_tasks_
    assert [line.get_color() for line in train] == [line.get_color() for line in valid]
    expected = [row["valid_task_loss"]["task_2"] for row in fitted_valid.history_]
    np.testing.assert_allclose(valid[2].get_ydata(), expected)
    # Task legend plus the train/valid style legend.
    legend_texts = [
        text.get_text()
        for child in ax.get_children()
        if isinstance(child, type(ax.get_legend()))
        for text in child.get_texts()
    ]
    assert {"train", "valid", *fitted_valid.task_names_} <= set(legend_texts)


def test_valid_false_and_task_subset(fitted_valid):
    ax = plot_learning_curves(fitted_valid, valid=False, tasks=["task_2", "task_0"])
    assert len(ax.lines) == 2
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["task_2", "task_0"]


def test_logy_and_given_axes(fitted):
    import matplotlib.pyplot as plt

    _, given = plt.subplots()
    ax = plot_learning_curves(fitted, ax=given, logy=True)
    assert ax is given
    assert ax.get_yscale() == "log"


def test_pipeline_and_search_are_unwrapped(data):
    X, Y = data
    pipe = make_pipeline(StandardScaler(), MultiTaskRegressor(**FAST)).fit(X, Y)
    assert len(plot_learning_curves(pipe).lines) == 3
    search = GridSearchCV(pipe, {"multitaskregressor__lr": [1e-3]}, cv=2).fit(X, Y)
    assert len(plot_learning_curves(search).lines) == 3


def test_errors(fitted):
    with pytest.raises(ValueError, match=r"Unknown tasks \['nope'\]"):
        plot_learning_curves(fitted, tasks=["nope"])
    with pytest.raises(ValueError, match="tasks is empty"):
        plot_learning_curves(fitted, tasks=[])
    with pytest.raises(NotFittedError, match="not fitted"):
        plot_learning_curves(MultiTaskRegressor())
    with pytest.raises(TypeError, match="PerTaskRegressor"):
        plot_learning_curves(PerTaskRegressor(None))
