"""ComparisonResult as plain, JSON-serializable Python objects."""

import math

import numpy as np

from skmtl.compare._wording import ERRORS, NOISE_RULE, TYPE_METRICS


def result_to_dict(result):
    """Return ``result`` as plain Python objects (see :meth:`ComparisonResult.to_dict`).

    Parameters
    ----------
    result : ComparisonResult
        The comparison.

    Returns
    -------
    result : dict
        Task names as strings, NaN as None.
    """
    return {
        **_scores(result),
        **_comparisons(result),
        "test_sizes": {
            str(task): list(sizes) for task, sizes in result.test_sizes.items()
        },
        "chosen_params": {
            model: [
                None
                if params is None
                else {key: _json_value(v) for key, v in params.items()}
                for params in folds
            ]
            for model, folds in result.chosen_params.items()
        },
        "fit_times": {
            model: [round(t, 4) for t in times]
            for model, times in result.fit_times.items()
        },
        "notices": list(result.notices),
    }


def task_metrics(result):
    """Return task name -> the metric of its scores (``"r2"`` or ``"accuracy"``)."""
    if result.task_types is None:
        return dict.fromkeys(result.tasks, result.metric)
    return {task: TYPE_METRICS[result.task_types[task]] for task in result.tasks}


def _scores(result):
    """Return the setting and the per-fold, per-task and overall scores."""
    means, stds = result.mean_scores(), result.std_scores()

    def per_task(values):
        return {
            model: {str(task): _json_number(v) for task, v in tasks.items()}
            for model, tasks in values.items()
        }

    return {
        "metric": result.metric,
        "task_metrics": {str(k): v for k, v in task_metrics(result).items()},
        "task_types": None
        if result.task_types is None
        else {str(k): v for k, v in result.task_types.items()},
        "layout": result.layout,
        "baseline": result.baseline,
        "baselines": list(result.baselines),
        "baseline_per_task": {
            str(task): model for task, model in result.baseline_per_task().items()
        },
        "n_splits": result.n_splits,
        "models": list(result.models),
        "tasks": [str(task) for task in result.tasks],
        "scores": {
            model: {
                str(task): [_json_number(v) for v in folds]
                for task, folds in tasks.items()
            }
            for model, tasks in result.scores.items()
        },
        "mean": per_task(means),
        "std": per_task(stds),
        "overall": {
            model: {"mean": _json_number(mean), "std": _json_number(std)}
            for model, (mean, std) in result.overall().items()
        },
    }


def _comparisons(result):
    """Return the differences with the baseline, the gains and the winners."""

    def paired(value):
        return {
            "mean": _json_number(value.mean),
            "standard_error": _json_number(value.standard_error),
            "p_value": _json_number(value.p_value),
        }

    per_task_differences = {task: result.differences(task) for task in result.tasks}
    return {
        "difference": {
            model: paired(value) for model, value in result.differences().items()
        },
        "difference_per_task": {
            model: {
                str(task): paired(per_task_differences[task][model])
                for task in result.tasks
            }
            for model in result.models
        },
        "error_reduction": {
            model: _json_number(value)
            for model, value in result.error_reductions().items()
        },
        "error": ERRORS.get(result.metric, f"1 - {result.metric}"),
        "relative_gain": {
            model: _json_number(gain) for model, gain in result.relative_gains().items()
        },
        "winners": {str(task): model for task, model in result.winners().items()},
        "overall_winner": result.overall_winner(),
        "noise_rule": NOISE_RULE,
    }


def _json_number(value):
    return value if math.isfinite(value) else None


def _json_value(value):
    """Return a hyperparameter value as JSON: numbers, strings, else its repr."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return _json_number(value)
    if isinstance(value, np.generic):
        return _json_value(value.item())
    return repr(value)
