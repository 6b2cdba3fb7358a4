import numpy as np
import pytest

pytest.importorskip("matplotlib")
from matplotlib.container import BarContainer, ErrorbarContainer

from skmtl.plotting import plot_comparison

FOLDS = {
    "shared": {"a": [0.8, 0.7, 0.75], "b": [0.6, 0.65, 0.7], "c": [0.1, 0.2, 0.3]},
    "single": {"a": [0.7, 0.72, 0.68], "b": [0.5, 0.55, 0.6], "c": [0.2, 0.2, 0.2]},
}


def _bars(ax):
    return [c for c in ax.containers if isinstance(c, BarContainer)]


def _errorbars(ax):
    return [c for c in ax.containers if isinstance(c, ErrorbarContainer)]


def test_grouped_bars_with_fold_errorbars():
    ax = plot_comparison(FOLDS)
    ax.figure.canvas.draw()
    bars = _bars(ax)
    assert len(bars) == 2
    assert len(ax.patches) == 2 * 3
    assert len(_errorbars(ax)) == 2
    heights = [patch.get_height() for patch in bars[0]]
    np.testing.assert_allclose(heights, [0.75, 0.65, 0.2])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "shared",
        "single",
    ]
    # The error bars span mean +- std.
    segments = _errorbars(ax)[0].lines[2][0].get_segments()
    np.testing.assert_allclose(
        segments[0][:, 1], 0.75 + np.array([-1, 1]) * np.std([0.8, 0.7, 0.75])
    )


def test_single_scores_have_no_errorbars():
    results = {"m1": {"a": 0.5, "b": 0.2}, "m2": {"a": 0.4, "b": 0.3}}
    ax = plot_comparison(results, ylabel="R²", legend_title="run", title="Held-out")
    ax.figure.canvas.draw()
    assert ax.get_legend().get_title().get_text() == "run"
    assert len(ax.patches) == 4
    assert _errorbars(ax) == []
    assert ax.get_ylabel() == "R²"
    assert ax.get_title() == "Held-out"


def test_baseline_annotations():
    ax = plot_comparison(FOLDS, baseline="single")
    ax.figure.canvas.draw()
    texts = [text.get_text() for text in ax.texts]
    assert texts == ["+0.050", "+0.100", "+0.000"]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["shared", "single (baseline)"]
    assert _bars(ax)[1][0].get_hatch() == "//"

    ax = plot_comparison(FOLDS, baseline="single", delta="relative")
    assert [text.get_text() for text in ax.texts] == ["+7.1%", "+18.2%", "+0.0%"]


def test_dataframe_tasks_as_rows_models_as_columns():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(
        {"hard": [0.5, 0.6], "independent": [0.4, -0.1]}, index=["t0", "t1"]
    )
    ax = plot_comparison(frame, baseline="independent")
    ax.figure.canvas.draw()
    assert len(ax.patches) == 4
    assert [t.get_text() for t in ax.get_xticklabels()] == ["t0", "t1"]
    np.testing.assert_allclose([p.get_height() for p in _bars(ax)[1]], [0.4, -0.1])
    # A zero line is drawn for negative scores.
    assert len(ax.lines) == 1


def test_dataframe_of_fold_lists_and_nan_folds():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(
        {"m": [[0.5, 0.7], [np.nan, 0.2]], "n": [[0.1, 0.1], [0.3, 0.3]]},
        index=["t0", "t1"],
    )
    ax = plot_comparison(frame)
    np.testing.assert_allclose([p.get_height() for p in _bars(ax)[0]], [0.6, 0.2])
    assert len(_errorbars(ax)) == 2


def test_mixed_single_and_fold_scores():
    results = {"m1": {"a": 0.5, "b": [0.2, 0.4]}, "m2": {"a": 0.4, "b": 0.3}}
    ax = plot_comparison(results)
    ax.figure.canvas.draw()
    assert len(_errorbars(ax)) == 1


@pytest.mark.parametrize(
    "results, kwargs, error, message",
    [
        ({}, {}, ValueError, "results is empty"),
        ([0.5], {}, TypeError, "must be a mapping"),
        ({"m": 0.5}, {}, TypeError, r"results\['m'\] must map task name"),
        ({"m": {}}, {}, ValueError, "has no task"),
        (
            {"m": {"a": 1.0, "b": 1.0}, "n": {"a": 1.0, "c": 1.0}},
            {},
            ValueError,
            r"results\['n'\] lacks tasks \['b'\] and has extra tasks \['c'\]",
        ),
        ({"m": {"a": "high"}}, {}, TypeError, "model 'm' on task 'a'"),
        ({"m": {"a": [[1.0]]}}, {}, TypeError, "1-D sequence of fold scores"),
        ({"m": {"a": []}}, {}, ValueError, "fold scores .* are empty"),
        ({"m": {"a": 1.0}}, {"baseline": "x"}, ValueError, "baseline='x'"),
        ({"m": {"a": 1.0}}, {"delta": "ratio"}, ValueError, "delta must be"),
    ],
)
def test_errors(results, kwargs, error, message):
    with pytest.raises(error, match=message):
        plot_comparison(results, **kwargs)
