"""The ``skmtl compare`` command: a thin layer over :func:`compare_models`."""

import argparse
import json
import sys
from pathlib import Path

from skmtl.compare._csv import DataError, load_csv
from skmtl.compare._engine import compare_models
from skmtl.compare._grouping import grouping_models
from skmtl.compare._mixed import frame_task_types, mixed_models
from skmtl.compare._models import default_models
from skmtl.compare._progress import FitProgress

DESCRIPTION = """\
Cross-validate multi-task models against single-task and pooled baselines on a
CSV file, and print a per-task table (R² for regression, accuracy for
classification; mean ± std over folds) with the best model per task, then how
each model compares with single-task learning: the mean paired difference of
the scores over folds (± its standard error), the error reduction (symmetric
relative change of 1 - R² or 1 - accuracy, bounded in [-100%, +100%]) and the
tasks it wins or loses. A model is named best only when it beats the runner-up
beyond fold noise (corrected resampled t-test over the folds, 5% level). Notes
list skipped or failed models, their warnings (whole, counted), the
hyperparameters each inner search chose per fold, and tasks with fewer than 10
test labels per fold.

Wide layout: one --target column per task (empty cells are missing labels).
Long layout: --task-column names the column saying which task each row
belongs to, and a single --target holds every row's label.

Targets of mixed types (wide layout, no --classification): when some target
columns hold text labels and the others numbers, each task gets its type by
MultiTaskMixedEstimator's rule (text, and integers with at most 10 levels:
classification; other numbers: regression) and its metric by type (R² or
accuracy, named in the table's metric column). The models are then the
single-task baselines of each task's type and one MultiTaskMixedEstimator per
--sharing architecture; pooled and MTL linear models fit one type for all
tasks and are left out, and so is --grouping.

Models: single-task (RidgeCV / LogisticRegression per task), single-task
HistGB (HistGradientBoosting* per task, scikit-learn's defaults and early
stopping), pooled (one linear model on all tasks, task one-hot encoded), pooled
HistGB (one boosting model on all tasks, the task a categorical feature), MTL
linear (RegularizedMultiTask* with penalty and alpha chosen by an inner grid
search on the training folds) and one MultiTask* network per --sharing
architecture. Numeric features are imputed and standardized, other columns
one-hot encoded; the boosting models get numbers as they are and categories
natively. Every model is compared with the best single-task model on each task
(the one with the best mean score over the test folds, which favours the
baseline); --no-boosting leaves the boosting models out.

Data problems exit with status 2 and a message naming the column: a mostly
numeric column with a few text cells (a likely typo; the cells and their data
rows are quoted; --categorical COLUMN if it holds categories), an infinite
value, a non-numeric regression target, too few rows for the folds."""


def _positive(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text}")
    return value


def add_parser(commands):
    """Add the ``compare`` command to the subparsers ``commands``.

    Parameters
    ----------
    commands : argparse subparsers action
        The subparsers of the ``skmtl`` parser.

    Returns
    -------
    parser : argparse.ArgumentParser
        The parser of the command.
    """
    parser = commands.add_parser(
        "compare",
        help="cross-validate multi-task models against baselines on a CSV file",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_data_arguments(parser)
    _add_model_arguments(parser)
    _add_output_arguments(parser)
    return parser


def _add_data_arguments(parser):
    """Add the arguments that say which columns are targets, tasks and features."""
    parser.add_argument("data", help="CSV file with a header row")
    parser.add_argument(
        "--target",
        "-t",
        action="append",
        required=True,
        metavar="COLUMN",
        help="a target column; repeat for each task (wide layout) or give one "
        "with --task-column (long layout)",
    )
    parser.add_argument(
        "--task-column",
        metavar="COLUMN",
        help="column holding each row's task (long layout)",
    )
    parser.add_argument(
        "--classification",
        action="store_true",
        help="every target holds class labels, numbers included (default: "
        "numeric regression targets; text target columns next to numeric ones "
        "are targets of mixed types)",
    )
    parser.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="COLUMN",
        help="a column that is not a feature (an identifier, ...); repeatable",
    )
    parser.add_argument(
        "--categorical",
        action="append",
        default=[],
        metavar="COLUMN",
        help="a feature column holding categories (one-hot encoded, native "
        "categories for gradient boosting) although it "
        "looks numeric; repeatable. A column of numbers with a few text cells is "
        "otherwise refused as a likely typo",
    )


def _add_model_arguments(parser):
    """Add the arguments of the folds and of the compared models."""
    parser.add_argument(
        "--cv", type=int, default=5, help="number of folds (default: 5)"
    )
    parser.add_argument(
        "--random-state",
        type=int,
        default=0,
        help="seed of the folds and of the networks (default: 0)",
    )
    parser.add_argument(
        "--sharing",
        default="hard,soft,mmoe",
        help="comma-separated sharing architectures of the neural models "
        "(default: hard,soft,mmoe; empty: no neural model)",
    )
    parser.add_argument(
        "--boosting",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="fit the per-task and pooled gradient-boosting baselines (default: yes)",
    )
    parser.add_argument(
        "--max-epochs",
        type=_positive,
        metavar="N",
        help="training epochs of the neural models (default: their own, 200)",
    )
    parser.add_argument(
        "--n-threads",
        type=_positive,
        default=1,
        metavar="N",
        help="torch threads of the neural models (default: 1)",
    )
    parser.add_argument(
        "--grouping",
        action="store_true",
        help="also fit automatic task grouping and its guarded form (one "
        "network per group of tasks with high measured affinity; slower: "
        "inner CV over the number of groups)",
    )


def _add_output_arguments(parser):
    """Add the arguments of what the command writes and shows."""
    parser.add_argument("--json", metavar="PATH", help="write all fold scores as JSON")
    parser.add_argument(
        "--plot",
        metavar="PATH",
        help="save a plot of the scores (needs matplotlib: skmtl[plot])",
    )
    parser.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="a progress bar of the fits on stderr, with elapsed time and ETA "
        "(default: only when stderr is a terminal)",
    )
    parser.add_argument(
        "--quiet", "-q", action="store_true", help="no progress bar (--no-progress)"
    )


def _shows_progress(args):
    """Return whether to draw the progress bar: asked for, or on a terminal."""
    if args.quiet:
        return False
    if args.progress is not None:
        return args.progress
    return sys.stderr.isatty()


def _plotter():
    """Return ``skmtl.plotting.plot_comparison`` with a file-only backend."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        from skmtl.plotting import plot_comparison
    except ImportError as error:
        raise DataError(
            f"--plot needs matplotlib and skmtl.plotting ({error}): pip install "
            "'skmtl[plot]'."
        ) from None
    return plot_comparison


def _check_output(path, option):
    """Raise a DataError when the folder of an output file does not exist."""
    folder = Path(path).resolve().parent
    if not folder.is_dir():
        raise DataError(f"{option} {path}: folder '{folder}' does not exist.")


def _compare(args):
    """Run the comparison; return the result and the path of each output."""
    if args.cv < 2:
        raise DataError(f"--cv {args.cv}: a cross-validation needs at least 2 folds.")
    for path, option in [(args.json, "--json"), (args.plot, "--plot")]:
        if path is not None:
            _check_output(path, option)
    plot = _plotter() if args.plot else None
    X, y = load_csv(
        args.data,
        targets=args.target,
        task_column=args.task_column,
        classification=args.classification,
        exclude=args.exclude,
        categorical=args.categorical,
    )
    mixed = args.task_column is None and not args.classification
    mixed = mixed and frame_task_types(y) is not None
    options = {
        "random_state": args.random_state,
        "sharings": [s.strip() for s in args.sharing.split(",") if s.strip()],
        "max_epochs": args.max_epochs,
        "n_threads": args.n_threads,
        "boosting": args.boosting,
    }
    if mixed:
        models = mixed_models(**options)
    else:
        models = default_models(classification=args.classification, **options)
    if args.grouping and mixed:
        raise DataError(
            "--grouping does not apply to targets of mixed types (task grouping "
            "fits networks of one type); leave it out."
        )
    if args.grouping:
        models.update(
            grouping_models(
                classification=args.classification,
                random_state=args.random_state,
                max_epochs=args.max_epochs,
                n_threads=args.n_threads,
            )
        )
    try:
        result = compare_models(
            X,
            y,
            task_column=args.task_column,
            classification=args.classification,
            models=models,
            cv=args.cv,
            random_state=args.random_state,
            progress=FitProgress(sys.stderr) if _shows_progress(args) else None,
        )
    except ValueError as error:
        raise DataError(str(error)) from None
    return X, result, plot


def run(args, parser):
    """Run ``skmtl compare`` with the parsed ``args``; return the exit status.

    Problems with the data or the options end the command with status 2 and a
    message on stderr (through ``parser.error``), without a traceback.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed command line.
    parser : argparse.ArgumentParser
        The parser of the command, used to report errors.

    Returns
    -------
    status : int
        0 on success.
    """
    try:
        X, result, plot = _compare(args)
    except DataError as error:
        parser.error(str(error))
    layout = (
        f"long layout, task column {args.task_column!r}"
        if args.task_column
        else "wide layout"
    )
    kind = "classification" if args.classification else "regression"
    if result.task_types is not None:
        kind = "targets of mixed types"
    print(
        f"skmtl compare: {args.data}: {len(X)} rows, {len(result.tasks)} tasks "
        f"({layout}), {kind}, {result.n_splits}-fold cross-validation, "
        f"{len(result.models)} models\n"
    )
    print(result.table())
    print()
    print(result.summary())
    if result.notices:
        print("\nNotes:")
        for notice in result.notices:
            print(f"- {notice}")
    if args.json:
        content = {
            "data": str(args.data),
            "targets": list(args.target),
            "task_column": args.task_column,
            "classification": args.classification,
            "cv": args.cv,
            "random_state": args.random_state,
            **result.to_dict(),
        }
        Path(args.json).write_text(json.dumps(content, indent=2) + "\n")
        print(f"\nFold scores written to {args.json}")
    if plot is not None:
        title = (
            f"{Path(args.data).name}: {result.metric_label} per task, "
            f"{result.n_splits}-fold cross-validation"
        )
        ax = plot(result, title=title)
        ax.figure.savefig(args.plot, bbox_inches="tight", dpi=120)
        print(f"Plot saved to {args.plot}")
    return 0
