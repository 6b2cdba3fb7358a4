"""What a neural fit shows while it trains: lines, best-epoch marks, tqdm bars."""

import pytest

from skmtl import MultiTaskRegressor
from tests.conftest import FAST


def _fit(data, **params):
    X, Y = data
    return MultiTaskRegressor(**{**FAST, **params}).fit(X, Y)


def test_lines_mark_the_best_epoch_with_early_stopping(wide_regression, capsys):
    model = _fit(
        wide_regression, verbose=1, max_epochs=30, early_stopping=True,
        n_iter_no_change=2, lr=0.3,
    )  # fmt: skip
    lines = [
        line
        for line in capsys.readouterr().out.splitlines()
        if line.startswith("epoch")
    ]
    # Every epoch has its line, the one that triggered the stop included.
    assert len(lines) == model.n_iter_ < 30
    valid = model.history_[:, "valid_loss"]
    best = [i for i, loss in enumerate(valid) if loss < min(valid[:i], default=1e300)]
    marked = [i for i, line in enumerate(lines) if "*best" in line]
    assert marked == best and marked[0] == 0


def test_no_mark_without_early_stopping(wide_regression, capsys):
    _fit(wide_regression, verbose=2, max_epochs=2)
    out = capsys.readouterr().out
    assert "*best" not in out and out.count("epoch ") == 2


@pytest.mark.parametrize("verbose, bars", [(3, 1), (4, 2)])
def test_progress_bar_over_epochs(wide_regression, capsys, verbose, bars):
    _fit(wide_regression, verbose=verbose, max_epochs=3, early_stopping=True)
    captured = capsys.readouterr()
    assert captured.out.count("epoch ") == 0
    assert "fit: 100%" in captured.err and "3/3" in captured.err
    assert "valid_loss=" in captured.err and "best=" in captured.err
    assert ("batches" in captured.err) == (bars == 2)


def test_silent_fit_has_no_progress_callback(wide_regression, capsys):
    model = _fit(wide_regression, max_epochs=1)
    assert "progress" not in dict(model.net_.callbacks_)
    assert capsys.readouterr() == ("", "")
