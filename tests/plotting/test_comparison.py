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
        ({"m": {"a": 1.0}}, {"labels": "some"}, ValueError, "labels must be"),
    ],
)
def test_errors(results, kwargs, error, message):
    with pytest.raises(error, match=message):
        plot_comparison(results, **kwargs)


def _folds(rng, n_models, n_tasks, center=0.5, noise=0.05, n_folds=5):
    names = ["single-task", "pooled", "MTL linear", "MTL hard", "MTL soft"]
    return {
        names[m]: {
            f"target_{t}": list(
                center + 0.03 * m + rng.normal(scale=noise, size=n_folds)
            )
            for t in range(n_tasks)
        }
        for m in range(n_models)
    }


def _window(artist):
    return artist.get_window_extent(artist.figure.canvas.get_renderer())


def _check_layout(ax):
    """The legend is outside the axes, and no two labels overlap."""
    ax.figure.canvas.draw()
    legend, frame = _window(ax.get_legend()), _window(ax)
    assert not legend.overlaps(frame) and legend.x0 >= frame.x1
    boxes = [_window(text) for text in ax.texts]
    for i, first in enumerate(boxes):
        assert not any(first.overlaps(second) for second in boxes[i + 1 :])
        assert frame.y0 - 1 <= first.y0 and first.y1 <= frame.y1 + 1


@pytest.mark.parametrize("n_tasks", [3, 14])
def test_rendered_plot_keeps_legend_and_labels_readable(tmp_path, n_tasks):
    results = _folds(np.random.default_rng(0), 4, n_tasks)
    ax = plot_comparison(
        results, baseline="single-task", ylabel="R²", title="data.csv: R² per task"
    )
    path = tmp_path / f"{n_tasks}.png"
    ax.figure.savefig(path)
    assert path.stat().st_size > 20_000
    _check_layout(ax)
    caption = " ".join(ax.get_legend().get_title().get_text().split())
    assert "each bar minus single-task" in caption
    assert "error bars: ± std over folds" in caption
    assert ax.get_title() == "data.csv: R² per task"
    rotations = {text.get_rotation() for text in ax.texts}
    assert len(ax.texts) == 3 * n_tasks
    # Few bars: horizontal labels; many bars: rotated to fit above their bar.
    assert rotations == ({0.0} if n_tasks == 3 else {90.0})


def test_labels_left_out_when_they_cannot_fit():
    results = _folds(np.random.default_rng(0), 5, 40)
    ax = plot_comparison(results, baseline="single-task")
    assert len(ax.texts) == 0
    caption = " ".join(ax.get_legend().get_title().get_text().split())
    assert "too many bars to label" in caption
    _check_layout(ax)
    assert len(plot_comparison(FOLDS, baseline="single", labels=False).texts) == 0


def test_colour_of_a_model_does_not_depend_on_the_others():
    results = _folds(np.random.default_rng(0), 4, 3)
    full = plot_comparison(results)
    colours = {bars.get_label(): bars[0].get_facecolor() for bars in _bars(full)}
    del results["MTL linear"]
    fewer = plot_comparison(results)
    for bars in _bars(fewer):
        assert bars[0].get_facecolor() == colours[bars.get_label()]
    custom = plot_comparison(results, colors={"pooled": "black"})
    assert _bars(custom)[1][0].get_facecolor() == (0.0, 0.0, 0.0, 1.0)


def test_accuracy_axis_zooms_on_the_bars():
    results = _folds(np.random.default_rng(0), 3, 3, center=0.88, noise=0.01)
    lower, upper = plot_comparison(results, baseline="single-task").get_ylim()
    heights = [p.get_height() for p in plot_comparison(results).patches]
    assert 0.7 < lower < min(heights) and max(heights) < upper < 1.05


def test_huge_error_bars_do_not_stretch_the_axis():
    results = _folds(np.random.default_rng(0), 3, 3, center=0.2, noise=3.0)
    for model in results.values():
        for task, folds in model.items():
            model[task] = list(
                np.array(folds) - np.mean(folds) + 0.2 + 0.02 * len(task)
            )
    ax = plot_comparison(results, baseline="single-task")
    lower, upper = ax.get_ylim()
    assert upper - lower < 1.0
    assert "cut at the axis" in " ".join(ax.get_legend().get_title().get_text().split())


def test_comparison_result_gives_baseline_and_metric():
    from skmtl.compare import ComparisonResult

    result = ComparisonResult(
        {"stl": {"a": [0.5, 0.6]}, "mtl": {"a": [0.6, 0.7]}},
        metric="accuracy",
        baseline="stl",
    )
    ax = plot_comparison(result)
    assert ax.get_ylabel() == "accuracy (held-out folds)"
    assert [t.get_text() for t in ax.texts] == ["+0.100"]


def test_several_baselines_label_each_task_against_its_best():
    from skmtl.compare import ComparisonResult

    result = ComparisonResult(
        {
            "linear": {"a": [0.5, 0.6], "b": [0.2, 0.2]},
            "trees": {"a": [0.4, 0.4], "b": [0.5, 0.6]},
            "mtl": {"a": [0.6, 0.7], "b": [0.6, 0.7]},
        },
        metric="r2",
        baseline=["linear", "trees"],
    )
    ax = plot_comparison(result, delta="difference")
    assert [t.get_text() for t in ax.texts] == ["+0.100", "+0.100"]
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert labels == ["linear (baseline)", "trees (baseline)", "mtl"]
