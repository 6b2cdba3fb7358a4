"""The notes under a comparison: warnings, failures, chosen hyperparameters, sizes."""

from collections import Counter

#: At most this many distinct warnings of one model are reported.
MAX_WARNINGS = 3

#: Fewer scored test labels than this in a fold make a task's scores noisy.
SMALL_FOLD = 10


def one_line(text):
    """Return ``text`` on one line, runs of whitespace (newlines too) collapsed."""
    return " ".join(str(text).split())


def error_text(error):
    """Return an exception as ``"Type: message"`` on one line.

    A message carrying a traceback (scikit-learn's "All the fits failed"
    reports one) is cut to its first line and the traceback's last line, the
    error that ended it.
    """
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    message = " ".join(lines)
    if any(line.startswith("Traceback") for line in lines):
        message = f"{lines[0]} ... {lines[-1]}"
    return f"{type(error).__name__}: {message}"


def _folds(numbers):
    word = "fold" if len(numbers) == 1 else "folds"
    return f"{word} {', '.join(map(str, sorted(numbers)))}"


def warning_notices(name, caught):
    """Return notes on the warnings a model raised, whole, deduplicated, counted.

    Parameters
    ----------
    name : str
        The model.
    caught : list of (int, warnings.WarningMessage)
        Each warning with the (1-based) fold it was raised in.

    Returns
    -------
    notices : list of str
        One note per distinct message, the most frequent first, at most
        :data:`MAX_WARNINGS`, then how many more distinct messages there were.
    """
    counts, folds = Counter(), {}
    for fold, warning in caught:
        message = f"{warning.category.__name__}: {one_line(warning.message)}"
        counts[message] += 1
        folds.setdefault(message, set()).add(fold)
    notices = []
    for message, count in counts.most_common(MAX_WARNINGS):
        times = "once" if count == 1 else f"{count} times"
        notices.append(f"{name} warned {times} ({_folds(folds[message])}): {message}")
    if len(counts) > MAX_WARNINGS:
        rest = len(counts) - MAX_WARNINGS
        notices.append(f"{name}: {rest} more distinct warnings.")
    return notices


def chosen_params_notice(name, chosen):
    """Return a note on what a model's inner search chose in each fold, or None.

    Parameters
    ----------
    name : str
        The model.
    chosen : list of (dict or None)
        The hyperparameters chosen in each fold (None: no search, or failed).

    Returns
    -------
    notice : str or None
        ``"NAME chose penalty='l21', alpha=0.01 (folds 1, 3); ..."``, most
        frequent choice first.
    """
    choices = {}
    for fold, params in enumerate(chosen, start=1):
        if params is not None:
            text = ", ".join(f"{key}={value!r}" for key, value in params.items())
            choices.setdefault(text, []).append(fold)
    if not choices:
        return None
    ordered = sorted(choices.items(), key=lambda item: -len(item[1]))
    parts = [f"{text} ({_folds(folds)})" for text, folds in ordered]
    return f"{name} chose {'; '.join(parts)} in its inner search."


def small_folds_notice(test_sizes, metric_label):
    """Return a note naming the tasks with too few test labels per fold, or None.

    Parameters
    ----------
    test_sizes : dict
        Task name -> scored test labels in each fold.
    metric_label : str
        The metric's name.

    Returns
    -------
    notice : str or None
        The tasks with fewer than :data:`SMALL_FOLD` test labels in a fold,
        each with its smallest count.
    """
    small = {
        task: min(sizes)
        for task, sizes in test_sizes.items()
        if sizes and min(sizes) < SMALL_FOLD
    }
    if not small:
        return None
    shown = ", ".join(f"{task!r} ({count})" for task, count in list(small.items())[:8])
    if len(small) > 8:
        shown += f" and {len(small) - 8} more"
    return (
        f"Small test folds: {len(small)} task(s) have fewer than {SMALL_FOLD} test "
        f"labels per fold: {shown}. {metric_label} on so few rows varies a lot from "
        "fold to fold; differences between models are unreliable, use fewer "
        "folds or more data."
    )
