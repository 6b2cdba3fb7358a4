import numpy as np
import pytest

pytest.importorskip("matplotlib")

from skmtl import MultiTaskRegressor
from skmtl.plotting import plot_task_similarity
from tests.plotting.conftest import FAST

MATRIX = np.array([[1.0, 0.5, -0.2], [0.5, 1.0, 0.1], [-0.2, 0.1, 1.0]])


def _texts(ax):
    return [text.get_text() for text in ax.texts]


def test_heatmap_with_annotations_ticks_and_colorbar():
    ax = plot_task_similarity(MATRIX, ["a", "b", "c"])
    ax.figure.canvas.draw()
    assert len(ax.images) == 1
    np.testing.assert_allclose(ax.images[0].get_array(), MATRIX)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b", "c"]
    assert len(ax.texts) == 9
    assert "-0.20" in _texts(ax)
    # The colorbar is a second Axes of the figure; diverging scale around 0.
    assert len(ax.figure.axes) == 2
    assert ax.images[0].get_clim() == (-1.0, 1.0)
    assert ax.images[0].get_cmap().name == "RdBu_r"


def test_options_and_nan_cells():
    matrix = np.array([[0.0, 2.0], [np.nan, 0.0]])
    ax = plot_task_similarity(
        matrix, annotate=True, fmt=".1f", colorbar=False, title=None
    )
    ax.figure.canvas.draw()
    assert _texts(ax) == ["0.0", "2.0", "0.0"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0", "1"]
    assert len(ax.figure.axes) == 1
    assert ax.images[0].get_cmap().name == "viridis"
    assert ax.get_title() == ""
    ax = plot_task_similarity(matrix, annotate=False, vmin=0, vmax=5)
    assert len(ax.texts) == 0
    assert ax.images[0].get_clim() == (0, 5)


def test_dataframe_names_from_index():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(MATRIX, index=["x", "y", "z"], columns=["x", "y", "z"])
    ax = plot_task_similarity(frame)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["x", "y", "z"]


def test_soft_sharing_summary(data):
    X, Y = data
    est = MultiTaskRegressor(sharing="soft", **FAST).fit(X, Y)
    matrix = est.sharing_summary()["task_similarity"]
    ax = plot_task_similarity(matrix, est.task_names_)
    ax.figure.canvas.draw()
    assert [t.get_text() for t in ax.get_xticklabels()] == est.task_names_


@pytest.mark.parametrize(
    "matrix, names, message",
    [
        (np.ones((2, 3)), None, r"square.*\(2, 3\)"),
        (np.ones(3), None, r"square.*\(3,\)"),
        (np.ones((0, 0)), None, "empty"),
        ([["a", "b"], ["c", "d"]], None, "numeric"),
        (np.ones((2, 2)), ["a", "b", "c"], "names has 3 entries .* 2 tasks"),
        (np.ones((2, 2)), "ab", "sequence of task names"),
    ],
)
def test_errors(matrix, names, message):
    with pytest.raises(ValueError, match=message):
        plot_task_similarity(matrix, names)
