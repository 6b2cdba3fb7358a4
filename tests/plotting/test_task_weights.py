import numpy as np
import pytest

pytest.importorskip("matplotlib")
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmtl import MultiTaskRegressor
from skmtl.plotting import plot_task_weights
from tests.plotting.conftest import FAST


def test_one_line_per_task_with_the_recorded_weights(fitted):
    ax = plot_task_weights(fitted)
    ax.figure.canvas.draw()
    assert len(ax.lines) == fitted.n_tasks_
    for t, line in enumerate(ax.lines):
        np.testing.assert_allclose(line.get_ydata(), fitted.task_weights_[:, t])
        np.testing.assert_array_equal(
            line.get_xdata(), np.arange(1, len(fitted.history_) + 1)
        )
    assert [t.get_text() for t in ax.get_legend().get_texts()] == fitted.task_names_


def test_tasks_subset_and_pipeline(data):
    X, Y = data
    pipe = make_pipeline(
        StandardScaler(), MultiTaskRegressor(loss_weighting="uncertainty", **FAST)
    ).fit(X, Y)
    ax = plot_task_weights(pipe, tasks=["task_1"])
    assert len(ax.lines) == 1
    np.testing.assert_allclose(ax.lines[0].get_ydata(), pipe[-1].task_weights_[:, 1])


def test_errors(fitted):
    with pytest.raises(ValueError, match="Unknown tasks"):
        plot_task_weights(fitted, tasks=["task_9"])
    with pytest.raises(TypeError, match="task_weights_"):
        plot_task_weights(StandardScaler())
